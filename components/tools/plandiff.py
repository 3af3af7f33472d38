"""The cost diff of two offline plans: ``python -m components plan --diff BASE.json HEAD.json``.

A plan is the JSON list that ``plan --format json`` prints, one object per VM with at least
``name``, ``cloud``, ``region``, ``instance_type`` and ``monthly_price`` (a number, or null when the
price is unknown). VMs are matched by name. Each is classified as added, removed, moved (cloud or
region changed), resized (instance type changed), changed (zone, image, spot, disk, public IP or
only the price changed) or unchanged. A fan-out VM is named ``<name>-<cloud>``, so moving it to
another cloud renames it: a removed ``web-aws`` and an added ``web-gcp`` that are the only two VMs
of base name ``web`` on either side count as one move.

A VM's ``monthly_price`` is its full cost (compute, Windows licence, disks, public IPv4); a VM whose
``unpriced`` list names parts without a price has a lower bound there, shown as "at least" (≥).
Totals add up known prices only; unpriced parts and VMs with an unknown price are named, never taken
as $0. A plan from before ``unpriced`` existed (no such key) still reads: its prices are exact or null.
Everything here is a pure function of its arguments except ``main_diff``, which reads the two files
and prints.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

MARKER = "<!-- multicloud-vm-cost -->"

# The order rows are listed in, and the words used for each kind of change.
KINDS = ("removed", "added", "moved", "resized", "changed", "unchanged")
LOCATION_FIELDS = ("cloud", "region")
OTHER_FIELDS = (
    "zone", "image", "spot", "arch", "os_type", "disk_size_gib", "disk_type", "data_disks", "public_ip", "gpu",
)  # fmt: skip
# Fields that decide what an unpriced part would cost: equal on both sides, it costs the same.
PRICE_FIELDS = ("cloud", "region", "instance_type", "spot", "os_type")
MAX_PLAN_BYTES = 50 * 1024 * 1024
REQUIRED_STRING_FIELDS = ("name", "cloud", "region", "instance_type")
FORMATS = ("markdown", "table", "json")


class PlanFileError(ValueError):
    """A plan file that is not a JSON list of VM objects; the message names file and item."""


@dataclass(frozen=True)
class VmChange:
    """One VM's row in the diff: the VM as planned before and after (None where absent)."""

    kind: str
    before: dict | None
    after: dict | None
    details: tuple[str, ...]

    @property
    def name(self) -> str:
        """The head name, or the base name of a removed VM; a renamed move shows both."""
        if self.before and self.after and self.before["name"] != self.after["name"]:
            return f"{self.before['name']} -> {self.after['name']}"
        return (self.after or self.before)["name"]  # type: ignore[index]

    @property
    def monthly_before(self) -> float | None:
        return monthly_price(self.before)

    @property
    def monthly_after(self) -> float | None:
        return monthly_price(self.after)

    @property
    def monthly_delta(self) -> float | None:
        """After minus before; None when either side that exists has an unknown price, or unpriced
        parts that may cost differently on the two sides."""
        if (self.before is not None and self.monthly_before is None) or (
            self.after is not None and self.monthly_after is None
        ):
            return None
        if self.before and self.after and (unpriced(self.before) or unpriced(self.after)):
            same = unpriced(self.before) == unpriced(self.after) and all(
                self.before.get(f) == self.after.get(f) for f in PRICE_FIELDS
            )
            if not same:
                return None
        return round_cents((self.monthly_after or 0.0) - (self.monthly_before or 0.0))

    @property
    def delta_at_least(self) -> bool:
        """True when the delta's size is a lower bound: an added or removed VM with unpriced parts."""
        return bool(unpriced(self.after if self.before is None else self.before)) and not (self.before and self.after)


@dataclass(frozen=True)
class CostTotal:
    """The sum of the known monthly prices of a plan, and the VMs whose price is unknown."""

    known_monthly: float
    unknown_price_vms: tuple[str, ...]
    unpriced_parts: tuple[str, ...] = ()
    """``web-azure (OS disk, public IPv4)`` for each VM whose price is a lower bound."""


@dataclass(frozen=True)
class PlanDiff:
    changes: tuple[VmChange, ...]
    before: CostTotal
    after: CostTotal

    @property
    def monthly_delta(self) -> float:
        return round_cents(self.after.known_monthly - self.before.known_monthly)

    @property
    def has_unknown_prices(self) -> bool:
        return bool(self.before.unknown_price_vms or self.after.unknown_price_vms)

    @property
    def has_unpriced_parts(self) -> bool:
        return bool(self.before.unpriced_parts or self.after.unpriced_parts)

    def of_kind(self, kind: str) -> list[VmChange]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def visible_changes(self) -> list[VmChange]:
        return [c for c in self.changes if c.kind != "unchanged"]


# --- reading plans -------------------------------------------------------------------------------


def parse_plan(text: str, source: str = "plan") -> list[dict]:
    """The VMs of a plan document; empty text is an empty plan. PlanFileError if malformed."""
    if not text.strip():
        return []
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "expected the output of `python -m components plan --format json`"
        ) from None
    if not isinstance(document, list):
        raise PlanFileError(
            f"{source}: expected a JSON list of VMs as printed by `plan --format json`, "
            f"got a JSON {type(document).__name__}"
        )
    seen: set[str] = set()
    for index, vm in enumerate(document):
        check_vm(vm, index, source)
        if vm["name"] in seen:
            raise PlanFileError(f"{source}: item {index}: VM name {vm['name']!r} appears twice")
        seen.add(vm["name"])
    return document


def check_vm(vm: Any, index: int, source: str) -> None:
    if not isinstance(vm, dict):
        raise PlanFileError(f"{source}: item {index}: expected a JSON object, got {vm!r}")
    label = f"{source}: item {index} ({vm.get('name')!r})"
    for field in REQUIRED_STRING_FIELDS:
        if not isinstance(vm.get(field), str) or not vm[field]:
            raise PlanFileError(f"{label}: {field} must be a non-empty string, got {vm.get(field)!r}")
    price = vm.get("monthly_price")
    if price is not None and (
        isinstance(price, bool) or not isinstance(price, int | float) or not math.isfinite(price) or price < 0
    ):
        raise PlanFileError(f"{label}: monthly_price must be a number >= 0 or null, got {price!r}")
    parts = vm.get("unpriced", [])
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        raise PlanFileError(f"{label}: unpriced must be a list of part names, got {parts!r}")
    disks = vm.get("data_disks", [])
    if not isinstance(disks, list) or not all(isinstance(d, dict) for d in disks):
        raise PlanFileError(f"{label}: data_disks must be a list of objects, got {disks!r}")


def read_plan_file(path: str | Path, missing_ok: bool = False) -> list[dict]:
    """The VMs of a plan file; a missing file is an empty plan only when missing_ok."""
    from .inputs import InputFileError, read_text

    path = Path(path)
    if missing_ok and not path.exists():
        return []
    if path.is_file() and path.stat().st_size > MAX_PLAN_BYTES:
        raise PlanFileError(f"{path}: {path.stat().st_size:,} bytes is too big for a plan")
    try:
        text = read_text(path, "a plan JSON file")
    except InputFileError as error:
        raise PlanFileError(str(error)) from None
    try:
        return parse_plan(text, str(path))
    except RecursionError:
        raise PlanFileError(f"{path}: nested too deeply to be a plan") from None


# --- diffing -------------------------------------------------------------------------------------


def monthly_price(vm: dict | None) -> float | None:
    if vm is None or vm.get("monthly_price") is None:
        return None
    return float(vm["monthly_price"])


def unpriced(vm: dict | None) -> tuple[str, ...]:
    """The parts of a VM's cost without a price (its monthly price is then a lower bound)."""
    return tuple(vm.get("unpriced") or ()) if vm else ()


def round_cents(value: float) -> float:
    return round(value + 0.0, 2) + 0.0  # "+ 0.0" turns -0.0 into 0.0


def total_cost(vms: Sequence[dict]) -> CostTotal:
    known = [p for p in (monthly_price(vm) for vm in vms) if p is not None]
    unknown = tuple(sorted(vm["name"] for vm in vms if monthly_price(vm) is None))
    partial = tuple(
        f"{vm['name']} ({', '.join(unpriced(vm))})"
        for vm in sorted(vms, key=lambda vm: vm["name"])
        if unpriced(vm) and monthly_price(vm) is not None
    )
    cents = sum(round(p * 100) for p in known)  # plans carry cents: add them exactly
    return CostTotal(known_monthly=round_cents(cents / 100), unknown_price_vms=unknown, unpriced_parts=partial)


def field_changes(before: dict, after: dict, fields: Sequence[str]) -> list[str]:
    """What changed among ``fields``; a field only one side's plan format has is not compared."""
    return [
        f"{field} {show(before.get(field))} -> {show(after.get(field))}"
        for field in fields
        if (field in before) == (field in after) and before.get(field) != after.get(field)
    ]


def show(value: Any) -> str:
    if value is None or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):  # data disks
        return ", ".join(f"{d.get('size_gib')} GiB {d.get('disk_type', '')}".strip() for d in value)
    return str(value)


def classify(before: dict, after: dict) -> VmChange:
    """The change between two plans of what is the same VM."""
    location = field_changes(before, after, LOCATION_FIELDS)
    size = field_changes(before, after, ("instance_type",))
    other = field_changes(before, after, OTHER_FIELDS)
    if not (location or size or other) and (monthly_price(before), unpriced(before)) != (
        monthly_price(after),
        unpriced(after),
    ):
        other = [f"price {vm_money(before)} -> {vm_money(after)}"]
    if location:
        kind = "moved"
    elif size:
        kind = "resized"
    elif other:
        kind = "changed"
    else:
        kind = "unchanged"
    return VmChange(kind, before, after, tuple(location + size + other))


def fan_out_base_name(vm: dict) -> str | None:
    """``web`` for a VM named ``web-aws`` on aws; None for a VM not named after its cloud."""
    suffix = f"-{vm['cloud']}"
    if vm["name"].endswith(suffix) and len(vm["name"]) > len(suffix):
        return vm["name"][: -len(suffix)]
    return None


def pair_fan_out_moves(removed: list[dict], added: list[dict]) -> list[tuple[dict, dict]]:
    """Removed/added pairs that are one fan-out VM moving cloud: the only one of its base name each
    side, on different clouds."""
    removed_by_base: dict[str, list[dict]] = {}
    added_by_base: dict[str, list[dict]] = {}
    for vms, by_base in ((removed, removed_by_base), (added, added_by_base)):
        for vm in vms:
            base = fan_out_base_name(vm)
            if base is not None:
                by_base.setdefault(base, []).append(vm)
    pairs = []
    for base, gone in removed_by_base.items():
        new = added_by_base.get(base, [])
        if len(gone) == 1 and len(new) == 1 and gone[0]["cloud"] != new[0]["cloud"]:
            pairs.append((gone[0], new[0]))
    return pairs


def diff_plans(base: Sequence[dict], head: Sequence[dict]) -> PlanDiff:
    """Every VM of either plan as one change, listed removed, added, moved, resized, changed,
    unchanged, and by name within each kind."""
    base_by_name = {vm["name"]: vm for vm in base}
    head_by_name = {vm["name"]: vm for vm in head}
    changes = [classify(base_by_name[name], head_by_name[name]) for name in base_by_name.keys() & head_by_name.keys()]
    removed = [vm for name, vm in base_by_name.items() if name not in head_by_name]
    added = [vm for name, vm in head_by_name.items() if name not in base_by_name]
    for gone, new in pair_fan_out_moves(removed, added):
        changes.append(classify(gone, new))
        removed.remove(gone)
        added.remove(new)
    changes += [VmChange("removed", vm, None, ()) for vm in removed]
    changes += [VmChange("added", None, vm, ()) for vm in added]
    changes.sort(key=lambda c: (KINDS.index(c.kind), c.name))
    return PlanDiff(tuple(changes), total_cost(base), total_cost(head))


# --- rendering -----------------------------------------------------------------------------------


def money(value: float | None, at_least: bool = False) -> str:
    return "unknown" if value is None else f"{'≥ ' if at_least else ''}${value:,.2f}"


def vm_money(vm: dict | None) -> str:
    return money(monthly_price(vm), bool(unpriced(vm)))


def signed_money(value: float | None, at_least: bool = False) -> str:
    if value is None:
        return "unknown"
    return f"{'-' if value < 0 else '+'}${abs(value):,.2f}{' or more' if at_least else ''}"


def placement(vm: dict | None) -> str:
    """``aws us-east-1 t3.large`` (with `` spot`` for a spot VM), or an em dash for no VM."""
    if vm is None:
        return "—"
    words = [vm["cloud"], vm["region"], vm["instance_type"]]
    if vm.get("spot"):
        words.append("spot")
    return " ".join(words)


def summary_line(diff: PlanDiff) -> str:
    before = money(diff.before.known_monthly, bool(diff.before.unpriced_parts))
    after = money(diff.after.known_monthly, bool(diff.after.unpriced_parts))
    line = f"Monthly cost: {before} -> {after} ({signed_money(diff.monthly_delta)}"
    line += " on the priced parts)" if diff.has_unpriced_parts else ")"
    if diff.has_unknown_prices:
        line += ", excluding VMs with an unknown price"
    return line


def unknown_price_note(diff: PlanDiff) -> str | None:
    notes = []
    for intro, sep, before, after in (
        ("Not in the totals, price unknown: ", ", ", diff.before.unknown_price_vms, diff.after.unknown_price_vms),
        ("Unpriced parts, so totals are at least: ", "; ", diff.before.unpriced_parts, diff.after.unpriced_parts),
    ):
        sides = [f"{side}: {sep.join(names)}" for side, names in (("before", before), ("after", after)) if names]
        if sides:
            notes.append(intro + "; ".join(sides) + ".")
    return " ".join(notes) or None


def change_counts(diff: PlanDiff) -> str:
    counts = [f"{len(diff.of_kind(kind))} {kind}" for kind in KINDS if diff.of_kind(kind)]
    return ", ".join(counts) if counts else "no VMs in either plan"


def row_cells(change: VmChange) -> list[str]:
    return [
        change.name,
        change.kind,
        placement(change.before),
        placement(change.after),
        vm_money(change.before) if change.before else "—",
        vm_money(change.after) if change.after else "—",
        signed_money(change.monthly_delta, change.delta_at_least),
        "; ".join(change.details),
    ]


ROW_HEADERS = [
    "VM",
    "change",
    "before",
    "after",
    "$/month before",
    "$/month after",
    "delta",
    "what",
]


def markdown_cell(text: str) -> str:
    """Text that cannot end its table cell or open an HTML tag (VM names come from the PR)."""
    return text.replace("<", "&lt;").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def render_markdown(diff: PlanDiff) -> str:
    """The pull-request comment: the hidden marker first, so that CI finds and updates it."""
    lines = [MARKER, "### multicloud-vm: cost of this change", "", f"**{summary_line(diff)}**", ""]
    note = unknown_price_note(diff)
    if note:
        lines += [f"> {markdown_cell(note)}", ""]
    shown = diff.visible_changes
    if not shown:
        unchanged = len(diff.of_kind("unchanged"))
        lines.append(f"No VM changes ({unchanged} VM{'s' if unchanged != 1 else ''} unchanged).")
        return "\n".join(lines) + "\n"
    lines.append(f"VMs: {change_counts(diff)}.")
    lines.append("")
    lines.append("| " + " | ".join(ROW_HEADERS) + " |")
    lines.append("|" + "---|" * 4 + "---:|" * 3 + "---|")
    for change in shown:
        lines.append("| " + " | ".join(markdown_cell(cell) for cell in row_cells(change)) + " |")
    return "\n".join(lines) + "\n"


def render_table(diff: PlanDiff) -> str:
    """Plain aligned text for a terminal: the summary, then every changed VM."""
    lines = [summary_line(diff)]
    note = unknown_price_note(diff)
    if note:
        lines.append(note)
    shown = diff.visible_changes
    if not shown:
        lines.append(f"No VM changes ({len(diff.of_kind('unchanged'))} unchanged).")
        return "\n".join(lines) + "\n"
    rows = [ROW_HEADERS] + [row_cells(change) for change in shown]
    widths = [max(len(row[i]) for row in rows) for i in range(len(ROW_HEADERS))]
    lines.append("")
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return "\n".join(lines) + "\n"


def change_to_dict(change: VmChange) -> dict:
    return {
        "name": change.name,
        "kind": change.kind,
        "before": change.before,
        "after": change.after,
        "monthly_before": change.monthly_before,
        "monthly_after": change.monthly_after,
        "monthly_delta": change.monthly_delta,
        "delta_at_least": change.delta_at_least,
        "details": list(change.details),
    }


def to_json(diff: PlanDiff) -> str:
    document = {
        "monthly_before": diff.before.known_monthly,
        "monthly_after": diff.after.known_monthly,
        "monthly_delta": diff.monthly_delta,
        "unknown_price_before": list(diff.before.unknown_price_vms),
        "unknown_price_after": list(diff.after.unknown_price_vms),
        "unpriced_parts_before": list(diff.before.unpriced_parts),
        "unpriced_parts_after": list(diff.after.unpriced_parts),
        "totals_exclude_unknown_prices": diff.has_unknown_prices,
        "totals_are_at_least": diff.has_unpriced_parts,
        "counts": {kind: len(diff.of_kind(kind)) for kind in KINDS},
        "changes": [change_to_dict(change) for change in diff.changes],
    }
    return json.dumps(document, indent=2) + "\n"


RENDERERS = {"markdown": render_markdown, "table": render_table, "json": to_json}


def main_diff(
    base_path: str | Path,
    head_path: str | Path,
    fmt: str = "table",
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """``plan --diff BASE.json HEAD.json --format FMT``: prints the diff; 0, or 2 on a bad file.

    A missing or empty BASE is an empty plan (the pull request adding the stack); HEAD must exist.
    """
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    if fmt not in RENDERERS:
        print(
            f"plan --diff: unknown format {fmt!r}; expected one of {', '.join(FORMATS)}",
            file=stderr,
        )
        return 2
    try:
        base = read_plan_file(base_path, missing_ok=True)
        head = read_plan_file(head_path)
    except PlanFileError as exc:
        print(f"plan --diff: {exc}", file=stderr)
        return 2
    if not head:
        print(
            f"plan --diff: {head_path} has no VMs; a stack's plan always lists its VMs, so the head plan "
            "step most likely failed (run `python -m components plan --format json` there)",
            file=stderr,
        )
        return 2
    if not base:
        print(
            f"plan --diff: {base_path} is missing, empty or has no VMs: every VM counts as added",
            file=stderr,
        )
    stdout.write(RENDERERS[fmt](diff_plans(base, head)))
    return 0
