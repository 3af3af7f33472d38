"""``validate``: a ``VirtualMachineArgs`` mapping becomes a complete, checked ``VmSpec``, field by field
in the order one field's answer narrows the next (cloud, region, network, zone, size, image, access)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from .. import catalog, cloud_rules
from ..catalog import Offering
from ..cloud_rules import SizeNeeds
from ..errors import SpecError
from .access import check_admin_password, check_admin_username, check_ingress, check_ssh_key, check_subnet_id
from .boot import DISK_TYPES, check_data_disks, check_image, check_os_disk_size, check_user_data, requested_os
from .model import CLOUD_ONLY_KEYS, CLOUDS, KNOWN_KEYS, NAME_RULES, Checker, CloudDefaults, VmSpec
from .network import NetworkSpec
from .placement import ZoneError, place, requested_zone, search_zones
from .sizes import resolve_size
from .tags import check_tags


def validate(name: Any, args: Mapping[str, Any], defaults: CloudDefaults | None = None) -> VmSpec:
    """Checks a spec completely and resolves everything the clouds need; raises SpecError."""
    defaults = defaults or CloudDefaults()
    if not isinstance(name, str) or not name:
        raise SpecError(str(name), "name", name, "expected a non-empty string")
    check = Checker(name, args)
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
    data_disks = check_data_disks(check, cloud)
    windows = requested_os(args) == "windows"
    needs = SizeNeeds(spot, disk_type, frozenset(d.disk_type for d in data_disks), len(data_disks), windows)
    offering, arch = resolve_size(check, cloud, region, needs, search_zones(cloud, requested, network_zones))
    zone = _place(check, offering, requested, network, network_zones, defaults)
    image = check_image(check, offering)
    disk_size = check_os_disk_size(check, cloud, image, disk_type)

    ssh_key = check_ssh_key(check, cloud)
    admin_username = check_admin_username(check, cloud, image)
    admin_password = check_admin_password(check, image)
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
        user_data=check_user_data(check, cloud),
        ingress=check_ingress(check),
        public_ip=check.boolean("public_ip", False),
        spot=spot,
        subnet_id=check_subnet_id(check, cloud),
        tags=check_tags(check, cloud),
        resource_group_name=check.optional_str("resource_group_name"),
        network=network,
    )
    for field_name, value, expected in cloud_rules.spec_problems(spec):
        raise check.fail(field_name, value, expected)
    return spec


def _check_name(check: Checker, cloud: str) -> None:
    pattern, rule = NAME_RULES[cloud]
    if not pattern.match(check.vm):
        raise check.fail("name", check.vm, f"{cloud} names must be {rule}")


def _region(check: Checker, cloud: str, defaults: CloudDefaults) -> str:
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


def _requested_zone(check: Checker, cloud: str, region: str) -> str | None:
    zone = check.args.get("zone")
    try:
        return requested_zone(cloud, region, zone, catalog.load(cloud))
    except ZoneError as error:
        raise check.fail("zone", zone, str(error)) from None


def _place(
    check: Checker,
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


def _network(check: Checker, cloud: str, region: str, project: str | None) -> NetworkSpec | None:
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
