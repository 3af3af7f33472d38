"""Builds the embedded snapshot from catalog-source CSV files (one row per type and region).

    python -m components catalog build --source PATH/TO/catalog-source
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

from .snapshot import CLOUDS, build_document, snapshot_path, write_document

SOURCES = {
    "aws": (
        "2025-04-04",
        "AWS Price List (publication 2025-04-04), Linux on-demand, shared tenancy; shapes from "
        "DescribeInstanceTypes",
    ),
    "azure": ("2026-05-20", "Azure Retail Prices, Linux pay-as-you-go and spot"),
    "gcp": ("2026-05-20", "Google Cloud Billing Catalog, on-demand and spot"),
}


def _rows(path: Path):
    with gzip.open(path, "rt", newline="") as f:
        yield from csv.DictReader(f)


def build_from_source(source_dir: Path, data_dir: Path | None = None) -> list[Path]:
    written = []
    for cloud in CLOUDS:
        snapshot_date, source = SOURCES[cloud]
        accelerators = ()
        if cloud == "gcp" and (source_dir / "gcp_accelerators.csv.gz").exists():
            accelerators = _rows(source_dir / "gcp_accelerators.csv.gz")
        document = build_document(
            cloud,
            _rows(source_dir / f"{cloud}_vms.csv.gz"),
            snapshot_date=snapshot_date,
            source=source,
            accelerators=accelerators,
        )
        path = snapshot_path(cloud, data_dir)
        write_document(document, path)
        written.append(path)
    return written
