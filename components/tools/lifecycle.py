"""The lifecycle tables of docs/cloud-rules.md, generated rather than kept by hand.

For every user-facing edit (``cloud_rules.ROWS``) on every cloud, a representative VM with two data
disks is registered before and after the edit under the offline engine, and the change engine
(``components/changes``) says what ``pulumi up`` does to it and to each of its disks. What the cloud
itself does stays data with its source (``cloud_rules.<cloud>.LIFECYCLE``). An edit the component
refuses is shown as its ``SpecError``.

``python -m components.tools.lifecycle --write`` rewrites the tables in docs/cloud-rules.md; a test
keeps the page equal to what this module generates.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .. import cloud_rules, lockfile
from ..changes import Resource, Step, VmChange, from_registrations, plan_steps, vm_changes
from ..changes.vms import OS_DISK
from ..errors import SpecError
from ..spec import CloudDefaults, validate
from ..spec.lock import entry_document, render

NAME = "db"
STACK = "dev"
PROJECT = "lifecycle-project"
PAGE = Path(__file__).resolve().parents[2] / "docs" / "cloud-rules.md"


def public_key(seed: str) -> str:
    """A well-formed ed25519 public key that is nobody's."""
    blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + hashlib.sha256(seed.encode()).digest()
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} {seed}@lifecycle"


def provider_config(project: str) -> dict[str, str]:
    """Each cloud's provider configuration for the sample VMs: its region, and the project where the
    provider takes one."""
    config = {}
    for cloud in cloud_rules.CLOUDS:
        keys = cloud_rules.rules(cloud).PROVIDER_CONFIG
        config[keys["region"]] = sample(cloud).region
        if "project" in keys:
            config[keys["project"]] = project
    return config


def sample(cloud: str) -> cloud_rules.LifecycleSample:
    """The VM a cloud's table deploys and edits (``cloud_rules.<cloud>.LIFECYCLE_SAMPLE``)."""
    return cloud_rules.rules(cloud).LIFECYCLE_SAMPLE


CONFIG = provider_config(PROJECT)


def disks(*sizes: int, named: bool) -> list[dict]:
    names = {100: "logs", 200: "data", 300: "scratch"}
    return [{"name": names[s], "size_gib": s} if named else {"size_gib": s} for s in sizes]


@cache
def disk_names_supported(cloud: str) -> bool:
    """Whether the component takes a data disk ``name`` (stable disk identity); the tables use names
    where it does, so they show what a user of named disks gets."""
    try:
        validate(NAME, {**base_args(cloud, named=False), "data_disks": disks(100, named=True)}, defaults(cloud))
    except SpecError:
        return False
    return True


def base_args(cloud: str, windows: bool = False, named: bool | None = None) -> dict:
    named = disk_names_supported(cloud) if named is None else named
    args: dict[str, Any] = {
        "cloud": cloud,
        "region": sample(cloud).region,
        "zone": sample(cloud).zone,
        "instance_type": sample(cloud).instance_type,
        "data_disks": disks(100, 200, named=named),
        "ingress": [{"port": 22, "sources": ["10.0.0.0/8"]}],
        "tags": {"team": "web"},
    }
    if windows:
        return {
            **args,
            "image": "windows-2022",
            "admin_password": "Lifecycle-Table-Pass-1",
            "user_data": "Write-Host 1",
        }
    return {**args, "ssh_public_key": public_key("before"), "user_data": "#!/bin/sh\necho 1\n"}


def edit_of(cloud: str, row: str) -> tuple[dict, dict, set[str]]:
    """(args before, args after, fields edited) for a row on a cloud; None in after removes a key."""
    place = sample(cloud)
    named = disk_names_supported(cloud)
    edits: dict[str, dict] = {
        "image alias": {"image": "debian-12"},
        "instance_type (same series)": {"instance_type": place.bigger_type},
        "instance_type (another series)": {"instance_type": place.other_series_type},
        "user_data": {"user_data": "#!/bin/sh\necho 2\n"},
        "ssh_public_key": {"ssh_public_key": public_key("after")},
        "admin_username": {"admin_username": "deploy"},
        "admin_password (Windows)": {"admin_password": "Lifecycle-Table-Pass-2"},
        "zone": {"zone": place.other_zone},
        "region": {"region": place.other_region, "zone": None},
        "spot": {"spot": True},
        "disk_type": {"disk_type": "standard"},
        "disk_size_gib (grow)": {"disk_size_gib": 64},
        "data_disks (add)": {"data_disks": disks(100, 200, 300, named=named)},
        "data_disks (remove the first)": {"data_disks": disks(200, named=named)},
        "data_disks (reorder)": {"data_disks": disks(200, 100, named=named)},
        "ingress": {"ingress": [{"port": 22, "sources": ["10.0.0.0/8"]}, {"port": 443, "sources": ["0.0.0.0/0"]}]},
        "public_ip": {"public_ip": True},
        "tags": {"tags": {"team": "web", "cost-center": "42"}},
    }
    before = base_args(cloud, windows="Windows" in row)
    after = {k: v for k, v in {**before, **edits[row]}.items() if v is not None}
    fields = {key for key in edits[row] if key not in ("zone",) or row == "zone"}
    return before, after, fields | ({"zone"} if row == "region" else set())


def defaults(cloud: str) -> CloudDefaults:
    return CloudDefaults(region=sample(cloud).region, project=PROJECT)


@cache
def registered(cloud: str, args_key: str, lock: str | None = None) -> tuple[Resource, ...]:
    """The resources one VM with these args registers (the offline engine, in preview), with the
    stack's lock ``lock`` beside it (the text ``python -m components lock`` writes) where given."""
    return _register(args_key, lock)[0]


@cache
def deployed(cloud: str, args_key: str) -> tuple[tuple[Resource, ...], str]:
    """A VM with these args as first deployed: its resources, and the stack lock recorded for it."""
    resources, vm = _register(args_key, None)
    return resources, render({NAME: entry_document(vm.spec)}, STACK)


def _register(args_key: str, lock: str | None) -> tuple[tuple[Resource, ...], Any]:
    import json

    from ..offline import evaluate
    from ..vm import VirtualMachine

    args, built = json.loads(args_key), []
    with _lock_session(lock):
        evaluation = evaluate(lambda: built.append(VirtualMachine(NAME, args)), config=CONFIG, preview=True)
    return tuple(from_registrations(evaluation.resources)), built[0]


@contextlib.contextmanager
def _lock_session(lock: str | None):
    """Runs the component with ``lock`` as its stack's lock (and never a lock lying in the working
    directory)."""
    saved = os.environ.get(lockfile.LOCK_DIR_ENV)
    with tempfile.TemporaryDirectory() as directory:
        if lock is not None:
            (Path(directory) / lockfile.file_name(STACK)).write_text(lock)
        os.environ[lockfile.LOCK_DIR_ENV] = directory  # it takes precedence over the session's
        try:
            with lockfile.session(Path(directory)):
                yield
        finally:
            if saved is None:
                os.environ.pop(lockfile.LOCK_DIR_ENV, None)
            else:
                os.environ[lockfile.LOCK_DIR_ENV] = saved


def _key(args: dict) -> str:
    import json

    return json.dumps(args, sort_keys=True)


@dataclass(frozen=True)
class Outcome:
    cloud: str
    row: str
    change: VmChange | None
    steps: dict[str, Step]
    before: tuple[Resource, ...]
    after: tuple[Resource, ...]
    error: str = ""


# Rows for a VM an earlier version deployed: the instance as that version registered it (recorded in
# tests/fixtures/windows_vms_before_issue19.json, at commit 32d56de, for tests/changes/test_windows_upgrade.py),
# beside what this version registers for the same spec. Each is (row, recorded case, the case's spec),
# the spec naming the cloud whose table has the row.
RECORDED = PAGE.parents[1] / "tests" / "fixtures" / "windows_vms_before_issue19.json"
UPGRADES = (
    ("Windows VM deployed by an earlier version", "aws", {"cloud": "aws", "zone": "use1-az4"}),
    (
        "Windows spot VM deployed by an earlier version",
        "aws-spot",
        {"cloud": "aws", "zone": "use1-az4", "spot": True, "instance_type": "m5.large"},
    ),
    ("Windows VM deployed by an earlier version", "gcp", {"cloud": "gcp", "zone": "us-central1-a"}),
)
UPGRADE_ARGS = {"image": "windows-2022", "admin_password": "Correct-Horse-Battery-9", "public_ip": True}
UPGRADE_CONFIG = provider_config("test-project")


def upgrade_case(cloud: str, row: str) -> tuple[str, dict] | None:
    """The recorded case (and its spec) of an upgrade row on a cloud; None for an edit row."""
    return next(((case, spec) for name, case, spec in UPGRADES if name == row and spec["cloud"] == cloud), None)


def rows(cloud: str) -> list[str]:
    """A cloud's table rows: every edit, then the upgrades recorded for it."""
    return [*cloud_rules.ROWS, *(row for row, _, spec in UPGRADES if spec["cloud"] == cloud)]


@cache
def outcome(cloud: str, row: str) -> Outcome:
    """A row: the VM deployed with the before args (and its lock), then the edit."""
    if upgrade_case(cloud, row):
        return upgrade(cloud, row)
    before_args, after_args, fields = edit_of(cloud, row)
    before, lock = deployed(cloud, _key(before_args))
    try:
        validate(NAME, after_args, defaults(cloud))
        after = registered(cloud, _key(after_args), lock)
    except SpecError as error:
        return Outcome(cloud, row, None, {}, before, (), str(error))
    steps = plan_steps(list(before), list(after))
    (change,) = vm_changes(list(before), list(after), steps, {NAME: fields})
    return Outcome(cloud, row, change, steps, before, after)


def upgrade(cloud: str, row: str) -> Outcome:
    """An upgrade row: what this version registers, against the same with the instance as recorded
    (the resources this version adds are created; the others are taken as registered now)."""
    import dataclasses
    import json

    from ..offline import RecordingMocks, evaluate
    from ..vm import VirtualMachine

    class StableMocks(RecordingMocks):  # outputs independent of registration order, as recorded
        def resource_outputs(self, type_: str, name: str, inputs: dict, serial: int) -> tuple[str, dict]:
            return super().resource_outputs(type_, name, inputs, 0)

    case, spec = upgrade_case(cloud, row)
    recorded = json.loads(RECORDED.read_text())["vms"][case]
    args = {**spec, **UPGRADE_ARGS}
    with _lock_session(None):
        now = evaluate(lambda: VirtualMachine("win", args), config=UPGRADE_CONFIG, mocks=StableMocks()).resources
    kept = set(recorded["urns"])

    def as_recorded(r):
        if r.type != cloud_rules.rules(cloud).VM_TYPE:
            return r
        links = {k: [u for u in v if u in kept] for k, v in r.property_dependencies.items()}
        return dataclasses.replace(
            r,
            inputs=recorded["inputs"],
            ignore_changes=recorded["ignore"],
            replace_on_changes=recorded["replaceOnChanges"],
            delete_before_replace=recorded["dbr"],
            replacement_trigger=recorded["trigger"],
            replace_with=[],
            dependencies=[u for u in r.dependencies if u in kept],
            property_dependencies={k: v for k, v in links.items() if v},
        )

    before = tuple(from_registrations([as_recorded(r) for r in now if r.urn in kept]))
    after = tuple(from_registrations(now))
    steps = plan_steps(list(before), list(after))
    (change,) = vm_changes(list(before), list(after), steps, {"win": set()})
    return Outcome(cloud, row, change, steps, before, after)


def component_cell(result: Outcome) -> str:
    """``replace`` (with the inputs that decide it), ``restart``, ``update in place``, ``fails``."""
    if result.change is None:
        return "SpecError"
    change = result.change
    if change.refused and change.change == "update in place":
        return "fails"
    vm_type = cloud_rules.rules(result.cloud).VM_TYPE
    vm = next((s for s in result.steps.values() if s.new and s.new.type == vm_type), None)
    if change.change not in ("replace", "restart") or vm is None:
        return change.change
    effect = change.change
    if vm.cause != "inputs":
        return f"{effect} ({vm.cause})"
    paths = [c.path for c in vm.changes if c.effect == effect]
    paths = sorted(set(paths), key=lambda p: (p != "replacement trigger", paths.index(p)))
    return f"{effect} ({', '.join(paths[:2])}{', ...' if len(paths) > 2 else ''})"


def data_cell(result: Outcome) -> str:
    """``OS disk lost; data disks kept``, or the disks by what happens to them where that differs."""
    if result.change is None:
        return "—"
    data = result.change.data
    parts = [f"OS disk {data[OS_DISK]}"] if OS_DISK in data else []
    disks_ = {name.removeprefix(f"{NAME}-"): state for name, state in data.items() if name != OS_DISK}
    states = list(dict.fromkeys(disks_.values()))
    if not states:
        parts.append("no data disks")
    elif len(states) == 1:
        parts.append(f"data disks {states[0]}")
    else:
        parts += [", ".join(n for n, s in disks_.items() if s == state) + f" {state}" for state in states]
    return "; ".join(parts)


def note_cell(cloud: str, row: str, result: Outcome) -> str:
    fact = cloud_rules.lifecycle(cloud)[row]
    parts = [fact.source, fact.note]
    if result.error:
        parts.append("the component refuses it: " + result.error.split(": ", 1)[-1])
    parts += result.change.notes if result.change else []
    return "; ".join(p.replace("|", "\\|") for p in parts if p)


HEADER = "| change of | the cloud | `pulumi up` with the component | data | source / note |\n|---|---|---|---|---|"


def table(cloud: str) -> str:
    """A cloud's lifecycle table as Markdown."""
    lines = [HEADER]
    for row in rows(cloud):
        result = outcome(cloud, row)
        fact = cloud_rules.lifecycle(cloud)[row]
        cells = [row, fact.cloud_does, component_cell(result), data_cell(result), note_cell(cloud, row, result)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_page(text: str) -> str:
    """``text`` (docs/cloud-rules.md) with each cloud's table between its markers regenerated."""
    for cloud in cloud_rules.CLOUDS:
        pattern = re.compile(rf"(<!-- lifecycle:{cloud} -->\n).*?(\n<!-- /lifecycle:{cloud} -->)", re.S)
        text = pattern.sub(lambda m, c=cloud: m.group(1) + table(c) + m.group(2), text)
    return text


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = PAGE.read_text()
    page = render_page(text)
    if "--write" in argv:
        if page != text:
            PAGE.write_text(page)
        print(f"{PAGE}: lifecycle tables {'rewritten' if page != text else 'unchanged'}")
        return 0
    print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
