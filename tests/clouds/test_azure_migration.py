"""Azure stacks deployed when data disks were inline in the VM adopt them as compute.Disk resources:
``python -m components azure-disks EXPORT`` writes the ``pulumi import --file`` document, and the
program of this version registers exactly those disks (names, parent, LUNs, sizes, SKUs), attached."""

from __future__ import annotations

import json

import pytest

from components.tools.azure_disks import import_file
from components.tools.azure_disks import main as azure_disks
from tests.support.common import FIXTURES, public_key
from tests.support.day_two import register

EXPORT = FIXTURES / "migration" / "azure-inline-disks.json"
# The args the fixture's VM "db" was deployed with (tests/fixtures/migration/README.md).
DB = {
    "cloud": "azure",
    "region": "westeurope",
    "zone": "1",
    "ssh_public_key": public_key("ed25519"),
    "data_disks": [{"size_gib": 256}, {"size_gib": 64, "disk_type": "standard"}],
}


def exported() -> dict:
    return json.loads(EXPORT.read_text())


def old_vm(name: str) -> dict:
    resources = exported()["deployment"]["resources"]
    return next(
        r for r in resources if r["type"] == "azure-native:compute:VirtualMachine" and r["inputs"]["vmName"] == name
    )


def test_the_import_file_names_every_inline_disk_with_its_parent_and_id():
    document, summary = import_file(exported(), "export.json")
    component = next(r["urn"] for r in exported()["deployment"]["resources"] if r["urn"].endswith("VirtualMachine::db"))
    assert document == {
        "nameTable": {"db": component},
        "resources": [
            {
                "type": "azure-native:compute:Disk",
                "name": f"db-data-{lun}",
                "id": d["managedDisk"]["id"],
                "parent": "db",
            }
            for lun, d in enumerate(old_vm("db")["outputs"]["storageProfile"]["dataDisks"])
        ],
    }
    assert summary == ["db: db-data-0 (LUN 0), db-data-1 (LUN 1)"]  # "app" has no data disks


def test_after_the_import_the_program_registers_those_disks_attached_at_their_luns(monkeypatch, tmp_path):
    document, _ = import_file(exported(), "export.json")
    imported = {entry["name"]: entry for entry in document["resources"]}
    evaluation, _ = register("db", DB, monkeypatch, tmp_path)
    disks = {r.name: r for r in evaluation.of_type("azure-native:compute:Disk")}
    (component,) = [r for r in evaluation.resources if r.type == "multicloud:index:VirtualMachine"]
    assert set(disks) == set(imported)
    old = {d["name"]: d for d in old_vm("db")["inputs"]["storageProfile"]["dataDisks"]}
    vm = evaluation.of_type("azure-native:compute:VirtualMachine")[0].inputs
    luns = {d["name"]: d["lun"] for d in vm["storageProfile"]["dataDisks"]}
    for name, disk in disks.items():
        assert disk.parent == component.urn and component.name == imported[name]["parent"]
        # The Azure name, size and SKU the inline disk has: the import's state matches, nothing replaced.
        assert disk.inputs["diskName"] == old[name]["name"] == name
        assert disk.inputs["diskSizeGB"] == old[name]["diskSizeGB"]
        assert disk.inputs["sku"]["name"] == old[name]["managedDisk"]["storageAccountType"]
        assert disk.inputs["zones"] == ["1"] and disk.inputs["creationData"] == {"createOption": "Empty"}
        assert luns[name] == old[name]["lun"]
    assert {d["createOption"] for d in vm["storageProfile"]["dataDisks"]} == {"Attach"}


def test_disks_already_adopted_are_left_out():
    document = exported()
    resources = document["deployment"]["resources"]
    component = next(r["urn"] for r in resources if r["urn"].endswith("VirtualMachine::db"))
    resources.append(
        {
            "urn": component.replace(
                "multicloud:index:VirtualMachine::db",
                "multicloud:index:VirtualMachine$azure-native:compute:Disk::db-data-0",
            ),
            "type": "azure-native:compute:Disk",
            "parent": component,
            "custom": True,
        }
    )
    result, _ = import_file(document, "export.json")
    assert [r["name"] for r in result["resources"]] == ["db-data-1"]


def test_the_command_writes_the_file_and_says_what_to_run(tmp_path, capsys):
    out = tmp_path / "disks.json"
    assert azure_disks([str(EXPORT), "--out", str(out)]) == 0
    assert json.loads(out.read_text())["resources"][0]["name"] == "db-data-0"
    err = capsys.readouterr().err
    assert f"pulumi import --file {out} --generate-code=false --protect=false" in err
    assert azure_disks([str(EXPORT), "--out", str(out)]) == 2  # never overwrites
    assert "exists" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{", "not valid JSON"),
        ('{"deployment": {}}', "no deployment.resources"),
        ("[]", "expected the JSON object"),
    ],
)
def test_bad_exports_are_one_line_and_exit_2(tmp_path, capsys, content, message):
    path = tmp_path / "export.json"
    if content is not None:
        path.write_text(content)
    assert azure_disks([str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
