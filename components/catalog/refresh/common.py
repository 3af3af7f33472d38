"""What every refresher shares: shape rows, progress, and merging into the on-disk snapshot.

A refresher produces rows shaped like the catalog-source CSV (``instance_type, vcpus, memory_gib,
arch, gpu_name, gpu_count, region, price_hourly, spot_price_hourly``) for the regions it fetched,
and :func:`write_refreshed` turns them into a snapshot with ``snapshot.build_document`` and writes
it aside-then-rename with ``snapshot.write_document``.

Zones: a refresher that fetched per-zone offerings passes them as ``zones`` (a ``ZoneData``); one
that did not keeps the zone facts of the previous snapshot for the regions it refreshed (a type new
since then makes its region "unverified": its zones are known, not which of them offer the type).

All or nothing: before anything is written, :func:`check_refresh` compares what was fetched with the
previous snapshot and refuses (``RefreshError``, the snapshot untouched) a fetch that found nothing,
left a requested region without offerings (a typo'd or retired region is never recorded as
refreshed), lost more than half of a region's types, moved a region's prices far from the old
ones (median ratio outside 0.5-2x over the types both have), or fetched a part price (disk, IPv4,
licence) that is not a sane number or is far from the snapshot's price of that part (outside
0.2-5x: a unit or parsing error, not a price change).

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

from ..parts import check_prices, merge_prices
from ..sanity import _median
from ..snapshot import build_document, mask_zones, read_document, snapshot_path, write_document
from ..zones import ZoneData

Advance = Callable[..., None]  # advance(steps=1): one more step done
SHAPE_FIELDS = ("instance_type", "vcpus", "memory_gib", "arch", "gpu_name", "gpu_count")
MIN_TYPES_KEPT = 0.5  # a region may not lose more than half its types in one refresh
PRICE_RATIO_BOUNDS = (0.5, 2.0)  # median new/old price of a region's types
PART_RATIO_BOUNDS = (0.2, 5.0)  # new/old price of one part (disk tier, IPv4 address, licence)


class RefreshError(ValueError):
    """What a refresh fetched cannot replace the snapshot; the message says why."""


class UsageError(ValueError):
    """A ``catalog refresh <cloud>`` command line the cloud's refresh cannot run with; the message is
    one line saying what is missing."""


@dataclass(frozen=True)
class RefreshCall:
    """How ``catalog refresh <cloud>`` runs a cloud's refresh, from the module's
    ``refresh_options(args, environ)``: the function, its keyword arguments besides the regions, and
    the secrets among them, which no message may show."""

    refresh: Callable[..., RefreshReport]
    options: dict
    secrets: tuple[str | None, ...] = ()


def refuse_spot_feed(args) -> None:
    """The public spot price feed (``--spot-feed``) is AWS's (``refresh/aws_spot.py``)."""
    if args.spot_feed:
        raise UsageError("--spot-feed is for aws only")


def common_options(args) -> dict:
    """The options every cloud's full refresh takes from the command line (its progress apart)."""
    return {"data_dir": args.data_dir, "allow_fewer_types": args.allow_fewer_types}


@dataclass
class RefreshReport:
    cloud: str
    path: Path
    regions: list[str]
    rows: int
    types: int
    kept_regions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parts: str = ""
    what: str = "offerings"

    def summary(self) -> str:
        kept = f"; kept {len(self.kept_regions)} other regions from the previous snapshot" if self.kept_regions else ""
        lines = [
            f"{self.cloud}: wrote {self.path} with {self.rows} {self.what} of {self.types} types "
            f"in {len(self.regions)} refreshed regions{kept}"
        ]
        notes = self.notes + ([self.parts] if self.parts else [])
        return "\n".join(lines + [f"  note: {n}" for n in notes])


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
            "price_date": row[4] if len(row) > 4 else None,  # a row's own date (catalog/seeds.py) stays
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


def check_refresh(
    rows: list[dict],
    regions: list[str],
    old: dict | None,
    *,
    prices: dict | None = None,
    allow_fewer_types: bool = False,
) -> None:
    """RefreshError unless the fetched rows can replace the refreshed regions of ``old``."""
    if not rows:
        raise RefreshError(f"found no offerings in {', '.join(regions) or 'any region'}; nothing was written")
    found: dict[str, dict[str, float]] = {}
    for row in rows:
        found.setdefault(str(row["region"]), {})[str(row["instance_type"])] = row.get("price_hourly")
    empty = [r for r in regions if r not in found]
    if empty:
        known = sorted(old["regions"]) if old else []
        hint = f"; regions of the current snapshot: {', '.join(known[:12])}{' ...' if len(known) > 12 else ''}"
        raise RefreshError(f"no offerings found for {', '.join(empty)}: check the region names{hint if known else ''}")
    problems = check_prices(prices or {})
    if old:
        names = [t[0] for t in old["types"]]
        for region, fetched in sorted(found.items()):
            before = {names[row[0]]: row[1] for row in old["regions"].get(region, ())}
            if not before:
                continue
            if not allow_fewer_types and len(fetched) < MIN_TYPES_KEPT * len(before):
                problems.append(
                    f"{region}: only {len(fetched)} types priced, the snapshot has {len(before)} "
                    "(pass --allow-fewer-types if the cloud really retired them)"
                )
            ratios = [
                float(fetched[t]) / before[t]
                for t in fetched.keys() & before.keys()
                if fetched[t] and before[t] and before[t] > 0
            ]
            if ratios and not PRICE_RATIO_BOUNDS[0] <= _median(ratios) <= PRICE_RATIO_BOUNDS[1]:
                problems.append(
                    f"{region}: prices are {_median(ratios):.2f}x the snapshot's (median of {len(ratios)} types)"
                )
        if not check_prices(prices or {}):
            problems.extend(part_ratio_problems(prices or {}, old.get("prices", {})))
    if problems:
        raise RefreshError("; ".join(problems))


def part_ratio_problems(new: dict, old: dict) -> list[str]:
    """Parts whose fetched price is far from the snapshot's price of the same part and region."""
    problems = []
    for region, parts in sorted(new.items()):
        for part, price in sorted(parts.items()):
            before = old.get(region, {}).get(part)
            if isinstance(before, int | float) and before > 0:
                ratio = price / before
                if not PART_RATIO_BOUNDS[0] <= ratio <= PART_RATIO_BOUNDS[1]:
                    problems.append(f"{region}: {part} = {price:g} is {ratio:.2f}x the snapshot's {before:g}")
    return problems


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
    prices: dict | None = None,
    allow_fewer_types: bool = False,
) -> RefreshReport:
    """Checks the fetched rows (:func:`check_refresh`), then writes the refreshed regions (merged
    into the existing snapshot when ``partial``) in one rename."""
    date = date or today()
    path = snapshot_path(cloud, data_dir)
    region_dates = dict.fromkeys(regions, date)
    old = read_document(path) if path.exists() else None
    check_refresh(rows, regions, old, prices=prices, allow_fewer_types=allow_fewer_types)
    old_zones = zone_data_of(old) if old else ZoneData()
    zones = zones or carried_zones(old_zones, rows)
    rows = zones.annotate(rows)
    kept_regions: list[str] = []
    kept_rows: list[dict] = []
    kept_accelerators: list[dict] = []
    if partial and old:
        kept_regions, kept_rows, kept_accelerators = _kept_from(old, region_dates)
        if any(d != date for d in region_dates.values()):
            source = f"{source}; regions not refreshed on {date} kept from earlier snapshots"
    all_prices, carried = _merged_prices(old, prices, regions, partial)
    prices_source = f"{source}; disk, IPv4 and licence prices"
    if carried:
        prices_source += f" ({carried} kept from the previous snapshot, {(old or {}).get('prices_date', '?')})"
    # Fresh rows first: build_document keeps the first shape it sees for a type.
    document = build_document(
        cloud,
        [*rows, *kept_rows],
        snapshot_date=min(region_dates.values(), default=date),
        source=source,
        accelerators=[*accelerators, *kept_accelerators],
        **_merged_zones(old_zones, zones, kept_regions),
        prices=all_prices,
        prices_date=date if prices else (old or {}).get("prices_date"),
        prices_source=prices_source,
    )
    document.update(_date_sections(old, region_dates, kept_regions))
    write_document(document, path)
    report = RefreshReport(
        cloud, path, sorted(regions), len(rows), len({r["instance_type"] for r in rows}), kept_regions
    )
    priced_parts = sum(len(p) for p in (prices or {}).values())
    report.parts = f"{priced_parts} disk, IPv4 and licence prices fetched" + (
        f"; {carried} kept from the previous snapshot" if carried else ""
    )
    return report


def _kept_from(old: dict, region_dates: dict[str, str]) -> tuple[list[str], list[dict], list[dict]]:
    """A partial refresh's kept regions (those not refreshed), their rows and accelerators; each kept
    region's date joins ``region_dates``."""
    kept_regions = [r for r in old["regions"] if r not in region_dates]
    kept_rows, kept_accelerators = _document_rows(old, kept_regions)
    old_dates = old.get("region_dates", {})
    region_dates.update({r: old_dates.get(r, old["snapshot_date"]) for r in kept_regions})
    return kept_regions, kept_rows, kept_accelerators


def _merged_prices(old: dict | None, prices: dict | None, regions: list[str], partial: bool) -> tuple[dict, int]:
    """The snapshot's part prices, and how many were carried: a part the fetch did not price keeps its
    previous price (and the snapshot says so)."""
    old_prices = (old or {}).get("prices", {})
    all_prices = merge_prices(
        old_prices if partial else {r: p for r, p in old_prices.items() if r in regions}, prices or {}
    )
    carried = sum(1 for r, parts in all_prices.items() for part in parts if part not in (prices or {}).get(r, {}))
    return all_prices, carried


def _merged_zones(old: ZoneData, fresh: ZoneData, kept_regions: list[str]) -> dict:
    """``build_document``'s zone arguments: the kept regions' previous zone facts, then the fresh ones."""
    return {
        "region_zones": {
            **{r: old.region_zones[r] for r in kept_regions if r in old.region_zones},
            **fresh.region_zones,
        },
        "zone_names": {
            **{r: old.zone_names[r] for r in kept_regions if r in old.zone_names},
            **fresh.zone_names,
        },
        "unverified_zones": (old.unverified & set(kept_regions)) | fresh.unverified,
    }


def _date_sections(old: dict | None, region_dates: dict[str, str], kept_regions: list[str]) -> dict:
    """Per-region dates where regions differ, and the kept regions' spot dates (spot prices fetched
    apart, ``catalog refresh aws --spot-feed``, keep their date)."""
    sections: dict = {}
    if len(set(region_dates.values())) > 1:
        sections["region_dates"] = {r: region_dates[r] for r in sorted(region_dates)}
    kept_spot = {r: d for r, d in (old or {}).get("spot_dates", {}).items() if r in kept_regions}
    if kept_spot:
        sections["spot_dates"] = dict(sorted(kept_spot.items()))
    return sections


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
