"""Each step of the Azure adapter's ``provision`` on its own: what it registers (inputs, options,
dependencies, roles) under the offline engine, and its pure mappings."""

from __future__ import annotations

import pulumi
import pytest
from pulumi_azure_native import network as azure_network

from components.cloud_rules import azure as rules
from components.clouds import azure
from components.clouds.base import NETWORK_CIDR, SUBNET_CIDR
from tests.support.common import public_key
from tests.support.step_harness import run_step, shared_network, spec_of

KEY = public_key("ed25519")
PASSWORD = "Correct-Horse-Battery-9"
TAGS = {"owner": "ops"}
SUBNET = azure.Subnet("rg-1", "subnet-1")


def _export_subnet(build, network=None):
    subnet = azure.subnet_for(build, network)
    pulumi.export("subnet", [subnet.resource_group_name, subnet.id])


def test_a_shared_network_gives_its_resource_group_and_subnet_in_the_vms_region():
    def step(build):
        network = shared_network(
            network_ids={"eastus": "vnet-1"},
            subnet_ids={"eastus": "subnet-shared"},
            resource_group_names={"eastus": "rg-net"},
        )
        _export_subnet(build, network)

    run = run_step(spec_of("azure", ssh_public_key=KEY), step)
    assert run.evaluation.outputs["subnet"] == ["rg-net", "subnet-shared"] and run.names == set()
    given = run_step(spec_of("azure", ssh_public_key=KEY, resource_group_name="apps-rg"), step)
    assert given.evaluation.outputs["subnet"] == ["apps-rg", "subnet-shared"] and given.names == set()


def test_an_existing_subnet_in_a_resource_group_of_the_vms_own():
    subnet_id = "/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
    run = run_step(spec_of("azure", ssh_public_key=KEY, subnet_id=subnet_id), _export_subnet, tags=TAGS)
    assert run.evaluation.outputs["subnet"] == ["vm-rg0000", subnet_id]
    assert run.registered("vm-rg").inputs == {"location": "eastus", "tags": TAGS}
    assert run.roles == {"resource_group": "vm-rg"}


def test_a_dedicated_network_in_the_given_resource_group():
    run = run_step(spec_of("azure", ssh_public_key=KEY, resource_group_name="apps-rg"), _export_subnet, tags=TAGS)
    assert run.evaluation.outputs["subnet"] == ["apps-rg", "vm-subnet-id"]
    vnet, subnet = run.registered("vm-vnet").inputs, run.registered("vm-subnet")
    assert (vnet["resourceGroupName"], vnet["location"], vnet["tags"]) == ("apps-rg", "eastus", TAGS)
    assert vnet["addressSpace"] == {"addressPrefixes": [NETWORK_CIDR]}
    assert (subnet.inputs["resourceGroupName"], subnet.inputs["addressPrefix"]) == ("apps-rg", SUBNET_CIDR)
    # The subnet names its network by the network's output (known once it exists: as in a preview).
    preview = run_step(
        spec_of("azure", ssh_public_key=KEY, resource_group_name="apps-rg"), _export_subnet, preview=True
    )
    assert preview.registered("vm-subnet").property_dependencies["virtualNetworkName"] == [
        preview.registered("vm-vnet").urn
    ]
    assert run.roles == {"virtual_network": "vm-vnet", "subnet": "vm-subnet"}


def test_the_firewall_is_an_nsg_with_the_ingress_rules_then_the_isolation_rules():
    spec = spec_of("azure", ssh_public_key=KEY, ingress=[{"port": 22, "sources": ["203.0.113.0/24"]}])
    run = run_step(spec, lambda build: azure.firewall(build, SUBNET), tags=TAGS)
    nsg = run.registered("vm-nsg").inputs
    assert (nsg["resourceGroupName"], nsg["location"], nsg["tags"]) == ("rg-1", "eastus", TAGS)
    assert [r["name"] for r in nsg["securityRules"]] == [
        "allow-tcp-22-0",
        "allow-azure-load-balancer",
        "deny-virtual-network-inbound",
    ]
    assert nsg["securityRules"][0]["description"] == "tcp 22"
    assert run.roles == {"network_security_group": "vm-nsg"}


@pytest.mark.parametrize("public_ip", [False, True])
def test_the_network_interface_with_a_static_zonal_public_ip_if_asked(public_ip):
    def step(build):
        return azure.network_interface(build, SUBNET, azure.firewall(build, SUBNET))

    run = run_step(spec_of("azure", ssh_public_key=KEY, zone="2", public_ip=public_ip), step, tags=TAGS)
    nic = run.registered("vm-nic").inputs
    [config] = nic["ipConfigurations"]
    assert (config["subnet"], config["privateIPAllocationMethod"], nic["networkSecurityGroup"]) == (
        {"id": "subnet-1"},
        "Dynamic",
        {"id": "vm-nsg-id"},
    )
    assert run.roles["network_interface"] == "vm-nic"
    if not public_ip:
        assert "publicIPAddress" not in config and run.result[1] is None and "vm-pip" not in run.names
        return
    pip = run.registered("vm-pip")
    assert config["publicIPAddress"] == {"id": "vm-pip-id"} and run.roles["public_ip"] == "vm-pip"
    assert (pip.inputs["sku"], pip.inputs["publicIPAllocationMethod"], pip.inputs["zones"]) == (
        {"name": "Standard", "tier": "Regional"},
        "Static",
        ["2"],
    )
    assert pip.replace_on_changes == ["zones"]


def test_data_disks_are_managed_disks_in_the_vms_zone_with_their_options():
    disks = [
        {"name": "kept", "size_gib": 10, "protect": True},
        {"name": "logs", "size_gib": 20, "renamed_from": "old-logs", "retain_on_delete": True},
    ]
    run = run_step(
        spec_of("azure", ssh_public_key=KEY, zone="1", data_disks=disks), lambda b: azure.data_disks(b, SUBNET)
    )
    kept, logs = run.registered("vm-data-kept"), run.registered("vm-data-logs")
    assert (kept.inputs["diskName"], kept.inputs["resourceGroupName"], kept.inputs["zones"]) == (
        "vm-data-kept",
        "rg-1",
        ["1"],
    )
    assert kept.inputs["creationData"] == {"createOption": "Empty"} and kept.protect and not kept.retain_on_delete
    assert logs.inputs["diskName"] == "vm-data-old-logs"  # the Azure name it was created with
    assert logs.retain_on_delete and logs.aliases[0].endswith("::vm-data-old-logs")
    assert [disk.key for disk, _ in run.result] == ["kept", "logs"]
    assert run.roles == {"data_disk_kept": "vm-data-kept", "data_disk_logs": "vm-data-logs"}


def test_the_instance_attaches_its_disks_by_lun_and_names_a_gen1_image_in_its_trigger():
    spec = spec_of("azure", ssh_public_key=KEY, instance_type="Standard_A2_v2", spot=True, data_disks=[{"size_gib": 8}])

    def step(build):
        nic, _ = azure.network_interface(build, SUBNET, azure.firewall(build, SUBNET))
        return azure.instance(build, SUBNET, nic, azure.data_disks(build, SUBNET))

    run = run_step(spec, step)
    vm = run.registered("vm-vm")
    assert vm.inputs["networkProfile"] == {"networkInterfaces": [{"id": "vm-nic-id", "primary": True}]}
    assert vm.inputs["storageProfile"]["dataDisks"][0]["managedDisk"] == {"id": "vm-data-0-id"}
    assert (vm.inputs["priority"], vm.inputs["evictionPolicy"]) == ("Spot", "Deallocate")
    assert (vm.replacement_trigger, vm.delete_before_replace) == ("ubuntu-24.04 (V1)", True)
    assert sorted(vm.replace_on_changes) == sorted(rules.REPLACE_ON_CHANGES)
    assert (vm.ignore_changes, vm.additional_secret_outputs) == (["storageProfile.imageReference"], ["osProfile"])
    assert run.roles["virtual_machine"] == "vm-vm"


def test_storage_profile_and_spot_settings():
    spec = spec_of(
        "azure",
        ssh_public_key=KEY,
        data_disks=[{"name": "a", "size_gib": 8, "lun": 3}, {"name": "b", "size_gib": 9, "lun": 1}],
    )
    profile = azure.storage_profile(
        spec, [(disk, type("Disk", (), {"id": f"id-{disk.slot}"})()) for disk in spec.data_disks]
    )
    assert [(d["lun"], d["managed_disk"]) for d in profile["data_disks"]] == [(1, {"id": "id-1"}), (3, {"id": "id-3"})]
    assert profile["os_disk"]["delete_option"] == "Delete" and profile["os_disk"]["name"] == "vm-osdisk"
    assert azure.spot_settings(spec) == {}
    assert azure.spot_settings(spec_of("azure", ssh_public_key=KEY, spot=True))["billing_profile"] == {"max_price": -1}
    assert azure.zones(spec) is None and azure.zones(spec_of("azure", ssh_public_key=KEY, zone="3")) == ["3"]


@pytest.mark.parametrize(
    ("image", "user_data", "extension"),
    [("windows-2022", "Write-Host hi", True), ("windows-2022", None, False), ("ubuntu-24.04", "#!/bin/sh\n", False)],
)
def test_the_user_data_extension_runs_windows_user_data_and_follows_the_vm(image, user_data, extension):
    args = {"admin_password": PASSWORD} if image.startswith("windows") else {"ssh_public_key": KEY}
    spec = (
        spec_of("azure", image=image, user_data=user_data, **args)
        if user_data
        else spec_of("azure", image=image, **args)
    )

    def step(build):
        vm = azure.compute.VirtualMachine("vm-vm", vm_name="vm", resource_group_name="rg-1", opts=build.opts())
        azure.user_data_extension(build, SUBNET, vm)

    run = run_step(spec, step)
    assert ("vm-user-data" in run.names) is extension
    if extension:
        registered = run.registered("vm-user-data")
        assert registered.inputs["protectedSettings"] == {"commandToExecute": rules.WINDOWS_RUN_CUSTOM_DATA}
        assert registered.property_dependencies["vmName"] == [run.registered("vm-vm").urn]
        assert run.roles == {"user_data_extension": "vm-user-data"}


def test_the_outputs_read_the_nics_private_address_and_the_public_ip():
    def step(build):
        nic = azure_network.NetworkInterface(
            "vm-nic", resource_group_name="rg-1", ip_configurations=[{"name": "ipconfig"}], opts=build.opts()
        )
        vm = azure.compute.VirtualMachine("vm-vm", vm_name="vm", resource_group_name="rg-1", opts=build.opts())
        outputs = azure.outputs(build, vm, nic, None)
        pulumi.export("out", {"private_ip": outputs.private_ip, "image": outputs.image, "zone": outputs.zone})
        return outputs

    run = run_step(spec_of("azure", ssh_public_key=KEY, zone="2"), step)
    assert run.result.public_ip is None
    assert run.evaluation.outputs["out"] == {
        "private_ip": "10.42.1.4",
        "image": "Canonical:ubuntu-24_04-lts:server:latest",
        "zone": "2",
    }
