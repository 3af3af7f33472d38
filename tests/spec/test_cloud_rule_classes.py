"""Whole classes of cloud rules on every cloud (issue 19): tag and label counts and key/value rules
on VMs and networks alike, sizes that run only one OS, Windows on Arm, and the reserved prefixes.
Each fact is in components/cloud_rules/<cloud>.py with its source."""

from __future__ import annotations

import dataclasses

import pytest

from components import SpecError, cloud_rules
from components.spec import CloudDefaults, validate, validate_network
from tests.support.common import public_key

KEY = public_key("ed25519")
REGIONS = {"aws": "us-east-1", "azure": "eastus", "gcp": "us-central1"}
PASSWORD = "Tr0ub4dor&3-horse"


def vm(cloud, **args):
    return validate(
        "vm",
        {"cloud": cloud, "ssh_public_key": KEY, **args},
        CloudDefaults(region=REGIONS[cloud], project="test-project"),
    )


def network(cloud, **args):
    return validate_network(
        "net", {"cloud": cloud, **args}, CloudDefaults(region=REGIONS[cloud], project="test-project")
    )


def tags(count: int) -> dict:
    return {f"k{i}": "v" for i in range(count)}


# Per cloud: the most tags a VM or network may carry (AWS counts the Name tag the component adds).
TAG_LIMITS = {"aws": 49, "azure": 50, "gcp": 64}


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
@pytest.mark.parametrize("make", [vm, network], ids=["vm", "network"])
def test_tag_counts_on_vms_and_networks(cloud, make):
    make(cloud, tags=tags(TAG_LIMITS[cloud]))
    with pytest.raises(SpecError) as error:
        make(cloud, tags=tags(TAG_LIMITS[cloud] + 1))
    assert error.value.field == "tags" and "at most" in str(error.value)


@pytest.mark.parametrize("make", [vm, network], ids=["vm", "network"])
@pytest.mark.parametrize(("key", "value"), [("owner", "aws:team"), ("AWS:owner", "x")])
def test_aws_reserves_the_aws_prefix_for_keys_and_values(make, key, value):
    with pytest.raises(SpecError) as error:
        make("aws", tags={key: value})
    assert error.value.field == f"tags.{key}" and "aws:" in str(error.value)


def test_a_windows_vms_tags_keep_to_what_iam_and_ssm_take():
    """EC2 takes any character; the IAM role and SSM parameter a Windows VM also gets do not."""
    odd = {"cost-centre": "R&D #4"}
    vm("aws", tags=odd)  # Linux: EC2 only
    with pytest.raises(SpecError) as error:
        vm("aws", image="windows-2022", admin_password=PASSWORD, ssh_public_key=None, tags=odd)
    assert error.value.field == "tags.cost-centre" and "IAM" in str(error.value)
    vm("aws", image="windows-2022", admin_password=PASSWORD, ssh_public_key=None, tags={"team": "ops:+=._/@ 1"})


@pytest.mark.parametrize(
    ("cloud", "args"),
    [
        ("aws", {"instance_type": "m7g.large", "image": "ami-0123456789abcdef0", "os_type": "windows"}),
        (
            "gcp",
            {"instance_type": "t2a-standard-1", "image": "projects/windows-cloud/global/images/family/windows-2022"},
        ),
        (
            "azure",
            {
                "instance_type": "Standard_D2ps_v5",
                "image": "MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest",
            },
        ),
    ],
)
def test_windows_on_arm_sizes_is_refused_on_every_cloud(cloud, args):
    with pytest.raises(SpecError) as error:
        vm(cloud, admin_password=PASSWORD, ssh_public_key=None, **args)
    assert error.value.field == "instance_type"
    assert "Windows" in str(error.value)


def test_azure_arm_sizes_still_run_linux_and_windows_client_images():
    vm("azure", instance_type="Standard_D2ps_v5", arch="arm64", image="ubuntu-24.04")
    vm(
        "azure",
        instance_type="Standard_D2ps_v5",
        image="MicrosoftWindowsDesktop:windows11preview-arm64:win11-24h2-ent:latest",
        admin_password=PASSWORD,
        ssh_public_key=None,
    )


def test_aws_mac_types_run_only_macos_on_dedicated_hosts():
    """The shipped catalog has no Mac types (no Linux price); a refreshed one could: refused there."""
    spec = vm("aws", instance_type="m5.large")
    mac = dataclasses.replace(spec, offering=dataclasses.replace(spec.offering, instance_type="mac2.metal"))
    problems = cloud_rules.spec_problems(mac)
    assert any(field == "instance_type" and "macOS" in expected for field, _, expected in problems)
    assert not [p for p in cloud_rules.spec_problems(spec) if p[0] == "instance_type"]
