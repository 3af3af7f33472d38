"""Zones: which zone a VM lands in, and which zones a user may name. Pure Python, no Pulumi.

Every VM lands in a zone that offers its size, per the catalog's zone data:

- **AWS** keys zones by AZ ID (``use1-az4``), the same physical zone in every account. AZ *names*
  (``us-east-1a``) are mapped to physical zones independently per account in the oldest regions
  (for accounts created before November 2025), and uniformly everywhere else (source: AWS, "AZ IDs",
  https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html). A name is
  translated to its ID where the catalog knows the uniform mapping; otherwise the name is kept (the
  account resolves it) and accepted only for a size that every zone of the region offers, since it
  could be any of them.
  Without a zone, the VM takes the first AZ ID (sorted) that offers its size: deterministic, so a
  plan does not move a VM, and most VMs of a region share one zone (one subnet). A region whose
  per-zone offerings the catalog lacks needs an explicit zone.
- **GCP** zones are names (``us-central1-b``); many families exist only in some zones of a region
  (source: Google Cloud, "Regions and zones", https://cloud.google.com/compute/docs/regions-zones).
  Without a zone: the provider's ``gcp:zone`` when it is in the region and offers the size, else the
  first zone (sorted) that does.
- **Azure** zones are the logical zones "1"-"3" of regions with availability zones (source: Microsoft
  Learn, "Azure regions with availability zone support",
  https://learn.microsoft.com/azure/reliability/regions-list). Without a zone a VM is regional
  (Azure places it), which always works.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from ..catalog import Catalog, Offering

AWS_AZ_ID = re.compile(r"^[a-z]+\d+-az\d+$")


class ZoneError(ValueError):
    """A zone that does not exist, does not offer the size or is not in the network: the message
    says what would be valid."""


def _listed(zones: Collection[str], limit: int = 8) -> str:
    ordered = list(zones)
    more = f", ... ({len(ordered)} in all)" if len(ordered) > limit else ""
    return ", ".join(ordered[:limit]) + more if ordered else "none"


def requested_zone(cloud: str, region: str, zone: object, catalog: Catalog) -> str | None:
    """The zone a user named, checked for existence and normalised (AWS: the AZ ID where the name
    maps to one in every account). None when no zone was named."""
    if zone is None:
        return None
    zones = catalog.zones(region)
    if cloud == "aws":
        names = catalog.zone_names(region)
        valid = f"an AZ ID of {region} ({_listed(zones)})" + (f" or AZ name ({_listed(names)})" if names else "")
        if not isinstance(zone, str):
            raise ZoneError(f"expected {valid}")
        if AWS_AZ_ID.fullmatch(zone):
            if zones and zone not in zones:
                raise ZoneError(f"no such AZ ID in {region}; expected {valid}")
            return zone
        if not re.fullmatch(re.escape(region) + r"[a-z]", zone):
            raise ZoneError(f"expected {valid}")
        if names and zone not in names:
            raise ZoneError(f"{region} has no zone {zone}; expected {valid}")
        return names.get(zone) or zone  # without a known ID, a name only the account resolves; see place()
    if cloud == "gcp":
        valid = f"a zone of {region}: {_listed(zones)}" if zones else f"a zone of {region} such as {region}-b"
        if not isinstance(zone, str) or not (zone in zones if zones else zone.startswith(region + "-")):
            raise ZoneError(f"expected {valid}")
        return zone
    if not zones:
        raise ZoneError(f"{region} has no availability zones; leave zone out (the VM is then regional)")
    if zone not in zones:
        raise ZoneError("expected an availability zone of " + region + ": " + _listed(zones))
    return zone


def search_zones(cloud: str, requested: str | None, network_zones: Collection[str] | None) -> frozenset[str] | None:
    """The zones a size search may pick from: the requested zone, else the network's (AWS)."""
    if requested is not None:
        if cloud == "aws" and not AWS_AZ_ID.match(requested):
            return None  # an account-specific AZ name: place() checks the pick
        return frozenset([requested])
    if cloud == "aws" and network_zones is not None:
        return frozenset(network_zones)
    return None


def place(
    cloud: str,
    offering: Offering,
    catalog: Catalog,
    requested: str | None,
    *,
    network: str | None = None,
    network_zones: Collection[str] | None = None,
    default_zone: str | None = None,
) -> str | None:
    """The zone the VM lands in (None: an Azure regional VM); ZoneError when none fits."""
    region, size = offering.region, offering.instance_type
    # A type whose zones the catalog does not know (GCP C4A, seeded by region) is placed as in a
    # region without per-zone data.
    known = catalog.zone_offerings_known(region) and offering.zones is not None
    offered = offering.zones or ()
    if requested is not None:
        if cloud == "aws" and not AWS_AZ_ID.match(requested):
            return _aws_account_zone_name(offering, catalog, requested, network)
        if known and requested not in offered:
            raise ZoneError(
                f"{size} is not offered in {requested}; zones of {region} that offer it: {_listed(offered)}"
            )
        if cloud == "aws" and network_zones is not None and requested not in network_zones:
            raise ZoneError(
                f"network {network!r} has no subnet in {requested}; its zones: {_listed(sorted(network_zones))}"
            )
        return requested
    if cloud == "azure":
        return None
    if not known:
        if cloud == "gcp" and catalog.zones(region):
            return default_zone if default_zone in catalog.zones(region) else catalog.zones(region)[0]
        raise ZoneError(
            f"the catalog has no per-zone offerings for {region} (refresh it: python -m components catalog "
            f"refresh {cloud} --regions {region}); give zone to place the VM yourself"
            + (f" ({_listed(catalog.zones(region))})" if catalog.zones(region) else "")
        )
    candidates = [z for z in offered if network_zones is None or cloud != "aws" or z in network_zones]
    if not candidates:
        if not offered:
            raise ZoneError(f"no zone of {region} offers {size}")
        raise ZoneError(
            f"network {network!r} has subnets in {_listed(sorted(network_zones or ()))}, none of which offers "
            f"{size}; zones that do: {_listed(offered)}"
        )
    if default_zone in candidates:
        return default_zone
    return candidates[0]


def _aws_account_zone_name(offering: Offering, catalog: Catalog, name: str, network: str | None) -> str:
    region, size = offering.region, offering.instance_type
    if network is not None:
        raise ZoneError(
            f"which physical zone {name} is depends on the AWS account in {region}, and a network's subnets "
            f"are placed by AZ ID; give an AZ ID ({_listed(offering.zones or catalog.zones(region))})"
        )
    zones = catalog.zones(region)
    missing = [z for z in zones if z not in (offering.zones or ())]
    if catalog.zone_offerings_known(region) and missing:
        raise ZoneError(
            f"which physical zone {name} is depends on the AWS account in {region}, and {size} is not "
            f"offered in every zone (not in {_listed(missing)}); give the AZ ID instead: "
            f"{_listed(offering.zones or ())} offer it"
        )
    return name
