"""Azure (azure-native): which resource types each rule checks, how, and which it leaves out and why.

Types are registered in their default-version form (``azure-native:compute:VirtualMachine``); the
pack folds the versioned forms the engine may send (``azure-native:compute/v20240701:...``) into it.
A scale set's VMs are described by ``virtualMachineProfile`` and a Compute Fleet's by
``computeProfile.baseVirtualMachineProfile``: the VM checks are pointed at those parts.
"""

from __future__ import annotations

from . import disks, fleets, identity, network, public_ip
from .placement import allowed_image, check_allowed_region, read_azure_disk_image, read_azure_profile_image
from .tags import check_required_tags
from .type_coverage import Exclusion
from .values import at_path

VM = "azure-native:compute:VirtualMachine"
SCALE_SET = "azure-native:compute:VirtualMachineScaleSet"
FLEET = "azure-native:azurefleet:Fleet"
DISK = "azure-native:compute:Disk"
SNAPSHOT = "azure-native:compute:Snapshot"
SCALE_SET_PROFILE = ("virtualMachineProfile",)
FLEET_PROFILE = ("computeProfile", "baseVirtualMachineProfile")


def on_profiles(check):
    """The check on a VM, a scale set's VM profile and a fleet's base VM profile."""
    return {VM: check, SCALE_SET: at_path(SCALE_SET_PROFILE, check), FLEET: at_path(FLEET_PROFILE, check)}


FLEETS = {VM: fleets.azure_vm, SCALE_SET: fleets.azure_scale_set, FLEET: fleets.azure_compute_fleet}

CHECKS = {
    "admin-ports-open-to-internet": {
        "azure-native:network:NetworkSecurityGroup": network.check_azure_nsg,
        "azure-native:network:SecurityRule": network.check_azure_security_rule,
        "azure-native:network:AdminRule": network.check_azure_admin_rule,
        "azure-native:network:FirewallPolicyRuleCollectionGroup": network.check_azure_firewall_policy_rules,
        "azure-native:network:AzureFirewall": network.check_azure_firewall,
    },
    "disk-encryption-required": {DISK: disks.check_azure_disk, SNAPSHOT: disks.check_azure_disk},
    "azure-linux-password-login": on_profiles(identity.check_azure_password_login),
    "public-ip-on-vm": {
        **on_profiles(public_ip.check_azure_profile_public_ip),
        "azure-native:network:PublicIPAddress": public_ip.check_azure_public_ip_address,
        "azure-native:network:NetworkInterface": public_ip.check_azure_nic_public_ip,
    },
    "required-tags": dict.fromkeys((VM, SCALE_SET, FLEET, DISK), check_required_tags),
    "allowed-regions": dict.fromkeys((VM, SCALE_SET, FLEET, DISK), check_allowed_region),
    "allowed-images": {
        **on_profiles(allowed_image(read_azure_profile_image)),
        DISK: allowed_image(read_azure_disk_image),
    },
}

EXCLUDED = (
    Exclusion(
        f"{VM}|{SCALE_SET}|{FLEET}",
        "managed disks are always encrypted at rest (platform keys by default); no VM property turns that off",
        ("disk-encryption-required",),
    ),
    Exclusion(
        SNAPSHOT,
        "a snapshot is a copy of a disk, not a disk a VM runs on (its encryption is checked)",
        ("required-tags", "allowed-regions", "allowed-images"),
    ),
    Exclusion(
        r"azure-native:compute:VirtualMachineScaleSetVM",
        "a member of a uniform scale set: its size, image, login and network come from the scale set, which is "
        "checked (and counted by its capacity)",
    ),
    Exclusion(
        r"azure-native:compute:(VirtualMachine|VirtualMachineScaleSet|VirtualMachineScaleSetVM)(Extension|RunCommand"
        r"|RunCommandByVirtualMachine)|azure-native:sqlvirtualmachine:.*",
        "runs software or settings on an existing VM, which is checked itself",
    ),
    Exclusion(
        r"azure-native:compute:(CapacityReservation|CapacityReservationGroup|DedicatedHost|DedicatedHostGroup)"
        r"|azure-native:machinelearningservices:CapacityReservationGroup",
        "capacity or hosts, not VMs: VMs placed in them are checked and counted themselves (a reservation "
        "billed while unused, or a host's own price, is not counted)",
    ),
    Exclusion(
        r"azure-native:compute:(DiskAccess|DiskAccessAPrivateEndpointConnection|DiskEncryptionSet)",
        "access and key settings for disks: hold no disk data",
    ),
    Exclusion(
        r"azure-native:compute:(Image|GalleryImage|GalleryImageVersion)|azure-native:virtualmachineimages:.*"
        r"|azure-native:(azuresphere|testbase|kusto|devtestlab|azurestackhci):\w*Image\w*",
        "defines or builds an image: a VM is judged by the image reference it boots",
    ),
    Exclusion(
        r"azure-native:standbypool:StandbyVirtualMachinePool",
        "keeps pre-created VMs for a scale set (checked); the pool's standby VMs are not priced (a known gap)",
    ),
    Exclusion(
        r"azure-native:devtestlab:.*",
        "DevTest Labs VMs and disks are governed by the lab's own policies (allowed sizes, public IPs, images, "
        "auto-shutdown); this pack does not model labs",
    ),
    Exclusion(
        r"azure-native:(azurestackhci|scvmm|connectedvmwarevsphere|networkcloud|vmwarecloudsimple|avs"
        r"|managednetworkfabric):.*",
        "VMs, disks and networks on customers' own or dedicated hardware (Azure Stack HCI, Arc-enabled "
        "SCVMM/vSphere, Operator Nexus and its network fabric, VMware): not billed per VM-hour and not on the internet-facing Azure "
        "network",
    ),
    Exclusion(
        r"azure-native:(baremetalinfrastructure|azurelargeinstance):.*",
        "bare-metal servers Microsoft provisions on request: no size, image or port the stack sets",
    ),
    Exclusion(
        r"azure-native:awsconnector:.*",
        "AWS Connector: a read-only inventory of AWS resources projected into Azure; creates nothing",
    ),
    Exclusion(
        r"azure-native:(containerservice|containerregistry|containerinstance|appplatform|discovery|hybridcontainerservice):.*",
        "Kubernetes and container platforms: node pools are governed by the cluster service; not priced by this pack",
    ),
    Exclusion(
        r"azure-native:(sql|dbformysql|dbforpostgresql|dbformariadb|redis|mongocluster|cosmosdb|synapse"
        r"|datalakeanalytics|datalakestore|horizondb|databasefleetmanager|azurearcdata|datamigration):.*",
        "a managed data service (its firewall rules admit clients to that service): no VM of the stack's own",
    ),
    Exclusion(
        r"azure-native:(elasticsan|netapp|containerstorage|servicefabricmesh|storagepool|fileshares):.*",
        "a storage service's volumes and snapshots, encrypted and placed by the service: not VM disks",
    ),
    Exclusion(
        r"azure-native:(deviceupdate|edge|iotoperations\w*|scom|weightsandbiases|workloads|web|migrate"
        r"|dataprotection|dynamics365fraudprotection|delegatednetwork):.*",
        "another service's instance (IoT, SAP, monitoring, backup, migration, web apps): no VM the stack sizes",
    ),
    Exclusion(
        r"azure-native:network:PublicIPPrefix",
        "reserves a range of addresses: an address reaches a VM only through a public IP address or NIC, "
        "which are checked",
    ),
    Exclusion(
        r"azure-native:network:(InboundNatRule|NatRule|VirtualNetworkGatewayNatRule)",
        "load balancer NAT rules forward a port to a VM whose NSG still decides who reaches it (a Standard "
        "load balancer admits nothing without an NSG Allow, which is checked); gateway NAT rules translate "
        "VPN address spaces",
    ),
    Exclusion(
        r"azure-native:network:(FirewallPolicy|FirewallPolicyDraft|FirewallPolicyRuleCollectionGroupDraft"
        r"|FirewallPolicyRuleGroup|AdminRuleCollection|ApplicationSecurityGroup)",
        "a container or draft: the rules that admit traffic are separate resources (rule collection groups, "
        "admin rules, NSG rules), which are checked; drafts apply only when deployed",
    ),
    Exclusion(
        r"azure-native:network:DefaultAdminRule",
        "Azure's predefined security admin rules (Deny or Allow for well-known risky ports, never AlwaysAllow "
        "SSH/RDP from the internet)",
    ),
    Exclusion(
        r"azure-native:network:WebApplicationFirewallPolicy|azure-native:cloudngfw:.*"
        r"|azure-native:security:DeviceSecurityGroup|azure-native:dnsresolver:.*",
        "HTTP(S) rules for gateways, a partner firewall whose rules live in the vendor's rulestack, IoT device "
        "groups or DNS rules: no SSH/RDP admission the pack can read",
    ),
)
