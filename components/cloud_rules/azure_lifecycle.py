"""What Azure itself does with each edit of a running VM (``cloud_rules.ROWS``), with its source: the
``LIFECYCLE`` of ``cloud_rules/azure.py``. What ``pulumi up`` does with the component's resources is
generated from it (``components/tools/lifecycle.py``, the tables of docs/cloud-rules.md), on the sample VM
``LIFECYCLE_SAMPLE`` (``VM_TYPE`` is the resource the VM itself is)."""

from __future__ import annotations

from . import Change, LifecycleSample

LEARN = "https://learn.microsoft.com/azure/virtual-machines"
REFUSED_BY_AZURE = "Azure answers PropertyChangeNotAllowed to an update"

# What Azure itself does with each edit of a running VM (the component's outcome is generated:
# components/tools/lifecycle.py).
LIFECYCLE: dict[str, Change] = {
    "image alias": Change(
        "refused", "storageProfile.imageReference is fixed at creation (pulumi/pulumi-azure-native#2674)"
    ),
    "instance_type (same series)": Change(
        "restart",
        f"{LEARN}/sizes/resize-vm: resizing restarts the VM; 'Deallocation may be necessary if the new size isn't "
        "available on the same hardware cluster'",
        "if Azure answers OperationNotAllowed, deallocate the VM (az vm deallocate) and run pulumi up again",
    ),
    "instance_type (another series)": Change(
        "restart",
        f"{LEARN}/sizes/resize-vm (Standard_D2s_v5 to Standard_D2_v5 here)",
        "a size without Premium storage takes no Premium SSD: the component's disks change SKU with it",
    ),
    "user_data": Change("refused", f"osProfile.customData: {REFUSED_BY_AZURE}"),
    "ssh_public_key": Change("refused", f"osProfile.linuxConfiguration.ssh.publicKeys: {REFUSED_BY_AZURE}"),
    "admin_username": Change("refused", f"osProfile.adminUsername: {REFUSED_BY_AZURE}"),
    "admin_password (Windows)": Change("refused", "osProfile.adminPassword is set at creation"),
    "zone": Change("refused", f"zones: {REFUSED_BY_AZURE}"),
    "region": Change("refused", "location: InvalidResourceLocation (pulumi/pulumi-azure-native#3053)"),
    "spot": Change("refused", f"priority: VMPriorityCannotBeApplied ({LEARN}/error-codes-spot)"),
    "disk_type": Change("deallocate", f"{LEARN}/disks-convert-types: a disk's type changes with the VM deallocated"),
    "disk_size_gib (grow)": Change(
        "deallocate",
        f"{LEARN}/linux/expand-disks: 'Disk resizing is allowed only when creating a VM or when the VM is "
        "deallocated' (OS disks); a smaller disk is refused",
        "deallocate the VM (az vm deallocate), run pulumi up, start it",
    ),
    "data_disks (add)": Change("update", f"{LEARN}/linux/attach-disk-portal: a new LUN attaches live"),
    "data_disks (remove the first)": Change(
        "update", "a data disk detaches live; deleteOption applies only when the VM is deleted"
    ),
    "data_disks (reorder)": Change("update", "a disk keeps its data at whatever LUN"),
    "ingress": Change("update", "the NSG's security rules update in place"),
    "public_ip": Change("update", "the NIC's IP configuration takes or drops the public IP in place"),
    "tags": Change("update", "tags update in place"),
}


# The resource the VM itself is, whose steps the lifecycle tables read.
VM_TYPE = "azure-native:compute:VirtualMachine"

# The VM the lifecycle tables deploy and then edit (components/tools/lifecycle.py).
LIFECYCLE_SAMPLE = LifecycleSample(
    region="eastus",
    zone="1",
    other_zone="2",
    other_region="westus2",
    instance_type="Standard_D2s_v5",
    bigger_type="Standard_D4s_v5",
    other_series_type="Standard_D2_v5",
)
