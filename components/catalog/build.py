"""Builds the embedded snapshot from catalog-source CSV files (one row per type and region).

python -m components catalog build --source PATH/TO/catalog-source [--date YYYY-MM-DD --origin TEXT]

All or nothing: every input file is read and checked (gzip, CSV columns, numbers, regions) before
anything is written, and the three snapshots are then replaced together, so a failed build leaves
every snapshot byte for byte as it was. The date and source stamped on a snapshot come from the
input: the catalog-source release this build knows (recognised by its files' SHA-256), or
``--date``/``--origin`` for any other input.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import math
import zlib
from dataclasses import dataclass
from pathlib import Path

from . import seeds
from .normalise import normalise_shape
from .parts import seeded_prices
from .size_facts import size_facts
from .snapshot import CLOUDS, build_document, snapshot_path, write_documents
from .vendored import read as read_vendored
from .zones import ZoneData, aws_zone_data, azure_zone_data, gcp_zone_data

# The catalog-source release the shipped snapshots are built from (see its README): the SHA-256 of
# each cloud's VM file, and when and where its prices come from.
KNOWN_SOURCES = {
    "aws": (
        "38f52c54b6d6a093f6a522a3bc82c4e9bd903b01e1903ce837b3421f90ded399",
        "2025-04-04",
        "AWS Price List (publication 2025-04-04), Linux on-demand, shared tenancy; shapes from DescribeInstanceTypes",
    ),
    "azure": (
        "847effaebef6408b9a05e2678efd58c4989cf8bb3df8f20458f70e379fd9edcf",
        "2026-05-20",
        "Azure Retail Prices, Linux pay-as-you-go and spot",
    ),
    "gcp": (
        "8e803277d13ce1072996cdc1a68d9a98d072d862f96844f329f0054df25eb158",
        "2026-05-20",
        "Google Cloud Billing Catalog, on-demand and spot",
    ),
}
VM_COLUMNS = ("cloud", "instance_type", "vcpus", "memory_gib", "arch", "region", "price_hourly")
ACCELERATOR_COLUMNS = ("accelerator_name", "accelerator_count", "region", "price_hourly")
ARCHES = ("x86_64", "arm64")


class BuildError(ValueError):
    """Input a build cannot use; the message names the file, the line and what is wrong."""


@dataclass(frozen=True)
class Provenance:
    date: str
    source: str


# GCP shared-core E2 types get a fraction of a vCPU's price (GCP's published fractions). The
# catalog-source rows price them as two full vCPUs (e2-micro at $0.04655/h in us-central1, GCP's
# list price is $0.008376/h), so they are recomputed from the region's E2 core and RAM rates.
GCP_SHARED_CORE_FRACTIONS = {"e2-micro": 0.25, "e2-small": 0.5, "e2-medium": 1.0}

# Azure NVv4 sizes get a fraction of one AMD Radeon Instinct MI25 (partitioned by SR-IOV): 1/8, 1/4,
# 1/2 and a whole GPU; catalog-source counts each as one GPU. Microsoft Learn, NVv4 series
# (https://learn.microsoft.com/azure/virtual-machines/nvv4-series, "GPU: 1/8, 1/4, 1/2, 1").
AZURE_GPU_FRACTIONS = {
    "Standard_NV4as_v4": 0.125,
    "Standard_NV8as_v4": 0.25,
    "Standard_NV16as_v4": 0.5,
    "Standard_NV32as_v4": 1,
}


def read_rows(path: Path, columns: tuple[str, ...], numeric: tuple[str, ...]) -> list[dict]:
    """Every row of a gzip CSV, checked: BuildError naming the file and line of the first problem."""
    if not path.is_file():
        raise BuildError(f"{path}: no such file")
    try:
        with gzip.open(path, "rt", newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in columns if c not in (reader.fieldnames or ())]
            if missing:
                raise BuildError(f"{path}: missing column(s) {', '.join(missing)} (has: {reader.fieldnames})")
            rows = []
            for line, row in enumerate(reader, 2):
                for column in numeric:
                    check_number(path, line, column, row.get(column))
                rows.append(row)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error) as error:
        raise BuildError(f"{path}: not a gzip-compressed UTF-8 CSV file ({error})") from None
    if not rows:
        raise BuildError(f"{path}: no rows")
    return rows


def check_number(path: Path, line: int, column: str, value: str | None) -> None:
    if value in (None, ""):
        return
    try:
        number = float(value)
    except ValueError:
        raise BuildError(f"{path}:{line}: {column}={value!r} is not a number") from None
    if not math.isfinite(number) or number < 0:
        raise BuildError(f"{path}:{line}: {column}={value!r} is not a finite number >= 0")


def read_vm_rows(path: Path, cloud: str) -> list[dict]:
    rows = read_rows(path, VM_COLUMNS, ("vcpus", "memory_gib", "gpu_count", "price_hourly", "spot_price_hourly"))
    for line, row in enumerate(rows, 2):
        problem = None
        if row["cloud"] != cloud:
            problem = f"cloud={row['cloud']!r}, expected {cloud!r}"
        elif not row["instance_type"] or not row["region"]:
            problem = "empty instance_type or region"
        elif row["arch"] not in ARCHES:
            problem = f"arch={row['arch']!r}, expected one of {', '.join(ARCHES)}"
        elif not row["vcpus"] or float(row["vcpus"]) <= 0 or not row["memory_gib"] or float(row["memory_gib"]) <= 0:
            problem = "vcpus and memory_gib must be > 0"
        if problem:
            raise BuildError(f"{path}:{line}: {problem}")
    return rows


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def provenance(cloud: str, path: Path, date: str | None, origin: str | None) -> Provenance:
    """Where a cloud's prices come from: the known release when the file is it, else what the user
    said (``--date``/``--origin``); BuildError when neither."""
    digest, known_date, known_source = KNOWN_SOURCES[cloud]
    if date and origin:
        return Provenance(date, origin)
    if file_digest(path) == digest:
        return Provenance(date or known_date, origin or known_source)
    raise BuildError(
        f"{path} is not the catalog-source release this build knows, so it cannot tell when or where "
        "its prices come from: pass --date YYYY-MM-DD and --origin TEXT"
    )


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


def correct_azure_gpu_fractions(rows: list[dict]) -> list[dict]:
    for row in rows:
        if row["instance_type"] in AZURE_GPU_FRACTIONS and row.get("gpu_name"):
            row["gpu_count"] = str(AZURE_GPU_FRACTIONS[row["instance_type"]])
    return rows


def shaped_rows(cloud: str, rows: list[dict]) -> list[dict]:
    """Rows with their size facts and shapes as the catalog holds them (``catalog/normalise.py``):
    the GPU as card + memory, active vCPUs of constrained sizes; bundled local SSD and unverified
    zones of seeded rows as facts."""
    names = {row["instance_type"] for row in rows}
    facts = size_facts(cloud, names)
    gpu_info = {name: entry["gpus"] for name, entry in read_vendored()["types"].items() if "gpus" in entry}
    shaped: dict[str, dict] = {}
    out = []
    for row in rows:
        name = row["instance_type"]
        if name not in shaped:
            extra = {key: row[key] for key in ("local_ssd_gib", "zones_unverified") if row.get(key)}
            base = {**row, "facts": {**facts.get(name, {}), **extra}}
            shaped[name] = normalise_shape(cloud, base, gpu_info.get(name) if cloud == "aws" else None)
        shape = shaped[name]
        zones = None if shape["facts"] and shape["facts"].get("zones_unverified") else row.get("zones")
        out.append({**row, **{k: shape[k] for k in ("vcpus", "gpu_name", "facts")}, "zones": zones})
    return out


def zone_data(cloud: str, regions: set[str]) -> ZoneData:
    if cloud == "aws":
        return aws_zone_data(sorted(regions))
    return gcp_zone_data() if cloud == "gcp" else azure_zone_data()


def build_documents(source_dir: Path, date: str | None = None, origin: str | None = None) -> dict[str, dict]:
    """The three snapshot documents from a catalog-source folder; BuildError before anything is
    written if any input is unusable."""
    if not source_dir.is_dir():
        raise BuildError(f"{source_dir}: not a folder (expected a catalog-source folder)")
    rows_of = {cloud: read_vm_rows(source_dir / f"{cloud}_vms.csv.gz", cloud) for cloud in CLOUDS}
    inputs = {
        cloud: (rows, provenance(cloud, source_dir / f"{cloud}_vms.csv.gz", date, origin))
        for cloud, rows in rows_of.items()
    }
    accelerator_file = source_dir / "gcp_accelerators.csv.gz"
    accelerators = []
    if accelerator_file.exists():
        accelerators = read_rows(
            accelerator_file, ACCELERATOR_COLUMNS, ("accelerator_count", "price_hourly", "spot_price_hourly")
        )
    documents = {}
    for cloud, (rows, origin_of) in inputs.items():
        source = origin_of.source
        if cloud == "gcp":
            seed = seeds.read()
            rows, _notes = seeds.apply(correct_gcp_shared_core(rows), {row["region"] for row in rows}, seed)
            source += f"; A2/A3, local-SSD and C4A sizes: Cloud Billing Catalog of {seed['date']} (see catalog/sources)"
        if cloud == "azure":
            rows = correct_azure_gpu_fractions(rows)
        regions = {row["region"] for row in rows}
        zones = zone_data(cloud, regions)
        rows = shaped_rows(cloud, zones.annotate(rows))
        prices, prices_date, prices_source = seeded_prices(cloud, regions)
        documents[cloud] = build_document(
            cloud,
            rows,
            snapshot_date=origin_of.date,
            source=f"{source}; zones: {zones.source}" if zones.source else source,
            accelerators=accelerators if cloud == "gcp" else (),
            region_zones=zones.region_zones,
            zone_names=zones.zone_names,
            unverified_zones=zones.unverified,
            prices=prices,
            prices_date=prices_date,
            prices_source=prices_source,
        )
    return documents


def build_from_source(
    source_dir: Path, data_dir: Path | None = None, date: str | None = None, origin: str | None = None
) -> list[Path]:
    documents = build_documents(source_dir, date, origin)
    targets = {snapshot_path(cloud, data_dir): document for cloud, document in documents.items()}
    write_documents(targets)
    return list(targets)
