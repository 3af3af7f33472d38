"""The stack program: ``multicloud-vm:vms`` config entries become VirtualMachine components.

An entry is a ``VirtualMachineArgs`` mapping plus ``name``. With ``clouds: [aws, azure, gcp]`` (and
optionally ``regions: {aws: ..., azure: ..., gcp: ...}`` and ``zones``) the same spec fans out
into one VM per cloud named ``<name>-<cloud>``: the way to compare offerings by deploying them.

VMs share networks: one ``Network`` per (cloud, region) on AWS, per (region, resource group) on
Azure and per project on GCP, named ``net-<cloud>-<region or project>``, so the stack's network
count does not grow with its VM count. On AWS the network has a subnet in each zone its VMs use.
An entry with ``network: dedicated`` keeps a network of its own instead (the layout of stacks
deployed before networks were shared; see docs/networks.md), and one with ``subnet_id`` uses an
existing subnet.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import SpecError
from .spec import CLOUD_ONLY_KEYS, CLOUDS

CONFIG_NAMESPACE = "multicloud-vm"
CONFIG_KEY = "vms"
FAN_OUT_KEYS = ("clouds", "regions", "zones")
PROGRAM_KEYS = ("network",)
NETWORK_MODES = ("shared", "dedicated")


class ConfigError(SpecError):
    """A stack config entry that cannot become a VM spec; names the entry."""

    def __init__(self, entry: str, field: str, value: object, expected: str, namespace: str = CONFIG_NAMESPACE):
        super().__init__(entry, field, value, expected)
        self.args = (f"{namespace}:{CONFIG_KEY} {entry}: {field}={value!r} is invalid: {expected}",)

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class VmEntry:
    """One VM to build: its name, its args and where in the config it came from."""

    name: str
    args: dict[str, Any]
    source: str
    network: str = "shared"


def expand_entries(entries: object) -> list[VmEntry]:
    """Checks the config's shape and fans entries out per cloud; ConfigError for the first bad entry.
    Spec contents are checked later by the component, with the VM's name in the message."""
    result, problems = expand_all_entries(entries)
    if problems:
        raise problems[0]
    return result


def expand_all_entries(entries: object, namespace: str = CONFIG_NAMESPACE) -> tuple[list[VmEntry], list[ConfigError]]:
    """The good entries fanned out, and a ConfigError for every bad one (all of them, whatever each
    one's error), so that a typo in one entry does not hide the others."""
    if not isinstance(entries, list) or not entries:
        return [], [ConfigError("", "vms", entries, "expected a non-empty list of VM entries", namespace)]
    result: list[VmEntry] = []
    problems: list[ConfigError] = []
    for index, entry in enumerate(entries):
        try:
            result.extend(_expand_entry(index, entry))
        except ConfigError as error:
            problems.append(ConfigError(error.vm, error.field, error.value, error.expected, namespace))
    seen: dict[str, str] = {}
    for vm in result:
        if vm.name in seen:
            problems.append(
                ConfigError(vm.source, "name", vm.name, f"duplicates the VM from entry {seen[vm.name]}", namespace)
            )
        seen.setdefault(vm.name, vm.source)
    bad = {p.vm.split(" ")[0] for p in problems}
    return [vm for vm in result if vm.source.split(" ")[0] not in bad], problems


def _non_finite(value: object, path: str = "") -> tuple[str, float] | None:
    """The first NaN or infinite number in a config value (YAML's .nan and .inf), with its path."""
    if isinstance(value, float) and not math.isfinite(value):
        return path, value
    items = value.items() if isinstance(value, Mapping) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _non_finite(item, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}".lstrip("."))
        if found:
            return found
    return None


def _expand_entry(index: int, entry: object) -> list[VmEntry]:
    result: list[VmEntry] = []
    source = f"[{index}]"
    if not isinstance(entry, Mapping):
        raise ConfigError(source, "entry", entry, "expected a mapping with name, cloud or clouds, ...")
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError(source, "name", name, "expected a non-empty string")
    source = f"[{index}] ({name})"
    bad_number = _non_finite(dict(entry))
    if bad_number:
        raise ConfigError(source, bad_number[0], bad_number[1], "expected a finite number")
    args = {k: v for k, v in entry.items() if k != "name" and k not in FAN_OUT_KEYS + PROGRAM_KEYS}
    network = entry.get("network", "shared")
    if network not in NETWORK_MODES:
        raise ConfigError(
            source,
            "network",
            network,
            "expected shared (the stack's network for the VM's cloud and region) or dedicated "
            "(a network of the VM's own)",
        )
    clouds = entry.get("clouds")
    if clouds is None:
        for key in ("regions", "zones"):
            if key in entry:
                raise ConfigError(source, key, entry[key], "only used with clouds: [...]; use region/zone")
        result.append(VmEntry(name, args, source, network))
        return result
    if "cloud" in entry:
        raise ConfigError(source, "cloud", entry["cloud"], "give either cloud or clouds, not both")
    if (
        not isinstance(clouds, list)
        or not clouds
        or any(c not in CLOUDS for c in clouds)
        or len(set(clouds)) != len(clouds)
    ):
        raise ConfigError(source, "clouds", clouds, "expected a list of distinct clouds from " + ", ".join(CLOUDS))
    per_cloud = {key: _per_cloud_map(source, key, entry.get(key), clouds) for key in ("regions", "zones")}
    for key in ("region", "zone"):
        if key in entry:
            raise ConfigError(source, key, entry[key], f"with clouds: [...], use {key}s: {{cloud: ...}}")
    for cloud in clouds:
        cloud_args = {k: v for k, v in args.items() if CLOUD_ONLY_KEYS.get(k, cloud) == cloud}
        cloud_args["cloud"] = cloud
        for key, singular in (("regions", "region"), ("zones", "zone")):
            if cloud in per_cloud[key]:
                cloud_args[singular] = per_cloud[key][cloud]
        result.append(VmEntry(f"{name}-{cloud}", cloud_args, f"{source} -> {cloud}", network))
    return result


def _per_cloud_map(source: str, key: str, value: object, clouds: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or any(k not in clouds for k in value):
        raise ConfigError(
            source, key, value, "expected a mapping from a listed cloud (" + ", ".join(clouds) + ") to a value"
        )
    return dict(value)


def shared_networks(specs: list[tuple[VmEntry, Any]]) -> dict[tuple, dict[str, Any]]:
    """NetworkArgs for the networks the stack's VMs share, by network key: per key, the regions and
    (AWS) exactly the zones its VMs use, and the tags every one of its VMs carries."""
    from .spec.network import network_key
    from .spec.placement import AWS_AZ_ID

    groups: dict[tuple, list] = {}
    for entry, spec in specs:
        if entry.network == "shared" and spec.subnet_id is None:
            key = network_key(spec.cloud, spec.region, spec.project, spec.resource_group_name)
            groups.setdefault(key, []).append(spec)
    networks = {}
    for key, members in groups.items():
        cloud = members[0].cloud
        args: dict[str, Any] = {"cloud": cloud, "regions": sorted({s.region for s in members})}
        if cloud == "aws":
            args["zones"] = sorted({s.zone for s in members if AWS_AZ_ID.match(s.zone or "")}) or None
        if cloud == "gcp" and members[0].project:
            args["project"] = members[0].project
        if cloud == "azure" and members[0].resource_group_name:
            args["resource_group_name"] = members[0].resource_group_name
        common = set(members[0].tags.items()).intersection(*(s.tags.items() for s in members[1:]))
        if common:
            args["tags"] = dict(sorted(common))
        networks[key] = {k: v for k, v in args.items() if v is not None}
    return networks


def run() -> list:
    """The Pulumi program: reads config, builds the networks and VMs, exports their outputs and a
    comparison."""
    import pulumi

    from . import lockfile
    from .network import Network
    from .pricing import instance_hourly
    from .spec import validate
    from .spec.lock import LockError
    from .spec.network import network_key, network_name, network_names, validate_network
    from .vm import VirtualMachine, cloud_defaults

    # The provider SDKs leave hundreds of thousands of long-lived objects after import; moving them out
    # of the cyclic GC's reach saves its repeated full scans (15-25% of a large stack's evaluation).
    gc.collect()
    gc.freeze()

    # The project's own namespace (Pulumi.yaml's name), as `pulumi config set vms ...` writes it.
    namespace = pulumi.get_project()
    config = pulumi.Config()
    raw = config.get_object(CONFIG_KEY)
    if raw is None:
        raise pulumi.RunError(f"{namespace}:{CONFIG_KEY} is not set: give the stack a list of VMs (see docs/config.md)")
    entries, config_problems = expand_all_entries(raw, namespace)
    stack = pulumi.get_stack()
    try:
        locks = {entry.name: lockfile.entry_for(stack, entry.name) for entry in entries}
    except LockError as error:
        raise pulumi.RunError(str(error)) from None
    # Check every entry, and the networks they will share, before registering anything; report all
    # the bad ones at once, whatever kind of error each has.
    defaults = {cloud: cloud_defaults(cloud) for cloud in {entry.args.get("cloud") for entry in entries}}
    problems: list[str] = [str(p) for p in config_problems]
    specs = []
    for entry in entries:
        try:
            specs.append(
                (entry, validate(entry.name, entry.args, defaults[entry.args.get("cloud")], *locks[entry.name]))
            )
        except SpecError as error:
            problems.append(f"{namespace}:{CONFIG_KEY}{entry.source}: {error}")
    network_args = shared_networks(specs)
    network_specs = {}
    for key, args in network_args.items():
        try:
            network_specs[key] = validate_network(network_name(key), args, defaults[args["cloud"]])
        except SpecError as error:
            problems.append(f"{namespace}:{CONFIG_KEY} network {network_name(key)}: {error}")
    joined = {}
    for entry, spec in specs:
        key = network_key(spec.cloud, spec.region, spec.project, spec.resource_group_name)
        if entry.network != "shared" or spec.subnet_id is not None or key not in network_specs:
            continue
        try:
            validate(
                entry.name, {**entry.args, "network": network_specs[key]}, defaults[spec.cloud], *locks[entry.name]
            )
            joined[entry.name] = key
        except SpecError as error:
            problems.append(f"{namespace}:{CONFIG_KEY}{entry.source}: {error}")
    if problems:
        raise pulumi.RunError("\n".join(problems))

    # A network whose name earlier versions cut or normalised lossily keeps its resources: aliased.
    names = network_names(list(network_args))
    networks = {
        key: Network(
            names[key][0],
            args,
            pulumi.ResourceOptions(aliases=[pulumi.Alias(name=names[key][1])]) if names[key][1] else None,
        )
        for key, args in network_args.items()
    }
    vms = [
        VirtualMachine(
            entry.name, {**entry.args, "network": networks[joined[entry.name]]} if entry.name in joined else entry.args
        )
        for entry in entries
    ]

    for vm in vms:
        pulumi.export(vm.spec.name, vm.outputs())
    if networks:
        pulumi.export("networks", {net.spec.name: net.outputs() for net in networks.values()})
    pulumi.export(
        "comparison",
        [
            {
                "name": vm.spec.name,
                "cloud": vm.spec.cloud,
                "region": vm.spec.region,
                "instance_type": vm.spec.instance_type,
                "hourly_price": instance_hourly(vm.cost),
                "monthly_price": vm.cost.monthly,
                "unpriced": list(vm.cost.unpriced),
            }
            for vm in vms
        ],
    )
    return vms
