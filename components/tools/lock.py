"""``python -m components lock``: record what a stack's VMs resolve to, so nothing resizes them later.

Runs the stack's program offline (as ``plan`` does) and writes ``vms.<stack>.lock.json`` beside
``Pulumi.<stack>.yaml``: per VM its size, zone, the disk types sent and the disk slots, with the
inputs they were resolved from. Entries whose inputs are unchanged are kept as they are, whatever
today's catalog would pick; ``--update`` re-resolves the VMs named (all without names). ``--check``
writes nothing and exits 1 when the lock is missing or out of date (for CI).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from .. import lockfile
from ..spec.lock import LockError, entry_document, parse_text, render
from .command_line import ToolParser


def describe(name: str, entry: dict) -> str:
    where = f" in {entry['zone']}" if entry.get("zone") else ""
    disks = entry.get("data_disks") or {}
    detail = f", {len(disks)} data disk{'s' if len(disks) != 1 else ''}" if disks else ""
    return f"{name}: {entry['instance_type']}{where}{detail}"


def changes(old: dict[str, dict], new: dict[str, dict]) -> list[str]:
    """One line per VM whose entry is added, removed or changed."""
    lines = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if before is None:
            lines.append(f"+ {describe(name, after)}")
        elif after is None:
            lines.append(f"- {name} (no longer in the stack)")
        elif before["instance_type"] != after["instance_type"] or before.get("zone") != after.get("zone"):
            lines.append(f"~ {describe(name, after)} (was {describe(name, before).split(': ', 1)[1]})")
        else:
            lines.append(f"~ {describe(name, after)} (disks or inputs)")
    return lines


def resolve(project_dir: Path, stack: str, update: frozenset[str]) -> dict[str, dict]:
    """Every VM of the stack as the lock records it, the lock's own entries kept unless updated."""
    from .plan import built_vms

    built = built_vms(project_dir, stack, update)
    return {vm.spec.name: entry_document(vm.spec) for vm in built}


def lock_status(spec) -> dict[str, Any] | None:
    """What the stack's lock does for a VM: ``kept`` (its size and zone), ``new`` (not in the lock),
    ``changed`` (its inputs changed: re-resolved); with the size today's catalog would pick instead."""
    use = spec.lock
    if use is None:
        return None
    status = {"status": use.status, "catalog_pick": use.catalog_pick}
    if use.previous is not None and use.previous.instance_type != spec.instance_type:
        status["locked_instance_type"] = use.previous.instance_type
    return status


def lock_notes(rows: list, stack: str) -> list[str]:
    """One line per VM (a ``PlanRow``) the lock does not describe, or whose size today's catalog would change."""
    notes = []
    for row in rows:
        lock = row.lock or {}
        if lock.get("status") == "new":
            notes.append(
                f"{row.name} is not in the lock: run `python -m components lock --stack {stack}` and commit "
                f"vms.{stack}.lock.json, or a later catalog may pick another size than {row.instance_type}"
            )
        elif lock.get("status") == "changed":
            notes.append(
                f"{row.name}: its inputs changed, so it is re-resolved to {row.instance_type} (the lock has "
                f"{lock.get('locked_instance_type', row.instance_type)}); run `python -m components lock --stack "
                f"{stack}` to record it"
            )
        elif lock.get("catalog_pick"):
            notes.append(
                f"{row.name}: the lock keeps {row.instance_type}; today's catalog would pick "
                f"{lock['catalog_pick']} (`python -m components lock --stack {stack} --update {row.name}` to move)"
            )
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = ToolParser(prog="python -m components lock", label="lock", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default=os.environ.get("PULUMI_STACK", "dev"), help="stack name (default: dev)")
    parser.add_argument("--project-dir", type=Path, default=None, help="directory holding Pulumi.yaml")
    parser.add_argument("--update", nargs="*", metavar="VM", help="re-resolve these VMs (all when none is named)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the lock is out of date")
    try:
        options = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)

    from .plan import PlanError, project_and_stack

    try:
        project_dir, stack = project_and_stack(options.project_dir, options.stack)
        if not (project_dir / f"Pulumi.{stack}.yaml").is_file():
            raise PlanError(f"no stack file Pulumi.{stack}.yaml in {project_dir}")
        path = lockfile.lock_path(stack, Path(os.environ.get(lockfile.LOCK_DIR_ENV) or project_dir))
        old_text = path.read_text(encoding="utf-8") if path.is_file() else None
        old = {name: entry for name, entry in _documents(old_text, path).items()}
        update = frozenset(options.update or ()) if options.update is not None else frozenset()
        if options.update is not None and not options.update:
            update = frozenset([lockfile.EVERY_VM])
        new = resolve(project_dir, stack, update)
        unknown = sorted(update - set(new) - {lockfile.EVERY_VM})
        if unknown:
            raise PlanError(f"--update {unknown[0]}: no such VM in stack {stack} (its VMs: {', '.join(sorted(new))})")
    except (PlanError, LockError) as error:
        print(f"lock: {error}", file=sys.stderr)
        return 2

    text = render(new, stack)
    lines = changes(old, new)
    if options.check:
        if old_text == text:
            print(f"{path.name}: up to date ({len(new)} VMs)")
            return 0
        print(f"{path.name}: out of date; run `python -m components lock --stack {stack}` and commit it")
        print("\n".join(lines) if lines else "  (its layout differs)")
        return 1
    if old_text != text:
        lockfile.write(path, text)
    print(f"{path.name}: {len(new)} VMs" + ("" if lines else ", unchanged"))
    for line in lines:
        print(f"  {line}")
    return 0


def _documents(text: str | None, path: Path) -> dict[str, dict]:
    """The lock's entries as JSON-ready data (checked first), for comparing with the new ones."""
    if text is None:
        return {}
    import json

    parse_text(text, str(path))  # one clear line for a broken lock, before anything is written
    return json.loads(text)["vms"]
