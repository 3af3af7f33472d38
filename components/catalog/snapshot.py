"""The on-disk form of an offerings snapshot, shared by the builder, the refreshers and the loader.

One gzip-compressed JSON file per cloud under ``components/catalog/data/``:

    {"format": 1, "cloud": "aws", "snapshot_date": "2025-04-04", "source": "...",
     "types": [[instance_type, vcpus, memory_gib, arch, gpu_name, gpu_count], ...],
     "regions": {"us-east-1": [[type_index, price_hourly, spot_price_hourly], ...], ...},
     "accelerators": {"us-central1": [[name, count, price_hourly, spot_price_hourly], ...]}}

Shapes are stored once per type and prices once per (type, region), which keeps the three files
small enough to ship and fast enough to load on every ``compare``.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

FORMAT_VERSION = 1
DATA_DIR = Path(__file__).with_name("data")
CLOUDS = ("aws", "azure", "gcp")


def snapshot_path(cloud: str, data_dir: Path | None = None) -> Path:
    return (data_dir or DATA_DIR) / f"{cloud}.json.gz"


def _number(value: str | float | int | None) -> float | None:
    if value is None or value == "":
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def build_document(
    cloud: str,
    rows: Iterable[Mapping[str, object]],
    *,
    snapshot_date: str,
    source: str,
    accelerators: Iterable[Mapping[str, object]] = (),
) -> dict:
    """Turns rows shaped like the catalog-source CSV columns into a snapshot document."""
    type_index: dict[str, int] = {}
    types: list[list] = []
    regions: dict[str, list[list]] = {}
    for row in rows:
        name = str(row["instance_type"])
        if name not in type_index:
            type_index[name] = len(types)
            types.append(
                [
                    name,
                    _number(row["vcpus"]),
                    _number(row["memory_gib"]),
                    str(row["arch"]),
                    str(row.get("gpu_name") or "") or None,
                    _number(row.get("gpu_count")),
                ]
            )
        regions.setdefault(str(row["region"]), []).append(
            [type_index[name], _number(row.get("price_hourly")), _number(row.get("spot_price_hourly"))]
        )
    accelerator_prices: dict[str, list[list]] = {}
    for row in accelerators:
        accelerator_prices.setdefault(str(row["region"]), []).append(
            [
                str(row["accelerator_name"]),
                _number(row["accelerator_count"]),
                _number(row.get("price_hourly")),
                _number(row.get("spot_price_hourly")),
            ]
        )
    document = {
        "format": FORMAT_VERSION,
        "cloud": cloud,
        "snapshot_date": snapshot_date,
        "source": source,
        "types": types,
        "regions": {region: regions[region] for region in sorted(regions)},
    }
    if accelerator_prices:
        document["accelerators"] = {r: accelerator_prices[r] for r in sorted(accelerator_prices)}
    return document


def write_document(document: dict, path: Path) -> None:
    """Writes beside the target, then renames: a reader never sees a half-written snapshot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(document, separators=(",", ":")).encode()
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            gz.write(payload)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def read_document(path: Path) -> dict:
    with gzip.open(path, "rb") as f:
        document = json.loads(f.read())
    if document.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: unsupported snapshot format {document.get('format')!r}")
    return document
