"""GCP's part of the snapshot build (``catalog/builders/__init__.py`` says what each name is)."""

from __future__ import annotations

from collections.abc import Iterable

from .. import seeds
from ..zones import ZoneData, gcp_zone_data

KNOWN_SOURCE = (
    "8e803277d13ce1072996cdc1a68d9a98d072d862f96844f329f0054df25eb158",
    "2026-05-20",
    "Google Cloud Billing Catalog, on-demand and spot",
)
ACCELERATORS = "gcp_accelerators.csv.gz"

# Shared-core E2 types get a fraction of a vCPU's price (GCP's published fractions). The
# catalog-source rows price them as two full vCPUs (e2-micro at $0.04655/h in us-central1, GCP's
# list price is $0.008376/h), so they are recomputed from the region's E2 core and RAM rates.
SHARED_CORE_FRACTIONS = {"e2-micro": 0.25, "e2-small": 0.5, "e2-medium": 1.0}


def e2_rates(standard_2: float, highcpu_2: float) -> tuple[float, float]:
    """Per-vCPU and per-GiB E2 rates from e2-standard-2 (2 vCPU, 8 GiB) and e2-highcpu-2 (2, 2)."""
    ram = (standard_2 - highcpu_2) / 6
    return (highcpu_2 - 2 * ram) / 2, ram


def correct_shared_core(rows: list[dict]) -> list[dict]:
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
            for name, fraction in SHARED_CORE_FRACTIONS.items():
                if name in types:
                    memory = float(types[name]["memory_gib"])
                    types[name][column] = f"{fraction * core + memory * ram:.6f}"
    return rows


def corrected(rows: list[dict], source: str) -> tuple[list[dict], str]:
    """Shared-core E2 prices as GCP's fractions of a vCPU, and the seeded rows (``catalog/seeds.py``)."""
    seed = seeds.read()
    rows, _notes = seeds.apply(correct_shared_core(rows), {row["region"] for row in rows}, seed)
    note = f"A2/A3, local-SSD and C4A sizes: Cloud Billing Catalog of {seed['date']} (see catalog/sources)"
    return rows, f"{source}; {note}"


def zone_data(regions: set[str]) -> ZoneData:
    return gcp_zone_data()


def size_facts(names: Iterable[str]) -> dict[str, dict]:
    """None per size: GCP's are per machine family, in ``components/cloud_rules/gcp.py``."""
    return {}


def gpu_info() -> None:
    return None
