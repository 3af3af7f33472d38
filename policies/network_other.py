"""Network exposure on the rule shapes of the other providers people use for the same clouds
(``aws-native``, the classic ``azure`` provider) and on newer or rarer APIs (Azure Virtual Network
Manager security user rules, GCP organization security policy rules, Google Cloud VMware Engine
external access rules). Each reader turns the shape into :class:`~.addresses.Rule` values and
``network.exposure_messages`` judges them, exactly as for the shapes in ``network``.
"""

from __future__ import annotations

from typing import Any

from .addresses import ALL_PORTS, Rule
from .addresses import port_ranges as read_port_ranges
from .network import (
    avnm_rule,
    aws_rule,
    dnat_rules,
    exposure_messages,
    gcp_ingress,
    gcp_layer4,
    lightsail_rules,
    listed,
    port_specs,
    sources_of,
    tcp_ports,
)
from .values import UNKNOWN, Context, as_dict, as_list, dig, is_true, lower, strings

# --- aws-native (CloudFormation shapes) -----------------------------------------------------------

AWS_NATIVE_SOURCES = ("cidrIp", "cidrIpv6")


def check_aws_native_security_group(name: str, props: dict, ctx: Context) -> list[str]:
    """AWS::EC2::SecurityGroup: inline securityGroupIngress entries (allow-only, any order)."""
    rules = [
        aws_rule(f"securityGroupIngress[{i}]", as_dict(r), "ipProtocol", AWS_NATIVE_SOURCES)
        for i, r in enumerate(as_list(props.get("securityGroupIngress")))
    ]
    return exposure_messages(ctx, name, rules, "aws")


def check_aws_native_ingress(name: str, props: dict, ctx: Context) -> list[str]:
    """AWS::EC2::SecurityGroupIngress: one rule."""
    return exposure_messages(ctx, name, [aws_rule("the ingress rule", props, "ipProtocol", AWS_NATIVE_SOURCES)], "aws")


def check_aws_native_lightsail_instance(name: str, props: dict, ctx: Context) -> list[str]:
    """AWS::Lightsail::Instance: networking.ports are the instance's public ports (inbound unless
    accessDirection says outbound)."""
    ports = dig(props, "networking", "ports")
    inbound = (
        ports if ports is UNKNOWN else [p for p in as_list(ports) if lower(dig(p, "accessDirection")) != "outbound"]
    )
    return exposure_messages(ctx, name, lightsail_rules(inbound, "networking.ports"), "aws")


# --- Azure: Virtual Network Manager user rules, the classic provider ---------------------------------


def check_azure_security_user_rule(name: str, props: dict, ctx: Context) -> list[str]:
    """SecurityUserRule (and the older preview UserRule): a security user rule has no access field;
    it is read as an Allow (the broader reading)."""
    rule = avnm_rule(props, None, "the security user rule")
    return exposure_messages(ctx, name, [rule] if rule else [], "azure")


def check_azure_classic_admin_rule(name: str, props: dict, ctx: Context) -> list[str]:
    """azure.network.NetworkManagerAdminRule: the same rule, its access named ``action``."""
    rule = avnm_rule(props, "action", "the AlwaysAllow rule")
    return exposure_messages(ctx, name, [rule] if rule else [], "azure")


def _is_dnat(action: Any) -> bool:
    return lower(action) in ("dnat", None)


def check_azure_classic_nat_collection(name: str, props: dict, ctx: Context) -> list[str]:
    """azure.network.FirewallNatRuleCollection: Dnat rules forward a public port to translatedPort."""
    if not _is_dnat(dig(props, "action")):
        return []
    return exposure_messages(ctx, name, dnat_rules("rules", props.get("rules"), "protocols"), "azure")


def check_azure_classic_policy_group(name: str, props: dict, ctx: Context) -> list[str]:
    """azure.network.FirewallPolicyRuleCollectionGroup: its natRuleCollections (action Dnat)."""
    rules = []
    for i, collection in enumerate(as_list(props.get("natRuleCollections"))):
        if _is_dnat(dig(collection, "action")):
            rules += dnat_rules(f"natRuleCollections[{i}]", dig(collection, "rules"), "protocols")
    return exposure_messages(ctx, name, rules, "azure")


# --- GCP: organization security policy rules, VMware Engine -------------------------------------------

GCP_ORG_ALLOW = ("allow",)


def check_gcp_org_security_policy_rule(name: str, props: dict, ctx: Context) -> list[str]:
    """OrganizationSecurityPolicyRule of a FIREWALL policy (match.versionedExpr FIREWALL, or any rule
    with layer4Configs): match.config.srcIpRanges to the layer-4 configs (absent: every protocol and
    port). Cloud Armor rules (SRC_IPS_V1 without layer-4 configs) filter HTTP(S) load balancing, not VM
    ports; a rule in preview is not enforced."""
    match = props.get("match")
    expr = dig(match, "versionedExpr")
    configs = dig(match, "config", "layer4Configs")
    if lower(expr) not in ("firewall", None) and configs is None:
        return []
    if is_true(props.get("preview")) or gcp_ingress(props) is False:
        return []
    action = props.get("action")
    if action is UNKNOWN or expr is UNKNOWN or props.get("preview") is UNKNOWN or gcp_ingress(props) is None:
        return []  # one rule, unknown until apply: nothing certain to report
    if lower(action) not in GCP_ORG_ALLOW:
        return []
    sources = None if match is UNKNOWN else sources_of(dig(match, "config", "srcIpRanges"))
    if configs is None:
        rules = [Rule(True, (ALL_PORTS,), sources, "match.config (no layer4Configs: every protocol and port)")]
    else:
        rules = gcp_layer4("match.config.layer4Configs", configs, "ipProtocol", sources, True)
    return exposure_messages(ctx, name, rules, "gcp")


def check_vmware_external_access_rule(name: str, props: dict, ctx: Context) -> list[str]:
    """Google Cloud VMware Engine external access rule: ALLOW from sourceIpRanges (ipAddress or
    ipAddressRange) to destinationPorts over ipProtocol reaches the VMs' public addresses."""
    if lower(props.get("action")) != "allow":
        return []
    ranges = props.get("sourceIpRanges")
    entries = (
        UNKNOWN
        if ranges is UNKNOWN
        else [v for r in as_list(ranges) for v in (dig(r, "ipAddressRange"), dig(r, "ipAddress")) if v is not None]
    )
    sources = sources_of(entries)
    specs = port_specs(props.get("destinationPorts"))
    ranges_read = None if UNKNOWN in specs else read_port_ranges(specs) if specs else (ALL_PORTS,)
    ports = tcp_ports(props.get("ipProtocol"), ranges_read)
    label = f"the ALLOW rule (ipProtocol {props.get('ipProtocol')!r}, ports {', '.join(strings(specs)) or 'all'})"
    return exposure_messages(ctx, name, [Rule(True, ports, sources, label)], "gcp")


__all__ = [
    "check_aws_native_ingress",
    "check_aws_native_lightsail_instance",
    "check_aws_native_security_group",
    "check_azure_classic_admin_rule",
    "check_azure_classic_nat_collection",
    "check_azure_classic_policy_group",
    "check_azure_security_user_rule",
    "check_gcp_org_security_policy_rule",
    "check_vmware_external_access_rule",
    "listed",
]
