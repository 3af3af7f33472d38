"""Image aliases: what ``ubuntu-24.04`` and friends are on each cloud and architecture.

Pure data and lookups; the AWS adapter turns an AWS entry into an ``aws.ec2.get_ami`` invoke.

Azure SKUs per generation (Marketplace, ``az vm image list``; Microsoft Learn "Generation 2 VMs"):
Ubuntu 24.04 ``server`` is Gen2 and ``server-gen1`` Gen1; Ubuntu 22.04 ``22_04-lts-gen2`` / ``22_04-lts``;
Debian ``12-gen2`` / ``12``; RHEL ``9-lvm-gen2`` / ``9-lvm``; Windows ``2022-datacenter-g2`` /
``2022-datacenter``; every Arm64 image is Gen2. ``RedHat:rhel-arm64`` publishes ``9_5-arm64`` and later
(there is no ``9_4-arm64`` SKU).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ARCHES = ("x86_64", "arm64")


@dataclass(frozen=True)
class AwsImage:
    owner: str
    name_pattern: str
    login_user: str

    def describe(self) -> str:
        """The image as ``plan`` shows it: the AMI the adapter looks up."""
        return f"newest AMI of owner {self.owner} named {self.name_pattern}"


@dataclass(frozen=True)
class AzureImage:
    publisher: str
    offer: str
    sku: str
    version: str = "latest"
    generation: str = "V2"
    """Hyper-V generation: V2 images boot only on sizes that support Gen2, V1 images on Gen1."""

    @property
    def urn(self) -> str:
        return f"{self.publisher}:{self.offer}:{self.sku}:{self.version}"

    def describe(self) -> str:
        return self.urn


@dataclass(frozen=True)
class GcpImage:
    project: str
    family: str

    @property
    def path(self) -> str:
        return f"projects/{self.project}/global/images/family/{self.family}"

    def describe(self) -> str:
        return self.path


@dataclass(frozen=True)
class ImageAlias:
    name: str
    os_type: str  # "linux" or "windows"
    # Smallest OS disk each cloud's image accepts, in GiB (Azure RHEL ships a 64 GiB disk, Windows 127).
    min_disk_gib: dict[str, int]
    aws: dict[str, AwsImage]
    azure: dict[str, AzureImage]
    gcp: dict[str, GcpImage]
    azure_gen1: dict[str, AzureImage] = field(default_factory=dict)
    """The same image as a Generation 1 SKU, for sizes that boot only Gen1 (Av2, Dv2, F, ...)."""

    def for_cloud(self, cloud: str) -> dict:
        """The alias's builds on a cloud, by arch (a field per cloud, named after it)."""
        return getattr(self, cloud)


CANONICAL, DEBIAN, REDHAT, AMAZON = "099720109477", "136693071363", "309956199498", "801119661308"

IMAGE_ALIASES: dict[str, ImageAlias] = {
    "ubuntu-24.04": ImageAlias(
        "ubuntu-24.04",
        "linux",
        {"aws": 8, "azure": 30, "gcp": 10},
        aws={
            arch: AwsImage(CANONICAL, f"ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-{deb}-server-*", "ubuntu")
            for arch, deb in (("x86_64", "amd64"), ("arm64", "arm64"))
        },
        azure={
            "x86_64": AzureImage("Canonical", "ubuntu-24_04-lts", "server"),
            "arm64": AzureImage("Canonical", "ubuntu-24_04-lts", "server-arm64"),
        },
        azure_gen1={"x86_64": AzureImage("Canonical", "ubuntu-24_04-lts", "server-gen1", generation="V1")},
        gcp={
            "x86_64": GcpImage("ubuntu-os-cloud", "ubuntu-2404-lts-amd64"),
            "arm64": GcpImage("ubuntu-os-cloud", "ubuntu-2404-lts-arm64"),
        },
    ),
    "ubuntu-22.04": ImageAlias(
        "ubuntu-22.04",
        "linux",
        {"aws": 8, "azure": 30, "gcp": 10},
        aws={
            arch: AwsImage(CANONICAL, f"ubuntu/images/hvm-ssd*/ubuntu-jammy-22.04-{deb}-server-*", "ubuntu")
            for arch, deb in (("x86_64", "amd64"), ("arm64", "arm64"))
        },
        azure={
            "x86_64": AzureImage("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2"),
            "arm64": AzureImage("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-arm64"),
        },
        azure_gen1={"x86_64": AzureImage("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts", generation="V1")},
        gcp={
            "x86_64": GcpImage("ubuntu-os-cloud", "ubuntu-2204-lts"),
            "arm64": GcpImage("ubuntu-os-cloud", "ubuntu-2204-lts-arm64"),
        },
    ),
    "debian-12": ImageAlias(
        "debian-12",
        "linux",
        {"aws": 8, "azure": 30, "gcp": 10},
        aws={
            arch: AwsImage(DEBIAN, f"debian-12-{deb}-*", "admin")
            for arch, deb in (("x86_64", "amd64"), ("arm64", "arm64"))
        },
        azure={
            "x86_64": AzureImage("Debian", "debian-12", "12-gen2"),
            "arm64": AzureImage("Debian", "debian-12", "12-arm64"),
        },
        azure_gen1={"x86_64": AzureImage("Debian", "debian-12", "12", generation="V1")},
        gcp={
            "x86_64": GcpImage("debian-cloud", "debian-12"),
            "arm64": GcpImage("debian-cloud", "debian-12-arm64"),
        },
    ),
    "rhel-9": ImageAlias(
        "rhel-9",
        "linux",
        {"aws": 10, "azure": 64, "gcp": 20},
        # "Hourly2": Red Hat's pay-as-you-go images, not the Cloud Access (bring-your-own-subscription)
        # "Access2" images that enrolled accounts see under the same owner.
        aws={arch: AwsImage(REDHAT, f"RHEL-9.*_HVM-*-{arch}-*-Hourly2-*", "ec2-user") for arch in ("x86_64", "arm64")},
        azure={
            "x86_64": AzureImage("RedHat", "RHEL", "9-lvm-gen2"),
            "arm64": AzureImage("RedHat", "rhel-arm64", "9_5-arm64"),
        },
        azure_gen1={"x86_64": AzureImage("RedHat", "RHEL", "9-lvm", generation="V1")},
        gcp={
            "x86_64": GcpImage("rhel-cloud", "rhel-9"),
            "arm64": GcpImage("rhel-cloud", "rhel-9-arm64"),
        },
    ),
    "windows-2022": ImageAlias(
        "windows-2022",
        "windows",
        {"aws": 30, "azure": 127, "gcp": 50},
        aws={"x86_64": AwsImage(AMAZON, "Windows_Server-2022-English-Full-Base-*", "Administrator")},
        azure={"x86_64": AzureImage("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-g2")},
        azure_gen1={
            "x86_64": AzureImage("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter", generation="V1")
        },
        gcp={"x86_64": GcpImage("windows-cloud", "windows-2022")},
    ),
}

DEFAULT_IMAGE = "ubuntu-24.04"

# Public GCP image projects whose images all support Shielded VM.
GCP_SHIELDED_PROJECTS = frozenset(
    {
        "ubuntu-os-cloud",
        "debian-cloud",
        "rhel-cloud",
        "windows-cloud",
        "cos-cloud",
        "rocky-linux-cloud",
        "centos-cloud",
        "suse-cloud",
        "ubuntu-os-pro-cloud",
    }
)


def gcp_image_project(image: str) -> str | None:
    match = re.search(r"projects/([^/]+)/global/images/", image)
    if match:
        return match.group(1)
    if "/" in image:
        return image.split("/", 1)[0]
    return None


def gcp_image_path(native: GcpImage | str) -> str:
    """The image reference sent to GCP: an alias entry's family path, or the native path as given."""
    return native.path if isinstance(native, GcpImage) else native
