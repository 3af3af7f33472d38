"""AWS refresh: shapes from EC2 DescribeInstanceTypes, availability per AZ ID from
DescribeInstanceTypeOfferings (``LocationType=availability-zone-id``) and DescribeAvailabilityZones,
on-demand prices from the Price List query API (``pricing`` GetProducts), spot prices from
DescribeSpotPriceHistory (cheapest zone, latest price).

AZ names are recorded with their AZ ID only in regions that map names the same way in every account
(``sources/aws_zones.json`` lists the others): elsewhere the refreshing account's mapping says
nothing about another account's.

Needs AWS credentials (the usual boto3 chain) allowed ``ec2:DescribeRegions``,
``ec2:DescribeAvailabilityZones``, ``ec2:DescribeInstanceTypes``,
``ec2:DescribeInstanceTypeOfferings``, ``ec2:DescribeSpotPriceHistory`` and ``pricing:GetProducts``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from .. import licence_per_vcpu
from ..normalise import normalise_shape
from ..parts import licence_prices
from ..size_facts import aws_facts
from ..zones import SOURCES_DIR, ZoneData
from .common import Progress, RefreshCall, RefreshReport, common_options, write_refreshed

IPV4_FAMILY = "VPC Public IPv4 Address"  # AmazonVPC products billed per in-use public IPv4 address
ENDPOINT_FAMILY = "VpcEndpoint"  # AmazonVPC PrivateLink endpoints: <prefix>-VpcEndpoint-Hours per endpoint-AZ
# The interface endpoint's hour, not its bytes, nor Gateway Load Balancer or service-side usage types;
# us-east-1's usage types have no region prefix.
INTERFACE_ENDPOINT_HOURS = re.compile(r"^([A-Z0-9]+-)?VpcEndpoint-Hours$")
PRICING_REGION = "us-east-1"  # the Price List query API is served from us-east-1 (and two others)
SOURCE = "AWS Price List query API, Linux on-demand, shared tenancy; shapes from DescribeInstanceTypes"
LINUX_ON_DEMAND_FILTERS = {
    "operatingSystem": "Linux",
    "tenancy": "Shared",
    "preInstalledSw": "NA",
    "capacitystatus": "Used",
    "licenseModel": "No License required",
}


def shape_of(instance_type: dict) -> dict | None:
    """A DescribeInstanceTypes entry as a shape row with the size's facts (spot support, boot modes,
    data-disk maximum); None for Mac hosts (dedicated hosts only)."""
    arches = instance_type["ProcessorInfo"]["SupportedArchitectures"]
    arch = "arm64" if "arm64" in arches else "x86_64" if "x86_64" in arches else None
    if arch is None:
        return None
    gpus = instance_type.get("GpuInfo", {}).get("Gpus", [])
    shape = {
        "instance_type": instance_type["InstanceType"],
        "vcpus": instance_type["VCpuInfo"]["DefaultVCpus"],
        "memory_gib": round(instance_type["MemoryInfo"]["SizeInMiB"] / 1024, 3),
        "arch": arch,
        "gpu_name": gpus[0]["Name"] if gpus else None,
        "gpu_count": sum(g["Count"] for g in gpus) if gpus else None,
        "facts": aws_facts(instance_type),
    }
    gpu_info = [[g["Name"], g["Count"], g.get("MemoryInfo", {}).get("SizeInMiB")] for g in gpus]
    return normalise_shape("aws", shape, gpu_info or None)


DESCRIBE_BATCH = 100  # DescribeInstanceTypes takes at most 100 names per call


def fetch_shapes(ec2, names: set[str]) -> dict[str, dict]:
    """Shapes of the named types (only those: describing all ~1,000 is slow and mostly unused)."""
    shapes = {}
    ordered = sorted(names)
    for start in range(0, len(ordered), DESCRIBE_BATCH):
        batch = ordered[start : start + DESCRIBE_BATCH]
        for entry in ec2.describe_instance_types(InstanceTypes=batch)["InstanceTypes"]:
            shape = shape_of(entry)
            if shape:
                shapes[shape["instance_type"]] = shape
    return shapes


def independently_mapped_regions() -> frozenset[str]:
    document = json.loads((SOURCES_DIR / "aws_zones.json").read_text())
    return frozenset(document["independently_mapped_regions"])


def fetch_zones(ec2, region: str, zones: ZoneData) -> set[str]:
    """Records the region's availability zones (not Local or Wavelength Zones) and which AZ IDs
    offer each type in ``zones``; returns the types offered in some zone."""
    listed = ec2.describe_availability_zones(
        Filters=[{"Name": "zone-type", "Values": ["availability-zone"]}, {"Name": "region-name", "Values": [region]}]
    )["AvailabilityZones"]
    ids = sorted(z["ZoneId"] for z in listed)
    account_specific = region in independently_mapped_regions()
    zones.region_zones[region] = ids
    zones.zone_names[region] = {z["ZoneName"]: None if account_specific else z["ZoneId"] for z in listed}
    pages = ec2.get_paginator("describe_instance_type_offerings").paginate(
        LocationType="availability-zone-id", Filters=[{"Name": "location", "Values": ids}]
    )
    offered: set[str] = set()
    for page in pages:
        for offering in page["InstanceTypeOfferings"]:
            zones.type_zones.setdefault((region, offering["InstanceType"]), []).append(offering["Location"])
            offered.add(offering["InstanceType"])
    return offered


def on_demand_price(product: dict, unit: str = "Hrs") -> float | None:
    """The USD price per ``unit`` in a Price List product's OnDemand terms (the first tier)."""
    for term in product.get("terms", {}).get("OnDemand", {}).values():
        for dimension in term["priceDimensions"].values():
            if dimension.get("unit") == unit and "USD" in dimension["pricePerUnit"]:
                return float(dimension["pricePerUnit"]["USD"])
    return None


def products(pricing, service: str, filters: dict[str, str]):
    """Every product of a paginated GetProducts query (TERM_MATCH on each filter)."""
    terms = [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in filters.items()]
    kwargs = {"ServiceCode": service, "Filters": terms, "FormatVersion": "aws_v1", "MaxResults": 100}
    while True:
        page = pricing.get_products(**kwargs)
        for item in page["PriceList"]:
            yield json.loads(item) if isinstance(item, str) else item
        if not page.get("NextToken"):
            return
        kwargs["NextToken"] = page["NextToken"]


def fetch_prices(pricing, region: str, operating_system: str = "Linux") -> dict[str, float]:
    """On-demand $/h by instance type in a region (Linux, or Windows with its licence included)."""
    filters = {"regionCode": region, **LINUX_ON_DEMAND_FILTERS, "operatingSystem": operating_system}
    prices: dict[str, float] = {}
    for product in products(pricing, "AmazonEC2", filters):
        name = product["product"]["attributes"].get("instanceType")
        price = on_demand_price(product)
        if name and price is not None and price > 0:
            prices[name] = price
    return prices


EBS_PARTS = {t: f"disk:{t}" for t in ("gp3", "gp2", "io1", "io2", "st1", "sc1", "standard")}  # per GB-month


def fetch_part_prices(pricing, region: str, linux: dict[str, float], shapes: dict[str, dict]) -> dict[str, float]:
    """The region's EBS storage $/GB-month (gp3, gp2, io1, io2, st1, sc1, magnetic; not provisioned
    IOPS or throughput), public IPv4 $/h, an interface endpoint's $/h per AZ and Windows licences
    (Windows minus Linux on-demand price of each type), from the same Price List query API."""
    parts: dict[str, float] = {}
    for product in products(pricing, "AmazonEC2", {"regionCode": region, "productFamily": "Storage"}):
        part = EBS_PARTS.get(product["product"]["attributes"].get("volumeApiName"))
        price = on_demand_price(product, "GB-Mo")
        if part and price is not None:
            parts[part] = price
    for product in products(pricing, "AmazonVPC", {"regionCode": region, "productFamily": IPV4_FAMILY}):
        if product["product"]["attributes"].get("usagetype", "").endswith("PublicIPv4:InUseAddress"):
            price = on_demand_price(product)
            if price is not None:
                parts["ipv4:public"] = price
    for product in products(pricing, "AmazonVPC", {"regionCode": region, "productFamily": ENDPOINT_FAMILY}):
        if INTERFACE_ENDPOINT_HOURS.match(product["product"]["attributes"].get("usagetype", "")):
            price = on_demand_price(product)
            if price is not None:
                parts["endpoint:interface"] = price
    windows = fetch_prices(pricing, region, "Windows")
    vcpus = {name: shape["vcpus"] for name, shape in shapes.items()}
    parts.update(licence_prices(linux, windows, vcpus, lambda t: licence_per_vcpu("aws", t)))
    return parts


def fetch_spot_prices(ec2, names: set[str], now: dt.datetime | None = None) -> dict[str, float]:
    """The lowest current Linux spot price over the region's zones, by instance type."""
    latest: dict[tuple[str, str], tuple[dt.datetime, float]] = {}
    pages = ec2.get_paginator("describe_spot_price_history").paginate(
        InstanceTypes=sorted(names),
        ProductDescriptions=["Linux/UNIX", "Linux/UNIX (Amazon VPC)"],
        StartTime=now or dt.datetime.now(dt.UTC),
    )
    for page in pages:
        for entry in page["SpotPriceHistory"]:
            key = (entry["InstanceType"], entry["AvailabilityZone"])
            if key not in latest or entry["Timestamp"] > latest[key][0]:
                latest[key] = (entry["Timestamp"], float(entry["SpotPrice"]))
    cheapest: dict[str, float] = {}
    for (name, _zone), (_when, price) in latest.items():
        if price > 0:
            cheapest[name] = min(price, cheapest.get(name, price))
    return cheapest


def region_rows(shapes: dict, offered: set[str], prices: dict, spot: dict, region: str) -> list[dict]:
    """Rows for the types offered in a region that have both a shape and an on-demand price."""
    return [
        {**shapes[name], "region": region, "price_hourly": prices[name], "spot_price_hourly": spot.get(name)}
        for name in sorted(offered)
        if name in shapes and name in prices
    ]


def default_client_factory(service: str, region: str):
    import boto3

    return boto3.client(service, region_name=region)


def refresh(
    regions: list[str] | None = None,
    *,
    data_dir: Path | None = None,
    progress: Progress | None = None,
    allow_fewer_types: bool = False,
    client: Callable[[str, str], object] = default_client_factory,
    spot: bool = True,
) -> RefreshReport:
    progress = progress or Progress()
    if regions:
        wanted = list(regions)
    else:
        wanted = sorted(r["RegionName"] for r in client("ec2", PRICING_REGION).describe_regions()["Regions"])
    pricing = client("pricing", PRICING_REGION)
    shapes: dict[str, dict] = {}
    zones = ZoneData(source="DescribeInstanceTypeOfferings (availability-zone-id)")
    rows, notes, part_prices = [], [], {}
    with progress.task("aws: regions", len(wanted)) as advance:
        for region in wanted:
            ec2 = client("ec2", region)
            offered = fetch_zones(ec2, region, zones)
            prices = fetch_prices(pricing, region)
            priced = offered & prices.keys()
            shapes.update(fetch_shapes(ec2, priced - shapes.keys()))
            spot_prices = fetch_spot_prices(ec2, priced) if spot and priced else {}
            found = region_rows(shapes, offered, prices, spot_prices, region)
            unpriced = len(offered - prices.keys())
            if unpriced:
                notes.append(f"{region}: {unpriced} offered types without a Linux on-demand price left out")
            rows.extend(found)
            if found:
                part_prices[region] = fetch_part_prices(pricing, region, prices, shapes)
            advance()
    report = write_refreshed(
        "aws",
        rows,
        wanted,
        source=SOURCE,
        partial=bool(regions),
        data_dir=data_dir,
        allow_fewer_types=allow_fewer_types,
        zones=zones,
        prices=part_prices,
    )
    report.notes.extend(notes)
    return report


def refresh_options(args, environ: Mapping[str, str]) -> RefreshCall:
    """``catalog refresh aws``: credentials as boto3 finds them; ``--spot-feed`` reads only spot
    prices, from the public feed (``aws_spot``), without them."""
    if args.spot_feed:
        from . import aws_spot

        return RefreshCall(aws_spot.refresh, {"data_dir": args.data_dir})
    return RefreshCall(refresh, common_options(args))
