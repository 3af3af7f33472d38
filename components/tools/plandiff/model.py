"""Reading offline plans (rows: ``components.plan_row.PlanRow``) and classifying each VM's change
between two of them; pure functions. Money is the money core's: a plan's dollars read as cents
(``money.cents``), totals and deltas added in cents."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...money import cents, dollars, usd
from ...plan_row import PlanRow

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
    before: PlanRow | None
    after: PlanRow | None
    details: tuple[str, ...]
    up: str | None = None
    """What ``pulumi up`` does to it and the data at risk (``replace (user_data); OS disk lost``), when
    both plans carry registrations (``components/changes``)."""

    @property
    def name(self) -> str:
        """The head name, or the base name of a removed VM; a renamed move shows both."""
        if self.before and self.after and self.before.name != self.after.name:
            return f"{self.before.name} -> {self.after.name}"
        return (self.after or self.before).name  # type: ignore[union-attr]

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
                written(self.before, f) == written(self.after, f) for f in PRICE_FIELDS
            )
            if not same:
                return None
        return dollars(monthly_cents(self.after) - monthly_cents(self.before))

    @property
    def delta_at_least(self) -> bool:
        """True when the delta's size is a lower bound: an added or removed VM with unpriced parts."""
        return bool(unpriced(self.after if self.before is None else self.before)) and not (self.before and self.after)


@dataclass(frozen=True)
class CostTotal:
    """The sum of the known monthly prices of a plan, and the VMs whose price is unknown."""

    known_cents: int
    unknown_price_vms: tuple[str, ...]
    unpriced_parts: tuple[str, ...] = ()
    """``web-azure (OS disk, public IPv4)`` for each VM whose price is a lower bound."""

    @property
    def known_monthly(self) -> float:
        return dollars(self.known_cents)


@dataclass(frozen=True)
class PlanDiff:
    changes: tuple[VmChange, ...]
    before: CostTotal
    after: CostTotal

    @property
    def monthly_delta(self) -> float:
        return dollars(self.after.known_cents - self.before.known_cents)

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


def parse_plan(text: str, source: str = "plan") -> list[PlanRow]:
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
    return [PlanRow.from_json(vm) for vm in document]


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


def read_plan_file(path: str | Path, missing_ok: bool = False) -> list[PlanRow]:
    """The VMs of a plan file; a missing file is an empty plan only when missing_ok."""
    from ..inputs import InputFileError, read_text

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


def as_rows(vms: Sequence[PlanRow | Mapping]) -> list[PlanRow]:
    """A plan's rows; JSON objects (a plan as ``json.loads`` reads it) are read as a file's would be."""
    return [vm if isinstance(vm, PlanRow) else PlanRow.from_json(vm) for vm in vms]


def written(vm: PlanRow, field: str) -> Any:
    """A field's value as the plan wrote it: None where its format has no such field."""
    return getattr(vm, field) if vm.has(field) else None


def monthly_price(vm: PlanRow | None) -> float | None:
    if vm is None or vm.monthly_price is None:
        return None
    return float(vm.monthly_price)


def monthly_cents(vm: PlanRow | None) -> int:
    """A VM's known month in cents (0 for no VM or an unknown price)."""
    return 0 if vm is None or vm.monthly_price is None else cents(vm.monthly_price)


def unpriced(vm: PlanRow | None) -> tuple[str, ...]:
    """The parts of a VM's cost without a price (its monthly price is then a lower bound)."""
    return tuple(vm.unpriced or ()) if vm else ()


def total_cost(vms: Sequence[PlanRow]) -> CostTotal:
    unknown = tuple(sorted(vm.name for vm in vms if monthly_price(vm) is None))
    partial = tuple(
        f"{vm.name} ({', '.join(unpriced(vm))})"
        for vm in sorted(vms, key=lambda vm: vm.name)
        if unpriced(vm) and monthly_price(vm) is not None
    )
    return CostTotal(sum(monthly_cents(vm) for vm in vms), unknown, partial)


def field_changes(before: PlanRow, after: PlanRow, fields: Sequence[str]) -> list[str]:
    """What changed among ``fields``; a field only one side's plan format has is not compared."""
    return [
        f"{field} {show(getattr(before, field))} -> {show(getattr(after, field))}"
        for field in fields
        if before.has(field) == after.has(field) and getattr(before, field) != getattr(after, field)
    ]


def show(value: Any) -> str:
    if value is None or value == () or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):  # data disks
        return ", ".join(f"{d.get('size_gib')} GiB {d.get('disk_type', '')}".strip() for d in value)
    return str(value)


def money(value: float | None, at_least: bool = False) -> str:
    return usd(value, at_least=at_least)


def vm_money(vm: PlanRow | None) -> str:
    return money(monthly_price(vm), bool(unpriced(vm)))


def lifecycle(base: Sequence[PlanRow], head: Sequence[PlanRow]) -> dict | None:
    """Per VM name, what ``pulumi up`` would do to it (a ``components.changes.VmChange``), from the
    plans' registrations; None when either plan has none (made before they were recorded)."""
    from ...changes import ChangesFileError, compare
    from ...changes.state import from_plan
    from ..plan_changes import changed_fields

    if not (head and all(map(_writes_registrations, head))) or not all(map(_writes_registrations, base)):
        return None
    base_rows, head_rows = [vm.to_json() for vm in base], [vm.to_json() for vm in head]
    try:
        before, after = from_plan(base_rows, "base plan"), from_plan(head_rows, "head plan")
    except ChangesFileError as error:
        raise PlanFileError(str(error)) from None
    except (ValueError, RecursionError):
        raise PlanFileError("a plan's registrations are nested too deeply") from None
    return {c.name: c for c in compare(before, after, changed_fields(base_rows, head_rows))}


def _writes_registrations(vm: PlanRow) -> bool:
    """Whether the row's JSON has its registrations (``changes.state.has_registrations``), without
    writing it."""
    return "registrations" in vm.document if vm.document is not None else vm.registrations is not None


def up_text(change) -> str | None:
    """``replace (user_data); OS disk lost; data disks kept`` for a VM's lifecycle change."""
    return None if change is None else change.summary().split(": ", 1)[1]


def classify(before: PlanRow, after: PlanRow, up=None) -> VmChange:
    """The change between two plans of what is the same VM (``up``: what ``pulumi up`` does to it, a
    ``components.changes.VmChange``)."""
    location = field_changes(before, after, LOCATION_FIELDS)
    size = field_changes(before, after, ("instance_type",))
    other = field_changes(before, after, OTHER_FIELDS)
    if up is not None and up.change != "no change" and not (location or size or other):
        other = [", ".join(up.because) or up.change]
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
    return VmChange(kind, before, after, tuple(location + size + other), up_text(up))


def fan_out_base_name(vm: PlanRow) -> str | None:
    """``web`` for a VM named ``web-aws`` on aws; None for a VM not named after its cloud."""
    suffix = f"-{vm.cloud}"
    if vm.name.endswith(suffix) and len(vm.name) > len(suffix):
        return vm.name[: -len(suffix)]
    return None


def pair_fan_out_moves(removed: list[PlanRow], added: list[PlanRow]) -> list[tuple[PlanRow, PlanRow]]:
    """Removed/added pairs that are one fan-out VM moving cloud: the only one of its base name each
    side, on different clouds."""
    removed_by_base: dict[str, list[PlanRow]] = {}
    added_by_base: dict[str, list[PlanRow]] = {}
    for vms, by_base in ((removed, removed_by_base), (added, added_by_base)):
        for vm in vms:
            base = fan_out_base_name(vm)
            if base is not None:
                by_base.setdefault(base, []).append(vm)
    pairs = []
    for base, gone in removed_by_base.items():
        new = added_by_base.get(base, [])
        if len(gone) == 1 and len(new) == 1 and gone[0].cloud != new[0].cloud:
            pairs.append((gone[0], new[0]))
    return pairs


def diff_plans(base: Sequence[PlanRow | Mapping], head: Sequence[PlanRow | Mapping]) -> PlanDiff:
    """Every VM of either plan as one change, listed removed, added, moved, resized, changed,
    unchanged, and by name within each kind."""
    base, head = as_rows(base), as_rows(head)
    base_by_name = {vm.name: vm for vm in base}
    head_by_name = {vm.name: vm for vm in head}
    ups = lifecycle(base, head) or {}
    both = base_by_name.keys() & head_by_name.keys()
    changes = [classify(base_by_name[name], head_by_name[name], ups.get(name)) for name in both]
    removed = [vm for name, vm in base_by_name.items() if name not in head_by_name]
    added = [vm for name, vm in head_by_name.items() if name not in base_by_name]
    for gone, new in pair_fan_out_moves(removed, added):
        moved = classify(gone, new)
        texts = [f"{name}: {up_text(ups[name])}" for name in (gone.name, new.name) if name in ups]
        changes.append(VmChange(moved.kind, moved.before, moved.after, moved.details, "; ".join(texts) or None))
        removed.remove(gone)
        added.remove(new)
    changes += [VmChange("removed", vm, None, (), up_text(ups.get(vm.name))) for vm in removed]
    changes += [VmChange("added", None, vm, (), up_text(ups.get(vm.name))) for vm in added]
    changes.sort(key=lambda c: (KINDS.index(c.kind), c.name))
    return PlanDiff(tuple(changes), total_cost(base), total_cost(head))
