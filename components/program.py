"""The stack program: ``multicloud-vm:vms`` config entries become VirtualMachine components.

An entry is a ``VirtualMachineArgs`` mapping plus ``name``. With ``clouds: [aws, azure, gcp]`` (and
optionally ``regions: {aws: ..., azure: ..., gcp: ...}`` and ``zones``) the same spec fans out
into one VM per cloud named ``<name>-<cloud>``: the way to compare offerings by deploying them.

VMs share networks: one ``Network`` per (cloud, region) on AWS, per (region, resource group) on
Azure and per project on GCP, named ``net-<cloud>-<region or project>``, so the stack's network
count does not grow with its VM count. On AWS the network has a subnet in each zone its VMs use.
An entry with ``network: dedicated`` keeps a network of its own instead (the layout of stacks
deployed before networks were shared; see docs/networks.md), and one with ``subnet_id`` uses an
existing subnet. In the code that config key is the entry's *network mode* (``SHARED`` or
``DEDICATED``), apart from the ``Network`` component it may join.

Every entry, and every network its VMs share, is checked before anything is registered, and every
problem is reported at once: each VM is validated on its own (to learn where it runs), each shared
network from its VMs, and each VM that joins one once more with it (its zone may depend on the
network's); the component then takes that spec instead of validating the same arguments again.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import SpecError
from .spec import CLOUD_ONLY_KEYS, CLOUDS

CONFIG_NAMESPACE = "multicloud-vm"
CONFIG_KEY = "vms"
FAN_OUT_KEYS = ("clouds", "regions", "zones")
PROGRAM_KEYS = ("network",)
SHARED, DEDICATED = "shared", "dedicated"
NETWORK_MODES = (SHARED, DEDICATED)
"""The config key ``network``: the stack's shared network for the VM's cloud and region, or its own."""


class ConfigError(SpecError):
    """A stack config entry that cannot become a VM spec; names the entry."""

    def __init__(self, entry: str, field: str, value: object, expected: str, namespace: str = CONFIG_NAMESPACE):
        super().__init__(entry, field, value, expected)
        self.args = (f"{namespace}:{CONFIG_KEY} {entry}: {field}={value!r} is invalid: {expected}",)

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class VmEntry:
    """One VM to build: its name, its args, where in the config it came from and its network mode."""

    name: str
    args: dict[str, Any]
    source: str
    network_mode: str = SHARED


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
    network_mode = entry.get("network", SHARED)
    if network_mode not in NETWORK_MODES:
        raise ConfigError(
            source,
            "network",
            network_mode,
            "expected shared (the stack's network for the VM's cloud and region) or dedicated "
            "(a network of the VM's own)",
        )
    clouds = entry.get("clouds")
    if clouds is None:
        for key in ("regions", "zones"):
            if key in entry:
                raise ConfigError(source, key, entry[key], "only used with clouds: [...]; use region/zone")
        result.append(VmEntry(name, args, source, network_mode))
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
        result.append(VmEntry(f"{name}-{cloud}", cloud_args, f"{source} -> {cloud}", network_mode))
    return result


def _per_cloud_map(source: str, key: str, value: object, clouds: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or any(k not in clouds for k in value):
        raise ConfigError(
            source, key, value, "expected a mapping from a listed cloud (" + ", ".join(clouds) + ") to a value"
        )
    return dict(value)


def joins_shared_network(entry: VmEntry, spec) -> bool:
    """Whether a VM joins its cloud and region's shared network (not ``network: dedicated``, no subnet_id)."""
    return entry.network_mode == SHARED and spec.subnet_id is None


def spec_network_key(spec) -> tuple:
    from .spec.network import network_key

    return network_key(spec.cloud, spec.region, spec.project, spec.resource_group_name)


def shared_networks(specs: list[tuple[VmEntry, Any]]) -> dict[tuple, dict[str, Any]]:
    """NetworkArgs for the networks the stack's VMs share, by network key: per key, the regions and
    (AWS) exactly the zones its VMs use, and the tags every one of its VMs carries."""
    from .spec.network import shared_network_args

    groups: dict[tuple, list] = {}
    for entry, spec in specs:
        if joins_shared_network(entry, spec):
            groups.setdefault(spec_network_key(spec), []).append(spec)
    return {key: shared_network_args(members) for key, members in groups.items()}


@dataclass
class StackCheck:
    """The stack's VMs and shared networks, validated before anything is registered: the specs the
    components will build (a VM that joins a network, joined), and every problem found."""

    namespace: str
    entries: list[VmEntry]
    locks: dict[str, tuple]
    defaults: dict[Any, Any]
    problems: list[str] = field(default_factory=list)
    specs: dict[str, Any] = field(default_factory=dict)
    """By VM name: its spec (for a VM that joins a shared network, as joined to it)."""
    network_args: dict[tuple, dict[str, Any]] = field(default_factory=dict)
    network_specs: dict[tuple, Any] = field(default_factory=dict)
    joins: dict[str, tuple] = field(default_factory=dict)
    """VM name -> the key of the shared network it joins."""

    def problem(self, where: str, error: SpecError) -> None:
        self.problems.append(f"{self.namespace}:{CONFIG_KEY}{where}: {error}")

    def validate(self, entry: VmEntry, network=None):
        """The entry's VM validated (joined to ``network``, a NetworkSpec), or None with its problem noted."""
        from .spec import validate

        args = entry.args if network is None else {**entry.args, "network": network}
        try:
            return validate(entry.name, args, self.defaults[entry.args.get("cloud")], *self.locks[entry.name])
        except SpecError as error:
            self.problem(entry.source, error)
            return None


def check_stack(raw: object, namespace: str, stack: str, defaults_of) -> StackCheck:
    """Every entry, and the networks its VMs share, checked before anything is registered; all the
    problems at once, whatever kind each is (``StackCheck.problems``). ``defaults_of(cloud)`` is the
    provider configuration a spec falls back on."""
    from . import lockfile

    entries, config_problems = expand_all_entries(raw, namespace)
    locks = {entry.name: lockfile.entry_for(stack, entry.name) for entry in entries}
    defaults = {cloud: defaults_of(cloud) for cloud in {entry.args.get("cloud") for entry in entries}}
    check = StackCheck(namespace, entries, locks, defaults, [str(p) for p in config_problems])
    alone = validate_entries(check)
    check.network_args = shared_networks(alone)
    validate_networks(check)
    join_networks(check, alone)
    check_disk_scopes(check)
    return check


def validate_entries(check: StackCheck) -> list[tuple[VmEntry, Any]]:
    """Each entry's VM validated on its own (where it runs decides which network it shares)."""
    validated = [(entry, check.validate(entry)) for entry in check.entries]
    found = [(entry, spec) for entry, spec in validated if spec is not None]
    check.specs = {entry.name: spec for entry, spec in found}
    return found


def validate_networks(check: StackCheck) -> None:
    """Each shared network, from the VMs that share it."""
    from .spec.network import network_name, validate_network

    for key, args in check.network_args.items():
        try:
            check.network_specs[key] = validate_network(network_name(key), args, check.defaults[args["cloud"]])
        except SpecError as error:
            check.problem(f" network {network_name(key)}", error)


def join_networks(check: StackCheck, alone: list[tuple[VmEntry, Any]]) -> None:
    """Each VM that shares a network validated once more, joined to it: the spec its component builds."""
    for entry, spec in alone:
        key = spec_network_key(spec)
        if not joins_shared_network(entry, spec) or key not in check.network_specs:
            continue
        joined = check.validate(entry, check.network_specs[key])
        if joined is not None:
            check.specs[entry.name] = joined
            check.joins[entry.name] = key


def check_disk_scopes(check: StackCheck) -> None:
    """Each VM, where it finally is (joined to its shared network), keeps its data disks where they are."""
    from .spec.disks import check_disk_scope

    for entry in check.entries:
        if entry.name not in check.specs:
            continue
        try:
            check_disk_scope(check.specs[entry.name])
        except SpecError as error:
            check.problem(entry.source, error)


def build_networks(check: StackCheck) -> dict[tuple, Any]:
    """The shared networks, by key; a network whose name earlier versions cut or normalised lossily
    keeps its resources: aliased."""
    import pulumi

    from .network import Network
    from .spec.network import network_names

    names = network_names(list(check.network_args))
    return {
        key: Network(
            names[key][0],
            args,
            pulumi.ResourceOptions(aliases=[pulumi.Alias(name=names[key][1])]) if names[key][1] else None,
        )
        for key, args in check.network_args.items()
    }


def build_vms(check: StackCheck, networks: dict[tuple, Any]) -> list:
    """The VMs, in config order, each joined to its shared network; each component takes the spec
    validated here (``vm.validated``) for the very arguments it is given."""
    from .vm import VirtualMachine, validated

    vms = []
    for entry in check.entries:
        key = check.joins.get(entry.name)
        args = entry.args if key is None else {**entry.args, "network": networks[key]}
        if key is None or networks[key].spec == check.network_specs[key]:
            validated(entry.name, args, check.specs[entry.name])
        vms.append(VirtualMachine(entry.name, args))
    return vms


def export_outputs(vms: list, networks: dict[tuple, Any]) -> None:
    """Each VM's outputs, the shared networks' and the ``comparison`` (each VM's plan row's price fields)."""
    import pulumi

    from .plan_row import PlanRow

    for vm in vms:
        pulumi.export(vm.spec.name, vm.outputs())
    if networks:
        pulumi.export("networks", {net.spec.name: net.outputs() for net in networks.values()})
    pulumi.export("comparison", [PlanRow.of(vm.spec, vm.cost).comparison() for vm in vms])


def run() -> list:
    """The Pulumi program: reads config, builds the networks and VMs, exports their outputs and a
    comparison."""
    import pulumi

    from .spec.lock import LockError
    from .vm import cloud_defaults

    # The provider SDKs leave hundreds of thousands of long-lived objects after import; moving them out
    # of the cyclic GC's reach saves its repeated full scans (15-25% of a large stack's evaluation).
    gc.collect()
    gc.freeze()

    # The project's own namespace (Pulumi.yaml's name), as `pulumi config set vms ...` writes it.
    namespace = pulumi.get_project()
    raw = pulumi.Config().get_object(CONFIG_KEY)
    if raw is None:
        raise pulumi.RunError(f"{namespace}:{CONFIG_KEY} is not set: give the stack a list of VMs (see docs/config.md)")
    try:
        check = check_stack(raw, namespace, pulumi.get_stack(), cloud_defaults)
    except LockError as error:
        raise pulumi.RunError(str(error)) from None
    if check.problems:
        raise pulumi.RunError("\n".join(check.problems))
    networks = build_networks(check)
    vms = build_vms(check, networks)
    export_outputs(vms, networks)
    return vms
