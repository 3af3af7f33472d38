"""What every refresher shares: shape rows, progress, and merging into the on-disk snapshot.

A refresher produces rows shaped like the catalog-source CSV (``instance_type, vcpus, memory_gib,
arch, gpu_name, gpu_count, region, price_hourly, spot_price_hourly``) for the regions it fetched,
and :func:`write_refreshed` turns them into a snapshot with ``snapshot.build_document`` and writes
it aside-then-rename with ``snapshot.write_document``.

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

from ..snapshot import build_document, read_document, snapshot_path, write_document

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
    return {t[0]: dict(zip(SHAPE_FIELDS, t)) for t in read_document(path)["types"]}


def regions_of_snapshot(cloud: str, data_dir: Path | None = None) -> dict[str, set[str]]:
    """Types by region in the current snapshot."""
    path = snapshot_path(cloud, data_dir)
    if not path.exists():
        return {}
    document = read_document(path)
    names = [t[0] for t in document["types"]]
    return {region: {names[row[0]] for row in rows} for region, rows in document["regions"].items()}


def _document_rows(document: dict, keep: Iterable[str]) -> tuple[list[dict], list[dict]]:
    keep = set(keep)
    types = document["types"]
    rows = [
        {**dict(zip(SHAPE_FIELDS, types[ti])), "region": region, "price_hourly": price, "spot_price_hourly": spot}
        for region, region_rows in document["regions"].items()
        if region in keep
        for ti, price, spot in region_rows
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
) -> RefreshReport:
    """Writes the refreshed regions (merged into the existing snapshot when ``partial``)."""
    date = date or today()
    path = snapshot_path(cloud, data_dir)
    region_dates = dict.fromkeys(regions, date)
    kept_rows: list[dict] = []
    kept_accelerators: list[dict] = []
    kept_regions: list[str] = []
    if partial and path.exists():
        old = read_document(path)
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
