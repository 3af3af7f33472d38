"""GCP refresh: prices from the Cloud Billing Catalog API (Compute Engine SKUs, with an API key),
shapes from the Compute API's machineTypes aggregatedList when a project is given, else from the
current snapshot.

GCP prices a machine type by parts: vCPUs x the family's core SKU + GiB x its RAM SKU (+ built-in
GPUs x the GPU SKU for a2/a3/a4/g2, + bundled local SSD x the local SSD SKU for ``-lssd``, a2-ultra
and a3 sizes: ``SSD backed Local Storage``, or ``C4 / C4A / C4D Instance Local SSD`` for those
families). Shared-core e2 types bill a fraction of a vCPU; f1-micro and g1-small have whole-instance
SKUs. Spot prices come from the "Spot Preemptible" SKUs.

Part prices (``components/pricing.py``) come from the same SKUs: disk capacity per GiB-month
(``Balanced PD Capacity``, ``Storage PD Capacity``, ``SSD backed PD Capacity``, ``Hyperdisk
Balanced Capacity``, zonal, the price past any free tier), external IPv4 addresses in use (``External
IP Charge on a Standard VM`` / ``on a Spot Preemptible VM``, global) and the Windows Server licence
(``Licensing Fee for Windows Server <year> Datacenter Edition (CPU cost)`` or ``... on VM`` per
vCPU-hour, ``... on f1-micro`` / ``on g1-small`` per instance, global; e2 shared-core types at the
per-vCPU price times the vCPUs they are billed as, 0.25, 0.5 and 1).

Needs an API key with the Cloud Billing API enabled (``--api-key`` or ``GOOGLE_API_KEY``); for
fresh shapes, also a project (``--project``) whose key may call the Compute Engine API.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from ...money import HOURS_PER_MONTH
from ..gpus import GCP_ACCELERATOR_TYPES
from ..normalise import normalise_shape
from ..zones import ZoneData
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

BILLING_API = "https://cloudbilling.googleapis.com/v1/services/6F81-5844-456A/skus"  # Compute Engine
COMPUTE_API = "https://compute.googleapis.com/compute/v1/projects/{project}/aggregated/machineTypes"
SOURCE = "Google Cloud Billing Catalog API, on-demand and spot"
TIMEOUT_SECONDS = 60

_SPOT = r"(?P<spot>(?:Spot )?Preemptible )?"
_PART = re.compile(_SPOT + r"(?P<family>.+?) (?P<part>Core|Ram) running in ")
_GPU = re.compile(_SPOT + r"Nvidia (?:Tesla )?(?P<model>.+?) GPU running in ")
_WHOLE = re.compile(_SPOT + r"(?P<what>Micro Instance with burstable CPU|Small Instance with 1 VCPU) running in ")
_FAMILY_TOKEN = re.compile(r"^[A-Z]\d+[A-Z]?$")
_LOCAL_SSD = re.compile(
    _SPOT
    + r"(?:(?P<family>C4[AD]?) Instance Local SSD running in |SSD backed Local Storage(?P<attached> attached to Spot"
    r" Preemptible VMs)?(?: in |$))"
)
OWN_LOCAL_SSD_FAMILIES = ("c4", "c4a", "c4d")  # their local SSD has a SKU of its own
LOCAL_SSD_DISK_GIB = 375
_REGION = re.compile(r"^[a-z]+-[a-z]+\d+$")
_EXCLUDED = ("Custom", "Sole Tenancy", "Extended", "Commitment", "Reserved", "DWS", "Calendar")

FAMILY_ALIASES = {"Compute optimized": "c2", "Memory-optimized Instance": "m1"}
WHOLE_INSTANCE_TYPES = {"Micro Instance with burstable CPU": "f1-micro", "Small Instance with 1 VCPU": "g1-small"}
SHARED_CORE_VCPUS = {"e2-micro": 0.25, "e2-small": 0.5, "e2-medium": 1}  # vCPUs billed
GPU_MODELS = {
    "T4": "T4", "P4": "P4", "P100": "P100", "V100": "V100", "K80": "K80", "L4": "L4", "A100": "A100",
    "A100 80GB": "A100-80GB", "H100 80GB": "H100", "H100 80GB Mega": "H100-MEGA", "H200 141GB": "H200",
    "B200": "B200",
}  # fmt: skip
BUILT_IN_GPU_FAMILIES = ("a2", "a3", "a4", "g2")
ARM_FAMILIES = ("t2a", "c4a", "a4x")
ATTACHABLE_COUNTS = {"T4": (1, 2, 4), "P4": (1, 2, 4), "P100": (1, 2, 4), "V100": (1, 2, 4, 8), "K80": (1, 2, 4, 8)}

PriceTable = dict[tuple[str, str, bool], dict[str, float]]  # (kind, name, spot) -> {region: $/h}

_DISKS = {
    "Balanced PD Capacity": "disk:pd-balanced",
    "Storage PD Capacity": "disk:pd-standard",
    "SSD backed PD Capacity": "disk:pd-ssd",
    "Hyperdisk Balanced Capacity": "disk:hyperdisk-balanced",
}
_DISK = re.compile(r"^(?P<what>" + "|".join(map(re.escape, _DISKS)) + r")(?: in .+)?$")
_IPS = {
    "External IP Charge on a Standard VM": "ipv4:public",
    "External IP Charge on a Spot Preemptible VM": "ipv4:public:spot",
}
_WINDOWS = re.compile(
    r"^Licensing Fee for Windows Server (?P<year>\d{4}) Datacenter Edition"
    r"(?: \(CPU cost\)| on VM| on (?P<type>f1-micro|g1-small))$"
)
GLOBAL = "global"


def sku_price(sku: dict) -> float | None:
    """$/unit from the latest pricing entry, using the last tier (the price past any free tier)."""
    if not sku.get("pricingInfo"):
        return None
    rates = sku["pricingInfo"][-1]["pricingExpression"]["tieredRates"]
    if not rates:
        return None
    unit = max(rates, key=lambda r: r.get("startUsageAmount", 0))["unitPrice"]
    return int(unit.get("units") or 0) + unit.get("nanos", 0) / 1e9


def classify(sku: dict) -> tuple[str, str, bool] | None:
    """(kind, name, spot) for the SKUs a VM price is made of, e.g. ("core", "n2", False),
    ("ram", "n2", True), ("gpu", "L4", False), ("instance", "f1-micro", False); None otherwise."""
    category = sku.get("category", {})
    if category.get("resourceFamily") != "Compute" or category.get("usageType") not in ("OnDemand", "Preemptible"):
        return None
    description = sku.get("description", "")
    if any(word in description for word in _EXCLUDED):
        return None
    if m := _GPU.match(description):
        model = GPU_MODELS.get(m["model"])
        return ("gpu", model, bool(m["spot"])) if model else None
    if m := _WHOLE.match(description):
        return ("instance", WHOLE_INSTANCE_TYPES[m["what"]], bool(m["spot"]))
    if m := _PART.match(description):
        family = FAMILY_ALIASES.get(m["family"])
        token = m["family"].split()[0]
        if family is None and _FAMILY_TOKEN.match(token):
            family = token.lower()
        return (m["part"].lower(), family, bool(m["spot"])) if family else None
    return None


def local_ssd_of(sku: dict) -> tuple[str, str, bool] | None:
    """("localssd", family or "", spot) for a local SSD SKU (priced per GiB-hour in the table)."""
    category = sku.get("category", {})
    if category.get("usageType") not in ("OnDemand", "Preemptible") or "Commitment" in sku.get("description", ""):
        return None
    m = _LOCAL_SSD.match(sku.get("description", ""))
    if not m:
        return None
    return ("localssd", (m["family"] or "").lower(), bool(m["spot"] or m["attached"]))


def _per_hour(sku: dict, price: float) -> float:
    unit = (sku.get("pricingInfo") or [{}])[-1].get("pricingExpression", {}).get("usageUnit", "")
    return price / HOURS_PER_MONTH if unit.endswith(".mo") else price


def price_table(skus) -> PriceTable:
    table: PriceTable = {}
    for sku in skus:
        key = classify(sku) or local_ssd_of(sku)
        price = sku_price(sku) if key else None
        if key and key[0] == "localssd" and price is not None:
            price = _per_hour(sku, price)
        if key is None or price is None or price <= 0:
            continue
        for region in sku.get("serviceRegions", []):
            table.setdefault(key, {})[region] = price
    return table


def part_of(sku: dict) -> tuple[str, int] | None:
    """(part name, rank) for a SKU that prices a part; the highest rank wins when several SKUs price
    the same part (the newest Windows Server edition). None for any other SKU."""
    description = sku.get("description", "")
    family = sku.get("category", {}).get("resourceFamily")
    unit = (sku.get("pricingInfo") or [{}])[-1].get("pricingExpression", {}).get("usageUnit")
    if family == "Storage" and sku.get("category", {}).get("usageType") == "OnDemand" and unit == "GiBy.mo":
        m = _DISK.match(description)
        return (_DISKS[m["what"]], 0) if m else None
    if family == "Network" and description in _IPS:
        return _IPS[description], 0
    if family == "License" and (m := _WINDOWS.match(description)):
        return ("licence:windows" + (f":{m['type']}" if m["type"] else ""), int(m["year"]))
    return None


def part_table(skus) -> dict[str, dict[str, float]]:
    """{part: {region or "global": price}} from the SKUs that price parts."""
    table: dict[str, dict[str, tuple[int, float]]] = {}
    for sku in skus:
        key = part_of(sku)
        price = sku_price(sku) if key else None
        if key is None or price is None or price < 0:
            continue
        part, rank = key
        for region in sku.get("serviceRegions", []):
            if rank >= table.setdefault(part, {}).get(region, (rank, 0.0))[0]:
                table[part][region] = (rank, price)
    return {part: {region: price for region, (_rank, price) in regions.items()} for part, regions in table.items()}


def part_prices(table: dict[str, dict[str, float]], region: str) -> dict[str, float]:
    """A region's part prices: its own SKU's, else the global one's."""
    parts = {}
    for part, prices in table.items():
        price = prices.get(region, prices.get(GLOBAL))
        if price is not None:
            parts[part] = round(price, 6)
    rate = parts.get("licence:windows")
    if rate is not None:
        parts.update({f"licence:windows:{name}": round(rate * share, 6) for name, share in SHARED_CORE_VCPUS.items()})
    return dict(sorted(parts.items()))


def gpu_sku_key(shape: dict) -> str:
    """The GPU SKU model (``GPU_MODELS`` values) of a shape's built-in GPUs: A100-80GB for the 80 GB
    A100, H100-MEGA for a3-megagpu's, else the card."""
    card, memory = shape["gpu_name"], (shape.get("facts") or {}).get("gpu_memory_gb")
    if shape["instance_type"].startswith("a3-megagpu"):
        return "H100-MEGA"
    return "A100-80GB" if card == "A100" and memory == 80 else card


def local_ssd_price(shape: dict, region: str, table: PriceTable, spot: bool) -> float | None:
    """The hourly price of a shape's bundled local SSD (0 without); None when its SKU has no price."""
    gib = (shape.get("facts") or {}).get("local_ssd_gib")
    if not gib:
        return 0.0
    family = shape["instance_type"].split("-")[0]
    rate = table.get(("localssd", family if family in OWN_LOCAL_SSD_FAMILIES else "", spot), {}).get(region)
    return None if rate is None else gib * rate


def machine_price(shape: dict, region: str, table: PriceTable, spot: bool) -> float | None:
    name = shape["instance_type"]
    if name in WHOLE_INSTANCE_TYPES.values():
        return table.get(("instance", name, spot), {}).get(region)
    family = name.split("-")[0]
    core = table.get(("core", family, spot), {}).get(region)
    ram = table.get(("ram", family, spot), {}).get(region)
    if core is None or ram is None:
        return None
    price = SHARED_CORE_VCPUS.get(name, shape["vcpus"]) * core + shape["memory_gib"] * ram
    if shape.get("gpu_name") and family in BUILT_IN_GPU_FAMILIES:
        gpu = table.get(("gpu", gpu_sku_key(shape), spot), {}).get(region)
        if gpu is None:
            return None
        price += shape["gpu_count"] * gpu
    ssd = local_ssd_price(shape, region, table, spot)
    if ssd is None:
        return None
    return round(price + ssd, 6)


def region_rows(shapes: dict[str, dict], available: set[str] | None, region: str, table: PriceTable) -> list[dict]:
    rows = []
    for name, shape in sorted(shapes.items()):
        if available is not None and name not in available:
            continue
        price = machine_price(shape, region, table, spot=False)
        if price is not None:
            spot = machine_price(shape, region, table, spot=True)
            rows.append({**shape, "region": region, "price_hourly": price, "spot_price_hourly": spot})
    return rows


def accelerator_rows(table: PriceTable, region: str) -> list[dict]:
    """GPUs attachable to N1 machines, one row per allowed count, as gcp_accelerators holds them."""
    rows = []
    for name, counts in ATTACHABLE_COUNTS.items():
        price = table.get(("gpu", name, False), {}).get(region)
        spot = table.get(("gpu", name, True), {}).get(region)
        if price is None:
            continue
        rows.extend(
            {
                "region": region,
                "accelerator_name": name,
                "accelerator_count": count,
                "price_hourly": round(count * price, 6),
                "spot_price_hourly": round(count * spot, 6) if spot else None,
            }
            for count in counts
        )
    return rows


def fetch_pages(session, url: str, params: dict, items_key: str, advance) -> Iterator:
    params = dict(params)
    while True:
        response = session.get(url, params=params, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        page = response.json()
        items = page.get(items_key, [])
        yield from items.values() if isinstance(items, dict) else items
        advance()
        if not page.get("nextPageToken"):
            return
        params["pageToken"] = page["nextPageToken"]


def shape_of_machine_type(machine_type: dict) -> dict:
    accelerators = machine_type.get("accelerators") or []
    name = machine_type["name"]
    arm = machine_type.get("architecture") == "ARM64" or name.split("-")[0] in ARM_FAMILIES
    gpu = accelerators[0] if accelerators else None
    # bundledLocalSsds.partitionCount disks of 375 GiB (https://cloud.google.com/compute/docs/disks/local-ssd)
    local_ssd = machine_type.get("bundledLocalSsds", {}).get("partitionCount", 0) * LOCAL_SSD_DISK_GIB
    shape = {
        "instance_type": name,
        "vcpus": machine_type["guestCpus"],
        "memory_gib": round(machine_type["memoryMb"] / 1024, 6),
        "arch": "arm64" if arm else "x86_64",
        "gpu_name": GCP_ACCELERATOR_TYPES.get(gpu["guestAcceleratorType"], gpu["guestAcceleratorType"])
        if gpu
        else None,
        "gpu_count": gpu["guestAcceleratorCount"] if gpu else None,
        "facts": {"local_ssd_gib": local_ssd} if local_ssd else None,
    }
    return normalise_shape("gcp", shape)


def fetch_machine_types(session, project: str, api_key: str, advance) -> tuple[dict, dict[str, set[str]], ZoneData]:
    """Shapes by type, the types offered per region, and the zones offering each type, from the
    machineTypes aggregatedList (one scope per zone)."""
    shapes: dict[str, dict] = {}
    by_region: dict[str, set[str]] = {}
    zones = ZoneData(source="Compute API machineTypes aggregatedList")
    url = COMPUTE_API.format(project=project)
    for scope in fetch_pages(session, url, {"key": api_key, "maxResults": 500}, "items", advance):
        for machine_type in scope.get("machineTypes", []):
            shapes.setdefault(machine_type["name"], shape_of_machine_type(machine_type))
            zone = machine_type["zone"].rsplit("/", 1)[-1]
            region = zone.rsplit("-", 1)[0]
            by_region.setdefault(region, set()).add(machine_type["name"])
            if zone not in zones.region_zones.setdefault(region, []):
                zones.region_zones[region].append(zone)
            zones.type_zones.setdefault((region, machine_type["name"]), []).append(zone)
    for region_zones in zones.region_zones.values():
        region_zones.sort()
    return shapes, by_region, zones


def refresh(
    regions: list[str] | None = None,
    *,
    api_key: str,
    project: str | None = None,
    data_dir: Path | None = None,
    progress: Progress | None = None,
    allow_fewer_types: bool = False,
    session=None,
) -> RefreshReport:
    import requests

    session = session or requests.Session()
    progress = progress or Progress()
    with progress.task("gcp: billing catalog pages", None) as advance:
        skus = list(fetch_pages(session, BILLING_API, {"key": api_key, "pageSize": 5000}, "skus", advance))
    table = price_table(skus)
    zones = None
    if project:
        with progress.task("gcp: machine types pages", None) as advance:
            shapes, offered, zones = fetch_machine_types(session, project, api_key, advance)
        shape_source = "shapes and zones from the Compute API"
    else:
        shapes, offered = shapes_from_snapshot("gcp", data_dir), regions_of_snapshot("gcp", data_dir)
        shape_source = "shapes and zones from the previous snapshot"
    priced_regions = {r for prices in table.values() for r in prices if _REGION.match(r)}
    wanted = sorted(regions or priced_regions)
    parts_table = part_table(skus)
    rows, accelerators, parts = [], [], {}
    with progress.task("gcp: regions", len(wanted)) as advance:
        for region in wanted:
            # A region the shapes do not cover (new since the snapshot) gets every priced shape.
            found = region_rows(shapes, offered.get(region), region, table)
            rows.extend(found)
            accelerators.extend(accelerator_rows(table, region))
            if found:
                parts[region] = part_prices(parts_table, region)
            advance()
    report = write_refreshed(
        "gcp",
        rows,
        wanted,
        source=f"{SOURCE}; {shape_source}",
        partial=bool(regions),
        data_dir=data_dir,
        accelerators=accelerators,
        allow_fewer_types=allow_fewer_types,
        zones=zones,
        prices=parts,
    )
    report.notes.append(f"{len(skus)} SKUs read; {shape_source}; TPU prices are not refreshed")
    return report


def refresh_options(args, environ: Mapping[str, str]) -> RefreshCall:
    """``catalog refresh gcp --api-key KEY [--project PROJECT]``: the Billing Catalog API needs an API
    key (``--api-key``, default ``GOOGLE_API_KEY``)."""
    refuse_spot_feed(args)
    if not args.api_key:
        raise UsageError("an API key is needed: --api-key KEY or GOOGLE_API_KEY")
    options = {"api_key": args.api_key, "project": args.project, **common_options(args)}
    return RefreshCall(refresh, options, secrets=(args.api_key,))
