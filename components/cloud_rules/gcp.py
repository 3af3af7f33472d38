"""What Compute Engine accepts, and what a change of a GCP VM does. Each fact names its source.

Disk types per machine series come from Google's own machine-family configuration for GKE node
auto-provisioning (``supportedBootDiskTypes`` / ``supportedAttachDiskTypes``, k8s.io/gke-autoscaling),
checked against Google's cluster-toolkit validations ("The C4 machine series does not support
pd-ssd", ...) and the Hyperdisk docs ("Hyperdisk Balanced ... the only supported Hyperdisk types"
for boot disks, https://cloud.google.com/compute/docs/disks/hd-types/hyperdisk-balanced). Attached
disk maximums: https://cloud.google.com/compute/docs/disks/persistent-disks (127 secondary disks) and
the GCE PD CSI driver's limits (shared-core 16; Hyperdisk limits by vCPUs for C4, C4D, N4). Spot:
every series here has Spot SKUs (Cloud Billing; A4 by its preemptible price).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from . import Change, SizeNeeds, common_size_problem

# GPUs GCP lets you attach to N1 machines, and per GPU count the largest N1 shape allowed
# (vCPUs, GiB), from https://cloud.google.com/compute/docs/gpus#gpus-list.
N1_GPU_LIMITS: dict[str, dict[int, tuple[int, float]]] = {
    "T4": {1: (48, 312), 2: (48, 312), 4: (96, 624)},
    "P4": {1: (24, 156), 2: (48, 312), 4: (96, 624)},
    "V100": {1: (12, 78), 2: (24, 156), 4: (48, 312), 8: (96, 624)},
    "P100": {1: (16, 104), 2: (32, 208), 4: (64, 208)},
    "K80": {1: (8, 52), 2: (16, 104), 4: (32, 208), 8: (64, 416)},
}

PD = ("pd-standard", "pd-balanced", "pd-ssd")
NO_STANDARD = ("pd-balanced", "pd-ssd")
HYPERDISK = ("hyperdisk-balanced",)


@dataclass(frozen=True)
class Family:
    boot: tuple[str, ...]
    data: tuple[str, ...]
    max_disks: int | tuple[tuple[float, int], ...] = 128
    """Attached disks including the boot disk: a number, or (up to vCPUs, maximum) steps."""


FAMILIES: dict[str, Family] = {
    "a2": Family(PD, PD),
    "a3": Family((*NO_STANDARD, *HYPERDISK), (*NO_STANDARD, *HYPERDISK)),
    "a4": Family(HYPERDISK, HYPERDISK),
    "c2": Family(PD, PD),
    "c2d": Family(PD, PD),
    "c3": Family((*NO_STANDARD, *HYPERDISK), (*NO_STANDARD, *HYPERDISK)),
    "c3d": Family((*NO_STANDARD, *HYPERDISK), (*NO_STANDARD, *HYPERDISK)),
    "c4": Family(HYPERDISK, HYPERDISK, ((2, 8), (4, 16), (24, 32), (48, 64), (float("inf"), 128))),
    "c4d": Family(HYPERDISK, HYPERDISK, ((2, 4), (4, 8), (8, 16), (96, 32), (192, 64), (float("inf"), 128))),
    # C4A (Axion, arm64; in the catalog since issue 20): Hyperdisk only, as every fourth-generation
    # series ("For ... all fourth-generation types like C4, N4, M4, and newer machine series, the
    # default is Hyperdisk Balanced", Compute API AttachedDiskInitializeParams.diskType; "c4a does not
    # accept pd-balanced", https://cloud.google.com/compute/docs/general-purpose-machines#c4a_disks).
    # Its Hyperdisk count per vCPU is not in our sources: N4's, the smallest documented, is assumed.
    "c4a": Family(HYPERDISK, HYPERDISK, ((8, 16), (float("inf"), 32))),
    "e2": Family(PD, PD),
    "f1": Family(PD, PD, 16),
    "g1": Family(PD, PD, 16),
    # G2: no pd-standard boot disk; Google's GKE config lists it attachable, other Google configs say
    # "G2 does not support pd-standard": refused for data disks too, the safe side.
    "g2": Family(NO_STANDARD, NO_STANDARD),
    "m1": Family((*PD, *HYPERDISK), (*PD, *HYPERDISK)),
    "m3": Family((*PD, *HYPERDISK), (*PD, *HYPERDISK)),
    "n1": Family(PD, PD),
    "n2": Family(PD, PD),
    "n2d": Family(PD, PD),
    "n4": Family(HYPERDISK, HYPERDISK, ((8, 16), (float("inf"), 32))),
    "t2a": Family(PD, PD),
    "t2d": Family(PD, PD),
}
SHARED_CORE_16 = frozenset(["e2-micro", "e2-small", "e2-medium"])  # PD CSI driver: "volumeLimitSmall"

# Public images whose kernels or shims fail Secure Boot: rhel-9 arm64 has no signed shim yet ("Waiting on
# MSFT signed shims", GoogleCloudPlatform/cloud-image-tests test_suites/imageboot/setup.go; RHEL-4326);
# with Secure Boot on, the VM does not boot. They keep vTPM and integrity monitoring.
NO_SECURE_BOOT_IMAGES = re.compile(r"^projects/rhel-cloud/global/images/family/rhel-9-arm64$")
# Public images with cloud-init, which reads the ``user-data`` metadata key
# (cloud-init docs, datasource GCE). Google's debian-12 and rhel-9 builds install no cloud-init
# (GoogleCloudPlatform/compute-image-tools daisy_workflows/image_build: debian FAI config, RHEL kickstart):
# their guest agent runs a ``startup-script`` at every boot instead.
CLOUD_INIT_PROJECTS = frozenset(["ubuntu-os-cloud", "ubuntu-os-pro-cloud", "cos-cloud"])
# Metadata: 512 KB in all, 256 KB per value; labels: at most 64 per resource (checked with the tags,
# components/spec/tags.py). https://cloud.google.com/compute/docs/metadata/setting-custom-metadata#limitations,
# https://cloud.google.com/compute/docs/labeling-resources#requirements
# Arm machine types (T2A, C4A) run Linux only: "Arm VMs ... support only Linux operating systems"
# (https://cloud.google.com/compute/docs/instances/arm-on-compute); Windows Server images are x86-64.
MAX_METADATA_VALUE_BYTES = 256 * 1024
MAX_LABELS = 64
# The instance's ``subnetwork`` takes a name, partial path or URL, but ``gcp.compute.get_subnetwork``
# needs a full self link ("value ... was not a self link", hashicorp/terraform-provider-google#4784).
SELF_LINK_PREFIX = "https://www.googleapis.com/compute/v1/"
SUBNETWORK_PATH = re.compile(
    r"^(?:https://www\.googleapis\.com/compute/v1/)?projects/([^/]+)/regions/([^/]+)/subnetworks/([^/]+)$"
)


def family_of(machine_type: str) -> Family | None:
    return FAMILIES.get(machine_type.split("-")[0])


def disk_type(kind: str, machine_type: str, boot: bool = True) -> str | None:
    """The disk type sent for ``ssd``/``standard``: pd-balanced or pd-standard where the series takes
    it, Hyperdisk Balanced for ``ssd`` on Hyperdisk-only series; None where ``standard`` is refused."""
    family = family_of(machine_type)
    supported = (family.boot if boot else family.data) if family else PD
    if kind == "ssd":
        return "pd-balanced" if "pd-balanced" in supported else "hyperdisk-balanced"
    return "pd-standard" if "pd-standard" in supported else None


def sent_disk_type(kind: str, machine_type: str, boot: bool = True) -> str:
    """``disk_type`` for a validated spec, where validation has refused a ``standard`` disk the series
    cannot take: what the adapter sends and what pricing prices."""
    sent = disk_type(kind, machine_type, boot)
    if sent is None:
        raise ValueError(f"{machine_type} takes no {kind} disk (validation should have refused it)")
    return sent


def sent_disk_type_for(kind: str, offering, boot: bool = True) -> str:
    return sent_disk_type(kind, offering.instance_type, boot)


# "Changing the machine type to use a different machine series ... is only supported for first and
# second generation machine series, excluding the T2A and A2 machine series"; a move from N1, N2, M1, ...
# to a third-generation series (M3, C3, N4, ...) must follow "Move your workload to a new compute
# instance" (https://cloud.google.com/compute/docs/instances/changing-machine-type-of-stopped-instance).
IN_PLACE_SERIES = frozenset(["n1", "f1", "g1", "n2", "n2d", "e2", "c2", "c2d", "m1", "m2", "t2d"])
RESIZE_SOURCE = "cloud.google.com/compute/docs/instances/changing-machine-type-of-stopped-instance"


def series_of(machine_type: str) -> str:
    return machine_type.split("-")[0]


def resize_problem(old_type: str, offering) -> str | None:
    """Why a VM of ``old_type`` cannot change to ``offering`` in place: across series, Compute Engine
    changes the machine type only between first- and second-generation series (not T2A or A2)."""
    old, new = series_of(old_type), series_of(offering.instance_type)
    if old == new or (old in IN_PLACE_SERIES and new in IN_PLACE_SERIES):
        return None
    return (
        f"Compute Engine changes a machine type in place only within its series or between first- and "
        f"second-generation series (not T2A or A2), so {old_type} -> {offering.instance_type} needs a new VM "
        f"({RESIZE_SOURCE})"
    )


def _pinned_problem(name: str, family: Family | None, needs: SizeNeeds) -> tuple[str, str] | None:
    """A size that cannot take a disk type the VM's existing disks have: a disk's type is ForceNew
    (terraform-provider-google resource_compute_disk.go ``type``; ``boot_disk.initialize_params.type``),
    so the disk would be replaced and its data lost."""
    boot, data = (family.boot, family.data) if family else (PD, PD)
    which = [f"OS disk is {needs.pinned_boot}"] if needs.pinned_boot and needs.pinned_boot not in boot else []
    which += [f"data disks are {t}" for t in sorted(needs.pinned_data) if t not in data]
    if not which:
        return None
    kept = sorted({needs.pinned_boot, *needs.pinned_data} - {None})
    series = sorted(
        s.upper()
        for s, f in FAMILIES.items()
        if all(t in f.data or t in f.boot for t in kept) and s not in ("f1", "g1")
    )
    return (
        "pinned_disks",
        f"{name} takes only {', '.join(sorted(set(boot) | set(data)))} disks, and the VM's {' and '.join(which)}; "
        "a disk's type cannot change in place (the disk would be replaced and its data lost): pick a size of a "
        f"series that takes {'/'.join(kept)} ({', '.join(series)}), or snapshot the disks and restore them on a new VM",
    )


def max_disks(offering) -> int:
    if offering.instance_type in SHARED_CORE_16:
        return 16
    family = family_of(offering.instance_type)
    limit = family.max_disks if family else 128
    if isinstance(limit, int):
        return limit
    return next(maximum for up_to, maximum in limit if offering.vcpus <= up_to)


def size_problem(offering, needs: SizeNeeds) -> tuple[str, str] | None:
    name = offering.instance_type
    pinned = _pinned_problem(name, family_of(name), needs)  # first: "use ssd" would replace such a disk
    if pinned is not None:
        return pinned
    if disk_type(needs.boot_disk, name) is None:
        return "disk_type", f"{name} takes no standard (pd-standard) boot disk; use disk_type='ssd' or another size"
    for kind in needs.data_disk_types:
        if disk_type(kind, name, boot=False) is None:
            return "data_disks.disk_type", f"{name} takes no standard (pd-standard) data disks; use 'ssd'"
    if needs.data_disks + 1 > max_disks(offering):
        return "data_disks", f"{name} takes at most {max_disks(offering) - 1} data disks, not {needs.data_disks}"
    return common_size_problem(offering, needs, "Compute Engine Spot")


def secure_boot(image_path: str) -> bool:
    return not NO_SECURE_BOOT_IMAGES.match(image_path)


def image_runs_cloud_init(image_path: str) -> bool | None:
    """Whether the image has cloud-init (True/False for the public image projects; None: unknown)."""
    match = re.search(r"projects/([^/]+)/global/images/", image_path) or re.match(r"^([^/]+)/", image_path)
    if not match:
        return None
    project = match.group(1)
    if project in CLOUD_INIT_PROJECTS:
        return True
    if project in ("debian-cloud", "rhel-cloud", "windows-cloud", "rocky-linux-cloud", "centos-cloud"):
        return False
    return None


def user_data_key(spec: Any) -> str:
    """The metadata key that runs the user's data on this image: ``user-data`` for cloud-init images,
    ``startup-script`` for the others (the guest agent runs it at every boot), and
    ``windows-startup-script-ps1`` on Windows."""
    from ..images import gcp_image_path

    if spec.is_windows:
        return "windows-startup-script-ps1"
    return "startup-script" if image_runs_cloud_init(gcp_image_path(spec.image.native)) is False else "user-data"


def full_subnetwork_link(subnet_id: str) -> str:
    return subnet_id if subnet_id.startswith(SELF_LINK_PREFIX) else SELF_LINK_PREFIX + subnet_id


def spec_problems(spec: Any) -> list[tuple[str, object, str]]:
    problems = []
    if spec.subnet_id:
        match = SUBNETWORK_PATH.match(spec.subnet_id)
        if match and match.group(2) != spec.region:
            problems.append(
                ("subnet_id", spec.subnet_id, f"a subnetwork of the VM's region {spec.region}, not {match.group(2)}")
            )
    if spec.is_windows and spec.arch != "x86_64":
        problems.append(
            (
                "instance_type",
                spec.instance_type,
                f"Windows Server runs on Compute Engine only on x86 machine types; {spec.instance_type} is "
                f"{spec.arch} (Arm machines run Linux images only)",
            )
        )
    if isinstance(spec.user_data, str) and not spec.is_windows and user_data_key(spec) == "startup-script":
        first = spec.user_data.lstrip().split("\n", 1)[0]
        if not first.startswith("#!"):
            problems.append(
                (
                    "user_data",
                    "[" + first[:30] + "]",
                    f"{spec.image.alias or 'this image'} on GCP has no cloud-init: give a shell script (#!...), which "
                    "the guest agent runs as a startup script at every boot, or use an Ubuntu image",
                )
            )
    return problems


GCE = "https://cloud.google.com/compute/docs"
# A persistent disk's ``type`` is ForceNew (terraform-provider-google resource_compute_disk.go): the disk
# would be replaced and its data lost, so the component refuses the change (spec/disks.py).
DATA_DISK_TYPE_CHANGE = "replace"
# ATTACHED_DISKS: data disks are gcp.compute.Disk resources in the instance's ``attached_disks``. The
# provider sends no autoDelete for them (expandAttachedDisk sets source, mode, device_name and keys only),
# and the API's AttachedDisk.autoDelete defaults to false: "whether the disk will be auto-deleted when the
# instance is deleted" (https://cloud.google.com/compute/docs/reference/rest/v1/instances). A replaced
# instance leaves them; only the boot disk has auto_delete. Changing any field of an attached disk (its
# device_name) detaches and re-attaches it (TF: "changing any field within the disk needs to
# detach+reattach it"), so each disk keeps the device name it was created with. A disk's ``type`` and
# ``zone`` are ForceNew (resource_compute_disk.go): the component keeps both (spec/lock.py).
# ALLOW_STOPPING: without allow_stopping_for_update the provider refuses "Changing the machine_type, ...,
# shielded_instance_config, ... or network_interface.[#d].(network/subnetwork/subnetwork_project) ... on a
# started instance requires stopping it" (TF, the error users meet); with it, it stops and starts the VM.
ALLOW_STOPPING_FOR_UPDATE = True

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

# Instance inputs set at creation only: the boot disk's labels and size. terraform-provider-google makes
# every boot_disk.initialize_params field ForceNew, labels and size too (resource_compute_instance.go;
# hashicorp/terraform-provider-google#4387, #6087, #12124; magic-modules#13502 to make them updatable was
# not merged), so a tag edit or a bigger disk_size_gib would replace the VM and lose its OS disk,
# although labels change live and a disk grows online. The boot disk keeps the labels it was created
# with (the instance's and the data disks' labels follow the tags); its size grows by hand (gcloud
# compute disks resize, then pulumi refresh reads it back), which plan --changes notes.
CREATION_ONLY = ("bootDisk.initializeParams.labels", "bootDisk.initializeParams.size")


# Metadata keys whose change replaces the VM (see LIFECYCLE: user_data). The Windows admin script
# (sysprep-specialize-script-ps1) is not one: it holds no password, only where to read it, and a VM is
# replaced with its password's secret version instead (replace_with), so that taking the password out
# of an earlier version's metadata updates it in place.
REPLACE_ON_METADATA = ("user-data", "startup-script", "windows-startup-script-ps1")

# The Windows admin password is a Secret Manager secret (automatic replication, billed as one location:
# https://cloud.google.com/secret-manager/docs/choosing-replication) whose only reader is the VM's own
# service account (roles/secretmanager.secretAccessor on that secret), read at first boot with the
# metadata server's token. Secret IDs take [a-zA-Z0-9_-], 1-255 characters; service account IDs
# 6-30 characters of [a-z0-9-], starting with a letter and not ending with '-'
# (https://cloud.google.com/iam/docs/service-accounts-create#creating).
SECRET_ACCESSOR_ROLE = "roles/secretmanager.secretAccessor"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def _stack_digest(spec: Any) -> str:
    return hashlib.sha256(f"{spec.stack or 'project/stack'}/{spec.name}".encode()).hexdigest()[:8]


def admin_password_secret_id(spec: Any) -> str:
    """The secret holding a Windows VM's admin password: unique per stack and VM within the project."""
    return f"{spec.name}-admin-password-{_stack_digest(spec)}"


def admin_service_account_id(spec: Any) -> str:
    """The VM's own service account: the VM name's first 21 characters and a digest of stack and VM."""
    return f"{spec.name[:21].rstrip('-')}-{_stack_digest(spec)}"


# Project IDs: "6 to 30 lowercase letters, digits, or hyphens. It must start with a letter, and cannot
# have a trailing hyphen" (Google Cloud, "Creating and managing projects", Project ID requirements,
# https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin; the
# Resource Manager API's Project.projectId says the same). Older projects of a Google Workspace domain
# keep a domain-scoped ID, ``example.com:my-project``, which the APIs still take ("domain-scoped
# projects", https://cloud.google.com/artifact-registry/docs/docker/names#domain).
PROJECT_ID = re.compile(r"^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$")
PROJECT_ID_RULE = (
    "a GCP project ID: 6-30 lowercase letters, digits or hyphens, starting with a letter and not ending "
    "with a hyphen (e.g. my-project-123; the ID, not the display name or number)"
)


def project_id_problem(value: object) -> str | None:
    """Why a value is not a project ID Compute Engine accepts, or None."""
    if isinstance(value, str) and PROJECT_ID.match(value):
        return None
    return "expected " + PROJECT_ID_RULE


# --- Billing, as components/pricing.py prices a VM -------------------------------------------------
# Persistent Disk and Hyperdisk capacity is billed per GiB-month of provisioned size, with no size tiers
# (https://cloud.google.com/compute/disks-image-pricing): the part ``disk:<type>`` times the size.
DISK_TIERS: dict[str, tuple[tuple[str, int], ...]] = {}
# A Windows VM's admin password is a Secret Manager secret: "$0.06 per version per location" for active
# secret versions; automatic replication is billed as one location
# (https://cloud.google.com/secret-manager/pricing,
# https://cloud.google.com/secret-manager/docs/choosing-replication); access operations ($0.03 per
# 10,000) are one read at first boot. The first 6 active versions of a billing account are free,
# shared with everything else in it, which a VM cannot see: each VM's version is counted at list price.
ADMIN_PASSWORD_STORE: tuple[float, str] | None = (
    0.06,
    "Secret Manager: 1 active secret version at $0.06/month (6 free per billing account, not deducted)",
)
# The Cloud Billing Catalog API has GCP's spot prices.
SPOT_PRICES_COMMAND = "catalog refresh gcp"

# Machine type names are lowercase resource names, matched as written (machineTypes/<name>).
SIZE_NAMES_CASE_SENSITIVE = True


def password_endpoint(spec: Any) -> bool:
    """GCP VMs read their admin password from Secret Manager's public endpoint: no endpoint of their own."""
    return False


# --- How the tools name and draw the cloud -----------------------------------------------------------
TITLE = "GCP"
COLOUR = "#34a853"  # Google Cloud's green, for compare --chart
