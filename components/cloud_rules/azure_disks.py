"""Azure's managed disks (sizes, names, where they live): part of Azure's cloud rules
(``cloud_rules/azure.py`` imports each name; a module of its own to keep that one under 500 lines)."""

from __future__ import annotations

from typing import Any

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
# A managed disk's name is a path parameter of its id (PUT .../disks/{diskName}), a replace-on-change
# (azure_resources.py), and the component sends it: the stack's lock keeps it for the disk's life.
SENDS_DISK_NAME = True


def data_disk_scope(spec: Any) -> tuple[str, str] | None:
    """The resource group a VM's data disks are in: ``resource_group_name``, else its shared network's
    group, else its own (``network: dedicated``, ``subnet_id``). A managed disk's resourceGroupName is
    part of its id, a replace-on-change in azure-native (cloud_rules/azure_resources.py, path
    parameters): another group would replace every data disk."""
    if spec.resource_group_name:
        return "resource_group_name", f"resource group {spec.resource_group_name}"
    network = spec.network
    if network is not None and network.resource_group_name:
        return "network", f"resource group {network.resource_group_name}"
    return "network", "its shared network's resource group" if network is not None else "its own resource group"
