"""The stack program: ``multicloud-vm:vms`` config entries become VirtualMachine components.

An entry is a ``VirtualMachineArgs`` mapping plus ``name``. With ``clouds: [aws, azure, gcp]`` (and
optionally ``regions: {aws: ..., azure: ..., gcp: ...}`` and ``zones``) the same spec fans out
into one VM per cloud named ``<name>-<cloud>``: the way to compare offerings by deploying them.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import SpecError
from .spec import CLOUD_ONLY_KEYS, CLOUDS

CONFIG_NAMESPACE = "multicloud-vm"
CONFIG_KEY = "vms"
FAN_OUT_KEYS = ("clouds", "regions", "zones")


class ConfigError(SpecError):
    """A stack config entry that cannot become a VM spec; names the entry."""

    def __init__(self, entry: str, field: str, value: object, expected: str):
        super().__init__(entry, field, value, expected)
        self.args = (f"{CONFIG_NAMESPACE}:{CONFIG_KEY} {entry}: {field}={value!r} is invalid: {expected}",)

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class VmEntry:
    """One VM to build: its name, its args and where in the config it came from."""

    name: str
    args: dict[str, Any]
    source: str


def expand_entries(entries: object) -> list[VmEntry]:
    """Checks the config's shape and fans entries out per cloud. Spec contents are checked later by
    the component, with the VM's name in the message."""
    if not isinstance(entries, list) or not entries:
        raise ConfigError("", "vms", entries, "expected a non-empty list of VM entries")
    result: list[VmEntry] = []
    for index, entry in enumerate(entries):
        source = f"[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(source, "entry", entry, "expected a mapping with name, cloud or clouds, ...")
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise ConfigError(source, "name", name, "expected a non-empty string")
        source = f"[{index}] ({name})"
        args = {k: v for k, v in entry.items() if k != "name" and k not in FAN_OUT_KEYS}
        clouds = entry.get("clouds")
        if clouds is None:
            for key in ("regions", "zones"):
                if key in entry:
                    raise ConfigError(source, key, entry[key], "only used with clouds: [...]; use region/zone")
            result.append(VmEntry(name, args, source))
            continue
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
            result.append(VmEntry(f"{name}-{cloud}", cloud_args, f"{source} -> {cloud}"))
    seen: dict[str, str] = {}
    for vm in result:
        if vm.name in seen:
            raise ConfigError(vm.source, "name", vm.name, f"duplicates the VM from entry {seen[vm.name]}")
        seen[vm.name] = vm.source
    return result


def _per_cloud_map(source: str, key: str, value: object, clouds: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or any(k not in clouds for k in value):
        raise ConfigError(
            source, key, value, "expected a mapping from a listed cloud (" + ", ".join(clouds) + ") to a value"
        )
    return dict(value)


def run() -> list:
    """The Pulumi program: reads config, builds the VMs, exports their outputs and a comparison."""
    import pulumi

    from .catalog import monthly_price
    from .spec import validate
    from .vm import VirtualMachine, cloud_defaults

    # The provider SDKs leave hundreds of thousands of long-lived objects after import; moving them out
    # of the cyclic GC's reach saves its repeated full scans (15-25% of a large stack's evaluation).
    gc.collect()
    gc.freeze()

    config = pulumi.Config(CONFIG_NAMESPACE)
    try:
        entries = expand_entries(config.require_object(CONFIG_KEY))
    except ConfigError as error:
        raise pulumi.RunError(str(error)) from None
    # Check every entry before registering anything, and report all the bad ones at once.
    defaults = {}
    problems = []
    for entry in entries:
        cloud = entry.args.get("cloud")
        if cloud not in defaults:
            defaults[cloud] = cloud_defaults(cloud)
        try:
            validate(entry.name, entry.args, defaults[cloud])
        except SpecError as error:
            problems.append(f"{CONFIG_NAMESPACE}:{CONFIG_KEY}{entry.source}: {error}")
    if problems:
        raise pulumi.RunError("\n".join(problems))
    vms = [VirtualMachine(entry.name, entry.args) for entry in entries]

    for vm in vms:
        pulumi.export(vm.spec.name, vm.outputs())
    pulumi.export(
        "comparison",
        [
            {
                "name": vm.spec.name,
                "cloud": vm.spec.cloud,
                "region": vm.spec.region,
                "instance_type": vm.spec.instance_type,
                "hourly_price": vm.spec.hourly_price,
                "monthly_price": monthly_price(vm.spec.hourly_price),
            }
            for vm in vms
        ],
    )
    return vms
