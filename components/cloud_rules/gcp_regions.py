"""Which GCP regions a project can use, and which are the US ones: part of GCP's cloud rules
(``cloud_rules/gcp.py`` imports each name)."""

from __future__ import annotations


def region_restriction(region: str) -> str | None:
    """Every region of the public catalog is open to every project (its quotas aside)."""
    return None


def us_region(region: str) -> bool:
    return region.startswith("us-") and "gov" not in region
