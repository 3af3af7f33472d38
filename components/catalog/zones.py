"""Which zones of a region offer each instance type, for the catalog build.

- AWS: each region's AZ IDs and, where it is the same in every account, the AZ name -> ID mapping
  (``sources/aws_zones.json``, with its sources); which AZ IDs offer each type from EC2
  ``DescribeInstanceTypeOfferings`` by ``availability-zone-id`` (an AZ ID such as ``use1-az4`` is the
  same physical zone in every account), as bundled by moto (``moto/ec2/resources/
  instance_type_offerings/availability-zone-id/*.json.gz``) and vendored in
  ``sources/aws_moto.json.gz`` (``catalog/vendored.py``). ``catalog refresh aws`` fetches the same
  data live.
- GCP: the machine types each zone offers, from the Compute API's per-zone machineTypes lists as
  collected on the same date as the shipped prices (``sources/gcp_zones.json.gz``; its ``sources``
  name them). ``catalog refresh gcp --project`` reads them live from the aggregated list.
- Azure: the regions with availability zones (``sources/azure_zones.json``). Per-size zone
  restrictions come only from the Resource SKUs API, so Azure regions stay "unverified".

Standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SOURCES_DIR = Path(__file__).with_name("sources")


@dataclass
class ZoneData:
    """Zones per region, and per (region, type) the zones that offer it."""

    region_zones: dict[str, list[str]] = field(default_factory=dict)
    type_zones: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    zone_names: dict[str, dict[str, str]] = field(default_factory=dict)
    unverified: set[str] = field(default_factory=set)
    """Regions whose zones are known but not which types each offers (rows are taken as every zone)."""
    source: str = ""

    def zones_for(self, region: str, instance_type: str) -> list[str] | None:
        """The zones offering a type (empty: none does); None where per-zone offerings are unknown."""
        if region not in self.region_zones or region in self.unverified:
            return None
        return self.type_zones.get((region, instance_type), [])

    def annotate(self, rows: Iterable[dict]) -> list[dict]:
        """Rows with their ``zones`` set from this data."""
        return [{**row, "zones": self.zones_for(str(row["region"]), str(row["instance_type"]))} for row in rows]


def aws_zone_data(regions: Iterable[str], offerings: dict[str, dict[str, list[str]]] | None = None) -> ZoneData:
    """AWS zones of ``regions``: the AZ IDs and name mapping of ``sources/aws_zones.json``, and which
    AZ IDs offer each type from the vendored per-AZ-ID offerings (``{region: {type: [AZ IDs]}}``)."""
    from .vendored import read

    facts = json.loads((SOURCES_DIR / "aws_zones.json").read_text())["regions"]
    offerings = read()["offerings"] if offerings is None else offerings
    data = ZoneData(
        source="AZ IDs from AWS's AZ list; offerings from DescribeInstanceTypeOfferings (AZ ID), as bundled by moto"
    )
    for region in regions:
        if region not in facts:
            continue
        data.region_zones[region] = sorted(facts[region]["az_ids"])
        data.zone_names[region] = dict(facts[region]["names"])
        if region not in offerings:
            data.unverified.add(region)
            continue
        for instance_type, zones in offerings[region].items():
            offered = [zone for zone in zones if zone in data.region_zones[region]]
            if offered:
                data.type_zones[(region, instance_type)] = offered
    return data


def gcp_zone_data(path: Path | None = None) -> ZoneData:
    """GCP zones and the machine types each offers, from the seeded facts file."""
    import gzip

    with gzip.open(path or SOURCES_DIR / "gcp_zones.json.gz", "rt") as f:
        document = json.load(f)
    data = ZoneData(source=f"Compute API machineTypes per zone ({document['date']}; see catalog/sources/README.md)")
    for zone, types in document["zones"].items():
        region = zone.rsplit("-", 1)[0]
        data.region_zones.setdefault(region, []).append(zone)
        for instance_type in types:
            data.type_zones.setdefault((region, instance_type), []).append(zone)
    for zones in data.region_zones.values():
        zones.sort()
    return data


def azure_zone_data(path: Path | None = None) -> ZoneData:
    """Azure regions with availability zones; which sizes each zone offers is unknown."""
    document = json.loads((path or SOURCES_DIR / "azure_zones.json").read_text())
    regions = {region: sorted(zones) for region, zones in document["regions"].items() if zones}
    return ZoneData(region_zones=regions, unverified=set(regions), source=document.get("source", ""))
