"""Prices of the non-VM parts of a VM's cost in a snapshot: its ``prices`` document key.

``{"prices": {region: {part: price}}, "prices_date": "...", "prices_source": "..."}``, with the part
vocabulary of ``components/pricing.py`` (``disk:gp3``, ``disk:Premium_LRS:P4``, ``ipv4:public``,
``licence:windows``, ...). The key is optional: snapshots without it still load, their parts are
unpriced.

The build seeds it from ``sources/part_prices.json`` (each entry names its public source); the
refreshers fetch it from the same price APIs as the VM prices.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

SEED_FILE = Path(__file__).with_name("sources") / "part_prices.json"
PART = re.compile(
    r"^(disk:[A-Za-z0-9_.-]+(:[A-Z]\d+)?|ipv4:public(:spot)?|licence:windows(:[A-Za-z0-9_.-]+)?|endpoint:interface)$"
)
# Beyond these a fetched price is a parsing error, not a price (the dearest real ones: a 32 TiB
# Azure Ultra tier is under $10,000/month; a licence under $50/h).
MAX_PRICE = {"disk": 20000.0, "ipv4": 1.0, "licence": 50.0, "endpoint": 1.0}


def check_prices(prices: Mapping[str, Mapping[str, float]]) -> list[str]:
    """What is wrong with a ``prices`` mapping: unknown part names, non-numeric or absurd prices."""
    problems = []
    for region, parts in prices.items():
        if not isinstance(parts, Mapping):
            problems.append(f"prices[{region!r}] is not a mapping")
            continue
        for part, price in parts.items():
            if not PART.match(str(part)):
                problems.append(f"{region}: unknown part {part!r}")
            elif isinstance(price, bool) or not isinstance(price, int | float) or not math.isfinite(price):
                problems.append(f"{region}: {part} = {price!r} is not a number")
            elif not 0 <= price <= MAX_PRICE[part.split(":")[0]]:
                problems.append(f"{region}: {part} = {price!r} is out of range")
    return problems


def seeded_prices(cloud: str, regions: Iterable[str], path: Path | None = None) -> tuple[dict, str, str]:
    """The seeded part prices of ``cloud`` for ``regions``, the date of the oldest data they use (an
    entry's ``as_of``; the document's read ``date`` for one without) and their sources.

    An entry prices one part in listed regions (``prices``: region -> price) or in every region
    (``regions: "*"`` and ``price``). A price that is a mapping names sub-parts: Azure disk tiers
    (``disk:Premium_LRS`` + ``{"P10": 19.71}``) and per-type licences (``licence:windows`` +
    ``{"t3.medium": 0.0184}`` gives ``licence:windows:t3.medium``)."""
    document = json.loads((path or SEED_FILE).read_text())
    regions = sorted(set(regions))
    prices: dict[str, dict[str, float]] = {}
    dates: list[str] = []
    for entry in document["entries"]:
        if entry["cloud"] != cloud:
            continue
        part = entry["part"]
        values = dict.fromkeys(regions, entry["price"]) if entry.get("regions") == "*" else entry["prices"]
        used = False
        for region, value in values.items():
            if region not in regions:
                continue
            used = True
            if isinstance(value, Mapping):
                prices.setdefault(region, {}).update({f"{part}:{name}": v for name, v in value.items()})
            else:
                prices.setdefault(region, {})[part] = value
        if used:
            dates.append(str(entry.get("as_of") or document["date"]))
    problems = check_prices(prices)
    if problems:
        raise ValueError(f"{path or SEED_FILE}: " + "; ".join(problems))
    source = "seeded list prices, see components/catalog/sources/part_prices.json"
    return {r: dict(sorted(prices[r].items())) for r in sorted(prices)}, min(dates, default=document["date"]), source


def merge_prices(old: Mapping[str, Mapping[str, float]], new: Mapping[str, Mapping[str, float]]) -> dict:
    """Per region, the new prices over the old ones (a part the new fetch lacks keeps its old price)."""
    merged = {region: dict(parts) for region, parts in old.items()}
    for region, parts in new.items():
        merged.setdefault(region, {}).update(parts)
    return {r: dict(sorted(merged[r].items())) for r in sorted(merged) if merged[r]}


def licence_prices(
    linux: Mapping[str, float], windows: Mapping[str, float], vcpus: Mapping[str, float], per_vcpu
) -> dict[str, float]:
    """Windows licence parts from Linux and Windows prices of the same types: ``licence:windows``, the
    per-vCPU rate most types share, and ``licence:windows:<type>`` for each type whose licence is not
    that rate times its vCPUs (always for types ``per_vcpu(type)`` excludes: burstable types, ...)."""
    # A Windows price at or below the Linux one is an error in the price data, not a free licence.
    uplift = {
        t: round(windows[t] - linux[t], 6)
        for t in windows.keys() & linux.keys()
        if windows[t] > linux[t] > 0 and vcpus.get(t)
    }
    rates: dict[float, int] = {}
    for t, amount in uplift.items():
        if per_vcpu(t):
            rate = round(amount / vcpus[t], 6)
            rates[rate] = rates.get(rate, 0) + 1
    parts: dict[str, float] = {}
    rate = max(rates, key=lambda r: (rates[r], -r)) if rates else None
    if rate is not None:
        parts["licence:windows"] = rate
    for t, amount in sorted(uplift.items()):
        if rate is None or not per_vcpu(t) or abs(amount - rate * vcpus[t]) > 1e-6:
            parts[f"licence:windows:{t}"] = amount
    return parts
