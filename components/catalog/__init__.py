"""The offerings catalog: VM shapes and list prices per cloud and region, and the searches over them.

Pure Python and standard library only: importable by the CLI, the policy pack and tests without
Pulumi or any provider SDK. Each cloud's snapshot is loaded on first use and kept for the process.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .snapshot import CLOUDS, DATA_DIR, mask_zones, read_document, snapshot_path

HOURS_PER_MONTH = 730
EMPTY_FACTS: Mapping[str, Any] = MappingProxyType({})

__all__ = [
    "CLOUDS",
    "HOURS_PER_MONTH",
    "Accelerator",
    "Catalog",
    "Offering",
    "find_cheapest",
    "is_burstable",
    "licence_per_vcpu",
    "load",
    "monthly_price",
    "nearest_offerings",
]

_BURSTABLE = {
    "aws": re.compile(r"^t\d"),
    "azure": re.compile(r"^Standard_B"),
    "gcp": re.compile(r"^(e2-(micro|small|medium)|f1-|g1-)"),
}


def monthly_price(hourly: float | None) -> float | None:
    """An hourly price over a month of 730 hours, to the cent; None stays None (unknown)."""
    return None if hourly is None else round(hourly * HOURS_PER_MONTH, 2)


def is_burstable(cloud: str, instance_type: str) -> bool:
    """Burstable (shared-core, CPU-credit) families: AWS t*, Azure B*, GCP e2 shared-core, f1, g1."""
    return bool(_BURSTABLE[cloud].match(instance_type))


# Azure A v2 and D v1/DS v1 sizes: Windows minus Linux price is not $0.046 per vCPU (e.g. A2_v2 $0.0439/h
# for 2 vCPUs, D2 $0.129/h in polandcentral; components/catalog/sources/part_prices.json).
_LICENCE_NOT_PER_VCPU = re.compile(r"^Standard_(A\d+m?_v2|DS?\d+)$")


def licence_per_vcpu(cloud: str, instance_type: str) -> bool:
    """Whether a type's Windows licence is the per-vCPU rate times its vCPUs: not for burstable types
    nor Azure A v2 and D v1 sizes, which are priced only by a price of their own."""
    return not is_burstable(cloud, instance_type) and not (
        cloud == "azure" and _LICENCE_NOT_PER_VCPU.match(instance_type)
    )


@dataclass(frozen=True, slots=True)
class Offering:
    cloud: str
    instance_type: str
    region: str
    vcpus: float
    memory_gib: float
    arch: str
    gpu_name: str | None
    gpu_count: float | None
    price_hourly: float | None
    spot_price_hourly: float | None
    zones: tuple[str, ...] | None = None
    """The region's zones that offer the type (AWS AZ IDs, GCP zones, Azure "1"-"3"); None when the
    catalog has no zone data for the region."""
    facts: Mapping[str, Any] = field(default_factory=lambda: EMPTY_FACTS, compare=False)
    """What the size supports, where known (``catalog/size_facts.py``): spot, max_data_disks, ..."""

    @property
    def has_price(self) -> bool:
        return self.price_hourly is not None and self.price_hourly > 0

    @property
    def burstable(self) -> bool:
        return is_burstable(self.cloud, self.instance_type)

    @property
    def placeable(self) -> bool:
        """False when the region's zone data says no zone offers the type."""
        return self.zones is None or bool(self.zones)

    def offered_in_any(self, zones: frozenset[str] | None) -> bool:
        """Whether some zone of ``zones`` offers the type (True without zone data or without a limit)."""
        return zones is None or self.zones is None or not zones.isdisjoint(self.zones)

    @property
    def monthly_price(self) -> float | None:
        return monthly_price(self.price_hourly) if self.has_price else None

    def hourly_price(self, spot: bool = False) -> float | None:
        """The price a VM of this type pays: the spot price when asked and known, else None for spot."""
        price = self.spot_price_hourly if spot else self.price_hourly
        return price if price is not None and price > 0 else None

    def shape(self) -> str:
        gpu = f", {self.gpu_count:g}x {self.gpu_name}" if self.gpu_name else ""
        return f"{self.instance_type} ({self.vcpus:g} vCPU, {self.memory_gib:g} GiB, {self.arch}{gpu})"


@dataclass(frozen=True, slots=True)
class Accelerator:
    name: str
    count: float
    region: str
    price_hourly: float | None
    spot_price_hourly: float | None


class Catalog:
    """One cloud's snapshot. Use :func:`load` to get the shared instance."""

    def __init__(self, document: dict, path: Path | None = None):
        self.cloud: str = document["cloud"]
        self.snapshot_date: str = document["snapshot_date"]
        self.source: str = document["source"]
        self.path = path
        self._types = document["types"]
        self._regions: dict[str, list[list]] = document["regions"]
        self._accelerators: dict[str, list[list]] = document.get("accelerators", {})
        # Set by a refresh of only some regions: those regions' own dates (see catalog/refresh).
        self._region_dates: dict[str, str] = document.get("region_dates", {})
        self._zones: dict[str, list[str]] = document.get("zones", {})
        self._zone_names: dict[str, dict[str, str]] = document.get("zone_names", {})
        self._zones_unverified: frozenset[str] = frozenset(document.get("zones_unverified", ()))
        # Disk, public IPv4 and licence prices (see components/pricing.py); absent in older snapshots.
        self._parts: dict[str, dict[str, float]] = document.get("prices", {})
        self.parts_date: str | None = document.get("prices_date")
        self.parts_source: str | None = document.get("prices_source")
        self._by_region: dict[str, dict[str, Offering]] = {}

    @property
    def regions(self) -> list[str]:
        return list(self._regions)

    @cached_property
    def instance_types(self) -> frozenset[str]:
        return frozenset(t[0] for t in self._types)

    def offerings(self, region: str) -> dict[str, Offering]:
        """Every offering in a region, by instance type (empty for an unknown region)."""
        cached = self._by_region.get(region)
        if cached is None:
            cached = {}
            region_zones = self._zones.get(region)
            for row in self._regions.get(region, ()):
                type_index, price, spot = row[0], row[1], row[2]
                shape = self._types[type_index]
                name, vcpus, memory, arch, gpu_name, gpu_count = shape[:6]
                zones = None if region_zones is None else mask_zones(row[3] if len(row) > 3 else None, region_zones)
                facts = self._facts[type_index] if len(shape) > 6 else EMPTY_FACTS
                cached[name] = Offering(
                    self.cloud, name, region, vcpus, memory, arch, gpu_name, gpu_count, price, spot, zones, facts
                )
            self._by_region[region] = cached
        return cached

    def get(self, instance_type: str, region: str) -> Offering | None:
        return self.offerings(region).get(instance_type)

    def zones(self, region: str) -> list[str]:
        """The region's zones, sorted; empty when the catalog has no zone data for it."""
        return list(self._zones.get(region, ()))

    def zone_offerings_known(self, region: str) -> bool:
        """Whether the catalog knows which of the region's zones offer each type."""
        return region in self._zones and region not in self._zones_unverified

    def zone_names(self, region: str) -> dict[str, str | None]:
        """AWS: AZ name -> AZ ID where every account maps it the same, None where the account decides
        (empty on Azure and GCP)."""
        return dict(self._zone_names.get(region, {}))

    def regions_offering(self, instance_type: str) -> list[str]:
        return [r for r in self._regions if instance_type in self.offerings(r)]

    def accelerators(self, region: str) -> list[Accelerator]:
        return [Accelerator(n, c, region, p, s) for n, c, p, s in self._accelerators.get(region, ())]

    def part_price(self, region: str, part: str) -> float | None:
        """A non-VM price of the region (``disk:gp3``, ``ipv4:public``, ``licence:windows``, ...; the
        vocabulary and units are in components/pricing.py); None when the snapshot has none."""
        price = self._parts.get(region, {}).get(part)
        return price if isinstance(price, int | float) and price >= 0 else None

    def part_prices(self, region: str) -> dict[str, float]:
        return dict(self._parts.get(region, {}))

    def region_date(self, region: str) -> str:
        """The date a region's prices were collected: its own if a partial refresh set one."""
        return self._region_dates.get(region, self.snapshot_date)

    def regional_prices(self, instance_type: str, spot: bool = False) -> dict[str, float]:
        """Positive prices (on-demand, or spot) of one type in every region that has one, by region."""
        return self.regional_prices_of([instance_type], spot)[instance_type]

    def regional_prices_of(self, instance_types, spot: bool = False) -> dict[str, dict[str, float]]:
        """:meth:`regional_prices` for several types in one pass over the raw rows (cheaper than
        building Offerings for every region, and than one pass per type)."""
        column = 2 if spot else 1
        wanted = {self._type_indexes[n]: n for n in instance_types if n in self._type_indexes}
        found: dict[str, dict[str, float]] = {name: {} for name in instance_types}
        for region, rows in self._regions.items():
            for row in rows:
                if row[0] in wanted and row[column] is not None and row[column] > 0:
                    found[wanted[row[0]]][region] = row[column]
        return found

    @cached_property
    def _facts(self) -> dict[int, Mapping[str, Any]]:
        """Each type's facts, one read-only mapping shared by its offerings in every region."""
        return {i: MappingProxyType(t[6]) for i, t in enumerate(self._types) if len(t) > 6}

    def facts(self, instance_type: str) -> Mapping[str, Any]:
        index = self._type_indexes.get(instance_type)
        return self._facts.get(index, EMPTY_FACTS) if index is not None else EMPTY_FACTS

    @cached_property
    def _type_indexes(self) -> dict[str, int]:
        return {t[0]: i for i, t in enumerate(self._types)}


@cache
def _load_cached(cloud: str, data_dir: str) -> Catalog:
    path = snapshot_path(cloud, Path(data_dir))
    return Catalog(read_document(path), path)


def load(cloud: str, data_dir: Path | None = None) -> Catalog:
    if cloud not in CLOUDS:
        raise KeyError(f"unknown cloud {cloud!r}; expected one of {', '.join(CLOUDS)}")
    return _load_cached(cloud, str(data_dir or DATA_DIR))


def load_cache_clear() -> None:
    """Forgets loaded snapshots (after a refresh wrote new ones)."""
    _load_cached.cache_clear()


def _matches(
    o: Offering,
    cpus: float,
    memory_gib: float,
    arch: str | None,
    burstable: bool,
    gpu_name: str | None,
    gpu_count: float,
) -> bool:
    if o.vcpus < cpus or o.memory_gib < memory_gib:
        return False
    if arch is not None and o.arch != arch:
        return False
    if not burstable and o.burstable:
        return False
    if gpu_name is None:
        return not o.gpu_name
    return (o.gpu_name or "").lower() == gpu_name.lower() and (o.gpu_count or 0) >= gpu_count


def find_cheapest(
    cloud: str,
    region: str,
    *,
    cpus: float = 0,
    memory_gib: float = 0,
    arch: str | None = "x86_64",
    burstable: bool = True,
    gpu_name: str | None = None,
    gpu_count: float = 1,
    spot: bool = False,
    zones: frozenset[str] | None = None,
    limit: int = 1,
    catalog: Catalog | None = None,
) -> list[Offering]:
    """The cheapest offerings in a region meeting every constraint, cheapest first.

    Offerings without a positive price never qualify, nor do types that no zone of the region offers
    (per the catalog's zone data); with ``zones``, only types that one of those zones offers. With ``spot``, offerings are ranked by spot
    price and those without a known spot price come after all that have one. Ties break on fewer
    vCPUs, less memory, then name, so the answer is deterministic.
    """
    catalog = catalog or load(cloud)
    candidates = [
        o
        for o in catalog.offerings(region).values()
        if o.has_price
        and o.placeable
        and o.offered_in_any(zones)
        and _matches(o, cpus, memory_gib, arch, burstable, gpu_name, gpu_count)
    ]

    def rank(o: Offering):
        price = o.hourly_price(spot) if spot else o.price_hourly
        return (price is None, price or 0.0, o.price_hourly, o.vcpus, o.memory_gib, o.instance_type)

    candidates.sort(key=rank)
    return candidates[:limit]


def nearest_offerings(
    cloud: str,
    region: str,
    *,
    cpus: float,
    memory_gib: float,
    arch: str | None = "x86_64",
    limit: int = 3,
    catalog: Catalog | None = None,
) -> list[Offering]:
    """Offerings closest to a shape that none meets: the biggest of the requested arch first, then
    any arch, ranked by how far short they fall (relative) and then by price."""
    catalog = catalog or load(cloud)
    offerings = [o for o in catalog.offerings(region).values() if o.has_price and o.placeable and not o.gpu_name]

    def shortfall(o: Offering) -> tuple:
        # How many times too small, in log space: a request 1,000x any shape still ranks the biggest
        # first (a linear shortfall of 1 - size/request is ~1 for every shape and ties on price).
        short = sum(
            math.log(want / have)
            for want, have in ((cpus, o.vcpus), (memory_gib, o.memory_gib))
            if want and have < want
        )
        return (arch is not None and o.arch != arch, round(short, 9), o.price_hourly, o.instance_type)

    offerings.sort(key=shortfall)
    return offerings[:limit]
