"""What an Azure VM really gets (azure-native): the registered resources' inputs, under mocks."""

from __future__ import annotations

import base64

import pytest

from components import catalog
from components.cloud_rules.azure import managed_disk_sku
from components.clouds.azure import security_rules
from components.images import IMAGE_ALIASES
from components.spec import CloudDefaults, validate
from tests.support.common import run_vms

VM = "azure-native:compute:VirtualMachine"
PASSWORD = "Tr0ub4dor&3-horse"


def only(evaluation, type_token):
    (resource,) = evaluation.of_type(type_token)
    return resource


def test_linux_vm_secure_defaults(ssh_key, preview):
    evaluation, vms = run_vms({"web": {"cloud": "azure", "ssh_public_key": ssh_key}}, preview=preview)
    vm = only(evaluation, VM).inputs
    assert vm["vmName"] == "web" and vm["location"] == "eastus"
    assert vm["hardwareProfile"] == {"vmSize": vms["web"].spec.instance_type}
    os_profile = vm["osProfile"]
    assert os_profile["computerName"] == "web" and os_profile["adminUsername"] == "vmadmin"
    assert "adminPassword" not in os_profile
    linux = os_profile["linuxConfiguration"]
    assert linux["disablePasswordAuthentication"] is True
    assert linux["ssh"]["publicKeys"] == [{"path": "/home/vmadmin/.ssh/authorized_keys", "keyData": ssh_key}]
    storage = vm["storageProfile"]
    assert storage["imageReference"] == {
        "publisher": "Canonical",
        "offer": "ubuntu-24_04-lts",
        "sku": "server",
        "version": "latest",
    }
    assert storage["osDisk"]["diskSizeGB"] == 30
    assert storage["osDisk"]["createOption"] == "FromImage"
    assert storage["osDisk"]["managedDisk"] == {"storageAccountType": "Premium_LRS"}
    assert vm["diagnosticsProfile"] == {"bootDiagnostics": {"enabled": True}}
    assert "priority" not in vm
    assert not evaluation.of_type("azure-native:network:PublicIPAddress")
    if not preview:
        nic = only(evaluation, "azure-native:network:NetworkInterface").inputs
        assert vm["networkProfile"] == {"networkInterfaces": [{"id": "web-nic-id", "primary": True}]}
        assert nic["networkSecurityGroup"] == {"id": "web-nsg-id"}
        assert "publicIPAddress" not in nic["ipConfigurations"][0]


def test_resource_group_and_network_are_created_unless_given(ssh_key):
    evaluation, _ = run_vms({"web": {"cloud": "azure", "ssh_public_key": ssh_key}})
    group = only(evaluation, "azure-native:resources:ResourceGroup").inputs
    assert group["location"] == "eastus"
    vnet = only(evaluation, "azure-native:network:VirtualNetwork").inputs
    assert vnet["addressSpace"] == {"addressPrefixes": ["10.42.0.0/16"]}
    subnet = only(evaluation, "azure-native:network:Subnet").inputs
    assert subnet["addressPrefix"] == "10.42.1.0/24"

    subnet_id = "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub/subnets/apps"
    existing, _ = run_vms(
        {"web": {"cloud": "azure", "ssh_public_key": ssh_key, "resource_group_name": "my-rg", "subnet_id": subnet_id}}
    )
    types = {r.type for r in existing.resources}
    assert not types & {
        "azure-native:resources:ResourceGroup",
        "azure-native:network:VirtualNetwork",
        "azure-native:network:Subnet",
    }
    assert only(existing, VM).inputs["resourceGroupName"] == "my-rg"
    nic = only(existing, "azure-native:network:NetworkInterface").inputs
    assert nic["ipConfigurations"][0]["subnet"] == {"id": subnet_id}


ISOLATION = [
    {
        "name": "allow-azure-load-balancer",
        "priority": 4095,
        "direction": "Inbound",
        "access": "Allow",
        "protocol": "*",
        "sourceAddressPrefix": "AzureLoadBalancer",
        "sourcePortRange": "*",
        "destinationAddressPrefix": "*",
        "destinationPortRange": "*",
        "description": "Azure health probes, as Azure's default rule allows them",
    },
    {
        "name": "deny-virtual-network-inbound",
        "priority": 4096,
        "direction": "Inbound",
        "access": "Deny",
        "protocol": "*",
        "sourceAddressPrefix": "VirtualNetwork",
        "sourcePortRange": "*",
        "destinationAddressPrefix": "*",
        "destinationPortRange": "*",
        "description": "nothing from the network's other VMs beyond the rules above",
    },
]


def test_nsg_rules_public_ip_spot_and_custom_data(ssh_key):
    evaluation, _ = run_vms(
        {
            "web": {
                "cloud": "azure",
                "region": "westeurope",
                "zone": "2",
                "ssh_public_key": ssh_key,
                "public_ip": True,
                "spot": True,
                "user_data": "#cloud-config\npackages: [nginx]\n",
                "ingress": [
                    {"port": 22, "sources": ["203.0.113.0/24"]},
                    {"from_port": 8000, "to_port": 8080, "sources": ["10.0.0.0/8", "192.168.0.0/16"]},
                ],
            }
        }
    )
    nsg = only(evaluation, "azure-native:network:NetworkSecurityGroup").inputs
    assert nsg["securityRules"] == [
        {
            "name": "allow-tcp-22-0",
            "priority": 100,
            "direction": "Inbound",
            "access": "Allow",
            "protocol": "Tcp",
            "sourceAddressPrefixes": ["203.0.113.0/24"],
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "destinationPortRange": "22",
            "description": "tcp 22",
        },
        {
            "name": "allow-tcp-8000-8080-1",
            "priority": 110,
            "direction": "Inbound",
            "access": "Allow",
            "protocol": "Tcp",
            "sourceAddressPrefixes": ["10.0.0.0/8", "192.168.0.0/16"],
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "destinationPortRange": "8000-8080",
            "description": "tcp 8000-8080",
        },
        # Below the VM's own rules: nothing more from the virtual network's other VMs (issue 19).
        *ISOLATION,
    ]
    pip = only(evaluation, "azure-native:network:PublicIPAddress").inputs
    assert pip["sku"] == {"name": "Standard", "tier": "Regional"}
    assert pip["publicIPAllocationMethod"] == "Static" and pip["zones"] == ["2"]
    nic = only(evaluation, "azure-native:network:NetworkInterface").inputs
    assert nic["ipConfigurations"][0]["publicIPAddress"] == {"id": "web-pip-id"}
    vm = only(evaluation, VM)
    assert vm.inputs["zones"] == ["2"]
    assert (vm.inputs["priority"], vm.inputs["evictionPolicy"], vm.inputs["billingProfile"]) == (
        "Spot",
        "Deallocate",
        {"maxPrice": -1},
    )
    custom_data = vm.inputs["osProfile"]["customData"]
    assert base64.b64decode(custom_data).decode() == "#cloud-config\npackages: [nginx]\n"
    assert "osProfile" in vm.secret_inputs


def test_windows_vm_gets_the_admin_password_and_no_linux_configuration():
    evaluation, _ = run_vms({"win": {"cloud": "azure", "image": "windows-2022", "admin_password": PASSWORD}})
    vm = only(evaluation, VM)
    assert vm.inputs["osProfile"]["adminPassword"] == PASSWORD
    assert "linuxConfiguration" not in vm.inputs["osProfile"]
    assert vm.inputs["osProfile"]["windowsConfiguration"]["provisionVMAgent"] is True
    assert vm.inputs["storageProfile"]["osDisk"]["diskSizeGB"] == 127
    assert vm.inputs["storageProfile"]["imageReference"]["offer"] == "WindowsServer"


def test_data_disks_are_managed_disks_on_luns(ssh_key):
    evaluation, _ = run_vms(
        {
            "db": {
                "cloud": "azure",
                "ssh_public_key": ssh_key,
                "data_disks": [{"size_gib": 256}, {"size_gib": 64, "disk_type": "standard"}],
            }
        }
    )
    vm = only(evaluation, VM)
    disks = {r.name: r for r in evaluation.of_type("azure-native:compute:Disk")}
    assert [
        (d.name, d.inputs["diskName"], d.inputs["diskSizeGB"], d.inputs["sku"], d.inputs["creationData"])
        for d in sorted(disks.values(), key=lambda d: d.name)  # registration order varies
    ] == [
        ("db-data-0", "db-data-0", 256, {"name": "Premium_LRS"}, {"createOption": "Empty"}),
        ("db-data-1", "db-data-1", 64, {"name": "Standard_LRS"}, {"createOption": "Empty"}),
    ]
    # Attached, never created or deleted with the VM.
    assert vm.inputs["storageProfile"]["dataDisks"] == [
        {
            "lun": 0,
            "name": "db-data-0",
            "createOption": "Attach",
            "managedDisk": {"id": "db-data-0-id"},
            "deleteOption": "Detach",
        },
        {
            "lun": 1,
            "name": "db-data-1",
            "createOption": "Attach",
            "managedDisk": {"id": "db-data-1-id"},
            "deleteOption": "Detach",
        },
    ]
    for disk in disks.values():
        assert disk.inputs["location"] == vm.inputs["location"]
        assert disk.inputs["resourceGroupName"] == vm.inputs["resourceGroupName"]
        assert vm.urn not in disk.dependencies and "zones" not in disk.inputs  # a regional VM: regional disks


@pytest.mark.parametrize(
    ("alias", "arch"), [(alias, arch) for alias, entry in IMAGE_ALIASES.items() for arch in entry.azure]
)
def test_image_alias_becomes_a_marketplace_reference(alias, arch, ssh_key):
    args = {"cloud": "azure", "image": alias, "arch": arch}
    if alias.startswith("windows"):
        args["admin_password"] = PASSWORD
    else:
        args["ssh_public_key"] = ssh_key
    evaluation, _ = run_vms({"vm": args})
    reference = only(evaluation, VM).inputs["storageProfile"]["imageReference"]
    expected = IMAGE_ALIASES[alias].azure[arch]
    assert reference == {
        "publisher": expected.publisher,
        "offer": expected.offer,
        "sku": expected.sku,
        "version": "latest",
    }
    assert evaluation.outputs["vm"]["image"] == expected.urn


def test_native_urn_image(ssh_key):
    evaluation, _ = run_vms(
        {"vm": {"cloud": "azure", "image": "Debian:debian-11:11-gen2:0.20240101.1", "ssh_public_key": ssh_key}}
    )
    reference = only(evaluation, VM).inputs["storageProfile"]["imageReference"]
    assert reference == {"publisher": "Debian", "offer": "debian-11", "sku": "11-gen2", "version": "0.20240101.1"}


def test_managed_disk_sku_mapping():
    sizes = catalog.load("azure")
    assert managed_disk_sku("ssd", sizes.get("Standard_D2as_v5", "eastus")) == "Premium_LRS"
    assert managed_disk_sku("ssd", sizes.get("Standard_D2_v5", "eastus")) == "StandardSSD_LRS"
    assert managed_disk_sku("standard", sizes.get("Standard_D2as_v5", "eastus")) == "Standard_LRS"


def test_security_rules_for_icmp(ssh_key):
    spec = validate(
        "vm",
        {"cloud": "azure", "ssh_public_key": ssh_key, "ingress": [{"protocol": "icmp", "sources": ["10.0.0.0/8"]}]},
        CloudDefaults(region="eastus"),
    )
    rule, *isolation = security_rules(spec.ingress)
    assert (rule["protocol"], rule["destination_port_range"], rule["name"]) == ("Icmp", "*", "allow-icmp-any-0")
    assert [r["name"] for r in isolation] == ["allow-azure-load-balancer", "deny-virtual-network-inbound"]
