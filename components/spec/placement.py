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

The algorithm is here; which zones a cloud takes, and how it names them, is its rules'
(``requested_zone``, ``account_zone``, ``ZONAL_SUBNETS``, ... of ``cloud_rules/<cloud>.py``).
"""

from __future__ import annotations

from collections.abc import Collection

from ..catalog import Catalog, Offering
from ..cloud_rules import ZoneError, listed, rules
from ..cloud_rules.aws import AZ_ID as AWS_AZ_ID

__all__ = ["AWS_AZ_ID", "ZoneError", "place", "requested_zone", "search_zones"]


def requested_zone(cloud: str, region: str, zone: object, catalog: Catalog) -> str | None:
    """The zone a user named, checked for existence and normalised by its cloud's rules (AWS: the AZ
    ID where the name maps to one in every account). None when no zone was named."""
    if zone is None:
        return None
    return rules(cloud).requested_zone(region, zone, catalog)


def search_zones(cloud: str, requested: str | None, network_zones: Collection[str] | None) -> frozenset[str] | None:
    """The zones a size search may pick from: the requested zone, else the network's (AWS)."""
    if requested is not None:
        if rules(cloud).account_zone(requested):
            return None  # an account-specific AZ name: place() checks the pick
        return frozenset([requested])
    if rules(cloud).ZONAL_SUBNETS and network_zones is not None:
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
    cloud_rules = rules(cloud)
    region, size = offering.region, offering.instance_type
    # A type whose zones the catalog does not know (GCP C4A, seeded by region) is placed as in a
    # region without per-zone data.
    known = catalog.zone_offerings_known(region) and offering.zones is not None
    offered = offering.zones or ()
    zonal_network = cloud_rules.ZONAL_SUBNETS and network_zones is not None
    if requested is not None:
        if cloud_rules.account_zone(requested):
            problem = cloud_rules.account_zone_problem(offering, catalog, requested, network)
            if problem is not None:
                raise ZoneError(problem)
            return requested
        if known and requested not in offered:
            raise ZoneError(f"{size} is not offered in {requested}; zones of {region} that offer it: {listed(offered)}")
        if zonal_network and requested not in network_zones:
            raise ZoneError(
                f"network {network!r} has no subnet in {requested}; its zones: {listed(sorted(network_zones))}"
            )
        return requested
    if cloud_rules.REGIONAL_WITHOUT_ZONE:
        return None
    if not known:
        if cloud_rules.PLACED_WITHOUT_ZONE_DATA and catalog.zones(region):
            return default_zone if default_zone in catalog.zones(region) else catalog.zones(region)[0]
        raise ZoneError(
            f"the catalog has no per-zone offerings for {region} (refresh it: python -m components catalog "
            f"refresh {cloud} --regions {region}); give zone to place the VM yourself"
            + (f" ({listed(catalog.zones(region))})" if catalog.zones(region) else "")
        )
    candidates = [z for z in offered if not zonal_network or z in network_zones]
    if not candidates:
        if not offered:
            raise ZoneError(f"no zone of {region} offers {size}")
        raise ZoneError(
            f"network {network!r} has subnets in {listed(sorted(network_zones or ()))}, none of which offers "
            f"{size}; zones that do: {listed(offered)}"
        )
    if default_zone in candidates:
        return default_zone
    return candidates[0]
