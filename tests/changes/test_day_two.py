"""No edit ever destroys a data disk: for each cloud and each edit, the stack is registered before and
after (two runs of the offline engine, the lock of the first run in place), and every data disk keeps
its URN and inputs, its slot, and takes no input from the VM; or the edit is a SpecError that says why
before anything is registered."""

from __future__ import annotations

import json
import re

import pytest

from components.errors import SpecError
from tests.support.common import public_key
from tests.support.day_two import (
    ATTACHMENT,
    DISK_TYPES,
    depends_on,
    disks_of,
    options,
    register,
    slots,
    the_vm,
    without,
    write_lock,
)

KEY = public_key("ed25519")
OTHER_KEY = public_key("rsa2048")
PASSWORD = "Correct-Horse-Battery-9"
DISKS = [{"name": "logs", "size_gib": 50}, {"name": "data", "size_gib": 200, "disk_type": "standard"}]
LINUX = {
    "aws": {"cloud": "aws", "region": "eu-west-1", "instance_type": "m5.large"},
    "azure": {"cloud": "azure", "region": "westeurope", "zone": "1", "instance_type": "Standard_D2s_v5"},
    "gcp": {"cloud": "gcp", "region": "us-central1", "zone": "us-central1-a", "instance_type": "n2-standard-2"},
}
COMMON = {"ssh_public_key": KEY, "user_data": "#!/bin/sh\necho one\n", "tags": {"team": "db"}, "data_disks": DISKS}
# Sizes per cloud: within the series, and across series the cloud changes in place.
RESIZES = {
    "aws": ("m5.xlarge", "c6i.xlarge"),
    "azure": ("Standard_D4s_v5", "Standard_E2s_v5"),
    "gcp": ("n2-standard-4", "e2-standard-4"),
}


def base(cloud: str, windows: bool = False) -> dict:
    args = {**LINUX[cloud], **COMMON}
    if windows:
        args = {**args, "image": "windows-2022", "admin_password": PASSWORD, "user_data": "Write-Host one"}
        args.pop("ssh_public_key")
    return args


EDITS = {
    "user data": lambda a: {**a, "user_data": a["user_data"].replace("one", "two")},
    "ssh key": lambda a: {**a, "ssh_public_key": OTHER_KEY},
    "image alias": lambda a: {**a, "image": "debian-12"},
    "tags": lambda a: {**a, "tags": {"team": "db", "cost-center": "42"}},
    "add a disk": lambda a: {**a, "data_disks": [{"name": "scratch", "size_gib": 10}, *a["data_disks"]]},
    "remove a disk": lambda a: {**a, "data_disks": [d for d in a["data_disks"] if d["name"] != "logs"]},
    "reorder the disks": lambda a: {**a, "data_disks": list(reversed(a["data_disks"]))},
}


def assert_disks_kept(cloud, before, after, edit: str):
    """Every disk of ``before`` is in ``after`` with its URN, inputs (tags aside for a tag edit),
    options and slot, unless the edit removed it; no disk takes an input from the VM."""
    old, new = disks_of(before, cloud), disks_of(after, cloud)
    assert len(disks_of(before, cloud, attachments=False)) == len(DISKS)  # not vacuous
    removed = {urn for urn in old if "-data-logs" in urn} if edit == "remove a disk" else set()
    assert set(old) - removed <= set(new), f"{edit}: disks renamed or gone: {sorted(set(old) - set(new))}"
    assert not removed & set(new)
    ignored = ("tags", "labels") if edit == "tags" else ()
    for urn in set(old) - removed:
        assert without(new[urn].inputs, *ignored) == without(old[urn].inputs, *ignored), (edit, urn)
        assert options(new[urn]) == options(old[urn]), (edit, urn)
    kept_slots = {disk: slot for disk, slot in slots(before, cloud).items() if not any(r in disk for r in ("logs",))}
    after_slots = slots(after, cloud)
    for disk, slot in (slots(before, cloud) if edit != "remove a disk" else kept_slots).items():
        assert after_slots[disk] == slot, (edit, disk)
    for evaluation in (before, after):
        vm = the_vm(evaluation, cloud)
        for disk in disks_of(evaluation, cloud, attachments=False).values():
            assert not depends_on(disk, vm.urn), (edit, disk.urn)


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edit_keeps_every_data_disk(cloud, edit, monkeypatch, tmp_path):
    args = base(cloud)
    before, vm = register("db", args, monkeypatch, tmp_path)
    write_lock(tmp_path, vm)
    after, _ = register("db", EDITS[edit](args), monkeypatch, tmp_path)
    assert_disks_kept(cloud, before, after, edit)
    if edit == "add a disk":
        (added,) = set(disks_of(after, cloud, attachments=False)) - set(disks_of(before, cloud, attachments=False))
        assert added.endswith("::db-data-scratch")


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_a_new_windows_password_keeps_every_data_disk(cloud, monkeypatch, tmp_path):
    args = base(cloud, windows=True)
    before, vm = register("win", args, monkeypatch, tmp_path)
    write_lock(tmp_path, vm)
    after, _ = register("win", {**args, "admin_password": PASSWORD + "!"}, monkeypatch, tmp_path)
    assert_disks_kept(cloud, before, after, "windows password")


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
@pytest.mark.parametrize("across", [False, True], ids=["within the series", "across series"])
def test_a_resize_keeps_every_data_disk_and_its_type(cloud, across, monkeypatch, tmp_path):
    args = base(cloud)
    before, vm = register("db", args, monkeypatch, tmp_path)
    write_lock(tmp_path, vm)
    size = RESIZES[cloud][across]
    after, resized = register("db", {**args, "instance_type": size}, monkeypatch, tmp_path)
    assert resized.spec.instance_type == size and resized.spec.lock.status == "changed"
    assert_disks_kept(cloud, before, after, "resize")
    assert resized.spec.os_disk_sent == vm.spec.os_disk_sent


@pytest.mark.parametrize(
    ("cloud", "size", "why", "disks"),
    [
        # Hyperdisk only: the pd-balanced and pd-standard disks would be replaced.
        ("gcp", "c4-standard-2", "takes only hyperdisk-balanced disks", DISKS),
        # No pd-standard on C3: that disk would be replaced.
        ("gcp", "c3-standard-4", "data disks are pd-standard", DISKS),
        # C3 takes pd-balanced, but Compute Engine moves a VM to a third-generation series only as a new VM.
        ("gcp", "c3-standard-4", "needs a new VM", DISKS[:1]),
        # No premium storage: Azure refuses Premium SSD disks on it.
        ("azure", "Standard_D2_v5", "takes no Premium SSD", DISKS),
    ],
)
def test_a_resize_the_disks_cannot_follow_is_a_spec_error_before_anything_is_registered(
    cloud, size, why, disks, monkeypatch, tmp_path
):
    args = {**base(cloud), "data_disks": disks}
    _, vm = register("db", args, monkeypatch, tmp_path)
    write_lock(tmp_path, vm)
    with pytest.raises(SpecError) as error:
        register("db", {**args, "instance_type": size}, monkeypatch, tmp_path)
    assert error.value.vm == "db" and error.value.field == "instance_type" and error.value.value == size
    assert why in str(error.value)
    assert "snapshot" in str(error.value) or "new VM" in str(error.value)  # and what to do


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_moving_a_vm_with_data_disks_to_another_zone_is_a_spec_error(cloud, monkeypatch, tmp_path):
    args = base(cloud)
    _, vm = register("db", args, monkeypatch, tmp_path)
    write_lock(tmp_path, vm)
    other = {"aws": "euw1-az2", "azure": "2", "gcp": "us-central1-b"}[cloud]
    with pytest.raises(SpecError) as error:
        register("db", {**args, "zone": other}, monkeypatch, tmp_path)
    assert error.value.field == "zone" and "a disk cannot move" in str(error.value)
    # Without its data disks the VM moves (it is replaced; nothing of the user's is lost with it).
    moved, _ = register("db", {**args, "zone": other, "data_disks": []}, monkeypatch, tmp_path)
    assert not disks_of(moved, cloud)


def test_aws_an_architecture_change_replaces_the_instance_but_not_its_volumes(monkeypatch, tmp_path):
    args = base("aws")
    before, vm = register("db", args, monkeypatch, tmp_path)
    write_lock(tmp_path, vm)
    after, resized = register("db", {**args, "instance_type": "m7g.large"}, monkeypatch, tmp_path)
    assert resized.spec.arch == "arm64"
    assert_disks_kept("aws", before, after, "resize across architectures")


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_unnamed_disks_keep_their_index_names_and_a_rename_is_an_alias(cloud, monkeypatch, tmp_path):
    """Disks deployed before names existed are ``db-data-0``...; naming them later is a rename with an
    explicit alias (``renamed_from``), which keeps the resources, their slots and (Azure) disk names."""
    args = {**base(cloud), "data_disks": [{"size_gib": 50}, {"size_gib": 200, "disk_type": "standard"}]}
    before, vm = register("db", args, monkeypatch, tmp_path)
    names = sorted(r.name for r in disks_of(before, cloud, attachments=False).values())
    assert names == ["db-data-0", "db-data-1"]
    write_lock(tmp_path, vm)
    renamed = [
        {"name": "logs", "renamed_from": "0", "size_gib": 50},
        {"name": "data", "renamed_from": "1", "size_gib": 200, "disk_type": "standard"},
    ]
    after, _ = register("db", {**args, "data_disks": renamed}, monkeypatch, tmp_path)
    new = {r.name: r for r in disks_of(after, cloud).values()}
    old = {r.name: r for r in disks_of(before, cloud).values()}
    for key, was in (("logs", "0"), ("data", "1")):
        disk = new[f"db-data-{key}"]
        assert aliased(disk, f"db-data-{was}")
        ignored = ("tags",) if cloud == "aws" else ()  # the volume's Name tag follows the name (in place)
        assert without(disk.inputs, *ignored) == without(old[f"db-data-{was}"].inputs, *ignored)
        if cloud == "aws":
            assert aliased(new[f"db-data-{key}-attachment"], f"db-data-{was}-attachment")
    assert sorted(slots(after, cloud).values()) == sorted(slots(before, cloud).values())
    # A rename is never guessed: a disk inserted first is a new disk, the others keep their names.
    inserted = {**args, "data_disks": [{"name": "new", "size_gib": 10}, *renamed]}
    later, _ = register("db", inserted, monkeypatch, tmp_path)
    assert {r.name for r in disks_of(later, cloud, attachments=False).values()} == {
        "db-data-new",
        "db-data-logs",
        "db-data-data",
    }


def aliased(resource, name: str) -> bool:
    """Whether the resource has an alias naming ``name`` under its own parent and type (the offline
    engine records an alias as the URN it names)."""
    return resource.urn.rsplit("::", 1)[0] + "::" + name in resource.aliases


def test_disks_without_names_cannot_lose_their_positions_silently(monkeypatch, tmp_path):
    args = {**base("gcp"), "data_disks": [{"size_gib": 50}, {"size_gib": 200}]}
    _, vm = register("db", args, monkeypatch, tmp_path)
    write_lock(tmp_path, vm)
    with pytest.raises(SpecError, match="identified by position"):
        register("db", {**args, "data_disks": [{"size_gib": 200}]}, monkeypatch, tmp_path)
    # The last of them too: a removal by position cannot say which disk the user meant to remove.
    with pytest.raises(SpecError, match="which disk you removed cannot be told"):
        register("db", {**args, "data_disks": [{"size_gib": 50}]}, monkeypatch, tmp_path)
    # Said with names: the second disk is kept (aliased from its index), the first removed.
    after, _ = register(
        "db", {**args, "data_disks": [{"name": "big", "renamed_from": "1", "size_gib": 200}]}, monkeypatch, tmp_path
    )
    (disk,) = after.of_type(DISK_TYPES["gcp"])
    assert disk.name == "db-data-big" and aliased(disk, "db-data-1")


def test_aws_attachments_move_volumes_to_a_replaced_instance_cleanly(monkeypatch, tmp_path):
    """The instance is replaced create-before-delete; each attachment is deleted first (stopping the old
    instance, never forcing the detach), so the volume is free for the new instance."""
    evaluation, _ = register("db", base("aws"), monkeypatch, tmp_path)
    assert not the_vm(evaluation, "aws").delete_before_replace
    for attachment in evaluation.of_type(ATTACHMENT):
        assert attachment.delete_before_replace
        assert attachment.inputs["stopInstanceBeforeDetaching"] is True
        assert "forceDetach" not in attachment.inputs


def test_azure_a_resize_to_a_premium_size_keeps_the_standard_ssd_disks(monkeypatch, tmp_path):
    """Created on a size without premium storage, the disks are Standard SSD; a resize to an 's' size
    would send Premium_LRS, which Azure changes only with the VM deallocated: the SKUs stay."""
    args = {**base("azure"), "instance_type": "Standard_D2_v5"}
    before, vm = register("db", args, monkeypatch, tmp_path)
    assert {d.inputs["sku"]["name"] for d in before.of_type(DISK_TYPES["azure"])} == {"StandardSSD_LRS", "Standard_LRS"}
    write_lock(tmp_path, vm)
    after, _ = register("db", {**args, "instance_type": "Standard_D2s_v5"}, monkeypatch, tmp_path)
    assert_disks_kept("azure", before, after, "resize")
    os_disk = the_vm(after, "azure").inputs["storageProfile"]["osDisk"]["managedDisk"]["storageAccountType"]
    assert os_disk == "StandardSSD_LRS"  # a replace-on-change on the VM


@pytest.mark.parametrize(
    ("cloud", "kept"), [("aws", "gp2"), ("azure", "StandardSSD_LRS"), ("gcp", "pd-ssd")], ids=["aws", "azure", "gcp"]
)
def test_an_upgrade_that_maps_disk_types_differently_changes_no_disk(cloud, kept, monkeypatch, tmp_path):
    """The lock says what each disk was created as (say, by an older version that mapped ssd to another
    type): that is what is sent, for the OS disk and every data disk, until the user changes disk_type."""
    args = {**base(cloud), "data_disks": [{"name": "logs", "size_gib": 50}]}
    _, vm = register("db", args, monkeypatch, tmp_path)
    path = write_lock(tmp_path, vm)
    path.write_text(path.read_text().replace(f'"sent": "{vm.spec.os_disk_sent}"', f'"sent": "{kept}"'))
    after, again = register("db", args, monkeypatch, tmp_path)
    assert again.spec.lock.status == "kept"
    (disk,) = after.of_type(DISK_TYPES[cloud])
    sent = {
        "aws": lambda d: d.inputs["type"],
        "azure": lambda d: d.inputs["sku"]["name"],
        "gcp": lambda d: d.inputs["type"],
    }
    assert sent[cloud](disk) == kept and again.spec.os_disk_sent == kept
    # The user's own edit of a disk's type decides it anew, where the cloud changes a type in place (AWS;
    # Azure once the VM is deallocated); on GCP the disk would be replaced: refused.
    standard = {**args, "data_disks": [{"name": "logs", "size_gib": 50, "disk_type": "standard"}]}
    if cloud == "gcp":
        with pytest.raises(SpecError, match="cannot change a disk's type"):
            register("db", standard, monkeypatch, tmp_path)
        return
    changed, _ = register("db", standard, monkeypatch, tmp_path)
    assert sent[cloud](changed.of_type(DISK_TYPES[cloud])[0]) != kept


def register_in(network_args: dict | None, args: dict, monkeypatch, lock_dir):
    """``register`` with the VM joined to a shared ``Network`` of ``network_args`` (None: none)."""
    import pulumi

    from components import Network, VirtualMachine
    from components.lockfile import LOCK_DIR_ENV
    from components.offline import evaluate
    from tests.support.common import DEFAULT_CONFIG
    from tests.support.plugin_harness import StableMocks

    monkeypatch.setenv(LOCK_DIR_ENV, str(lock_dir))
    built = {}

    def program():
        joined = args if network_args is None else {**args, "network": Network("shared", network_args)}
        built["vm"] = VirtualMachine("db", joined)
        pulumi.export("db", built["vm"].outputs())

    return evaluate(program, config=DEFAULT_CONFIG, mocks=StableMocks()), built["vm"]


SHARED = {"azure": {"cloud": "azure", "regions": ["westeurope"]}}
# Where a VM's data disks live besides region and zone: an Azure disk's resource group and a GCP disk's
# project are part of its id, so another one replaces the disk. (before, after) as (shared network, args).
SCOPE_MOVES = {
    "azure own group -> resource_group_name": ("azure", None, None, {"resource_group_name": "db-rg"}),
    "azure own group -> shared network": ("azure", None, SHARED["azure"], {}),
    "azure shared network -> own group": ("azure", SHARED["azure"], None, {}),
    "azure resource_group_name -> another": ("azure", None, None, {"resource_group_name": "other-rg"}),
    "gcp project": ("gcp", None, None, {"project": "other-project"}),
}


@pytest.mark.parametrize("move", sorted(SCOPE_MOVES))
def test_moving_data_disks_to_another_resource_group_or_project_is_a_spec_error(move, monkeypatch, tmp_path):
    cloud, network_before, network_after, edit = SCOPE_MOVES[move]
    args = {**base(cloud), **({"resource_group_name": "db-rg"} if "resource_group_name ->" in move else {})}
    before, vm = register_in(network_before, args, monkeypatch, tmp_path)
    write_lock(tmp_path, vm)
    assert '"disk_scope"' in (tmp_path / "vms.dev.lock.json").read_text()
    with pytest.raises(SpecError) as error:
        register_in(network_after, {**args, **edit}, monkeypatch, tmp_path)
    assert error.value.field == ("project" if cloud == "gcp" else next(iter(edit), "network"))
    assert "would be replaced" in str(error.value) and "logs" in str(error.value)
    # Without its data disks the VM moves (nothing of the user's is lost with it); unmoved, nothing is refused.
    register_in(network_after, {**args, **edit, "data_disks": []}, monkeypatch, tmp_path)
    again, _ = register_in(network_before, args, monkeypatch, tmp_path)
    assert_disks_kept(cloud, before, again, "nothing")


def test_a_lock_without_a_disk_scope_still_reads_and_refuses_nothing_new(monkeypatch, tmp_path):
    """Locks written before the disk scope was recorded have none: no move can be told from them."""
    args = base("azure")
    _, vm = register("db", args, monkeypatch, tmp_path)
    path = write_lock(tmp_path, vm)
    document = json.loads(path.read_text())
    del document["vms"]["db"]["disk_scope"]
    path.write_text(json.dumps(document))
    _, moved = register("db", {**args, "resource_group_name": "db-rg"}, monkeypatch, tmp_path)
    assert moved.spec.lock.status == "kept"


SUBNET, OTHER_SUBNET = "subnet-0123456789abcdef0", "subnet-0fedcba9876543210"
# AWS volumes take the zone of a subnet_id's subnet (known to the account only), else the zone the lock
# keeps: another subnet, or a move between subnet_id and the component's network, may be another zone.
AWS_SUBNET_MOVES = {
    "network -> subnet_id": ({}, {"subnet_id": SUBNET}, "subnet_id"),
    "subnet_id -> network": ({"subnet_id": SUBNET}, {}, "network"),
    "subnet_id -> another subnet": ({"subnet_id": SUBNET}, {"subnet_id": OTHER_SUBNET}, "subnet_id"),
}


@pytest.mark.parametrize("move", sorted(AWS_SUBNET_MOVES))
def test_moving_aws_volumes_to_or_from_a_subnet_id_is_a_spec_error(move, monkeypatch, tmp_path):
    before_args, after_args, field_name = AWS_SUBNET_MOVES[move]
    args = base("aws")
    before, vm = register("db", {**args, **before_args}, monkeypatch, tmp_path)
    write_lock(tmp_path, vm)
    with pytest.raises(SpecError) as error:
        register("db", {**args, **after_args}, monkeypatch, tmp_path)
    assert error.value.field == field_name
    assert "would be replaced" in str(error.value) and "subnet" in str(error.value)
    again, _ = register("db", {**args, **before_args}, monkeypatch, tmp_path)
    assert_disks_kept("aws", before, again, "nothing")


def test_aws_volumes_stay_put_between_the_shared_and_a_dedicated_network(monkeypatch, tmp_path):
    """Both are the component's networks: the volumes stay in the zone the lock keeps."""
    args = base("aws")
    before, vm = register_in({"cloud": "aws", "regions": ["eu-west-1"]}, args, monkeypatch, tmp_path)
    write_lock(tmp_path, vm)
    after, _ = register("db", args, monkeypatch, tmp_path)
    assert_disks_kept("aws", before, after, "nothing")


def renamed_with_alias(old: str):
    import pulumi

    return pulumi.ResourceOptions(aliases=[pulumi.Alias(name=old)])


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_a_vm_renamed_with_an_alias_keeps_its_size_and_every_data_disk(cloud, monkeypatch, tmp_path):
    """A VM renamed in a program (``Alias(name=...)``) finds its lock entry under its former name: it
    keeps its size, zone, slots and each disk's cloud-side name (Azure ``diskName``, part of the disk's
    id), and after ``lock`` rewrites the entry under the new name the disks keep the names they were
    created with. The engine carries the disks' URNs through the aliases the children inherit."""
    from components.changes import compare, from_registrations

    args = {**base(cloud), "data_disks": [*DISKS, {"size_gib": 20}]}
    if cloud == "azure":  # a group of its own is autonamed: the mocks would name it afresh for the new name
        args["resource_group_name"] = "db-rg"
    before, vm = register("web", args, monkeypatch, tmp_path)
    write_lock(tmp_path, vm)
    after, front = register("front", args, monkeypatch, tmp_path, renamed_with_alias("web"))
    assert (front.spec.instance_type, front.spec.zone) == (vm.spec.instance_type, vm.spec.zone)
    old = {r.name.replace("web-", "", 1): r for r in disks_of(before, cloud).values()}
    new = {r.name.replace("front-", "", 1): r for r in disks_of(after, cloud).values()}
    assert sorted(new) == sorted(old) and len(old) >= 3
    ignored = ("tags",) if cloud == "aws" else ()  # a volume's Name tag follows the VM's name (in place)
    for key, disk in new.items():
        assert without(disk.inputs, *ignored, "instanceId", "volumeId") == without(
            old[key].inputs, *ignored, "instanceId", "volumeId"
        ), key
    assert sorted(slots(after, cloud).values()) == sorted(slots(before, cloud).values())
    (change,) = compare(from_registrations(before.resources), from_registrations(after.resources))
    assert change.data_lost == ["OS disk"] or change.data_lost == [], change.data
    assert all(name == "OS disk" or name.startswith("front-") for name in change.data), change.data
    # The lock rewritten under the new name keeps the names the disks were created with.
    write_lock(tmp_path, front)
    assert "web" not in json.loads((tmp_path / "vms.dev.lock.json").read_text())["vms"]
    later, _ = register("front", args, monkeypatch, tmp_path)
    for disk in disks_of(later, cloud, attachments=False).values():
        assert without(disk.inputs, *ignored) == without(old[disk.name.replace("front-", "", 1)].inputs, *ignored)
    if cloud == "azure":
        names = sorted(d.inputs["diskName"] for d in later.of_type(DISK_TYPES["azure"]))
        assert names == ["web-data-2", "web-data-data", "web-data-logs"]


def test_azure_plan_never_calls_a_disk_kept_that_a_rename_replaces(monkeypatch, tmp_path):
    """Without a lock a renamed Azure VM's disks get new names and are replaced: ``plan --changes`` says
    they are lost and lists no disk under its old name as kept (the VM's attached-disk entries are the
    disk resources' business)."""
    from components.changes import compare, from_registrations

    args = {**base("azure"), "resource_group_name": "db-rg"}
    before, _ = register("web", args, monkeypatch, tmp_path / "none")
    after, _ = register("front", args, monkeypatch, tmp_path / "none", renamed_with_alias("web"))
    (change,) = compare(from_registrations(before.resources), from_registrations(after.resources))
    assert change.data == {"OS disk": "lost", "front-data-data": "lost", "front-data-logs": "lost"}
    assert change.data_lost == ["OS disk", "front-data-data", "front-data-logs"]
    assert "data disks kept" not in change.summary()


def test_azure_a_lock_without_disk_names_gives_a_renamed_vm_the_names_its_disks_were_created_with(
    monkeypatch, tmp_path
):
    """A lock written before disk names were recorded: the names derive from the VM the entry is for."""
    from components.vm import lock_note

    args = {**base("azure"), "resource_group_name": "db-rg"}
    _, vm = register("web", args, monkeypatch, tmp_path)
    path = write_lock(tmp_path, vm)
    document = json.loads(path.read_text())
    for disk in document["vms"]["web"]["data_disks"].values():
        assert disk.pop("cloud_name").startswith("web-data-")
    path.write_text(json.dumps(document))
    after, front = register("front", args, monkeypatch, tmp_path, renamed_with_alias("web"))
    assert sorted(d.inputs["diskName"] for d in after.of_type(DISK_TYPES["azure"])) == [
        "web-data-data",
        "web-data-logs",
    ]
    assert "under its former name web" in lock_note(front.spec, "dev")


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_a_second_rename_before_the_lock_is_rewritten_is_a_spec_error(cloud, monkeypatch, tmp_path):
    """Locked as 0 and 1, deployed renamed (logs <- 0, data <- 1), the lock not rewritten: renaming logs
    again cannot say what it was created as (``renamed_from`` names logs, the lock has 0), so it is
    refused before anything is registered; with the lock rewritten between, the disk keeps everything."""
    args = {**base(cloud), "data_disks": [{"size_gib": 50}, {"size_gib": 200}]}
    before, vm = register("db", args, monkeypatch, tmp_path)
    write_lock(tmp_path, vm)
    named = [
        {"name": "logs", "renamed_from": "0", "size_gib": 50},
        {"name": "data", "renamed_from": "1", "size_gib": 200},
    ]
    middle, renamed = register("db", {**args, "data_disks": named}, monkeypatch, tmp_path)
    again = [{"name": "journal", "renamed_from": "logs", "size_gib": 50}, {"name": "data", "size_gib": 200}]
    with pytest.raises(SpecError) as refused:
        register("db", {**args, "data_disks": again}, monkeypatch, tmp_path)
    message = str(refused.value)
    assert "db" in message and "data_disks[0].renamed_from" in message and "'logs'" in message
    assert "python -m components lock" in message
    write_lock(tmp_path, renamed)
    after, _ = register("db", {**args, "data_disks": again}, monkeypatch, tmp_path)
    new = {r.name: r for r in disks_of(after, cloud, attachments=False).values()}
    old = {r.name: r for r in disks_of(before, cloud, attachments=False).values()}
    ignored = ("tags",) if cloud == "aws" else ()
    assert without(new["db-data-journal"].inputs, *ignored) == without(old["db-data-0"].inputs, *ignored)
    assert without(new["db-data-data"].inputs, *ignored) == without(old["db-data-1"].inputs, *ignored)
    first_names = {"db-data-journal": "db-data-0", "db-data-logs": "db-data-0", "db-data-data": "db-data-1"}

    def by_first_name(evaluation):
        return {
            re.sub(r"db-data-[a-z0-9]+", lambda m: first_names.get(m[0], m[0]), k): v
            for k, v in slots(evaluation, cloud).items()
        }

    assert by_first_name(after) == by_first_name(middle) == slots(before, cloud)
