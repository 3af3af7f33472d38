"""What VMs a resource runs: for each VM-running resource type, how many VMs of which sizes, on
spot or not, with which GPUs, read from the props as the cloud reads them.

A resource gives a list of :class:`Run` values: ``count`` VMs (or capacity units, with weights)
of the most expensive of its ``machines``. Templates (launch templates and configurations, GCP
instance templates) describe VMs and run none (``count`` None); a fleet that takes its sizes from a
template names it in ``templates``, and the stack budget resolves the reference (see pricing).
Pricing is elsewhere; this module only reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from .os_family import azure_profile_windows
from .values import UNKNOWN, as_dict, as_list, dig, is_known, last_segment, lower, number, strings


@dataclass(frozen=True)
class Machine:
    """One VM shape. ``size``/``spot``/``accelerators`` None: taken from the referenced template."""

    size: Any
    spot: bool | None = False
    spot_cap: float | None = None  # the most a spot VM pays per hour (None: no cap)
    accelerators: tuple | None = ()  # GCP guestAccelerators as (type, count)
    weight: float = 1.0  # capacity units one VM counts for
    where: str = ""  # the property the size is read from, for messages
    note: str = ""  # why such a size cannot be priced, when known in advance
    windows: bool = False  # runs Windows Server: its licence is part of the price
    unpriced: str = ""  # why the catalog cannot price this capacity at all (a dedicated host, a surcharge)
    per_vcpu: bool = False  # counted in vCPUs: size names instance types or families (AWS Batch)


@dataclass(frozen=True)
class TemplateRef:
    """A template a fleet takes its VM shape from: the top-level property that names it (whose
    dependencies the engine sends), and the ids or names written there."""

    kind: str  # "aws-launch-template" | "aws-launch-configuration" | "gcp-instance-template"
    prop: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Run:
    count: Any  # VMs (or capacity units); UNKNOWN until apply; None when not set (or for a template)
    machines: tuple[Machine, ...]
    templates: tuple[TemplateRef, ...] = ()
    label: str = ""  # e.g. "spot part", for messages
    kind: str = ""  # for a template: the TemplateRef.kind that names it


Reader = Callable[[dict], list[Run]]


def aws_windows(props: dict) -> bool:
    """An instance's platform is its AMI's, which the pack cannot see; the component's Windows user
    data is a PowerShell block, and ``getPasswordData`` is Windows-only."""
    user_data = props.get("userData")
    text = user_data.lstrip() if isinstance(user_data, str) else ""
    return text.startswith(("<powershell>", "<script>")) or props.get("getPasswordData") is True


def azure_windows(props: dict) -> bool:
    return azure_profile_windows(props)


def gcp_windows(props: dict) -> bool:
    image = dig(props, "bootDisk", "initializeParams", "image")
    return isinstance(image, str) and "windows" in image.lower()


def spot_cap(value: Any) -> float | None:
    """A spot price cap: positive numbers only (Azure's -1 and AWS's "" mean "up to on-demand")."""
    cap = number(value)
    return cap if cap is not None and cap > 0 else None


def count_of(value: Any, default: Any = None) -> Any:
    """A count: a non-negative float, UNKNOWN until apply, else ``default`` (None: not set)."""
    if value is UNKNOWN:
        return UNKNOWN
    n = number(value)
    return default if n is None else max(n, 0.0)


def names_template(props: dict) -> bool:
    """A node group or Batch environment that names a launch template (judged there, or named by
    launch-template-not-in-stack): its nodes' settings are the template's."""
    return is_known(props.get("launchTemplate")) or is_known(dig(props, "computeResources", "launchTemplate"))


def known(*values: Any) -> bool:
    return all(isinstance(v, float) for v in values)


def above_base(count: Any, base: Any, percent: Any) -> Any:
    """The on-demand part of a fleet: the base, then a percentage of the rest (rounded up)."""
    if not known(count, base, percent):
        return UNKNOWN
    return min(base, count) + math.ceil(max(count - base, 0) * min(percent, 100) / 100)


def mixed(count: Any, machines: tuple[Machine, ...], on_demand: Any, templates=(), cap=None) -> list[Run]:
    """A fleet's on-demand and spot parts, each of the same machines (one run of unknown parts
    when the counts are not known: its machines' own spot setting stands)."""
    if not known(count, on_demand):
        return [Run(count, machines, templates)]
    regular = min(on_demand, count)
    spot = count - regular
    runs = []
    if regular:
        runs.append(Run(regular, tuple(replace(m, spot=False) for m in machines), templates, "on-demand part"))
    if spot:
        spot_machines = tuple(replace(m, spot=True, spot_cap=m.spot_cap or cap) for m in machines)
        runs.append(Run(spot, spot_machines, templates, "spot part"))
    return runs or [Run(0.0, machines, templates)]


# --- AWS ---------------------------------------------------------------------------------------


def aws_template(prop: str, spec: Any, kind: str = "aws-launch-template") -> tuple[TemplateRef, ...]:
    if spec is None:
        return ()
    if isinstance(spec, str) or spec is UNKNOWN:
        return (TemplateRef(kind, prop, tuple(strings(spec))),)
    keys = ("id", "name", "launchTemplateId", "launchTemplateName")
    return (TemplateRef(kind, prop, tuple(v for k in keys for v in strings(as_dict(spec).get(k)))),)


def _market(props: dict) -> tuple[bool, float | None]:
    options = as_dict(props.get("instanceMarketOptions"))
    spot = lower(options.get("marketType")) == "spot"
    return spot, spot_cap(dig(options, "spotOptions", "maxPrice"))


def aws_instance(props: dict) -> list[Run]:
    """Instance: one VM; a launch template supplies what the instance does not set."""
    spot, cap = _market(props)
    templates = aws_template("launchTemplate", props.get("launchTemplate"))
    size = props.get("instanceType")
    if size is None and templates:
        return [Run(1.0, (Machine(None, None, cap),), templates)]
    return [Run(1.0, (Machine(size, spot, cap, where="instanceType", windows=aws_windows(props)),), templates)]


def aws_spot_instance_request(props: dict) -> list[Run]:
    templates = aws_template("launchTemplate", props.get("launchTemplate"))
    size = props.get("instanceType")
    machine = Machine(size if size is not None or not templates else None, True, spot_cap(props.get("spotPrice")))
    return [Run(1.0, (replace(machine, where="instanceType"),), templates)]


def aws_launch_template(props: dict) -> list[Run]:
    size = props.get("instanceType")
    spot, cap = _market(props)
    note = "" if size is not None else "the launch template names no instanceType (the fleet's overrides choose it)"
    return [Run(None, (Machine(size, spot, cap, where="instanceType", note=note),), kind="aws-launch-template")]


def aws_launch_configuration(props: dict) -> list[Run]:
    cap = spot_cap(props.get("spotPrice"))
    spot = is_known(props.get("spotPrice"))
    machine = Machine(props.get("instanceType"), spot, cap, where="instanceType")
    return [Run(None, (machine,), kind="aws-launch-configuration")]


def _overrides(overrides: Any, where: str, cap_key: str | None = None) -> tuple[Machine, ...]:
    machines = []
    for i, override in enumerate(as_list(overrides)):
        override = as_dict(override)
        if override.get("instanceType") is None and override.get("instanceRequirements") is None:
            continue
        weight = number(override.get("weightedCapacity")) or 1.0
        size = override.get("instanceType")
        note = "" if size is not None else "attribute-based instance requirements name no instance type"
        cap = spot_cap(override.get(cap_key)) if cap_key else None
        machines.append(Machine(size, False, cap, (), max(weight, 1e-9), f"{where}[{i}].instanceType", note))
    return tuple(machines)


def aws_autoscaling_group(props: dict) -> list[Run]:
    """desiredCapacity (else minSize) VMs from the launch template or configuration, or from the
    mixed instances policy's overrides, split into on-demand and spot by its distribution."""
    count = count_of(props.get("desiredCapacity"), None)
    if count is None:
        count = count_of(props.get("minSize"))
    policy = props.get("mixedInstancesPolicy")
    if isinstance(policy, dict):
        template = dig(policy, "launchTemplate", "launchTemplateSpecification")
        overrides = dig(policy, "launchTemplate", "overrides")
        # An override may launch its instance type from a template of its own.
        templates = aws_template("mixedInstancesPolicy", template) + tuple(
            ref
            for override in as_list(overrides)
            for ref in aws_template("mixedInstancesPolicy", dig(override, "launchTemplateSpecification"))
        )
        where = "mixedInstancesPolicy.launchTemplate.overrides"
        machines = _overrides(overrides, where) or (Machine(None, False),)
        dist = as_dict(policy.get("instancesDistribution"))
        base = count_of(dist.get("onDemandBaseCapacity"), 0.0)
        percent = count_of(dist.get("onDemandPercentageAboveBaseCapacity"), 100.0)
        on_demand = above_base(count, base, percent)
        return mixed(count, machines, on_demand, templates, spot_cap(dist.get("spotMaxPrice")))
    templates = aws_template("launchTemplate", props.get("launchTemplate")) or aws_template(
        "launchConfiguration", props.get("launchConfiguration"), "aws-launch-configuration"
    )
    return [Run(count, (Machine(None, None),), templates)]


def _capacity_in_units(unit_type: Any) -> bool:
    return unit_type is None or lower(unit_type) == "units"


def aws_spot_fleet_request(props: dict) -> list[Run]:
    count = count_of(props.get("targetCapacity"))
    if not _capacity_in_units(props.get("targetCapacityUnitType")):
        note = "targetCapacity is in vCPUs or memory, not instances"
        return [Run(count, (Machine(None, True, note=note),))]
    fleet_cap = spot_cap(props.get("spotPrice"))
    machines: list[Machine] = []
    for i, spec in enumerate(as_list(props.get("launchSpecifications"))):
        spec = as_dict(spec)
        weight = number(spec.get("weightedCapacity")) or 1.0
        cap = spot_cap(spec.get("spotPrice")) or fleet_cap
        machines.append(
            Machine(spec.get("instanceType"), True, cap, (), weight, f"launchSpecifications[{i}].instanceType")
        )
    templates: tuple[TemplateRef, ...] = ()
    for i, config in enumerate(as_list(props.get("launchTemplateConfigs"))):
        config = as_dict(config)
        templates += aws_template("launchTemplateConfigs", config.get("launchTemplateSpecification"))
        found = _overrides(config.get("overrides"), f"launchTemplateConfigs[{i}].overrides", "spotPrice")
        machines += [replace(m, spot_cap=m.spot_cap or fleet_cap) for m in found]
    if not machines:
        machines = [Machine(None, None, fleet_cap)]
    on_demand = count_of(props.get("onDemandTargetCapacity"), 0.0)
    return mixed(count, tuple(machines), on_demand, templates, fleet_cap)


def aws_ec2_fleet(props: dict) -> list[Run]:
    spec = as_dict(props.get("targetCapacitySpecification"))
    count = count_of(spec.get("totalTargetCapacity"))
    if not _capacity_in_units(spec.get("targetCapacityUnitType")):
        return [Run(count, (Machine(None, False, note="the target capacity is in vCPUs or memory, not instances"),))]
    machines: tuple[Machine, ...] = ()
    templates: tuple[TemplateRef, ...] = ()
    for i, config in enumerate(as_list(props.get("launchTemplateConfigs"))):
        config = as_dict(config)
        templates += aws_template("launchTemplateConfigs", config.get("launchTemplateSpecification"))
        machines += _overrides(config.get("overrides"), f"launchTemplateConfigs[{i}].overrides", "maxPrice")
    machines = machines or (Machine(None, None),)
    # The default capacity type takes what onDemandTargetCapacity / spotTargetCapacity leave.
    on_demand = count_of(spec.get("onDemandTargetCapacity"), 0.0)
    spot = count_of(spec.get("spotTargetCapacity"), 0.0)
    if lower(spec.get("defaultTargetCapacityType")) != "spot":
        on_demand = max(count - spot, 0.0) if known(count, spot) else UNKNOWN
    return mixed(count, machines, on_demand, templates)


def aws_lightsail_instance(props: dict) -> list[Run]:
    note = "Lightsail bundles are priced per bundle, which the offerings catalog does not hold"
    return [Run(1.0, (Machine(props.get("bundleId"), False, where="bundleId", note=note),))]


# --- Azure ---------------------------------------------------------------------------------------

AZURE_SPOT = ("spot", "low")


def _azure_profile_machine(profile: Any, size: Any, where: str) -> Machine:
    spot = lower(dig(profile, "priority")) in AZURE_SPOT
    return Machine(size, spot, spot_cap(dig(profile, "billingProfile", "maxPrice")) if spot else None, where=where)


def azure_vm(props: dict) -> list[Run]:
    size = dig(props, "hardwareProfile", "vmSize")
    machine = _azure_profile_machine(props, size, "hardwareProfile.vmSize")
    return [Run(1.0, (replace(machine, windows=azure_windows(props)),))]


def azure_scale_set(props: dict) -> list[Run]:
    """sku.capacity VMs of sku.name (or of the skuProfile's sizes); a Flexible scale set without a
    sku runs no VMs itself (VMs join it as VirtualMachine resources)."""
    sku, sizes = props.get("sku"), as_list(dig(props, "skuProfile", "vmSizes"))
    if sku is None and not sizes:
        return []
    profile = props.get("virtualMachineProfile")
    if sizes:
        machines = tuple(
            _azure_profile_machine(profile, dig(s, "name"), f"skuProfile.vmSizes[{i}].name")
            for i, s in enumerate(sizes)
        )
    else:
        machines = (_azure_profile_machine(profile, dig(sku, "name"), "sku.name"),)
    count = count_of(dig(sku, "capacity"))
    if machines[0].spot and isinstance(props.get("priorityMixPolicy"), dict):
        policy = props["priorityMixPolicy"]
        base = count_of(policy.get("baseRegularPriorityCount"), 0.0)
        percent = count_of(policy.get("regularPriorityPercentageAboveBase"), 0.0)
        return mixed(count, machines, above_base(count, base, percent), cap=machines[0].spot_cap)
    return [Run(count, machines)]


def azure_compute_fleet(props: dict) -> list[Run]:
    """Azure Compute Fleet: regularPriorityProfile.capacity on-demand and spotPriorityProfile.capacity
    spot VMs of the vmSizesProfile sizes."""
    sizes = as_list(props.get("vmSizesProfile"))
    machines = tuple(Machine(dig(s, "name"), False, where=f"vmSizesProfile[{i}].name") for i, s in enumerate(sizes))
    machines = machines or (Machine(None, False, where="vmSizesProfile"),)
    regular = count_of(dig(props, "regularPriorityProfile", "capacity"), 0.0)
    spot = count_of(dig(props, "spotPriorityProfile", "capacity"), 0.0)
    cap = spot_cap(dig(props, "spotPriorityProfile", "maxPricePerVM"))
    count = regular + spot if known(regular, spot) else UNKNOWN
    return mixed(count, machines, regular, cap=cap)


# --- GCP -----------------------------------------------------------------------------------------


def _gcp_machine(props: dict, inherit: bool) -> Machine:
    """machineType, spot scheduling and guestAccelerators; with ``inherit``, absent ones are None
    (taken from the source template)."""
    size = props.get("machineType")
    scheduling = props.get("scheduling")
    if scheduling is None and inherit:
        spot = None
    else:
        spot = lower(dig(scheduling, "provisioningModel")) == "spot" or dig(scheduling, "preemptible") is True
    accelerators = props.get("guestAccelerators")
    if accelerators is None and inherit:
        gpus = None
    elif accelerators is UNKNOWN:
        gpus = ((UNKNOWN, UNKNOWN),)
    else:
        gpus = tuple((dig(a, "type"), dig(a, "count")) for a in as_list(accelerators))
    return Machine(last_segment(size), spot, None, gpus, where="machineType")


def _gcp_template_ref(prop: str, value: Any) -> TemplateRef:
    keys = tuple(strings(value)) + tuple(strings(last_segment(value)))
    return TemplateRef("gcp-instance-template", prop, keys)


def gcp_instance(props: dict) -> list[Run]:
    return [Run(1.0, (replace(_gcp_machine(props, inherit=False), windows=gcp_windows(props)),))]


def gcp_instance_template(props: dict) -> list[Run]:
    return [Run(None, (_gcp_machine(props, inherit=False),), kind="gcp-instance-template")]


def gcp_instance_from_template(props: dict) -> list[Run]:
    """One VM; what it does not set comes from sourceInstanceTemplate."""
    template = _gcp_template_ref("sourceInstanceTemplate", props.get("sourceInstanceTemplate"))
    return [Run(1.0, (_gcp_machine(props, inherit=True),), (template,))]


def gcp_instance_from_machine_image(props: dict) -> list[Run]:
    machine = _gcp_machine(props, inherit=False)
    note = "the size comes from the machine image (outside the stack) unless machineType is set"
    return [Run(1.0, (replace(machine, note=note),))]


def gcp_instance_group_manager(props: dict) -> list[Run]:
    """targetSize VMs from the versions' instance templates (the most expensive of them)."""
    refs = tuple(_gcp_template_ref("versions", dig(v, "instanceTemplate")) for v in as_list(props.get("versions"))) or (
        _gcp_template_ref("versions", props.get("versions")),
    )
    return [Run(count_of(props.get("targetSize"), 0.0), (Machine(None, None, None, None),), refs)]


def gcp_autoscaler(props: dict) -> tuple[Any, Any]:
    """An autoscaler's target instance group manager and its minimum size."""
    return props.get("target"), count_of(dig(props, "autoscalingPolicy", "minReplicas"), 0.0)


def is_template(runs: list[Run]) -> bool:
    return bool(runs) and all(r.kind for r in runs)
