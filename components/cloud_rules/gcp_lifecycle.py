"""What Compute Engine itself does with each edit of a running VM (``cloud_rules.ROWS``), with its source: the
``LIFECYCLE`` of ``cloud_rules/gcp.py``. What ``pulumi up`` does with the component's resources is
generated from it (``components/tools/lifecycle.py``, the tables of docs/cloud-rules.md), on the sample VM
``LIFECYCLE_SAMPLE`` (``VM_TYPE`` is the resource the VM itself is)."""

from __future__ import annotations

from . import Change, LifecycleSample

GCE = "https://cloud.google.com/compute/docs"

# What Compute Engine itself does with each edit of a running VM (the component's outcome is
# generated: components/tools/lifecycle.py).
LIFECYCLE: dict[str, Change] = {
    "image alias": Change("replace", f"{GCE}/disks: the boot disk is made from the image at creation"),
    "instance_type (same series)": Change(
        "restart", f"{GCE}/instances/changing-machine-type-of-stopped-instance: only while stopped"
    ),
    "instance_type (another series)": Change(
        "refused",
        f"{GCE}/instances/changing-machine-type-of-stopped-instance: the new series must take the VM's disk "
        "types (e2-standard-2 to c4-standard-2 here: C4 takes only Hyperdisk)",
    ),
    "user_data": Change(
        "update",
        f"{GCE}/metadata/overview: metadata updates live",
        "cloud-init runs user-data once per instance and a startup script runs at the next boot",
    ),
    "ssh_public_key": Change("update", f"{GCE}/connect/add-ssh-keys: the guest agent applies ssh-keys metadata live"),
    "admin_username": Change("update", "the user is part of the ssh-keys metadata (see ssh_public_key)"),
    "admin_password (Windows)": Change(
        "update",
        "the VM's Secret Manager secret takes a new version (https://cloud.google.com/secret-manager/docs/add-secret-version)",
        "the sysprep-specialize script reads it at first boot only",
    ),
    "zone": Change("replace", f"{GCE}/instances/moving-instance-across-zones: a new instance from snapshots"),
    "region": Change("replace", "instances and disks are zonal"),
    "spot": Change("replace", f"{GCE}/instances/spot: the provisioning model is set at creation"),
    "disk_type": Change(
        "replace", f"{GCE}/disks/modify-persistent-disk: a disk's type is fixed (a new disk from a snapshot)"
    ),
    "disk_size_gib (grow)": Change(
        "update",
        f"{GCE}/disks/resize-persistent-disk: grows online; never shrinks",
        "the component sets the boot disk's size at creation only (CREATION_ONLY): grow it with `gcloud compute "
        "disks resize VM --size N --zone ZONE`, then `pulumi refresh`",
    ),
    "data_disks (add)": Change("update", f"{GCE}/disks/add-persistent-disk: attaches live"),
    "data_disks (remove the first)": Change("update", "a disk detaches live (unmount it first)"),
    "data_disks (reorder)": Change("update", "a disk keeps its data under whatever device name"),
    "ingress": Change("update", "VPC firewall rules update in place"),
    "public_ip": Change("update", f"{GCE}/ip-addresses/reserve-static-external-ip-address: access configs change live"),
    "tags": Change("update", f"{GCE}/labeling-resources: labels update live"),
    "Windows VM deployed by an earlier version": Change(
        "restart",
        f"{GCE}/instances/change-service-account: a VM's service account changes only while it is stopped",
        "metadata updates live; the admin password leaves the metadata for the VM's Secret Manager secret",
    ),
}


# The resource the VM itself is, whose steps the lifecycle tables read.
VM_TYPE = "gcp:compute/instance:Instance"

# The VM the lifecycle tables deploy and then edit (components/tools/lifecycle.py).
LIFECYCLE_SAMPLE = LifecycleSample(
    region="us-central1",
    zone="us-central1-a",
    other_zone="us-central1-b",
    other_region="europe-west1",
    instance_type="e2-standard-2",
    bigger_type="e2-standard-4",
    other_series_type="c4-standard-2",
)
