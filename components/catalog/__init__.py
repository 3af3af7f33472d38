"""The offerings catalog: VM shapes and list prices per cloud and region, and the searches over them.

Pure Python and standard library only: importable by the CLI, the policy pack and tests without
Pulumi or any provider SDK. Each cloud's snapshot is loaded on first use and kept for the process.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..cloud_rules import rules
from ..money import HOURS_PER_MONTH, hourly_estimate, monthly_price
from . import gpus
from .sanity import PriceOutlier
from .snapshot import CLOUDS, DATA_DIR, existing_snapshot_path, mask_zones, open_snapshot, split_in_memory

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


def is_burstable(cloud: str, instance_type: str) -> bool:
    """Burstable (shared-core, CPU-credit) families: AWS t*, Azure B*, GCP e2 shared-core, f1, g1
    (``BURSTABLE`` of ``cloud_rules/<cloud>.py``)."""
    return bool(rules(cloud).BURSTABLE.match(instance_type))


def licence_per_vcpu(cloud: str, instance_type: str) -> bool:
    """Whether a type's Windows licence is the per-vCPU rate times its vCPUs: not for burstable types
    nor the cloud's sizes priced only by a price of their own (``LICENCE_NOT_PER_VCPU``)."""
    not_per_vcpu = rules(cloud).LICENCE_NOT_PER_VCPU
    return not is_burstable(cloud, instance_type) and not (not_per_vcpu and not_per_vcpu.match(instance_type))


@dataclass(frozen=True, slots=True)
class Offering:
    cloud: str
    instance_type: str
    region: str
    vcpus: float
    """vCPUs the VM runs (a constrained-vCPU Azure size: its active vCPUs; see ``licensed_vcpus``)."""
    memory_gib: float
    arch: str
    gpu_name: str | None
    """The GPU card, one name on every cloud (``A100``); its memory is ``gpu_memory_gb``."""
    gpu_count: float | None
    price_hourly: float | None
    spot_price_hourly: float | None
    zones: tuple[str, ...] | None = None
    """The region's zones that offer the type (AWS AZ IDs, GCP zones, Azure "1"-"3"); None when the
    catalog has no zone data for the region."""
    facts: Mapping[str, Any] = field(default_factory=lambda: EMPTY_FACTS, compare=False)
    """What the size supports, where known (``catalog/size_facts.py``): spot, max_data_disks, ..."""
    price_date: str | None = field(default=None, compare=False)
    """The date of this row's prices where it differs from its region's (``Catalog.region_date``)."""

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

    @property
    def gpu_memory_gb(self) -> float | None:
        """The memory of one GPU card, GB as the card is sold (40 or 80 for an A100)."""
        return self.facts.get("gpu_memory_gb") if self.gpu_name else None

    @property
    def gpu_label(self) -> str | None:
        """The GPU as shown: the card, with its memory where the name alone is ambiguous (``A100-80GB``)."""
        return gpus.label(self.gpu_name, self.gpu_memory_gb)

    @property
    def licensed_vcpus(self) -> float:
        """The vCPUs licences and the price are counted on: a constrained-vCPU Azure size's full count
        (``Standard_E8-2as_v5``: 8, though 2 run), else ``vcpus``."""
        return self.facts.get("licensed_vcpus") or self.vcpus

    def offered_in_any(self, zones: frozenset[str] | None) -> bool:
        """Whether some zone of ``zones`` offers the type (True without zone data or without a limit)."""
        return zones is None or self.zones is None or not zones.isdisjoint(self.zones)

    @property
    def monthly_price(self) -> float | None:
        return monthly_price(self.price_hourly) if self.has_price else None

    def hourly_price(self, spot: bool = False) -> float | None:
        """What a VM of this type pays per hour: the spot price when asked, None when unknown
        (``money.hourly_estimate``)."""
        return hourly_estimate(self.price_hourly, self.spot_price_hourly, spot)

    def shape(self) -> str:
        gpu = f", {self.gpu_count:g}x {self.gpu_label}" if self.gpu_name else ""
        return f"{self.instance_type} ({self.vcpus:g} vCPU, {self.memory_gib:g} GiB, {self.arch}{gpu})"


@dataclass(frozen=True, slots=True)
class Accelerator:
    name: str
    count: float
    region: str
    price_hourly: float | None
    spot_price_hourly: float | None


class Catalog:
    """One cloud's snapshot. Use :func:`load` to get the shared instance; its regions are read from
    the file one at a time, when first asked for."""

    def __init__(self, document: dict | None = None, path: Path | None = None, *, source=None):
        header, meta, region_block = source if source is not None else split_in_memory(document)
        self.cloud: str = header["cloud"]
        self.snapshot_date: str = header["snapshot_date"]
        self.source: str = header["source"]
        self.path = path
        self._meta = meta
        self._types = meta["types"]
        self._region_names: list[str] = meta["regions"]
        self._region_set = frozenset(self._region_names)
        self._read_region = region_block
        self._blocks: dict[str, dict] = {}
        self._accelerators: dict[str, list[list]] = meta.get("accelerators", {})
        # Set by a refresh of only some regions: those regions' own dates (see catalog/refresh).
        self._region_dates: dict[str, str] = meta.get("region_dates", {})
        self._spot_dates: dict[str, str] = meta.get("spot_dates", {})
        self._zones_unverified: frozenset[str] = frozenset(meta.get("zones_unverified", ()))
        self.parts_date: str | None = meta.get("prices_date")
        self.parts_source: str | None = meta.get("prices_source")
        self._by_region: dict[str, dict[str, Offering]] = {}

    def _block(self, region: str) -> dict:
        block = self._blocks.get(region)
        if block is None:
            block = self._read_region(region) if region in self._region_set else {"rows": []}
            self._blocks[region] = block
        return block

    @property
    def regions(self) -> list[str]:
        return list(self._region_names)

    @cached_property
    def instance_types(self) -> frozenset[str]:
        return frozenset(t[0] for t in self._types)

    def offerings(self, region: str) -> dict[str, Offering]:
        """Every offering in a region, by instance type (empty for an unknown region)."""
        cached = self._by_region.get(region)
        if cached is None:
            cached = {}
            block = self._block(region)
            region_zones = block.get("zones")
            types, facts_of, cloud = self._types, self._facts, self.cloud
            for row in block["rows"]:
                type_index = row[0]
                name, vcpus, memory, arch, gpu_name, gpu_count = types[type_index][:6]
                facts = facts_of.get(type_index, EMPTY_FACTS)
                zones = (
                    None
                    if region_zones is None or facts.get("zones_unverified")
                    else mask_zones(row[3] if len(row) > 3 else None, region_zones)
                )
                cached[name] = Offering(
                    cloud, name, region, vcpus, memory, arch, gpu_name, gpu_count, row[1], row[2], zones,
                    facts, row[4] if len(row) > 4 else None,
                )  # fmt: skip
            self._by_region[region] = cached
        return cached

    def get(self, instance_type: str, region: str) -> Offering | None:
        return self.offerings(region).get(instance_type)

    def zones(self, region: str) -> list[str]:
        """The region's zones, sorted; empty when the catalog has no zone data for it."""
        return list(self._block(region).get("zones", ()))

    def zone_offerings_known(self, region: str) -> bool:
        """Whether the catalog knows which of the region's zones offer each type."""
        return bool(self._block(region).get("zones")) and region not in self._zones_unverified

    def zone_names(self, region: str) -> dict[str, str | None]:
        """AWS: AZ name -> AZ ID where every account maps it the same, None where the account decides
        (empty on Azure and GCP)."""
        return dict(self._block(region).get("zone_names", {}))

    def regions_offering(self, instance_type: str) -> list[str]:
        index = self._type_indexes.get(instance_type)
        if index is None:
            return []
        mask = self._meta["type_regions"][index]
        return [region for bit, region in enumerate(self._region_names) if mask >> bit & 1]

    @property
    def attaches_accelerators(self) -> bool:
        """Whether the snapshot prices accelerator cards attached to a machine (GCP's N1 GPUs)."""
        return bool(self._accelerators)

    def accelerators(self, region: str) -> list[Accelerator]:
        return [Accelerator(n, c, region, p, s) for n, c, p, s in self._accelerators.get(region, ())]

    def part_price(self, region: str, part: str) -> float | None:
        """A non-VM price of the region (``disk:gp3``, ``ipv4:public``, ``licence:windows``, ...; the
        vocabulary and units are in components/pricing.py); None when the snapshot has none."""
        price = self._block(region).get("prices", {}).get(part)
        return price if isinstance(price, int | float) and price >= 0 else None

    def part_prices(self, region: str) -> dict[str, float]:
        return dict(self._block(region).get("prices", {}))

    def windows_licence(self, region: str, instance_type: str) -> tuple[float | None, str]:
        """The Windows Server licence of a size per hour, and how it is priced: the size's own price,
        else the per-vCPU rate times its licensed vCPUs (not for types ``licence_per_vcpu`` excludes:
        burstable types, Azure A v2 and D v1 sizes); (None, why) when the snapshot cannot price it."""
        own = self.part_price(region, f"licence:windows:{instance_type}")
        if own is not None:
            return own, f"${own:g}/h for {instance_type}"
        rate = self.part_price(region, "licence:windows")
        offering = self.get(instance_type, region)
        if rate is None or offering is None or not licence_per_vcpu(self.cloud, instance_type):
            return None, f"no Windows licence price for {instance_type} in {region}"
        vcpus = offering.licensed_vcpus
        return rate * vcpus, f"{vcpus:g} vCPU x ${rate:g}/h"

    def region_date(self, region: str) -> str:
        """The date a region's prices were collected: its own if a partial refresh set one."""
        return self._region_dates.get(region, self.snapshot_date)

    def price_date(self, offering: Offering) -> str:
        """The date of an offering's on-demand price: its row's own, else its region's."""
        return offering.price_date or self.region_date(offering.region)

    def spot_date(self, offering: Offering) -> str:
        """The date of an offering's spot price: the region's spot refresh, else its price date."""
        return self._spot_dates.get(offering.region) or self.price_date(offering)

    def findings(self, offering: Offering, spot: bool = False) -> list[PriceOutlier]:
        """Why an offering's price is unlikely to be true (``catalog/sanity.py``): its on-demand price's
        findings, and with ``spot`` its spot price's too. Empty when it is in line."""
        index = self._type_indexes.get(offering.instance_type)
        stored = self._block(offering.region).get("flags", {}).get(str(index), ())
        found = [PriceOutlier.from_json(f) for f in stored]
        return [f for f in found if spot or f.what == "price"]

    def regional_prices(self, instance_type: str, spot: bool = False) -> dict[str, float]:
        """Positive prices (on-demand, or spot) of one type in every region that has one, by region."""
        return self.regional_prices_of([instance_type], spot)[instance_type]

    def regional_prices_of(self, instance_types, spot: bool = False) -> dict[str, dict[str, float]]:
        """:meth:`regional_prices` for several types in one pass over the raw rows of the regions that
        offer them (reads those regions)."""
        column = 2 if spot else 1
        wanted = {self._type_indexes[n]: n for n in instance_types if n in self._type_indexes}
        found: dict[str, dict[str, float]] = {name: {} for name in instance_types}
        mask = 0
        for index in wanted:
            mask |= self._meta["type_regions"][index]
        for bit, region in enumerate(self._region_names):
            if not mask >> bit & 1:
                continue
            for row in self._block(region)["rows"]:
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

    def types_with_gpu(self, gpu_name: str, count: float = 1) -> list[str]:
        """The types with at least ``count`` of a GPU built in (``A100``: any A100; ``A100-80GB``)."""
        card, memory = gpus.parse(gpu_name)
        facts = self._facts
        return [
            t[0]
            for i, t in enumerate(self._types)
            if gpus.matches(t[4], facts.get(i, EMPTY_FACTS).get("gpu_memory_gb"), card, memory) and (t[5] or 0) >= count
        ]

    @cached_property
    def gpu_cards(self) -> list[tuple[str, float | None]]:
        """(card, memory GB) of every GPU the snapshot's types have built in."""
        facts = self._facts
        return sorted(
            {(t[4], facts.get(i, EMPTY_FACTS).get("gpu_memory_gb")) for i, t in enumerate(self._types) if t[4]},
            key=lambda card: (card[0].lower(), card[1] or 0),
        )


@cache
def _load_cached(cloud: str, data_dir: str) -> Catalog:
    path = existing_snapshot_path(cloud, Path(data_dir))
    return Catalog(path=path, source=open_snapshot(path))


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
    gpu: tuple[str, int | None] | None,
    gpu_count: float,
) -> bool:
    if o.vcpus < cpus or o.memory_gib < memory_gib:
        return False
    if arch is not None and o.arch != arch:
        return False
    if not burstable and o.burstable:
        return False
    if gpu is None:
        return not o.gpu_name
    return gpus.matches(o.gpu_name, o.gpu_memory_gb, *gpu) and (o.gpu_count or 0) >= gpu_count


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
    (per the catalog's zone data); with ``zones``, only types that one of those zones offers. A GPU
    is a card (``A100``: every A100) or a card and its memory (``A100-80GB``). With ``spot``,
    offerings are ranked by spot price and those without a known spot price come after all that
    have one. Ties break on fewer vCPUs, less memory, then name, so the answer is deterministic.
    """
    catalog = catalog or load(cloud)
    gpu = gpus.parse(gpu_name) if gpu_name else None
    candidates = [
        o
        for o in catalog.offerings(region).values()
        if o.has_price
        and o.placeable
        and o.offered_in_any(zones)
        and _matches(o, cpus, memory_gib, arch, burstable, gpu, gpu_count)
    ]

    def rank(o: Offering):
        price = o.hourly_price(spot) if spot else o.price_hourly
        return (price is None, price or 0.0, o.price_hourly, o.vcpus, o.memory_gib, o.instance_type)

    candidates.sort(key=rank)
    return candidates[:limit]


def shortfall(o: Offering, cpus: float, memory_gib: float, arch: str | None) -> tuple:
    """How far a shape falls short of a request, for ranking the nearest shapes: other arch last,
    then how many times too small in log space (a request 1,000x any shape still ranks the biggest
    first; a linear shortfall of 1 - size/request is ~1 for every shape and ties on price), price."""
    short = sum(
        math.log(want / have) for want, have in ((cpus, o.vcpus), (memory_gib, o.memory_gib)) if want and have < want
    )
    return (arch is not None and o.arch != arch, round(short, 9), o.price_hourly, o.instance_type)


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
    offerings.sort(key=lambda o: shortfall(o, cpus, memory_gib, arch))
    return offerings[:limit]
