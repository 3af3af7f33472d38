"""What ``compare`` finds: per cloud, the region(s) to search and the cheapest offerings that meet a
``Query`` (N1 machines with attachable GPUs too), with the same rules the component applies (what a
size cannot run, what it would not pick), price findings flagged, each price's date, and the nearest
shapes when none fits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...catalog import Accelerator, Catalog, Offering, find_cheapest, gpus, load
from ...catalog.sanity import PriceOutlier, price_outlier
from ...cloud_rules import SizeNeeds, rules, size_problem
from ...money import SPOT, dollars, hourly_ceiling, hourly_estimate, parts_cents
from ..geo import DEFAULT_GEO, GEOS
from .query import ANYWHERE, Query, UsageError

N1_GPU_FAMILIES = ("n1-standard-", "n1-highmem-", "n1-highcpu-")
UNKNOWN_SPOT = "spot price unknown"


@dataclass
class Row:
    """One offering as shown: a catalog type, or on GCP an N1 machine plus attached GPUs; with
    ``--os windows`` its price includes the Windows licence (``licence`` None: it has no price)."""

    offering: Offering
    attached: Accelerator | None = None
    outlier: PriceOutlier | None = None
    cheapest: bool = False
    windows: bool = False
    licence: float | None = None
    spot_allowed: bool = True  # the component runs the size as spot (cloud_rules.size_problem)
    price_date: str = ""
    spot_date: str = ""
    notices: list[str] = field(default_factory=list)

    @property
    def cloud(self) -> str:
        return self.offering.cloud

    @property
    def region(self) -> str:
        return self.offering.region

    @property
    def gpu_name(self) -> str | None:
        if self.attached:  # the card as every cloud's is named: GCP's attachable V100 is the 16 GB one
            return gpus.label(*accelerator_card(self.attached.name))
        return self.offering.gpu_label

    @property
    def gpu_count(self) -> float | None:
        return self.attached.count if self.attached else self.offering.gpu_count

    @property
    def licence_known(self) -> bool:
        return not self.windows or self.licence is not None

    def hourly_parts(self, spot: bool = False) -> tuple[float, ...] | None:
        """What the row's price adds up, per hour (``money.hourly_estimate``): the size, the GPUs attached
        to it, the Windows licence where it has a price; None when the size's or a GPU's price is
        unknown, or for spot a size the component does not run as spot."""
        compute = self.offering.hourly_price(spot) if self.spot_allowed or not spot else None
        if compute is None:
            return None
        parts = [compute]
        if self.attached is not None:
            gpus = hourly_estimate(self.attached.price_hourly, self.attached.spot_price_hourly, spot)
            if gpus is None:
                return None
            parts.append(gpus)
        return (*parts, self.licence) if self.licence is not None else tuple(parts)

    @property
    def price_hourly(self) -> float:
        return round(sum(self.hourly_parts() or ()), 6)

    @property
    def spot_price_hourly(self) -> float | None:
        """The spot price (with attached GPUs' and the licence), None when unknown or not allowed."""
        parts = self.hourly_parts(spot=True)
        return None if parts is None else round(sum(parts), 6)

    def monthly_price(self, spot: bool = False) -> float | None:
        """A month of the row, each part rounded on its own (``money.parts_cents``, as ``plan`` and the
        policy pack add a VM's parts); None when the price is unknown."""
        parts = self.hourly_parts(spot)
        return None if parts is None else dollars(parts_cents(parts))

    def monthly_ceiling(self, spot: bool = False) -> float | None:
        """The most a month of the row can cost (``money.hourly_ceiling``): the spot month where the
        spot price is known, else the on-demand month."""
        _, basis = hourly_ceiling(self.price_hourly, self.spot_price_hourly, spot)
        return self.monthly_price(spot and basis == SPOT)

    @property
    def label(self) -> str:
        if self.attached:
            return f"{self.offering.instance_type} + {self.attached.count:g}x {self.attached.name}"
        return self.offering.instance_type

    @property
    def price_flag(self) -> str | None:
        """The price sanity finding, which is on the size's own price: a Windows row's adds the licence."""
        if self.outlier is None:
            return None
        text = self.outlier.describe()
        return f"without the Windows licence, the {text}" if self.windows else text

    def ranking_price(self, spot: bool) -> float | None:
        return self.spot_price_hourly if spot else self.price_hourly

    def rank(self, spot: bool) -> tuple:
        # As catalog.find_cheapest: known prices first (spot, and a Windows licence), then price,
        # size and name. An unknown spot price is never ranked by the on-demand price among known ones.
        price = self.ranking_price(spot)
        o = self.offering
        return (
            price is None,
            not self.licence_known,
            price or 0.0,
            self.price_hourly,
            o.vcpus,
            o.memory_gib,
            self.label,
        )


@dataclass
class CloudResult:
    cloud: str
    region: str  # the region searched, or "" with --geo any
    region_choice: str  # how the region was chosen, shown to the user
    snapshot_date: str
    source: str
    rows: list[Row] = field(default_factory=list)
    no_match: str | None = None
    nearest: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    regions_searched: int = 1


def cloud_title(cloud: str) -> str:
    """``AWS``, ``Azure``, ``GCP``: the cloud as the tools name it."""
    return rules(cloud).TITLE


def choose_regions(cloud: str, catalog: Catalog, explicit: str | None, geo: str | None) -> tuple[list[str], str]:
    """The regions to search and how they were chosen; UsageError naming the valid ones if unknown."""
    if explicit:
        if explicit not in catalog.regions:
            raise UsageError(
                f"--{cloud}-region {explicit!r} is not in the {cloud} snapshot; "
                f"expected one of: {', '.join(catalog.regions)}"
            )
        return [explicit], f"--{cloud}-region"
    if geo == ANYWHERE:
        return anywhere(cloud, catalog)
    name = geo or DEFAULT_GEO
    default = "" if geo else ", the default"
    return [getattr(GEOS[name], cloud)], f"geo {name}: {GEOS[name].place}{default}"


def closed_regions(cloud: str, catalog: Catalog) -> dict[str, str]:
    """The catalog's regions an ordinary account cannot use, each with why (``region_restriction``)."""
    restriction = rules(cloud).region_restriction
    return {region: why for region in catalog.regions if (why := restriction(region))}


def anywhere(cloud: str, catalog: Catalog) -> tuple[list[str], str]:
    """Every region of the catalog that any account can use (``cloud_notes`` names the others)."""
    closed = closed_regions(cloud, catalog)
    regions = [region for region in catalog.regions if region not in closed]
    every = " any account can use" if closed else ""
    return regions, f"--geo {ANYWHERE}: all {len(regions)} regions{every}"


def n1_gpu_limits():
    from ...cloud_rules.gcp import N1_GPU_LIMITS

    return N1_GPU_LIMITS


def accelerator_card(name: str) -> tuple[str, int | None]:
    """(card, memory GB) of a GPU attachable to GCP N1 machines (V100: the 16 GB card)."""
    from ...catalog.normalise import gpu_of

    card, memory = gpu_of("gcp_attachable", name, name)
    return card or name, memory


def known_gpus(catalogs: dict[str, Catalog]) -> dict[str, set[int]]:
    """Every GPU card of the snapshots and its memory variants (GB)."""
    found: dict[str, set[int]] = {}
    for catalog in catalogs.values():
        for card, memory in catalog.gpu_cards:
            found.setdefault(card, set()).update([memory] if memory else [])
    if "gcp" in catalogs:
        for name in n1_gpu_limits():
            card, memory = accelerator_card(name)
            found.setdefault(card, set()).update([memory] if memory else [])
    return found


def check_gpu_name(name: str, catalogs: dict[str, Catalog]) -> str:
    """The GPU as the catalog spells it (``A100``, ``A100-80GB``); UsageError listing the known ones."""
    known = known_gpus(catalogs)
    card, memory = gpus.parse(name)
    by_lower = {k.lower(): k for k in known}
    if card.lower() in by_lower and (memory is None or memory in known[by_lower[card.lower()]]):
        card = by_lower[card.lower()]
        return f"{card}-{memory}GB" if memory else card

    def listed(card: str) -> str:
        variants = sorted(known[card])
        return card + (f" ({', '.join(f'-{v}GB' for v in variants)})" if len(variants) > 1 else "")

    raise UsageError(
        f"--gpu {name!r}: unknown GPU in the {'/'.join(catalogs)} snapshots; "
        f"known: {', '.join(listed(k) for k in sorted(known, key=str.lower))}"
    )


def attached_gpu_rows(catalog: Catalog, region: str, q: Query) -> list[Row]:
    """GCP N1 machines with GPUs attached: each machine with the smallest allowed GPU count >= the
    one asked for, priced as machine plus ``gcp_accelerators`` price."""
    want_card, want_memory = gpus.parse(q.gpu_name or "")
    limits = n1_gpu_limits().get(want_card.upper())
    if not limits or q.arch == "arm64":
        return []
    _card, memory = accelerator_card(want_card.upper())
    if want_memory is not None and memory is not None and want_memory != memory:
        return []
    usable = [
        a
        for a in catalog.accelerators(region)
        if a.name.lower() == want_card.lower() and a.count >= q.gpu_count and a.count in limits
    ]
    usable = sorted((a for a in usable if a.price_hourly and a.price_hourly > 0), key=lambda a: a.count)
    rows = []
    for machine in find_cheapest(catalog.cloud, region, cpus=q.cpus, memory_gib=q.memory_gib, arch=None, limit=10**6, catalog=catalog):  # fmt: skip
        if not machine.instance_type.startswith(N1_GPU_FAMILIES):
            continue
        for gpu in usable:
            max_vcpus, max_memory = limits[int(gpu.count)]
            if machine.vcpus <= max_vcpus and machine.memory_gib <= max_memory:
                rows.append(Row(machine, attached=gpu))
                break
    return rows


def make_row(catalog: Catalog, row: Row, q: Query) -> Row:
    """A row with what the component's rules and the catalog say about it: spot allowed, the Windows
    licence, the dates of its prices and the announced price changes since."""
    from ...catalog.notices import price_changes

    o = row.offering
    row.spot_allowed = size_problem(o, SizeNeeds(spot=True)) is None
    row.windows = q.windows
    if q.windows:
        row.licence = catalog.windows_licence(o.region, o.instance_type)[0]
    row.price_date = catalog.price_date(o)
    row.spot_date = catalog.spot_date(o)
    row.notices = price_changes(o.cloud, o.instance_type, row.price_date)
    return row


def candidate_rows(catalog: Catalog, regions: list[str], q: Query) -> list[Row]:
    """Every offering in the regions meeting the query that the component would run as asked (spot,
    Windows: the same ``cloud_rules.size_problem`` that refuses a named size), in ranking order."""
    needs = SizeNeeds(spot=q.spot, windows=q.windows)
    rows = []
    for region in regions:
        found = find_cheapest(
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
        rows += [Row(o) for o in found if size_problem(o, needs) is None]
        if q.gpu_name and catalog.attaches_accelerators:
            rows += attached_gpu_rows(catalog, region, q)
    rows = [make_row(catalog, row, q) for row in rows]
    rows.sort(key=lambda r: r.rank(q.spot))
    return rows


def row_outlier(catalog: Catalog, row: Row, spot: bool) -> PriceOutlier | None:
    """A finding of the price sanity rules on the row's price (with ``spot``, its spot price too),
    or on the price of the GPUs attached to it."""
    found = catalog.findings(row.offering, spot)
    if found:
        return found[0]
    if row.attached:
        a = row.attached
        gpu = f"{a.count:g}x {a.name}"
        same = [x for r in catalog.regions for x in catalog.accelerators(r) if x.name == a.name and x.count == a.count]
        checks = [(f"{gpu} price", a.price_hourly, {x.region: x.price_hourly for x in same})]
        if spot:
            checks.append((f"{gpu} spot price", a.spot_price_hourly, {x.region: x.spot_price_hourly for x in same}))
        for what, price, by_region in checks:
            outlier = price_outlier(price, row.region, by_region, what)
            if outlier:
                return outlier
    return None


def pick_rows(catalog: Catalog, candidates: list[Row], q: Query) -> list[Row]:
    """The cheapest ``top`` rows, checked by the price sanity rules; if all of those are flagged, the
    cheapest unflagged row is added so that a trustworthy answer is always on screen."""
    picked = candidates[: q.top]
    for row in picked:
        row.outlier = row_outlier(catalog, row, q.spot)
    for row in candidates[q.top :]:
        if not picked or not all(r.outlier for r in picked):
            break
        row.outlier = row_outlier(catalog, row, q.spot)
        if row.outlier is None:
            picked.append(row)
    return picked


def search_cloud(catalog: Catalog, regions: list[str], region_choice: str, q: Query) -> CloudResult:
    from .notes import cloud_notes, describe_nearest

    single = regions[0] if len(regions) == 1 else ""
    result = CloudResult(
        catalog.cloud,
        single,
        region_choice,
        catalog.region_date(single) if single else catalog.snapshot_date,
        catalog.source,
        regions_searched=len(regions),
    )
    result.rows = pick_rows(catalog, candidate_rows(catalog, regions, q), q)
    where = f"in {single}" if single else f"in any of its {len(regions)} regions"
    if not result.rows:
        result.no_match = f"no {cloud_title(catalog.cloud)} offering {where} has {q.describe()}"
        result.nearest = describe_nearest(catalog, regions, q)
    result.notes = cloud_notes(catalog, result, q)
    return result


def mark_overall_cheapest(results: list[CloudResult], q: Query) -> list[Row]:
    """Marks the cheapest rows across clouds (several when tied at the same price). Flagged prices
    never win; with ``spot``, rows with a spot price beat rows without one, and with Windows, rows
    whose licence is priced beat rows whose licence is not."""
    eligible = [r for res in results for r in res.rows if r.outlier is None]
    if q.windows and any(r.licence_known for r in eligible):
        eligible = [r for r in eligible if r.licence_known]
    by_spot = q.spot and any(r.spot_price_hourly is not None for r in eligible)
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
    chosen = {
        cloud: choose_regions(cloud, catalog, (regions or {}).get(cloud), geo) for cloud, catalog in catalogs.items()
    }
    results = [search_cloud(catalogs[cloud], names, choice, query) for cloud, (names, choice) in chosen.items()]
    mark_overall_cheapest(results, query)
    return results
