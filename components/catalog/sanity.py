"""Price sanity: a list price far from what the same type costs in the cloud's other regions.

Regional differences are real (AWS sa-east-1 runs up to 1.8x us-east-1, Azure Brazil Southeast up to
2.4x), but some snapshot rows are not: GCP a3 H100 in us-central1 at 0.45x its other regions, Azure
F*ams_v6 in New Zealand North at 0.1x. A price beyond these bounds is flagged so that it is shown
with a warning and never presented as the best buy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

FAR_BELOW = 0.5  # flag a price under half the type's median in other regions
FAR_ABOVE = 2.5  # ... or over 2.5 times it
MIN_OTHER_REGIONS = 2  # one other region is an anecdote, not a baseline


@dataclass(frozen=True, slots=True)
class PriceOutlier:
    price: float
    median_elsewhere: float
    regions_compared: int
    what: str = "price"

    @property
    def ratio(self) -> float:
        return self.price / self.median_elsewhere

    def describe(self) -> str:
        return (
            f"{self.what} ${self.price:g}/h is {self.ratio:.2f}x the median ${self.median_elsewhere:g}/h of "
            f"{self.regions_compared} other regions; verify before relying on it"
        )


def _median(values: list[float]) -> float:
    # statistics.median would cost ~10 ms of imports on every compare.
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def price_outlier(
    price: float | None, region: str, prices_by_region: Mapping[str, float], what: str = "price"
) -> PriceOutlier | None:
    """The outlier finding for ``price`` in ``region``, or None when it is in line (or cannot be
    judged: no positive price, or too few other regions to compare with)."""
    if price is None or price <= 0:
        return None
    others = [p for r, p in prices_by_region.items() if r != region and p and p > 0]
    if len(others) < MIN_OTHER_REGIONS:
        return None
    baseline = _median(others)
    ratio = price / baseline
    if FAR_BELOW <= ratio <= FAR_ABOVE:
        return None
    return PriceOutlier(price, baseline, len(others), what)
