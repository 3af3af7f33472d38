"""The stack budget counts capacity billed whether VMs use it or not (issue 22): capacity
reservations on all three clouds (less the VMs that run in them, which are not counted twice),
EKS/AKS/GKE node pools at their desired or minimum size, AWS Batch compute environments at their
minimum vCPUs; dedicated hosts fail closed. Each of these passed the mandatory budget before."""

from __future__ import annotations

import pulumi_aws as aws
import pulumi_azure_native as azure
import pulumi_gcp as gcp
import pytest

from components.catalog import load
from components.money import monthly_cents
from components.offline import evaluate
from tests.support.policy_harness import run_policies

CONFIG = {
    "aws:region": "us-east-1",
    "azure-native:location": "eastus",
    "gcp:project": "demo",
    "gcp:zone": "us-central1-a",
}
BUDGET = "stack-monthly-budget"


def budget_messages(program, pack_config=None):
    evaluation = evaluate(program, config=CONFIG)
    return [v for v in run_policies(evaluation.resources, pack_config, CONFIG) if v.policy == BUDGET]


def price(cloud, size, region):
    return load(cloud).get(size, region).price_hourly


def monthly(cents: int) -> str:
    return f"${cents / 100:,.2f}/month"


def test_a_hundred_reserved_p5_instances_are_over_the_budget():
    """100 reserved p5.48xlarge, about $7M a month, billed whether or not an instance runs."""

    def program():
        aws.ec2.CapacityReservation(
            "gpus",
            instance_type="p5.48xlarge",
            instance_platform="Linux/UNIX",
            instance_count=100,
            availability_zone="us-east-1a",
        )

    (violation,) = budget_messages(program)
    cents = 100 * monthly_cents(price("aws", "p5.48xlarge", "us-east-1"))
    assert violation.level == "mandatory"
    assert f"stack VMs cost {monthly(cents)}" in violation.message
    assert "gpus (100x p5.48xlarge in us-east-1 (reserved))" in violation.message
    assert 7_000_000 < cents / 100 < 7_300_000


def instances(count, zone="us-east-1a", size="m5.large"):
    for i in range(count):
        aws.ec2.Instance(f"vm-{i}", ami="ami-1", instance_type=size, availability_zone=zone)


@pytest.mark.parametrize(("running", "counted"), [(0, 3), (2, 3), (3, 3), (5, 5)])
def test_vms_running_in_a_reservation_are_not_counted_twice(running, counted):
    """A reservation of 3 m5.large bills 3 whatever runs in it; VMs beyond it bill on their own."""

    def program():
        aws.ec2.CapacityReservation(
            "rsv",
            instance_type="m5.large",
            instance_platform="Linux/UNIX",
            instance_count=3,
            availability_zone="us-east-1a",
        )
        instances(running)

    config = {BUDGET: {"maxMonthlyBudget": 1}}
    (violation,) = budget_messages(program, config)
    compute = counted * monthly_cents(price("aws", "m5.large", "us-east-1"))
    assert f"${compute / 100:,.2f}" in violation.message or f"at least {monthly(compute)}" in violation.message


def test_vms_elsewhere_do_not_run_in_the_reservation():
    """Another zone, or a targeted reservation the instances do not target: both are billed."""

    def program():
        aws.ec2.CapacityReservation(
            "rsv",
            instance_type="m5.large",
            instance_platform="Linux/UNIX",
            instance_count=2,
            availability_zone="us-east-1a",
        )
        aws.ec2.CapacityReservation(
            "targeted",
            instance_type="m5.large",
            instance_platform="Linux/UNIX",
            instance_count=1,
            availability_zone="us-east-1b",
            instance_match_criteria="targeted",
        )
        instances(2, zone="us-east-1c")
        aws.ec2.Instance("in-b", ami="ami-1", instance_type="m5.large", availability_zone="us-east-1b")

    (violation,) = budget_messages(program, {BUDGET: {"maxMonthlyBudget": 1}})
    assert "rsv (2x m5.large in us-east-1 (reserved))" in violation.message
    assert "targeted (1x m5.large in us-east-1 (reserved))" in violation.message


def test_reservations_on_azure_and_gcp_are_counted():
    def program():
        azure.compute.CapacityReservation(
            "az-rsv",
            resource_group_name="rg",
            capacity_reservation_group_name="crg",
            location="eastus",
            sku={"name": "Standard_D4s_v5", "capacity": 20},
        )
        gcp.compute.Reservation(
            "gcp-rsv",
            zone="us-central1-a",
            specific_reservation={"count": 20, "instance_properties": {"machine_type": "n2-standard-8"}},
        )

    (violation,) = budget_messages(program)
    cents = 20 * monthly_cents(price("azure", "Standard_D4s_v5", "eastus"))
    cents += 20 * monthly_cents(price("gcp", "n2-standard-8", "us-central1"))
    assert f"stack VMs cost {monthly(cents)}" in violation.message


def test_a_gcp_vm_in_the_reservations_zone_runs_in_it():
    def program():
        gcp.compute.Reservation(
            "rsv",
            zone="us-central1-a",
            specific_reservation={"count": 1, "instance_properties": {"machine_type": "e2-small"}},
        )
        gcp.compute.Instance(
            "vm",
            machine_type="e2-small",
            zone="us-central1-a",
            boot_disk={"initialize_params": {"image": "debian-cloud/debian-12", "size": 10, "type": "pd-balanced"}},
            network_interfaces=[{"network": "default"}],
        )

    (violation,) = budget_messages(program, {BUDGET: {"maxMonthlyBudget": 0.5}})
    assert "rsv (reserved, 1 in use by VMs counted themselves) $0.00" in violation.message


def test_node_pools_are_counted_at_their_desired_or_minimum_size():
    def program():
        aws.eks.NodeGroup(
            "eks",
            cluster_name="c",
            node_role_arn="arn:aws:iam::1:role/n",
            subnet_ids=["s"],
            instance_types=["m5.4xlarge"],
            scaling_config={"desired_size": 10, "min_size": 2, "max_size": 20},
        )
        azure.containerservice.AgentPool(
            "aks",
            resource_group_name="rg",
            resource_name_="aks",
            vm_size="Standard_D4s_v5",
            count=3,
            enable_auto_scaling=True,
            min_count=5,
            max_count=10,
        )
        gcp.container.NodePool(
            "gke",
            cluster="c",
            location="us-central1",  # regional: three zones
            node_count=2,
            node_config={"machine_type": "n2-standard-8"},
        )

    (violation,) = budget_messages(program)
    assert "eks (10x m5.4xlarge in us-east-1 (node group))" in violation.message
    assert "aks (5x Standard_D4s_v5 in eastus (node pool))" in violation.message
    assert "gke (6x n2-standard-8 in us-central1 (node pool))" in violation.message
    cents = 10 * monthly_cents(price("aws", "m5.4xlarge", "us-east-1"))
    cents += 5 * monthly_cents(price("azure", "Standard_D4s_v5", "eastus"))
    cents += 6 * monthly_cents(price("gcp", "n2-standard-8", "us-central1"))
    assert f"stack VMs cost {monthly(cents)}" in violation.message


def test_a_batch_environment_is_counted_at_its_minimum_vcpus():
    """1,000 vCPUs kept running, at the dearest vCPU of its instance types (c5 and r5: r5's)."""

    def program():
        aws.batch.ComputeEnvironment(
            "batch",
            type="MANAGED",
            compute_resources={
                "type": "EC2",
                "min_vcpus": 1000,
                "max_vcpus": 4000,
                "instance_types": ["c5.large", "r5.large"],
                "subnets": ["s"],
                "security_group_ids": ["sg"],
                "instance_role": "arn:aws:iam::1:instance-profile/ecs",
            },
        )
        aws.batch.ComputeEnvironment(
            "fargate",
            type="MANAGED",
            compute_resources={"type": "FARGATE", "max_vcpus": 4000, "subnets": ["s"], "security_group_ids": ["sg"]},
        )

    (violation,) = budget_messages(program)
    per_vcpu = max(price("aws", "c5.large", "us-east-1"), price("aws", "r5.large", "us-east-1")) / 2
    assert "batch (1000 vCPUs at the rate of r5.large in us-east-1 (minimum vCPUs))" in violation.message
    assert f"stack VMs cost {monthly(monthly_cents(1000 * per_vcpu))}" in violation.message
    assert "fargate" not in violation.message


def test_a_dedicated_host_fails_the_budget_closed():
    def program():
        aws.ec2.DedicatedHost("host", instance_family="m5", availability_zone="us-east-1a")

    (violation,) = budget_messages(program)
    assert "cannot be checked against the budget" in violation.message
    assert "dedicated hosts are billed per host" in violation.message
    assert budget_messages(program, {BUDGET: {"unpricedHourlyPrice": 1.0}}) == []  # $730 a month
