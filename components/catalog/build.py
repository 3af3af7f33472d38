"""Builds the embedded snapshot from catalog-source CSV files (one row per type and region).

python -m components catalog build --source PATH/TO/catalog-source
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

from .size_facts import size_facts
from .snapshot import CLOUDS, build_document, snapshot_path, write_document
from .zones import ZoneData, aws_zone_data, azure_zone_data, gcp_zone_data

SOURCES = {
    "aws": (
        "2025-04-04",
        "AWS Price List (publication 2025-04-04), Linux on-demand, shared tenancy; shapes from DescribeInstanceTypes",
    ),
    "azure": ("2026-05-20", "Azure Retail Prices, Linux pay-as-you-go and spot"),
    "gcp": ("2026-05-20", "Google Cloud Billing Catalog, on-demand and spot"),
}


# GCP shared-core E2 types get a fraction of a vCPU's price (GCP's published fractions). The
# catalog-source rows price them as two full vCPUs (e2-micro at $0.04655/h in us-central1, GCP's
# list price is $0.008376/h), so they are recomputed from the region's E2 core and RAM rates.
GCP_SHARED_CORE_FRACTIONS = {"e2-micro": 0.25, "e2-small": 0.5, "e2-medium": 1.0}


def _rows(path: Path):
    with gzip.open(path, "rt", newline="") as f:
        yield from csv.DictReader(f)


def e2_rates(standard_2: float, highcpu_2: float) -> tuple[float, float]:
    """Per-vCPU and per-GiB E2 rates from e2-standard-2 (2 vCPU, 8 GiB) and e2-highcpu-2 (2, 2)."""
    ram = (standard_2 - highcpu_2) / 6
    return (highcpu_2 - 2 * ram) / 2, ram


def correct_gcp_shared_core(rows: list[dict]) -> list[dict]:
    by_region: dict[str, dict[str, dict]] = {}
    for row in rows:
        by_region.setdefault(row["region"], {})[row["instance_type"]] = row
    for types in by_region.values():
        standard, highcpu = types.get("e2-standard-2"), types.get("e2-highcpu-2")
        if not standard or not highcpu:
            continue
        for column in ("price_hourly", "spot_price_hourly"):
            if not standard[column] or not highcpu[column]:
                continue
            core, ram = e2_rates(float(standard[column]), float(highcpu[column]))
            for name, fraction in GCP_SHARED_CORE_FRACTIONS.items():
                if name in types:
                    memory = float(types[name]["memory_gib"])
                    types[name][column] = f"{fraction * core + memory * ram:.6f}"
    return rows


def zone_data(cloud: str, regions: set[str]) -> ZoneData:
    if cloud == "aws":
        return aws_zone_data(sorted(regions))
    return gcp_zone_data() if cloud == "gcp" else azure_zone_data()


def build_from_source(source_dir: Path, data_dir: Path | None = None) -> list[Path]:
    written = []
    for cloud in CLOUDS:
        snapshot_date, source = SOURCES[cloud]
        accelerators = ()
        if cloud == "gcp" and (source_dir / "gcp_accelerators.csv.gz").exists():
            accelerators = _rows(source_dir / "gcp_accelerators.csv.gz")
        rows = list(_rows(source_dir / f"{cloud}_vms.csv.gz"))
        if cloud == "gcp":
            rows = correct_gcp_shared_core(rows)
        zones = zone_data(cloud, {row["region"] for row in rows})
        facts = size_facts(cloud, {row["instance_type"] for row in rows})
        rows = [{**row, "facts": facts.get(row["instance_type"])} for row in rows]
        document = build_document(
            cloud,
            zones.annotate(rows),
            snapshot_date=snapshot_date,
            source=f"{source}; zones: {zones.source}" if zones.source else source,
            accelerators=accelerators,
            region_zones=zones.region_zones,
            zone_names=zones.zone_names,
            unverified_zones=zones.unverified,
        )
        path = snapshot_path(cloud, data_dir)
        write_document(document, path)
        written.append(path)
    return written
