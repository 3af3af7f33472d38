"""A snapshot: the document the builder and the refreshers produce, and how it is stored and read.

The document (what :func:`build_document` makes and :func:`read_document` returns):

    {"format": 3, "cloud": "aws", "snapshot_date": "2025-04-04", "source": "...",
     "types": [[instance_type, vcpus, memory_gib, arch, gpu_name, gpu_count, {facts}], ...],
     "regions": {"us-east-1": [[type_index, price_hourly, spot_price_hourly, zone_mask, price_date], ...], ...},
     "zones": {"us-east-1": ["use1-az1", "use1-az2", ...], ...},
     "zone_names": {"eu-central-1": {"eu-central-1a": "euc1-az2", ...}, "us-east-1": {"us-east-1a": null, ...}},
     "zones_unverified": ["ap-southeast-7", ...],
     "accelerators": {"us-central1": [[name, count, price_hourly, spot_price_hourly], ...]},
     "prices": {"us-east-1": {"disk:gp3": 0.08, "ipv4:public": 0.005, ...}, ...},
     "prices_date": "2026-12-01", "prices_source": "...",
     "region_dates": {...}, "spot_dates": {"us-east-1": "2026-12-01", ...}}

``prices`` (optional) holds each region's disk, public IPv4 and licence prices, with the vocabulary
and units of ``components/pricing.py``; ``prices_date`` and ``prices_source`` say when and where
they were read (``catalog/parts.py``). ``region_dates`` (set by a partial refresh) gives regions
their own price date; ``spot_dates`` the date of spot prices fetched apart from the on-demand ones
(``catalog refresh aws --spot-feed``). A row's optional 5th element is the date of that row's
prices where it differs from its region's (e.g. a family seeded from a newer source).

A type row's optional 7th element holds the size's facts (``catalog/size_facts.py``: spot support,
maximum data disks, boot modes, Hyper-V generations, premium storage, GPU memory, licensed vCPUs,
bundled local SSD), where known.

Zones: ``zones`` lists a region's zones, sorted (AWS: AZ IDs, the same physical zone in every
account; GCP: zone names; Azure: the logical zones "1"-"3"). A row's ``zone_mask`` has bit *i* set
when ``zones[region][i]`` offers the type; ``null`` means every zone of the region (a region whose
per-size zone data is unknown, e.g. Azure without a Resource SKUs refresh), ``0`` means no zone
does. A region missing from ``zones`` has no zone data at all; one listed in ``zones_unverified``
has its zones but not which types each offers (its rows are all ``null``). ``zone_names`` (AWS
only) maps each AZ name to its AZ ID where that is the same in every account, and to ``null`` where
it depends on the account.

On disk a document is a container (``catalog/container.py``) of blocks: ``meta`` (types, regions,
dates, sources, GPU prices) and one block per region, so a query reads only the regions it
searches. Derived facts are stored with them, computed once when the file is written: which
regions offer each type, and the price findings of ``catalog/sanity.py`` per row. Files of the
older gzip-JSON form (formats 1 and 2, ``<cloud>.json.gz``) still load.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..cloud_rules import CLOUDS as CLOUDS  # the clouds, declared once (each has a snapshot)
from .container import GZIP_MAGIC, Container, ContainerError, encode

FORMAT_VERSION = 3
READABLE_FORMATS = (1, 2, 3)
# Bumped whenever catalog/sanity.py's findings or the derived blocks change: a file written with
# another version has its derived facts recomputed when it is read.
DERIVED_VERSION = 1
DATA_DIR = Path(__file__).with_name("data")
SUFFIX = ".snapshot"
LEGACY_SUFFIX = ".json.gz"
REGION_KEYS = ("zones", "zone_names", "prices")  # per-region document keys, stored with the region


def snapshot_path(cloud: str, data_dir: Path | None = None) -> Path:
    """Where a cloud's snapshot is written (and read from, unless only a legacy file exists)."""
    return (data_dir or DATA_DIR) / f"{cloud}{SUFFIX}"


def existing_snapshot_path(cloud: str, data_dir: Path | None = None) -> Path:
    """The snapshot to read: ``<cloud>.snapshot``, else an older ``<cloud>.json.gz`` beside it."""
    path = snapshot_path(cloud, data_dir)
    legacy = path.with_name(f"{cloud}{LEGACY_SUFFIX}")
    return legacy if not path.exists() and legacy.exists() else path


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
    without a ``zones`` entry is offered in every zone. A row's optional ``price_date`` is the
    date of its prices when it differs from the snapshot's."""
    zones_of = {region: sorted(set(zones)) for region, zones in (region_zones or {}).items()}
    types, regions = type_and_region_rows(rows, zones_of)
    document = {
        "format": FORMAT_VERSION,
        "cloud": cloud,
        "snapshot_date": snapshot_date,
        "source": source,
        "types": types,
        "regions": {region: regions[region] for region in sorted(regions)},
    }
    document.update(zone_sections(regions, zones_of, zone_names or {}, unverified_zones))
    accelerator_prices = accelerator_rows(accelerators)
    if accelerator_prices:
        document["accelerators"] = {r: accelerator_prices[r] for r in sorted(accelerator_prices)}
    kept = {r: dict(sorted(p.items())) for r, p in sorted((prices or {}).items()) if r in regions and p}
    if kept:
        document["prices"] = kept
        document["prices_date"] = prices_date or snapshot_date
        document["prices_source"] = prices_source or source
    return document


def type_and_region_rows(
    rows: Iterable[Mapping[str, object]], zones_of: Mapping[str, list[str]]
) -> tuple[list[list], dict[str, list[list]]]:
    """The document's ``types`` (each instance type once, in first-seen order) and each region's rows
    (type index, prices, zone mask, and a price date where the row has its own)."""
    type_index: dict[str, int] = {}
    types: list[list] = []
    regions: dict[str, list[list]] = {}
    for row in rows:
        name = str(row["instance_type"])
        if name not in type_index:
            type_index[name] = len(types)
            types.append(type_entry(row))
        region = str(row["region"])
        entry = [
            type_index[name],
            _number(row.get("price_hourly")),
            _number(row.get("spot_price_hourly")),
            zone_mask(row.get("zones"), zones_of.get(region)),
        ]
        if row.get("price_date"):
            entry.append(str(row["price_date"]))
        regions.setdefault(region, []).append(entry)
    return types, regions


def type_entry(row: Mapping[str, object]) -> list:
    """A type's entry in ``types``: name, vCPUs, memory, arch, GPU name and count, and its facts if any."""
    entry = [
        str(row["instance_type"]),
        _number(row["vcpus"]),
        _number(row["memory_gib"]),
        str(row["arch"]),
        str(row.get("gpu_name") or "") or None,
        _number(row.get("gpu_count")),
    ]
    if row.get("facts"):
        entry.append(dict(sorted(row["facts"].items())))
    return entry


def accelerator_rows(accelerators: Iterable[Mapping[str, object]]) -> dict[str, list[list]]:
    """Each region's attachable accelerators: name, count, on-demand and spot price per hour."""
    by_region: dict[str, list[list]] = {}
    for row in accelerators:
        by_region.setdefault(str(row["region"]), []).append(
            [
                str(row["accelerator_name"]),
                _number(row["accelerator_count"]),
                _number(row.get("price_hourly")),
                _number(row.get("spot_price_hourly")),
            ]
        )
    return by_region


def zone_sections(
    regions: Mapping[str, list],
    zones_of: Mapping[str, list[str]],
    zone_names: Mapping[str, Mapping[str, str]],
    unverified_zones: Iterable[str],
) -> dict:
    """The document's optional zone keys (``zones``, ``zone_names``, ``zones_unverified``), for the
    regions that have rows and zone data; empty ones are left out."""
    sections: dict = {}
    zoned = {region: zones_of[region] for region in sorted(zones_of) if region in regions and zones_of[region]}
    if zoned:
        sections["zones"] = zoned
    names = {region: dict(sorted(zone_names[region].items())) for region in sorted(zone_names) if region in zoned}
    if names:
        sections["zone_names"] = names
    unverified = sorted(set(unverified_zones) & set(zoned))
    if unverified:
        sections["zones_unverified"] = unverified
    return sections


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
    """A snapshot file that cannot be read: missing, not a snapshot, or damaged."""


# --- the stored form: meta + one block per region, with derived facts ----------------------------

_META_KEYS = ("types", "zones_unverified", "accelerators", "prices_date", "prices_source", "region_dates", "spot_dates")


def split_document(document: dict) -> tuple[dict, dict[str, object]]:
    """The container header and blocks of a document, derived facts included."""
    from .sanity import derive

    regions = list(document["regions"])
    type_regions, flags = derive(document)
    header = {
        "format": FORMAT_VERSION,
        "cloud": document["cloud"],
        "snapshot_date": document["snapshot_date"],
        "source": document["source"],
        "derived": DERIVED_VERSION,
    }
    meta = {key: document[key] for key in _META_KEYS if key in document}
    meta["regions"] = regions
    meta["type_regions"] = type_regions
    blocks: dict[str, object] = {"meta": meta}
    for region in regions:
        block: dict = {"rows": document["regions"][region]}
        for key in REGION_KEYS:
            if region in document.get(key, {}):
                block[key] = document[key][region]
        if flags.get(region):
            block["flags"] = flags[region]
        blocks[f"region/{region}"] = block
    return header, blocks


def join_blocks(header: dict, meta: dict, region_block) -> dict:
    """The document of a container's blocks (derived facts left out): what :func:`read_document` returns."""
    document = {
        "format": FORMAT_VERSION,
        "cloud": header["cloud"],
        "snapshot_date": header["snapshot_date"],
        "source": header["source"],
        "types": meta["types"],
        "regions": {},
    }
    per_region: dict[str, dict] = {key: {} for key in REGION_KEYS}
    for region in meta["regions"]:
        block = region_block(region)
        document["regions"][region] = block["rows"]
        for key in REGION_KEYS:
            if key in block:
                per_region[key][region] = block[key]
    for key in ("zones", "zone_names", "zones_unverified", "accelerators", "prices", "prices_date", "prices_source"):
        value = per_region[key] if key in per_region else meta.get(key)
        if value:
            document[key] = value
    for key in ("region_dates", "spot_dates"):
        if meta.get(key):
            document[key] = meta[key]
    return document


def _encode(document: dict) -> bytes:
    header, blocks = split_document(document)
    return encode(header, blocks)


def write_document(document: dict, path: Path) -> None:
    """Writes beside the target, then renames: a reader never sees a half-written snapshot."""
    write_documents({path: document})


def write_documents(documents: Mapping[Path, dict]) -> None:
    """Replaces several snapshot files together or not at all: each is written beside its target
    first; only when all are written are they renamed into place, and if a rename fails the files
    already replaced get their old contents back."""
    import tempfile

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
    import tempfile

    if content is None:
        path.unlink(missing_ok=True)
        return
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".restore", dir=path.parent)
    with os.fdopen(fd, "wb") as raw:
        raw.write(content)
    os.replace(tmp_name, path)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SnapshotError(f"{path}: no such snapshot file") from None
    except OSError as error:
        raise SnapshotError(f"{path}: not a readable snapshot ({type(error).__name__}: {error})") from None


def _legacy_document(path: Path, data: bytes) -> dict:
    import gzip

    try:
        document = json.loads(gzip.decompress(data))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise SnapshotError(f"{path}: not a readable snapshot ({type(error).__name__}: {error})") from None
    return check_document(path, document)


def check_document(path: Path | None, document) -> dict:
    """The document if it is one; SnapshotError naming the file and what is wrong otherwise."""
    if not isinstance(document, dict):
        raise SnapshotError(f"{path}: not a snapshot (a JSON {type(document).__name__})")
    if document.get("format") not in READABLE_FORMATS:
        raise SnapshotError(f"{path}: unsupported snapshot format {document.get('format')!r}")
    missing = [k for k in ("cloud", "snapshot_date", "source", "types", "regions") if k not in document]
    if missing or not isinstance(document["types"], list) or not isinstance(document["regions"], dict):
        raise SnapshotError(f"{path}: not a snapshot (missing or malformed: {', '.join(missing) or 'types/regions'})")
    return document


def open_snapshot(path: Path) -> tuple[dict, dict, object]:
    """(header, meta, region_block) of a snapshot file, for a reader that loads regions one at a time
    (``region_block(name)`` returns that region's block). An older gzip-JSON file, or one whose
    derived facts another version of the code wrote, is read whole and split in memory."""
    data = _read_bytes(path)
    if data.startswith(GZIP_MAGIC):
        return split_in_memory(_legacy_document(path, data))
    try:
        container = Container(data, path)
        header = container.header
        if header.get("format") not in READABLE_FORMATS or "cloud" not in header:
            raise SnapshotError(f"{path}: unsupported snapshot format {header.get('format')!r}")
        meta = container.block("meta")
        if not isinstance(meta, dict) or not isinstance(meta.get("types"), list) or "regions" not in meta:
            raise SnapshotError(f"{path}: not a snapshot (malformed meta block)")
        if header.get("derived") != DERIVED_VERSION:
            document = join_blocks(header, meta, lambda r: container.block(f"region/{r}"))
            return split_in_memory(check_document(path, document))
    except ContainerError as error:
        raise SnapshotError(f"{path}: not a readable snapshot ({error})") from None

    def region_block(region: str) -> dict:
        try:
            return container.block(f"region/{region}")
        except ContainerError as error:
            raise SnapshotError(f"{path}: not a readable snapshot ({error})") from None

    return header, meta, region_block


def split_in_memory(document: dict) -> tuple[dict, dict, object]:
    """:func:`open_snapshot` for a document already in memory."""
    header, blocks = split_document(document)
    return header, blocks["meta"], lambda region: blocks[f"region/{region}"]


def read_document(path: Path) -> dict:
    """The whole document of a snapshot file (either form); SnapshotError naming the file and the
    problem if it is not one."""
    data = _read_bytes(path)
    if data.startswith(GZIP_MAGIC):
        return _legacy_document(path, data)
    try:
        container = Container(data, path)
        meta = container.block("meta")
        if not isinstance(meta, dict) or "regions" not in meta or "types" not in meta:
            raise SnapshotError(f"{path}: not a snapshot (malformed meta block)")
        document = join_blocks(container.header, meta, lambda r: container.block(f"region/{r}"))
    except ContainerError as error:
        raise SnapshotError(f"{path}: not a readable snapshot ({error})") from None
    except (KeyError, TypeError) as error:
        raise SnapshotError(f"{path}: not a snapshot (missing or malformed: {error})") from None
    return check_document(path, document)
