"""What a reader of an old price should know: list-price changes announced after the date of a price
(``sources/price_changes.json``, each with its sources), and how far apart two price dates are."""

from __future__ import annotations

import json
import os
import re
from functools import cache

# Not catalog.zones.SOURCES_DIR: that module loads what a query needs not (pathlib, dataclasses).
CHANGES = os.path.join(os.path.dirname(__file__), "sources", "price_changes.json")
STALE_DAYS = 90  # prices this far apart are not comparable as equals


@cache
def _changes() -> list[tuple[str, re.Pattern, str, str]]:
    with open(CHANGES) as f:
        document = json.load(f)
    return [(c["cloud"], re.compile(c["pattern"]), c["effective"], c["change"]) for c in document["changes"]]


def price_changes(cloud: str, instance_type: str, price_date: str) -> list[str]:
    """The announced changes to a type's list price after ``price_date``, as sentences."""
    return [
        f"{change} (after this price of {price_date})"
        for change_cloud, pattern, effective, change in _changes()
        if change_cloud == cloud and pattern.search(instance_type) and effective > price_date
    ]


def days_between(first: str, second: str) -> int:
    from datetime import date

    return abs((date.fromisoformat(first) - date.fromisoformat(second)).days)
