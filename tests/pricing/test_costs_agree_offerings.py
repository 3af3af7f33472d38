"""Every offering of the shipped snapshot (all three clouds, every region, on-demand and spot, Linux and
Windows) costs the same month to the cent by the four paths that price it: ``compare`` (its JSON/CSV
record), ``plan`` (``pricing.vm_cost``, the function ``spec_cost`` calls), the cost diff (a plan file of
those rows read back by ``plan --diff``) and the policy pack (``price_run`` and the budget's
``month_cents``). All of them, every offering: 83,728 offerings, 334,912 cases (x Linux/Windows x
on-demand/spot), each priced by the four paths, in about 35 s of CPU split over six tests (~20 s wall
with ``-n 2`` on 2 cores). No sampling: a rounding rule that differs shows up on a few hundred offerings
only (issue 23's t3.large in af-south-1; compare's month rounded with ``round()`` again fails 138 to
254 cases per test).

Where the paths answer different questions they are checked for exactly that difference:
- a spot VM whose spot price is unknown costs an unknown amount (plan: compute unpriced; compare:
  none), and at most its on-demand month (the pack's ceiling equals the on-demand month of the others);
- a Windows licence without a public price: plan and compare count the compute alone (a lower bound,
  the licence named unpriced), the pack fails closed (no price);
- a size the component does not run as spot: compare shows no spot price; plan and the pack still agree.
"""

from __future__ import annotations

import json

import pytest

from components import catalog, pricing
from components.money import cents
from components.plan_row import PlanRow
from components.tools.compare.query import Query
from components.tools.compare.render import row_record
from components.tools.compare.search import CloudResult, Row, make_row
from components.tools.plandiff import diff_plans, parse_plan
from policies.cost import month_cents
from policies.fleets import Machine, Run
from policies.pricing import price_run

NO_ANSWER = object()  # compare shows no spot price for a size the component does not run as spot


def compare_months(cat: catalog.Catalog, offering: catalog.Offering, os: str, result: CloudResult) -> dict:
    """compare's record of the offering: {spot: cents, None (unknown) or NO_ANSWER}."""
    record = row_record(make_row(cat, Row(offering), Query(os=os)), result)
    months = {spot: record[key] for spot, key in ((False, "monthly_price"), (True, "spot_monthly_price"))}
    months = {spot: None if value is None else cents(value) for spot, value in months.items()}
    if not record["spot_allowed"]:
        assert months[True] is None, f"compare shows a spot price for {offering.instance_type}, refused as spot"
        months[True] = NO_ANSWER
    return months


def pack_month(cloud: str, offering: catalog.Offering, spot: bool, windows: bool) -> int | None:
    priced = price_run(cloud, Run(1.0, (Machine(offering.instance_type, spot=spot, windows=windows),)), offering.region)
    return None if priced.hourly is None else month_cents(priced)


def diff_months(rows: list[PlanRow]) -> dict[str, int | None]:
    """Each row's month as the cost diff reads it from a plan file, and checks the plan's total."""
    read = parse_plan(json.dumps([row.to_json() for row in rows]))
    diff = diff_plans([], read)
    months = {c.name: None if c.monthly_after is None else cents(c.monthly_after) for c in diff.changes}
    assert diff.after.known_cents == sum(m for m in months.values() if m is not None)
    return months


@pytest.mark.parametrize("os", ["linux", "windows"])
@pytest.mark.parametrize("cloud", catalog.CLOUDS)
def test_every_offering_costs_the_same_month_by_compare_plan_the_cost_diff_and_the_pack(cloud, os):
    cat, windows = catalog.load(cloud), os == "windows"
    plans: dict[bool, list[PlanRow]] = {False: [], True: []}
    expected: dict[tuple[str, bool], tuple] = {}
    for region in cat.regions:
        result = CloudResult(cloud, region, "", cat.region_date(region), cat.source)
        for offering in cat.offerings(region).values():
            name = f"{region}/{offering.instance_type}"
            shown = compare_months(cat, offering, os, result)
            for spot in (False, True):
                cost = pricing.vm_cost(cloud, region, offering.instance_type, spot=spot, os_type=os, catalog=cat)
                plans[spot].append(
                    PlanRow(name=name, cloud=cloud, region=region, instance_type=offering.instance_type,
                            spot=spot, monthly_price=cost.monthly, unpriced=cost.unpriced)
                )  # fmt: skip
                expected[name, spot] = (cost, shown[spot], pack_month(cloud, offering, spot, windows))
    problems = []
    for spot, rows in plans.items():
        for name, diffed in diff_months(rows).items():
            cost, shown, pack = expected[name, spot]
            on_demand = expected[name, False][0]
            problem = disagreement(cost, shown, diffed, pack, on_demand, spot)
            if problem:
                problems.append(f"{name}{' spot' if spot else ''}: {problem}")
    assert not problems, f"{len(problems)} prices disagree, e.g.: " + "; ".join(problems[:5])


def disagreement(cost: pricing.VmCost, shown, diffed, pack, on_demand: pricing.VmCost, spot: bool) -> str | None:
    """What is wrong with one offering's four answers, or None when they agree."""
    plan, unpriced = cost.cents, set(cost.unpriced)
    answers = f"plan {plan} (unpriced {sorted(unpriced)}), compare {shown}, diff {diffed}, pack {pack}"

    def shows(value) -> bool:
        return shown is NO_ANSWER or shown == value

    if diffed != plan:
        return f"the cost diff reads another month: {answers}"
    if not unpriced:
        return None if shows(plan) and plan == pack else f"priced differently: {answers}"
    if "compute" in unpriced:
        if on_demand.part("compute").cents is None:  # no price at all: unknown everywhere
            return None if shows(None) and pack is None else f"priced without a price: {answers}"
        # Spot without a spot price: unknown as an estimate, the on-demand month as a ceiling.
        ceiling = on_demand.cents if on_demand.complete else None
        return None if spot and shows(None) and pack == ceiling else f"the spot fallback differs: {answers}"
    if unpriced == {"Windows licence"}:
        # A lower bound in plan and compare (the compute alone); the pack fails closed.
        return None if shows(plan) and pack is None else f"an unpriced licence is counted: {answers}"
    return f"unexpected unpriced parts: {answers}"
