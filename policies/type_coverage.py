"""Which resource types each rule must judge, by design: the kinds of resource that can do what a
rule guards, recognised by name patterns over every type token the provider SDKs define, and the
report of which of those types each rule checks and which it leaves out, with why.

The per-cloud modules (``aws_types``, ``azure_types``, ``gcp_types``) hold the checks and the
exclusions; ``tests/test_policy_coverage.py`` walks the installed SDKs and fails on any type of a
rule's kinds that has neither. ``python -m policies.type_coverage`` writes docs/policy-coverage.md.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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
    ),
    # Anything that gives or attaches a public address.
    "public-address": (
        ("PublicIp|PublicIP", "Azure public IPs and prefixes, other public-IP resources"),
        ("^aws:ec2/eip", "Elastic IPs and their associations"),
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
    "admin-ports-open-to-internet": (("network",), ("aws", "azure", "gcp")),
    "disk-encryption-required": (("disk", "vm"), ("aws", "azure", "gcp")),
    "ec2-imdsv2-required": (("vm",), ("aws",)),
    "azure-linux-password-login": (("vm",), ("azure",)),
    "public-ip-on-vm": (("public-address", "vm"), ("aws", "azure", "gcp")),
    "required-tags": (("vm", "disk"), ("aws", "azure", "gcp")),
    "allowed-regions": (("vm", "disk"), ("aws", "azure", "gcp")),
    "allowed-images": (("image", "vm", "disk"), ("aws", "azure", "gcp")),
    "gcp-shielded-vm": (("vm",), ("gcp",)),
    "gcp-default-service-account": (("vm",), ("gcp",)),
    "vm-hourly-price-ceiling": (("vm",), ("aws", "azure", "gcp")),
    "vm-price-unknown": (("vm",), ("aws", "azure", "gcp")),
    "stack-monthly-budget": (("vm",), ("aws", "azure", "gcp")),
}

PREFIXES = {"aws": "aws:", "azure": "azure-native:", "gcp": "gcp:"}


@dataclass(frozen=True)
class Exclusion:
    """Types (a regex, full match on the token) a rule leaves out on purpose, and why. ``rules``
    empty: every rule whose kinds the types fall in."""

    pattern: str
    reason: str
    rules: tuple[str, ...] = ()

    def applies(self, token: str, rule: str) -> bool:
        return (not self.rules or rule in self.rules) and re.fullmatch(self.pattern, token) is not None


def kinds_of(token: str) -> set[str]:
    name = token.rsplit(":", 1)[-1]
    found = set()
    for kind, patterns in KINDS.items():
        for pattern, _ in patterns:
            target = token if pattern.startswith("^") else name
            if re.search(pattern, target):
                found.add(kind)
    return found


def candidates(tokens: Iterable[str], rule: str) -> list[str]:
    """The SDK types a rule must judge or exclude."""
    kinds, clouds = RULE_SCOPE[rule]
    prefixes = tuple(PREFIXES[c] for c in clouds)
    return sorted(t for t in frozenset(tokens) if t.startswith(prefixes) and _kinds(t) & set(kinds))


@functools.cache
def _kinds(token: str) -> frozenset[str]:
    return frozenset(kinds_of(token))


@dataclass(frozen=True)
class RuleCoverage:
    rule: str
    covered: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]  # (token, reason)
    unclassified: tuple[str, ...]


def classify(
    tokens: Iterable[str], covered: Mapping[str, Iterable[str]], exclusions: Iterable[Exclusion]
) -> list[RuleCoverage]:
    """Per rule: candidates it checks, candidates excluded (with the reason), and the rest."""
    tokens = set(tokens)
    exclusions = list(exclusions)
    report = []
    for rule in RULE_SCOPE:
        checked = set(covered.get(rule, ()))
        rows_covered, rows_excluded, rest = [], [], []
        for token in candidates(tokens, rule):
            if token in checked:
                rows_covered.append(token)
                continue
            reason = next((e.reason for e in exclusions if e.applies(token, rule)), None)
            (rows_excluded.append((token, reason)) if reason else rest.append(token))
        report.append(RuleCoverage(rule, tuple(rows_covered), tuple(rows_excluded), tuple(rest)))
    return report


def render(report: list[RuleCoverage], versions: Mapping[str, str]) -> str:
    """The coverage report as Markdown: per rule, the covered types, then the excluded ones grouped
    by reason."""
    lines = [
        "# Policy pack coverage",
        "",
        "Generated by `python -m policies.type_coverage` from the installed provider SDKs "
        f"({', '.join(f'{k} {v}' for k, v in versions.items())}); `tests/test_policy_coverage.py` fails when "
        "it is out of date or when a type of a rule's kinds is neither checked nor excluded.",
        "",
        "Kinds are recognised by name: "
        + "; ".join(f"**{kind}**: {', '.join(f'`{p}`' for p, _ in patterns)}" for kind, patterns in KINDS.items())
        + ". Azure types are also matched in their versioned form (`azure-native:compute/v20240701:VirtualMachine`).",
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


# --- The installed SDKs (for the coverage test and the generated page, never for the pack) ----------

SDK_PACKAGES = {"aws": "pulumi_aws", "azure": "pulumi_azure_native", "gcp": "pulumi_gcp"}
_TOKEN = re.compile(rb"super\(\w+, __self__\)\.__init__\(\s*'([^']+)'")
_ALIAS = re.compile(rb'Alias\(type_="([^"]+)"\)')


@dataclass(frozen=True)
class SdkTypes:
    tokens: frozenset[str]  # every resource type token the SDKs register
    aliases: Mapping[str, frozenset[str]]  # token -> the other tokens the engine may know it by
    versions: Mapping[str, str]


def scan_sdks(packages: Mapping[str, str] = SDK_PACKAGES) -> SdkTypes:
    """Every resource class's type token and aliases, read from the SDK sources with a regex
    (importing azure-native whole would take minutes). Resource modules are the files not named
    _*.py, get_*.py or outputs.py; the token is the first argument of the class's super().__init__."""
    import importlib.metadata
    import importlib.util
    import os

    tokens: set[str] = set()
    aliases: dict[str, frozenset[str]] = {}
    versions = {}
    for package in packages.values():
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        versions[package] = importlib.metadata.version(package.replace("_", "-"))
        for directory, dirs, files in os.walk(spec.submodule_search_locations[0]):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for file in files:
                if not file.endswith(".py") or file.startswith(("_", "get_")) or file == "outputs.py":
                    continue
                with open(os.path.join(directory, file), "rb") as handle:
                    text = handle.read()
                end = text.rfind(b"__self__).__init__(")
                match = _TOKEN.search(text, max(0, end - 200)) if end >= 0 else None
                if not match:
                    continue
                token = match.group(1).decode()
                tokens.add(token)
                start = text.find(b"Alias(type_=", max(0, end - 30000))
                if start >= 0:
                    aliases[token] = frozenset(a.decode() for a in _ALIAS.findall(text, start, end))
    return SdkTypes(frozenset(tokens), aliases, versions)


COVERAGE_PAGE = "docs/policy-coverage.md"


def current_page() -> str:
    """The coverage page for the installed SDKs and the pack as it is."""
    from .rules import EXCLUDED, covered_types

    sdk = scan_sdks()
    return render(classify(sdk.tokens, covered_types(), EXCLUDED), sdk.versions)


def main() -> None:
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / COVERAGE_PAGE
    path.write_text(current_page())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
