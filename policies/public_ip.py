"""Public addresses on VMs: instance and template settings that give each VM a public IP, AWS subnets
that give one to every VM launched in them, Elastic IPs attached to instances, Azure public IP addresses and the NIC configurations that attach them,
and GCP access configs (external IPs).
"""

from __future__ import annotations

from typing import Any

from .values import UNKNOWN, Context, as_list, dig, is_true, show

FIX = "reach the VM through a bastion, VPN, SSM/IAP or a load balancer instead"


def check_aws_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    """Instance, SpotInstanceRequest, LaunchConfiguration, spot fleet launch specifications."""
    if not is_true(props.get("associatePublicIpAddress")):
        return []
    where = ctx.at("associatePublicIpAddress")
    return [f"{ctx.subject(name)}: {where}=true gives the VM a public IP. Fix: set {where}: false and {FIX}."]


def check_aws_launch_template_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    return [
        f"{ctx.subject(name)}: networkInterfaces[{i}].associatePublicIpAddress=true "
        f"gives every VM launched from it a public IP. Fix: set it to false and {FIX}."
        for i, nic in enumerate(as_list(props.get("networkInterfaces")))
        if is_true(dig(nic, "associatePublicIpAddress"))
    ]


def subnet_public_ip(default: bool):
    """A subnet that gives every instance launched in it without associatePublicIpAddress a public IPv4
    address (mapPublicIpOnLaunch; a default subnet does unless told not to)."""

    def check(name: str, props: dict, ctx: Context) -> list[str]:
        value = props.get("mapPublicIpOnLaunch")
        if value is UNKNOWN or not (is_true(value) or (default and value is None)):
            return []
        written = "=true" if value is not None else " absent (a default subnet maps them)"
        return [
            f"{ctx.subject(name)}: mapPublicIpOnLaunch{written} gives every VM launched in it without "
            f"associatePublicIpAddress=false a public IP. Fix: set mapPublicIpOnLaunch: false and {FIX}."
        ]

    return check


def check_aws_eip(name: str, props: dict, ctx: Context) -> list[str]:
    """Eip with instance/networkInterface, and EipAssociation (which always attaches one)."""
    keys = ("instance", "networkInterface", "instanceId", "networkInterfaceId")
    attached = [k for k in keys if props.get(k) is not None]
    if not attached:
        return []
    return [
        (
            f"{ctx.subject(name)}: an Elastic IP attached to a VM ({attached[0]}={show(props.get(attached[0]))}). "
            f"Fix: remove the Elastic IP and {FIX}."
        )
    ]


def check_azure_public_ip_address(name: str, props: dict, ctx: Context) -> list[str]:
    return [
        (
            f"{ctx.subject(name)}: a public IP address (sku {dig(props, 'sku', 'name') or 'default'}) for a VM. "
            f"Fix: delete it and {FIX}."
        )
    ]


def check_azure_nic_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    return [
        f"{ctx.subject(name)}: ipConfigurations[{i}] attaches a public IP "
        f"(publicIPAddress.id={show(dig(cfg, 'publicIPAddress', 'id'))}). "
        f"Fix: remove publicIPAddress and {FIX}."
        for i, cfg in enumerate(as_list(props.get("ipConfigurations")))
        if dig(cfg, "publicIPAddress") is not None
    ]


def _flattened(value: Any, key: str) -> Any:
    """value[key], or value.properties[key] (Compute Fleet nests NIC settings under properties)."""
    found = dig(value, key)
    return dig(value, "properties", key) if found is None else found


def check_azure_profile_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    """A VM, scale-set or fleet VM profile whose networkProfile creates NICs with a public IP
    (networkInterfaceConfigurations[].ipConfigurations[].publicIPAddressConfiguration)."""
    messages = []
    configs = as_list(dig(props, "networkProfile", "networkInterfaceConfigurations"))
    for i, nic in enumerate(configs):
        for j, ip in enumerate(as_list(_flattened(nic, "ipConfigurations"))):
            if _flattened(ip, "publicIPAddressConfiguration") is not None:
                where = ctx.at(f"networkProfile.networkInterfaceConfigurations[{i}].ipConfigurations[{j}]")
                messages.append(
                    f"{ctx.subject(name)}: {where}.publicIPAddressConfiguration gives each VM a public IP. "
                    f"Fix: remove it and {FIX}."
                )
    return messages


def check_gcp_access_configs(name: str, props: dict, ctx: Context) -> list[str]:
    """Instances and templates; an instance from a template without its own networkInterfaces
    takes the template's (judged on the template)."""
    messages = []
    interfaces = props.get("networkInterfaces")
    if interfaces is UNKNOWN:
        return []
    for i, nic in enumerate(as_list(interfaces)):
        for key in ("accessConfigs", "ipv6AccessConfigs"):
            if as_list(dig(nic, key)):
                messages.append(
                    f"{ctx.subject(name)}: networkInterfaces[{i}].{key} gives the VM an "
                    f"external IP. Fix: remove {key} and {FIX} (Cloud NAT for egress)."
                )
    return messages


def check_aks_node_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    """An AKS agent pool (or a managed cluster's agentPoolProfiles) with enableNodePublicIP: every node
    gets a public IP."""
    pools = (
        [("", props)]
        if "agentPoolProfiles" not in props
        else [(f"agentPoolProfiles[{i}].", p) for i, p in enumerate(as_list(props.get("agentPoolProfiles")))]
    )
    return [
        f"{ctx.subject(name)}: {where}enableNodePublicIP=true gives every node a public IP. Fix: set it to false "
        f"and {FIX}."
        for where, pool in pools
        if is_true(dig(pool, "enableNodePublicIP"))
    ]
