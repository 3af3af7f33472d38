"""Azure (azure-native): which resource types each rule checks, how, and which it leaves out and why.

Types are registered in their default-version form (``azure-native:compute:VirtualMachine``); the
pack folds the versioned forms the engine may send (``azure-native:compute/v20240701:...``) into it.
A scale set's VMs are described by ``virtualMachineProfile`` and a Compute Fleet's by
``computeProfile.baseVirtualMachineProfile``: the VM checks are pointed at those parts.
"""

from __future__ import annotations

from . import capacity, disks, fleets, identity, network, network_other, public_ip
from .exclusions import Exclusion, NotJudged
from .placement import allowed_image, check_allowed_region, read_azure_disk_image, read_azure_profile_image
from .secrets_in_data import user_data_check
from .tags import check_required_tags
from .values import at_path

VM = "azure-native:compute:VirtualMachine"
SCALE_SET = "azure-native:compute:VirtualMachineScaleSet"
FLEET = "azure-native:azurefleet:Fleet"
DISK = "azure-native:compute:Disk"
SNAPSHOT = "azure-native:compute:Snapshot"
RESERVATION = "azure-native:compute:CapacityReservation"
HOST = "azure-native:compute:DedicatedHost"
AGENT_POOL = "azure-native:containerservice:AgentPool"
CLUSTER = "azure-native:containerservice:ManagedCluster"
SCALE_SET_PROFILE = ("virtualMachineProfile",)
FLEET_PROFILE = ("computeProfile", "baseVirtualMachineProfile")


def on_profiles(check):
    """The check on a VM, a scale set's VM profile and a fleet's base VM profile."""
    return {VM: check, SCALE_SET: at_path(SCALE_SET_PROFILE, check), FLEET: at_path(FLEET_PROFILE, check)}


FLEETS = {
    VM: fleets.azure_vm,
    SCALE_SET: fleets.azure_scale_set,
    FLEET: fleets.azure_compute_fleet,
    RESERVATION: capacity.azure_capacity_reservation,
    HOST: capacity.azure_dedicated_host,
    AGENT_POOL: capacity.azure_agent_pool,
    CLUSTER: capacity.azure_managed_cluster,
}
BUDGET_ONLY = (RESERVATION, HOST)

CHECKS = {
    "admin-ports-open-to-internet": {
        "azure-native:network:NetworkSecurityGroup": network.check_azure_nsg,
        "azure-native:network:SecurityRule": network.check_azure_security_rule,
        "azure-native:network:AdminRule": network.check_azure_admin_rule,
        "azure-native:network:FirewallPolicyRuleCollectionGroup": network.check_azure_firewall_policy_rules,
        "azure-native:network:AzureFirewall": network.check_azure_firewall,
        "azure-native:network:SecurityUserRule": network_other.check_azure_security_user_rule,
        "azure-native:network:UserRule": network_other.check_azure_security_user_rule,
    },
    "disk-encryption-required": {DISK: disks.check_azure_disk, SNAPSHOT: disks.check_azure_disk},
    "azure-linux-password-login": on_profiles(identity.check_azure_password_login),
    "public-ip-on-vm": {
        **on_profiles(public_ip.check_azure_profile_public_ip),
        "azure-native:network:PublicIPAddress": public_ip.check_azure_public_ip_address,
        "azure-native:network:NetworkInterface": public_ip.check_azure_nic_public_ip,
        AGENT_POOL: public_ip.check_aks_node_public_ip,
        CLUSTER: public_ip.check_aks_node_public_ip,
    },
    "required-tags": dict.fromkeys((VM, SCALE_SET, FLEET, DISK, AGENT_POOL, CLUSTER), check_required_tags),
    "allowed-regions": dict.fromkeys((VM, SCALE_SET, FLEET, DISK, RESERVATION, HOST, CLUSTER), check_allowed_region),
    "allowed-images": {
        **on_profiles(allowed_image(read_azure_profile_image)),
        DISK: allowed_image(read_azure_disk_image),
    },
    "no-secrets-in-user-data": on_profiles(user_data_check(("osProfile", "customData"), ("userData",))),
}

CAPACITY_REASON = (
    "capacity or a host, not a VM: it holds no disk, image, login, user data or address (VMs placed in it are "
    "judged themselves); the budget counts it"
)
CAPACITY_RULES = (
    "disk-encryption-required",
    "azure-linux-password-login",
    "public-ip-on-vm",
    "allowed-images",
    "no-secrets-in-user-data",
    "required-tags",
)

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
    Exclusion(f"{RESERVATION}|{HOST}", CAPACITY_REASON, CAPACITY_RULES),
    Exclusion(
        f"{RESERVATION}|{HOST}",
        "not one VM the ceiling could judge (reserved capacity, less the VMs running in it, or a host): the stack "
        "budget counts it",
        ("vm-hourly-price-ceiling",),
    ),
    Exclusion(
        r"azure-native:compute:(CapacityReservationGroup|DedicatedHostGroup)"
        r"|azure-native:machinelearningservices:CapacityReservationGroup",
        "a group of reservations or hosts: holds no capacity itself (its reservations and hosts are counted)",
    ),
    Exclusion(
        f"{AGENT_POOL}|{CLUSTER}",
        "AKS nodes: managed disks are always encrypted at rest, Linux nodes log in with SSH keys only "
        "(linuxProfile), AKS picks the node image for osSKU, and nodes take no custom data",
        ("disk-encryption-required", "azure-linux-password-login", "allowed-images", "no-secrets-in-user-data"),
    ),
    Exclusion(AGENT_POOL, "an agent pool is placed in its cluster's location (judged there)", ("allowed-regions",)),
    Exclusion(
        r"azure-native:compute:(DiskAccess|DiskAccessAPrivateEndpointConnection|DiskEncryptionSet)",
        "access and key settings for disks: hold no disk data",
    ),
    Exclusion(
        r"azure-native:compute:(Image|GalleryImage|GalleryImageVersion)|azure-native:virtualmachineimages:.*"
        r"|azure-native:(azuresphere|testbase|kusto|devtestlab|azurestackhci):\w*Image\w*",
        "defines or builds an image: a VM is judged by the image reference it boots",
    ),
    NotJudged(
        r"azure-native:standbypool:StandbyVirtualMachinePool",
        "keeps pre-created VMs for a scale set (the scale set is checked); the pool's standby VMs are not priced",
        ("vm-hourly-price-ceiling", "vm-price-unknown", "stack-monthly-budget"),
    ),
    Exclusion(
        r"azure-native:standbypool:StandbyVirtualMachinePool",
        "its VMs are the scale set's (checked): the pool holds no image, login, address or user data of its own",
    ),
    NotJudged(
        r"azure-native:devtestlab:(VirtualMachine|VirtualMachineSchedule|Disk|Formula|CustomImage)",
        "DevTest Labs VMs and disks are governed by the lab's own policies (allowed sizes, public IPs, images, "
        "auto-shutdown), which this pack does not model",
    ),
    Exclusion(
        r"azure-native:devtestlab:.*",
        "settings of a DevTest Lab (schedules, secrets, users, policies): runs or opens nothing itself",
    ),
    NotJudged(
        r"azure-native:workloads:(SapVirtualInstance|SapApplicationServerInstance|SapCentralServerInstance"
        r"|SapDatabaseInstance)|azure-native:scom:Instance",
        "SAP on Azure and SCOM managed instances deploy VMs sized and configured by the service, which no rule of "
        "this pack judges",
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
        r"azure-native:containerservice:(?!AgentPool$|ManagedCluster$)\w+"
        r"|azure-native:(containerregistry|containerinstance|appplatform|hybridcontainerservice):.*",
        "Kubernetes fleets, container registries, container instances and Spring apps: containers on compute "
        "the service runs and bills per use, or settings for it; AKS node pools are judged and counted",
    ),
    NotJudged(
        r"azure-native:discovery:NodePool",
        "Microsoft Discovery node pools run VMs the service sizes and bills; not judged or priced by this pack",
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
    Exclusion(
        f"{DISK}|{SNAPSHOT}",
        "a disk or snapshot (an image it is made from is judged by allowed-images): runs no VM",
        (
            "azure-linux-password-login",
            "public-ip-on-vm",
            "vm-hourly-price-ceiling",
            "vm-price-unknown",
            "stack-monthly-budget",
            "no-secrets-in-user-data",
        ),
    ),
    Exclusion(
        r"azure-native:compute:ProximityPlacementGroup|azure-native:computebulkactions:\w+"
        r"|azure-native:devcenter:DevBoxDefinition|azure-native:desktopvirtualization:AppAttachPackage"
        r"|azure-native:hybridnetwork:VendorSkus|azure-native:azuresphere:Deployment",
        "a placement constraint, a bulk operation on VMs (which are their own resources), a definition or a "
        "package for VMs another service creates on demand, or an IoT deployment: runs no VM of its own",
    ),
    Exclusion(
        r"azure-native:network:(Subnet|VirtualNetwork|NetworkInterface|NetworkProfile|PrivateEndpoint"
        r"|PrivateLinkService|InterfaceEndpoint|VirtualHubIpConfiguration|VirtualNetworkAppliance|ServiceGateway)",
        "refers to a network security group by its id (the reference's type lists securityRules, but ARM takes "
        "only the id): the rules live on the NSG and its SecurityRule resources, which are checked",
        ("admin-ports-open-to-internet",),
    ),
    Exclusion(
        r"azure-native:network:(LoadBalancer|DscpConfiguration|NetworkInterfaceTapConfiguration|VirtualNetworkTap"
        r"|ReachabilityAnalysisIntent|InterconnectGroup)",
        "a load balancer forwards to VMs whose NSG still decides who reaches them (a Standard load balancer "
        "admits nothing without an NSG Allow, which is checked); QoS, traffic taps, reachability analysis and "
        "interconnect groups admit nothing",
    ),
    Exclusion(
        r"azure-native:(app|datareplication|cognitiveservices|apimanagement):.*"
        r"|azure-native:recoveryservices:(Vault|Replication\w*)"
        r"|azure-native:machinelearningservices:(Workspace|EnvironmentVersion|RegistryEnvironmentVersion"
        r"|FeaturesetVersion|Job|Schedule)",
        "containers, jobs or settings a service runs and bills per use (Container Apps, ML jobs and environments), "
        "disaster-recovery replication (replica VMs exist only after a failover the service performs), or a "
        "service's own address and storage: no VM the stack keeps running",
    ),
    NotJudged(
        r"azure-native:batch:Pool|azure-native:hdinsight:(Cluster|Application)|azure-native:labservices:Lab"
        r"|azure-native:machinelearningservices:(Compute|BatchDeployment|OnlineDeployment)"
        r"|azure-native:redhatopenshift:OpenShiftCluster|azure-native:servicefabric:(ManagedCluster|NodeType)",
        "VMs another service runs in the subscription and bills by the hour (Batch pools, HDInsight, Lab Services, "
        "Azure ML compute and endpoints, Azure Red Hat OpenShift, Service Fabric node types): the service picks "
        "their images, logins and network rules, and prices them per service, so no rule of this pack judges them",
    ),
)
