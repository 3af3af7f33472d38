"""Azure's part of the snapshot build (``catalog/builders/__init__.py`` says what each name is)."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable

from ..zones import SOURCES_DIR, ZoneData, azure_zone_data

KNOWN_SOURCE = (
    "847effaebef6408b9a05e2678efd58c4989cf8bb3df8f20458f70e379fd9edcf",
    "2026-05-20",
    "Azure Retail Prices, Linux pay-as-you-go and spot",
)
ACCELERATORS = None

# NVv4 sizes get a fraction of one AMD Radeon Instinct MI25 (partitioned by SR-IOV): 1/8, 1/4, 1/2 and
# a whole GPU; catalog-source counts each as one GPU. Microsoft Learn, NVv4 series
# (https://learn.microsoft.com/azure/virtual-machines/nvv4-series, "GPU: 1/8, 1/4, 1/2, 1").
GPU_FRACTIONS = {
    "Standard_NV4as_v4": 0.125,
    "Standard_NV8as_v4": 0.25,
    "Standard_NV16as_v4": 0.5,
    "Standard_NV32as_v4": 1,
}


def corrected(rows: list[dict], source: str) -> tuple[list[dict], str]:
    """The NVv4 sizes' GPU counts as the fractions of a card they get."""
    for row in rows:
        if row["instance_type"] in GPU_FRACTIONS and row.get("gpu_name"):
            row["gpu_count"] = str(GPU_FRACTIONS[row["instance_type"]])
    return rows, source


def zone_data(regions: set[str]) -> ZoneData:
    return azure_zone_data()


def _bool(text: str) -> bool | None:
    return {"True": True, "False": False}.get(text)


def size_facts(names: Iterable[str] | None = None) -> dict[str, dict]:
    """The sizes' facts from ``sources/azure_sizes.csv.gz`` (``catalog/size_facts.py`` names them)."""
    wanted = set(names) if names is not None else None
    with gzip.open(SOURCES_DIR / "azure_sizes.csv.gz", "rt", newline="") as f:
        rows = list(csv.DictReader(f))
    facts: dict[str, dict] = {}
    for row in rows:
        if wanted is not None and row["size"] not in wanted:
            continue
        entry: dict = {}
        if row["generations"]:
            entry["generations"] = row["generations"].split()
        if row["max_data_disks"]:
            entry["max_data_disks"] = int(row["max_data_disks"])
        for key, column in (("spot", "spot"), ("premium_io", "premium_io")):
            if _bool(row[column]) is not None:
                entry[key] = _bool(row[column])
        facts[row["size"]] = entry
    return facts


def gpu_info() -> None:
    return None
