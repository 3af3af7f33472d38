"""``validate``: a ``VirtualMachineArgs`` mapping becomes a complete, checked ``VmSpec``, field by field
in the order one field's answer narrows the next (cloud, region, network, zone, size, image, access).

With the VM's entry of the stack's lock (``spec/lock.py``), the size and zone it keeps are used as long
as the inputs they were resolved from are unchanged; the disk types sent, the disk slots and (Azure)
the image generation are kept whatever is re-resolved, and a change the clouds cannot make without
replacing the disks (a zone or region move, a size that cannot take them, a machine series Compute
Engine cannot move to in place) is a ``SpecError``."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import catalog, cloud_rules
from ..catalog import Offering
from ..cloud_rules import CLOUDS, SizeNeeds, rules
from ..errors import SpecError
from .access import check_admin_password, check_admin_username, check_ingress, check_ssh_key, check_subnet_id
from .boot import check_image, check_os_disk_size, check_user_data, requested_os
from .disks import DISK_TYPES, DiskArgs, check_data_disks, finish_disks, pinned_types, previous
from .lock import LockEntry, LockUse, resolution_inputs, use_of
from .model import CLOUD_ONLY_KEYS, KNOWN_KEYS, Checker, CloudDefaults, DataDisk, ImageChoice, VmSpec
from .network import NetworkSpec
from .placement import ZoneError, place, requested_zone, search_zones
from .scope import check_project, check_resource_group
from .sizes import DEFAULT_CPUS, DEFAULT_MEMORY_GIB, locked_size, resolve_size
from .tags import check_tags

# The steps hand each other plain tuples: a NamedTuple costs about 0.5 µs to build, and validate() runs
# for every VM, thousands of times in the property tests (benchmarks/bench_validate.py).
Location = tuple[str, "str | None", "NetworkSpec | None", "str | None", "tuple[str, ...] | None"]
"""(region, project, the network the VM joins, the zone it asks for, the network's zones where it has
a subnet per zone, as on AWS)."""
SizeInputs = tuple[SizeNeeds, str, "tuple[DiskArgs, ...]", LockUse]
"""(what the size must serve and keep, the OS disk's ``disk_type``, the data disks as given, how the
stack's lock is used)."""
Sized = tuple[Offering, str, "str | None", LockUse]
"""(the size, its arch, the zone, how the lock was used: with today's pick noted where it is kept)."""
Boot = tuple[ImageChoice, int, "tuple[DataDisk, ...]"]
"""(the image, the OS disk's size, the data disks with their slots and types)."""
Access = tuple["str | None", str, Any]
"""(SSH public key, admin username, admin password)."""


def validate(
    name: Any,
    args: Mapping[str, Any],
    defaults: CloudDefaults | None = None,
    lock: LockEntry | None = None,
    reresolve: bool = False,
) -> VmSpec:
    """Checks a spec completely and resolves everything the clouds need; raises SpecError.

    ``lock`` is the VM's entry in the stack's lock, ``reresolve`` asks for a fresh size and zone
    anyway (``python -m components lock --update``)."""
    defaults = defaults or CloudDefaults()
    check = checker_of(name, args)
    cloud = checked_cloud(check)
    where = location(check, cloud, defaults)
    inputs = size_inputs(check, cloud, where, lock, reresolve)
    sized = size_and_zone(check, cloud, where, inputs, defaults)
    boot = boot_and_disks(check, cloud, inputs, sized)
    access = checked_access(check, cloud, image=boot[0])
    spec = assembled(check, cloud, defaults, where, inputs, sized, boot, access)
    for field_name, value, expected in cloud_rules.spec_problems(spec):
        raise check.fail(field_name, value, expected)
    return spec


def checker_of(name: Any, args: Any) -> Checker:
    """The checker of a VM's args: a non-empty name, a mapping of known keys."""
    if not isinstance(name, str) or not name:
        raise SpecError(str(name), "name", name, "expected a non-empty string")
    check = Checker(name, args)
    if not isinstance(args, Mapping):
        raise check.fail("args", args, "expected a mapping of VirtualMachineArgs keys")
    unknown = sorted(set(args) - KNOWN_KEYS)
    if unknown:
        raise check.fail(unknown[0], args[unknown[0]], "unknown key; valid keys: " + ", ".join(sorted(KNOWN_KEYS)))
    return check


def checked_cloud(check: Checker) -> str:
    """The VM's cloud, with no key another cloud takes and a name the cloud accepts."""
    cloud = check.choice("cloud", CLOUDS)
    for key, only_cloud in CLOUD_ONLY_KEYS.items():
        if check.args.get(key) is not None and cloud != only_cloud:
            raise check.fail(key, check.args[key], f"only applies to cloud {only_cloud!r}, not {cloud!r}")
    pattern, rule = rules(cloud).NAME_RULE
    if not pattern.fullmatch(check.vm):
        raise check.fail("name", check.vm, f"{cloud} names must be {rule}")
    return cloud


def location(check: Checker, cloud: str, defaults: CloudDefaults) -> Location:
    """Region, project, the network the VM joins and the zone it asks for."""
    region = _region(check, cloud, defaults)
    project = check_project(check, cloud, defaults)
    network = _network(check, cloud, region, project)
    requested = _requested_zone(check, cloud, region)
    zonal = network is not None and rules(cloud).ZONAL_SUBNETS
    return region, project, network, requested, network.zones_of(region) if zonal else None


def size_inputs(check: Checker, cloud: str, where: Location, lock: LockEntry | None, reresolve: bool) -> SizeInputs:
    """What the size must serve (spot, disk types, data disks, Windows) and keep from the lock (the
    disk types sent, the image generation), and how the lock's entry is used."""
    region, _, _, requested, _ = where
    spot = check.boolean("spot", False)
    disk_type = check.choice("disk_type", DISK_TYPES, "ssd")
    data_disks = check_data_disks(check, cloud)
    use = use_of(lock, resolution_inputs(cloud, region, requested, check.args), reresolve)
    entry = use.previous
    pinned_boot, pinned_data = pinned_types(entry, disk_type, data_disks)
    needs = SizeNeeds(
        spot,
        disk_type,
        frozenset(d.disk_type for d in data_disks),
        len(data_disks),
        windows=requested_os(check.args) == "windows",
        pinned_boot=pinned_boot,
        pinned_data=pinned_data,
        pinned_generation=entry.image_generation if entry is not None else None,
    )
    return needs, disk_type, data_disks, use


def size_and_zone(check: Checker, cloud: str, where: Location, inputs: SizeInputs, defaults: CloudDefaults) -> Sized:
    """The size, its arch and the zone: the lock's where it is kept (with today's pick noted), else
    resolved now, and then not moving the VM's data disks or changing its series as its cloud cannot."""
    region, _, network, requested, network_zones = where
    needs, _, data_disks, use = inputs
    entry = use.previous
    zones = search_zones(cloud, requested, network_zones)
    if use.status == "kept":
        offering = locked_size(check, cloud, region, entry.instance_type, needs)
        zone = _locked_zone(check, entry.zone, network, network_zones)
        return offering, offering.arch, zone, _with_catalog_pick(check, use, cloud, region, needs, zones)
    offering, arch = resolve_size(check, cloud, region, needs, zones)
    preferred = requested if requested is not None or entry is None else _still_offered(entry, offering)
    zone = _place(check, offering, preferred, network, network_zones, defaults)
    if entry is not None:
        _check_transition(check, entry, offering, zone, data_disks)
    return offering, arch, zone, use


def boot_and_disks(check: Checker, cloud: str, inputs: SizeInputs, sized: Sized) -> Boot:
    """The image for the size (its generation kept from the lock), the OS disk's size and the data
    disks with their slots and types."""
    _, disk_type, data_disks, _ = inputs
    offering, entry = sized[0], sized[3].previous
    image = check_image(check, offering, entry.image_generation if entry is not None else None)
    disk_size = check_os_disk_size(check, cloud, image, disk_type)
    return image, disk_size, finish_disks(check, data_disks, entry, offering)


def checked_access(check: Checker, cloud: str, image: ImageChoice) -> Access:
    """SSH key, admin user and password, and what the cloud asks of them together (Azure: a Linux VM
    needs a key, a Windows VM's name is its computer name)."""
    ssh_key = check_ssh_key(check, cloud)
    username = check_admin_username(check, cloud, image)
    access = ssh_key, username, check_admin_password(check, image, username)
    facts = rules(cloud)
    windows = image.os_type == "windows"
    if facts.LINUX_NEEDS_SSH_KEY and not windows and ssh_key is None:
        raise check.fail(
            "ssh_public_key", None, f"Linux VMs on {facts.TITLE} need an SSH public key (password logins are disabled)"
        )
    longest = facts.MAX_WINDOWS_COMPUTER_NAME
    if longest is not None and windows and len(check.vm) > longest:
        raise check.fail("name", check.vm, f"{facts.TITLE} Windows computer names are at most {longest} characters")
    return access


def assembled(
    check: Checker,
    cloud: str,
    defaults: CloudDefaults,
    where: Location,
    inputs: SizeInputs,
    sized: Sized,
    boot: Boot,
    access: Access,
) -> VmSpec:
    """The spec, with the inputs no earlier step needed checked in turn (user data, ingress, public
    IP, subnet, tags, resource group) and the OS disk's type as sent (kept from the lock)."""
    region, project, network, _, _ = where
    needs, disk_type, _, _ = inputs
    offering, arch, zone, use = sized
    image, disk_size, data_disks = boot
    ssh_key, admin_username, admin_password = access
    return VmSpec(
        name=check.vm,
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
        spot=needs.spot,
        subnet_id=check_subnet_id(check, cloud),
        tags=check_tags(check, cloud),
        resource_group_name=check_resource_group(check, cloud),
        network=network,
        stack=defaults.stack,
        os_disk_sent=needs.pinned_boot or cloud_rules.sent_disk_type(cloud, disk_type, offering),
        image_generation=rules(cloud).image_generation_of(image),
        lock=use,
    )


def check_secret_values(spec: VmSpec, admin_password: Any, user_data: Any) -> None:
    """The checks ``validate`` leaves out for values it cannot see yet (Pulumi Outputs, such as
    ``config.require_secret``), on those values once they are known: the same SpecError as for plain
    values (the component runs this inside the Output, so the update fails with it)."""
    check = Checker(spec.name, {"admin_password": admin_password, "user_data": user_data})
    check_admin_password(check, spec.image, spec.admin_username)
    check_user_data(check, spec.cloud)
    known = replace(spec, admin_password=admin_password, user_data=user_data)
    for field_name, value, expected in cloud_rules.spec_problems(known):
        raise check.fail(field_name, value, expected)


def _locked_zone(
    check: Checker, zone: str | None, network: NetworkSpec | None, network_zones: tuple[str, ...] | None
) -> str | None:
    """The zone the lock keeps: where the VM and its disks are, whatever the catalog now says of it."""
    if network_zones is not None and zone not in network_zones:
        raise check.fail(
            "network",
            network.name if network else None,
            f"the VM runs in {zone} (the stack's lock), where the network has no subnet; its zones: "
            + ", ".join(sorted(network_zones)),
        )
    return zone


def _still_offered(entry: LockEntry, offering: Offering) -> str | None:
    """The zone a re-resolved VM stays in when its new size is offered there (a move replaces it)."""
    zone = entry.zone
    if entry.resolved_from.get("region") != offering.region:
        return None
    if zone is None or not offering.zones or zone in offering.zones:
        return zone
    return None


def _with_catalog_pick(
    check: Checker, use: LockUse, cloud: str, region: str, needs: SizeNeeds, zones: frozenset[str] | None
) -> LockUse:
    """A kept entry, with the size today's catalog would pick instead when that differs (plan shows it)."""
    if check.args.get("instance_type") is not None:
        return use
    try:
        fresh, _ = resolve_size(check, cloud, region, needs, zones)
    except SpecError:
        return use
    if fresh.instance_type == use.previous.instance_type:
        return use
    return replace(use, catalog_pick=fresh.instance_type)


def _check_transition(
    check: Checker, entry: LockEntry, offering: Offering, zone: str | None, disks: tuple[DiskArgs, ...]
) -> None:
    """A re-resolved VM must stay where its data disks are, and change size only as its cloud can in place."""
    size_field = "instance_type" if "instance_type" in check.args else "cpus/memory_gib"
    size_value = check.args.get("instance_type") or (
        f"{check.args.get('cpus', DEFAULT_CPUS)}/{check.args.get('memory_gib', DEFAULT_MEMORY_GIB)}"
    )
    kept = [d.key for d in disks if previous(d, entry) is not None]
    old_region = entry.resolved_from.get("region")
    if kept and (offering.region != old_region or zone != entry.zone):
        where = f"{old_region}" + (f" zone {entry.zone}" if entry.zone else "")
        moved = "region" if offering.region != old_region else ("zone" if "zone" in check.args else size_field)
        value = check.args.get(moved) if moved in ("region", "zone") else size_value
        raise check.fail(
            moved,
            value,
            f"the data disks {', '.join(map(repr, kept))} are in {where}, and a disk cannot move: the VM would be placed in "
            f"{offering.region}{' zone ' + zone if zone else ''} and its disks replaced, their data lost; keep "
            f"{where}" + (" (a size offered there)" if moved == size_field else "") + ", or snapshot the disks and "
            "restore them where the VM goes",
        )
    if offering.instance_type != entry.instance_type:
        problem = cloud_rules.resize_problem(entry.instance_type, offering)
        if problem is not None:
            raise check.fail(
                size_field,
                size_value,
                f"{check.vm} runs as {entry.instance_type} (the stack's lock) and {problem}; pick a size of the "
                f"{entry.instance_type.split('-')[0]} series, or create a new VM (another name) and move the data",
            )


def _region(check: Checker, cloud: str, defaults: CloudDefaults) -> str:
    region = check.args.get("region") or defaults.region
    config = rules(cloud).PROVIDER_CONFIG
    if region is None and "zone" in config and defaults.zone:
        region = rules(cloud).region_of_default_zone(defaults.zone)
    if region is None:
        raise check.fail("region", None, f"give region, or set {config['region']} in the stack config")
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
            default_zone=defaults.zone if "zone" in rules(cloud).PROVIDER_CONFIG else None,
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
    elif "project" in rules(cloud).OWN_KEYS and spec.project != project:
        where = f"it is in project {spec.project or '(provider default)'}, the VM in {project or '(provider default)'}"
    if where:
        raise check.fail("network", spec.name, f"a VM can join only a network of its own cloud and region: {where}")
    if check.args.get("subnet_id") is not None:
        raise check.fail("subnet_id", check.args["subnet_id"], "give either network or subnet_id, not both")
    return spec
