"""The stack lock: sizes, zones, disk types and slots recorded per stack and kept until re-resolved.

A refreshed catalog or an upgraded package never resizes a VM that exists; a user's own edit does; an
explicit ``--update`` does. ``python -m components lock`` writes the file atomically, checks it in CI
(``--check``), and turns bad input into one line and exit status 2.
"""

from __future__ import annotations

import json
import shutil

import pytest

from components import catalog
from components.catalog.snapshot import read_document, snapshot_path, write_document
from components.lockfile import LOCK_DIR_ENV, file_name
from components.spec import validate
from components.spec.lock import LockError, parse_text
from components.tools.lock import main as lock_main
from components.tools.plan import main as plan_main
from components.tools.plan import plan_stack
from tests.support.common import ROOT, public_key


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the repository's project and dev stack; its lock is read beside Pulumi.dev.yaml."""
    directory = tmp_path / "project"
    directory.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py"):
        shutil.copy(ROOT / name, directory / name)
    monkeypatch.delenv(LOCK_DIR_ENV)
    return directory


def sizes(project) -> dict[str, str]:
    return {row.name: row.instance_type for row in plan_stack(project, "dev").vms}


@pytest.fixture
def refreshed_catalog(tmp_path, monkeypatch):
    """A catalog refresh after which each dev VM's size is no longer the cheapest: its price is ten times
    what it was (every other offering unchanged)."""
    data = tmp_path / "catalog"
    data.mkdir()
    picks = {
        "aws": ("eu-west-1", "t3a.medium"),
        "azure": ("westeurope", "Standard_B2als_v2"),
        "gcp": ("europe-west1", "e2-medium"),
    }
    for cloud, (region, size) in picks.items():
        document = read_document(snapshot_path(cloud))
        index = next(i for i, shape in enumerate(document["types"]) if shape[0] == size)
        for row in document["regions"][region]:
            if row[0] == index:
                row[1] = row[1] * 10
        write_document(document, snapshot_path(cloud, data))
    monkeypatch.setattr(catalog, "DATA_DIR", data)
    catalog.load_cache_clear()
    yield picks
    monkeypatch.undo()
    catalog.load_cache_clear()


def test_a_cheaper_size_after_a_catalog_refresh_resizes_nothing_until_re_resolved(project, refreshed_catalog, capsys):
    """The issue's case: the sizes the component picked are locked; a catalog in which another size is
    cheapest changes no VM's size, zone or disks until the user re-resolves it, and plan says so."""
    assert not (project / file_name("dev")).exists()
    # Lock with the catalog as it was: resolve against the repository's snapshot.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(catalog, "DATA_DIR", ROOT / "components" / "catalog" / "data")
        catalog.load_cache_clear()
        assert lock_main(["--project-dir", str(project)]) == 0
        locked = sizes(project)
    catalog.load_cache_clear()
    assert locked == {name: size for name, (_, size) in zip(locked, refreshed_catalog.values())}
    lock_before = (project / file_name("dev")).read_text()

    # Refreshed: today's catalog would pick other sizes; the stack keeps its own.
    plan = plan_stack(project, "dev")
    assert {row.name: row.instance_type for row in plan.vms} == locked
    picks = {row.name: row.lock["catalog_pick"] for row in plan.vms}
    assert all(pick and pick != locked[name] for name, pick in picks.items()), picks
    assert len(plan.notes) == 3 and all("today's catalog would pick" in note for note in plan.notes)
    capsys.readouterr()
    assert plan_main(["--project-dir", str(project)]) == 0
    assert "Lock: web-aws: the lock keeps t3a.medium; today's catalog would pick" in capsys.readouterr().out
    assert lock_main(["--project-dir", str(project), "--check"]) == 0  # nothing to record
    assert (project / file_name("dev")).read_text() == lock_before

    # Re-resolving one VM moves that VM only.
    assert lock_main(["--project-dir", str(project), "--update", "web-aws"]) == 0
    assert "~ web-aws: " + picks["web-aws"] in capsys.readouterr().out
    assert sizes(project) == {**locked, "web-aws": picks["web-aws"]}
    # A user's own edit re-resolves too (cpus 2 -> 4), with no lock update needed to take effect.
    stack = (project / "Pulumi.dev.yaml").read_text().replace("cpus: 2", "cpus: 4")
    (project / "Pulumi.dev.yaml").write_text(stack)
    rows = {row.name: row for row in plan_stack(project, "dev").vms}
    assert all(row.lock["status"] == "changed" and row.vcpus >= 4 for row in rows.values())


def test_the_lock_keeps_entries_whose_inputs_are_unchanged_and_writes_atomically(project, capsys):
    assert lock_main(["--project-dir", str(project)]) == 0
    path = project / file_name("dev")
    document = json.loads(path.read_text())
    assert document["version"] == 1 and sorted(document["vms"]) == ["web-aws", "web-azure", "web-gcp"]
    aws = document["vms"]["web-aws"]
    assert aws["resolved_from"] == {"cloud": "aws", "region": "eu-west-1", "cpus": 2, "memory_gib": 4}
    assert (aws["instance_type"], aws["zone"], aws["os_disk"]) == (
        "t3a.medium",
        "euw1-az1",
        {"disk_type": "ssd", "sent": "gp3"},
    )
    assert document["vms"]["web-azure"]["image_generation"] == "V2"
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    capsys.readouterr()
    assert lock_main(["--project-dir", str(project)]) == 0
    assert capsys.readouterr().out == "vms.dev.lock.json: 3 VMs, unchanged\n"
    # A hand edit of an entry's size is what the stack then keeps (the lock is the record).
    path.write_text(path.read_text().replace('"t3a.medium"', '"t3.medium"'))
    assert sizes(project)["web-aws"] == "t3.medium"


@pytest.mark.parametrize(
    ("argv", "content", "message"),
    [
        (["--update", "nope"], None, "--update nope: no such VM in stack dev"),
        (["--stack", "prod"], None, "no stack file Pulumi.prod.yaml"),
        ([], "{not json", "not valid JSON"),
        ([], '{"version": 2, "vms": {}}', "version 2 is not one this version"),
        ([], '{"version": 1, "vms": {"web-aws": {"instance_type": 5}}}', "vms.web-aws: missing 'os_disk'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_and_nothing_is_written(project, capsys, argv, content, message):
    path = project / file_name("dev")
    if content is not None:
        path.write_text(content)
    assert lock_main(["--project-dir", str(project), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert (path.read_text() if path.exists() else None) == content


def test_a_broken_lock_stops_plan_and_the_program_with_one_line(project, capsys):
    (project / file_name("dev")).write_text('{"version": 1, "vms": {"web-aws": []}}')
    assert plan_main(["--project-dir", str(project)]) == 2
    err = capsys.readouterr().err
    assert "vms.web-aws: expected a mapping" in err and "restore it from version control" in err


def test_the_dev_stacks_lock_is_committed_and_current(monkeypatch, capsys):
    monkeypatch.delenv(LOCK_DIR_ENV)
    path = ROOT / file_name("dev")
    assert path.is_file(), "the dev stack's lock is committed beside Pulumi.dev.yaml"
    entries = parse_text(path.read_text(), str(path))
    assert sorted(entries) == ["web-aws", "web-azure", "web-gcp"]
    assert lock_main(["--project-dir", str(ROOT), "--check"]) == 0, capsys.readouterr().out
    plan = plan_stack(ROOT, "dev")
    assert {row.lock["status"] for row in plan.vms} == {"kept"}


def test_lock_errors_are_one_line_naming_the_file_and_the_entry():
    good = {
        "resolved_from": {"cloud": "aws", "region": "eu-west-1"},
        "instance_type": "m5.large",
        "os_disk": {"disk_type": "ssd", "sent": "gp3"},
    }
    cases = [
        ({"version": 1}, "top level: missing 'vms'"),
        ({"version": 1, "vms": {"a": {**good, "extra": 1}}}, "vms.a: unknown key 'extra'"),
        (
            {"version": 1, "vms": {"a": {**good, "resolved_from": {"cloud": "aws"}}}},
            "vms.a.resolved_from: missing 'region'",
        ),
        ({"version": 1, "vms": {"a": {**good, "data_disks": {"Bad Name": {}}}}}, "'Bad Name' is not a disk name"),
        (
            {
                "version": 1,
                "vms": {
                    "a": {
                        **good,
                        "data_disks": {
                            "x": {"size_gib": 1, "disk_type": "ssd", "sent": "gp3", "slot": 16, "origin": "x"}
                        },
                    }
                },
            },
            "vms.a.data_disks.x.slot: expected a whole number 0-15",
        ),
    ]
    for document, message in cases:
        with pytest.raises(LockError) as error:
            parse_text(json.dumps(document), "vms.dev.lock.json")
        assert message in str(error.value) and "\n" not in str(error.value)


def test_an_explicit_instance_type_always_wins_and_defaults_written_out_change_nothing():
    key = public_key("ed25519")
    args = {"cloud": "aws", "region": "eu-west-1", "ssh_public_key": key}
    first = validate("web", args)
    from components.spec.lock import entry_document, parse

    entry = parse({"version": 1, "vms": {"web": entry_document(first)}}, "lock")["web"]
    assert validate("web", {**args, "spot": False, "burstable": True}, lock=entry).lock.status == "kept"
    named = validate("web", {**args, "instance_type": "m5.large"}, lock=entry)
    assert named.instance_type == "m5.large" and named.lock.status == "changed"


def test_preview_warns_of_a_vm_the_lock_does_not_describe_and_only_then(monkeypatch, tmp_path):
    from tests.support.day_two import register, write_lock

    args = {"cloud": "gcp", "region": "us-central1", "ssh_public_key": public_key("ed25519")}
    unlocked, vm = register("web", args, monkeypatch, tmp_path)
    (warning,) = unlocked.warnings
    assert warning.startswith(
        "web: e2-medium in us-central1-a comes from today's catalog and is not in vms.dev.lock.json"
    )
    assert "python -m components lock --stack dev" in warning
    write_lock(tmp_path, vm)
    locked, _ = register("web", args, monkeypatch, tmp_path)
    assert locked.warnings == []
    changed, _ = register("web", {**args, "cpus": 4}, monkeypatch, tmp_path)
    (warning,) = changed.warnings
    assert "re-resolved to" in warning and "the lock has e2-medium" in warning


def test_a_hand_written_program_finds_its_stacks_lock_in_the_working_directory(monkeypatch, tmp_path):
    """Pulumi runs a program in its project directory: the component reads vms.<stack>.lock.json there,
    for the running stack (pulumi.get_stack()), without any configuration."""
    from tests.support.day_two import register

    args = {"cloud": "aws", "region": "eu-west-1", "ssh_public_key": public_key("ed25519")}
    _, vm = register("web", args, monkeypatch)
    monkeypatch.delenv(LOCK_DIR_ENV)
    monkeypatch.chdir(tmp_path)
    from components.spec.lock import entry_document, render

    entry = entry_document(vm.spec)
    entry["instance_type"] = "m5.large"  # what an earlier resolution recorded
    (tmp_path / file_name("dev")).write_text(render({"web": entry}, "dev"))
    evaluation, kept = register("web", args, monkeypatch)
    assert kept.spec.instance_type == "m5.large" and kept.spec.lock.status == "kept"
    assert evaluation.warnings == []
    (tmp_path / file_name("dev")).rename(tmp_path / file_name("prod"))  # another stack's lock: not ours
    _, fresh = register("web", args, monkeypatch)
    assert fresh.spec.instance_type == vm.spec.instance_type and fresh.spec.lock.status == "new"


def test_a_program_in_a_main_subfolder_reads_the_lock_beside_pulumi_yaml(monkeypatch, tmp_path):
    """Pulumi runs a program whose Pulumi.yaml says ``main: src/`` in src/; ``lock`` writes the lock beside
    Pulumi.yaml, so the component looks for it in the nearest directory holding Pulumi.yaml."""
    from components.spec.lock import entry_document, render
    from tests.support.day_two import register

    args = {"cloud": "aws", "region": "eu-west-1", "ssh_public_key": public_key("ed25519")}
    _, vm = register("web", args, monkeypatch)
    monkeypatch.delenv(LOCK_DIR_ENV)
    (tmp_path / "Pulumi.yaml").write_text("name: shop\nruntime: python\nmain: src/\n")
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")
    entry = entry_document(vm.spec)
    entry["instance_type"] = "m5.large"
    (tmp_path / file_name("dev")).write_text(render({"web": entry}, "dev"))
    _, kept = register("web", args, monkeypatch)
    assert kept.spec.instance_type == "m5.large" and kept.spec.lock.status == "kept"
