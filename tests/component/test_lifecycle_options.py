"""Every lifecycle option the component sets, asserted option by option on what is registered: switch
one off (GCP's allow_stopping_for_update, a delete_before_replace, a replace_on_changes path, a disk's
protection) and a test here fails."""

from __future__ import annotations

import pytest

from components import cloud_rules
from components.cloud_rules import azure as azure_rules
from components.cloud_rules import gcp as gcp_rules
from tests.support.common import public_key, run_vms

KEY = public_key("ed25519")
DISKS = [
    {"name": "kept", "size_gib": 10, "protect": True},
    {"name": "retained", "size_gib": 10, "retain_on_delete": True},
    {"name": "plain", "size_gib": 10},
]


def registered(cloud: str, **extra):
    args = {"cloud": cloud, "ssh_public_key": KEY, "user_data": "#!/bin/sh\n", "data_disks": DISKS, **extra}
    evaluation, _ = run_vms({"vm": args})
    return {r.name: r for r in evaluation.resources}


def option_set(resource) -> dict:
    return {
        "delete_before_replace": resource.delete_before_replace,
        "replace_on_changes": sorted(resource.replace_on_changes),
        "ignore_changes": sorted(resource.ignore_changes),
        "additional_secret_outputs": sorted(resource.additional_secret_outputs),
        "replacement_trigger": resource.replacement_trigger,
        "protect": resource.protect,
        "retain_on_delete": resource.retain_on_delete,
    }


def disk_options(resource, protect=False, retain=False, delete_before_replace=False) -> None:
    labels = ["effectiveLabels", "pulumiLabels"] if resource.type.startswith("gcp:") else []  # pulumi_gcp's own
    assert option_set(resource) == {
        "delete_before_replace": delete_before_replace,
        "replace_on_changes": [],
        "ignore_changes": [],
        "additional_secret_outputs": labels,
        "replacement_trigger": None,
        "protect": protect,
        "retain_on_delete": retain,
    }, resource.name


def test_gcp_instance_options():
    resources = registered("gcp")
    vm = resources["vm-vm"]
    # machine_type and subnetwork changes need the VM stopped: the provider refuses them without this
    # (cloud_rules.gcp.ALLOW_STOPPING_FOR_UPDATE); the lifecycle table says "restart" for them.
    restarts = [p for p, c in cloud_rules.lifecycle("gcp").items() if c.cloud_does == "restart"]
    assert restarts and vm.inputs["allowStoppingForUpdate"] is True
    assert option_set(vm) == {
        "delete_before_replace": True,  # its name is fixed
        "replace_on_changes": sorted(f'metadata["{k}"]' for k in gcp_rules.REPLACE_ON_METADATA),
        # The boot disk's labels are set at creation only (cloud_rules.gcp.CREATION_ONLY): a tag edit
        # would otherwise replace the VM.
        "ignore_changes": ["bootDisk.initializeParams.image", *gcp_rules.CREATION_ONLY],
        "additional_secret_outputs": ["effectiveLabels", "metadata", "pulumiLabels"],  # pulumi_gcp adds the labels
        "replacement_trigger": "ubuntu-24.04",
        "protect": False,
        "retain_on_delete": False,
    }
    assert vm.inputs["bootDisk"]["autoDelete"] is True
    assert all("autoDelete" not in d for d in vm.inputs["attachedDisks"])  # kept when the VM goes
    disk_options(resources["vm-data-kept"], protect=True)
    disk_options(resources["vm-data-retained"], retain=True)
    disk_options(resources["vm-data-plain"])


def test_aws_instance_volume_and_attachment_options():
    resources = registered("aws")
    vm = resources["vm-vm"]
    assert vm.inputs["userDataReplaceOnChange"] is True
    assert option_set(vm) == {
        "delete_before_replace": False,  # the attachments free the volumes instead
        "replace_on_changes": [],
        "ignore_changes": ["ami"],
        "additional_secret_outputs": ["userData"],
        "replacement_trigger": "ubuntu-24.04",
        "protect": False,
        "retain_on_delete": False,
    }
    assert option_set(registered("aws", spot=True)["vm-vm"])["replace_on_changes"] == ["instanceType"]
    disk_options(resources["vm-data-kept"], protect=True)
    disk_options(resources["vm-data-retained"], retain=True)
    disk_options(resources["vm-data-plain"])
    for key in ("kept", "retained", "plain"):
        attachment = resources[f"vm-data-{key}-attachment"]
        disk_options(attachment, delete_before_replace=True)
        assert attachment.inputs["stopInstanceBeforeDetaching"] is True and "forceDetach" not in attachment.inputs


def test_azure_vm_disk_and_extension_options():
    resources = registered("azure", public_ip=True, zone="2")
    vm = resources["vm-vm"]
    assert option_set(vm) == {
        "delete_before_replace": True,
        "replace_on_changes": sorted(azure_rules.REPLACE_ON_CHANGES),
        "ignore_changes": ["storageProfile.imageReference"],
        "additional_secret_outputs": ["osProfile"],
        "replacement_trigger": "ubuntu-24.04",
        "protect": False,
        "retain_on_delete": False,
    }
    assert option_set(resources["vm-pip"])["replace_on_changes"] == ["zones"]
    disk_options(resources["vm-data-kept"], protect=True)
    disk_options(resources["vm-data-retained"], retain=True)
    disk_options(resources["vm-data-plain"])
    assert {d["deleteOption"] for d in vm.inputs["storageProfile"]["dataDisks"]} == {"Detach"}
    assert vm.inputs["storageProfile"]["osDisk"]["deleteOption"] == "Delete"
    windows, _ = run_vms(
        {
            "win": {
                "cloud": "azure",
                "image": "windows-2022",
                "admin_password": "Correct-Horse-Battery-9",
                "user_data": "x",
            }
        }
    )
    (extension,) = windows.of_type("azure-native:compute:VirtualMachineExtension")
    (win_vm,) = windows.of_type("azure-native:compute:VirtualMachine")
    assert extension.property_dependencies["vmName"] == [win_vm.urn]


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_opting_in_to_image_updates_drops_the_ignored_image(cloud):
    (vm,) = [r for r in registered(cloud, replace_on_image_change=True).values() if r.name == "vm-vm"]
    assert vm.ignore_changes == (list(gcp_rules.CREATION_ONLY) if cloud == "gcp" else [])
