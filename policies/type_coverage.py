"""Which resource types each rule must judge, by design: the kinds of resource that can do what a
rule guards, recognised in every type the installed provider SDKs define by what the type is (the
input properties its schema declares: source ranges and ports, a VM size or image, a disk's
encryption, a public address) and by name patterns, and the report of which of those types each rule
checks, which it leaves out (with why) and which it names as not judged.

The per-cloud modules (``aws_types``, ``aws_native_types``, ``azure_types``, ``azure_classic_types``,
``gcp_types``) hold the checks and the exclusions; ``tests/policies/test_policy_coverage.py`` reads the
installed SDKs (``sdk_schema``) and fails on any type of a rule's kinds that has neither.
``python -m policies.type_coverage`` writes docs/policy-coverage.md. Nothing in the pack imports this
module (it imports the pack's rules).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from components.cloud_rules import CLOUDS, rules

from .exclusions import Exclusion, NotJudged
from .rules import EXCLUDED, covered_types
from .sdk_schema import SDK_PACKAGES, SdkTypes, scan_sdks

# Name patterns, matched against a type token's last part (its resource name) unless they start
# with ^ (then against the whole token). Why each word is there:
KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    # Anything that admits traffic to a port: every cloud names its packet filters and their rules
    # with these words (AWS security groups and NACLs, Azure NSGs, security and admin rules, Azure
    # Firewall and its policies, GCP VPC firewalls and firewall policies, Lightsail public ports).
    "network": (
        ("SecurityGroup", "AWS security groups, their rule and association resources"),
        ("SecurityRule", "Azure NSG rules (and other services' security rules)"),
        ("Firewall", "firewalls and firewall policies/rules of every cloud and service"),
        ("IngressRule", "standalone ingress rules"),
        ("NetworkAcl", "AWS network ACLs"),
        ("PublicPorts", "Lightsail instance public ports"),
        ("NatRule", "NAT rules that forward a public port inward"),
        ("AdminRule", "Azure Virtual Network Manager security admin rules"),
    ),
    # Anything that runs a VM or a fleet of them, or describes the VMs a fleet launches.
    "vm": (
        ("Instance", "instances of every kind (EC2, GCP, Lightsail, managed services' instances)"),
        ("VirtualMachine", "Azure VMs, scale sets and other services' VMs"),
        ("ScaleSet", "Azure VM scale sets"),
        ("LaunchTemplate|LaunchConfiguration", "what AWS fleets launch"),
        ("InstanceTemplate|InstanceGroup", "GCP templates and (managed) instance groups"),
        ("Fleet", "EC2/Spot fleets, Azure Compute Fleet and other services' fleets"),
        ("CapacityReservation|DedicatedHost|Reservation$", "capacity billed like VMs"),
        ("NodePool|NodeGroup|AgentPool", "Kubernetes node pools (fleets of VMs)"),
        ("Vm$|VM$", "other VM resources (TPU VMs, scale-set VMs)"),
        ("^aws:autoscaling/group:Group$", "EC2 auto-scaling groups"),
    ),
    # Anything that holds a disk's data.
    "disk": (
        ("Disk", "managed disks of every cloud"),
        ("Volume", "EBS and other volumes"),
        ("Snapshot", "copies of disks"),
        ("EncryptionByDefault", "account-wide disk encryption defaults"),
    ),
    # Anything that gives or attaches a public address.
    "public-address": (
        ("PublicIp|PublicIP", "Azure public IPs and prefixes, other public-IP resources"),
        ("^aws:ec2/eip|^aws-native:ec2:Eip", "Elastic IPs and their associations"),
        ("StaticIp", "Lightsail static IPs"),
        ("^gcp:compute/(global)?[aA]ddress:", "GCP reserved addresses"),
        ("NetworkInterface$", "network interfaces, which can carry a public IP"),
    ),
    # Anything a VM boots from or that carries an image.
    "image": (
        ("Image", "images and image versions, galleries, image builders"),
        ("Ami", "AWS AMIs"),
    ),
}

# Each rule: the kinds of resource it guards and the clouds it applies to.
RULE_SCOPE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "admin-ports-open-to-internet": (("network",), CLOUDS),
    "disk-encryption-required": (("disk", "vm"), CLOUDS),
    "ec2-imdsv2-required": (("vm",), ("aws",)),
    "azure-linux-password-login": (("vm",), ("azure",)),
    "public-ip-on-vm": (("public-address", "vm"), CLOUDS),
    "required-tags": (("vm", "disk"), CLOUDS),
    "allowed-regions": (("vm", "disk"), CLOUDS),
    "allowed-images": (("image", "vm", "disk"), CLOUDS),
    "gcp-shielded-vm": (("vm",), ("gcp",)),
    "gcp-default-service-account": (("vm",), ("gcp",)),
    "no-secrets-in-user-data": (("vm",), CLOUDS),
    "vm-hourly-price-ceiling": (("vm",), CLOUDS),
    "vm-price-unknown": (("vm",), CLOUDS),
    "stack-monthly-budget": (("vm",), CLOUDS),
}

# What a type is, by the input properties its schema declares (at any depth): a kind's groups must
# all be present, each matched by one property name. Why each is there:
PROPERTY_KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    "network": (
        (
            r"(?i)^((source|src)\w*(range|ranges|prefix|prefixes|address|addresses|cidr|cidrs|cidrblocks?|ips?"
            r"|ipranges?|context|scope|regioncodes)|cidrblocks|ipv6cidrblocks|cidrip|cidripv4|cidripv6|cidrs"
            r"|ipv6cidrs)$",
            "a source address set (CIDRs, prefixes, ranges, a network context)",
        ),
        (
            r"(?i)^(fromport|toport|ports|portranges?|destinationports?|destinationportranges?|translatedport)$",
            "a port",
        ),
    ),
    "vm": (
        (
            r"^(instanceType|instanceTypes|vmSize|vmSizes|machineType|bundleId|ami|imageId|imageReference"
            r"|sourceImageReference|storageImageReference|sourceImage|image)$",
            "a VM size or the image a VM boots",
        ),
    ),
    "disk": (
        (r"^(encrypted|encryption|diskEncryptionSetId|encryptionType)$", "a disk's encryption setting"),
        (r"^(size|sizeGb|sizeInGb|diskSizeGb|diskSizeGB|volumeSize|sizeGib|diskSize)$", "a disk size"),
    ),
    "public-address": (
        (
            r"^(associatePublicIpAddress|publicIpAddressId|publicIPAddressConfiguration|publicIpAddressConfiguration"
            r"|accessConfigs|ipv6AccessConfigs|natIp|publicIpPrefixId|mapPublicIpOnLaunch)$",
            "a public address on a VM, its NIC or the subnet it is launched in",
        ),
    ),
    "image": (
        (r"^(ami|imageId|imageReference|sourceImageReference|storageImageReference|sourceImage)$", "a VM image"),
    ),
}

# The providers of each cloud, by type-token prefix.
PREFIXES = {cloud: tuple(f"{package}:" for package in rules(cloud).PULUMI_PACKAGES) for cloud in CLOUDS}


def kinds_of(token: str, properties: Iterable[str] = ()) -> set[str]:
    """The kinds a type is, by name and by the properties its schema declares."""
    return set(_name_kinds(token) | _property_kinds(frozenset(properties)))


@functools.cache
def _name_kinds(token: str) -> frozenset[str]:
    name = token.rsplit(":", 1)[-1]
    found = set()
    for kind, patterns in KINDS.items():
        for pattern, _ in patterns:
            target = token if pattern.startswith("^") else name
            if re.search(pattern, target):
                found.add(kind)
    return frozenset(found)


@functools.cache
def _property_kinds(properties: frozenset[str]) -> frozenset[str]:
    return frozenset(
        kind
        for kind, groups in PROPERTY_KINDS.items()
        if all(any(re.match(pattern, p) for p in properties) for pattern, _ in groups)
    )


def candidates(tokens: Iterable[str], rule: str, properties: Mapping[str, Iterable[str]] | None = None) -> list[str]:
    """The SDK types a rule must judge or exclude."""
    kinds, clouds = RULE_SCOPE[rule]
    prefixes = tuple(p for c in clouds for p in PREFIXES[c])
    properties = properties or {}
    return sorted(
        t for t in frozenset(tokens) if t.startswith(prefixes) and kinds_of(t, properties.get(t, ())) & set(kinds)
    )


@dataclass(frozen=True)
class RuleCoverage:
    rule: str
    covered: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]  # (token, reason)
    unclassified: tuple[str, ...]


def classify(
    tokens: Iterable[str],
    covered: Mapping[str, Iterable[str]],
    exclusions: Iterable[Exclusion],
    properties: Mapping[str, Iterable[str]] | None = None,
) -> list[RuleCoverage]:
    """Per rule: candidates it checks, candidates excluded or not judged (with the reason), and the
    rest. A not-judged reason is marked so (the resource gets the advisory violation)."""
    tokens = set(tokens)
    exclusions = list(exclusions)
    report = []
    for rule in RULE_SCOPE:
        checked = set(covered.get(rule, ()))
        rows_covered, rows_excluded, rest = [], [], []
        for token in candidates(tokens, rule, properties):
            if token in checked:
                rows_covered.append(token)
                continue
            found = next((e for e in exclusions if e.applies(token, rule)), None)
            if found is None:
                rest.append(token)
            else:
                reason = f"not judged (advisory): {found.reason}" if isinstance(found, NotJudged) else found.reason
                rows_excluded.append((token, reason))
        report.append(RuleCoverage(rule, tuple(rows_covered), tuple(rows_excluded), tuple(rest)))
    return report


def render(report: list[RuleCoverage], versions: Mapping[str, str]) -> str:
    """The coverage report as Markdown: per rule, the covered types, then the excluded ones grouped
    by reason."""
    lines = [
        "# Policy pack coverage",
        "",
        "Generated by `python -m policies.type_coverage` from the installed provider SDKs "
        f"({', '.join(f'{k} {v}' for k, v in versions.items())}); `tests/policies/test_policy_coverage.py` fails when "
        "it is out of date or when a type of a rule's kinds is neither checked, left out nor named as not judged.",
        "",
        "A type is of a kind by what its schema declares (an input property at any depth): "
        + "; ".join(f"**{kind}**: " + " and ".join(why for _, why in groups) for kind, groups in PROPERTY_KINDS.items())
        + ". Or by name: "
        + "; ".join(f"**{kind}**: {', '.join(f'`{p}`' for p, _ in patterns)}" for kind, patterns in KINDS.items())
        + ". Azure types are also matched in their versioned form (`azure-native:compute/v20240701:VirtualMachine`). "
        "Types marked *not judged (advisory)* get the advisory `not-judged-by-this-pack` violation in a preview.",
        "",
    ]
    for row in report:
        lines += [f"## `{row.rule}`", "", f"Checks {len(row.covered)} types:", ""]
        lines += [f"- `{t}`" for t in row.covered]
        by_reason: dict[str, list[str]] = {}
        for token, reason in row.excluded:
            by_reason.setdefault(reason, []).append(token)
        lines += ["", f"Leaves out {len(row.excluded)} types:", ""]
        for reason, tokens in by_reason.items():
            shown = ", ".join(f"`{t}`" for t in tokens)
            lines.append(f"- {reason}: {shown}")
        if row.unclassified:
            lines += ["", "Not yet classified: " + ", ".join(f"`{t}`" for t in row.unclassified)]
        lines.append("")
    return "\n".join(lines)


# --- The report for the installed SDKs ------------------------------------------------------------

COVERAGE_PAGE = "docs/policy-coverage.md"


def report_for(sdk: SdkTypes) -> list[RuleCoverage]:
    return classify(sdk.tokens, covered_types(), EXCLUDED, sdk.properties)


def current_page() -> str:
    """The coverage page for the installed SDKs and the pack as it is."""
    sdk = scan_sdks(SDK_PACKAGES)
    return render(report_for(sdk), sdk.versions)


def main() -> None:
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / COVERAGE_PAGE
    path.write_text(current_page())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
