"""Azure's billing facts, as ``components/pricing.py`` prices a VM: part of Azure's cloud rules
(``cloud_rules/azure.py`` imports each name; a module of its own to keep that one under 500 lines)."""

from __future__ import annotations

from typing import Any

# Managed disk tiers and the largest size (GiB) each holds, smallest first; a disk is billed as the first
# tier it fits, at the part ``disk:<sku>:<tier>`` per month. https://learn.microsoft.com/azure/
# virtual-machines/disks-types (Premium SSD, Standard SSD and Standard HDD size tables; read 2026-05).
_TIER_SIZES = (4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767)
_TIER_NUMBERS = (1, 2, 3, 4, 6, 10, 15, 20, 30, 40, 50, 60, 70, 80)
DISK_TIERS: dict[str, tuple[tuple[str, int], ...]] = {
    "Premium_LRS": tuple((f"P{n}", size) for n, size in zip(_TIER_NUMBERS, _TIER_SIZES)),
    "StandardSSD_LRS": tuple((f"E{n}", size) for n, size in zip(_TIER_NUMBERS, _TIER_SIZES)),
    "Standard_LRS": tuple((f"S{n}", size) for n, size in zip(_TIER_NUMBERS, _TIER_SIZES) if size >= 32),
}
# The admin password is the VM's osProfile.adminPassword: no secret store to pay for.
ADMIN_PASSWORD_STORE: tuple[float, str] | None = None
# The Retail Prices API has Azure's spot prices.
SPOT_PRICES_COMMAND = "catalog refresh azure"

# VM size names are matched whatever their case ("standard_b2s" is Standard_B2s): Azure Resource Manager
# compares property values such as hardwareProfile.vmSize case-insensitively.
SIZE_NAMES_CASE_SENSITIVE = False


def password_endpoint(spec: Any) -> bool:
    """Azure VMs get their admin password in osProfile: no endpoint to read it through."""
    return False
