"""``python -m components plan``: what a stack's VMs become and cost, without a cloud account.

The project's own program (the ``main`` of ``Pulumi.yaml``, by default its ``__main__.py``) runs
in-process under Pulumi's mocks engine in preview mode, as the language host would run it
(``program_runner``), against the stack's own config (``Pulumi.yaml`` defaults +
``Pulumi.<stack>.yaml``, read as Pulumi reads them: ``stack_files``). Secret (``secure:``) config
values cannot be decrypted offline: each is treated as unknown, i.e. replaced by a stand-in that is
valid for its field (a password, an SSH key, a tag value, user data) and kept secret, so the rest of
the entry is still checked; a secret the plan needs the value of (a region, a size) is named. With
``--policy-pack`` the planned stack is judged by a CrossGuard pack (``policy_check``).
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..money import HOURS_PER_MONTH, cents, dollars, usd
from ..plan_row import PlanRow
from .command_line import ToolParser
from .stack_files import (  # noqa: F401  (stack_config and the stand-ins are part of plan's API)
    SECRET_PLACEHOLDER,
    STAND_IN_SSH_KEY,
    PlanError,
    StackFiles,
    read_stack,
    stack_config,
    stand_in,
)

FORMATS = ("table", "json", "markdown")
POLICY_FAILED = 3
"""Exit status when a mandatory policy of ``--policy-pack`` fails (0 clean, 1 a bug, 2 bad input)."""


def find_project_dir(start: Path) -> Path:
    for directory in (start, *start.parents):
        if (directory / "Pulumi.yaml").exists():
            return directory
    raise PlanError(f"no Pulumi.yaml in {start} or its parents; run from the project or pass --project-dir")


def check_project_dir(path: Path) -> Path:
    if not path.exists():
        raise PlanError(f"--project-dir {path}: no such folder")
    if not path.is_dir():
        raise PlanError(f"--project-dir {path}: is a file; expected the folder that holds Pulumi.yaml")
    if not (path / "Pulumi.yaml").is_file():
        raise PlanError(f"--project-dir {path}: has no Pulumi.yaml")
    return path


@dataclass(frozen=True)
class StackPlan:
    vms: list[PlanRow]
    networks: list[dict[str, Any]]
    """Each shared network with its resources (listed once, not under each VM)."""
    warnings: list[str]
    """Default quotas the stack would exceed (``components/tools/quotas.py``)."""
    notes: list[str] = field(default_factory=list)
    """What the stack's lock keeps, or does not yet, that a user should know (``lock_notes``)."""
    evaluation: Any = None
    """What the program registered (``offline.Evaluation``), for the policy pack."""
    files: StackFiles | None = None
    resources: list = field(default_factory=list)
    """Every resource of the run as the change engine reads it (``components/changes``)."""


def _evaluate_stack(project_dir: Path, stack: str, reresolve: frozenset[str] = frozenset()) -> tuple:
    """Runs the project's program under mocks (preview), reading the stack's lock from the project
    directory as ``pulumi up`` would (and re-resolving the VMs in ``reresolve``): the stack's files
    and the run (its evaluation and the VMs it built)."""
    from .. import lockfile
    from ..spec.lock import LockError
    from .program_runner import locate, run_program

    files = read_stack(project_dir, stack)
    program = locate(project_dir, files.project_file)
    try:
        with lockfile.session(project_dir, reresolve):
            run = run_program(program, files, stack)
    except LockError as error:
        raise PlanError(str(error)) from None
    except PlanError as error:
        hints = files.hints_for(str(error))
        raise PlanError("; ".join([str(error), *map(str, hints)])) from None
    return files, run


def built_vms(project_dir: Path, stack: str, reresolve: frozenset[str] = frozenset()) -> list:
    """The stack's VirtualMachine components as the program builds them (``lock`` records their specs)."""
    return _evaluate_stack(project_dir, stack, reresolve)[1].vms


def plan_stack(project_dir: Path, stack: str, *, records: bool = False) -> StackPlan:
    """Runs the stack program under mocks (preview): every VM it would create as a row, every shared
    network, the default quotas the stack would exceed and what the stack's lock says; with
    ``records``, each row also carries its registrations and field digests (``plan --format json``,
    ``--changes``)."""
    from ..changes import from_registrations
    from ..network import TYPE_TOKEN as NETWORK_TYPE_TOKEN
    from .lock import lock_notes
    from .plan_changes import registration_records
    from .quotas import quota_warnings

    files, run = _evaluate_stack(project_dir, stack)
    evaluation = run.evaluation
    by_urn = {r.urn: r for r in evaluation.resources}
    urns = [by_urn[_urn_of(vm)].urn for vm in run.vms]
    rows = [vm_row(vm, evaluation.children_of(urn)) for vm, urn in zip(run.vms, urns)]
    resources = from_registrations(evaluation.resources)
    if records:
        found = registration_records(rows, run.vms, urns, resources, NETWORK_TYPE_TOKEN)
        rows = [row.with_records(**record) for row, record in zip(rows, found)]
    # By name: the order networks finish registering in varies with what the engine awaits.
    networks = [
        {"name": network.name, "resources": _resources(evaluation.children_of(network.urn))}
        for network in sorted(evaluation.of_type(NETWORK_TYPE_TOKEN), key=lambda n: n.name)
    ]
    warnings = [*(str(n) for n in files.notes if n.warn), *quota_warnings(evaluation.resources)]
    return StackPlan(rows, networks, warnings, lock_notes(rows, stack), evaluation, files, resources)


def vm_row(vm, children) -> PlanRow:
    """A built VirtualMachine's row: its spec, its cost, the resources registered under it and what
    the stack's lock did for it."""
    from .lock import lock_status

    return PlanRow.of(vm.spec, vm.cost, _resources(children), lock_status(vm.spec))


def _urn_of(resource) -> str:
    """A registered resource's URN (known once the offline engine has run)."""
    from pulumi.runtime.sync_await import _sync_await

    return _sync_await(resource.urn.future())


def _resources(registered) -> list[dict[str, str]]:
    return sorted(({"type": r.type, "name": r.name} for r in registered), key=lambda r: (r["name"], r["type"]))


def _monthly(row: PlanRow) -> str:
    """``$36.07``, or ``≥ $29.78`` when a part of the VM's cost is unpriced."""
    return usd(row.monthly_price, at_least=bool(row.unpriced))


def total_line(rows: list[PlanRow]) -> str:
    """``Total: $X/month for N VMs``, "at least" and the unpriced parts named when any are."""
    total = sum(cents(r.monthly_price) for r in rows if r.monthly_price is not None)
    partial = [f"{r.name} ({', '.join(r.unpriced)})" for r in rows if r.unpriced]
    line = f"Total: {'at least ' if partial else ''}{usd(dollars(total))}/month for {len(rows)} VMs"
    return line + (f"; unpriced: {'; '.join(partial)}" if partial else "")


def _price_note(rows: list[dict]) -> str:
    from ..catalog import load

    catalogs = {row.cloud: load(row.cloud) for row in rows}
    snapshot = ", ".join(f"{cloud} {c.snapshot_date}" for cloud, c in sorted(catalogs.items()))
    parts = ", ".join(f"{cloud} {c.parts_date or 'none'}" for cloud, c in sorted(catalogs.items()))
    return (
        f"Prices: public list prices, {HOURS_PER_MONTH} h/month, no discounts, taxes or usage (traffic, "
        f"disk I/O); a VM's cost is compute + Windows licence + OS and data disks + public IPv4. Compute: "
        f"catalog snapshot {snapshot}; disks, IPv4 and licences: {parts}. A part without a price is "
        f"named and its total shown as at least (≥)."
    )


def render_table(
    rows: list[PlanRow], networks: list[dict] = (), warnings: list[str] = (), notes: list[str] = ()
) -> str:
    header = ["VM", "cloud", "zone or region", "type", "vCPU", "GiB", "image", "$/hour", "$/month", "resources"]
    lines = [
        [
            r.name,
            r.cloud,
            r.zone or r.region,
            r.instance_type + (" (spot)" if r.spot else ""),
            f"{r.vcpus:g}",
            f"{r.memory_gib:g}",
            r.image.split(" (")[0],
            usd(r.hourly_price, 4),
            _monthly(r),
            str(len(r.resources)),
        ]
        for r in rows
    ]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines]
    out.append("")
    out.append(total_line(rows))
    out += [f"Warning: {warning}" for warning in warnings]
    out += [f"Lock: {note}" for note in notes]
    out.append("")
    for r in rows:
        joined = f" (in network {r.network})" if r.network else ""
        out.append(f"{r.name}: {r.image}{joined}")
        out.append(f"  cost/month: {r.cost_detail}")
        out += [f"  + {res['type']}  {res['name']}" for res in r.resources]
    for network in networks:
        out.append(f"network {network['name']}: shared by {_members(rows, network['name'])}")
        out += [f"  + {res['type']}  {res['name']}" for res in network["resources"]]
    out.append("")
    out.append(_price_note(rows))
    return "\n".join(out)


def _members(rows: list[PlanRow], network: str) -> str:
    names = [r.name for r in rows if r.network == network]
    return f"{len(names)} VM{'s' if len(names) != 1 else ''} ({', '.join(names)})"


def render_markdown(
    rows: list[PlanRow], networks: list[dict] = (), warnings: list[str] = (), notes: list[str] = ()
) -> str:
    out = [
        "| VM | cloud | zone or region | type | vCPU | GiB | image | $/hour | $/month | resources |",
        "|---|---|---|---|---:|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r.name} | {r.cloud} | {r.zone or r.region} | `{r.instance_type}`{' (spot)' if r.spot else ''} "
            f"| {r.vcpus:g} | {r.memory_gib:g} | {r.image.split(' (')[0]} | {usd(r.hourly_price, 4)} "
            f"| {_monthly(r)} | {len(r.resources)} |"
        )
    out.append("")
    out.append(f"**{total_line(rows)}**")
    out += [f"\n> **Warning:** {warning}" for warning in warnings]
    out += [f"\n> **Lock:** {note}" for note in notes]
    if networks:
        out.append("")
        out += [
            f"Network `{n['name']}`: {len(n['resources'])} resources, shared by {_members(rows, n['name'])}"
            for n in networks
        ]
    out.append("")
    out.append(f"_{_price_note(rows)}_")
    return "\n".join(out)


def project_and_stack(project_dir: Path | None, stack: str) -> tuple[Path, str]:
    """``--project-dir`` (checked) or the project found from here, and ``--stack`` as a stack's short
    name (Pulumi Cloud names may be fully qualified: org/project/stack); PlanError for bad ones."""
    directory = check_project_dir(project_dir) if project_dir else find_project_dir(Path.cwd())
    name = stack.rsplit("/", 1)[-1]
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise PlanError(f"--stack {stack!r}: expected a stack name such as dev (letters, digits, - _ .)")
    return directory, name


def main(argv: list[str] | None = None) -> int:
    parser = ToolParser(prog="python -m components plan", label="plan", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default=os.environ.get("PULUMI_STACK", "dev"), help="stack name (default: dev)")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--project-dir", type=Path, default=None, help="directory holding Pulumi.yaml")
    parser.add_argument("--diff", nargs=2, metavar=("BASE.json", "HEAD.json"), help="compare two plan JSON files")
    parser.add_argument("--changes", metavar="BEFORE.json", help="what pulumi up would do since a plan or stack export")
    parser.add_argument("--policy-pack", type=Path, metavar="DIR", help="judge the plan with this CrossGuard pack")
    parser.add_argument("--policy-pack-config", type=Path, metavar="FILE", help="the pack's config (JSON)")
    try:
        options = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)

    if options.diff:
        from .plandiff import main_diff

        return main_diff(options.diff[0], options.diff[1], options.format)
    before = None
    try:
        if options.changes:
            from ..changes import ChangesFileError
            from .plan_changes import read_before

            try:
                before = read_before(options.changes)
            except ChangesFileError as error:
                raise PlanError(f"--changes {error}") from None
        project_dir, stack = project_and_stack(options.project_dir, options.stack)
        checker = _policy_checker(options.policy_pack, options.policy_pack_config)
        plan = plan_stack(project_dir, stack, records=options.format == "json" or before is not None)
        verdict = checker(plan, stack) if checker else None
    except PlanError as error:
        print(f"plan: {error}", file=sys.stderr)
        return 2
    if before is not None:
        from .plan_changes import main_changes

        main_changes(before, options.format, plan)
    elif options.format == "json":
        print(json.dumps([row.to_json() for row in plan.vms], indent=2))
        for warning in plan.warnings:
            print(f"plan: warning: {warning}", file=sys.stderr)
        for note in plan.notes:
            print(f"plan: lock: {note}", file=sys.stderr)
    elif options.format == "markdown":
        print(render_markdown(plan.vms, plan.networks, plan.warnings, plan.notes))
    else:
        print(render_table(plan.vms, plan.networks, plan.warnings, plan.notes))
    if verdict is None:
        return 0
    report, refused = verdict
    if options.format == "json":
        print(report, file=sys.stderr)
    else:
        print("\n" + (f"```\n{report}\n```" if options.format == "markdown" else report))
    if refused:
        print(f"plan: the policy pack refuses this stack: {refused}", file=sys.stderr)
    return POLICY_FAILED if refused else 0


def _policy_checker(pack_dir: Path | None, config_file: Path | None):
    """The pack and its config, loaded and reconciled before the plan runs (a bad pack or config is
    bad input: exit 2, whatever the stack), as a function from a plan to (report, failed)."""
    if pack_dir is None:
        if config_file is not None:
            raise PlanError("--policy-pack-config needs --policy-pack DIR")
        return None
    from .policy_check import load_pack, read_pack_config, reconcile_config, refusal, render

    pack = load_pack(pack_dir)
    pack_config = read_pack_config(config_file) if config_file else None
    reconcile_config(pack_config, pack)

    def check(plan: StackPlan, stack: str) -> tuple[str, str]:
        """The pack's report, and what it refuses ("" when no mandatory policy fails)."""
        violations = pack.judge(plan.evaluation.resources, pack_config, plan.files.config, plan.files.project, stack)
        return render(pack, violations), refusal(violations)

    return check
