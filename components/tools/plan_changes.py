"""``plan --changes BEFORE.json``: what ``pulumi up`` would do to each VM, offline, between an earlier
state of the stack and its config now; and the registrations ``plan --format json`` writes for it.

BEFORE is an earlier ``plan --format json`` (each VM's resources with their inputs, options and
property dependencies, secrets as salted digests) or a ``pulumi stack export`` (secrets there are
encrypted, so a secret input may have changed: it is reported as such; an export made with
``--show-secrets`` compares them exactly).
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from ..changes import ChangesFileError, VmChange, compare, parse_before
from ..changes.fields import FIELDS
from ..changes.state import Resource, normalize_urn, to_record
from ..changes.values import digest, quick_digest
from .inputs import InputFileError

MAX_BEFORE_BYTES = 100 * 1024 * 1024
# The spec fields a plan row does not show but a change engine needs to tell apart; secrets get the
# slow digest.
DIGESTED = {"user_data": True, "admin_password": True, "ssh_public_key": False, "admin_username": False,
            "ingress": False, "tags": False, "resource_group_name": False, "project": False}  # fmt: skip


def _tree(root: str, resources: list[Resource]) -> list[tuple[int, Resource]]:
    parents = {r.urn: r.parent for r in resources}
    out = []
    for order, resource in enumerate(resources):
        node = resource.urn
        for _ in range(64):
            if node == root:
                out.append((order, resource))
                break
            node = parents.get(node)
            if node is None:
                break
    return out


def field_digests(spec) -> dict[str, str | None]:
    """Digests of the spec fields a plan row does not show (None for an unset one)."""
    out: dict[str, str | None] = {}
    for name, slow in DIGESTED.items():
        value = getattr(spec, name, None)
        if name == "ingress":
            value = [repr(rule) for rule in value]
        elif isinstance(value, dict):
            value = dict(value)
        if value is None or not isinstance(value, (str, list, dict)):
            out[name] = None if value is None else quick_digest(repr(value), f"{spec.name}.{name}")
        else:
            out[name] = (digest if slow else quick_digest)(value, f"{spec.name}.{name}")
    return out


def registration_records(
    rows: list, built: list, urns: list[str], resources: list[Resource], network_type: str
) -> list[dict]:
    """Per VM row (of the VM ``built`` registered as the component ``urns``): its registrations, its
    shared network's and its field digests, for ``plan --format json`` and ``--changes``."""
    networks = {r.name: r for r in resources if r.type == network_type}
    records = []
    for row, vm, urn in zip(rows, built, urns):
        network = networks.get(row.network or "")
        records.append(
            {
                "registrations": [to_record(r, order) for order, r in _tree(normalize_urn(urn), resources)],
                "network_registrations": (
                    [to_record(r, order) for order, r in _tree(network.urn, resources)] if network else []
                ),
                "fields": field_digests(vm.spec),
            }
        )
    return records


def changed_fields(before_rows: list[dict] | None, after_rows: list[dict]) -> dict[str, set[str]] | None:
    """Per VM, the fields whose value (or digest) differs between two plans; None without a plan."""
    if before_rows is None:
        return None
    olds = {r.get("name"): r for r in before_rows if isinstance(r, dict)}
    out = {}
    for row in after_rows:
        old = olds.get(row["name"])
        if old is None:
            continue
        out[row["name"]] = {f for f in FIELDS if _field(old, f) != _field(row, f)}
    return out


def _field(row: dict, name: str) -> Any:
    if name in row:
        return row[name]
    fields = row.get("fields")
    return fields.get(name) if isinstance(fields, dict) else None


def read_before(path: str) -> tuple[list[Resource], str, list | None]:
    """BEFORE's resources, what it is, and its plan rows (None for a stack export)."""
    from pathlib import Path

    from .inputs import read_text

    file = Path(path)
    if file.is_file() and file.stat().st_size > MAX_BEFORE_BYTES:
        raise ChangesFileError(f"{file}: {file.stat().st_size:,} bytes is too big for a plan or stack export")
    try:
        text = read_text(file, "a plan JSON file or a stack export")
    except InputFileError as error:
        raise ChangesFileError(str(error)) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ChangesFileError(
            f"{file}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); expected "
            "`plan --format json` output or a `pulumi stack export` file"
        ) from None
    except RecursionError:
        raise ChangesFileError(f"{file}: nested too deeply") from None
    resources, kind = parse_before(document, str(file))
    return resources, kind, document if kind == "plan" else None


def render(changes: list[VmChange], fmt: str, kind: str) -> str:
    if fmt == "json":
        return json.dumps({"changes": [c.as_dict() for c in changes]}, indent=2)
    if fmt == "markdown":
        lines = [f"- {c.summary()}" for c in changes]
        lines += [f"  - {note}" for c in changes for note in c.notes]
        return "\n".join(lines)
    header = ["VM", "change", "because", "data lost"]
    table = [[c.name, c.change, ", ".join(c.because) or "-", ", ".join(c.data_lost) or "none"] for c in changes]
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header))]
    out = [f"Changes from {kind} to the stack now: what `pulumi up` would do", ""]
    out += [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
        for row in [header, ["-" * w for w in widths], *table]
    ]
    notes = [f"{c.name}: {note}" for c in changes for note in c.notes]
    if notes:
        out += ["", *notes]
    if kind == "stack export" and any(not c.certain for c in changes):
        out += ["", "A stack export holds secrets encrypted: a change that depends on one is marked (may change). "
                "`pulumi stack export --show-secrets` compares them exactly (keep that file private)."]  # fmt: skip
    return "\n".join(out)


def main_changes(before: tuple, fmt: str, plan, stdout: TextIO | None = None) -> None:
    """Prints every VM's change from BEFORE (``read_before``'s answer) to the planned stack ``plan``
    (a StackPlan)."""
    stdout = stdout or sys.stdout
    resources, kind, rows = before
    stacks = {_stack_of(r.urn) for r in resources} - {_stack_of(r.urn) for r in plan.resources}
    if resources and stacks and len(stacks) == len({_stack_of(r.urn) for r in resources}):
        print(
            f"plan: warning: BEFORE is of stack {', '.join(sorted(stacks))}, not this one: its VMs show as "
            "deleted and this stack's as created (pass --stack to compare the same stack)",
            file=sys.stderr,
        )
    changes = compare(resources, plan.resources, changed_fields(rows, [row.to_json() for row in plan.vms]))
    print(render(changes, fmt, kind), file=stdout)


def _stack_of(urn: str) -> str:
    """``project/stack`` of a URN (``urn:pulumi:<stack>::<project>::...``)."""
    parts = urn.split("::")
    return f"{parts[1]}/{parts[0].rsplit(':', 1)[-1]}" if len(parts) > 2 else urn
