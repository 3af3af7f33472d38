"""GCP prices from a second public source, where catalog-source has none or the wrong ones.

catalog-source (2026-05-20) has no C4A (Axion, arm64) machine types, prices sizes with bundled local
SSD (``c3-standard-4-lssd``, ``a2-ultragpu-*``, ``a3-*``) as if they had none, and prices the A2/A3
GPU types of several regions at half or two thirds of their list price (a2-highgpu-1g $2.43 in
europe-west4, $3.75 in the Billing Catalog; a3-highgpu-8g $43 in us-central1, $88.49). The Cloud
Billing Catalog, as compiled by Cyclenerd/google-cloud-pricing-cost-calculator (Apache-2.0; its
``pricing.yml`` prices each machine type per region from the same SKUs ``catalog refresh gcp``
reads, local SSD included), agrees with catalog-source to within 25% on 10,066 of the 10,158
(type, region) prices both have; the 92 others are exactly these sizes. So the build takes, from
``sources/gcp_seeded.json.gz``:

- the prices of every A2/A3 type and every type with bundled local SSD (``replace``), in each region
  the compilation prices it (catalog-source's price stays where it has none); where the compilation
  has no price for the local SSD of the region (C4 local SSD in asia-southeast3), the size's price is
  dropped rather than shown without its disks;
- the C4A types (``add``), in the regions where the Compute API lists them (the same project's
  ``tools/machinetyperegion.csv``) and the snapshot has the region. Which zones of a region offer
  them is not in either source: their zones are unverified (``catalog refresh gcp --project``
  reads them).

Seeded rows carry the compilation's date as their own price date. ``python -m components catalog
seed-gcp --pricing pricing.yml --machine-types machinetyperegion.csv --date YYYY-MM-DD --origin
TEXT`` regenerates the file (the command reads the YAML with PyYAML, which comes with pulumi).
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

from .zones import SOURCES_DIR

SEED_FILE = SOURCES_DIR / "gcp_seeded.json.gz"
REPLACED_FAMILIES = ("a2", "a3")
ADDED_FAMILIES = ("c4a",)
ARM_FAMILIES = ("t2a", "c4a", "a4x")
GPU_KEYS = {
    "a100": ("A100", 40),
    "a100-80gb": ("A100", 80),
    "h100-80gb": ("H100", 80),
    "h100-80gb-mega": ("H100", 80),
    "h200-141gb": ("H200", 141),
}


def _use(name: str, entry: dict) -> str | None:
    family = name.split("-")[0]
    if family in ADDED_FAMILIES:
        return "add"
    if family in REPLACED_FAMILIES or entry.get("local-ssd"):
        return "replace"
    return None


def _price(value) -> float | None:
    return round(float(value), 6) if isinstance(value, int | float) and value > 0 else None


def from_cyclenerd(pricing: dict, machine_regions: dict[str, set[str]], *, date: str, origin: str) -> dict:
    """The seed document from a parsed ``pricing.yml`` and the regions listing each machine type."""
    types = {}
    for name, entry in sorted(pricing["compute"]["instance"].items()):
        use = _use(name, entry)
        if use is None:
            continue
        prices = {}
        family = name.split("-")[0]
        ssd_rates = (
            pricing["compute"]
            .get("storage", {})
            .get(f"local-{family}" if family in ("c4", "c4a", "c4d") else "local", {})
        )
        for region, cost in sorted(entry.get("cost", {}).items()):
            hourly = _price(cost.get("hour"))
            if hourly is None or (use == "add" and region not in machine_regions.get(name, ())):
                continue
            if entry.get("local-ssd") and not ssd_rates.get("cost", {}).get(region, {}).get("month"):
                prices[region] = [None, None]  # priced without its local SSD: not a price of the size
                continue
            prices[region] = [hourly, _price(cost.get("hour_spot"))]
        if not prices:
            continue
        gpu = next(((GPU_KEYS[k], v) for k, v in entry.items() if k in GPU_KEYS), None)
        types[name] = {
            "use": use,
            "vcpus": entry["cpu"],
            "memory_gib": entry["ram"],
            "arch": "arm64" if name.split("-")[0] in ARM_FAMILIES else "x86_64",
            "gpu": [gpu[0][0], gpu[1], gpu[0][1]] if gpu else None,
            "local_ssd_gib": entry.get("local-ssd") or None,
            "prices": prices,
        }
    return {
        "what": "GCP machine prices (on-demand and spot, $/h) seeded over or beside catalog-source; see catalog/seeds.py",
        "date": date,
        "source": origin,
        "types": types,
    }


def read_machine_regions(path: Path) -> dict[str, set[str]]:
    """``NAME;...;ZONE`` rows (the region in the last column) as {machine type: regions}."""
    regions: dict[str, set[str]] = {}
    with path.open(newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            regions.setdefault(row["NAME"], set()).add(row["ZONE"])
    return regions


def write(pricing: dict, machine_types_csv: Path, *, date: str, origin: str, path: Path | None = None) -> Path:
    """Writes the seed file from a parsed ``pricing.yml`` and the machine-type regions CSV."""
    document = from_cyclenerd(pricing, read_machine_regions(machine_types_csv), date=date, origin=origin)
    path = path or SEED_FILE
    path.write_bytes(gzip.compress(json.dumps(document, sort_keys=True, separators=(",", ":")).encode(), mtime=0))
    return path


def read(path: Path | None = None) -> dict:
    with gzip.open(path or SEED_FILE, "rt") as f:
        return json.load(f)


def apply(rows: list[dict], regions: set[str], seed: dict) -> tuple[list[dict], list[str]]:
    """catalog-source GCP rows with the seed's prices over theirs (``replace``) and its new types
    beside them (``add``, only in ``regions``); and what was done, for the build's notes."""
    seeded = seed["types"]
    date = seed["date"]
    replaced = 0
    present = {row["instance_type"] for row in rows}
    out = []
    for row in rows:
        entry = seeded.get(row["instance_type"])
        price = entry["prices"].get(row["region"]) if entry and entry["use"] == "replace" else None
        if price:
            row = {**row, "price_hourly": price[0], "spot_price_hourly": price[1], "price_date": date}
            replaced += 1
        if entry and entry.get("local_ssd_gib"):
            row = {**row, "local_ssd_gib": entry["local_ssd_gib"]}
        out.append(row)
    added = 0
    for name, entry in sorted(seeded.items()):
        if entry["use"] != "add" or name in present:
            continue
        gpu = entry.get("gpu")
        for region, (hourly, spot) in sorted(entry["prices"].items()):
            if region not in regions or hourly is None:
                continue
            out.append(
                {
                    "cloud": "gcp",
                    "instance_type": name,
                    "vcpus": entry["vcpus"],
                    "memory_gib": entry["memory_gib"],
                    "arch": entry["arch"],
                    "gpu_name": gpu[0] if gpu else "",
                    "gpu_count": gpu[1] if gpu else "",
                    "region": region,
                    "price_hourly": hourly,
                    "spot_price_hourly": spot,
                    "price_date": date,
                    "local_ssd_gib": entry.get("local_ssd_gib"),
                    "zones_unverified": True,
                }
            )
            added += 1
    notes = [f"{replaced} prices from {seed['source']} ({date})", f"{added} rows of new families added"]
    return out, notes
