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

from components.money import HOURS_PER_MONTH, cents, dollars, monthly_cents, monthly_price, parts_cents, usd
from components.pricing import Part

from .capacity import consumes, reservation_of
from .fleets import Machine, Run, TemplateRef, is_template
from .placement import resource_region
from .pricing import MachinePrice, RunPrice, price_machine, price_run
from .resource_cost import PRICED_WITHOUT_REGION, other_resource_cost, vm_extra_parts
from .values import UNKNOWN, Context, last_segment, number, strings

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
    return price.vm.basis + (f" + GPUs {usd(gpus, 4)}/h" if gpus else "")


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
                    f"{ctx.subject(name)}: {price.label()} costs {usd(hourly, 4)}/h ({basis}), over the ceiling "
                    f"of ${ceiling:g}/h (maxHourlyPrice){where}. Fix: choose a smaller size, use spot, or raise "
                    f"maxHourlyPrice."
                )
        return messages

    return check


def price_known(reader: Reader, sizes: bool = True) -> Callable[[str, dict, Context], list[str]]:
    """VM shapes without a price (``sizes``: for the types the ceiling judges; the others' sizes are judged
    by the stack budget), and, for every type, a VM count not known until apply."""

    def check(name: str, props: dict, ctx: Context) -> list[str]:
        messages = [
            f"{ctx.subject(name)}: price unknown for {price.label()}: {price.reason}, so the price ceiling and "
            f"the stack budget cannot count it (both fail closed unless unpricedHourlyPrice is set). Fix: "
            f"{UNPRICED_FIX}."
            for _, price in (judged_machines(reader, props, ctx) if sizes else [])
            if price.hourly is None
        ]
        if any(run.count is UNKNOWN and not run.kind for run in reader(props)):
            messages.append(
                f"{ctx.subject(name)}: how many VMs it runs is not known until apply, so this preview's stack budget "
                f"does not count it (the budget is judged again at the end of the update, after it is created). Fix: "
                f"write the count (desired capacity, target size, node count) as a value the preview knows."
            )
        return messages

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
        return dollars(self.cents) if self.cents is not None else monthly_price(self.hourly)


def month_cents(priced: RunPrice) -> int:
    """A run's month in cents: per VM, each part rounded as plan rounds it (``money.parts_cents``),
    times the count (a fleet weighing its sizes is rounded as a whole)."""
    worst = priced.worst
    if worst is None or priced.count is None:
        return monthly_cents(priced.hourly or 0.0)
    machine_weight = priced.hourly / (priced.count * worst.hourly) if priced.count and worst.hourly else 1.0
    if abs(machine_weight - 1.0) > 1e-9 or not float(priced.count).is_integer():
        return monthly_cents(priced.hourly or 0.0)
    return int(priced.count) * parts_cents(hourly for _, hourly in worst.parts)


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

    def dependencies(self, entry: StackEntry, ref: TemplateRef) -> list[str]:
        """The stack's templates of the ref's kind that its property depends on (through the engine)."""
        urns = [u for u in entry.deps.get(ref.prop, []) if u in self.templates]
        return [u for u in dict.fromkeys(urns) if self.templates[u][1][0].kind == ref.kind]

    def named(self, ref: TemplateRef) -> list[str]:
        """The stack's templates whose id or name the ref writes."""
        return list(dict.fromkeys(self.by_key[(ref.kind, k)] for k in ref.keys if (ref.kind, k) in self.by_key))

    def find(self, entry: StackEntry, ref: TemplateRef) -> list[tuple[StackEntry, list[Run]]]:
        urns = self.dependencies(entry, ref) or self.named(ref)
        return [self.templates[u] for u in urns]

    def outside(self, entry: StackEntry, refs: Iterable[TemplateRef]) -> list[TemplateRef]:
        """The refs that name no template of the stack. Refs written under one property (an auto-scaling
        group's template and its overrides' templates) share its dependencies, so each stack template the
        property depends on, beyond those named by id or name, accounts for one ref, in order."""
        refs = list(dict.fromkeys(refs))
        missing = []
        for prop, kind in dict.fromkeys((r.prop, r.kind) for r in refs):
            group = [r for r in refs if (r.prop, r.kind) == (prop, kind)]
            named = {u for r in group for u in self.named(r)}
            unnamed = [r for r in group if not self.named(r)]
            spare = [u for u in self.dependencies(entry, group[0]) if u not in named]
            missing += unnamed[len(spare) :]
        return missing


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
    """What each VM-running resource of the stack costs per hour (templates run nothing), and each
    disk, address or endpoint of its own."""
    index = StackIndex(entries, readers, scalers)
    in_use = reserved_in_use(entries)
    costs = []
    for entry in entries:
        reader = readers.get(entry.type)
        runs = reader(entry.props) if reader else []
        if runs and not is_template(runs):
            costs.append(vm_resource_cost(entry, runs, index, in_use))
        elif not runs:
            cost = part_resource_cost(entry)
            if cost is not None:
                costs.append(cost)
    return costs


def part_resource_cost(entry: StackEntry) -> Cost | None:
    """A disk, public address or endpoint of its own (None for a resource that costs nothing here);
    without a region it is named, not priced (unless its price is the same everywhere)."""
    region = resource_region(entry.ctx.cloud, entry.props, entry.ctx)
    part = other_resource_cost(entry.type, entry.props, region or "")
    if part is None:
        return None
    known = region or entry.type in PRICED_WITHOUT_REGION
    return _part_cost(entry.name, part if known else Part(part.name, None, "region not known"))


def billed_run(entry: StackEntry, run: Run, index: StackIndex, in_use: Mapping[str, float]) -> Run:
    """A run with the count that is billed: at least its autoscaler's minimum, less the VMs a
    reservation's capacity holds that the stack's single VMs use (counted themselves)."""
    if entry.urn in index.minimum and isinstance(run.count, float):
        run = replace(run, count=max(run.count, index.minimum[entry.urn]))
    if in_use.get(entry.urn) and isinstance(run.count, float):
        run = replace(
            run,
            count=max(run.count - in_use[entry.urn], 0.0),
            label=f"reserved, {in_use[entry.urn]:g} in use by VMs counted themselves",
        )
    return run


@dataclass
class RunTally:
    """A resource's runs added up: the priced ones' hours, cents and labels, and what the unpriced
    ones leave unknown (the first reason, how many VMs, whether only until apply)."""

    hourly: float = 0.0
    cents: int = 0
    labels: list[str] = field(default_factory=list)
    reason: str = ""
    unpriced: float | None = 0.0
    pending: bool = True

    def add(self, run: Run, priced: RunPrice | None, missing: str) -> None:
        if priced is None or priced.hourly is None:
            self.reason = self.reason or missing or (priced.reason if priced else "")
            self.pending = self.pending and priced is not None and priced.pending
            count = run.count if isinstance(run.count, float) else None
            self.unpriced = None if self.unpriced is None or count is None else self.unpriced + count
            return
        self.hourly += priced.hourly
        self.cents += month_cents(priced)
        if priced.worst is not None:
            shape = priced.worst.label()
            what = (
                f"{priced.count:g} vCPUs at the rate of {shape}"
                if run.machines[0].per_vcpu
                else f"{priced.count:g}x {shape}"
            )
            self.labels.append(what + (f" ({run.label})" if run.label else ""))
        elif run.label:
            self.labels.append(run.label)  # nothing left to bill (a reservation the stack's VMs fill)


def vm_resource_cost(entry: StackEntry, runs: list[Run], index: StackIndex, in_use: Mapping[str, float]) -> Cost:
    """A resource that runs VMs: every run priced (templates filled in), and a single VM's inline disks
    and public address with ``plan``'s pricing function."""
    region = resource_region(entry.ctx.cloud, entry.props, entry.ctx)
    tally = RunTally()
    for run in runs:
        run, missing = resolve(entry, billed_run(entry, run, index, in_use), index)
        tally.add(run, None if missing else price_run(entry.ctx.cloud or "", run, region), missing)
    missing_parts: tuple[str, ...] = ()
    if entry.type in SINGLE_VMS and region is not None and not tally.reason:
        spot = any(m.spot for r in runs for m in r.machines)
        extras = vm_extra_parts(entry.ctx.cloud or "", entry.type, entry.props, region, spot)
        tally.cents += sum(p.cents for p in extras if p.cents is not None)
        missing_parts = tuple(f"{p.name}: {p.detail}" for p in extras if p.cents is None)
    reason = tally.reason
    return Cost(
        entry.name,
        None if reason else tally.hourly,
        ", ".join(tally.labels),
        reason,
        tally.unpriced,
        bool(reason) and tally.pending,
        None if reason else tally.cents,
        missing_parts,
    )


def stack_budget_messages(costs: Iterable[Cost], budget: float, assumed: float | None) -> list[str]:
    """Over budget, and (failing closed) VMs without a price unless a price to assume is set."""
    costs = list(costs)
    waiting = [c for c in costs if c.hourly is None and c.pending]  # known during the update
    unpriced = [c for c in costs if c.hourly is None and not c.pending]
    priced = [c for c in costs if c.monthly is not None]
    missing = [f"{c.name} ({'; '.join(c.missing)})" for c in priced if c.missing]
    blocking = [c for c in unpriced if assumed is None or c.unpriced is None]
    assumed_vms = sum(c.unpriced for c in unpriced if c not in blocking)
    total_cents = sum(c.cents if c.cents is not None else monthly_cents(c.hourly) for c in priced)
    if assumed is not None:
        total_cents += cents(assumed, assumed_vms, HOURS_PER_MONTH)
    total = total_cents / 100
    messages = []
    if total > budget:
        biggest = sorted(priced, key=lambda c: -(c.monthly or 0))[:5]
        breakdown = ", ".join(f"{c.name} ({c.label}) {usd(c.monthly)}" for c in biggest)
        assumption = f"; {assumed_vms:g} unpriced VM(s) at ${assumed:g}/h each" if assumed_vms else ""
        if waiting:
            assumption += f"; {len(waiting)} VM resource(s) with sizes not known until apply not counted"
        if missing:
            assumption += f"; parts without a price not counted: {', '.join(missing[:5])}"
        at_least = "at least " if missing or waiting else ""
        messages.append(
            f"stack VMs cost {at_least}{usd(total)}/month ({HOURS_PER_MONTH} h), over the budget of {usd(budget)} "
            f"(maxMonthlyBudget); biggest: {breakdown or 'none priced'}{assumption}. Fix: remove or shrink VMs "
            f"or fleets, use spot, or raise maxMonthlyBudget."
        )
    if blocking:
        listed = "; ".join(f"{c.name}: {c.reason}" for c in blocking[:5])
        more = f"; also {', '.join(c.name for c in blocking[5:])}" if len(blocking) > 5 else ""
        messages.append(
            f"the stack's cost cannot be checked against the budget of {usd(budget)} (maxMonthlyBudget): "
            f"{len(blocking)} VM resource(s) have no price ({listed}{more}). Fix: {UNPRICED_FIX}."
        )
    return messages
