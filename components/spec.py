"""Validation: a ``VirtualMachineArgs`` mapping becomes a complete, checked ``VmSpec``.

Pure Python (no Pulumi): every input a cloud would reject, and every inconsistent one, raises
``SpecError`` here, before any resource is registered. Values that are Pulumi Outputs (a secret
password or user data from config) are passed through unchecked.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import catalog, cloud_rules
from .catalog import Offering
from .cloud_rules import SizeNeeds
from .cloud_rules.gcp import secure_boot as gcp_secure_boot
from .errors import SpecError
from .images import (
    ARCHES,
    DEFAULT_IMAGE,
    GCP_SHIELDED_PROJECTS,
    IMAGE_ALIASES,
    NATIVE_IMAGE_FORMS,
    AwsImage,
    AzureImage,
    GcpImage,
    gcp_image_path,
    gcp_image_project,
)
from .network_spec import NetworkSpec
from .placement import ZoneError, place, requested_zone, search_zones

CLOUDS = ("aws", "azure", "gcp")
PROTOCOLS = ("tcp", "udp", "icmp")
DISK_TYPES = ("ssd", "standard")
OS_TYPES = ("linux", "windows")

DEFAULT_CPUS = 2
DEFAULT_MEMORY_GIB = 4
DEFAULT_DISK_GIB = 30
DEFAULT_ADMIN_USERNAME = "vmadmin"
MAX_DATA_DISKS = 16

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
CLOUD_ONLY_KEYS = {"resource_group_name": "azure", "project": "gcp"}

MAX_OS_DISK_GIB = {"aws": 16384, "azure": 4095, "gcp": 65536}
MAX_DATA_DISK_GIB = {"aws": 16384, "azure": 32767, "gcp": 65536}
MAX_AWS_MAGNETIC_GIB = 1024  # EBS "standard" (magnetic) volumes stop at 1 TiB


# Raw user data each cloud accepts (cloud_rules has the sources): EC2 16 KB; Azure customData 65,535
# bytes once decoded; GCP metadata values 256 KB.
MAX_USER_DATA_BYTES = {"aws": 16384, "azure": 65535, "gcp": 262144}
SSH_KEY_TYPES = {
    "aws": ("ssh-rsa", "ssh-ed25519"),
    "azure": ("ssh-rsa", "ssh-ed25519"),
    "gcp": ("ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"),
}
AZURE_RESERVED_USERNAMES = frozenset(
    [
        "administrator",
        "admin",
        "user",
        "user1",
        "test",
        "user2",
        "test1",
        "user3",
        "admin1",
        "1",
        "123",
        "a",
        "actuser",
        "adm",
        "admin2",
        "aspnet",
        "backup",
        "console",
        "david",
        "guest",
        "john",
        "owner",
        "root",
        "server",
        "sql",
        "support",
        "support_388945a0",
        "sys",
        "test2",
        "test3",
        "user4",
        "user5",
    ]
)
# Families the cheapest-offering search never picks on its own (a user can still name them):
# AWS Mac and high-memory types need dedicated hosts.
AUTO_EXCLUDED = {"aws": re.compile(r"^(mac\d|mac-|u-|u7)")}

NAME_RULES = {
    "aws": (re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"), "letters, digits, '-', '_' or '.', 1-128 characters"),
    "azure": (
        re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$"),
        "letters, digits and '-', starting and ending with a letter or digit, at most 64 characters",
    ),
    # 63 is GCP's limit; children such as "<name>-fw-15-v6" get Pulumi's 8-character random suffix
    # on top, so the VM's own name may use 46 of them.
    "gcp": (
        re.compile(r"^[a-z](?:[-a-z0-9]{0,44}[a-z0-9])?$"),
        "lowercase RFC 1035: a lowercase letter, then lowercase letters, digits or '-', not ending "
        "in '-', at most 46 characters (GCP allows 63; child resources append up to 17)",
    ),
}


@dataclass(frozen=True)
class CloudDefaults:
    """What the provider configuration supplies when a spec leaves it out."""

    region: str | None = None
    zone: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class IngressRule:
    protocol: str
    from_port: int | None  # None for icmp
    to_port: int | None
    sources: tuple[str, ...]
    description: str = ""

    @property
    def ipv4_sources(self) -> tuple[str, ...]:
        return tuple(s for s in self.sources if ":" not in s)

    @property
    def ipv6_sources(self) -> tuple[str, ...]:
        return tuple(s for s in self.sources if ":" in s)

    @property
    def port_range(self) -> str:
        if self.from_port is None:
            return "*"
        return str(self.from_port) if self.from_port == self.to_port else f"{self.from_port}-{self.to_port}"


@dataclass(frozen=True)
class DataDisk:
    size_gib: int
    disk_type: str


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

    @property
    def instance_type(self) -> str:
        return self.offering.instance_type

    @property
    def is_windows(self) -> bool:
        return self.image.os_type == "windows"

    @property
    def hourly_price(self) -> float | None:
        """Catalog list price (spot price for spot VMs); None when unknown. Catalog prices are Linux
        prices, so a Windows VM's price (which includes a licence) is unknown."""
        if self.is_windows:
            return None
        return self.offering.hourly_price(self.spot)


def _is_plain(value: Any) -> bool:
    """False for Pulumi Outputs and other deferred values, which cannot be checked here."""
    return isinstance(value, (str, int, float, bool, list, dict, tuple)) or value is None


class _Checker:
    def __init__(self, vm: str, args: Mapping[str, Any]):
        self.vm = vm
        self.args = args

    def fail(self, field_name: str, value: object, expected: str) -> SpecError:
        return SpecError(self.vm, field_name, value, expected)

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


def validate(name: Any, args: Mapping[str, Any], defaults: CloudDefaults | None = None) -> VmSpec:
    """Checks a spec completely and resolves everything the clouds need; raises SpecError."""
    defaults = defaults or CloudDefaults()
    if not isinstance(name, str) or not name:
        raise SpecError(str(name), "name", name, "expected a non-empty string")
    check = _Checker(name, args)
    if not isinstance(args, Mapping):
        raise check.fail("args", args, "expected a mapping of VirtualMachineArgs keys")
    unknown = sorted(set(args) - KNOWN_KEYS)
    if unknown:
        raise check.fail(unknown[0], args[unknown[0]], "unknown key; valid keys: " + ", ".join(sorted(KNOWN_KEYS)))

    cloud = check.choice("cloud", CLOUDS)
    for key, only_cloud in CLOUD_ONLY_KEYS.items():
        if args.get(key) is not None and cloud != only_cloud:
            raise check.fail(key, args[key], f"only applies to cloud {only_cloud!r}, not {cloud!r}")
    _check_name(check, cloud)

    region = _region(check, cloud, defaults)
    project = check.optional_str("project") or (defaults.project if cloud == "gcp" else None)
    network = _network(check, cloud, region, project)
    requested = _requested_zone(check, cloud, region)
    network_zones = network.zones_of(region) if network is not None and cloud == "aws" else None
    spot = check.boolean("spot", False)
    disk_type = check.choice("disk_type", DISK_TYPES, "ssd")
    data_disks = _data_disks(check, cloud)
    needs = SizeNeeds(spot, disk_type, frozenset(d.disk_type for d in data_disks), len(data_disks))
    offering, arch = _resolve_size(check, cloud, region, needs, search_zones(cloud, requested, network_zones))
    zone = _place(check, offering, requested, network, network_zones, defaults)
    image = _image(check, offering)
    disk_size = _disk_size(check, cloud, image, disk_type)

    ssh_key = _ssh_key(check, cloud)
    admin_username = _admin_username(check, cloud, image)
    admin_password = _admin_password(check, image)
    if cloud == "azure" and not image.os_type == "windows" and ssh_key is None:
        raise check.fail(
            "ssh_public_key", None, "Linux VMs on Azure need an SSH public key (password logins are disabled)"
        )
    if cloud == "azure" and image.os_type == "windows" and len(name) > 15:
        raise check.fail("name", name, "Azure Windows computer names are at most 15 characters")

    spec = VmSpec(
        name=name,
        cloud=cloud,
        region=region,
        zone=zone,
        project=project,
        offering=offering,
        arch=arch,
        image=image,
        replace_on_image_change=check.boolean("replace_on_image_change", False),
        disk_size_gib=disk_size,
        disk_type=disk_type,
        data_disks=data_disks,
        admin_username=admin_username,
        ssh_public_key=ssh_key,
        admin_password=admin_password,
        user_data=_user_data(check, cloud),
        ingress=_ingress(check),
        public_ip=check.boolean("public_ip", False),
        spot=spot,
        subnet_id=_subnet_id(check, cloud),
        tags=_tags(check, cloud),
        resource_group_name=check.optional_str("resource_group_name"),
        network=network,
    )
    for field_name, value, expected in cloud_rules.spec_problems(spec):
        raise check.fail(field_name, value, expected)
    return spec


def _check_name(check: _Checker, cloud: str) -> None:
    pattern, rule = NAME_RULES[cloud]
    if not pattern.match(check.vm):
        raise check.fail("name", check.vm, f"{cloud} names must be {rule}")


def _region(check: _Checker, cloud: str, defaults: CloudDefaults) -> str:
    region = check.args.get("region") or defaults.region
    config_key = {"aws": "aws:region", "azure": "azure-native:location", "gcp": "gcp:region"}[cloud]
    if region is None and cloud == "gcp" and defaults.zone:
        region = defaults.zone.rsplit("-", 1)[0]
    if region is None:
        raise check.fail("region", None, f"give region, or set {config_key} in the stack config")
    regions = catalog.load(cloud).regions
    if region not in regions:
        close = difflib.get_close_matches(str(region), regions, n=6, cutoff=0.6) or sorted(regions)[:8]
        raise check.fail("region", region, f"expected a region of {cloud} such as " + ", ".join(close))
    return region


def _requested_zone(check: _Checker, cloud: str, region: str) -> str | None:
    zone = check.args.get("zone")
    try:
        return requested_zone(cloud, region, zone, catalog.load(cloud))
    except ZoneError as error:
        raise check.fail("zone", zone, str(error)) from None


def _place(
    check: _Checker,
    offering: Offering,
    requested: str | None,
    network: NetworkSpec | None,
    network_zones: tuple[str, ...] | None,
    defaults: CloudDefaults,
) -> str | None:
    cloud = offering.cloud
    try:
        return place(
            cloud,
            offering,
            catalog.load(cloud),
            requested,
            network=network.name if network else None,
            network_zones=network_zones,
            default_zone=defaults.zone if cloud == "gcp" else None,
        )
    except ZoneError as error:
        field_name = "zone" if requested is not None or "instance_type" not in check.args else "instance_type"
        value = check.args.get(field_name)
        raise check.fail(field_name, value, str(error)) from None


def _network(check: _Checker, cloud: str, region: str, project: str | None) -> NetworkSpec | None:
    """The shared network a VM joins (a ``Network`` component, whose ``spec`` is a NetworkSpec)."""
    network = check.args.get("network")
    if network is None:
        return None
    spec = getattr(network, "spec", network)
    if not isinstance(spec, NetworkSpec):
        raise check.fail("network", network, "expected a Network (from components import Network)")
    where = None
    if spec.cloud != cloud:
        where = f"it is a {spec.cloud} network"
    elif region not in spec.regions:
        where = f"it spans {', '.join(spec.regions)}, not {region}"
    elif cloud == "gcp" and spec.project != project:
        where = f"it is in project {spec.project or '(provider default)'}, the VM in {project or '(provider default)'}"
    if where:
        raise check.fail("network", spec.name, f"a VM can join only a network of its own cloud and region: {where}")
    if check.args.get("subnet_id") is not None:
        raise check.fail("subnet_id", check.args["subnet_id"], "give either network or subnet_id, not both")
    return spec


def _arch(check: _Checker) -> str | None:
    arch = check.args.get("arch")
    if arch is None:
        return None
    if arch not in ARCHES:
        raise check.fail("arch", arch, "expected one of " + ", ".join(ARCHES))
    return arch


def _resolve_size(
    check: _Checker, cloud: str, region: str, needs: SizeNeeds, zones: frozenset[str] | None
) -> tuple[Offering, str]:
    arch = _arch(check)
    instance_type = check.optional_str("instance_type")
    cat = catalog.load(cloud)
    if instance_type is not None:
        offering = cat.get(instance_type, region)
        if offering is None:
            if instance_type in cat.instance_types:
                elsewhere = cat.regions_offering(instance_type)
                raise check.fail(
                    "instance_type",
                    instance_type,
                    f"not offered in {region}; offered in " + ", ".join(elsewhere[:8]),
                )
            similar = sorted(t for t in cat.offerings(region) if t.lower().startswith(instance_type.lower()[:4]))
            hint = ", ".join(similar[:6]) or ", ".join(sorted(cat.offerings(region))[:6])
            raise check.fail("instance_type", instance_type, f"unknown {cloud} size in {region}; e.g. {hint}")
        if arch is not None and offering.arch != arch:
            raise check.fail(
                "arch", arch, f"{instance_type} is {offering.arch}; use arch={offering.arch!r} or another size"
            )
        problem = cloud_rules.size_problem(offering, needs)
        if problem is not None:
            raise _size_problem(check, needs, problem)
        return offering, offering.arch

    arch = arch or "x86_64"
    cpus = check.integer("cpus", check.args.get("cpus", DEFAULT_CPUS), 1)
    memory = check.args.get("memory_gib", DEFAULT_MEMORY_GIB)
    if isinstance(memory, bool) or not isinstance(memory, (int, float)) or memory <= 0:
        raise check.fail("memory_gib", memory, "expected a number of GiB > 0")
    burstable = check.boolean("burstable", True)
    offering = choose_offering(cat, region, cpus, memory, arch, burstable, needs, zones)
    if offering is not None:
        return offering, arch
    nearest = catalog.nearest_offerings(cloud, region, cpus=cpus, memory_gib=memory, arch=arch)
    constraint = f"cpus={cpus}, memory_gib={memory:g}, arch={arch}" + ("" if burstable else ", burstable=False")
    constraint += ", spot" if needs.spot else ""
    constraint += f", {needs.data_disks} data disks" if needs.data_disks else ""
    if zones is not None:
        constraint += f" in zone {', '.join(sorted(zones))}"
    raise check.fail(
        "cpus/memory_gib",
        f"{cpus}/{memory:g}",
        f"no {cloud} offering in {region} meets {constraint}; nearest: " + "; ".join(o.shape() for o in nearest),
    )


@lru_cache(maxsize=4096)
def choose_offering(
    cat: catalog.Catalog,
    region: str,
    cpus: int,
    memory: float,
    arch: str,
    burstable: bool,
    needs: SizeNeeds,
    zones: frozenset[str] | None,
) -> Offering | None:
    """The offering a spec resolves to, memoised per loaded snapshot and shape: a fleet of VMs with the
    same shape scans the region's offerings once, not once per VM (a reloaded Catalog is a miss).

    A price far off the type's other regions is likely a data error, so an offering whose price is in
    line wins; a suspect one is taken only when nothing else fits (the type itself is real)."""
    candidates = catalog.find_cheapest(
        cat.cloud,
        region,
        cpus=cpus,
        memory_gib=memory,
        arch=arch,
        burstable=burstable,
        spot=needs.spot,
        zones=zones,
        limit=200,
        catalog=cat,
    )
    first_selectable = None
    for offering in candidates:
        if not auto_selectable(cat.cloud, offering, needs):
            continue
        if not _suspect_price(cat, offering, needs.spot):
            return offering
        first_selectable = first_selectable or offering
    return first_selectable


def _suspect_price(cat: catalog.Catalog, offering: Offering, spot: bool) -> bool:
    """Whether the offering's price is far below or above the same type's other regions."""
    from .catalog.sanity import price_outlier

    price = offering.hourly_price(spot) if spot else offering.price_hourly
    return price_outlier(price, offering.region, cat.regional_prices(offering.instance_type, spot)) is not None


def auto_selectable(cloud: str, offering: Offering, needs: SizeNeeds) -> bool:
    excluded = AUTO_EXCLUDED.get(cloud)
    if excluded and excluded.match(offering.instance_type):
        return False
    # Azure: only sizes with premium storage, which take Premium SSD (and Gen2 images).
    if cloud == "azure" and not azure_supports_premium(offering):
        return False
    return cloud_rules.size_problem(offering, needs) is None


def azure_supports_premium(offering: Offering) -> bool:
    from .cloud_rules.azure import supports_premium

    return supports_premium(offering)


def _size_problem(check: _Checker, needs: SizeNeeds, problem: tuple[str, str]) -> SpecError:
    field_name, reason = problem
    if field_name == "data_disks.disk_type":
        index = next(
            i for i, disk in enumerate(check.args.get("data_disks") or []) if disk.get("disk_type") == "standard"
        )
        field_name = f"data_disks[{index}].disk_type"
        return check.fail(field_name, "standard", reason)
    value = {"spot": needs.spot, "disk_type": needs.boot_disk, "data_disks": f"[{needs.data_disks} disks]"}[field_name]
    return check.fail(field_name, value, reason)


def _image(check: _Checker, offering: Offering) -> ImageChoice:
    cloud, arch = offering.cloud, offering.arch
    image = check.args.get("image", DEFAULT_IMAGE)
    os_type_arg = check.args.get("os_type")
    if os_type_arg is not None and os_type_arg not in OS_TYPES:
        raise check.fail("os_type", os_type_arg, "expected one of " + ", ".join(OS_TYPES))
    if not isinstance(image, str) or not image:
        raise check.fail("image", image, "expected an alias (" + ", ".join(IMAGE_ALIASES) + ") or a native image id")
    alias = IMAGE_ALIASES.get(image)
    if alias is not None:
        if os_type_arg is not None and os_type_arg != alias.os_type:
            raise check.fail("os_type", os_type_arg, f"{image} is {alias.os_type}")
        entry = alias.for_cloud(cloud).get(arch)
        if entry is None:
            have = ", ".join(alias.for_cloud(cloud)) or "none"
            raise check.fail("image", image, f"no {arch} build of {image} on {cloud} (available: {have})")
        generations = offering.facts.get("generations")
        if cloud == "azure" and generations and "V2" not in generations:
            entry = alias.azure_gen1.get(arch)
            if entry is None:
                raise check.fail("image", image, f"{offering.instance_type} boots only Gen1 images; {image} has none")
        login_user = entry.login_user if isinstance(entry, AwsImage) else None
        secure_boot = cloud != "gcp" or gcp_secure_boot(gcp_image_path(entry))
        return ImageChoice(image, entry, alias.os_type, login_user, shielded_vm=True, secure_boot=secure_boot)

    form, pattern = NATIVE_IMAGE_FORMS[cloud]
    if not pattern.match(image):
        close = difflib.get_close_matches(image, IMAGE_ALIASES, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise check.fail("image", image, f"expected an alias ({', '.join(IMAGE_ALIASES)}) or {form}{hint}")
    os_type = os_type_arg or ("windows" if "windows" in image.lower() else "linux")
    shielded = cloud == "gcp" and gcp_image_project(image) in GCP_SHIELDED_PROJECTS
    secure_boot = shielded and gcp_secure_boot(image)
    return ImageChoice(None, image, os_type, None, shielded_vm=shielded, secure_boot=secure_boot)


def _check_disk_size(check: _Checker, key: str, value: object, cloud: str, disk_type: str, *, os_disk: bool) -> int:
    size = check.integer(key, value, 1, (MAX_OS_DISK_GIB if os_disk else MAX_DATA_DISK_GIB)[cloud])
    if cloud == "aws" and disk_type == "standard" and size > MAX_AWS_MAGNETIC_GIB:
        raise check.fail(
            key, size, f"EBS standard (magnetic) volumes hold at most {MAX_AWS_MAGNETIC_GIB} GiB; use disk_type='ssd'"
        )
    return size


def _disk_size(check: _Checker, cloud: str, image: ImageChoice, disk_type: str) -> int:
    alias = IMAGE_ALIASES.get(image.alias or "")
    minimum = alias.min_disk_gib[cloud] if alias else 1
    if "disk_size_gib" not in check.args:
        return max(DEFAULT_DISK_GIB, minimum)
    size = _check_disk_size(check, "disk_size_gib", check.args["disk_size_gib"], cloud, disk_type, os_disk=True)
    if size < minimum:
        raise check.fail("disk_size_gib", size, f"{image.alias} on {cloud} needs an OS disk of at least {minimum} GiB")
    return size


def _data_disks(check: _Checker, cloud: str) -> tuple[DataDisk, ...]:
    disks = check.args.get("data_disks", []) or []
    if not isinstance(disks, (list, tuple)) or len(disks) > MAX_DATA_DISKS:
        raise check.fail("data_disks", disks, f"expected a list of at most {MAX_DATA_DISKS} {{size_gib, disk_type}}")
    result = []
    for i, disk in enumerate(disks):
        key = f"data_disks[{i}]"
        if not isinstance(disk, Mapping) or "size_gib" not in disk or set(disk) - {"size_gib", "disk_type"}:
            raise check.fail(key, disk, "expected {size_gib, disk_type}")
        disk_type = disk.get("disk_type", "ssd")
        if disk_type not in DISK_TYPES:
            raise check.fail(f"{key}.disk_type", disk_type, "expected one of " + ", ".join(DISK_TYPES))
        size = _check_disk_size(check, f"{key}.size_gib", disk["size_gib"], cloud, disk_type, os_disk=False)
        result.append(DataDisk(size, disk_type))
    return tuple(result)


def _ssh_key(check: _Checker, cloud: str) -> str | None:
    key = check.args.get("ssh_public_key")
    if key is None:
        return None
    allowed = SSH_KEY_TYPES[cloud]
    problem = ssh_key_problem(key, allowed)
    if problem:
        raise check.fail("ssh_public_key", _shorten(key), problem)
    return " ".join(key.split())


def ssh_key_problem(key: object, allowed: tuple[str, ...]) -> str | None:
    """Why an OpenSSH public key line is unusable, or None when it is fine."""
    expected = "an OpenSSH public key line '<type> <base64> [comment]' of type " + ", ".join(allowed)
    if not isinstance(key, str):
        return "expected " + expected
    parts = key.split()
    if len(parts) < 2 or parts[0] not in allowed:
        return "expected " + expected
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        return "the key body is not valid base64; expected " + expected
    fields = _ssh_fields(blob)
    if not fields or fields[0] != parts[0].encode():
        return "the key body does not encode a " + parts[0] + " key; expected " + expected
    if parts[0] == "ssh-rsa":
        modulus = fields[2] if len(fields) > 2 else b""
        bits = int.from_bytes(modulus, "big").bit_length()
        if bits < 2048:
            return f"RSA keys must be at least 2048 bits (this one has {bits})"
    if parts[0] == "ssh-ed25519" and (len(fields) < 2 or len(fields[1]) != 32):
        return "the ed25519 key body is malformed"
    return None


def _ssh_fields(blob: bytes) -> list[bytes]:
    fields, offset = [], 0
    while offset + 4 <= len(blob):
        length = int.from_bytes(blob[offset : offset + 4], "big")
        offset += 4
        if offset + length > len(blob):
            return []
        fields.append(blob[offset : offset + length])
        offset += length
    return fields if offset == len(blob) else []


def _shorten(value: object) -> object:
    return value[:40] + "…" if isinstance(value, str) and len(value) > 40 else value


def _admin_username(check: _Checker, cloud: str, image: ImageChoice) -> str:
    username = check.args.get("admin_username")
    if username is None:
        if cloud == "aws" and image.login_user and image.os_type == "linux":
            return image.login_user
        return DEFAULT_ADMIN_USERNAME
    if image.os_type == "windows":
        ok = (
            isinstance(username, str)
            and re.match(r'^[^"/\\\[\]:;|=,+*?<>@ ]{1,20}$', username)
            and not username.endswith(".")
        )
        rule = '1-20 characters without "/\\[]:;|=,+*?<> or spaces'
    else:
        ok = isinstance(username, str) and re.match(r"^[a-z_][a-z0-9_-]{0,31}$", username)
        rule = "a Linux user name: lowercase letters, digits, '_' or '-', starting with a letter or '_', at most 32"
    if not ok:
        raise check.fail("admin_username", username, "expected " + rule)
    if username.lower() in {"root"} or (cloud == "azure" and username.lower() in AZURE_RESERVED_USERNAMES):
        raise check.fail("admin_username", username, f"{username!r} is reserved on {cloud}; choose another name")
    return username


def _admin_password(check: _Checker, image: ImageChoice) -> Any:
    password = check.args.get("admin_password")
    if image.os_type != "windows":
        if password is not None:
            raise check.fail(
                "admin_password", "[secret]", "only for Windows images; Linux VMs log in with ssh_public_key"
            )
        return None
    if password is None:
        raise check.fail("admin_password", None, "Windows images need an admin password (kept secret in state)")
    if _is_plain(password):
        classes = (
            sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
            if isinstance(password, str)
            else 0
        )
        if not isinstance(password, str) or not 12 <= len(password) <= 123 or classes < 3:
            raise check.fail(
                "admin_password",
                "[secret]",
                "expected 12-123 characters with 3 of: lowercase, uppercase, digit, symbol",
            )
    return password


def _user_data(check: _Checker, cloud: str) -> Any:
    user_data = check.args.get("user_data")
    if user_data is None or not _is_plain(user_data):
        return user_data
    if not isinstance(user_data, str):
        raise check.fail("user_data", "[secret]", "expected cloud-init text")
    limit = MAX_USER_DATA_BYTES[cloud]
    size = len(user_data.encode())
    if size > limit:
        raise check.fail("user_data", f"[{size} bytes]", f"{cloud} accepts at most {limit} bytes of user data")
    return user_data


def _ingress(check: _Checker) -> tuple[IngressRule, ...]:
    rules = check.args.get("ingress", []) or []
    if not isinstance(rules, (list, tuple)):
        raise check.fail("ingress", rules, "expected a list of {port|from_port,to_port, protocol, sources}")
    return tuple(_ingress_rule(check, f"ingress[{i}]", rule) for i, rule in enumerate(rules))


def _ingress_rule(check: _Checker, key: str, rule: object) -> IngressRule:
    if not isinstance(rule, Mapping):
        raise check.fail(key, rule, "expected {port|from_port,to_port, protocol, sources}")
    extra = set(rule) - {"port", "from_port", "to_port", "protocol", "sources", "description"}
    if extra:
        raise check.fail(
            f"{key}.{sorted(extra)[0]}",
            rule[sorted(extra)[0]],
            "unknown key; valid: port, from_port, to_port, protocol, sources, description",
        )
    protocol = rule.get("protocol", "tcp")
    if protocol not in PROTOCOLS:
        raise check.fail(f"{key}.protocol", protocol, "expected one of " + ", ".join(PROTOCOLS))
    has_port, has_range = "port" in rule, "from_port" in rule or "to_port" in rule
    if protocol == "icmp":
        if has_port or has_range:
            raise check.fail(f"{key}.port", rule.get("port", rule.get("from_port")), "icmp rules take no ports")
        from_port = to_port = None
    elif has_port and has_range:
        raise check.fail(f"{key}.port", rule["port"], "give either port or from_port/to_port, not both")
    elif has_port:
        from_port = to_port = check.integer(f"{key}.port", rule["port"], 1, 65535)
    elif "from_port" in rule and "to_port" in rule:
        from_port = check.integer(f"{key}.from_port", rule["from_port"], 1, 65535)
        to_port = check.integer(f"{key}.to_port", rule["to_port"], 1, 65535)
        if from_port > to_port:
            raise check.fail(f"{key}.from_port", from_port, f"expected from_port <= to_port ({to_port})")
    else:
        raise check.fail(key, dict(rule), f"{protocol} rules need port, or from_port and to_port")
    sources = rule.get("sources")
    if not isinstance(sources, (list, tuple)) or not sources:
        raise check.fail(
            f"{key}.sources", sources, "expected a non-empty list of CIDRs (nothing is opened to the world implicitly)"
        )
    description = rule.get("description", "")
    if not isinstance(description, str):
        raise check.fail(f"{key}.description", description, "expected a string")
    return IngressRule(
        protocol, from_port, to_port, tuple(_cidr(check, f"{key}.sources", s) for s in sources), description
    )


def _cidr(check: _Checker, key: str, source: object) -> str:
    if not isinstance(source, str):
        raise check.fail(key, source, "expected a CIDR such as 203.0.113.0/24")
    try:
        return ipaddress.ip_network(source, strict=True).with_prefixlen
    except ValueError as error:
        hint = ""
        try:
            hint = f"; did you mean {ipaddress.ip_network(source, strict=False).with_prefixlen}?"
        except ValueError:
            pass
        raise check.fail(key, source, f"expected a CIDR such as 203.0.113.0/24 ({error}){hint}") from None


SUBNET_FORMS = {
    "aws": (re.compile(r"^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$"), "subnet-0123456789abcdef0"),
    "azure": (
        re.compile(
            r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$",
            re.IGNORECASE,
        ),
        "/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/VNET/subnets/SUBNET",
    ),
    "gcp": (
        re.compile(
            r"^(?:https://www\.googleapis\.com/compute/v1/)?projects/[^/]+/regions/[^/]+/subnetworks/[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$"
        ),
        "projects/PROJECT/regions/REGION/subnetworks/NAME",
    ),
}


def _subnet_id(check: _Checker, cloud: str) -> str | None:
    subnet_id = check.optional_str("subnet_id")
    if subnet_id is None:
        return None
    pattern, example = SUBNET_FORMS[cloud]
    if not pattern.match(subnet_id):
        raise check.fail("subnet_id", subnet_id, f"expected a {cloud} subnet id like {example}")
    return subnet_id


def _tags(check: _Checker, cloud: str) -> dict[str, str]:
    tags = check.args.get("tags", {}) or {}
    if not isinstance(tags, Mapping):
        raise check.fail("tags", tags, "expected a mapping of string keys to string values")
    for key, value in tags.items():
        if not isinstance(key, str) or not key or not isinstance(value, str):
            raise check.fail(f"tags.{key}", value, "expected string keys and string values")
        if cloud == "aws" and (len(key) > 127 or len(value) > 256 or key.lower().startswith("aws:")):
            raise check.fail(
                f"tags.{key}", value, "AWS tags: key 1-127 chars not starting with 'aws:', value at most 256"
            )
        if cloud == "azure" and (len(key) > 512 or len(value) > 256 or re.search(r"[<>%&\\?/]", key)):
            raise check.fail(
                f"tags.{key}", value, "Azure tags: key at most 512 chars without <>%&\\?/, value at most 256"
            )
    if cloud == "gcp":
        labels = gcp_labels(tags)
        if len(labels) != len(tags):
            raise check.fail("tags", dict(tags), "two keys become the same GCP label key: " + ", ".join(tags))
        for original, key in zip(tags, labels):
            if not re.match(r"^[a-z]", key):
                raise check.fail(f"tags.{original}", tags[original], "GCP label keys must start with a letter")
        return labels
    return dict(tags)


def gcp_label(text: str) -> str:
    """A string made valid for GCP labels: lowercase letters, digits, '_' and '-', at most 63."""
    return re.sub(r"[^a-z0-9_-]", "_", text.lower())[:63]


def gcp_labels(tags: Mapping[str, str]) -> dict[str, str]:
    return {gcp_label(k): gcp_label(v) for k, v in tags.items()}
