"""The cost diff as a Markdown pull-request comment, a terminal table or JSON."""

from __future__ import annotations

import json

from ...money import usd
from ...plan_row import PlanRow
from .model import KINDS, MARKER, PlanDiff, VmChange, money, vm_money


def signed_money(value: float | None, at_least: bool = False) -> str:
    return usd(value, signed=True) + (" or more" if at_least and value is not None else "")


def placement(vm: PlanRow | None) -> str:
    """``aws us-east-1 t3.large`` (with `` spot`` for a spot VM), or an em dash for no VM."""
    if vm is None:
        return "—"
    words = [vm.cloud, vm.region, vm.instance_type]
    if vm.spot:
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


def row_cells(change: VmChange, with_up: bool = False) -> list[str]:
    return [
        change.name,
        change.kind,
        placement(change.before),
        placement(change.after),
        vm_money(change.before) if change.before else "—",
        vm_money(change.after) if change.after else "—",
        signed_money(change.monthly_delta, change.delta_at_least),
        "; ".join(change.details),
    ] + ([change.up or "—"] if with_up else [])


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
UP_HEADER = "pulumi up"


def has_up(diff: PlanDiff) -> bool:
    """Whether the plans carried registrations, so each VM's `pulumi up` change is known."""
    return any(change.up for change in diff.changes)


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
    up = has_up(diff)
    lines.append("| " + " | ".join(ROW_HEADERS + [UP_HEADER] * up) + " |")
    lines.append("|" + "---|" * 4 + "---:|" * 3 + "---|" * (1 + up))
    for change in shown:
        lines.append("| " + " | ".join(markdown_cell(cell) for cell in row_cells(change, up)) + " |")
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
    up = has_up(diff)
    rows = [ROW_HEADERS + [UP_HEADER] * up] + [row_cells(change, up) for change in shown]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines.append("")
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return "\n".join(lines) + "\n"


def change_to_dict(change: VmChange) -> dict:
    return {
        "name": change.name,
        "kind": change.kind,
        "before": change.before.to_json() if change.before else None,
        "after": change.after.to_json() if change.after else None,
        "monthly_before": change.monthly_before,
        "monthly_after": change.monthly_after,
        "monthly_delta": change.monthly_delta,
        "delta_at_least": change.delta_at_least,
        "details": list(change.details),
        "up": change.up,
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
