"""Validation of a shared network: a ``NetworkArgs`` mapping becomes a checked ``NetworkSpec``.

Pure Python (no Pulumi), like the rest of ``spec``. A network is the private address space that many VMs of
one cloud share, so that a stack's network count does not grow with its VM count (clouds cap
networks per region or project: AWS 5 VPCs and 5 internet gateways per region, GCP 15 networks
per project by default; see docs/networks.md):

- AWS: one VPC per region, with an internet gateway, a route table routing 0.0.0.0/0 to it, and one
  subnet per availability zone (by AZ ID) in ``zones``;
- Azure: one virtual network per region with one subnet, in ``resource_group_name`` or a resource
  group the network creates per region;
- GCP: one VPC network (custom subnet mode) in ``project`` with one subnetwork per region.

Firewalls stay per VM (security group, NSG, firewall rules scoped to the VM's network tag).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import catalog
from ..cloud_rules import CLOUDS, ZoneError, rules
from ..cloud_rules import aws as aws_rules
from ..cloud_rules import azure as azure_rules
from ..cloud_rules import gcp as gcp_rules
from ..errors import SpecError
from .model import CLOUD_ONLY_KEYS, Checker, CloudDefaults
from .placement import requested_zone
from .scope import check_project, check_resource_group
from .tags import check_tags

NETWORK_KEYS = frozenset(["cloud", "regions", "zones", "cidr", "project", "resource_group_name", "tags"])
DEFAULT_CIDR = "10.42.0.0/16"
# AWS VPCs take /16 to /28 (source: AWS, "VPC CIDR blocks",
# https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html); each AZ gets a /(n+4) of it,
# so /24 is the smallest network that still leaves every subnet a /28.
CIDR_PREFIX_RANGE = (16, 24)
PRIVATE_RANGES = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))

GCP_REGION_RANGES = gcp_rules.REGION_RANGES  # GCP's auto-mode subnet ranges (cloud_rules/gcp_ranges.py)


@dataclass(frozen=True)
class NetworkSpec:
    name: str
    cloud: str
    regions: tuple[str, ...]
    zones: tuple[str, ...] = ()
    """AWS: the AZ IDs that get a subnet (sorted); empty on Azure and GCP, whose subnets span zones."""
    cidr: str = DEFAULT_CIDR
    project: str | None = None
    resource_group_name: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    def zones_of(self, region: str) -> tuple[str, ...]:
        return tuple(z for z in self.zones if z in catalog.load(self.cloud).zones(region))


# Each cloud's subnet ranges, used by its adapter (cloud_rules/<cloud>.py, ``subnet_cidr``).
aws_subnet_cidr = aws_rules.subnet_cidr
azure_subnet_cidr = azure_rules.subnet_cidr
gcp_subnet_cidr = gcp_rules.subnet_cidr


def validate_network(name: Any, args: Mapping[str, Any], defaults: Any = None) -> NetworkSpec:
    """Checks a network's args completely; raises SpecError naming the network, field and value.
    ``defaults`` is the provider configuration (a ``spec.CloudDefaults``) for region and project."""
    defaults = defaults or CloudDefaults()

    if not isinstance(name, str) or not name:
        raise SpecError(str(name), "name", name, "expected a non-empty string", kind="Network")

    def fail(field_name: str, value: object, expected: str) -> SpecError:
        return SpecError(name, field_name, value, expected, kind="Network")

    if not isinstance(args, Mapping):
        raise fail("args", args, "expected a mapping of NetworkArgs keys")
    unknown = sorted(set(args) - NETWORK_KEYS)
    if unknown:
        raise fail(unknown[0], args[unknown[0]], "unknown key; valid keys: " + ", ".join(sorted(NETWORK_KEYS)))
    cloud = args.get("cloud")
    if cloud not in CLOUDS:
        raise fail("cloud", cloud, "expected one of " + ", ".join(CLOUDS))
    for key, only_cloud in CLOUD_ONLY_KEYS.items():
        if args.get(key) is not None and cloud != only_cloud:
            raise fail(key, args[key], f"only applies to cloud {only_cloud!r}, not {cloud!r}")
    pattern, rule = rules(cloud).NAME_RULE
    if not pattern.fullmatch(name):
        raise fail("name", name, f"{cloud} network names must be {rule}")

    cat = catalog.load(cloud)
    regions = args.get("regions")
    if regions is None:
        regions = [defaults.region] if defaults.region else None
    if not isinstance(regions, (list, tuple)) or not regions or len(set(regions)) != len(regions):
        raise fail("regions", regions, f"expected a list of distinct {cloud} regions (or a provider default region)")
    for region in regions:
        if region not in cat.regions:
            raise fail("regions", region, f"not a {cloud} region; e.g. " + ", ".join(cat.regions[:8]))
        problem = rules(cloud).network_region_problem(region)
        if problem is not None:
            raise fail("regions", region, problem)

    zones = _zones(fail, cloud, list(regions), args.get("zones"), cat)
    cidr = _network_cidr(fail, cloud, args.get("cidr"))
    checker = Checker(name, args, kind="Network")
    project = check_project(checker, cloud, defaults)
    group = check_resource_group(checker, cloud)

    tags = check_tags(checker, cloud)
    return NetworkSpec(name, cloud, tuple(regions), zones, cidr, project, group, tags)


def _zones(fail, cloud: str, regions: list[str], zones: object, cat: catalog.Catalog) -> tuple[str, ...]:
    if not rules(cloud).ZONAL_SUBNETS:
        if zones is not None:
            zonal = ", ".join(rules(c).TITLE for c in CLOUDS if rules(c).ZONAL_SUBNETS)
            raise fail("zones", zones, f"only for {zonal} (subnets per zone); {cloud} subnets span the region's zones")
        return ()
    if zones is None:
        left_out = {region: constrained_zones(cat, region) for region in regions}
        return tuple(z for region in regions for z in cat.zones(region) if z not in left_out[region])
    if not isinstance(zones, (list, tuple)) or not zones:
        raise fail("zones", zones, "expected a non-empty list of AZ IDs of the network's regions")
    result = []
    for zone in zones:
        region = next((r for r in regions if isinstance(zone, str) and zone in cat.zones(r)), None)
        if region is None:
            region = next((r for r in regions if isinstance(zone, str) and zone in cat.zone_names(r)), None)
        if region is None:
            valid = ", ".join(z for r in regions for z in cat.zones(r))
            raise fail("zones", zone, f"expected an AZ ID of {', '.join(regions)}: {valid}")
        try:
            normalized = requested_zone(cloud, region, zone, cat)
        except ZoneError as error:
            raise fail("zones", zone, str(error)) from None
        if rules(cloud).account_zone(normalized):
            raise fail("zones", zone, f"which physical zone this is depends on the account in {region}; give the AZ ID")
        result.append(normalized)
    return tuple(sorted(set(result)))


# AWS calls some zones "constrained": closed to new subnets in many accounts, where CreateSubnet answers
# "Subnets can currently only be created in the following availability zones: ..." (for example
# use1-az3 in us-east-1 and apne1-az3 in ap-northeast-1; AWS re:Post, "Why can't I launch EC2 instances
# or create subnets in a specific Availability Zone?"). They show in the per-AZ offerings
# (DescribeInstanceTypeOfferings by AZ ID, the catalog's zone data) as zones offering a small fraction of
# the types the region's other zones offer: use1-az3 67 of 838, apne1-az3 and usw1-az2 none (moto
# 5.2.5 data); the next lowest, euw2-az4, offers 147 of 513 (29%), a newer zone still filling up.
CONSTRAINED_ZONE_SHARE = 0.25


def constrained_zones(cat: catalog.Catalog, region: str) -> frozenset[str]:
    """AZ IDs of ``region`` offering fewer than a quarter of the types of its best-provisioned zone
    (none where the catalog lacks per-zone offerings)."""
    if not cat.zone_offerings_known(region):
        return frozenset()
    counts = dict.fromkeys(cat.zones(region), 0)
    for offering in cat.offerings(region).values():
        for zone in offering.zones or ():
            if zone in counts:
                counts[zone] += 1
    most = max(counts.values(), default=0)
    return frozenset(zone for zone, count in counts.items() if count < CONSTRAINED_ZONE_SHARE * most)


def _network_cidr(fail, cloud: str, cidr: object) -> str:
    if cidr is None:
        return DEFAULT_CIDR
    refused = rules(cloud).NETWORK_CIDR_REFUSED
    if refused is not None:
        raise fail("cidr", cidr, refused)
    low, high = CIDR_PREFIX_RANGE
    try:
        network = ipaddress.ip_network(cidr) if isinstance(cidr, str) else None
    except ValueError:
        network = None
    if (
        network is None
        or network.version != 4
        or not low <= network.prefixlen <= high
        or not any(network.subnet_of(p) for p in PRIVATE_RANGES)
    ):
        raise fail("cidr", cidr, f"expected a private IPv4 block (RFC 1918) from /{low} to /{high}, e.g. 10.42.0.0/16")
    return str(network)


def network_key(cloud: str, region: str, project: str | None, resource_group_name: str | None) -> tuple:
    """What VMs must share to share a network: cloud and, per cloud, region / project / group."""
    return rules(cloud).network_key(region, project, resource_group_name)


def shared_network_args(members: Sequence[Any]) -> dict[str, Any]:
    """NetworkArgs for a network its member VMs (validated specs of one network key) share: their cloud
    and regions; where a network has a subnet per zone, exactly the zones they use (by a zone's stable
    id: an AWS AZ name only the account resolves is left to the network's default); the keys only this
    cloud takes that scope the network (GCP project, Azure resource group); the tags every member carries."""
    first = members[0]
    cloud = rules(first.cloud)
    args: dict[str, Any] = {"cloud": first.cloud, "regions": sorted({s.region for s in members})}
    if cloud.ZONAL_SUBNETS:
        args["zones"] = sorted({s.zone for s in members if s.zone and not cloud.account_zone(s.zone)}) or None
    for key in cloud.OWN_KEYS:
        args[key] = getattr(first, key) or None
    common = set(first.tags.items()).intersection(*(s.tags.items() for s in members[1:]))
    if common:
        args["tags"] = dict(sorted(common))
    return {k: v for k, v in args.items() if v is not None}


NETWORK_NAME_LENGTH = 46


def legacy_network_name(key: tuple) -> str:
    """The name earlier versions gave a shared network: lowercased, other characters as ``-``, cut at 46,
    so that distinct keys could meet (``rg_app`` and ``rg.app``; two long group names)."""
    parts = ["net", *(p for p in key if p)]
    return re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-")[:NETWORK_NAME_LENGTH].rstrip("-")


def network_name(key: tuple) -> str:
    """The stack program's name for a shared network: ``net-aws-us-east-1``, ``net-gcp-my-project``,
    ``net-azure-eastus-<group>``. Where the readable form is not exactly the key (a resource group with
    capitals, ``_``, ``.`` or ``()``, or a name cut at 46 characters) a digest of the key follows it, so
    distinct keys never share a name; names that were exact are unchanged (a name is part of the URN)."""
    readable = legacy_network_name(key)
    if readable == "-".join(["net", *(p for p in key if p)]):
        return readable
    digest = hashlib.sha256(repr(tuple(key)).encode()).hexdigest()[:6]
    return f"{readable[: NETWORK_NAME_LENGTH - len(digest) - 1].rstrip('-')}-{digest}"


def network_names(keys: list[tuple]) -> dict[tuple, tuple[str, str | None]]:
    """Per key: the network's name and the earlier version's name to alias it from (None where the
    name did not change, or where the earlier name was shared by several keys, which an earlier
    version could not deploy together)."""
    legacy: dict[str, int] = {}
    for key in keys:
        legacy[legacy_network_name(key)] = legacy.get(legacy_network_name(key), 0) + 1
    result = {}
    for key in keys:
        name, old = network_name(key), legacy_network_name(key)
        result[key] = (name, old if old != name and legacy[old] == 1 else None)
    return result
