"""Cost rules: each VM under the hourly ceiling, the whole stack under the monthly budget, and every
VM's price known.

A VM the catalog cannot price fails both mandatory cost rules (fail closed): the ceiling cannot show
it under the limit and the budget cannot show the stack within budget. A team that runs such VMs on
purpose states the price to assume (``unpricedHourlyPrice``), and the rules judge that assumption.
Fleets count capacity x the most expensive size per capacity unit; a fleet whose sizes come from a
template in the same stack is priced through that template (found through the engine's property
dependencies, else by id or name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from components.pricing import Part, to_cents

from .capacity import consumes, reservation_of
from .fleets import Machine, Run, TemplateRef, is_template
from .placement import resource_region
from .pricing import HOURS_PER_MONTH, MachinePrice, RunPrice, price_machine, price_run
from .resource_cost import PRICED_WITHOUT_REGION, other_resource_cost, vm_extra_parts
from .values import Context, last_segment, number, strings

# The single-VM types whose disks and public IPv4 are inline (priced with plan's function).
SINGLE_VMS = ("aws:ec2/instance:Instance", "azure-native:compute:VirtualMachine", "gcp:compute/instance:Instance")

DEFAULT_MAX_HOURLY_PRICE = 2.0
DEFAULT_MAX_MONTHLY_BUDGET = 1000.0
UNPRICED_FIX = (
    "use a size and region the offerings catalog prices (python -m components compare), set the region "
    "(provider config or defaultRegions), or set unpricedHourlyPrice to the hourly price to assume for VMs "
    "the catalog cannot price"
)

Reader = Callable[[dict], list[Run]]


def assumed_price(ctx: Context) -> float | None:
    value = number(ctx.config.get("unpricedHourlyPrice"))
    return value if value is not None and value >= 0 else None


def judged_machines(reader: Reader, props: dict, ctx: Context) -> list[tuple[Machine, MachinePrice]]:
    """Every VM shape a resource names, priced; shapes taken from a template are judged there."""
    region = resource_region(ctx.cloud, props, ctx)
    out = []
    for run in reader(props):
        for machine in run.machines:
            if machine.size is None and (run.templates or run.kind):
                continue
            out.append((machine, price_machine(ctx.cloud or "", machine, region)))
    return out


def _basis(price: MachinePrice) -> str:
    gpus = dict(price.parts).get("gpus")
    return price.vm.basis + (f" + GPUs ${gpus:.4f}/h" if gpus else "")


def price_ceiling(reader: Reader) -> Callable[[str, dict, Context], list[str]]:
    def check(name: str, props: dict, ctx: Context) -> list[str]:
        ceiling = number(ctx.config.get("maxHourlyPrice"))
        if ceiling is None:
            return []
        assumed = assumed_price(ctx)
        messages = []
        for machine, price in judged_machines(reader, props, ctx):
            where = f" ({machine.where})" if "[" in machine.where or "." in machine.where else ""
            if price.hourly is None and price.pending:
                continue  # judged during the update, before the VM is created, when the value is known
            if price.hourly is None and assumed is None:
                messages.append(
                    f"{ctx.subject(name)}: price unknown for {price.label()}{where}: {price.reason}, so it cannot "
                    f"be shown to be under the ceiling of ${ceiling:g}/h (maxHourlyPrice). Fix: {UNPRICED_FIX}."
                )
                continue
            hourly, basis = (
                (price.hourly, _basis(price)) if price.hourly is not None else (assumed, "unpricedHourlyPrice")
            )
            if hourly > ceiling:
                messages.append(
                    f"{ctx.subject(name)}: {price.label()} costs ${hourly:.4f}/h ({basis}), over the ceiling "
                    f"of ${ceiling:g}/h (maxHourlyPrice){where}. Fix: choose a smaller size, use spot, or raise "
                    f"maxHourlyPrice."
                )
        return messages

    return check


def price_known(reader: Reader) -> Callable[[str, dict, Context], list[str]]:
    def check(name: str, props: dict, ctx: Context) -> list[str]:
        return [
            f"{ctx.subject(name)}: price unknown for {price.label()}: {price.reason}, so the price ceiling and "
            f"the stack budget cannot count it (both fail closed unless unpricedHourlyPrice is set). Fix: "
            f"{UNPRICED_FIX}."
            for _, price in judged_machines(reader, props, ctx)
            if price.hourly is None
        ]

    return check


# --- The stack budget ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StackEntry:
    """One resource of the stack as the budget sees it (plain props, its context, the URNs each
    top-level property depends on)."""

    type: str
    name: str
    urn: str
    props: dict
    ctx: Context
    deps: Mapping[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Cost:
    """A resource's cost; ``hourly`` None when some of its VMs have no price (``reason``),
    ``unpriced`` how many VMs those are (None when not known until apply). ``cents`` is the month in
    whole cents, each part rounded on its own as ``plan`` rounds it (so the totals agree to the cent);
    ``missing`` names parts beside the VMs (a disk, an address) that have no price."""

    name: str
    hourly: float | None
    label: str
    reason: str = ""
    unpriced: float | None = 0.0
    pending: bool = False
    cents: int | None = None
    missing: tuple[str, ...] = ()

    @property
    def monthly(self) -> float | None:
        if self.cents is not None:
            return self.cents / 100
        return None if self.hourly is None else self.hourly * HOURS_PER_MONTH


def _month_cents(priced: RunPrice) -> int:
    """A run's month in cents: per VM, each part rounded as plan rounds it, times the count (a fleet
    weighing its sizes is rounded as a whole)."""
    worst = priced.worst
    if worst is None or priced.count is None:
        return to_cents((priced.hourly or 0.0) * HOURS_PER_MONTH)
    machine_weight = priced.hourly / (priced.count * worst.hourly) if priced.count and worst.hourly else 1.0
    if abs(machine_weight - 1.0) > 1e-9 or not float(priced.count).is_integer():
        return to_cents((priced.hourly or 0.0) * HOURS_PER_MONTH)
    return int(priced.count) * sum(to_cents(hourly * HOURS_PER_MONTH) for _, hourly in worst.parts)


def _part_cost(name: str, part: Part) -> Cost:
    """A disk or public address of its own: priced, or counted as nothing and named (never a VM the
    budget fails closed on)."""
    cents = part.cents or 0
    missing = () if part.cents is not None else (part.detail,)
    return Cost(name, cents / 100 / HOURS_PER_MONTH, part.detail, cents=cents, missing=missing)


def _keys(props: dict) -> set[str]:
    keys = set()
    for key in ("name", "id", "selfLink", "selfLinkUnique", "arn", "launchTemplateName", "launchConfigurationName"):
        for value in strings(props.get(key)):
            keys |= {value, str(last_segment(value))}
    return keys


class StackIndex:
    """The stack's templates and autoscalers, by URN and by the ids and names a fleet may write."""

    def __init__(self, entries: list[StackEntry], readers: Mapping[str, Reader], scalers: Mapping[str, Callable]):
        self.templates: dict[str, tuple[StackEntry, list[Run]]] = {}
        self.by_key: dict[tuple[str, str], str] = {}
        self.minimum: dict[str, float] = {}
        by_urn = {e.urn: e for e in entries}
        for entry in entries:
            reader = readers.get(entry.type)
            runs = reader(entry.props) if reader else []
            if is_template(runs):
                self.templates[entry.urn] = (entry, runs)
                for key in _keys(entry.props):
                    self.by_key[(runs[0].kind, key)] = entry.urn
        igm_keys = {key: e.urn for e in entries for key in _keys(e.props)}
        for entry in entries:
            if entry.type in scalers:
                target, minimum = scalers[entry.type](entry.props)
                urns = [u for u in entry.deps.get("target", []) if u in by_urn]
                urns += [igm_keys[k] for k in strings(target) + strings(last_segment(target)) if k in igm_keys]
                for urn in urns:
                    if isinstance(minimum, float):
                        self.minimum[urn] = max(self.minimum.get(urn, 0.0), minimum)

    def find(self, entry: StackEntry, ref: TemplateRef) -> list[tuple[StackEntry, list[Run]]]:
        urns = [u for u in entry.deps.get(ref.prop, []) if u in self.templates]
        urns = [u for u in urns if self.templates[u][1][0].kind == ref.kind]
        if not urns:
            urns = [self.by_key[(ref.kind, k)] for k in ref.keys if (ref.kind, k) in self.by_key]
        return [self.templates[u] for u in dict.fromkeys(urns)]


def _merge(machine: Machine, template: Machine) -> Machine:
    """A fleet's VM shape with what it leaves unset taken from its template."""
    return replace(
        machine,
        size=template.size if machine.size is None else machine.size,
        spot=template.spot if machine.spot is None else machine.spot,
        spot_cap=machine.spot_cap if machine.spot_cap is not None else template.spot_cap,
        accelerators=template.accelerators if machine.accelerators is None else machine.accelerators,
        where=machine.where or template.where,
        note=machine.note or template.note,
    )


def resolve(entry: StackEntry, run: Run, index: StackIndex) -> tuple[Run, str]:
    """The run with its template-supplied fields filled in; a reason when a template is missing."""
    needs = [m for m in run.machines if m.size is None or m.spot is None or m.accelerators is None]
    if not needs or not run.templates:
        return run, ""
    machines = [m for m in run.machines if m not in needs]
    for ref in run.templates:
        found = index.find(entry, ref)
        if not found:
            written = ", ".join(ref.keys) or "a value not known until apply"
            return run, f"its template ({ref.prop}: {written}) is not in the stack, so its VM size is unknown"
        for _, template_runs in found:
            machines += [_merge(m, t) for m in needs for r in template_runs for t in r.machines]
    return replace(run, machines=tuple(machines)), ""


def reserved_in_use(entries: list[StackEntry]) -> dict[str, float]:
    """Per reservation (URN): how many of its VMs the stack's single on-demand VMs run in (each VM
    in one reservation of its region), so those VMs are not counted twice."""
    remaining = {}
    for entry in entries:
        found = reservation_of(entry.type, entry.props)
        if found is not None:
            remaining[entry.urn] = (found, resource_region(entry.ctx.cloud, entry.props, entry.ctx))
    used = dict.fromkeys(remaining, 0.0)
    for entry in entries:
        region = resource_region(entry.ctx.cloud, entry.props, entry.ctx)
        for urn, (reservation, reserved_region) in remaining.items():
            if (
                used[urn] < reservation.count
                and region == reserved_region
                and consumes(entry.type, entry.props, reservation)
            ):
                used[urn] += 1
                break
    return used


def stack_costs(
    entries: list[StackEntry], readers: Mapping[str, Reader], scalers: Mapping[str, Callable]
) -> list[Cost]:
    """What each VM-running resource of the stack costs per hour (templates run nothing)."""
    index = StackIndex(entries, readers, scalers)
    in_use = reserved_in_use(entries)
    costs = []
    for entry in entries:
        reader = readers.get(entry.type)
        runs = reader(entry.props) if reader else []
        if not runs or is_template(runs):
            region = resource_region(entry.ctx.cloud, entry.props, entry.ctx)
            part = other_resource_cost(entry.type, entry.props, region or "") if not runs else None
            if part is not None:
                known = region or entry.type in PRICED_WITHOUT_REGION
                costs.append(_part_cost(entry.name, part if known else Part(part.name, None, "region not known")))
            continue
        region = resource_region(entry.ctx.cloud, entry.props, entry.ctx)
        total, labels, reason, unpriced, pending, cents = 0.0, [], "", 0.0, True, 0
        for run in runs:
            if entry.urn in index.minimum and isinstance(run.count, float):
                run = replace(run, count=max(run.count, index.minimum[entry.urn]))
            if in_use.get(entry.urn) and isinstance(run.count, float):
                run = replace(
                    run,
                    count=max(run.count - in_use[entry.urn], 0.0),
                    label=f"reserved, {in_use[entry.urn]:g} in use by VMs counted themselves",
                )
            run, missing = resolve(entry, run, index)
            priced: RunPrice | None = None if missing else price_run(entry.ctx.cloud or "", run, region)
            if priced is None or priced.hourly is None:
                reason = reason or missing or (priced.reason if priced else "")
                pending = pending and priced is not None and priced.pending
                count = run.count if isinstance(run.count, float) else None
                unpriced = None if unpriced is None or count is None else unpriced + count
                continue
            total += priced.hourly
            cents += _month_cents(priced)
            if priced.worst is not None:
                shape = priced.worst.label()
                what = (
                    f"{priced.count:g} vCPUs at the rate of {shape}"
                    if run.machines[0].per_vcpu
                    else f"{priced.count:g}x {shape}"
                )
                labels.append(what + (f" ({run.label})" if run.label else ""))
            elif run.label:
                labels.append(run.label)  # nothing left to bill (a reservation the stack's VMs fill)
        missing: tuple[str, ...] = ()
        if entry.type in SINGLE_VMS and region is not None and not reason:
            spot = any(m.spot for r in runs for m in r.machines)
            extras = vm_extra_parts(entry.ctx.cloud or "", entry.type, entry.props, region, spot)
            cents += sum(p.cents for p in extras if p.cents is not None)
            missing = tuple(f"{p.name}: {p.detail}" for p in extras if p.cents is None)
        costs.append(
            Cost(
                entry.name,
                None if reason else total,
                ", ".join(labels),
                reason,
                unpriced,
                bool(reason) and pending,
                None if reason else cents,
                missing,
            )
        )
    return costs


def stack_budget_messages(costs: Iterable[Cost], budget: float, assumed: float | None) -> list[str]:
    """Over budget, and (failing closed) VMs without a price unless a price to assume is set."""
    costs = list(costs)
    waiting = [c for c in costs if c.hourly is None and c.pending]  # known during the update
    unpriced = [c for c in costs if c.hourly is None and not c.pending]
    priced = [c for c in costs if c.monthly is not None]
    total = sum(c.cents if c.cents is not None else to_cents(c.monthly) for c in priced) / 100
    missing = [f"{c.name} ({'; '.join(c.missing)})" for c in priced if c.missing]
    blocking = [c for c in unpriced if assumed is None or c.unpriced is None]
    assumed_vms = sum(c.unpriced for c in unpriced if c not in blocking)
    if assumed is not None:
        total += assumed * assumed_vms * HOURS_PER_MONTH
    messages = []
    if total > budget:
        biggest = sorted(priced, key=lambda c: -(c.monthly or 0))[:5]
        breakdown = ", ".join(f"{c.name} ({c.label}) ${c.monthly:,.2f}" for c in biggest)
        assumption = f"; {assumed_vms:g} unpriced VM(s) at ${assumed:g}/h each" if assumed_vms else ""
        if waiting:
            assumption += f"; {len(waiting)} VM resource(s) with sizes not known until apply not counted"
        if missing:
            assumption += f"; parts without a price not counted: {', '.join(missing[:5])}"
        at_least = "at least " if missing or waiting else ""
        messages.append(
            f"stack VMs cost {at_least}${total:,.2f}/month ({HOURS_PER_MONTH} h), over the budget of ${budget:,.2f} "
            f"(maxMonthlyBudget); biggest: {breakdown or 'none priced'}{assumption}. Fix: remove or shrink VMs "
            f"or fleets, use spot, or raise maxMonthlyBudget."
        )
    if blocking:
        listed = "; ".join(f"{c.name}: {c.reason}" for c in blocking[:5])
        more = f"; also {', '.join(c.name for c in blocking[5:])}" if len(blocking) > 5 else ""
        messages.append(
            f"the stack's cost cannot be checked against the budget of ${budget:,.2f} (maxMonthlyBudget): "
            f"{len(blocking)} VM resource(s) have no price ({listed}{more}). Fix: {UNPRICED_FIX}."
        )
    return messages
