"""The lines ``compare`` prints under a cloud's table, and under all of them: unknown spot prices and
licences, price findings, price changes since a price's date, unknown zones, what ``plan`` would
pick instead, the nearest shapes when nothing fits, and prices of dates too far apart."""

from __future__ import annotations

import math

from ...catalog import Catalog, Offering, gpus, nearest_offerings, shortfall
from ...cloud_rules import rules
from .query import Query
from .search import UNKNOWN_SPOT, CloudResult, Row, accelerator_card, closed_regions, cloud_title


def left_out_regions(catalog: Catalog, result: CloudResult) -> list[str]:
    """With ``--geo any``, the regions left out because an ordinary account cannot use them."""
    closed = {} if result.region else closed_regions(result.cloud, catalog)
    if not closed:
        return []
    why = "; ".join(dict.fromkeys(closed.values()))
    return [f"left out: {', '.join(closed)} ({why}); name one with --{result.cloud}-region"]


def cloud_notes(catalog: Catalog, result: CloudResult, q: Query) -> list[str]:
    notes = left_out_regions(catalog, result)
    rows, title = result.rows, cloud_title(result.cloud)
    unknown = [r for r in rows if r.spot_price_hourly is None]
    if q.spot and unknown:
        if len(unknown) == len(rows):
            notes.append(
                f"{UNKNOWN_SPOT} for every {title} offering shown (this snapshot has none for them; "
                f"{rules(result.cloud).SPOT_PRICES_COMMAND} fetches them): listed by on-demand price, never ranked as spot"
            )
        else:
            notes.append(f"{UNKNOWN_SPOT} for {len(unknown)} of them: listed after those with one")
    unpriced = [r.label for r in rows if not r.licence_known]
    if unpriced:
        notes.append(
            f"no public Windows licence price for {', '.join(unpriced)}: listed after the sizes whose licence is "
            "priced, and plan's size search takes them only when nothing else fits"
        )
    for row in rows:
        if row.outlier:
            where = f" in {row.region}" if result.regions_searched > 1 else ""
            notes.append(f"! {row.label}{where}: {row.price_flag}")
    notes.extend(dict.fromkeys(f"~ {row.label}: {notice}" for row in rows for notice in row.notices))
    unverified = [r.label for r in rows if r.offering.zones is None and r.offering.facts.get("zones_unverified")]
    if unverified:
        notes.append(
            f"which zones offer {', '.join(unverified)} is not known (seeded by region): plan places it in the "
            f"region's default zone; give a zone, or run catalog refresh {result.cloud} --project to learn them"
        )
    attached = [r.label for r in rows if r.attached]
    if attached:
        notes.append(
            f"the component cannot build {', '.join(attached)}: a VirtualMachine attaches no GPUs (it has no GPU "
            "field); of GCP's GPU offerings it deploys the machine types with GPUs built in (g2, a2, a3, a4)"
        )
    note = component_pick_note(catalog, result, q)
    if note:
        notes.append(note)
    return notes


def skip_reason(offering: Offering, spot: bool = False, windows: bool = False) -> str | None:
    """Why the component's size search does not pick a type by itself (a user can still name it as
    instance_type); None when it may (``spec.sizes.auto_selection_problem``)."""
    from ...cloud_rules import SizeNeeds
    from ...spec.sizes import auto_selection_problem

    return auto_selection_problem(offering.cloud, offering, SizeNeeds(spot=spot, windows=windows))


def doubt_reason(catalog: Catalog, offering: Offering, spot: bool, windows: bool) -> str | None:
    """Why the size search prefers other sizes that fit (``spec.sizes.size_doubts``)."""
    from ...cloud_rules import SizeNeeds
    from ...spec.sizes import size_doubts

    licence, price, zones = size_doubts(catalog, offering, SizeNeeds(spot=spot, windows=windows))
    if licence:
        return "its Windows licence has no public price"
    if price:
        return "its price is doubted by the price sanity rules"
    if zones:
        return "which zones offer it is not known"
    return None


def component_pick_note(catalog: Catalog, result: CloudResult, q: Query) -> str | None:
    """When the cheapest trustworthy row is not what ``plan`` (the component's size search) would pick
    for the same cpus/memory/arch/burstable/spot/OS in that region: which type it picks instead, and why."""
    first = next((r for r in result.rows if r.outlier is None), None)
    if first is None or q.gpu_name or q.arch is None or first.attached:
        return None
    o = first.offering
    reason = skip_reason(o, q.spot, q.windows) or doubt_reason(catalog, o, q.spot, q.windows)
    if reason is None:
        return None
    from ...cloud_rules import SizeNeeds
    from ...spec.sizes import choose_offering

    memory = q.memory_gib or min(x.memory_gib for x in catalog.offerings(o.region).values())
    pick = choose_offering(
        catalog,
        o.region,
        max(1, math.ceil(q.cpus)),
        memory,
        q.arch,
        q.burstable,
        SizeNeeds(spot=q.spot, windows=q.windows),
        None,
    )
    if pick is not None and pick.instance_type == o.instance_type:
        return None
    instead = f"it picks {pick.instance_type} ({pick_price(catalog, pick, q)})" if pick else "it finds none"
    return f"plan would not pick {o.instance_type} ({reason}); {instead}"


def pick_price(catalog: Catalog, pick: Offering, q: Query) -> str:
    """The hourly price of the size ``plan`` picks, as the rows are priced (with the Windows licence;
    for spot its spot price, or said unknown as ``plan`` says it)."""
    from .search import make_row

    row = make_row(catalog, Row(pick), q)
    if q.spot:
        spot = row.spot_price_hourly
        return f"${spot:g}/h spot" if spot is not None else f"{UNKNOWN_SPOT}; ${row.price_hourly:g}/h on-demand"
    return f"${row.price_hourly:g}/h"


def describe_nearest(catalog: Catalog, regions: list[str], q: Query) -> list[str]:
    """Shapes that do exist, for a query nothing meets."""
    if q.gpu_name:
        return nearest_gpus(catalog, regions, q)
    found = [
        o
        for region in regions
        for o in nearest_offerings(
            catalog.cloud, region, cpus=q.cpus, memory_gib=q.memory_gib, arch=q.arch, catalog=catalog
        )
    ]
    # A doubted price ranks after a trusted one of the same shortfall (the same size in another region).
    found.sort(
        key=lambda o: (
            *shortfall(o, q.cpus, q.memory_gib, q.arch)[:2],
            bool(catalog.findings(o, False)),
            o.price_hourly,
            o.instance_type,
            o.region,
        )
    )
    where = (lambda o: f" in {o.region}") if len(regions) > 1 else (lambda o: "")
    return [f"{o.shape()}{where(o)} {priced_at(catalog, o)}" for o in found[:3]]


def priced_at(catalog: Catalog, o: Offering) -> str:
    """``at $X/h`` for a nearest shape, marked when the price sanity rules doubt that price."""
    findings = catalog.findings(o, False)
    return f"at ${o.price_hourly:g}/h" + (f" (! {findings[0].describe()})" if findings else "")


def nearest_gpus(catalog: Catalog, regions: list[str], q: Query) -> list[str]:
    """The cheapest type per GPU card in the regions searched, and the regions that have the GPU asked for."""
    cheapest: dict[str | None, Offering] = {}
    offerings = [o for region in regions for o in catalog.offerings(region).values()]
    for o in sorted(offerings, key=lambda o: (bool(catalog.findings(o, False)), o.price_hourly or 0)):
        if o.gpu_name and o.has_price and o.gpu_label not in cheapest:
            cheapest[o.gpu_label] = o
    ranked = sorted(cheapest.values(), key=lambda o: o.price_hourly or 0)
    lines = [f"{o.shape()} {priced_at(catalog, o)}" for o in ranked][:4]
    card, memory = gpus.parse(q.gpu_name or "")
    elsewhere = {
        region for name in catalog.types_with_gpu(q.gpu_name, q.gpu_count) for region in catalog.regions_offering(name)
    }
    if catalog.attaches_accelerators and (memory is None or memory == accelerator_card(card.upper())[1]):
        elsewhere |= {
            r
            for r in catalog.regions
            for a in catalog.accelerators(r)
            if a.name.lower() == card.lower() and a.count >= q.gpu_count
        }
    if elsewhere:
        listed = sorted(elsewhere)
        shown = ", ".join(listed[:6]) + (f" and {len(listed) - 6} more" if len(listed) > 6 else "")
        lines.append(f"{q.gpu_count:g}x {q.gpu_name} is offered in {shown}")
    else:
        lines.append(f"no region in this {catalog.cloud} snapshot offers {q.gpu_count:g}x {q.gpu_name}")
    return lines


def date_note(results: list[CloudResult], spot: bool) -> str | None:
    """A line under all the tables when the prices shown are of dates more than 90 days apart."""
    from ...catalog.notices import STALE_DAYS, days_between

    dated = sorted(
        {
            (res.cloud, row.spot_date if spot and row.spot_price_hourly is not None else row.price_date)
            for res in results
            for row in res.rows
        }
    )
    if len(dated) < 2:
        return None
    dates = [d for _, d in dated]
    gap = days_between(min(dates), max(dates))
    if gap <= STALE_DAYS:
        return None
    by_cloud: dict[str, list[str]] = {}
    for cloud, day in dated:
        by_cloud.setdefault(cloud, []).append(day)
    listed = "; ".join(f"{cloud_title(c)} {', '.join(d)}" for c, d in by_cloud.items())
    return (
        f"note: these prices are of dates {gap} days apart ({listed}): prices may have changed since the older "
        "ones (refresh them: python -m components catalog refresh CLOUD), so compare them as of their dates"
    )


def row_dates(row: Row, spot: bool) -> str:
    return row.spot_date if spot and row.spot_price_hourly is not None else row.price_date
