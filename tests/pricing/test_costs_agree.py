"""One pricing everywhere: ``plan``, the pull-request cost comment (``plan --diff``) and the policy
pack's stack budget give the same monthly total, to the cent, for the dev stack and for a stack with
data disks and Windows VMs; disks, public IPv4 and licences are priced or named, never a silent $0."""

from __future__ import annotations

import dataclasses
import re
import runpy
import shutil

import pytest

from components import pricing
from components.offline import evaluate
from components.tools.plan import plan_stack, stack_config, total_line
from components.tools.plandiff import diff_plans, render_markdown
from tests.support.policy_harness import REPO_ROOT, run_policies

PASSWORD = "Correct-Horse-9-Battery"
DISKS_AND_WINDOWS = f"""\
config:
  gcp:project: demo-project
  multicloud-vm:vms:
    - name: data
      cloud: aws
      region: us-east-1
      ssh_public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINB4VrRPQ1v/2LB9OSaQK4UGrCtSZb+uvIBK7XrERtnD dev@example.com
      public_ip: true
      data_disks:
        - {{size_gib: 16384}}
        - {{size_gib: 16384}}
        - {{size_gib: 16384}}
        - {{size_gib: 16384}}
        - {{size_gib: 500, disk_type: standard}}
      tags: {{owner: data-team}}
    - name: win
      clouds: [aws, azure, gcp]
      regions: {{aws: us-east-1, azure: eastus, gcp: us-central1}}
      image: windows-2022
      cpus: 4
      memory_gib: 16
      burstable: false
      disk_size_gib: 127
      data_disks: [{{size_gib: 1000}}]
      public_ip: true
      admin_password: {PASSWORD}
      tags: {{owner: win-team}}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    directory = tmp_path_factory.mktemp("project")
    shutil.copy(REPO_ROOT / "Pulumi.yaml", directory / "Pulumi.yaml")
    shutil.copy(REPO_ROOT / "__main__.py", directory / "__main__.py")
    shutil.copy(REPO_ROOT / "Pulumi.dev.yaml", directory / "Pulumi.dev.yaml")
    (directory / "Pulumi.mixed.yaml").write_text(DISKS_AND_WINDOWS)
    return directory


def pack_total(project, stack: str) -> str:
    """The stack budget's total as the pack reports it (a budget of $0.01 makes it speak)."""
    _, config, _ = stack_config(project, stack)
    evaluation = evaluate(lambda: runpy.run_path(str(REPO_ROOT / "__main__.py"), run_name="__main__"), config=config)
    violations = run_policies(evaluation.resources, {"stack-monthly-budget": {"maxMonthlyBudget": 0.01}}, config)
    (message,) = [v.message for v in violations if v.policy == "stack-monthly-budget"]
    return re.search(r"cost ((?:at least )?\$[\d,.]+)/month", message)[1]


@pytest.mark.parametrize("stack", ["dev", "mixed"])
def test_plan_cost_comment_and_policy_pack_agree_to_the_cent(project, stack):
    rows = plan_stack(project, stack).vms
    plan_total = re.search(r"Total: ((?:at least )?\$[\d,.]+)/month", total_line(rows))[1]
    comment = render_markdown(diff_plans([], rows))
    comment_total = re.search(r"-> ((?:≥ )?\$[\d,.]+) ", comment)[1].replace("≥ ", "at least ")
    assert plan_total == comment_total == pack_total(project, stack)


def test_disks_public_ips_and_licences_are_priced_or_named(project):
    rows = {r.name: r for r in plan_stack(project, "mixed").vms}
    data = rows["data"]
    # Four 16 TiB gp3 disks at $0.08/GiB-month and 500 GiB magnetic at $0.05 in us-east-1: $5,267.88.
    assert [data.cost[f"data disk {i}"] for i in range(1, 6)] == [1310.72] * 4 + [25.0]
    assert data.cost["public IPv4"] == 3.65 and data.cost["OS disk"] == 2.4
    assert data.unpriced == () and data.monthly_price == round(sum(data.cost.values()), 2)
    # Windows: the licence is a part of its own, $0.046 per vCPU-hour on all three clouds (4 vCPUs here).
    for name in ("win-aws", "win-azure", "win-gcp"):
        assert rows[name].unpriced == () and rows[name].cost["Windows licence"] == 134.32
        assert rows[name].monthly_price == round(sum(rows[name].cost.values()), 2)
    assert rows["win-azure"].cost["data disk 1"] == 135.17  # 1000 GiB is billed as a P30
    assert rows["win-azure"].cost["OS disk"] == 19.71  # 127 GiB: P10
    assert rows["win-gcp"].cost["OS disk"] == 12.7  # 127 GiB pd-balanced at $0.10 in us-central1


def test_a_licence_without_a_price_is_named_and_the_total_is_at_least(project):
    """A burstable size whose Windows licence no public price was found for (Azure B2as_v2 in eastus,
    where other B-series sizes have a measured figure) stays unpriced: named, never $0, and the stack
    total becomes a lower bound. (The issue's t3a.large has a public price now.)"""
    (project / "Pulumi.burstable.yaml").write_text(
        "config:\n  multicloud-vm:vms:\n    - name: win\n      cloud: azure\n      region: eastus\n"
        "      instance_type: Standard_B2as_v2\n      image: windows-2022\n"
        f"      admin_password: {PASSWORD}\n      tags: {{owner: win-team}}\n"
    )
    rows = plan_stack(project, "burstable").vms
    [win] = rows
    assert win.unpriced == ("Windows licence",) and win.cost["Windows licence"] is None
    assert win.cost["compute"] == 54.9 and win.monthly_price == round(sum(v or 0 for v in win.cost.values()), 2)
    assert re.search(r"Total: at least \$[\d,.]+/month", total_line(rows))


def test_adding_data_disks_changes_the_cost_comment(project):
    head = {r.name: r for r in plan_stack(project, "mixed").vms}["data"]
    cost = {k: v for k, v in head.cost.items() if "data disk" not in k}
    base = dataclasses.replace(head, data_disks=(), cost=cost, monthly_price=round(sum(cost.values()), 2))
    comment = render_markdown(diff_plans([base], [head]))
    assert "No VM changes" not in comment
    assert "data_disks none -> 16384 GiB ssd, 16384 GiB ssd, 16384 GiB ssd, 16384 GiB ssd, 500 GiB standard" in comment
    assert "+$5,267.88" in comment


def test_the_pricing_function_takes_plain_values():
    cost = pricing.vm_cost(
        "aws", "eu-west-1", "m5.large", os_disk=(30, "gp3"), data_disks=[(100, "gp3")], public_ip=True
    )
    assert cost.breakdown() == {"compute": 78.11, "OS disk": 2.64, "data disk 1": 8.8, "public IPv4": 3.65}
    assert cost.monthly == 93.2 and cost.complete
    windows = pricing.vm_cost("aws", "eu-west-1", "m5.large", os_type="windows")
    assert windows.breakdown() == {"compute": 78.11, "Windows licence": 67.16} and windows.complete
    assert windows.part("Windows licence").detail == "2 vCPU x $0.046/h"
    burstable = pricing.vm_cost("aws", "eu-west-1", "t3.medium", os_type="windows")  # its own, published price
    assert burstable.part("Windows licence").detail == "$0.0184/h for t3.medium"
    assert pricing.vm_cost("aws", "eu-west-1", "t3a.large", os_type="windows").complete  # $0.0276/h, public
    unknown = pricing.vm_cost("azure", "westeurope", "Standard_B2as_v2", os_type="windows")  # no public price found
    assert unknown.unpriced == ("Windows licence",) and unknown.monthly == unknown.part("compute").monthly
    assert "no Windows licence price for Standard_B2as_v2 in westeurope" in unknown.describe()


def test_licences_not_proportional_to_vcpus_are_priced_only_by_their_own_price():
    """Azure B-series, A v2 and D v1 sizes: Windows minus Linux is not $0.046 per vCPU, so only a price
    measured for the size (and region) counts; without one the licence is unpriced, never guessed."""
    a8m = pricing.vm_cost("azure", "eastus", "Standard_A8m_v2", os_type="windows").part("Windows licence")
    assert a8m.hourly == 0.245 and a8m.cents == 17885  # measured in eastus, not 8 x $0.046
    for region, size in (("westeurope", "Standard_A2_v2"), ("westeurope", "Standard_B2s")):
        cost = pricing.vm_cost("azure", region, size, os_type="windows")
        assert cost.unpriced == ("Windows licence",), (region, size)
    d2s = pricing.vm_cost("azure", "westeurope", "Standard_D2s_v5", os_type="windows").part("Windows licence")
    assert d2s.detail == "2 vCPU x $0.046/h" and d2s.cents == 6716
    b2s = pricing.vm_cost("azure", "eastus", "Standard_B2s", os_type="windows").part("Windows licence")
    assert b2s.detail == "$0.008/h for Standard_B2s"
