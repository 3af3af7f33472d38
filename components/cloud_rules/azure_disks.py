"""Azure's managed disk sizes: part of Azure's cloud rules (``cloud_rules/azure.py`` imports each name;
a module of its own to keep that one under 500 lines)."""

from __future__ import annotations

from . import DiskLimit

# "This disk has a maximum capacity of 4,095 GiB" (OS disks); data disks up to 32,767 GiB
# (https://learn.microsoft.com/azure/virtual-machines/managed-disks-overview).
MAX_OS_DISK_GIB = 4095
MAX_DATA_DISK_GIB = 32767
STANDARD_DISK_LIMIT: DiskLimit | None = None
# Gen1 VMs boot OS disks of at most 2 TiB; Gen2 up to 4 TiB.
# https://learn.microsoft.com/azure/virtual-machines/managed-disks-overview#os-disk
MAX_GEN1_OS_DISK_GIB = 2048
# A managed disk takes any size from 1 GiB (Disk.diskSizeGB); one smaller than a tier's smallest is
# billed as that tier (P1/E1 4 GiB, S4 32 GiB: azure_billing.DISK_TIERS).
MIN_DISK_GIB: dict[str, int] = {}
