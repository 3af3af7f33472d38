"""Azure refresh: Linux pay-as-you-go and spot prices from the public Retail Prices API
(https://prices.azure.com/api/retail/prices, no credentials), one filtered query per region,
following ``NextPageLink`` to the last page.

The price API has no vCPU, memory or GPU figures, so shapes come from the current snapshot; a size
priced but not in it is left out and named in the report (its shape needs adding by a catalog
build first). Without ``--regions``, the regions of the current snapshot are refreshed.

With ``--subscription`` (and a token in ``AZURE_ACCESS_TOKEN``), the sizes' facts (Hyper-V
generations, data-disk maximum, Spot support, premium storage) and which zones offer each size come
from the Resource SKUs API too (``azure_skus``); without it they are kept from the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from . import azure_skus
from .common import Progress, RefreshReport, regions_of_snapshot, shapes_from_snapshot, write_refreshed

API = "https://prices.azure.com/api/retail/prices"
API_VERSION = "2023-01-01-preview"
SOURCE = "Azure Retail Prices API, Linux pay-as-you-go and spot"
TIMEOUT_SECONDS = 60


def region_filter(region: str) -> str:
    return f"serviceName eq 'Virtual Machines' and priceType eq 'Consumption' and armRegionName eq '{region}'"


def fetch_items(session, region: str) -> Iterator[dict]:
    """Every price item for a region, page after page until NextPageLink is null."""
    response = session.get(
        API, params={"api-version": API_VERSION, "$filter": region_filter(region)}, timeout=TIMEOUT_SECONDS
    )
    while True:
        response.raise_for_status()
        page = response.json()
        yield from page.get("Items", [])
        next_link = page.get("NextPageLink")
        if not next_link:
            return
        response = session.get(next_link, timeout=TIMEOUT_SECONDS)


def price_kind(item: dict) -> str | None:
    """'on_demand' or 'spot' for a Linux hourly VM price; None for anything else (Windows, Low
    Priority, non-hourly, zero prices)."""
    if item.get("type") != "Consumption" or item.get("unitOfMeasure") != "1 Hour":
        return None
    if not item.get("armSkuName") or not item.get("retailPrice") or item["retailPrice"] <= 0:
        return None
    if item.get("productName", "").endswith("Windows") or "Low Priority" in item.get("skuName", ""):
        return None
    return "spot" if "Spot" in item.get("skuName", "") else "on_demand"


def prices_by_size(items) -> dict[str, dict[str, float]]:
    """{size: {"on_demand": $/h, "spot": $/h}}; when a size has several meters, the latest wins."""
    chosen: dict[tuple[str, str], tuple[str, float]] = {}
    for item in items:
        kind = price_kind(item)
        if kind is None:
            continue
        key = (item["armSkuName"], kind)
        start = item.get("effectiveStartDate", "")
        if key not in chosen or start > chosen[key][0]:
            chosen[key] = (start, item["retailPrice"])
    sizes: dict[str, dict[str, float]] = {}
    for (size, kind), (_start, price) in chosen.items():
        sizes.setdefault(size, {})[kind] = price
    return sizes


def region_rows(prices: dict[str, dict[str, float]], shapes: dict[str, dict], region: str) -> list[dict]:
    return [
        {**shapes[size], "region": region, "price_hourly": p["on_demand"], "spot_price_hourly": p.get("spot")}
        for size, p in sorted(prices.items())
        if size in shapes and "on_demand" in p
    ]


def refresh(
    regions: list[str] | None = None,
    *,
    data_dir: Path | None = None,
    progress: Progress | None = None,
    allow_fewer_types: bool = False,
    session=None,
    subscription: str | None = None,
    token: str | None = None,
) -> RefreshReport:
    import requests

    session = session or requests.Session()
    progress = progress or Progress()
    shapes = shapes_from_snapshot("azure", data_dir)
    wanted = list(regions or regions_of_snapshot("azure", data_dir))
    if not wanted:
        raise ValueError("no regions to refresh: pass --regions (there is no snapshot to take them from)")
    zones, notes = None, []
    if subscription:
        if not token:
            raise ValueError("--subscription needs a token in AZURE_ACCESS_TOKEN (az account get-access-token)")
        with progress.task("azure: resource SKUs", len(wanted)) as advance:
            skus = {}
            for region in wanted:
                skus[region] = list(azure_skus.fetch_skus(session, subscription, token, region))
                advance()
        facts, zones, notes = azure_skus.collect(skus)
        shapes = {
            name: {**shape, "facts": {**(shape.get("facts") or {}), **facts.get(name, {})}}
            for name, shape in shapes.items()
        }
    rows, unshaped = [], set()
    with progress.task("azure: regions", len(wanted)) as advance:
        for region in wanted:
            prices = prices_by_size(fetch_items(session, region))
            rows.extend(region_rows(prices, shapes, region))
            unshaped.update(size for size in prices if size not in shapes)
            advance()
    report = write_refreshed(
        "azure",
        rows,
        wanted,
        source=SOURCE + ("; sizes and zones from the Resource SKUs API" if subscription else ""),
        partial=bool(regions),
        data_dir=data_dir,
        allow_fewer_types=allow_fewer_types,
        zones=zones,
    )
    report.notes.extend(notes)
    if unshaped:
        names = sorted(unshaped)
        report.notes.append(
            f"{len(names)} priced sizes have no known shape and were left out: {', '.join(names[:8])}"
            + (" ..." if len(names) > 8 else "")
        )
    return report
