"""Azure through the classic ``azure`` provider (pulumi-azure, the Terraform azurerm shapes): which
resource types each rule checks, how, and which it leaves out and why.

Its VMs are split by OS (``LinuxVirtualMachine``, ``WindowsVirtualMachine`` and their scale sets)
with flat properties (``size``, ``adminPassword``, ``disablePasswordAuthentication``,
``sourceImageReference``), beside the legacy ``VirtualMachine`` and ``ScaleSet`` and the flexible
``OrchestratedVirtualMachineScaleSet``; NSG rules have azure-native's field names, so the NSG
readers are shared.
"""

from __future__ import annotations

from typing import Any

from . import capacity, fleets, network, network_other
from .azure_types import CAPACITY_REASON, CAPACITY_RULES
from .exclusions import Exclusion, NotJudged
from .os_family import azure_classic_windows
from .placement import allowed_image, azure_image_names, check_allowed_region
from .public_ip import FIX as PUBLIC_FIX
from .secrets_in_data import user_data_check
from .tags import check_required_tags
from .values import UNKNOWN, Context, as_dict, as_list, dig, is_true, lower, show

LINUX_VM = "azure:compute/linuxVirtualMachine:LinuxVirtualMachine"
WINDOWS_VM = "azure:compute/windowsVirtualMachine:WindowsVirtualMachine"
LINUX_VMSS = "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet"
WINDOWS_VMSS = "azure:compute/windowsVirtualMachineScaleSet:WindowsVirtualMachineScaleSet"
FLEX_VMSS = "azure:compute/orchestratedVirtualMachineScaleSet:OrchestratedVirtualMachineScaleSet"
LEGACY_VM = "azure:compute/virtualMachine:VirtualMachine"
LEGACY_VMSS = "azure:compute/scaleSet:ScaleSet"
DISK = "azure:compute/managedDisk:ManagedDisk"
RESERVATION = "azure:compute/capacityReservation:CapacityReservation"
HOST = "azure:compute/dedicatedHost:DedicatedHost"
AKS = "azure:containerservice/kubernetesCluster:KubernetesCluster"
AKS_POOL = "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool"
VMS = (LINUX_VM, WINDOWS_VM, LINUX_VMSS, WINDOWS_VMSS, FLEX_VMSS, LEGACY_VM, LEGACY_VMSS)


# --- Linux password login ------------------------------------------------------------------------


def _password_message(ctx: Context, name: str, where: str, disabled: Any, password: bool) -> list[str]:
    return [
        f"{ctx.subject(name)}: Linux VM allows password login ({ctx.at(where)}={show(disabled)}"
        f"{', with an adminPassword' if password else ''}). Fix: set {where}: true, add an SSH key "
        f"(adminSshKeys) and drop adminPassword."
    ]


def check_password_login(name: str, props: dict, ctx: Context) -> list[str]:
    """LinuxVirtualMachine(ScaleSet): disablePasswordAuthentication defaults to true, and an
    adminPassword requires it false; the orchestrated scale set nests both under
    osProfile.linuxConfiguration; the legacy VirtualMachine and ScaleSet under osProfileLinuxConfig
    (password in osProfile.adminPassword). A Windows image is not Linux."""
    if azure_classic_windows(props):
        return []
    linux = dig(props, "osProfile", "linuxConfiguration")
    if isinstance(linux, dict):
        disabled, password, where = (
            linux.get("disablePasswordAuthentication"),
            linux.get("adminPassword"),
            ("osProfile.linuxConfiguration.disablePasswordAuthentication"),
        )
    elif "osProfileLinuxConfig" in props or ctx.resource_type in (LEGACY_VM, LEGACY_VMSS):
        linux = as_dict(props.get("osProfileLinuxConfig"))
        if not linux and props.get("osProfileLinuxConfig") is not None:
            return []  # unknown until apply
        disabled, password = linux.get("disablePasswordAuthentication"), dig(props, "osProfile", "adminPassword")
        where = "osProfileLinuxConfig.disablePasswordAuthentication"
        if not linux and password is None:
            return []  # neither Linux configuration nor password: nothing says how it logs in
    else:
        disabled, password = props.get("disablePasswordAuthentication"), props.get("adminPassword")
        where = "disablePasswordAuthentication"
        if ctx.resource_type not in (LINUX_VM, LINUX_VMSS):
            return []
    if disabled is UNKNOWN:
        return []
    if disabled is False or lower(disabled) == "false" or password is not None:
        return _password_message(ctx, name, where, disabled, password is not None)
    return []


# --- Public addresses, images, pricing ------------------------------------------------------------


def check_nic_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    return [
        f"{ctx.subject(name)}: ipConfigurations[{i}] attaches a public IP (publicIpAddressId="
        f"{show(dig(cfg, 'publicIpAddressId'))}). Fix: remove it and {PUBLIC_FIX}."
        for i, cfg in enumerate(as_list(props.get("ipConfigurations")))
        if dig(cfg, "publicIpAddressId") is not None
    ]


def check_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    return [
        f"{ctx.subject(name)}: a public IP address (sku {props.get('sku') or 'default'}). Fix: delete it and {PUBLIC_FIX}."
    ]


def check_scale_set_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    """Scale sets: networkInterfaces[].ipConfigurations[].publicIpAddresses, or (the legacy ScaleSet)
    networkProfiles[].ipConfigurations[].publicIpAddressConfiguration."""
    messages = []
    for key, field in (("networkInterfaces", "publicIpAddresses"), ("networkProfiles", "publicIpAddressConfiguration")):
        for i, nic in enumerate(as_list(props.get(key))):
            for j, ip in enumerate(as_list(dig(nic, "ipConfigurations"))):
                if dig(ip, field):
                    messages.append(
                        f"{ctx.subject(name)}: {key}[{i}].ipConfigurations[{j}].{field} gives each VM a public IP. "
                        f"Fix: remove it and {PUBLIC_FIX}."
                    )
    return messages


def check_aks_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    pool, where = (props.get("defaultNodePool"), "defaultNodePool.") if ctx.resource_type == AKS else (props, "")
    if not is_true(dig(pool, "nodePublicIpEnabled")):
        return []
    return [
        f"{ctx.subject(name)}: {where}nodePublicIpEnabled=true gives every node a public IP. Fix: set it to false and {PUBLIC_FIX}."
    ]


def read_image(props: dict, ctx: Context) -> list[str] | None:
    image = (
        props.get("sourceImageReference")
        or props.get("storageImageReference")
        or props.get("storageProfileImageReference")
    )
    if image is UNKNOWN:
        return None
    names = azure_image_names(image)
    return [*names, props["sourceImageId"]] if isinstance(props.get("sourceImageId"), str) else names


def _spot(props: dict) -> tuple[bool, float | None]:
    spot = lower(props.get("priority")) == "spot"
    return spot, fleets.spot_cap(props.get("maxBidPrice")) if spot else None


def vm_reader(props: dict) -> list[fleets.Run]:
    spot, cap = _spot(props)
    size = props.get("size") or props.get("vmSize")
    return [fleets.Run(1.0, (fleets.Machine(size, spot, cap, where="size", windows=azure_classic_windows(props)),))]


def scale_set_reader(props: dict) -> list[fleets.Run]:
    spot, cap = _spot(props)
    sku = props.get("sku")
    size = dig(sku, "name") if isinstance(sku, dict) else sku if sku is not None else props.get("skuName")
    count = dig(sku, "capacity") if isinstance(sku, dict) else props.get("instances")
    machine = fleets.Machine(size, spot, cap, where="sku", windows=azure_classic_windows(props))
    return [
        fleets.Run(fleets.count_of(count, 0.0 if props.get("skuName") is None and sku is None else None), (machine,))
    ]


def _pool(pool: dict) -> dict:
    """A classic AKS pool in azure-native's field names (for the shared readers)."""
    return {
        "count": pool.get("nodeCount"),
        "minCount": pool.get("minCount"),
        "enableAutoScaling": pool.get("autoScalingEnabled"),
        "vmSize": pool.get("vmSize"),
        "scaleSetPriority": pool.get("priority"),
        "spotMaxPrice": pool.get("spotMaxPrice"),
        "osType": pool.get("osType"),
    }


def aks_reader(props: dict) -> list[fleets.Run]:
    return capacity.azure_agent_pool(_pool(as_dict(props.get("defaultNodePool"))))


def aks_pool_reader(props: dict) -> list[fleets.Run]:
    return capacity.azure_agent_pool(_pool(props))


def host_reader(props: dict) -> list[fleets.Run]:
    return capacity.azure_dedicated_host({"sku": {"name": props.get("skuName")}})


USER_DATA = user_data_check(("customData",), ("userData",), ("osProfile", "customData"), ("userDataBase64",))
FLEETS = {
    LINUX_VM: vm_reader,
    WINDOWS_VM: vm_reader,
    LEGACY_VM: vm_reader,
    LINUX_VMSS: scale_set_reader,
    WINDOWS_VMSS: scale_set_reader,
    FLEX_VMSS: scale_set_reader,
    LEGACY_VMSS: scale_set_reader,
    RESERVATION: capacity.azure_capacity_reservation,
    HOST: host_reader,
    AKS: aks_reader,
    AKS_POOL: aks_pool_reader,
}
BUDGET_ONLY = (RESERVATION, HOST)

CHECKS = {
    "admin-ports-open-to-internet": {
        "azure:network/networkSecurityGroup:NetworkSecurityGroup": network.check_azure_nsg,
        "azure:network/networkSecurityRule:NetworkSecurityRule": network.check_azure_security_rule,
        "azure:network/networkManagerAdminRule:NetworkManagerAdminRule": network_other.check_azure_classic_admin_rule,
        "azure:network/firewallNatRuleCollection:FirewallNatRuleCollection": (
            network_other.check_azure_classic_nat_collection
        ),
        "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup": (
            network_other.check_azure_classic_policy_group
        ),
    },
    "azure-linux-password-login": dict.fromkeys(
        (LINUX_VM, LINUX_VMSS, FLEX_VMSS, LEGACY_VM, LEGACY_VMSS), check_password_login
    ),
    "public-ip-on-vm": {
        "azure:network/publicIp:PublicIp": check_public_ip,
        "azure:network/networkInterface:NetworkInterface": check_nic_public_ip,
        LINUX_VMSS: check_scale_set_public_ip,
        WINDOWS_VMSS: check_scale_set_public_ip,
        FLEX_VMSS: check_scale_set_public_ip,
        LEGACY_VMSS: check_scale_set_public_ip,
        AKS: check_aks_public_ip,
        AKS_POOL: check_aks_public_ip,
    },
    "required-tags": dict.fromkeys((*VMS, DISK, AKS, AKS_POOL), check_required_tags),
    "allowed-regions": dict.fromkeys((*VMS, DISK, HOST, AKS), check_allowed_region),
    "allowed-images": dict.fromkeys(VMS, allowed_image(read_image)),
    "no-secrets-in-user-data": dict.fromkeys(VMS, USER_DATA),
}

SECRETS = "no-secrets-in-user-data"
ALWAYS_ENCRYPTED = (
    "managed disks are always encrypted at rest (platform keys by default; diskEncryptionSetId only chooses "
    "customer-managed keys); nothing turns that off"
)

EXCLUDED = (
    Exclusion(
        r"azure:compute/(managedDisk|snapshot|implicitDataDiskFromSource|dataDiskAttachment):.*|" + "|".join(VMS),
        ALWAYS_ENCRYPTED,
        ("disk-encryption-required",),
    ),
    Exclusion(
        f"{WINDOWS_VM}|{WINDOWS_VMSS}",
        "a Windows VM: its password is not Linux password login (RDP exposure is judged on the network rules)",
        ("azure-linux-password-login",),
    ),
    Exclusion(
        f"{LINUX_VM}|{WINDOWS_VM}|{LEGACY_VM}",
        "gets a public address only through its network interfaces (networkInterfaceIds), which are checked",
        ("public-ip-on-vm",),
    ),
    Exclusion(f"{RESERVATION}|{HOST}", CAPACITY_REASON, (*CAPACITY_RULES, "vm-hourly-price-ceiling")),
    Exclusion(RESERVATION, "a capacity reservation is placed in its group's location", ("allowed-regions",)),
    Exclusion(
        f"{AKS}|{AKS_POOL}",
        "AKS nodes: managed disks are always encrypted, Linux nodes log in with SSH keys only, AKS picks the node "
        "image for osSku and nodes take no custom data",
        ("disk-encryption-required", "azure-linux-password-login", "allowed-images", SECRETS),
    ),
    Exclusion(AKS_POOL, "a node pool is placed in its cluster's location (judged there)", ("allowed-regions",)),
    Exclusion(
        r"azure:compute/(managedDisk|snapshot|diskAccess|diskEncryptionSet|managedDiskSasToken|implicitDataDiskFromSource"
        r"|dataDiskAttachment|image|sharedImage|sharedImageGallery|sharedImageVersion|capacityReservationGroup"
        r"|dedicatedHostGroup|scaleSetPacketCapture|scaleSetStandbyPool|virtualMachineScaleSetExtension)"
        r":.*",
        "a disk, image or gallery, access and key settings, a group of reservations or hosts, a packet capture, "
        "a standby pool for a scale set (judged) or an extension: runs no VM of its own (disks' images are "
        "judged on the VMs that boot them)",
        (
            "azure-linux-password-login",
            "public-ip-on-vm",
            "allowed-images",
            "vm-hourly-price-ceiling",
            "vm-price-unknown",
            "stack-monthly-budget",
            SECRETS,
            "disk-encryption-required",
        ),
    ),
    Exclusion(
        r"azure:compute/(snapshot|diskAccess|diskEncryptionSet|managedDiskSasToken|implicitDataDiskFromSource"
        r"|dataDiskAttachment|image|sharedImage|sharedImageGallery|sharedImageVersion|capacityReservationGroup"
        r"|dedicatedHostGroup|scaleSetPacketCapture|scaleSetStandbyPool|virtualMachineScaleSetExtension):.*",
        "settings, images or attachments rather than a VM or a disk of its own: nothing to tag or place",
        ("required-tags", "allowed-regions"),
    ),
    Exclusion(
        r"azure:network/(applicationSecurityGroup|networkInterfaceApplicationSecurityGroupAssociation"
        r"|networkInterfaceNatRuleAssociation|networkInterfaceSecurityGroupAssociation"
        r"|subnetNetworkSecurityGroupAssociation|networkManagerAdminRuleCollection|firewall|firewallPolicy"
        r"|firewallApplicationRuleCollection|firewallNetworkRuleCollection|virtualNetworkGatewayNatRule"
        r"|vnpGatewayNatRule"
        r"|networkManagerVerifierWorkspaceReachabilityAnalysisIntent)"
        r":.*|azure:privatelink/applicationSecurityGroupAssociation:.*|azure:lb/natRule:.*",
        "attaches NSGs or groups (whose rules are checked), a container of rules that are their own resources, "
        "Azure Firewall application and network rules (inbound traffic reaches a VM through DNAT, checked), VPN "
        "NAT, NAT gateway egress addresses, reachability analysis, or load-balancer NAT rules forwarding to VMs "
        "whose NSG still decides: admits nothing to a VM port itself",
    ),
    Exclusion(
        r"azure:(apimanagement/service|compute/bastionHost|lb/loadBalancer|network/(applicationGateway|routeServer"
        r"|virtualHubIp|virtualNetworkGateway)):.*",
        "a public address of a gateway, load balancer, Bastion host or API Management service (their own, not a "
        "VM's: VMs behind them keep private addresses)",
        ("public-ip-on-vm",),
    ),
    Exclusion(
        r"azure:network/(publicIpPrefix|natGatewayPublicIpAssociation|natGatewayPublicIpPrefixAssociation):.*"
        r"|azure:stack/hciNetworkInterface:.*",
        "reserves a range of public addresses or gives a NAT gateway its egress address (an address reaches a VM "
        "only through a public IP on its NIC, which is checked), or a NIC on Azure Stack HCI hardware",
        ("public-ip-on-vm",),
    ),
    NotJudged(
        r"azure:(devtest/(linuxVirtualMachine|windowsVirtualMachine)|machinelearning/(computeInstance|computeCluster)"
        r"|hdinsight/\w+Cluster|batch/pool|redhatopenshift/cluster|servicefabric/managedCluster"
        r"|mssql/virtualMachine|workloadssap/(singleNodeVirtualInstance|threeTierVirtualInstance)):.*",
        "VMs another service runs in the subscription and bills by the hour (DevTest Labs VMs, Azure ML compute, "
        "HDInsight, Batch pools, Azure Red Hat OpenShift, Service Fabric, SQL Server IaaS and SAP on VMs): the "
        "service (or the VM it extends) picks images, logins and network rules, so no rule of this pack judges them",
    ),
    Exclusion(
        r"azure:(cdn|frontdoor|cosmosdb|mongocluster|mssql|mysql|postgresql|redis|synapse|signalr|webpubsub"
        r"|paloalto|elasticsan|netapp|avs|stack|dataprotection|backup|datafactory|digitaltwins|iot|maintenance"
        r"|policy|securitycenter|siterecovery|systemcenter|workloadssap|notificationhub|kusto|containerapp"
        r"|appplatform|containerservice)/.*",
        "a managed service's resource or settings (databases and their firewalls, CDNs, storage, partner "
        "firewalls, backups, recovery, maintenance, VMware and Azure Stack hardware, containers, Kubernetes fleets): "
        "no VM, image or port of the stack's own",
    ),
)
