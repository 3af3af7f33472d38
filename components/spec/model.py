"""The spec's vocabulary: the keys a VM takes, the checked ``VmSpec`` they become, and the
``Checker`` every field check reports through (a ``SpecError`` naming VM, field, value and what is valid)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..catalog import Offering
from ..cloud_rules import CLOUDS, rules
from ..errors import SpecError
from ..images import (
    AwsImage,
    AzureImage,
    GcpImage,
)

if TYPE_CHECKING:
    from .lock import LockUse
    from .network import NetworkSpec


OS_TYPES = ("linux", "windows")


KNOWN_KEYS = frozenset(
    [
        "cloud",
        "region",
        "zone",
        "cpus",
        "memory_gib",
        "arch",
        "burstable",
        "instance_type",
        "image",
        "os_type",
        "replace_on_image_change",
        "disk_size_gib",
        "disk_type",
        "data_disks",
        "admin_username",
        "ssh_public_key",
        "admin_password",
        "user_data",
        "ingress",
        "public_ip",
        "spot",
        "subnet_id",
        "tags",
        "resource_group_name",
        "project",
        "network",
    ]
)


# Per cloud, read from its rules (``cloud_rules/<cloud>.py``): the keys only that cloud takes, and the
# rule for a VM's or network's name.
CLOUD_ONLY_KEYS = {key: cloud for cloud in CLOUDS for key in rules(cloud).OWN_KEYS}
NAME_RULES = {cloud: rules(cloud).NAME_RULE for cloud in CLOUDS}


@dataclass(frozen=True)
class CloudDefaults:
    """What the provider configuration supplies when a spec leaves it out."""

    region: str | None = None
    zone: str | None = None
    project: str | None = None
    environment_project: str | None = None
    """The project the GCP provider takes from its environment (GOOGLE_PROJECT, ...) when
    ``gcp:project`` is unset; a VM then leaves ``project`` to the provider, as before."""
    stack: str | None = None
    """``<project>/<stack>`` of the Pulumi deployment: names that must be unique per stack (the AWS
    admin-password parameter, the GCP secret and service account) include it."""


@dataclass(frozen=True)
class IngressRule:
    protocol: str
    from_port: int | None  # None for icmp
    to_port: int | None
    sources: tuple[str, ...]
    description: str = ""

    @property
    def port_range(self) -> str:
        if self.from_port is None:
            return "*"
        return str(self.from_port) if self.from_port == self.to_port else f"{self.from_port}-{self.to_port}"


@dataclass(frozen=True)
class DataDisk:
    """A data disk: a resource of its own, attached to the VM and never an input of it the other way.

    Its identity is its ``name`` (``<vm>-data-<name>``), or without one its position (``<vm>-data-0``,
    as before names existed). ``slot`` (AWS ``/dev/sd[f+slot]``, Azure LUN) and ``origin`` (what the
    Azure disk name and GCP device name derive from) stay with the disk whatever else is added,
    removed or reordered; ``sent_type`` is the cloud's disk type, kept from the stack's lock."""

    size_gib: int
    disk_type: str
    name: str | None = None
    index: int = 0
    lun: int | None = None
    """The slot the user pinned, if any."""
    renamed_from: str | None = None
    """The disk's previous key (name, or index before it had a name): its old resources are aliased."""
    protect: bool = False
    retain_on_delete: bool = False
    slot: int = 0
    origin: str = ""
    sent_type: str = ""
    cloud_name: str | None = None
    """Its name in the cloud where the component sends one (Azure): the name it was created with, for
    its life (``disks.cloud_name``); None where the cloud names it otherwise."""

    @property
    def key(self) -> str:
        """The disk's identity within its VM: its name, or its index as a string."""
        return self.name or str(self.index)

    def resource_name(self, vm: str, key: str | None = None) -> str:
        return f"{vm}-data-{self.key if key is None else key}"

    @property
    def device_name(self) -> str:
        """GCP's device name (``/dev/disk/by-id/google-<device>``): ``data-<index>`` for a disk created
        without a name, else the name it was created with."""
        return f"data-{self.origin}" if self.origin.isdigit() else self.origin


@dataclass(frozen=True)
class ImageChoice:
    """The image a VM boots: an alias entry for its cloud and arch, or a native id."""

    alias: str | None
    native: AwsImage | AzureImage | GcpImage | str
    os_type: str
    login_user: str | None
    shielded_vm: bool
    secure_boot: bool = True
    """Shielded VM with Secure Boot; False where the image's boot chain is not signed (GCP rhel-9 arm64)."""

    @property
    def is_alias(self) -> bool:
        return self.alias is not None


@dataclass(frozen=True)
class VmSpec:
    name: str
    cloud: str
    region: str
    zone: str | None
    project: str | None
    offering: Offering
    arch: str
    image: ImageChoice
    replace_on_image_change: bool
    disk_size_gib: int
    disk_type: str
    data_disks: tuple[DataDisk, ...]
    admin_username: str
    ssh_public_key: str | None
    admin_password: Any
    user_data: Any
    ingress: tuple[IngressRule, ...]
    public_ip: bool
    spot: bool
    subnet_id: str | None
    tags: dict[str, str] = field(default_factory=dict)
    resource_group_name: str | None = None
    network: NetworkSpec | None = None
    """The shared network the VM joins; None for its own network (or ``subnet_id``)."""
    stack: str | None = None
    """``<project>/<stack>`` of the deployment (``CloudDefaults.stack``); None outside one."""
    os_disk_sent: str = ""
    """The OS disk's type as sent (``gp3``, ``Premium_LRS``, ``pd-balanced``, ...), kept from the lock."""
    image_generation: str | None = None
    """Azure: the Hyper-V generation of the image sent (V1 or V2), kept from the lock."""
    lock: LockUse | None = None
    """How the spec used the stack's lock (``components/spec/lock.py``)."""

    @property
    def instance_type(self) -> str:
        return self.offering.instance_type

    @property
    def is_windows(self) -> bool:
        return self.image.os_type == "windows"


def is_plain(value: Any) -> bool:
    """False for Pulumi Outputs and other deferred values, which cannot be checked here."""
    return isinstance(value, (str, int, float, bool, list, dict, tuple)) or value is None


class Checker:
    """Reads one spec's args and reports a bad field as a ``SpecError`` naming the VM (or Network)."""

    def __init__(self, vm: str, args: Mapping[str, Any], kind: str = "VM"):
        self.vm = vm
        self.args = args
        self.kind = kind

    def fail(self, field_name: str, value: object, expected: str) -> SpecError:
        return SpecError(self.vm, field_name, value, expected, kind=self.kind)

    def choice(self, key: str, valid: tuple[str, ...], default: str | None = None) -> str:
        value = self.args.get(key, default)
        if value not in valid:
            raise self.fail(key, value, "expected one of " + ", ".join(valid))
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.args.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, value, "expected true or false")
        return value

    def integer(self, key: str, value: object, low: int, high: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise self.fail(key, value, f"expected a whole number >= {low}")
        if value < low or (high is not None and value > high):
            upper = f" and <= {high}" if high is not None else ""
            raise self.fail(key, value, f"expected a whole number >= {low}{upper}")
        return value

    def optional_str(self, key: str) -> str | None:
        value = self.args.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise self.fail(key, value, "expected a non-empty string")
        return value
