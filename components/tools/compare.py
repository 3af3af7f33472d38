"""python -m components compare: the cheapest VM offerings for one shape on AWS, Azure and GCP.

    python -m components compare --cpus 4 --memory 16 --geo eu-central
    python -m components compare --gpu L4:1 --spot --format json
    python -m components compare --cpus 64 --memory 512 --arch any --chart prices.png

Answers from the embedded snapshot only (no network). Kept light on purpose: the standard library
and ``components.catalog`` at start-up; matplotlib only for ``--chart``; never Pulumi or any SDK.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import (
    CLOUDS,
    HOURS_PER_MONTH,
    Accelerator,
    Catalog,
    Offering,
    find_cheapest,
    load,
    monthly_price,
    nearest_offerings,
)
from ..catalog.sanity import PriceOutlier, price_outlier
from .geo import DEFAULT_GEO, GEOS

ARCHES = ("x86_64", "arm64", "any")
FORMATS = ("table", "json", "markdown", "csv")
CLOUD_TITLES = {"aws": "AWS", "azure": "Azure", "gcp": "GCP"}

# GPUs GCP lets you attach to N1 machines, and per GPU count the largest N1 shape allowed
# (vCPUs, GiB), from https://cloud.google.com/compute/docs/gpus#gpus-list.
N1_GPU_LIMITS: dict[str, dict[int, tuple[int, float]]] = {
    "T4": {1: (48, 312), 2: (48, 312), 4: (96, 624)},
    "P4": {1: (24, 156), 2: (48, 312), 4: (96, 624)},
    "V100": {1: (12, 78), 2: (24, 156), 4: (48, 312), 8: (96, 624)},
    "P100": {1: (16, 104), 2: (32, 208), 4: (64, 208)},
    "K80": {1: (8, 52), 2: (16, 104), 4: (32, 208), 8: (64, 416)},
}
N1_GPU_FAMILIES = ("n1-standard-", "n1-highmem-", "n1-highcpu-")


class UsageError(Exception):
    """A bad option: printed with the valid choices, exit status 2."""


@dataclass(frozen=True)
class Query:
    cpus: float = 0
    memory_gib: float = 0
    arch: str | None = "x86_64"
    gpu_name: str | None = None
    gpu_count: float = 1
    burstable: bool = True
    spot: bool = False
    top: int = 3

    def describe(self) -> str:
        parts = []
        if self.cpus:
            parts.append(f">= {self.cpus:g} vCPU")
        if self.memory_gib:
            parts.append(f">= {self.memory_gib:g} GiB")
        parts.append(self.arch or "any arch")
        if self.gpu_name:
            parts.append(f">= {self.gpu_count:g}x {self.gpu_name}")
        if not self.burstable:
            parts.append("no burstable")
        parts.append("spot prices" if self.spot else "on-demand prices")
        return ", ".join(parts)


@dataclass
class Row:
    """One offering as shown: a catalog type, or on GCP an N1 machine plus attached GPUs."""

    offering: Offering
    attached: Accelerator | None = None
    outlier: PriceOutlier | None = None
    cheapest: bool = False

    @property
    def cloud(self) -> str:
        return self.offering.cloud

    @property
    def gpu_name(self) -> str | None:
        return self.attached.name if self.attached else self.offering.gpu_name

    @property
    def gpu_count(self) -> float | None:
        return self.attached.count if self.attached else self.offering.gpu_count

    @property
    def price_hourly(self) -> float:
        extra = self.attached.price_hourly if self.attached else 0.0
        return round(self.offering.price_hourly + extra, 6)

    @property
    def spot_price_hourly(self) -> float | None:
        spot = self.offering.hourly_price(spot=True)
        if self.attached is None or spot is None:
            return spot
        attached_spot = self.attached.spot_price_hourly
        return None if not attached_spot or attached_spot <= 0 else round(spot + attached_spot, 6)

    @property
    def label(self) -> str:
        if self.attached:
            return f"{self.offering.instance_type} + {self.attached.count:g}x {self.attached.name}"
        return self.offering.instance_type

    def ranking_price(self, spot: bool) -> float | None:
        return self.spot_price_hourly if spot else self.price_hourly

    def rank(self, spot: bool) -> tuple:
        # Same order as catalog.find_cheapest: priced first, then price, size and name.
        price = self.ranking_price(spot)
        o = self.offering
        return (
            price is None,
            price or 0.0,
            self.price_hourly,
            o.vcpus,
            o.memory_gib,
            self.label,
        )


@dataclass
class CloudResult:
    cloud: str
    region: str
    region_choice: str  # how the region was chosen, shown to the user
    snapshot_date: str
    source: str
    rows: list[Row] = field(default_factory=list)
    no_match: str | None = None
    nearest: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- options -------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m components compare",
        description="Compare the cheapest VM offerings for a shape across AWS, Azure and GCP.",
    )
    p.add_argument("--cpus", type=float, default=0, help="minimum vCPUs")
    p.add_argument("--memory", type=float, default=0, metavar="GIB", help="minimum memory, GiB")
    p.add_argument("--arch", choices=ARCHES, default="x86_64", help="default x86_64")
    p.add_argument("--gpu", metavar="NAME:COUNT", help="e.g. T4:1, L4:1, A100:8")
    p.add_argument(
        "--no-burstable",
        action="store_true",
        help="leave out t*/B*/e2 shared-core types",
    )
    p.add_argument("--spot", action="store_true", help="rank by spot price")
    p.add_argument("--clouds", default=",".join(CLOUDS), help="comma-separated, default all")
    p.add_argument("--geo", choices=list(GEOS), help=f"default {DEFAULT_GEO}")
    for cloud in CLOUDS:
        p.add_argument(
            f"--{cloud}-region",
            metavar="REGION",
            help=f"{cloud} region (overrides --geo)",
        )
    p.add_argument(
        "--top",
        type=int,
        default=3,
        metavar="K",
        help="cheapest K per cloud, default 3",
    )
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--chart", metavar="FILE.png", help="also write a bar chart of monthly prices")
    p.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)  # tests, refreshed copies
    return p


def parse_gpu(text: str) -> tuple[str, float]:
    name, sep, count = text.rpartition(":")
    try:
        number = float(count)
    except ValueError:
        number = 0
    if not sep or not name.strip() or not math.isfinite(number) or number <= 0:
        raise UsageError(f"--gpu {text!r}: expected NAME:COUNT with a positive COUNT, e.g. T4:1 or A100:8")
    return name.strip(), number


def parse_clouds(text: str) -> list[str]:
    clouds = [c.strip().lower() for c in text.split(",") if c.strip()]
    unknown = [c for c in clouds if c not in CLOUDS]
    if unknown or not clouds:
        raise UsageError(f"--clouds {text!r}: expected a comma-separated subset of {', '.join(CLOUDS)}")
    return list(dict.fromkeys(clouds))


def parse_query(args: argparse.Namespace) -> Query:
    for option, value in (("--cpus", args.cpus), ("--memory", args.memory)):
        if not math.isfinite(value) or value < 0:
            raise UsageError(f"{option} {value:g}: expected a finite number >= 0")
    if args.top < 1:
        raise UsageError(f"--top {args.top}: expected a whole number >= 1")
    gpu_name, gpu_count = parse_gpu(args.gpu) if args.gpu else (None, 1)
    return Query(
        cpus=args.cpus,
        memory_gib=args.memory,
        arch=None if args.arch == "any" else args.arch,
        gpu_name=gpu_name,
        gpu_count=gpu_count,
        burstable=not args.no_burstable,
        spot=args.spot,
        top=args.top,
    )


def choose_region(cloud: str, catalog: Catalog, explicit: str | None, geo: str | None) -> tuple[str, str]:
    """The region to search and how it was chosen; UsageError naming the valid ones if unknown."""
    if explicit:
        if explicit not in catalog.regions:
            raise UsageError(
                f"--{cloud}-region {explicit!r} is not in the {cloud} snapshot; "
                f"expected one of: {', '.join(catalog.regions)}"
            )
        return explicit, f"--{cloud}-region"
    name = geo or DEFAULT_GEO
    default = "" if geo else ", the default"
    return getattr(GEOS[name], cloud), f"geo {name}: {GEOS[name].place}{default}"


def known_gpu_names(catalogs: dict[str, Catalog]) -> list[str]:
    names = {t[4] for c in catalogs.values() for t in c._types if t[4]}
    if "gcp" in catalogs:
        names.update(N1_GPU_LIMITS)
    return sorted(names, key=str.lower)


def check_gpu_name(name: str, catalogs: dict[str, Catalog]) -> str:
    """The GPU name as the catalog spells it; UsageError listing the known ones if none does."""
    for known in known_gpu_names(catalogs):
        if known.lower() == name.lower():
            return known
    raise UsageError(
        f"--gpu {name!r}: unknown GPU in the {'/'.join(catalogs)} snapshots; "
        f"known: {', '.join(known_gpu_names(catalogs))}"
    )


# --- search --------------------------------------------------------------------------------


def attached_gpu_rows(catalog: Catalog, region: str, q: Query) -> list[Row]:
    """GCP N1 machines with GPUs attached: each machine with the smallest allowed GPU count >= the
    one asked for, priced as machine plus ``gcp_accelerators`` price."""
    limits = N1_GPU_LIMITS.get((q.gpu_name or "").upper())
    if not limits or q.arch == "arm64":
        return []
    gpus = sorted(
        (
            a
            for a in catalog.accelerators(region)
            if a.name.lower() == q.gpu_name.lower()
            and a.count >= q.gpu_count
            and a.count in limits
            and a.price_hourly
            and a.price_hourly > 0
        ),
        key=lambda a: a.count,
    )
    rows = []
    for machine in find_cheapest(
        "gcp",
        region,
        cpus=q.cpus,
        memory_gib=q.memory_gib,
        arch=None,
        limit=10**6,
        catalog=catalog,
    ):
        if not machine.instance_type.startswith(N1_GPU_FAMILIES):
            continue
        for gpu in gpus:
            max_vcpus, max_memory = limits[int(gpu.count)]
            if machine.vcpus <= max_vcpus and machine.memory_gib <= max_memory:
                rows.append(Row(machine, attached=gpu))
                break
    return rows


def candidate_rows(catalog: Catalog, region: str, q: Query) -> list[Row]:
    """Every offering in the region meeting the query, in ranking order."""
    rows = [
        Row(o)
        for o in find_cheapest(
            catalog.cloud,
            region,
            cpus=q.cpus,
            memory_gib=q.memory_gib,
            arch=q.arch,
            burstable=q.burstable,
            gpu_name=q.gpu_name,
            gpu_count=q.gpu_count,
            spot=q.spot,
            limit=10**6,
            catalog=catalog,
        )
    ]
    if q.gpu_name and catalog.cloud == "gcp":
        rows.extend(attached_gpu_rows(catalog, region, q))
        rows.sort(key=lambda r: r.rank(q.spot))  # find_cheapest already ranked the others
    return rows


def row_outlier(
    catalog: Catalog, row: Row, spot: bool, type_prices: dict[str, float], type_spot_prices: dict[str, float]
) -> PriceOutlier | None:
    """A price of the row far off the same type's (or GPU's) other regions: the on-demand price,
    and with ``spot`` the spot price too, since that is what ranks."""
    o = row.offering
    checks = [("price", o.price_hourly, type_prices)]
    if spot:
        checks.append(("spot price", o.spot_price_hourly, type_spot_prices))
    if row.attached:
        gpu = f"{row.attached.count:g}x {row.attached.name}"
        same_gpu = [
            a for r in catalog.regions for a in catalog.accelerators(r)
            if a.name == row.attached.name and a.count == row.attached.count
        ]  # fmt: skip
        checks.append((f"{gpu} price", row.attached.price_hourly, {a.region: a.price_hourly for a in same_gpu}))
        if spot:
            by_region = {a.region: a.spot_price_hourly for a in same_gpu}
            checks.append((f"{gpu} spot price", row.attached.spot_price_hourly, by_region))
    for what, price, by_region in checks:
        outlier = price_outlier(price, o.region, by_region, what)
        if outlier:
            return outlier
    return None


def flag_outliers(catalog: Catalog, rows: list[Row], spot: bool) -> None:
    names = {row.offering.instance_type for row in rows}
    prices = catalog.regional_prices_of(names)
    spot_prices = catalog.regional_prices_of(names, spot=True) if spot else {}
    for row in rows:
        name = row.offering.instance_type
        row.outlier = row_outlier(catalog, row, spot, prices[name], spot_prices.get(name, {}))


def pick_rows(catalog: Catalog, candidates: list[Row], q: Query) -> list[Row]:
    """The cheapest ``top`` rows, checked for price outliers; if all of those are flagged, the
    cheapest unflagged row is added so that a trustworthy answer is always on screen."""
    picked = candidates[: q.top]
    flag_outliers(catalog, picked, q.spot)
    rest = candidates[q.top :]
    while picked and all(row.outlier for row in picked) and rest:
        batch, rest = rest[:10], rest[10:]
        flag_outliers(catalog, batch, q.spot)
        trustworthy = next((row for row in batch if row.outlier is None), None)
        if trustworthy:
            picked.append(trustworthy)
    return picked


def describe_nearest(catalog: Catalog, region: str, q: Query) -> list[str]:
    """Shapes that do exist, for a query nothing meets."""
    if q.gpu_name:
        return nearest_gpus(catalog, region, q)
    return [
        f"{o.shape()} at ${o.price_hourly:g}/h"
        for o in nearest_offerings(
            catalog.cloud,
            region,
            cpus=q.cpus,
            memory_gib=q.memory_gib,
            arch=q.arch,
            catalog=catalog,
        )
    ]


def nearest_gpus(catalog: Catalog, region: str, q: Query) -> list[str]:
    """The cheapest type per GPU model in the region, and the regions that have the GPU asked for."""
    cheapest_per_gpu: dict[str, Offering] = {}
    for o in sorted(catalog.offerings(region).values(), key=lambda o: o.price_hourly or 0):
        if o.gpu_name and o.has_price and o.gpu_name not in cheapest_per_gpu:
            cheapest_per_gpu[o.gpu_name] = o
    lines = [f"{o.shape()} at ${o.price_hourly:g}/h" for o in cheapest_per_gpu.values()][:4]
    wanted = q.gpu_name.lower()
    elsewhere = sorted(
        {
            r
            for t in catalog._types
            if (t[4] or "").lower() == wanted and (t[5] or 0) >= q.gpu_count
            for r in catalog.regional_prices(t[0])
        }
        | {
            r
            for r in catalog.regions
            for a in catalog.accelerators(r)
            if a.name.lower() == wanted and a.count >= q.gpu_count
        }
    )
    if elsewhere:
        shown = ", ".join(elsewhere[:6]) + (f" and {len(elsewhere) - 6} more" if len(elsewhere) > 6 else "")
        lines.append(f"{q.gpu_count:g}x {q.gpu_name} is offered in {shown}")
    else:
        lines.append(f"no region in this {catalog.cloud} snapshot offers {q.gpu_count:g}x {q.gpu_name}")
    return lines


def search_cloud(catalog: Catalog, region: str, region_choice: str, q: Query) -> CloudResult:
    result = CloudResult(
        catalog.cloud,
        region,
        region_choice,
        catalog.region_date(region),
        catalog.source,
    )
    result.rows = pick_rows(catalog, candidate_rows(catalog, region, q), q)
    if not result.rows:
        result.no_match = f"no {CLOUD_TITLES[catalog.cloud]} offering in {region} has {q.describe()}"
        result.nearest = describe_nearest(catalog, region, q)
    if q.spot and result.rows and all(r.spot_price_hourly is None for r in result.rows):
        result.notes.append("no spot prices in this snapshot: ranked by on-demand price")
    for row in result.rows:
        if row.outlier:
            result.notes.append(f"! {row.label}: {row.outlier.describe()}")
    note = component_pick_note(catalog, region, q, result.rows)
    if note:
        result.notes.append(note)
    return result


def skip_reason(offering, spot: bool = False) -> str | None:
    """Why the component's size search never picks a type by itself (a user can still name it as
    instance_type); None when it may. The same rules as components/spec.py's auto_selectable."""
    from ..cloud_rules import SizeNeeds, size_problem
    from ..spec import AUTO_EXCLUDED, azure_supports_premium

    cloud = offering.cloud
    excluded = AUTO_EXCLUDED.get(cloud)
    if excluded and excluded.match(offering.instance_type):
        return "AWS Mac and high-memory types run on dedicated hosts only"
    if cloud == "azure" and not azure_supports_premium(offering):
        return "the size has no premium storage, and the component gives every Azure VM Premium SSD"
    problem = size_problem(offering, SizeNeeds(spot=spot))
    return problem[1] if problem else None


def component_pick_note(catalog: Catalog, region: str, q: Query, rows: list[Row]) -> str | None:
    """When the cheapest trustworthy row is not what ``plan`` (the component's size search) would
    pick for the same cpus/memory/arch/burstable/spot: which type it picks instead, and why."""
    first = next((r for r in rows if r.outlier is None), None)
    if first is None or q.gpu_name or q.arch is None or first.attached:
        return None
    reason = skip_reason(first.offering, q.spot)
    if reason is None:
        return None
    from ..cloud_rules import SizeNeeds
    from ..spec import choose_offering

    memory = q.memory_gib or min(o.memory_gib for o in catalog.offerings(region).values())
    pick = choose_offering(
        catalog, region, max(1, math.ceil(q.cpus)), memory, q.arch, q.burstable, SizeNeeds(spot=q.spot), None
    )
    instead = (
        f"it picks {pick.instance_type} (${pick.hourly_price(q.spot) or pick.price_hourly:g}/h)"
        if pick
        else "it finds none"
    )
    return f"plan would not pick {first.offering.instance_type} ({reason}); {instead}"


def mark_overall_cheapest(results: list[CloudResult], spot: bool) -> list[Row]:
    """Marks the cheapest rows across clouds (several when tied at the same price). Flagged prices
    never win; with ``spot``, rows with a spot price beat rows that only have on-demand prices."""
    eligible = [r for res in results for r in res.rows if r.outlier is None]
    by_spot = spot and any(r.spot_price_hourly is not None for r in eligible)
    if by_spot:
        eligible = [r for r in eligible if r.spot_price_hourly is not None]
    best = min((r.ranking_price(by_spot) for r in eligible), default=None)
    winners = [r for r in eligible if r.ranking_price(by_spot) == best]
    for row in winners:
        row.cheapest = True
    return winners


def compare(
    query: Query,
    clouds: list[str],
    *,
    geo: str | None = None,
    regions: dict[str, str | None] | None = None,
    data_dir: Path | None = None,
) -> list[CloudResult]:
    catalogs = {cloud: load(cloud, data_dir) for cloud in clouds}
    if query.gpu_name:
        query = Query(**{**query.__dict__, "gpu_name": check_gpu_name(query.gpu_name, catalogs)})
    results = []
    for cloud, catalog in catalogs.items():
        region, choice = choose_region(cloud, catalog, (regions or {}).get(cloud), geo)
        results.append(search_cloud(catalog, region, choice, query))
    mark_overall_cheapest(results, query.spot)
    return results


# --- output --------------------------------------------------------------------------------


RECORD_FIELDS = (
    "cloud", "region", "instance_type", "vcpus", "memory_gib", "arch", "gpu_name", "gpu_count",
    "gpu_attached", "price_hourly", "spot_price_hourly", "monthly_price", "spot_monthly_price",
    "cheapest", "price_flag", "snapshot_date",
)  # fmt: skip


def row_record(row: Row, result: CloudResult) -> dict:
    o = row.offering
    return {
        "cloud": o.cloud,
        "region": o.region,
        "instance_type": o.instance_type,
        "vcpus": o.vcpus,
        "memory_gib": o.memory_gib,
        "arch": o.arch,
        "gpu_name": row.gpu_name,
        "gpu_count": row.gpu_count,
        "gpu_attached": row.attached is not None,
        "price_hourly": row.price_hourly,
        "spot_price_hourly": row.spot_price_hourly,
        "monthly_price": monthly_price(row.price_hourly),
        "spot_monthly_price": monthly_price(row.spot_price_hourly),
        "cheapest": row.cheapest,
        "price_flag": row.outlier.describe() if row.outlier else None,
        "snapshot_date": result.snapshot_date,
    }


def records(results: list[CloudResult]) -> list[dict]:
    return [row_record(row, res) for res in results for row in res.rows]


def _money(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _gpu(row: Row) -> str:
    return f"{row.gpu_count:g}x {row.gpu_name}" if row.gpu_name else "-"


TABLE_HEADERS = (
    "",
    "type",
    "vCPUs",
    "GiB",
    "arch",
    "GPU",
    "$/h",
    "$/month",
    "spot $/h",
)
RIGHT_ALIGNED = {2, 3, 6, 7, 8}


def table_cells(row: Row) -> list[str]:
    mark = "*" if row.cheapest else ("!" if row.outlier else "")
    o = row.offering
    return [
        mark,
        row.label,
        f"{o.vcpus:g}",
        f"{round(o.memory_gib, 2):g}",
        o.arch,
        _gpu(row),
        _money(row.price_hourly),
        _money(monthly_price(row.price_hourly), 2),
        _money(row.spot_price_hourly),
    ]


def text_table(headers: tuple[str, ...], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
        return "  ".join(padded).rstrip()

    rule = ["-" * w if h else " " * w for h, w in zip(headers, widths)]
    return [line(headers), line(rule), *(line(r) for r in rows)]


def section_title(res: CloudResult) -> str:
    return f"{CLOUD_TITLES[res.cloud]} {res.region} ({res.region_choice})"


def snapshot_line(res: CloudResult) -> str:
    return f"prices as of {res.snapshot_date}: {res.source}"


def winner_line(results: list[CloudResult], spot: bool) -> str:
    winners = [(res, row) for res in results for row in res.rows if row.cheapest]
    if not winners:
        return "no offering meets the query on any cloud compared"
    row = winners[0][1]
    price = row.ranking_price(spot) or row.price_hourly
    kind = "spot" if spot and row.spot_price_hourly is not None else "on-demand"
    names = " = ".join(f"{CLOUD_TITLES[res.cloud]} {r.label} in {res.region}" for res, r in winners)
    tie = " (tie)" if len(winners) > 1 else ""
    return f"* cheapest overall{tie}: {names}, ${price:.4f}/h {kind} (${monthly_price(price):,.2f}/month)"


def render_table(results: list[CloudResult], q: Query) -> str:
    out = [f"Cheapest offerings with {q.describe()}", ""]
    for res in results:
        out.append(section_title(res))
        if res.rows:
            out.extend(
                "  " + line for line in text_table(TABLE_HEADERS, [table_cells(r) for r in res.rows], RIGHT_ALIGNED)
            )
        else:
            out.append(f"  {res.no_match}; nearest that exist:")
            out.extend(f"    - {n}" for n in res.nearest)
        out.extend(f"  {note}" for note in res.notes)
        out.append(f"  {snapshot_line(res)}")
        out.append("")
    out.append(winner_line(results, q.spot))
    return "\n".join(out) + "\n"


def render_markdown(results: list[CloudResult], q: Query) -> str:
    out = [f"**Cheapest offerings with {q.describe()}**", ""]
    for res in results:
        out.append(f"### {section_title(res)}")
        out.append("")
        if res.rows:
            out.append("| " + " | ".join(h or " " for h in TABLE_HEADERS) + " |")
            out.append("|" + "|".join("---:" if i in RIGHT_ALIGNED else "---" for i in range(len(TABLE_HEADERS))) + "|")
            for row in res.rows:
                cells = table_cells(row)
                cells[1] = f"`{cells[1]}`"
                out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        else:
            out.append(f"{res.no_match}; nearest that exist:")
            out.append("")
            out.extend(f"- {n}" for n in res.nearest)
        out.append("")
        out.extend(f"{note}  " for note in res.notes)
        out.append(f"_{snapshot_line(res)}_")
        out.append("")
    out.append(winner_line(results, q.spot).replace("* ", "**", 1).replace(":", ":**", 1))
    return "\n".join(out) + "\n"


def render_json(results: list[CloudResult]) -> str:
    import json

    return json.dumps(records(results), indent=2) + "\n"


def render_csv(results: list[CloudResult]) -> str:
    import csv
    import io

    rows = records(results)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=RECORD_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def no_match_report(results: list[CloudResult]) -> str:
    """For machine-readable formats: what found nothing, on stderr."""
    lines = []
    for res in results:
        if not res.rows:
            lines.append(f"{res.no_match}; nearest that exist:")
            lines.extend(f"  - {n}" for n in res.nearest)
        lines.extend(note for note in res.notes if not note.startswith("!"))
    return "\n".join(lines) + ("\n" if lines else "")


CLOUD_COLOURS = {"aws": "#ff9900", "azure": "#0078d4", "gcp": "#34a853"}


def bar_positions(clouds: list[str]) -> list[float]:
    """Top-to-bottom y positions with a gap between clouds."""
    positions, y = [], 0.0
    for i, cloud in enumerate(clouds):
        if i and cloud != clouds[i - 1]:
            y += 0.6
        positions.append(-y)
        y += 1
    return positions


def write_chart(results: list[CloudResult], q: Query, path: Path) -> None:
    """Horizontal bars of the monthly price of every offering shown, grouped and coloured by cloud,
    cheapest at the top of each group; flagged prices hatched, the overall cheapest starred."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    bars = []  # (label, monthly, cloud, row), top to bottom
    for res in results:
        for row in res.rows:
            price = row.ranking_price(q.spot) or row.price_hourly
            o = row.offering
            shape = f"{o.vcpus:g} vCPU, {o.memory_gib:g} GiB" + (f", {_gpu(row)}" if row.gpu_name else "")
            label = f"{CLOUD_TITLES[res.cloud]} {res.region}\n{row.label} ({shape})"
            bars.append((label, monthly_price(price), res.cloud, row))
    height = 1.6 + 0.55 * max(len(bars), 1)
    fig, ax = plt.subplots(figsize=(11, height), dpi=110)
    positions = bar_positions([b[2] for b in bars])
    ax.barh(
        positions,
        [b[1] for b in bars],
        color=[CLOUD_COLOURS[b[2]] for b in bars],
        hatch=None,
        edgecolor="white",
    )
    for y, (_, value, _, row) in zip(positions, bars):
        text = (
            f" ${value:,.2f}/mo"
            + ("  * cheapest" if row.cheapest else "")
            + ("  ! price flagged" if row.outlier else "")
            + ("  (on-demand: no spot price)" if q.spot and row.spot_price_hourly is None else "")
        )
        ax.text(
            value,
            y,
            text,
            va="center",
            fontsize=9,
            fontweight="bold" if row.cheapest else "normal",
        )
        if row.outlier:
            ax.barh([y], [value], color="none", hatch="//", edgecolor="black", linewidth=0)
    ax.set_yticks(positions, [b[0] for b in bars], fontsize=8.5)
    ax.set_xlabel(f"{'spot' if q.spot else 'on-demand'} $ per month ({HOURS_PER_MONTH} h)")
    ax.set_xlim(0, max((b[1] for b in bars), default=1) * 1.35)
    ax.xaxis.set_major_formatter(lambda x, _pos: f"${x:,.0f}")
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    dates = ", ".join(f"{CLOUD_TITLES[r.cloud]} {r.snapshot_date}" for r in results)
    ax.set_title(
        f"Cheapest offerings with {q.describe()}\nlist prices as of {dates}",
        fontsize=10,
        loc="left",
    )
    missing = [CLOUD_TITLES[r.cloud] for r in results if not r.rows]
    legend = [Patch(color=CLOUD_COLOURS[r.cloud], label=CLOUD_TITLES[r.cloud]) for r in results if r.rows]
    ax.legend(handles=legend, loc="lower right", fontsize=8)
    if missing:
        fig.text(0.01, 0.01, "no match: " + ", ".join(missing), fontsize=8)
    fig.tight_layout()
    try:
        fig.savefig(path, format=path.suffix.lower().lstrip("."))  # the file named, never path + ".png"
    finally:
        plt.close(fig)


CHART_FORMATS = ("png", "pdf", "svg", "jpg", "jpeg")


def check_chart_path(text: str) -> Path:
    """The chart file to write, checked before anything is computed: a known extension and a
    writable folder (UsageError otherwise)."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise UsageError(f"--chart {text!r}: is a folder")
    extension = path.suffix.lower().lstrip(".")
    if extension not in CHART_FORMATS:
        raise UsageError(f"--chart {text!r}: expected a file name ending in .{', .'.join(CHART_FORMATS)}")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"--chart {text!r}: no folder {folder}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--chart {text!r}: not writable")
    return path


def main(argv: list[str] | None = None) -> int:
    from ..catalog.snapshot import SnapshotError

    try:
        args = build_parser().parse_args(argv)
        query = parse_query(args)
        clouds = parse_clouds(args.clouds)
        chart = check_chart_path(args.chart) if args.chart else None
        regions = {c: getattr(args, f"{c}_region") for c in CLOUDS}
        results = compare(query, clouds, geo=args.geo, regions=regions, data_dir=args.data_dir)
    except UsageError as error:
        print(f"compare: error: {error}", file=sys.stderr)
        return 2
    except SnapshotError as error:
        print(f"compare: error: {error}; rebuild it with `python -m components catalog build`", file=sys.stderr)
        return 2
    if args.format == "table":
        sys.stdout.write(render_table(results, query))
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(results, query))
    else:
        sys.stdout.write(render_json(results) if args.format == "json" else render_csv(results))
        sys.stderr.write(no_match_report(results))
    if chart:
        try:
            write_chart(results, query, chart)
        except OSError as error:
            print(f"compare: error: --chart {args.chart!r}: {error.strerror or error}", file=sys.stderr)
            return 2
        print(f"chart written to {chart}", file=sys.stderr)
    return 0 if any(res.rows for res in results) else 1
