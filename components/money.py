"""Money, decided once: a month's hours, whole cents rounded half up, what a spot VM without a spot
price costs, and how an amount is written.

``compare``, ``plan`` (``components/pricing.py``), the cost diff and the policy pack price through
these functions, so they agree to the cent (``tests/pricing/test_costs_agree_offerings.py`` checks every offering of the
shipped snapshot on all four). Standard library only: the catalog imports it too.

**Cents.** An amount is a product of prices and quantities as the snapshot writes them (``$0.1085/h``
x 730 h, ``30 GiB`` x ``$0.088/GiB-month``). Its exact decimal value is rounded half up to the cent:
$79.205 is $79.21. Each float is read as the decimal it stands for (its shortest ``repr``), never as
the binary product of floats, which is a hair under or over (0.1085 * 730 is 79.20499999999998). Each
part of a VM's cost is rounded on its own and totals add cents, so any grouping of the same parts
(per VM in ``plan``, per resource in the pack) gives the same total.

**Spot.** A spot VM whose spot price the snapshot lacks raises two different questions, answered
by two functions:

- :func:`hourly_estimate`, *what does it cost*: unknown (``plan`` names the part unpriced and shows
  its total as "at least"; ``compare`` shows the spot price as unknown and ranks it after the known
  ones). Never guessed.
- :func:`hourly_ceiling`, *what is the most it can cost*: the on-demand price, which a spot VM never
  pays more than, and never more than a spot price cap it sets. The policy pack's price ceiling and
  budget count it (a guard must not under-count); ``compare --chart`` draws it, labelled. A spot
  VM's price stays under its on-demand price on every cloud: AWS, "If you don't specify a maximum
  price, the maximum price defaults to the On-Demand price" (https://docs.aws.amazon.com/whitepapers/
  latest/cost-optimization-leveraging-ec2-spot-instances/how-spot-instances-work.html); Azure ``maxPrice`` -1,
  the default, "indicates default price to be up-to on-demand"
  (https://learn.microsoft.com/rest/api/compute/virtual-machines/create-or-update, BillingProfile);
  GCP, Spot VMs are priced at a 60-91% discount off on-demand
  (https://cloud.google.com/compute/docs/instances/spot#pricing).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

HOURS_PER_MONTH = 730
"""Hours in a month of list prices (AWS, Azure and GCP calculators all use 730)."""

ON_DEMAND = "on-demand price"
SPOT = "spot price"
SPOT_UNKNOWN = "on-demand price (spot price unknown)"
SPOT_CAP = "spot price cap"

_CENT = Decimal("0.01")


@lru_cache(maxsize=1 << 16)  # a snapshot has a few thousand distinct prices; comparing all of them is hot
def cents(*factors: float) -> int:
    """The product of ``factors`` (prices and quantities) in whole cents, half up on its exact
    decimal value."""
    product = Decimal(1)
    for factor in factors:
        product *= Decimal(repr(factor))
    return int(product.quantize(_CENT, rounding=ROUND_HALF_UP).scaleb(2))


def monthly_cents(hourly: float) -> int:
    """An hourly price over a month (:data:`HOURS_PER_MONTH`), in whole cents."""
    return cents(hourly, HOURS_PER_MONTH)


def parts_cents(hourly_parts: Iterable[float]) -> int:
    """A month of a VM billed in hourly parts (compute, GPUs, a licence): each part rounded on its own."""
    return sum(monthly_cents(hourly) for hourly in hourly_parts)


def dollars(amount_cents: int | None) -> float | None:
    """Cents as dollars, as the tools' JSON writes them (None stays None: unknown)."""
    return None if amount_cents is None else amount_cents / 100


def monthly_price(hourly: float | None) -> float | None:
    """An hourly price over a month, in dollars to the cent; None stays None (unknown)."""
    return None if hourly is None else monthly_cents(hourly) / 100


def _positive(price: float | None) -> float | None:
    return price if price is not None and price > 0 else None


def hourly_estimate(on_demand: float | None, spot_price: float | None, spot: bool = False) -> float | None:
    """What a VM pays per hour: its on-demand price, or for spot its spot price; None when that price
    is unknown (never a guess)."""
    return _positive(spot_price if spot else on_demand)


def hourly_ceiling(
    on_demand: float | None, spot_price: float | None, spot: bool = False, cap: float | None = None
) -> tuple[float | None, str]:
    """The most a VM pays per hour, and on what basis: for spot its spot price, else (unknown) the
    on-demand price it never exceeds, never above its spot price ``cap``; (None, basis) when even
    the on-demand price is unknown."""
    if not spot:
        return _positive(on_demand), ON_DEMAND
    hourly, basis = _positive(spot_price), SPOT
    if hourly is None:
        hourly, basis = _positive(on_demand), SPOT_UNKNOWN
    if hourly is not None and cap is not None and cap < hourly:
        return cap, SPOT_CAP
    return hourly, basis


def usd(
    amount: float | None,
    digits: int = 2,
    *,
    at_least: bool = False,
    signed: bool = False,
    unknown: str = "unknown",
    symbol: str = "$",
) -> str:
    """An amount as the tools write it: ``$1,234.56`` (``digits`` decimals), ``≥ $12.00`` for a lower
    bound, ``+$5.00``/``-$5.00`` with ``signed``; ``unknown`` for None."""
    if amount is None:
        return unknown
    sign = ("-" if amount < 0 else "+") if signed else ("-" if amount < 0 else "")
    return f"{'≥ ' if at_least else ''}{sign}{symbol}{abs(amount):,.{digits}f}"
