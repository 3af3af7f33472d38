"""Price sanity: list prices that are unlikely to be true, found by comparing each price with what the
same snapshot says elsewhere.

Regional differences are real (AWS sa-east-1 runs up to 1.8x us-east-1, Azure Brazil Southeast up to
2.4x, AWS and Azure India well under the US), but some snapshot rows are not. Four rules, each
checked on every row when a snapshot is written (``derive``, stored with the region's block):

- **far from the median**: a price under 0.5x or over 2.5x the same type's median in at least two
  other regions (GCP a3 H100 in us-central1 at 0.45x its other regions, Azure F*ams_v6 in New
  Zealand North at 0.1x); for spot prices too;
- **far below every other region**: under 0.6x the cheapest of at least two other regions;
- **a GPU size far below the US**: GPU list prices are lowest in the US regions on all three clouds
  (no GPU size of the shipped AWS and Azure snapshots, nor of GCP's Billing Catalog, is more than
  25% cheaper anywhere than in its cloud's cheapest US region), so a GPU size under 0.75x the
  cheapest US price of its cloud is flagged (catalog-source's GCP a2-highgpu-1g at $2.43 in
  europe-west4 against $3.67 in us-central1; the Billing Catalog lists $3.75);
- **bigger but cheaper**: a size at least as big as another of its family in every dimension (vCPUs,
  memory, GPUs, GPU memory, bundled local SSD) and bigger in one, but cheaper in the same region (GCP
  a2-ultragpu-1g, one 80 GB A100, under a2-highgpu-1g, one 40 GB A100, in us-central1). Burstable
  sizes are left out (a shared core is priced apart), and a constrained-vCPU Azure size counts its
  licensed vCPUs (it is priced as the full size).

A flagged price is shown with its finding and never presented as the best buy; the component's
size search takes such a size only when nothing else fits. The thresholds are set so that no real
regional difference in the shipped snapshots is flagged (``tests/catalog/test_sanity.py`` checks the GPU
rule against every GPU size shipped).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass

from ..cloud_rules import rules

FAR_BELOW = 0.5  # flag a price under half the type's median in other regions
FAR_ABOVE = 2.5  # ... or over 2.5 times it
BELOW_ALL = 0.6  # flag a price under 0.6x the cheapest other region
MIN_OTHER_REGIONS = 2  # one other region is an anecdote, not a baseline
BIGGER_CHEAPER_MARGIN = 0.999  # rounding in the price data is not a finding
BELOW_US_GPU = 0.75  # flag a GPU size under 0.75x its cheapest US region


def is_us_region(cloud: str, region: str) -> bool:
    """A commercial US region (not AWS GovCloud): ``us_region`` of ``cloud_rules/<cloud>.py``."""
    return rules(cloud).us_region(region)


@dataclass(frozen=True, slots=True)
class PriceOutlier:
    """A price that is unlikely to be true, and what it was compared with."""

    price: float
    median_elsewhere: float
    regions_compared: int
    what: str = "price"
    kind: str = "outlier"  # "outlier" | "below-all" | "below-us" | "bigger-cheaper"
    other: str = ""  # the smaller size a bigger-cheaper price undercuts

    @property
    def ratio(self) -> float:
        return self.price / self.median_elsewhere

    def describe(self) -> str:
        if self.kind == "below-us":
            return (
                f"{self.what} ${self.price:g}/h is {self.ratio:.2f}x the cheapest US region's ${self.median_elsewhere:g}/h; "
                "GPU list prices are lowest in the US, verify before relying on it"
            )
        if self.kind == "bigger-cheaper":
            return (
                f"{self.what} ${self.price:g}/h is below the ${self.median_elsewhere:g}/h of {self.other}, a smaller "
                "size of the same family in this region; one of the two prices is likely wrong"
            )
        if self.kind == "below-all":
            return (
                f"{self.what} ${self.price:g}/h is {self.ratio:.2f}x the cheapest of {self.regions_compared} other "
                f"regions (${self.median_elsewhere:g}/h); verify before relying on it"
            )
        return (
            f"{self.what} ${self.price:g}/h is {self.ratio:.2f}x the median ${self.median_elsewhere:g}/h of "
            f"{self.regions_compared} other regions; verify before relying on it"
        )

    def to_json(self) -> list:
        return [self.kind, self.what, self.price, self.median_elsewhere, self.regions_compared, self.other]

    @classmethod
    def from_json(cls, value: list) -> PriceOutlier:
        kind, what, price, baseline, count, other = value
        return cls(price, baseline, count, what, kind, other)


def _median(values: list[float]) -> float:
    # statistics.median would cost ~10 ms of imports on every compare.
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def price_outlier(
    price: float | None, region: str, prices_by_region: Mapping[str, float], what: str = "price"
) -> PriceOutlier | None:
    """The finding for ``price`` in ``region`` against the same type's other regions, or None when
    it is in line (or cannot be judged: no positive price, or too few other regions)."""
    if price is None or price <= 0:
        return None
    others = sorted(p for r, p in prices_by_region.items() if r != region and p and p > 0)
    return _judge(price, others, what)


def _judge(price: float, others: list[float], what: str) -> PriceOutlier | None:
    """``price_outlier`` against the other regions' prices, sorted."""
    return _verdict(price, len(others), others.__getitem__, what)


def _judge_among(price: float, ordered: list[float], what: str) -> PriceOutlier | None:
    """``_judge`` against ``ordered`` (every region's price of the type, sorted, ``price`` among
    them) less ``price`` itself, without copying the list: this runs once per row of a snapshot."""
    skip = bisect_left(ordered, price)
    return _verdict(price, len(ordered) - 1, lambda k: ordered[k] if k < skip else ordered[k + 1], what)


def _verdict(price: float, count: int, other, what: str) -> PriceOutlier | None:
    """The median and cheapest rules for ``price`` against ``count`` other prices, ``other(k)`` the
    k-th smallest of them."""
    if count < MIN_OTHER_REGIONS:
        return None
    middle = count // 2
    baseline = other(middle) if count % 2 else (other(middle - 1) + other(middle)) / 2
    if not FAR_BELOW <= price / baseline <= FAR_ABOVE:
        return PriceOutlier(price, baseline, count, what)
    if price < BELOW_ALL * other(0):
        return PriceOutlier(price, other(0), count, what, "below-all")
    return None


# --- bigger but cheaper, within a family ---------------------------------------------------------


def family(cloud: str, instance_type: str) -> str:
    """The family sizes are compared within: AWS ``m6i`` (before the dot), GCP ``a2`` (the series),
    Azure the series letters, feature letters and version (``NC|ads|_A100_v4``): ``size_family`` of
    ``cloud_rules/<cloud>.py``."""
    return rules(cloud).size_family(instance_type)


def dimensions(type_row: list) -> tuple[float, ...]:
    """What a size offers, for comparing sizes: vCPUs (licensed for constrained sizes), memory, GPUs,
    GPU memory, bundled local SSD."""
    facts = type_row[6] if len(type_row) > 6 else {}
    gpus = type_row[5] or 0
    return (
        facts.get("licensed_vcpus") or type_row[1],
        type_row[2],
        gpus,
        gpus * (facts.get("gpu_memory_gb") or 0),
        facts.get("local_ssd_gib") or 0,
    )


def bigger_cheaper(sizes: list[tuple[int, tuple[float, ...], float]], names: list[str]) -> dict[int, PriceOutlier]:
    """Among one family's sizes in a region, ``(type_index, dimensions, price)``: each size that is
    at least as big as another in every dimension, bigger in one, and cheaper (the dearest such
    smaller size is named)."""
    found: dict[int, PriceOutlier] = {}
    if len(sizes) < 2:
        return found
    ordered = sorted(sizes, key=lambda size: size[2])
    for position, (index, dims, price) in enumerate(ordered):
        undercut = None
        for other, other_dims, other_price in ordered[position + 1 :]:
            if (
                price < other_price * BIGGER_CHEAPER_MARGIN
                and dims != other_dims
                and all(a >= b for a, b in zip(dims, other_dims))
                and (undercut is None or other_price > undercut[0])
            ):
                undercut = (other_price, other)
        if undercut:
            found[index] = PriceOutlier(price, undercut[0], 0, "price", "bigger-cheaper", names[undercut[1]])
    return found


# --- all findings of a snapshot document ---------------------------------------------------------


def derive(document: dict) -> tuple[list[int], dict[str, dict[str, list]]]:
    """The derived facts a snapshot file stores: per type, the regions offering it (a bitmask over the
    document's region order); per region, the findings of each flagged row ({type index: [finding,
    ...]}, on-demand first, then spot)."""
    from . import is_burstable

    cloud = document["cloud"]
    types = document["types"]
    names = [t[0] for t in types]
    regions = list(document["regions"])
    type_regions = [0] * len(types)
    on_demand: dict[int, dict[str, float]] = {}
    spot: dict[int, dict[str, float]] = {}
    for bit, region in enumerate(regions):
        for row in document["regions"][region]:
            index = row[0]
            type_regions[index] |= 1 << bit
            if row[1] is not None and row[1] > 0:
                on_demand.setdefault(index, {})[region] = row[1]
            if row[2] is not None and row[2] > 0:
                spot.setdefault(index, {})[region] = row[2]
    sorted_on_demand = {index: sorted(prices.values()) for index, prices in on_demand.items()}
    us_gpu = {
        index: min(us)
        for index, prices in on_demand.items()
        if types[index][4] and (us := [p for r, p in prices.items() if is_us_region(cloud, r)])
    }
    sorted_spot = {index: sorted(prices.values()) for index, prices in spot.items()}
    comparable = {  # per type: (family, dimensions), or None for a burstable type
        index: None if is_burstable(cloud, names[index]) else (family(cloud, names[index]), dimensions(types[index]))
        for index in range(len(types))
    }
    flags: dict[str, dict[str, list]] = {}
    for region in regions:
        found: dict[int, list] = {}
        families: dict[str, list] = {}
        for row in document["regions"][region]:
            index, price, spot_price = row[0], row[1], row[2]
            for what, value, ordered in (
                ("price", price, sorted_on_demand.get(index)),
                ("spot price", spot_price, sorted_spot.get(index)),
            ):
                finding = _judge_among(value, ordered, what) if value is not None and value > 0 else None
                if finding:
                    found.setdefault(index, []).append(finding.to_json())
            us_price = us_gpu.get(index)
            if us_price and price and price < BELOW_US_GPU * us_price and not found.get(index):
                found.setdefault(index, []).append(PriceOutlier(price, us_price, 0, "price", "below-us").to_json())
            if price and price > 0 and comparable[index] is not None:
                name, dims = comparable[index]
                families.setdefault(name, []).append((index, dims, price))
        for sizes in families.values():
            for index, finding in bigger_cheaper(sizes, names).items():
                found.setdefault(index, []).insert(0, finding.to_json())
        if found:
            flags[region] = {str(index): found[index] for index in sorted(found)}
    return type_regions, flags
