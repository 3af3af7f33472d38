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

from .builders import builder
from .normalise import normalise_shape
from .parts import seeded_prices
from .snapshot import CLOUDS, build_document, snapshot_path, write_documents

VM_COLUMNS = ("cloud", "instance_type", "vcpus", "memory_gib", "arch", "region", "price_hourly")
ACCELERATOR_COLUMNS = ("accelerator_name", "accelerator_count", "region", "price_hourly")
ARCHES = ("x86_64", "arm64")


class BuildError(ValueError):
    """Input a build cannot use; the message names the file, the line and what is wrong."""


@dataclass(frozen=True)
class Provenance:
    date: str
    source: str


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
    digest, known_date, known_source = builder(cloud).KNOWN_SOURCE
    if date and origin:
        return Provenance(date, origin)
    if file_digest(path) == digest:
        return Provenance(date or known_date, origin or known_source)
    raise BuildError(
        f"{path} is not the catalog-source release this build knows, so it cannot tell when or where "
        "its prices come from: pass --date YYYY-MM-DD and --origin TEXT"
    )


def shaped_rows(cloud: str, rows: list[dict]) -> list[dict]:
    """Rows with their size facts and shapes as the catalog holds them (``catalog/normalise.py``):
    the GPU as card + memory, active vCPUs of constrained sizes; bundled local SSD and unverified
    zones of seeded rows as facts."""
    names = {row["instance_type"] for row in rows}
    facts = builder(cloud).size_facts(names)
    gpu_info = builder(cloud).gpu_info() or {}
    shaped: dict[str, dict] = {}
    out = []
    for row in rows:
        name = row["instance_type"]
        if name not in shaped:
            extra = {key: row[key] for key in ("local_ssd_gib", "zones_unverified") if row.get(key)}
            base = {**row, "facts": {**facts.get(name, {}), **extra}}
            shaped[name] = normalise_shape(cloud, base, gpu_info.get(name))
        shape = shaped[name]
        zones = None if shape["facts"] and shape["facts"].get("zones_unverified") else row.get("zones")
        out.append({**row, **{k: shape[k] for k in ("vcpus", "gpu_name", "facts")}, "zones": zones})
    return out


def read_accelerators(source_dir: Path, name: str | None) -> list[dict]:
    """The rows of a cloud's accelerator file (``builders.<cloud>.ACCELERATORS``): none if the cloud
    has no such file, or the folder lacks it."""
    path = source_dir / name if name else None
    if path is None or not path.exists():
        return []
    return read_rows(path, ACCELERATOR_COLUMNS, ("accelerator_count", "price_hourly", "spot_price_hourly"))


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
    accelerators = {cloud: read_accelerators(source_dir, builder(cloud).ACCELERATORS) for cloud in CLOUDS}
    documents = {}
    for cloud, (rows, origin_of) in inputs.items():
        rows, source = builder(cloud).corrected(rows, origin_of.source)
        regions = {row["region"] for row in rows}
        zones = builder(cloud).zone_data(regions)
        rows = shaped_rows(cloud, zones.annotate(rows))
        prices, prices_date, prices_source = seeded_prices(cloud, regions)
        documents[cloud] = build_document(
            cloud,
            rows,
            snapshot_date=origin_of.date,
            source=f"{source}; zones: {zones.source}" if zones.source else source,
            accelerators=accelerators[cloud],
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
