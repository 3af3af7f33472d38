"""Which Azure regions a subscription can use: part of Azure's cloud rules (``cloud_rules/azure.py``
imports each name)."""

from __future__ import annotations


def region_restriction(region: str) -> str | None:
    """Microsoft marks some regions "access restricted to support specific customer scenarios" (an access
    request per subscription: https://learn.microsoft.com/azure/reliability/regions-list, legend), but
    the marked list could not be read where the catalog was built: no region is left out (a known gap)."""
    return None
