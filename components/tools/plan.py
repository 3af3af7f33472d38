"""``python -m components plan``: what a stack's VMs become and cost, without a cloud account.

The real stack program runs in-process under Pulumi's mocks engine in preview mode, against the
stack's own config (``Pulumi.yaml`` defaults + ``Pulumi.<stack>.yaml``). Secret (``secure:``) config
values cannot be decrypted offline: each is treated as unknown, i.e. replaced by a stand-in that is
valid for its field (a password, an SSH key, a tag value, user data) and kept secret, so the rest of
the entry is still checked; a secret the plan needs the value of (a region, a size) is named.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog import HOURS_PER_MONTH

SECRET_PLACEHOLDER = "Offline-Secret-Placeholder-0"
# A well-formed ed25519 public key that is nobody's (stands in for a secret ssh_public_key).
STAND_IN_SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f offline-secret"
STAND_IN_TEXT = "offline-secret"
# What a secret stands in as, by the name of the field (or of its parent mapping) that holds it.
STAND_INS = {
    "admin_password": SECRET_PLACEHOLDER,
    "ssh_public_key": STAND_IN_SSH_KEY,
    "user_data": "#cloud-config\n",
    "tags": STAND_IN_TEXT,
    "description": STAND_IN_TEXT,
    "gcp:project": "offline-secret-project",
    "project": "offline-secret-project",
    "resource_group_name": "offline-secret-rg",
}
FORMATS = ("table", "json", "markdown")


class PlanError(Exception):
    """Stack files or config that stop a plan, with a message for the user."""


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


def _read_yaml(path: Path) -> Any:
    import yaml

    from .inputs import InputFileError, read_text

    try:
        text = read_text(path, "a YAML file")
    except InputFileError as error:
        raise PlanError(str(error)) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PlanError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None
    except RecursionError:
        raise PlanError(f"{path}: nested too deeply") from None


def _mapping(value: Any, where: str) -> dict:
    """A YAML mapping (None is empty); PlanError naming what is not one."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise PlanError(f"{where} must be a mapping with string keys, got {type(value).__name__} {_short(value)}")
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _replace_secure(value: Any, path: str, secret_paths: list[str], field: str = "", unknown: list[str] = ()) -> Any:
    """``value`` with each ``{secure: ...}`` replaced by a stand-in valid for its field; the paths of
    secrets there is no stand-in for (the plan needs their value) go to ``unknown``."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            secret_paths.append(path)
            if field in STAND_INS:
                return STAND_INS[field]
            unknown.append(path)
            return SECRET_PLACEHOLDER
        parent = "tags" if field == "tags" else ""
        return {k: _replace_secure(v, f"{path}.{k}", secret_paths, parent or str(k), unknown) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_secure(v, f"{path}[{i}]", secret_paths, "", unknown) for i, v in enumerate(value)]
    return value


def stack_config(project_dir: Path, stack: str) -> tuple[str, dict[str, Any], list[str]]:
    """The project name, the full config map the program would see, and the keys holding secrets."""
    project = _mapping(_read_yaml(project_dir / "Pulumi.yaml"), str(project_dir / "Pulumi.yaml"))
    name = project.get("name")
    if not isinstance(name, str) or not name:
        raise PlanError(f"{project_dir / 'Pulumi.yaml'}: no project name")
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        stacks = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))
        raise PlanError(f"no stack file {stack_file.name}; stacks here: {', '.join(stacks) or 'none'}")

    def full_key(key: str) -> str:
        return key if ":" in key else f"{name}:{key}"

    config: dict[str, Any] = {}
    for key, declared in _mapping(project.get("config"), f"{project_dir / 'Pulumi.yaml'}: config").items():
        if isinstance(declared, dict) and ("type" in declared or "default" in declared or "description" in declared):
            if "default" in declared:
                config[full_key(key)] = declared["default"]
        else:
            config[full_key(key)] = (
                declared.get("value") if isinstance(declared, dict) and "value" in declared else declared
            )
    secret_keys: list[str] = []
    unknown: list[str] = []
    stack = _mapping(_read_yaml(stack_file), str(stack_file))
    for key, value in _mapping(stack.get("config"), f"{stack_file}: config").items():
        paths: list[str] = []
        config[full_key(key)] = _replace_secure(value, full_key(key), paths, full_key(key), unknown)
        if paths:
            secret_keys.append(full_key(key))
    if unknown:
        raise PlanError(
            f"{stack_file}: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} encrypted (secure:) and "
            "plan cannot decrypt secrets offline, but needs the value to plan the VM; only passwords, SSH keys, "
            "user data, tags and project/resource group names can stay secret for a plan"
        )
    return name, config, secret_keys


def image_description(spec) -> str:
    image = spec.image
    if not image.is_alias:
        return str(image.native)
    native = image.native
    if spec.cloud == "aws":
        detail = f"newest AMI of owner {native.owner} named {native.name_pattern}"
    elif spec.cloud == "azure":
        detail = native.urn
    else:
        detail = native.path
    return f"{image.alias} ({detail})"


def plan_stack(project_dir: Path, stack: str) -> list[dict[str, Any]]:
    """Runs the stack program under mocks (preview) and describes every VM it would create."""
    return plan_stack_and_networks(project_dir, stack)[0]


def plan_stack_and_networks(project_dir: Path, stack: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Runs the stack program under mocks (preview): every VM it would create, and every shared
    network with its resources (listed once, not under each VM)."""
    plan = plan_stack_full(project_dir, stack)
    return plan.vms, plan.networks


@dataclass(frozen=True)
class StackPlan:
    vms: list[dict[str, Any]]
    networks: list[dict[str, Any]]
    warnings: list[str]
    """Default quotas the stack would exceed (``components/tools/quotas.py``)."""
    notes: list[str] = field(default_factory=list)
    """What the stack's lock keeps, or does not yet, that a user should know (``lock_notes``)."""


def _evaluate_stack(project_dir: Path, stack: str, reresolve: frozenset[str] = frozenset()) -> tuple:
    """Runs the stack program under mocks (preview), reading the stack's lock from the project directory
    as ``pulumi up`` would (and re-resolving the VMs in ``reresolve``): the evaluation and the VMs."""
    import pulumi

    from .. import lockfile
    from ..program import run
    from ..spec.lock import LockError
    from .offline import evaluate

    project, config, secret_keys = stack_config(project_dir, stack)
    built: list = []
    try:
        with lockfile.session(project_dir, reresolve):
            evaluation = evaluate(
                lambda: built.extend(run()),
                config=config,
                secret_config_keys=secret_keys,
                project=project,
                stack=stack,
                preview=True,
            )
    except (pulumi.RunError, LockError) as error:
        raise PlanError(str(error)) from None
    return evaluation, built


def plan_stack_built(project_dir: Path, stack: str, reresolve: frozenset[str] = frozenset()) -> list:
    """The stack's VirtualMachine components as the program builds them (``lock`` records their specs)."""
    return _evaluate_stack(project_dir, stack, reresolve)[1]


def plan_stack_full(project_dir: Path, stack: str) -> StackPlan:
    """``plan_stack_and_networks``, and the default quotas the stack would exceed."""
    from ..network import TYPE_TOKEN as NETWORK_TYPE_TOKEN
    from ..pricing import instance_hourly
    from ..vm import TYPE_TOKEN
    from .lock import lock_notes, lock_status

    evaluation, built = _evaluate_stack(project_dir, stack)

    components = {r.name: r for r in evaluation.of_type(TYPE_TOKEN)}
    rows = []
    for vm in built:
        spec = vm.spec
        component = components[spec.name]
        children = evaluation.children_of(component.urn)
        cost = vm.cost
        rows.append(
            {
                "name": spec.name,
                "cloud": spec.cloud,
                "region": spec.region,
                "zone": spec.zone,
                "network": spec.network.name if spec.network else None,
                "instance_type": spec.instance_type,
                "vcpus": spec.offering.vcpus,
                "memory_gib": spec.offering.memory_gib,
                "arch": spec.arch,
                "gpu": f"{spec.offering.gpu_count:g}x {spec.offering.gpu_name}" if spec.offering.gpu_name else None,
                "image": image_description(spec),
                "os_type": spec.image.os_type,
                "disk_size_gib": spec.disk_size_gib,
                "disk_type": spec.disk_type,
                "data_disks": [{"size_gib": d.size_gib, "disk_type": d.disk_type} for d in spec.data_disks],
                "public_ip": spec.public_ip,
                "spot": spec.spot,
                "hourly_price": instance_hourly(cost),
                "monthly_price": cost.monthly,
                "unpriced": list(cost.unpriced),
                "cost": cost.breakdown(),
                "cost_detail": cost.describe(),
                "resources": _resources(children),
                "lock": lock_status(spec),
            }
        )
    # By name: the order networks finish registering in varies with what the engine awaits.
    networks = [
        {"name": network.name, "resources": _resources(evaluation.children_of(network.urn))}
        for network in sorted(evaluation.of_type(NETWORK_TYPE_TOKEN), key=lambda n: n.name)
    ]
    from .quotas import quota_warnings

    return StackPlan(rows, networks, quota_warnings(evaluation.resources), lock_notes(rows, stack))


def _resources(registered) -> list[dict[str, str]]:
    return sorted(({"type": r.type, "name": r.name} for r in registered), key=lambda r: (r["name"], r["type"]))


def _price(value: float | None, digits: int = 4) -> str:
    return "unknown" if value is None else f"${value:,.{digits}f}"


def _monthly(row: dict) -> str:
    """``$36.07``, or ``>= $29.78`` when a part of the VM's cost is unpriced."""
    return ("≥ " if row.get("unpriced") else "") + _price(row["monthly_price"], 2)


def total_line(rows: list[dict]) -> str:
    """``Total: $X/month for N VMs``, "at least" and the unpriced parts named when any are."""
    cents = sum(round(r["monthly_price"] * 100) for r in rows if r["monthly_price"] is not None)
    partial = [f"{r['name']} ({', '.join(r['unpriced'])})" for r in rows if r.get("unpriced")]
    total = f"Total: {'at least ' if partial else ''}${cents / 100:,.2f}/month for {len(rows)} VMs"
    return total + (f"; unpriced: {'; '.join(partial)}" if partial else "")


def _price_note(rows: list[dict]) -> str:
    from ..catalog import load

    catalogs = {row["cloud"]: load(row["cloud"]) for row in rows}
    snapshot = ", ".join(f"{cloud} {c.snapshot_date}" for cloud, c in sorted(catalogs.items()))
    parts = ", ".join(f"{cloud} {c.parts_date or 'none'}" for cloud, c in sorted(catalogs.items()))
    return (
        f"Prices: public list prices, {HOURS_PER_MONTH} h/month, no discounts, taxes or usage (traffic, "
        f"disk I/O); a VM's cost is compute + Windows licence + OS and data disks + public IPv4. Compute: "
        f"catalog snapshot {snapshot}; disks, IPv4 and licences: {parts}. A part without a price is "
        f"named and its total shown as at least (≥)."
    )


def render_table(rows: list[dict], networks: list[dict] = (), warnings: list[str] = (), notes: list[str] = ()) -> str:
    header = ["VM", "cloud", "zone or region", "type", "vCPU", "GiB", "image", "$/hour", "$/month", "resources"]
    lines = [
        [
            r["name"],
            r["cloud"],
            r["zone"] or r["region"],
            r["instance_type"] + (" (spot)" if r["spot"] else ""),
            f"{r['vcpus']:g}",
            f"{r['memory_gib']:g}",
            r["image"].split(" (")[0],
            _price(r["hourly_price"]),
            _monthly(r),
            str(len(r["resources"])),
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
        joined = f" (in network {r['network']})" if r.get("network") else ""
        out.append(f"{r['name']}: {r['image']}{joined}")
        out.append(f"  cost/month: {r['cost_detail']}")
        out += [f"  + {res['type']}  {res['name']}" for res in r["resources"]]
    for network in networks:
        out.append(f"network {network['name']}: shared by {_members(rows, network['name'])}")
        out += [f"  + {res['type']}  {res['name']}" for res in network["resources"]]
    out.append("")
    out.append(_price_note(rows))
    return "\n".join(out)


def _members(rows: list[dict], network: str) -> str:
    names = [r["name"] for r in rows if r.get("network") == network]
    return f"{len(names)} VM{'s' if len(names) != 1 else ''} ({', '.join(names)})"


def render_markdown(
    rows: list[dict], networks: list[dict] = (), warnings: list[str] = (), notes: list[str] = ()
) -> str:
    out = [
        "| VM | cloud | zone or region | type | vCPU | GiB | image | $/hour | $/month | resources |",
        "|---|---|---|---|---:|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['name']} | {r['cloud']} | {r['zone'] or r['region']} | `{r['instance_type']}`{' (spot)' if r['spot'] else ''} "
            f"| {r['vcpus']:g} | {r['memory_gib']:g} | {r['image'].split(' (')[0]} | {_price(r['hourly_price'])} "
            f"| {_monthly(r)} | {len(r['resources'])} |"
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


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        print(f"plan: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m components plan", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default=os.environ.get("PULUMI_STACK", "dev"), help="stack name (default: dev)")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--project-dir", type=Path, default=None, help="directory holding Pulumi.yaml")
    parser.add_argument("--diff", nargs=2, metavar=("BASE.json", "HEAD.json"), help="compare two plan JSON files")
    try:
        options = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)

    if options.diff:
        from .plandiff import main_diff

        return main_diff(options.diff[0], options.diff[1], options.format)
    try:
        project_dir, stack = project_and_stack(options.project_dir, options.stack)
        plan = plan_stack_full(project_dir, stack)
    except PlanError as error:
        print(f"plan: {error}", file=sys.stderr)
        return 2
    if options.format == "json":
        print(json.dumps(plan.vms, indent=2))
        for warning in plan.warnings:
            print(f"plan: warning: {warning}", file=sys.stderr)
        for note in plan.notes:
            print(f"plan: lock: {note}", file=sys.stderr)
    elif options.format == "markdown":
        print(render_markdown(plan.vms, plan.networks, plan.warnings, plan.notes))
    else:
        print(render_table(plan.vms, plan.networks, plan.warnings, plan.notes))
    return 0
