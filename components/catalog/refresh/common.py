"""What every refresher shares: shape rows, progress, and merging into the on-disk snapshot.

A refresher produces rows shaped like the catalog-source CSV (``instance_type, vcpus, memory_gib,
arch, gpu_name, gpu_count, region, price_hourly, spot_price_hourly``) for the regions it fetched,
and :func:`write_refreshed` turns them into a snapshot with ``snapshot.build_document`` and writes
it aside-then-rename with ``snapshot.write_document``.

Zones: a refresher that fetched per-zone offerings passes them as ``zones`` (a ``ZoneData``); one
that did not keeps the zone facts of the previous snapshot for the regions it refreshed (a type new
since then makes its region "unverified": its zones are known, not which of them offer the type).

Partial refresh (``--regions``): the regions fetched replace the same regions of the existing
snapshot; every other region is kept as it was. The document then records each region's own date
in ``region_dates``, and its ``snapshot_date`` is the oldest of them, so a figure never looks
fresher than it is. A refresh of all regions replaces the snapshot outright.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..snapshot import build_document, mask_zones, read_document, snapshot_path, write_document
from ..zones import ZoneData

Advance = Callable[..., None]  # advance(steps=1): one more step done
SHAPE_FIELDS = ("instance_type", "vcpus", "memory_gib", "arch", "gpu_name", "gpu_count")


@dataclass
class RefreshReport:
    cloud: str
    path: Path
    regions: list[str]
    rows: int
    types: int
    kept_regions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kept = f"; kept {len(self.kept_regions)} other regions from the previous snapshot" if self.kept_regions else ""
        lines = [
            f"{self.cloud}: wrote {self.path} with {self.rows} offerings of {self.types} types "
            f"in {len(self.regions)} refreshed regions{kept}"
        ]
        return "\n".join(lines + [f"  note: {n}" for n in self.notes])


class Progress:
    """Progress reporting for a refresh. This base class reports nothing (tests, non-terminals)."""

    @contextmanager
    def task(self, description: str, total: int | None) -> Iterator[Advance]:
        yield lambda steps=1: None


class RichProgress(Progress):
    """A rich progress bar on stderr; rich is imported only when a refresh runs."""

    @contextmanager
    def task(self, description: str, total: int | None) -> Iterator[Advance]:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Bar(*columns, console=Console(stderr=True), transient=False) as bar:
            task_id = bar.add_task(description, total=total)
            yield lambda steps=1: bar.advance(task_id, steps)


def today() -> str:
    return dt.date.today().isoformat()


def shapes_from_snapshot(cloud: str, data_dir: Path | None = None) -> dict[str, dict]:
    """Shapes by type name from the current snapshot, for clouds whose price APIs carry none."""
    path = snapshot_path(cloud, data_dir)
    if not path.exists():
        return {}
    return {t[0]: _shape_row(t) for t in read_document(path)["types"]}


def _shape_row(type_row: list) -> dict:
    """A snapshot type row as a refresher's shape row (its facts too, when it has them)."""
    row = dict(zip(SHAPE_FIELDS, type_row))
    if len(type_row) > 6:
        row["facts"] = type_row[6]
    return row


def regions_of_snapshot(cloud: str, data_dir: Path | None = None) -> dict[str, set[str]]:
    """Types by region in the current snapshot."""
    path = snapshot_path(cloud, data_dir)
    if not path.exists():
        return {}
    document = read_document(path)
    names = [t[0] for t in document["types"]]
    return {region: {names[row[0]] for row in rows} for region, rows in document["regions"].items()}


def zone_data_of(document: dict) -> ZoneData:
    """The zone facts a snapshot document holds, as the build's ``ZoneData``."""
    zones = document.get("zones", {})
    unverified = set(document.get("zones_unverified", ()))
    data = ZoneData(
        region_zones={r: list(z) for r, z in zones.items()},
        zone_names={r: dict(n) for r, n in document.get("zone_names", {}).items()},
        unverified=unverified & set(zones),
    )
    names = [t[0] for t in document["types"]]
    for region, rows in document["regions"].items():
        if region in zones and region not in unverified:
            for row in rows:
                mask = row[3] if len(row) > 3 else None
                data.type_zones[(region, names[row[0]])] = list(mask_zones(mask, zones[region]))
    return data


def _document_rows(document: dict, keep: Iterable[str]) -> tuple[list[dict], list[dict]]:
    keep = set(keep)
    types = document["types"]
    zones = zone_data_of(document)
    rows = [
        {
            **_shape_row(types[row[0]]),
            "region": region,
            "price_hourly": row[1],
            "spot_price_hourly": row[2],
            "zones": zones.zones_for(region, types[row[0]][0]),
        }
        for region, region_rows in document["regions"].items()
        if region in keep
        for row in region_rows
    ]
    accelerators = [
        {"region": region, "accelerator_name": n, "accelerator_count": c, "price_hourly": p, "spot_price_hourly": s}
        for region, accelerator_rows in document.get("accelerators", {}).items()
        if region in keep
        for n, c, p, s in accelerator_rows
    ]
    return rows, accelerators


def write_refreshed(
    cloud: str,
    rows: list[dict],
    regions: list[str],
    *,
    source: str,
    partial: bool,
    data_dir: Path | None = None,
    accelerators: list[dict] = (),
    date: str | None = None,
    zones: ZoneData | None = None,
) -> RefreshReport:
    """Writes the refreshed regions (merged into the existing snapshot when ``partial``)."""
    date = date or today()
    path = snapshot_path(cloud, data_dir)
    region_dates = dict.fromkeys(regions, date)
    kept_rows: list[dict] = []
    kept_accelerators: list[dict] = []
    kept_regions: list[str] = []
    old = read_document(path) if path.exists() else None
    old_zones = zone_data_of(old) if old else ZoneData()
    zones = zones or carried_zones(old_zones, rows)
    rows = zones.annotate(rows)
    if partial and old:
        kept_regions = [r for r in old["regions"] if r not in region_dates]
        kept_rows, kept_accelerators = _document_rows(old, kept_regions)
        old_dates = old.get("region_dates", {})
        region_dates.update({r: old_dates.get(r, old["snapshot_date"]) for r in kept_regions})
        if any(d != date for d in region_dates.values()):
            source = f"{source}; regions not refreshed on {date} kept from earlier snapshots"
    # Fresh rows first: build_document keeps the first shape it sees for a type.
    document = build_document(
        cloud,
        [*rows, *kept_rows],
        snapshot_date=min(region_dates.values(), default=date),
        source=source,
        accelerators=[*accelerators, *kept_accelerators],
        region_zones={
            **{r: old_zones.region_zones[r] for r in kept_regions if r in old_zones.region_zones},
            **zones.region_zones,
        },
        zone_names={
            **{r: old_zones.zone_names[r] for r in kept_regions if r in old_zones.zone_names},
            **zones.zone_names,
        },
        unverified_zones=(old_zones.unverified & set(kept_regions)) | zones.unverified,
    )
    if len(set(region_dates.values())) > 1:
        document["region_dates"] = {r: region_dates[r] for r in sorted(region_dates)}
    write_document(document, path)
    report = RefreshReport(
        cloud, path, sorted(regions), len(rows), len({r["instance_type"] for r in rows}), kept_regions
    )
    found = {r["region"] for r in rows}
    empty = [r for r in regions if r not in found]
    if empty:
        report.notes.append(f"no offerings found for {', '.join(empty)}: check the region names")
    return report


def carried_zones(old: ZoneData, rows: list[dict]) -> ZoneData:
    """Zone facts for refreshed rows from the previous snapshot, when the refresher fetched none: a
    region keeps its zones; one with a type the old facts do not place becomes unverified."""
    regions = {str(row["region"]) for row in rows} & set(old.region_zones)
    data = ZoneData(
        region_zones={r: old.region_zones[r] for r in regions},
        zone_names={r: old.zone_names[r] for r in regions if r in old.zone_names},
        unverified=old.unverified & regions,
    )
    for row in rows:
        region, name = str(row["region"]), str(row["instance_type"])
        if region not in regions or region in data.unverified:
            continue
        if (region, name) in old.type_zones:
            data.type_zones[(region, name)] = old.type_zones[(region, name)]
        else:
            data.unverified.add(region)
    return data
