"""What ``compare`` finds: per cloud, the region to search and the cheapest offerings that meet a
``Query`` (N1 machines with attachable GPUs too), price outliers flagged, the nearest shapes when none
fits, and whether the component's own size search would pick the same."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from ...catalog import (
    Accelerator,
    Catalog,
    Offering,
    find_cheapest,
    load,
    nearest_offerings,
)
from ...catalog.sanity import PriceOutlier, price_outlier
from ...cloud_rules.gcp import N1_GPU_LIMITS
from ..geo import DEFAULT_GEO, GEOS
from .query import Query, UsageError

CLOUD_TITLES = {"aws": "AWS", "azure": "Azure", "gcp": "GCP"}

N1_GPU_FAMILIES = ("n1-standard-", "n1-highmem-", "n1-highcpu-")


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
    instance_type); None when it may. The same rules as components.spec.auto_selectable."""
    from ...cloud_rules import SizeNeeds, size_problem
    from ...spec import AUTO_EXCLUDED, azure_supports_premium

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
    from ...cloud_rules import SizeNeeds
    from ...spec import choose_offering

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
