"""The policy corpus, continued: Azure through the classic azure provider (azurerm's shapes). One
insecure and one secure shape per checked type (see tests/support/policy_corpus.py), written with that
SDK's own classes, plus the bypasses and false positives the issue found through it (SSH opened by a
classic NSG rule, a classic Linux VM with a password, a SQL Server image on Windows)."""

from __future__ import annotations

import base64

import pulumi
import pulumi_azure as azure_classic

from tests.support.policy_corpus import OWNER, SSH_KEY, UNPRICED, Case, Shape

ADMIN = "admin-ports-open-to-internet"

# --- the classic azure provider ---------------------------------------------------------------------

CLASSIC_UBUNTU = {"publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"}
CLASSIC_EVIL = {"publisher": "SomeVendor", "offer": "linux-box", "sku": "1", "version": "latest"}
CLASSIC_WINDOWS = {
    "publisher": "MicrosoftWindowsServer",
    "offer": "WindowsServer",
    "sku": "2022-datacenter",
    "version": "latest",
}
OS_DISK = {"caching": "ReadWrite", "storage_account_type": "Standard_LRS"}
SECRET_CUSTOM_DATA = base64.b64encode(b"#cloud-config\npassword: Sup3rS3cretPw\n").decode()


def classic_rule(name, source, priority=100, access="Allow"):
    return {
        "name": name,
        "priority": priority,
        "direction": "Inbound",
        "access": access,
        "protocol": "Tcp",
        "source_port_range": "*",
        "destination_port_range": "22",
        "source_address_prefix": source,
        "destination_address_prefix": "*",
    }


def classic_policy_group(name, good):
    """The SDK class fails to register its nat_rule_collections under Pulumi's mocks (pulumi-azure 6.40.1
    with pulumi 3.272: "Expected 'list' got str"), so the resource is registered by its token with the
    properties the engine would send."""
    rule = {
        "name": "rdp",
        "protocols": ["TCP"],
        "sourceAddresses": ["*"],
        "destinationAddress": "20.1.2.3",
        "destinationPorts": ["3390"],
        "translatedAddress": "10.0.0.4",
        "translatedPort": 443 if good else 3389,
    }
    props = {
        "firewallPolicyId": "/policies/1",
        "priority": 100,
        "natRuleCollections": [{"name": "dnat", "priority": 100, "action": "Dnat", "rules": [rule]}],
    }
    return pulumi.CustomResource(
        "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup", name, props
    )


def classic_common(good):
    return {
        "resource_group_name": "rg",
        "location": "eastus" if good else "westeurope",
        "tags": OWNER if good else None,
        "custom_data": None if good else SECRET_CUSTOM_DATA,
    }


def classic_linux_vm(name, good):
    login = (
        {"disable_password_authentication": True, "admin_ssh_keys": [{"username": "u", "public_key": SSH_KEY}]}
        if good
        else {"disable_password_authentication": False, "admin_password": "Passw0rd!Passw0rd!"}
    )
    return azure_classic.compute.LinuxVirtualMachine(
        name,
        size="Standard_B2s" if good else UNPRICED["azure"],
        admin_username="u",
        network_interface_ids=["/nics/1"],
        os_disk=OS_DISK,
        source_image_reference=CLASSIC_UBUNTU if good else CLASSIC_EVIL,
        **login,
        **classic_common(good),
    )


def classic_windows_vm(name, good):
    return azure_classic.compute.WindowsVirtualMachine(
        name,
        size="Standard_D2s_v5" if good else UNPRICED["azure"],
        admin_username="u",
        admin_password="Passw0rd!Passw0rd!",
        network_interface_ids=["/nics/1"],
        os_disk=OS_DISK,
        source_image_reference=CLASSIC_WINDOWS if good else {**CLASSIC_EVIL, "offer": "windows-box"},
        **classic_common(good),
    )


def classic_nics(good):
    ip = {"name": "ip", "primary": True, "subnet_id": "/subnets/1"}
    if not good:
        ip["public_ip_addresses"] = [{"name": "pip"}]
    return [{"name": "nic", "primary": True, "ip_configurations": [ip]}]


def classic_linux_vmss(name, good):
    login = (
        {"admin_ssh_keys": [{"username": "u", "public_key": SSH_KEY}]}
        if good
        else {"disable_password_authentication": False, "admin_password": "Passw0rd!Passw0rd!"}
    )
    return azure_classic.compute.LinuxVirtualMachineScaleSet(
        name,
        sku="Standard_B1s" if good else UNPRICED["azure"],
        instances=2,
        admin_username="u",
        network_interfaces=classic_nics(good),
        os_disk=OS_DISK,
        source_image_reference=CLASSIC_UBUNTU if good else CLASSIC_EVIL,
        **login,
        **classic_common(good),
    )


def classic_windows_vmss(name, good):
    return azure_classic.compute.WindowsVirtualMachineScaleSet(
        name,
        sku="Standard_D2s_v5" if good else UNPRICED["azure"],
        instances=1,
        admin_username="u",
        admin_password="Passw0rd!Passw0rd!",
        network_interfaces=classic_nics(good),
        os_disk=OS_DISK,
        source_image_reference=CLASSIC_WINDOWS if good else {**CLASSIC_EVIL, "offer": "windows-box"},
        **classic_common(good),
    )


def classic_flex_vmss(name, good):
    linux = (
        {"admin_username": "u", "admin_ssh_keys": [{"username": "u", "public_key": SSH_KEY}]}
        if good
        else {"admin_username": "u", "admin_password": "Passw0rd!Passw0rd!", "disable_password_authentication": False}
    )
    common = classic_common(good)
    return azure_classic.compute.OrchestratedVirtualMachineScaleSet(
        name,
        platform_fault_domain_count=1,
        sku_name="Standard_B1s" if good else UNPRICED["azure"],
        instances=2,
        network_interfaces=classic_nics(good),
        os_profile={"linux_configuration": linux, "custom_data": common.pop("custom_data")},
        source_image_reference=CLASSIC_UBUNTU if good else CLASSIC_EVIL,
        **common,
    )


def classic_legacy_vm(name, good):
    common = classic_common(good)
    return azure_classic.compute.VirtualMachine(
        name,
        vm_size="Standard_B2s" if good else UNPRICED["azure"],
        network_interface_ids=["/nics/1"],
        storage_os_disk={"name": "os", "create_option": "FromImage"},
        storage_image_reference=CLASSIC_UBUNTU if good else CLASSIC_EVIL,
        os_profile={
            "admin_username": "u",
            "computer_name": "vm",
            "custom_data": common.pop("custom_data"),
            **({} if good else {"admin_password": "Passw0rd!Passw0rd!"}),
        },
        os_profile_linux_config={"disable_password_authentication": good},
        **common,
    )


def classic_legacy_vmss(name, good):
    common = classic_common(good)
    return azure_classic.compute.ScaleSet(
        name,
        sku={"name": "Standard_B1s" if good else UNPRICED["azure"], "capacity": 2},
        upgrade_policy_mode="Manual",
        network_profiles=[
            {
                "name": "nic",
                "primary": True,
                "ip_configurations": [
                    {
                        "name": "ip",
                        "primary": True,
                        "subnet_id": "/subnets/1",
                        **(
                            {}
                            if good
                            else {
                                "public_ip_address_configuration": {
                                    "name": "pip",
                                    "idle_timeout": 4,
                                    "domain_name_label": "vm",
                                }
                            }
                        ),
                    }
                ],
            }
        ],
        storage_profile_os_disk={"create_option": "FromImage"},
        storage_profile_image_reference=CLASSIC_UBUNTU if good else CLASSIC_EVIL,
        os_profile={
            "admin_username": "u",
            "computer_name_prefix": "vm",
            "custom_data": common.pop("custom_data"),
            **({} if good else {"admin_password": "Passw0rd!Passw0rd!"}),
        },
        os_profile_linux_config={"disable_password_authentication": good},
        **common,
    )


def classic_aks(name, good):
    return azure_classic.containerservice.KubernetesCluster(
        name,
        resource_group_name="rg",
        location="eastus" if good else "westeurope",
        dns_prefix="aks",
        default_node_pool={
            "name": "system",
            "vm_size": "Standard_B2s" if good else UNPRICED["azure"],
            "node_count": 2,
            "node_public_ip_enabled": not good,
        },
        tags=OWNER if good else None,
    )


SHAPES = [
    Shape(
        "azure:network/networkSecurityGroup:NetworkSecurityGroup",
        lambda n, good: azure_classic.network.NetworkSecurityGroup(
            n, resource_group_name="rg", security_rules=[classic_rule("ssh", "10.0.0.0/8" if good else "Internet")]
        ),
    ),
    Shape(
        "azure:network/networkSecurityRule:NetworkSecurityRule",
        lambda n, good: azure_classic.network.NetworkSecurityRule(
            n,
            resource_group_name="rg",
            network_security_group_name="nsg",
            **{k: v for k, v in classic_rule("ssh", "VirtualNetwork" if good else "*").items() if k != "name"},
        ),
    ),
    Shape(
        "azure:network/networkManagerAdminRule:NetworkManagerAdminRule",
        lambda n, good: azure_classic.network.NetworkManagerAdminRule(
            n,
            admin_rule_collection_id="/collections/1",
            action="Allow" if good else "AlwaysAllow",
            direction="Inbound",
            priority=10,
            protocol="Tcp",
            sources=[{"address_prefix": "Internet", "address_prefix_type": "ServiceTag"}],
            destination_port_ranges=["22"],
        ),
    ),
    Shape(
        "azure:network/firewallNatRuleCollection:FirewallNatRuleCollection",
        lambda n, good: azure_classic.network.FirewallNatRuleCollection(
            n,
            azure_firewall_name="fw",
            resource_group_name="rg",
            priority=100,
            action="Dnat",
            rules=[
                {
                    "name": "ssh",
                    "protocols": ["TCP"],
                    "source_addresses": ["203.0.113.0/24" if good else "*"],
                    "destination_addresses": ["20.1.2.3"],
                    "destination_ports": ["2222"],
                    "translated_address": "10.0.0.4",
                    "translated_port": "22",
                }
            ],
        ),
    ),
    Shape("azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup", classic_policy_group),
    Shape("azure:compute/linuxVirtualMachine:LinuxVirtualMachine", classic_linux_vm),
    Shape("azure:compute/windowsVirtualMachine:WindowsVirtualMachine", classic_windows_vm),
    Shape("azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet", classic_linux_vmss),
    Shape("azure:compute/windowsVirtualMachineScaleSet:WindowsVirtualMachineScaleSet", classic_windows_vmss),
    Shape("azure:compute/orchestratedVirtualMachineScaleSet:OrchestratedVirtualMachineScaleSet", classic_flex_vmss),
    Shape("azure:compute/virtualMachine:VirtualMachine", classic_legacy_vm),
    Shape("azure:compute/scaleSet:ScaleSet", classic_legacy_vmss),
    # A public IP address is flagged whatever it is for (advisory), as on azure-native.
    Shape(
        "azure:network/publicIp:PublicIp",
        lambda n, good: azure_classic.network.PublicIp(n, resource_group_name="rg", allocation_method="Static"),
        secure=False,
    ),
    Shape(
        "azure:network/networkInterface:NetworkInterface",
        lambda n, good: azure_classic.network.NetworkInterface(
            n,
            resource_group_name="rg",
            ip_configurations=[
                {
                    "name": "ip",
                    "private_ip_address_allocation": "Dynamic",
                    **({} if good else {"public_ip_address_id": "/pips/1"}),
                }
            ],
        ),
    ),
    Shape(
        "azure:compute/managedDisk:ManagedDisk",
        lambda n, good: azure_classic.compute.ManagedDisk(
            n,
            resource_group_name="rg",
            location="eastus" if good else "westeurope",
            create_option="Empty",
            storage_account_type="Standard_LRS",
            disk_size_gb=8,
            tags=OWNER if good else None,
        ),
    ),
    Shape(
        "azure:compute/capacityReservation:CapacityReservation",
        lambda n, good: azure_classic.compute.CapacityReservation(
            n,
            capacity_reservation_group_id="/groups/1",
            sku={"name": "Standard_B1s" if good else UNPRICED["azure"], "capacity": 1},
        ),
    ),
    Shape(
        "azure:compute/dedicatedHost:DedicatedHost",
        lambda n, good: azure_classic.compute.DedicatedHost(
            n,
            dedicated_host_group_id="/hostGroups/1",
            location="eastus" if good else "westeurope",
            platform_fault_domain=0,
            sku_name="DSv3-Type1",
        ),
    ),
    Shape("azure:containerservice/kubernetesCluster:KubernetesCluster", classic_aks),
    Shape(
        "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
        lambda n, good: azure_classic.containerservice.KubernetesClusterNodePool(
            n,
            kubernetes_cluster_id="/clusters/1",
            vm_size="Standard_B2s" if good else UNPRICED["azure"],
            node_count=2,
            node_public_ip_enabled=not good,
            tags=OWNER if good else None,
        ),
    ),
]


# The bypasses and false positives the issue found through this provider, as cases.
CASES = [
    Case(
        ADMIN,
        "azc-rule-deny-first",
        False,
        lambda n: azure_classic.network.NetworkSecurityGroup(
            n,
            resource_group_name="rg",
            security_rules=[classic_rule("no", "Internet", 100, "Deny"), classic_rule("ssh", "*", 200)],
        ),
    ),
    Case(
        "azure-linux-password-login",
        "azc-linux-password",
        True,
        lambda n: azure_classic.compute.LinuxVirtualMachine(
            n,
            resource_group_name="rg",
            size="Standard_B2s",
            admin_username="u",
            admin_password="Passw0rd!Passw0rd!",
            disable_password_authentication=False,
            network_interface_ids=["/nics/1"],
            os_disk=OS_DISK,
            source_image_reference=CLASSIC_UBUNTU,
            tags=OWNER,
        ),
    ),
    Case(
        "azure-linux-password-login",
        "azc-sql-windows-image",
        False,
        lambda n: azure_classic.compute.VirtualMachine(
            n,
            resource_group_name="rg",
            vm_size="Standard_D2s_v5",
            network_interface_ids=["/nics/1"],
            storage_os_disk={"name": "os", "create_option": "FromImage"},
            storage_image_reference={
                "publisher": "MicrosoftSQLServer",
                "offer": "sql2022-ws2022",
                "sku": "standard-gen2",
                "version": "latest",
            },
            os_profile={"admin_username": "u", "computer_name": "vm", "admin_password": "Passw0rd!Passw0rd!"},
            tags=OWNER,
        ),
    ),
]
