"""Azure per-size facts and zones from the Resource SKUs API, for ``catalog refresh azure
--subscription``.

``GET https://management.azure.com/subscriptions/{id}/providers/Microsoft.Compute/skus
?api-version=2021-07-01&$filter=location eq '{region}'`` lists every SKU of a region with its
``capabilities`` (``HyperVGenerations``, ``MaxDataDiskCount``, ``LowPriorityCapable``, ``PremiumIO``,
...), its ``locationInfo[].zones`` and the subscription's ``restrictions``
(https://learn.microsoft.com/rest/api/compute/resource-skus/list). It needs a bearer token for
``https://management.azure.com/`` (``az account get-access-token --query accessToken -o tsv``).

Zones are the subscription's logical zones; a size's zones less those a ``Zone`` restriction names
are the ones that offer it, so the region's per-zone offerings become verified. A ``Location``
restriction (``NotAvailableForSubscription``) is about this subscription only and changes nothing in
the shared catalog; it is reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..size_facts import azure_fact_names
from ..zones import ZoneData

API = "https://management.azure.com/subscriptions/{subscription}/providers/Microsoft.Compute/skus"
API_VERSION = "2021-07-01"
TIMEOUT_SECONDS = 60


def fetch_skus(session, subscription: str, token: str, region: str) -> Iterator[dict]:
    """The region's virtual-machine SKUs, following ``nextLink``."""
    headers = {"Authorization": f"Bearer {token}"}
    response = session.get(
        API.format(subscription=subscription),
        params={"api-version": API_VERSION, "$filter": f"location eq '{region}'"},
        headers=headers,
        timeout=TIMEOUT_SECONDS,
    )
    while True:
        response.raise_for_status()
        page = response.json()
        yield from (sku for sku in page.get("value", []) if sku.get("resourceType") == "virtualMachines")
        next_link = page.get("nextLink")
        if not next_link:
            return
        response = session.get(next_link, headers=headers, timeout=TIMEOUT_SECONDS)


def capabilities(sku: dict) -> dict[str, str]:
    return {c.get("name"): c.get("value") for c in sku.get("capabilities", [])}


def sku_facts(sku: dict) -> dict:
    """The size facts the catalog keeps (``size_facts``), from a SKU's capabilities."""
    found = capabilities(sku)
    facts: dict = {}
    for key, (capability, kind) in azure_fact_names().items():
        value = found.get(capability)
        if value is None:
            continue
        if kind == "list":
            facts[key] = sorted(v.strip() for v in value.split(",") if v.strip())
        elif kind == "int":
            facts[key] = int(value)
        else:
            facts[key] = value.lower() == "true"
    return facts


def sku_zones(sku: dict, region: str) -> list[str]:
    """The zones of ``region`` that offer the size: its location's zones less restricted ones."""
    zones = set()
    for info in sku.get("locationInfo", []):
        if str(info.get("location", "")).lower() == region.lower():
            zones.update(info.get("zones") or [])
    for restriction in sku.get("restrictions", []):
        if restriction.get("type") == "Zone":
            info = restriction.get("restrictionInfo") or {}
            zones -= set(info.get("zones") or [])
    return sorted(zones)


def location_restricted(sku: dict) -> bool:
    return any(r.get("type") == "Location" for r in sku.get("restrictions", []))


def collect(skus_by_region: dict[str, list[dict]]) -> tuple[dict[str, dict], ZoneData, list[str]]:
    """(facts by size, verified zone data, notes) from each region's SKUs."""
    facts: dict[str, dict] = {}
    zones = ZoneData(source="Azure Resource SKUs API (locationInfo zones less Zone restrictions)")
    notes = []
    for region, skus in skus_by_region.items():
        restricted = []
        region_zones: set[str] = set()
        for sku in skus:
            name = sku.get("name")
            if not name:
                continue
            facts.setdefault(name, sku_facts(sku))
            offered = sku_zones(sku, region)
            region_zones.update(offered)
            zones.type_zones[(region, name)] = offered
            if location_restricted(sku):
                restricted.append(name)
        if region_zones:
            zones.region_zones[region] = sorted(region_zones)
        else:  # a region without zones: its sizes are regional only
            for name in [n for (r, n) in zones.type_zones if r == region]:
                zones.type_zones.pop((region, name))
        if restricted:
            notes.append(
                f"{region}: {len(restricted)} sizes not available to this subscription (kept in the catalog): "
                + ", ".join(sorted(restricted)[:5])
            )
    return facts, zones, notes
