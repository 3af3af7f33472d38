"""The second bypass hunt's cases that the corpus cannot write as a shape (values unknown until apply),
judged through the policy SDK's analyzer as in a pull-request preview."""

from __future__ import annotations

import pulumi_aws as aws
import pulumi_azure_native as azure
import pulumi_gcp as gcp

from components.offline import evaluate
from tests.support.policy_corpus import OWNER, STACK_CONFIG
from tests.support.policy_harness import not_run, run_policies


def judge(program, pack_config=None):
    evaluation = evaluate(program, config=STACK_CONFIG, preview=True)
    return run_policies(evaluation.resources, pack_config, STACK_CONFIG)


def test_fleets_whose_count_is_unknown_until_apply_are_named_in_the_preview():
    """A count computed from another resource is not counted by the preview's budget: that must be said,
    not passed in silence (it used to produce no violation at all)."""

    def program():
        subnet = aws.ec2.Subnet("subnet", vpc_id="vpc-1", cidr_block="10.0.0.0/24")
        computed = subnet.id.apply(lambda _: 1000)
        template = aws.ec2.LaunchTemplate(
            "lt",
            image_id="ami-0123456789abcdef0",
            instance_type="t3.micro",
            metadata_options={"http_tokens": "required"},
            block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {"encrypted": "true"}}],
        )
        aws.autoscaling.Group(
            "asg",
            min_size=0,
            max_size=1000,
            desired_capacity=computed,
            availability_zones=["us-east-1a"],
            launch_template={"id": template.id},
            tags=[{"key": "owner", "value": "team-a", "propagate_at_launch": True}],
        )
        azure.compute.VirtualMachineScaleSet(
            "vmss",
            resource_group_name="rg",
            location="eastus",
            sku={"name": "Standard_D2s_v5", "capacity": computed},
            virtual_machine_profile={
                "os_profile": {
                    "computer_name_prefix": "vm",
                    "admin_username": "u",
                    "linux_configuration": {"disable_password_authentication": True},
                },
            },
            tags=OWNER,
        )
        gcp_template = gcp.compute.InstanceTemplate(
            "tpl",
            machine_type="e2-small",
            disks=[{"source_image": "debian-cloud/debian-12", "boot": True}],
            network_interfaces=[{"network": "default"}],
            labels=OWNER,
        )
        gcp.compute.InstanceGroupManager(
            "igm",
            zone="us-central1-a",
            base_instance_name="vm",
            target_size=computed,
            versions=[{"instance_template": gcp_template.self_link_unique}],
        )

    violations = judge(program)
    assert not_run(violations) == []
    unknown_counts = sorted(
        v.resource_name
        for v in violations
        if v.policy == "vm-price-unknown" and "how many VMs it runs is not known until apply" in v.message
    )
    assert unknown_counts == ["asg", "igm", "vmss"]
