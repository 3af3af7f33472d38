"""The bypasses found when teams tried the pack with ordinary Pulumi programs: each insecure or
expensive setup below passed the mandatory rules, and each secure one was blocked. Written with the
provider SDK classes and judged through the policy SDK's analyzer, as in a pull-request preview."""

from __future__ import annotations

import pulumi_aws as aws
import pulumi_azure_native as azure
import pulumi_gcp as gcp

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
OWNER = {"owner": "team-a"}


def judge(program, pack_config=None):
    evaluation = evaluate(program, config=CONFIG)
    return run_policies(evaluation.resources, pack_config, CONFIG)


def mandatory(violations):
    return sorted((v.policy, v.resource_name) for v in violations if v.level == "mandatory")


def test_gcp_firewall_with_an_empty_source_list_is_open_to_the_world():
    """GCP applies a firewall without sources (absent or []) to 0.0.0.0/0."""

    def program():
        gcp.compute.Firewall("ssh", network="default", source_ranges=[], allows=[{"protocol": "tcp", "ports": ["22"]}])

    assert mandatory(judge(program)) == [("admin-ports-open-to-internet", "ssh")]


def test_default_security_group_with_ssh_from_the_world_is_blocked():
    def program():
        aws.ec2.DefaultSecurityGroup(
            "default",
            vpc_id="vpc-1",
            ingress=[{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}],
        )

    assert mandatory(judge(program)) == [("admin-ports-open-to-internet", "default")]


def test_azure_scale_sets_are_judged_by_every_rule():
    def program():
        azure.compute.VirtualMachineScaleSet(
            "vmss",
            resource_group_name="rg",
            location="westeurope",
            sku={"name": "Standard_M128s", "capacity": 2},
            virtual_machine_profile={
                "os_profile": {"computer_name_prefix": "vm", "admin_username": "u", "admin_password": "Passw0rd!1234"},
                "storage_profile": {
                    "image_reference": {"publisher": "Vendor", "offer": "os", "sku": "1", "version": "latest"}
                },
            },
        )

    config = {
        "allowed-regions": {"allowedRegions": {"azure": ["eastus"]}},
        "allowed-images": {"allowedImages": {"azure": ["Canonical:*"]}},
    }
    flagged = sorted((v.policy, v.level) for v in judge(program, config) if v.resource_name == "vmss")
    assert flagged == [
        ("allowed-images", "advisory"),
        ("allowed-regions", "advisory"),
        ("azure-linux-password-login", "mandatory"),
        ("required-tags", "advisory"),
        ("vm-hourly-price-ceiling", "mandatory"),
    ]


def test_fleets_are_priced_by_capacity_and_size():
    """About $14,000 a month of fleets against the $1,000 budget."""
    aws_price = load("aws").get("m5.2xlarge", "us-east-1").price_hourly
    azure_price = load("azure").get("Standard_D4s_v3", "eastus").price_hourly
    gcp_price = load("gcp").get("n2-standard-8", "us-central1").price_hourly

    def program():
        template = aws.ec2.LaunchTemplate("lt", image_id="ami-1", instance_type="m5.2xlarge")
        aws.autoscaling.Group(
            "asg",
            min_size=2,
            max_size=20,
            desired_capacity=20,
            availability_zones=["us-east-1a"],
            launch_template={"id": template.id, "version": "$Latest"},
        )
        azure.compute.VirtualMachineScaleSet(
            "vmss",
            resource_group_name="rg",
            sku={"name": "Standard_D4s_v3", "capacity": 30},
            virtual_machine_profile={},
        )
        gcp_template = gcp.compute.InstanceTemplate(
            "tpl",
            machine_type="n2-standard-8",
            disks=[{"source_image": "debian-cloud/debian-12", "boot": True}],
            network_interfaces=[{"network": "default"}],
        )
        gcp.compute.InstanceGroupManager(
            "igm",
            base_instance_name="web",
            zone="us-central1-a",
            versions=[{"instance_template": gcp_template.id}],
            target_size=12,
        )
        gcp.compute.InstanceFromTemplate("one", zone="us-central1-a", source_instance_template=gcp_template.id)
        aws.ec2.SpotInstanceRequest("spot", ami="ami-1", instance_type="m5.2xlarge", spot_price="0.2")

    # Each VM's month rounded to the cent, as plan rounds it, times the fleet's count.
    cents = 20 * monthly_cents(aws_price) + 30 * monthly_cents(azure_price) + 13 * monthly_cents(gcp_price)
    monthly = (cents + monthly_cents(0.2)) / 100
    violations = [v for v in judge(program) if v.policy == "stack-monthly-budget"]
    assert [v.level for v in violations] == ["mandatory"]
    assert f"stack VMs cost ${monthly:,.2f}/month" in violations[0].message
    assert 13_000 < monthly < 15_000


def test_gpus_attached_to_an_n1_machine_are_priced():
    """n1-standard-8 with eight V100s: about $20/h, not the machine's $0.38/h."""
    catalog = load("gcp")
    v100s = next(a for a in catalog.accelerators("us-central1") if a.name == "V100" and a.count == 8)
    hourly = catalog.get("n1-standard-8", "us-central1").price_hourly + v100s.price_hourly

    def program():
        gcp.compute.Instance(
            "trainer",
            machine_type="n1-standard-8",
            zone="us-central1-a",
            boot_disk={"initialize_params": {"image": "debian-cloud/debian-12"}},
            network_interfaces=[{"network": "default"}],
            guest_accelerators=[{"type": "nvidia-tesla-v100", "count": 8}],
            scheduling={"on_host_maintenance": "TERMINATE"},
            labels=OWNER,
        )

    violations = judge(program, {"stack-monthly-budget": {"maxMonthlyBudget": 10**6}})
    (ceiling,) = [v for v in violations if v.policy == "vm-hourly-price-ceiling"]
    assert ceiling.level == "mandatory" and f"costs ${hourly:.4f}/h" in ceiling.message
    assert 19 < hourly < 21


def test_a_vm_the_catalog_cannot_price_fails_the_mandatory_cost_rules():
    """A custom machine type has no catalog price: it cannot be shown under the ceiling or the budget."""

    def program():
        gcp.compute.Instance(
            "custom",
            machine_type="n2-custom-4-8192",
            zone="us-central1-a",
            boot_disk={"initialize_params": {"image": "debian-cloud/debian-12"}},
            network_interfaces=[{"network": "default"}],
            labels=OWNER,
        )

    assert mandatory(judge(program)) == [("stack-monthly-budget", ""), ("vm-hourly-price-ceiling", "custom")]


def test_secure_setups_are_not_blocked():
    """A Deny above an Allow shadows it (Azure evaluates by priority); Azure enum values are
    case-insensitive; a spot price cap bounds what a spot VM pays."""

    def program():
        azure.network.NetworkSecurityGroup(
            "nsg",
            resource_group_name="rg",
            security_rules=[
                {
                    "name": "no-ssh-from-internet",
                    "priority": 100,
                    "direction": "Inbound",
                    "access": "Deny",
                    "protocol": "Tcp",
                    "source_address_prefix": "Internet",
                    "source_port_range": "*",
                    "destination_address_prefix": "*",
                    "destination_port_range": "22",
                },
                {
                    "name": "ssh-inside",
                    "priority": 200,
                    "direction": "Inbound",
                    "access": "Allow",
                    "protocol": "Tcp",
                    "source_address_prefix": "*",
                    "source_port_range": "*",
                    "destination_address_prefix": "*",
                    "destination_port_range": "22",
                },
            ],
        )
        azure.compute.Disk(
            "data",
            resource_group_name="rg",
            creation_data={"create_option": "Empty"},
            encryption={"type": "encryptionAtRestWithPlatformKey"},
            tags=OWNER,
        )
        aws.ec2.SpotInstanceRequest(
            "batch",
            ami="ami-1",
            instance_type="p3.8xlarge",
            spot_price="0.9",
            metadata_options={"http_tokens": "required"},
            root_block_device={"encrypted": True},
            tags=OWNER,
        )

    assert mandatory(judge(program)) == []
