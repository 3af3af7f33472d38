"""What VMs cost per hour, from the offerings catalog (``components.catalog``, standard library only).

:func:`price_vm` is the one place a VM's hourly compute price is derived (size, region, spot and a
spot price cap): the most it can cost (``money.hourly_ceiling``: a spot VM whose spot price is unknown
counts at its on-demand price, where ``plan`` leaves it unpriced). Around it: :func:`price_accelerators`
for GPUs attached to GCP VMs, :func:`price_machine` adding the parts of one VM (compute + GPUs + a
Windows licence, priced as ``plan`` prices it: ``components.pricing.licence_part``), and
:func:`price_run` multiplying by a fleet's capacity. Disks and public IPv4 addresses are added by the
stack budget (``resource_cost``), with ``plan``'s pricing function.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

# The pack runs from policies/ in its own virtualenv: put the repo root on the path so the
# stdlib-only offerings catalog (components.catalog) is importable there.
REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from components.catalog import load as load_catalog  # noqa: E402
from components.catalog.gpus import GCP_ACCELERATOR_TYPES  # noqa: E402
from components.cloud_rules import rules  # noqa: E402
from components.money import hourly_ceiling  # noqa: E402
from components.pricing import licence_part  # noqa: E402

from .fleets import Machine, Run  # noqa: E402
from .values import UNKNOWN, last_segment, number, show  # noqa: E402


@dataclass(frozen=True)
class VmPrice:
    """What one VM's compute costs per hour; ``hourly`` is None when unknown (``reason`` says why)."""

    cloud: str
    instance_type: str | None
    region: str | None
    spot: bool
    hourly: float | None
    basis: str = ""
    reason: str = ""
    pending: bool = False  # unknown only until apply (a value computed from another resource)

    def label(self) -> str:
        return f"{self.instance_type or '?'} in {self.region or '?'}{' (spot)' if self.spot else ''}"


def _offering(cloud: str, size: str, region: str):
    catalog = load_catalog(cloud)
    offering = catalog.get(size, region)
    if offering is None and not rules(cloud).SIZE_NAMES_CASE_SENSITIVE:
        folded = size.lower()
        offering = next((o for name, o in catalog.offerings(region).items() if name.lower() == folded), None)
    return offering


def price_vm(
    cloud: str, size: Any, region: str | None, *, spot: bool = False, spot_cap: float | None = None
) -> VmPrice:
    """A VM's hourly compute price, the most it can cost (``money.hourly_ceiling``): the catalog's
    on-demand price, or for spot its spot price (the on-demand price when the spot price is unknown),
    never above the spot price cap."""
    size_name = size if isinstance(size, str) and size.strip() else None
    unknown = VmPrice(cloud, size_name, region, spot, None)
    if size_name is None:
        state = "not known until apply" if size is UNKNOWN else "not set"
        return _with_reason(unknown, f"the VM size is {state}", pending=size is UNKNOWN)
    if region is None:
        return _with_reason(unknown, f"the region is unknown (set the provider region or defaultRegions.{cloud})")
    offering = _offering(cloud, size_name, region)
    if offering is None:
        return _with_reason(unknown, f"the offerings catalog has no {size_name} in {region}")
    hourly, basis = hourly_ceiling(offering.price_hourly, offering.spot_price_hourly, spot, spot_cap)
    if hourly is None:
        return _with_reason(unknown, f"the offerings catalog has no price for {size_name} in {region}")
    return VmPrice(cloud, offering.instance_type, region, spot, hourly, basis)


def _with_reason(price: VmPrice, reason: str, pending: bool = False) -> VmPrice:
    return VmPrice(price.cloud, price.instance_type, price.region, price.spot, None, reason=reason, pending=pending)


def price_accelerators(region: str | None, accelerators: tuple, spot: bool) -> tuple[float | None, str]:
    """GPUs attached to a GCP VM (guestAccelerators), per hour: (price, reason when unknown)."""
    total = 0.0
    for type_, count in accelerators:
        n = number(count)
        if type_ is UNKNOWN or count is UNKNOWN:
            return None, "the attached GPUs are not known until apply"
        if n is None or n <= 0:
            continue
        name = GCP_ACCELERATOR_TYPES.get(str(last_segment(type_)).lower())
        if name is None or region is None:
            return None, f"the offerings catalog has no price for GPU {last_segment(type_)!r} in {region or '?'}"
        offers = [a for a in load_catalog("gcp").accelerators(region) if a.name == name]
        exact = next((a for a in offers if a.count == n), None)
        single = next((a for a in offers if a.count == 1), None)

        def hourly(a):
            return hourly_ceiling(a.price_hourly, a.spot_price_hourly, spot)[0]

        if exact and hourly(exact) is not None:
            total += hourly(exact)
        elif single and hourly(single) is not None:
            total += hourly(single) * n
        else:
            return None, f"the offerings catalog has no price for {n:g}x {last_segment(type_)} in {region}"
    return total, ""


@dataclass(frozen=True)
class MachinePrice:
    """One VM's hourly price by parts; ``hourly`` None when a part is unknown (``reason``)."""

    vm: VmPrice
    parts: tuple[tuple[str, float], ...]
    hourly: float | None
    reason: str = ""
    gpus: str = ""
    pending: bool = False

    def label(self) -> str:
        return self.vm.label() + (f" with {self.gpus}" if self.gpus else "")


def price_machine(cloud: str, machine: Machine, region: str | None) -> MachinePrice:
    """Compute (price_vm) plus attached GPUs; an unpriceable part makes the whole unknown."""
    if machine.unpriced:
        size = machine.size if isinstance(machine.size, str) else None
        vm = VmPrice(cloud, size, region, bool(machine.spot), None, reason=machine.unpriced)
        return MachinePrice(vm, (), None, machine.unpriced)
    vm = price_vm(cloud, machine.size, region, spot=bool(machine.spot), spot_cap=machine.spot_cap)
    gpus = ", ".join(
        f"{number(c):g}x {last_segment(t)}" if number(c) is not None else f"{show(c)}x {show(last_segment(t))}"
        for t, c in machine.accelerators or ()
    )
    if vm.hourly is None:
        reason = vm.reason + (f" ({machine.note})" if machine.note else "")
        return MachinePrice(vm, (), None, reason, gpus, vm.pending)
    parts = [("compute", vm.hourly)]
    if machine.accelerators:
        gpu_price, reason = price_accelerators(region, machine.accelerators, bool(machine.spot))
        if gpu_price is None:
            return MachinePrice(vm, tuple(parts), None, reason, gpus, "until apply" in reason)
        parts.append(("gpus", gpu_price))
    if machine.windows and region is not None and vm.instance_type:
        licence = licence_part(cloud, region, vm.instance_type, load_catalog(cloud))
        if licence.hourly is None:
            return MachinePrice(vm, tuple(parts), None, f"the Windows licence has no price ({licence.detail})", gpus)
        parts.append(("Windows licence", licence.hourly))
    return MachinePrice(vm, tuple(parts), sum(p for _, p in parts), "", gpus)


# AWS Batch: "optimal" picks from the C4, M4 and R4 families (and newer generations where those are
# not offered); default_x86_64 from C6i, M6i, R6i, C7i, M7i, R7i; default_arm64 from Graviton's.
# https://docs.aws.amazon.com/batch/latest/APIReference/API_ComputeResource.html (instanceTypes).
BATCH_FAMILIES = {
    "optimal": ("c4", "m4", "r4", "c5", "m5", "r5"),
    "default_x86_64": ("c6i", "m6i", "r6i", "c7i", "m7i", "r7i"),
    "default_arm64": ("c6g", "m6g", "r6g", "c7g", "m7g", "r7g"),
}


def _units(cloud: str, machines, region: str | None) -> list[tuple[Machine, float]]:
    """Each machine with the capacity units one VM of it counts for: its weight, or for a run counted
    in vCPUs every catalog size its name stands for (a type, a family, Batch's "optimal") with its
    vCPUs, so the most expensive vCPU is what each unit costs."""
    out: list[tuple[Machine, float]] = []
    for machine in machines:
        if not machine.per_vcpu or machine.unpriced or not isinstance(machine.size, str) or region is None:
            out.append((machine, machine.weight))
            continue
        name = machine.size.strip().lower()
        families = BATCH_FAMILIES.get(name, (name,))
        offerings = [
            o
            for o in load_catalog(cloud).offerings(region).values()
            if o.instance_type.lower() == name or o.instance_type.split(".")[0].lower() in families
        ]
        if not offerings:
            out.append((replace(machine, per_vcpu=False), 1.0))  # priced as written: unknown, named
        out += [(replace(machine, size=o.instance_type), o.vcpus or 1.0) for o in offerings]
    return out


@dataclass(frozen=True)
class RunPrice:
    """A fleet part's hourly price: count x the most expensive machine per capacity unit."""

    run: Run
    count: float | None
    worst: MachinePrice | None  # the machine priced per unit the highest (or the unpriceable one)
    hourly: float | None
    reason: str = ""
    pending: bool = False


def price_run(cloud: str, run: Run, region: str | None) -> RunPrice:
    if run.kind:
        return RunPrice(run, None, None, None, "a template runs no VM")
    if not isinstance(run.count, float):
        reason = "its VM count is not known until apply" if run.count is UNKNOWN else "its VM count is not set"
        return RunPrice(run, None, None, None, reason, run.count is UNKNOWN)
    if run.count == 0:
        return RunPrice(run, 0.0, None, 0.0)  # runs no VM: nothing to price
    worst, worst_unit = None, -1.0
    for machine, weight in _units(cloud, run.machines, region):
        price = price_machine(cloud, machine, region)
        if price.hourly is None:
            return RunPrice(run, run.count, price, None, price.reason, price.pending)
        unit = price.hourly / weight
        if unit > worst_unit:
            worst, worst_unit = price, unit
    if worst is None:
        return RunPrice(run, run.count, None, None, "it names no VM size")
    return RunPrice(run, run.count, worst, run.count * worst_unit)
