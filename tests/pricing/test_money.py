"""The money core (components/money.py): cents half up on the exact amount, the two spot questions,
and how an amount is written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components import money


def test_cents_round_half_up_on_the_exact_decimal_not_the_float_product():
    # t3.large in af-south-1: $79.205 is $79.21 (round() sees the binary float, a hair under 79.205).
    assert round(0.1085 * 730, 2) == 79.2 and money.monthly_cents(0.1085) == 7921
    # n2-standard-8 in europe-west3: $365.365 is $365.37 (the float product is 365.36499999999995).
    assert repr(0.5005 * 730) == "365.36499999999995" and money.monthly_cents(0.5005) == 36537
    assert money.cents(30, 0.088) == 264  # 30 GiB at $0.088/GiB-month (2.6399999999999997 as a float)
    assert money.cents(0.125) == 13 and money.cents(0.124999) == 12 and money.cents(0.0) == 0
    assert money.cents(0.01, 2, 730) == 1460  # an endpoint in two zones


@given(st.integers(min_value=1, max_value=10**7), st.integers(min_value=0, max_value=4))
def test_cents_of_a_decimal_price_are_its_exact_month_rounded_half_up(units, places):
    """For any price written with up to 8 decimals, the cents are (price x 730) rounded half up,
    computed here in integers."""
    hourly = units / 10 ** (places + 4)
    numerator, denominator = units * 730 * 100, 10 ** (places + 4)
    expected = (2 * numerator + denominator) // (2 * denominator)  # half up
    assert money.monthly_cents(hourly) == expected


def test_parts_are_rounded_each_on_its_own():
    assert money.parts_cents([0.1085, 0.046]) == money.monthly_cents(0.1085) + money.monthly_cents(0.046) == 11279
    assert money.monthly_price(None) is None and money.monthly_price(0.1085) == 79.21
    assert money.dollars(None) is None and money.dollars(7921) == 79.21


@pytest.mark.parametrize(
    ("on_demand", "spot_price", "spot", "estimate", "ceiling"),
    [
        (0.10, 0.03, False, 0.10, (0.10, money.ON_DEMAND)),
        (0.10, 0.03, True, 0.03, (0.03, money.SPOT)),
        # The two questions differ only here: a spot VM whose spot price is unknown.
        (0.10, None, True, None, (0.10, money.SPOT_UNKNOWN)),
        (0.10, 0.0, True, None, (0.10, money.SPOT_UNKNOWN)),
        (None, None, True, None, (None, money.SPOT_UNKNOWN)),
        (None, None, False, None, (None, money.ON_DEMAND)),
        (-1.0, None, False, None, (None, money.ON_DEMAND)),
    ],
)
def test_a_spot_vm_without_a_spot_price_is_unknown_as_an_estimate_and_on_demand_as_a_ceiling(
    on_demand, spot_price, spot, estimate, ceiling
):
    assert money.hourly_estimate(on_demand, spot_price, spot) == estimate
    assert money.hourly_ceiling(on_demand, spot_price, spot) == ceiling


def test_a_spot_price_cap_bounds_the_ceiling_of_spot_vms_only():
    assert money.hourly_ceiling(0.10, 0.03, True, cap=0.02) == (0.02, money.SPOT_CAP)
    assert money.hourly_ceiling(0.10, None, True, cap=0.05) == (0.05, money.SPOT_CAP)
    assert money.hourly_ceiling(0.10, 0.03, True, cap=0.5) == (0.03, money.SPOT)
    assert money.hourly_ceiling(0.10, 0.03, False, cap=0.02) == (0.10, money.ON_DEMAND)


def test_one_formatter_writes_every_amount():
    assert money.usd(1234.5) == "$1,234.50"
    assert money.usd(0.04083, 4) == "$0.0408"
    assert money.usd(None) == "unknown" and money.usd(None, unknown="-") == "-"
    assert money.usd(29.78, at_least=True) == "≥ $29.78"
    assert money.usd(5, signed=True) == "+$5.00" and money.usd(-100, signed=True) == "-$100.00"
    assert money.usd(0.0, signed=True) == "+$0.00"
    assert money.usd(0.1504, 4, symbol="") == "0.1504"
