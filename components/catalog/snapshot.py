"""The on-disk form of an offerings snapshot, shared by the builder, the refreshers and the loader.

One gzip-compressed JSON file per cloud under ``components/catalog/data/``:

    {"format": 2, "cloud": "aws", "snapshot_date": "2025-04-04", "source": "...",
     "types": [[instance_type, vcpus, memory_gib, arch, gpu_name, gpu_count, {facts}], ...],
     "regions": {"us-east-1": [[type_index, price_hourly, spot_price_hourly, zone_mask], ...], ...},
     "zones": {"us-east-1": ["use1-az1", "use1-az2", ...], ...},
     "zone_names": {"eu-central-1": {"eu-central-1a": "euc1-az2", ...}, "us-east-1": {"us-east-1a": null, ...}},
     "zones_unverified": ["ap-southeast-7", ...],
     "accelerators": {"us-central1": [[name, count, price_hourly, spot_price_hourly], ...]},
     "prices": {"us-east-1": {"disk:gp3": 0.08, "ipv4:public": 0.005, ...}, ...},
     "prices_date": "2026-12-01", "prices_source": "..."}

``prices`` (optional, still format 2: readers ignore what they lack) holds each region's disk, public
IPv4 and licence prices, with the vocabulary and units of ``components/pricing.py``; ``prices_date``
and ``prices_source`` say when and where they were read (``catalog/parts.py``).

Shapes are stored once per type and prices once per (type, region), which keeps the three files
small enough to ship and fast enough to load on every ``compare``.

A type row's optional 7th element holds the size's facts (``catalog/size_facts.py``: spot support,
maximum data disks, boot modes, Hyper-V generations, premium storage), where known.

Zones: ``zones`` lists a region's zones, sorted (AWS: AZ IDs, the same physical zone in every
account; GCP: zone names; Azure: the logical zones "1"-"3"). A row's ``zone_mask`` has bit *i* set
when ``zones[region][i]`` offers the type; ``null`` means every zone of the region (a region whose
per-size zone data is unknown, e.g. Azure without a Resource SKUs refresh), ``0`` means no zone
does. A region missing from ``zones`` has no zone data at all; one listed in ``zones_unverified``
has its zones but not which types each offers (its rows are all ``null``). ``zone_names`` (AWS only) maps each AZ name to its AZ ID where that is the
same in every account, and to ``null`` where it depends on the account. Format 1 (no zones, three-element rows) still loads.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)
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
    region_zones: Mapping[str, Iterable[str]] | None = None,
    zone_names: Mapping[str, Mapping[str, str]] | None = None,
    unverified_zones: Iterable[str] = (),
    prices: Mapping[str, Mapping[str, float]] | None = None,
    prices_date: str | None = None,
    prices_source: str | None = None,
) -> dict:
    """Turns rows shaped like the catalog-source CSV columns into a snapshot document.

    ``region_zones`` gives each region's zones; a row's optional ``zones`` (a list of zone ids, or
    None for every zone) says which of them offer its type. A row of a region with zones but
    without a ``zones`` entry is offered in every zone."""
    zones_of = {region: sorted(set(zones)) for region, zones in (region_zones or {}).items()}
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
            if row.get("facts"):
                types[-1].append(dict(sorted(row["facts"].items())))
        region = str(row["region"])
        regions.setdefault(region, []).append(
            [
                type_index[name],
                _number(row.get("price_hourly")),
                _number(row.get("spot_price_hourly")),
                zone_mask(row.get("zones"), zones_of.get(region)),
            ]
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
    zoned = {region: zones_of[region] for region in sorted(zones_of) if region in regions and zones_of[region]}
    if zoned:
        document["zones"] = zoned
    names = {region: dict(sorted(zone_names[region].items())) for region in sorted(zone_names or {}) if region in zoned}
    if names:
        document["zone_names"] = names
    unverified = sorted(set(unverified_zones) & set(zoned))
    if unverified:
        document["zones_unverified"] = unverified
    if accelerator_prices:
        document["accelerators"] = {r: accelerator_prices[r] for r in sorted(accelerator_prices)}
    kept = {r: dict(sorted(p.items())) for r, p in sorted((prices or {}).items()) if r in regions and p}
    if kept:
        document["prices"] = kept
        document["prices_date"] = prices_date or snapshot_date
        document["prices_source"] = prices_source or source
    return document


def zone_mask(row_zones: Iterable[str] | None, region_zones: list[str] | None) -> int | None:
    """The bitmask of ``region_zones`` that ``row_zones`` offer; None for every zone (or no zone data)."""
    if region_zones is None or row_zones is None:
        return None
    offered = set(row_zones)
    unknown = offered - set(region_zones)
    if unknown:
        raise ValueError(f"zones {sorted(unknown)} are not among the region's zones {region_zones}")
    return sum(1 << index for index, zone in enumerate(region_zones) if zone in offered)


def mask_zones(mask: int | None, region_zones: list[str]) -> tuple[str, ...]:
    """The zones a ``zone_mask`` selects (every zone for None)."""
    if mask is None:
        return tuple(region_zones)
    return tuple(zone for index, zone in enumerate(region_zones) if mask >> index & 1)


class SnapshotError(ValueError):
    """A snapshot file that cannot be read: missing, not gzip, not JSON, or not a snapshot."""


def _encode(document: dict) -> bytes:
    payload = json.dumps(document, separators=(",", ":"), allow_nan=False).encode()
    return gzip.compress(payload, mtime=0)


def write_document(document: dict, path: Path) -> None:
    """Writes beside the target, then renames: a reader never sees a half-written snapshot."""
    write_documents({path: document})


def write_documents(documents: Mapping[Path, dict]) -> None:
    """Replaces several snapshot files together or not at all: each is written beside its target
    first; only when all are written are they renamed into place, and if a rename fails the files
    already replaced get their old contents back."""
    staged: list[tuple[Path, str]] = []
    try:
        for path, document in documents.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
            staged.append((path, tmp_name))
            with os.fdopen(fd, "wb") as raw:
                raw.write(_encode(document))
            os.chmod(tmp_name, 0o644)
        old = {path: path.read_bytes() if path.exists() else None for path, _ in staged}
        done: list[Path] = []
        try:
            for path, tmp_name in staged:
                os.replace(tmp_name, path)
                done.append(path)
        except BaseException:
            for path in done:
                _restore(path, old[path])
            raise
    finally:
        for _path, tmp_name in staged:
            try:
                os.unlink(tmp_name)
            except FileNotFoundError:
                pass


def _restore(path: Path, content: bytes | None) -> None:
    if content is None:
        path.unlink(missing_ok=True)
        return
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".restore", dir=path.parent)
    with os.fdopen(fd, "wb") as raw:
        raw.write(content)
    os.replace(tmp_name, path)


def read_document(path: Path) -> dict:
    """A snapshot document; SnapshotError naming the file and the problem if it is not one."""
    try:
        with gzip.open(path, "rb") as f:
            document = json.loads(f.read())
    except FileNotFoundError:
        raise SnapshotError(f"{path}: no such snapshot file") from None
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise SnapshotError(f"{path}: not a readable snapshot ({type(error).__name__}: {error})") from None
    if not isinstance(document, dict):
        raise SnapshotError(f"{path}: not a snapshot (a JSON {type(document).__name__})")
    if document.get("format") not in READABLE_FORMATS:
        raise SnapshotError(f"{path}: unsupported snapshot format {document.get('format')!r}")
    missing = [k for k in ("cloud", "snapshot_date", "source", "types", "regions") if k not in document]
    if missing or not isinstance(document["types"], list) or not isinstance(document["regions"], dict):
        raise SnapshotError(f"{path}: not a snapshot (missing or malformed: {', '.join(missing) or 'types/regions'})")
    return document
