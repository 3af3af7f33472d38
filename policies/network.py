"""Network exposure: SSH (22) and RDP (3389) reachable from the whole internet.

One reader per rule shape (AWS security groups and their rule resources, Lightsail public ports,
Azure NSGs, security admin rules and Firewall DNAT, GCP VPC firewalls and firewall policies), each
turning the shape into :class:`~.addresses.Rule` values in the order the cloud evaluates them;
:func:`~.addresses.exposure_messages` does the judging.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .addresses import (
    ALL_PORTS,
    DEFAULT_THRESHOLD,
    EVERYWHERE,
    INTERNET,
    Rule,
    Sources,
    Threshold,
    addresses,
    carries_tcp,
)
from .addresses import exposure_messages as _exposure_messages
from .addresses import port_ranges as read_port_ranges
from .values import UNKNOWN, Context, as_dict, as_list, dig, is_true, lower, number, rules_of, show, strings


def threshold(ctx: Context) -> Threshold:
    """How broad a source may be before it counts as the internet (the policy's config)."""
    v4, v6 = number(ctx.config.get("internetIpv4Prefix")), number(ctx.config.get("internetIpv6Prefix"))
    return Threshold(
        int(v4) if v4 is not None and 0 <= v4 <= 32 else DEFAULT_THRESHOLD.v4_prefix,
        int(v6) if v6 is not None and 0 <= v6 <= 128 else DEFAULT_THRESHOLD.v6_prefix,
    )


def exposure_messages(ctx: Context, name: str, rules: list[Rule], cloud: str) -> list[str]:
    advice = rules_of(cloud).ADMIN_ACCESS_ADVICE  # how to reach a VM without the port (cloud_rules/<cloud>.py)
    return _exposure_messages(ctx.subject(name), rules, advice, threshold(ctx))


def listed(value: Any) -> list | None:
    """A list of strings, [] when absent, None when unknown (or holding an unknown)."""
    if value is UNKNOWN or (isinstance(value, list) and UNKNOWN in value):
        return None
    return strings(value)


def sources_of(*lists: Any) -> Sources | None:
    entries = []
    for value in lists:
        values = listed(value)
        if values is None:
            return None
        entries += values
    return Sources.of(entries)


def tcp_ports(protocol: Any, ranges: tuple | None, all_ports_protocols: Iterable[str] = ()) -> tuple | None:
    """The port ranges a rule opens to TCP: () for other protocols, None when unknown."""
    tcp = carries_tcp(protocol)
    if tcp is None:
        return None
    if not tcp:
        return ()
    if lower(protocol) in all_ports_protocols or protocol == -1:
        return (ALL_PORTS,)
    return ranges


# --- AWS ---------------------------------------------------------------------------------------

AWS_ALL = ("-1", "all")


def aws_ports(protocol: Any, from_port: Any, to_port: Any) -> tuple | None:
    """An AWS rule's TCP ports: every port for protocol -1/all, else fromPort..toPort."""
    if lower(protocol) in AWS_ALL or protocol == -1:
        return (ALL_PORTS,)
    low, high = read_port_ranges([from_port]), read_port_ranges([to_port])
    if low is None or high is None:
        return None
    return tcp_ports(protocol, ((low[0][0], high[0][1]),) if low and high else ())


def aws_rule(label: str, rule: dict, protocol_key: str, source_keys: tuple[str, ...]) -> Rule:
    protocol, low, high = rule.get(protocol_key), rule.get("fromPort"), rule.get("toPort")
    where = f"{label} ({protocol_key} {show(protocol)}, ports {show(low)}-{show(high)})"
    return Rule(True, aws_ports(protocol, low, high), sources_of(*(rule.get(k) for k in source_keys)), where)


def check_aws_security_group(name: str, props: dict, ctx: Context) -> list[str]:
    """SecurityGroup and DefaultSecurityGroup: inline ``ingress`` entries (allow-only, any order)."""
    rules = [
        aws_rule(f"ingress[{i}]", as_dict(r), "protocol", ("cidrBlocks", "ipv6CidrBlocks"))
        for i, r in enumerate(as_list(props.get("ingress")))
    ]
    return exposure_messages(ctx, name, rules, "aws")


def check_aws_security_group_rule(name: str, props: dict, ctx: Context) -> list[str]:
    if lower(props.get("type")) != "ingress":
        return []
    rule = aws_rule("the ingress rule", props, "protocol", ("cidrBlocks", "ipv6CidrBlocks"))
    return exposure_messages(ctx, name, [rule], "aws")


def check_aws_ingress_rule(name: str, props: dict, ctx: Context) -> list[str]:
    rule = aws_rule("the ingress rule", props, "ipProtocol", ("cidrIpv4", "cidrIpv6"))
    return exposure_messages(ctx, name, [rule], "aws")


def lightsail_rules(infos: Any, label: str) -> list[Rule]:
    """Lightsail opens a port to any IPv4 address when a port info names no cidrs, ipv6Cidrs or
    cidrListAliases (the console's "Any IPv4 address")."""
    rules = []
    for i, info in enumerate(as_list(infos)):
        info = as_dict(info)
        sources = sources_of(info.get("cidrs"), info.get("ipv6Cidrs"))
        aliases = listed(info.get("cidrListAliases"))
        if sources is not None and aliases is not None and not sources.written and not aliases:
            sources = Sources(addresses("0.0.0.0/0"), ("0.0.0.0/0 (no cidrs: any IPv4 address)",))
        ports = aws_ports(info.get("protocol"), info.get("fromPort"), info.get("toPort"))
        rules.append(Rule(True, ports, sources, f"{label}[{i}]"))
    return rules


def check_lightsail_public_ports(name: str, props: dict, ctx: Context) -> list[str]:
    return exposure_messages(ctx, name, lightsail_rules(props.get("portInfos"), "portInfos"), "aws")


# --- Azure ---------------------------------------------------------------------------------------


def azure_rule(label: str, rule: dict) -> tuple[float, Rule] | None:
    """(priority, rule) for an inbound NSG rule; None for outbound rules. A rule whose direction,
    access, protocol, sources or ports are unknown is unreadable (it may be a Deny)."""
    # Azure requires direction and access; absent, the rule is read the most permissive way.
    direction = "inbound" if rule.get("direction") is None else lower(rule.get("direction"))
    access = "allow" if rule.get("access") is None else lower(rule.get("access"))
    if direction is not None and direction != "inbound":
        return None
    allow = access == "allow"
    readable = direction == "inbound" and access in ("allow", "deny")
    priority = rule.get("priority")
    ports = tcp_ports(
        rule.get("protocol", "*"),
        read_port_ranges(
            [*port_specs(rule.get("destinationPortRange")), *port_specs(rule.get("destinationPortRanges"))]
        ),
    )
    sources = sources_of(rule.get("sourceAddressPrefix"), rule.get("sourceAddressPrefixes"))
    if not readable:
        ports = sources = None
    # Unknown priority: judge by what is certain (an unknown Deny first, an unknown Allow last).
    known = isinstance(priority, (int, float)) and not isinstance(priority, bool)
    order = priority if known else (float("-inf") if not allow else float("inf"))
    return order, Rule(allow and readable, ports, sources, label)


def port_specs(value: Any) -> list:
    if value is UNKNOWN or (isinstance(value, list) and UNKNOWN in value):
        return [UNKNOWN]
    return strings(value)


def in_priority_order(rules: Iterable[tuple[float, Rule] | None]) -> list[Rule]:
    return [rule for _, rule in sorted((r for r in rules if r), key=lambda r: r[0])]


def check_azure_nsg(name: str, props: dict, ctx: Context) -> list[str]:
    """An NSG's inline rules in priority order: a Deny above an Allow shadows it."""
    entries = []
    for i, rule in enumerate(as_list(props.get("securityRules"))):
        rule = as_dict(rule)
        label = f"securityRules[{i}] '{rule['name']}'" if isinstance(rule.get("name"), str) else f"securityRules[{i}]"
        entries.append(azure_rule(label, rule))
    return exposure_messages(ctx, name, in_priority_order(entries), "azure")


def check_azure_security_rule(name: str, props: dict, ctx: Context) -> list[str]:
    return exposure_messages(ctx, name, in_priority_order([azure_rule("the rule", props)]), "azure")


def avnm_rule(props: dict, access_key: str | None, label: str) -> Rule | None:
    """A Virtual Network Manager rule (sources as [{addressPrefix}]): with ``access_key``, a security
    admin rule, which lets traffic in whatever the NSGs say only when AlwaysAllow (Allow leaves the
    decision to them); without, a security user rule, which has no access field and allows."""
    if access_key is not None and lower(props.get(access_key)) != "alwaysallow":
        return None
    if lower(props.get("direction")) != "inbound":
        return None
    prefixes = [dig(item, "addressPrefix") for item in as_list(props.get("sources"))]
    sources = None if UNKNOWN in prefixes or props.get("sources") is UNKNOWN else Sources.of(strings(prefixes))
    specs = port_specs(props.get("destinationPortRanges"))
    ports = tcp_ports(props.get("protocol"), read_port_ranges(specs) if specs else (ALL_PORTS,))
    return Rule(True, ports, sources, label)


def check_azure_admin_rule(name: str, props: dict, ctx: Context) -> list[str]:
    rule = avnm_rule(props, "access", "the AlwaysAllow rule")
    return exposure_messages(ctx, name, [rule] if rule else [], "azure")


def dnat_rules(label: str, rules: Any, protocols_key: str) -> list[Rule]:
    """DNAT rules: the port that lands on the VM is translatedPort."""
    out = []
    for j, rule in enumerate(as_list(rules)):
        rule = as_dict(rule)
        protocols = listed(rule.get(protocols_key))
        translated = rule.get("translatedPort")
        ranges = read_port_ranges([translated])
        if protocols is None or ranges is None:
            ports = None
        else:
            ports = ranges if any(carries_tcp(p) for p in protocols) else ()
        out.append(Rule(True, ports, sources_of(rule.get("sourceAddresses")), f"{label}.rules[{j}] (DNAT)"))
    return out


def check_azure_firewall_policy_rules(name: str, props: dict, ctx: Context) -> list[str]:
    """FirewallPolicyRuleCollectionGroup: DNAT collections forward a public port to a VM port."""
    rules = []
    for i, collection in enumerate(as_list(props.get("ruleCollections"))):
        collection = as_dict(collection)
        kind = lower(collection.get("ruleCollectionType"))
        if kind == "firewallpolicynatrulecollection" and lower(dig(collection, "action", "type")) in ("dnat", None):
            rules += dnat_rules(f"ruleCollections[{i}]", collection.get("rules"), "ipProtocols")
    return exposure_messages(ctx, name, rules, "azure")


def check_azure_firewall(name: str, props: dict, ctx: Context) -> list[str]:
    """AzureFirewall classic rules: natRuleCollections with action Dnat."""
    rules = []
    for i, collection in enumerate(as_list(props.get("natRuleCollections"))):
        collection = as_dict(collection)
        if lower(dig(collection, "action", "type")) in ("dnat", None):
            rules += dnat_rules(f"natRuleCollections[{i}]", collection.get("rules"), "protocols")
    return exposure_messages(ctx, name, rules, "azure")


# --- GCP -----------------------------------------------------------------------------------------


def gcp_ingress(props: dict) -> bool | None:
    direction = props.get("direction")
    if direction is UNKNOWN or props.get("disabled") is UNKNOWN:
        return None
    return (direction is None or lower(direction) == "ingress") and not is_true(props.get("disabled"))


def gcp_layer4(label: str, configs: Any, protocol_key: str, sources: Sources | None, allow: bool) -> list[Rule]:
    """One rule per allowed protocol entry; absent ports mean every port."""
    if configs is UNKNOWN:
        return [Rule(allow, None, sources, label)]
    rules = []
    for i, config in enumerate(as_list(configs)):
        config = as_dict(config)
        specs = config.get("ports")
        if specs is UNKNOWN or (isinstance(specs, list) and UNKNOWN in specs):
            ranges = None
        else:
            ranges = read_port_ranges(strings(specs)) if strings(specs) else (ALL_PORTS,)
        ports = tcp_ports(config.get(protocol_key), ranges, ("all",))
        written = ", ".join(strings(specs)) or "all"
        rules.append(
            Rule(
                allow,
                ports,
                sources,
                f"{label}[{i}] ({protocol_key} {show(config.get(protocol_key))}, ports {written})",
            )
        )
    return rules


def check_gcp_firewall(name: str, props: dict, ctx: Context) -> list[str]:
    """A VPC firewall: with no source ranges, tags or service accounts (absent, [] or blank
    entries), GCP applies it to 0.0.0.0/0."""
    if not gcp_ingress(props):
        return []
    sources = sources_of(props.get("sourceRanges"))
    others = [props.get(k) for k in ("sourceTags", "sourceServiceAccounts")]
    if sources is not None and not sources.written:
        if any(v is UNKNOWN for v in others):
            sources = None
        elif not any(strings(v) for v in others):
            sources = Sources(EVERYWHERE, ("0.0.0.0/0 (the default when a firewall names no source)",))
    return exposure_messages(ctx, name, gcp_layer4("allows", props.get("allows"), "protocol", sources, True), "gcp")


GCP_POLICY_ALLOW = ("allow", "apply_security_profile_group")


# Source fields that name sets of public addresses nobody can list: a country's address space
# (srcRegionCodes, ISO 3166 codes) or a threat-intelligence list (srcThreatIntelligences).
GCP_NAMED_BROAD = ("srcRegionCodes", "srcThreatIntelligences")
# The network context of the source (srcNetworkContext, GA; srcNetworkScope, beta): INTERNET is the
# internet. It is read as adding to the ranges (the broader reading of how GCP combines them).
GCP_CONTEXTS = ("srcNetworkContext", "srcNetworkScope")


def _gcp_policy_sources(match: Any) -> Sources | None:
    if match is UNKNOWN:
        return None
    sources = sources_of(dig(match, "srcIpRanges"))
    named = [listed(dig(match, key)) for key in GCP_NAMED_BROAD]
    contexts = [dig(match, key) for key in GCP_CONTEXTS]
    if sources is None or None in named or UNKNOWN in contexts:
        return None
    for key, codes in zip(GCP_NAMED_BROAD, named):
        sources = sources.with_named(f"{code} ({key})" for code in codes if code.strip())
    for key, context in zip(GCP_CONTEXTS, contexts):
        if lower(context) == "internet":
            sources = Sources(
                sources.addresses | INTERNET, (*sources.written, f"INTERNET ({key})"), sources.named_broad
            )
    return sources


def _gcp_policy_rule(label: str, rule: dict) -> tuple[float, list[Rule]] | None:
    """A firewall policy rule: allow (or inspect) admits; deny and goto_next decide (or hand on)
    without admitting."""
    ingress = gcp_ingress(rule)
    action = lower(rule.get("action"))
    if ingress is False or (action is None and rule.get("action") is not UNKNOWN):
        return None
    match = rule.get("match")
    allow = action in GCP_POLICY_ALLOW
    sources = _gcp_policy_sources(match)
    readable = ingress is True and rule.get("action") is not UNKNOWN
    rules = gcp_layer4(f"{label}match.layer4Configs", dig(match, "layer4Configs"), "ipProtocol", sources, allow)
    if not readable:
        rules = [Rule(False, None, None, label)]
    priority = rule.get("priority")
    known = isinstance(priority, (int, float)) and not isinstance(priority, bool)
    return (priority if known else (float("inf") if allow else float("-inf"))), rules


def check_gcp_policy_rule(name: str, props: dict, ctx: Context) -> list[str]:
    entry = _gcp_policy_rule("", props)
    return exposure_messages(ctx, name, entry[1] if entry else [], "gcp")


def check_gcp_policy_with_rules(name: str, props: dict, ctx: Context) -> list[str]:
    """A firewall policy with its rules inline, evaluated in priority order."""
    entries = [_gcp_policy_rule(f"rules[{i}].", as_dict(r)) for i, r in enumerate(as_list(props.get("rules")))]
    ordered = [rule for _, rules in sorted((e for e in entries if e), key=lambda e: e[0]) for rule in rules]
    return exposure_messages(ctx, name, ordered, "gcp")
