"""What Compute Engine accepts, and what a change of a GCP VM does. Each fact names its source.

Disk types and counts per machine series: ``gcp_disks.py``. Spot: every series here has Spot SKUs (Cloud Billing; A4 by its preemptible price).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ..images import GCP_SHIELDED_PROJECTS, gcp_image_path, gcp_image_project
from . import SizeNeeds, ZoneError, common_size_problem, listed
from .gcp_disks import FAMILIES, PD, Family, disk_type, family_of, max_disks, sent_disk_type
from .gcp_firewall import firewall_problems
from .gcp_lifecycle import LIFECYCLE as LIFECYCLE  # what the cloud does with each edit of a running VM
from .gcp_lifecycle import LIFECYCLE_SAMPLE as LIFECYCLE_SAMPLE
from .gcp_lifecycle import VM_TYPE as VM_TYPE
from .gcp_ranges import REGION_RANGES
from .gcp_regions import region_restriction as region_restriction  # regions: who may use them, US
from .gcp_regions import us_region as us_region
from .gcp_windows import (  # the Windows admin password's secret and the VM's own service account
    CLOUD_PLATFORM_SCOPE as CLOUD_PLATFORM_SCOPE,
)
from .gcp_windows import (
    SECRET_ACCESSOR_ROLE as SECRET_ACCESSOR_ROLE,
)
from .gcp_windows import (
    admin_password_secret_id as admin_password_secret_id,
)
from .gcp_windows import (
    admin_service_account_id as admin_service_account_id,
)

# GPUs GCP lets you attach to N1 machines, and per GPU count the largest N1 shape allowed
# (vCPUs, GiB), from https://cloud.google.com/compute/docs/gpus#gpus-list.
N1_GPU_LIMITS: dict[str, dict[int, tuple[int, float]]] = {
    "T4": {1: (48, 312), 2: (48, 312), 4: (96, 624)},
    "P4": {1: (24, 156), 2: (48, 312), 4: (96, 624)},
    "V100": {1: (12, 78), 2: (24, 156), 4: (48, 312), 8: (96, 624)},
    "P100": {1: (16, 104), 2: (32, 208), 4: (64, 208)},
    "K80": {1: (8, 52), 2: (16, 104), 4: (32, 208), 8: (64, 416)},
}


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
    problems.extend(firewall_problems(spec))
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


# --- What the cloud-agnostic layers ask of GCP (the names of surface.CloudRules) -------------------

TITLE = "GCP"
PULUMI_PACKAGES = ("gcp",)
# pulumi-gcp's config keys (https://www.pulumi.com/registry/packages/gcp/installation-configuration/),
# and without ``gcp:project`` the provider's own fallback, in its order (pulumi_gcp/config/vars.py).
PROVIDER_CONFIG = {"region": "gcp:region", "zone": "gcp:zone", "project": "gcp:project"}
PROJECT_ENVIRONMENT = ("GOOGLE_PROJECT", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT")
OWN_KEYS = {"project": project_id_problem}

# Resource names are RFC 1035, at most 63 characters (https://cloud.google.com/compute/docs/naming-resources);
# children such as "<name>-fw-15-v6" get Pulumi's 8-character random suffix on top ("-" and 7), so a
# VM's own name may use 46 of them and a data disk's resources (<vm>-data-<name>) 55.
AUTONAME_SUFFIX = 8
NAME_RULE = (
    re.compile(r"^[a-z](?:[-a-z0-9]{0,44}[a-z0-9])?$"),
    "lowercase RFC 1035: a lowercase letter, then lowercase letters, digits or '-', not ending "
    "in '-', at most 46 characters (GCP allows 63; child resources append up to 17)",
)
MAX_DISK_RESOURCE_NAME = 63 - AUTONAME_SUFFIX
# A disk's name (ForceNew) is Pulumi's autoname, which the bridge keeps from the resource's state ("If we
# already have a default value from a previous version of this resource, use that instead",
# pulumi-terraform-bridge pkg/tfbridge/schema.go), so a VM renamed with an alias keeps it.
SENDS_DISK_NAME = False

# ssh-keygen -t rsa, ecdsa or ed25519 (https://cloud.google.com/compute/docs/connect/create-ssh-keys).
SSH_KEY_TYPES = ("ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521")
RESERVED_USERNAMES: frozenset[str] = frozenset()
ADMIN_IS_IMAGE_LOGIN_USER = False
LINUX_NEEDS_SSH_KEY = False
MAX_WINDOWS_COMPUTER_NAME = None
SUBNET_ID = (
    re.compile(
        r"^(?:https://www\.googleapis\.com/compute/v1/)?projects/[^/]+/regions/[^/]+/subnetworks/[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$"
    ),
    "projects/PROJECT/regions/REGION/subnetworks/NAME",
)
# A native image: projects/PROJECT/global/images/[family/]NAME (or its full URL) or PROJECT/NAME
# (https://cloud.google.com/compute/docs/images/image-families-best-practices). A bare image name is not
# accepted: "ubuntu" is far likelier a mistyped alias than an image of the VM's own project (write
# projects/MY-PROJECT/global/images/NAME for that).
NATIVE_IMAGE = (
    re.compile(
        r"^(?:(?:https://www\.googleapis\.com/compute/v1/)?projects/[a-z][-a-z0-9.:]*[a-z0-9]/global/images/"
        r"(?:family/)?[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?"
        r"|[a-z][-a-z0-9]*[a-z0-9]/[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)$"
    ),
    "an image path projects/PROJECT/global/images/[family/]NAME or PROJECT/NAME",
)
ADMIN_ACCESS_ADVICE = (
    "set the source ranges to a trusted CIDR, or allow only IAP (35.235.240.0/20) and connect with IAP TCP forwarding"
)

IMAGE_GENERATIONS = False
IMAGE_NAMES_CASE_SENSITIVE = True
# Persistent Disk and Hyperdisk Balanced volumes hold up to 64 TiB
# (https://cloud.google.com/compute/docs/disks/persistent-disks#disk-size-limits).
MAX_OS_DISK_GIB = 65536
MAX_DATA_DISK_GIB = 65536
STANDARD_DISK_LIMIT = None
# Persistent Disk volumes (standard, balanced, SSD) hold 10 GiB to 64 TiB ("Disk size cannot be smaller
# than 10 GB"; https://cloud.google.com/compute/docs/disks/persistent-disks), Hyperdisk Balanced 4 GiB to
# 64 TiB (https://cloud.google.com/compute/docs/disks/hd-types/hyperdisk-balanced, "Size and performance
# limits"). Every GCP image alias needs a boot disk of 10 GiB or more, so only data disks meet these.
MIN_DISK_GIB = {"pd-standard": 10, "pd-balanced": 10, "pd-ssd": 10, "hyperdisk-balanced": 4}
MAX_USER_DATA_BYTES = MAX_METADATA_VALUE_BYTES

TAG_NOUN = "labels"
MAX_TAGS = MAX_LABELS
COMPONENT_TAGS: tuple[str, ...] = ()
TAG_KEYS_CASE_SENSITIVE = True

AUTO_EXCLUDED = None
# Shared-core machine types (https://cloud.google.com/compute/docs/general-purpose-machines#sharedcore).
BURSTABLE = re.compile(r"^(e2-(micro|small|medium)|f1-|g1-)")
LICENCE_NOT_PER_VCPU = None  # every size's Windows licence is its vCPUs times the per-vCPU rate
ZONAL_SUBNETS = False
REGIONAL_WITHOUT_ZONE = False
# A C4A type is seeded by region (its zones are not in the sources): placed in gcp:zone, else the first zone.
PLACED_WITHOUT_ZONE_DATA = True
NETWORK_CIDR_REFUSED = "GCP networks use Google's auto-mode range of each region (10.128.0.0/9)"

ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")
REGION = re.compile(r"^[a-z]+-[a-z]+\d+$")


def auto_selection_problem(offering) -> str | None:
    return None


def image_generation_of(image: Any) -> str | None:
    return None


def image_secure_boot(image: Any) -> bool:
    return secure_boot(gcp_image_path(image))


def native_image_shielded(image: str) -> bool:
    """Images of Google's public image projects run as shielded VMs."""
    return gcp_image_project(image) in GCP_SHIELDED_PROJECTS


def tag_problem(key: str, value: str) -> str | None:
    return None


_NOT_IN_LABELS = re.compile(r"[^a-z0-9_-]")


@functools.lru_cache(maxsize=4096)  # every VM's tags become labels twice (checked, then sent); stacks repeat them
def label(text: str) -> str:
    """A string made valid for GCP labels: lowercase letters, digits, '_' and '-', at most 63
    (https://cloud.google.com/compute/docs/labeling-resources#requirements)."""
    return _NOT_IN_LABELS.sub("_", text.lower())[:63]


def sent_tags(tags) -> dict[str, str]:
    return {label(k): label(v) for k, v in tags.items()}


def tag_set_problem(tags) -> tuple[str, object, str] | None:
    """Keys that become the same label key; label keys must start with a letter."""
    labels = sent_tags(tags)
    if len(labels) != len(tags):
        colliding = [k for k in tags if sum(label(other) == label(k) for other in tags) > 1]
        return "tags", dict(tags), "these keys become the same GCP label key: " + ", ".join(colliding)
    for original, key in zip(tags, labels):
        if not re.match(r"^[a-z]", key):
            return f"tags.{original}", tags[original], "GCP label keys must start with a letter"
    return None


def requested_zone(region: str, zone: object, catalog) -> str | None:
    """A zone of the region (``us-central1-b``)."""
    zones = catalog.zones(region)
    valid = f"a zone of {region}: {listed(zones)}" if zones else f"a zone of {region} such as {region}-b"
    if not isinstance(zone, str) or not (zone in zones if zones else zone.startswith(region + "-")):
        raise ZoneError(f"expected {valid}")
    return zone


def account_zone(zone: str) -> bool:
    return False


def region_of_default_zone(zone: str) -> str | None:
    """``us-central1`` of ``gcp:zone: us-central1-b``."""
    return zone.rsplit("-", 1)[0]


def data_disk_scope(spec: Any) -> tuple[str, str] | None:
    """The project a VM's data disks are in: a google_compute_disk's ``project`` is ForceNew (part of
    its id; cloud_rules/gcp_resources.py, resource_compute_disk.go), so another project would replace
    every data disk."""
    return ("project", f"project {spec.project}") if spec.project else None


def network_key(region: str, project: str | None, resource_group_name: str | None) -> tuple:
    """One network per project: a VPC network is global, with a subnetwork per region."""
    return ("gcp", project)


def network_region_problem(region: str) -> str | None:
    return None if region in REGION_RANGES else "no auto-mode subnet range is known for this GCP region"


def subnet_cidr(region: str) -> str:
    return REGION_RANGES[region]


def size_family(instance_type: str) -> str:
    """The series (``a2`` of ``a2-highgpu-1g``)."""
    return series_of(instance_type)


def constrained_vcpus(name: str, listed: float) -> tuple[int, float] | None:
    return None


def _last_segment(value: Any) -> Any:
    return value.rstrip("/").rsplit("/", 1)[-1] if isinstance(value, str) else value


def region_of_zone(zone: Any) -> str | None:
    """us-central1-a -> us-central1 (also for zones given as URLs or zones/... paths)."""
    match = ZONE.match(zone.rsplit("/", 1)[-1]) if isinstance(zone, str) else None
    return match.group(1) if match else None


def region_name(region: Any) -> str | None:
    name = _last_segment(region)
    return name if isinstance(name, str) and REGION.match(name) else None


def resource_region(props: dict, provider: dict) -> list:
    return [
        region_of_zone(props.get("zone")),
        region_name(props.get("region")),
        region_of_zone(provider.get("zone")),
        provider.get("region"),
    ]


def resource_zone(props: dict) -> Any:
    return props.get("zone")


def account_zone_problem(offering, catalog, name: str, network: str | None) -> str | None:
    return None


def region_named(text: object) -> str | None:
    """Region names compare as they are written."""
    return text if isinstance(text, str) and text else None


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


COLOUR = "#34a853"  # Google Cloud's green, for compare --chart
