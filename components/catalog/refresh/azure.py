"""Azure refresh: Linux pay-as-you-go and spot prices from the public Retail Prices API
(https://prices.azure.com/api/retail/prices, no credentials), one filtered query per region,
following ``NextPageLink`` to the last page.

The price API has no vCPU, memory or GPU figures, so shapes come from the current snapshot; a size
priced but not in it is left out and named in the report (its shape needs adding by a catalog
build first). Without ``--regions``, the regions of the current snapshot are refreshed.

With ``--subscription`` (and a token in ``AZURE_ACCESS_TOKEN``), the sizes' facts (Hyper-V
generations, data-disk maximum, Spot support, premium storage) and which zones offer each size come
from the Resource SKUs API too (``azure_skus``); without it they are kept from the snapshot.

Part prices (``components/pricing.py``) come from the same API, two more queries per region: managed
disk tiers (Premium SSD, Standard SSD and Standard HDD, LRS: ``P10 LRS Disk`` ... per month), the
Standard static public IPv4 address (``Standard IPv4 Static Public IP``, per hour), and Windows
licences as the Windows minus the Linux pay-as-you-go price of each size (the Windows meters are in
the VM query already).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from .. import licence_per_vcpu
from ..parts import licence_prices
from . import azure_skus
from .common import (
    Progress,
    RefreshCall,
    RefreshReport,
    UsageError,
    common_options,
    refuse_spot_feed,
    regions_of_snapshot,
    shapes_from_snapshot,
    write_refreshed,
)

API = "https://prices.azure.com/api/retail/prices"
API_VERSION = "2023-01-01-preview"
SOURCE = "Azure Retail Prices API, Linux pay-as-you-go and spot"
TIMEOUT_SECONDS = 60
DISK_PRODUCTS = {
    "Premium SSD Managed Disks": "Premium_LRS",
    "Standard SSD Managed Disks": "StandardSSD_LRS",
    "Standard HDD Managed Disks": "Standard_LRS",
}
DISK_TIER = re.compile(r"^(?P<tier>[PES]\d+) LRS Disk$")  # not "... Disk Mount", "... Disk Operations", ZRS
IP_PRODUCT, IP_METER = "IP Addresses", "Standard IPv4 Static Public IP"


def region_filter(region: str) -> str:
    return f"serviceName eq 'Virtual Machines' and priceType eq 'Consumption' and armRegionName eq '{region}'"


def disk_filter(region: str) -> str:
    products = " or ".join(f"productName eq '{p}'" for p in DISK_PRODUCTS)
    return f"serviceName eq 'Storage' and priceType eq 'Consumption' and armRegionName eq '{region}' and ({products})"


def ip_filter(region: str) -> str:
    return (
        f"serviceName eq 'Virtual Network' and priceType eq 'Consumption' and armRegionName eq '{region}' "
        f"and productName eq '{IP_PRODUCT}'"
    )


def fetch_items(session, region: str, query: str | None = None) -> Iterator[dict]:
    """Every price item of a query (default: the region's VM prices), page after page until
    NextPageLink is null."""
    response = session.get(
        API, params={"api-version": API_VERSION, "$filter": query or region_filter(region)}, timeout=TIMEOUT_SECONDS
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
    """'on_demand' or 'spot' for a Linux hourly VM price, 'windows' for a Windows pay-as-you-go one;
    None for anything else (Windows spot, Low Priority, non-hourly, zero prices)."""
    if item.get("type") != "Consumption" or item.get("unitOfMeasure") != "1 Hour":
        return None
    if not item.get("armSkuName") or not item.get("retailPrice") or item["retailPrice"] <= 0:
        return None
    sku = item.get("skuName", "")
    if "Low Priority" in sku:
        return None
    if item.get("productName", "").endswith("Windows"):
        return None if "Spot" in sku else "windows"
    return "spot" if "Spot" in sku else "on_demand"


def prices_by_size(items) -> dict[str, dict[str, float]]:
    """{size: {"on_demand": $/h, "spot": $/h, "windows": $/h}}; when a size has several meters of a
    kind, the latest wins."""
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


def latest(items, key) -> dict[str, float]:
    """The latest positive price of each key (``key(item)``, None to skip) among price items."""
    chosen: dict[str, tuple[str, float]] = {}
    for item in items:
        name = key(item)
        price = item.get("retailPrice")
        if name is None or item.get("type") != "Consumption" or not price or price <= 0:
            continue
        start = item.get("effectiveStartDate", "")
        if name not in chosen or start > chosen[name][0]:
            chosen[name] = (start, price)
    return {name: price for name, (_start, price) in chosen.items()}


def disk_part(item: dict) -> str | None:
    """``disk:Premium_LRS:P10`` for a monthly LRS managed disk tier meter; None for anything else."""
    sku = DISK_PRODUCTS.get(item.get("productName", ""))
    tier = DISK_TIER.match(item.get("meterName", ""))
    if sku is None or tier is None or item.get("unitOfMeasure") != "1/Month":
        return None
    return f"disk:{sku}:{tier['tier']}"


def ip_part(item: dict) -> str | None:
    ok = item.get("productName") == IP_PRODUCT and item.get("meterName") == IP_METER
    return "ipv4:public" if ok and item.get("unitOfMeasure") == "1 Hour" else None


def part_prices(prices: dict[str, dict[str, float]], shapes: dict[str, dict], disks, ips) -> dict[str, float]:
    """A region's part prices: disk tiers, the public IPv4 address and Windows licences (Windows minus
    Linux pay-as-you-go of each size with a known vCPU count)."""
    parts = {**latest(disks, disk_part), **latest(ips, ip_part)}
    linux = {size: p["on_demand"] for size, p in prices.items() if "on_demand" in p}
    windows = {size: p["windows"] for size, p in prices.items() if "windows" in p}
    # A constrained-vCPU size's licence is billed on its full (licensed) vCPUs (catalog/normalise.py).
    vcpus = {size: (shape.get("facts") or {}).get("licensed_vcpus") or shape["vcpus"] for size, shape in shapes.items()}
    parts.update(licence_prices(linux, windows, vcpus, lambda size: licence_per_vcpu("azure", size)))
    return dict(sorted(parts.items()))


def region_rows(prices: dict[str, dict[str, float]], shapes: dict[str, dict], region: str) -> list[dict]:
    return [
        {**shapes[size], "region": region, "price_hourly": p["on_demand"], "spot_price_hourly": p.get("spot")}
        for size, p in sorted(prices.items())
        if size in shapes and "on_demand" in p
    ]


def with_sku_facts(shapes: dict, session, subscription: str, token: str, regions: list[str], progress: Progress):
    """The shapes with each size's facts from the Resource SKUs API, the zones it reports, and notes."""
    with progress.task("azure: resource SKUs", len(regions)) as advance:
        skus = {}
        for region in regions:
            skus[region] = list(azure_skus.fetch_skus(session, subscription, token, region))
            advance()
    facts, zones, notes = azure_skus.collect(skus)
    shapes = {
        name: {**shape, "facts": {**(shape.get("facts") or {}), **facts.get(name, {})}}
        for name, shape in shapes.items()
    }
    return shapes, zones, notes


def fetch_regions(session, shapes: dict, regions: list[str], progress: Progress) -> tuple[list[dict], set[str], dict]:
    """Each region's rows (sizes with a known shape and an on-demand price), the priced sizes without
    a shape, and the part prices (disks, IPv4, licences) of the regions that have rows."""
    rows, unshaped, parts = [], set(), {}
    with progress.task("azure: regions", len(regions)) as advance:
        for region in regions:
            prices = prices_by_size(fetch_items(session, region))
            found = region_rows(prices, shapes, region)
            rows.extend(found)
            unshaped.update(size for size in prices if size not in shapes and "on_demand" in prices[size])
            if found:
                disks = list(fetch_items(session, region, disk_filter(region)))
                ips = list(fetch_items(session, region, ip_filter(region)))
                parts[region] = part_prices(prices, shapes, disks, ips)
            advance()
    return rows, unshaped, parts


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
        shapes, zones, notes = with_sku_facts(shapes, session, subscription, token, wanted, progress)
    rows, unshaped, parts = fetch_regions(session, shapes, wanted, progress)
    report = write_refreshed(
        "azure",
        rows,
        wanted,
        source=SOURCE + ("; sizes and zones from the Resource SKUs API" if subscription else ""),
        partial=bool(regions),
        data_dir=data_dir,
        allow_fewer_types=allow_fewer_types,
        zones=zones,
        prices=parts,
    )
    report.notes.extend(notes)
    if unshaped:
        names = sorted(unshaped)
        report.notes.append(
            f"{len(names)} priced sizes have no known shape and were left out: {', '.join(names[:8])}"
            + (" ..." if len(names) > 8 else "")
        )
    return report


def refresh_options(args, environ: Mapping[str, str]) -> RefreshCall:
    """``catalog refresh azure [--subscription ID]``: the Retail Prices API needs no credentials, the
    Resource SKUs API a bearer token in ``AZURE_ACCESS_TOKEN``."""
    refuse_spot_feed(args)
    token = environ.get("AZURE_ACCESS_TOKEN")
    if args.subscription and not token:
        raise UsageError(
            "--subscription needs a bearer token in AZURE_ACCESS_TOKEN "
            "(az account get-access-token --query accessToken -o tsv)"
        )
    options = {"subscription": args.subscription, "token": token, **common_options(args)}
    return RefreshCall(refresh, options, secrets=(token,))
