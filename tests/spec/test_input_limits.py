"""Limits audit (review r2): inputs that passed validation but a real cloud (or the VM's first boot)
refuses, each class checked on every cloud. Each fact is in components/cloud_rules/<cloud>.py or
components/spec/access.py with its source."""

from __future__ import annotations

import pytest

from components import SpecError
from components.spec import CloudDefaults, validate
from tests.support.common import public_key

KEY = public_key("ed25519")
REGIONS = {"aws": "us-east-1", "azure": "eastus", "gcp": "us-central1"}
CLOUDS = ("aws", "azure", "gcp")
PASSWORD = "Tr0ub4dor&3-horse"
WINDOWS = {"image": "windows-2022", "admin_password": PASSWORD, "ssh_public_key": None}


def vm(cloud, **args):
    return validate(
        "vm",
        {"cloud": cloud, "ssh_public_key": KEY, **args},
        CloudDefaults(region=REGIONS[cloud], project="test-project"),
    )


def refused(cloud, field, **args) -> str:
    with pytest.raises(SpecError) as error:
        vm(cloud, **args)
    assert error.value.field == field, str(error.value)
    return str(error.value)


# --- data disk minimums per disk type sent ----------------------------------------------------------


@pytest.mark.parametrize(
    ("instance_type", "sent", "smallest"),
    [("n2-standard-2", "pd-balanced", 10), ("c4-standard-2", "hyperdisk-balanced", 4)],
)
def test_gcp_data_disks_keep_to_the_smallest_size_of_the_type_sent(instance_type, sent, smallest):
    spec = vm("gcp", instance_type=instance_type, data_disks=[{"name": "d", "size_gib": smallest}])
    assert spec.data_disks[0].sent_type == sent
    message = refused(
        "gcp",
        "data_disks[0].size_gib",
        instance_type=instance_type,
        data_disks=[{"name": "d", "size_gib": smallest - 1}],
    )
    assert sent in message and f"at least {smallest} GiB" in message


@pytest.mark.parametrize("cloud", ["aws", "azure"])
def test_a_one_gib_data_disk_is_taken_where_the_cloud_takes_it(cloud):
    vm(cloud, data_disks=[{"name": "d", "size_gib": 1}, {"name": "e", "size_gib": 1, "disk_type": "standard"}])


# --- source ranges per firewall rule ----------------------------------------------------------------


def sources(count: int) -> list[str]:
    return [f"10.{i // 256}.{i % 256}.0/24" for i in range(count)]


def test_gcp_takes_at_most_5000_source_ranges_per_firewall_rule():
    vm("gcp", ingress=[{"port": 22, "sources": sources(5000)}])
    message = refused(
        "gcp",
        "ingress[1].sources",
        ingress=[{"port": 22, "sources": ["10.0.0.0/24"]}, {"port": 22, "sources": sources(5001)}],
    )
    assert "5000" in message


# --- duplicate sources and rules --------------------------------------------------------------------


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_source_given_twice_in_one_rule_is_refused_on_every_cloud(cloud):
    message = refused(cloud, "ingress[0].sources", ingress=[{"port": 22, "sources": ["10.0.0.0/24", "10.0.0.0/24"]}])
    assert "10.0.0.0/24" in message and "twice" in message


def test_aws_refuses_the_same_permission_in_two_rules():
    """EC2 answers InvalidPermission.Duplicate; two rules of one port and source with other descriptions."""
    rules = [
        {"port": 22, "sources": ["10.0.0.0/24"], "description": "ops"},
        {"from_port": 22, "to_port": 22, "sources": ["10.0.0.0/24", "10.1.0.0/24"], "description": "dev"},
    ]
    message = refused("aws", "ingress[1].sources", ingress=rules)
    assert "ingress[0]" in message
    vm("aws", ingress=[rules[0], {**rules[1], "sources": ["10.1.0.0/24"]}])
    vm("azure", ingress=rules)  # NSG rules of other priorities may overlap
    vm("gcp", ingress=rules)


# --- admin users a VM could never log in as ---------------------------------------------------------


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("username", ["daemon", "bin", "nobody", "sync", "www-data", "operator"])
def test_linux_system_accounts_are_not_admin_users(cloud, username):
    message = refused(cloud, "admin_username", admin_username=username)
    assert "system account" in message


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("username", ["Guest", "DefaultAccount", "WDAGUtilityAccount"])
def test_disabled_windows_built_in_accounts_are_not_admin_users(cloud, username):
    refused(cloud, "admin_username", admin_username=username, **WINDOWS)


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_the_built_in_administrator_stays_an_admin_user_where_the_cloud_takes_it(cloud):
    vm(cloud, admin_username="Administrator", **WINDOWS)


# --- Windows passwords against the user name --------------------------------------------------------


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_windows_password_containing_the_admin_user_name_is_refused(cloud):
    message = refused(
        cloud, "admin_password", **{**WINDOWS, "admin_username": "opsadmin", "admin_password": "x-OpsAdmin-2024!"}
    )
    assert "user name" in message and "OpsAdmin" not in message
    refused(cloud, "admin_password", **{**WINDOWS, "admin_password": "VMadmin-2024-x!"})  # the default user, vmadmin
    vm(cloud, **{**WINDOWS, "admin_username": "ab", "admin_password": "ab-Password-2024"})  # under 3: not checked


# --- names of the resources a VM's name is part of --------------------------------------------------


def test_a_windows_vm_on_aws_has_a_name_its_iam_role_can_carry():
    """``<vm>-admin-role`` plus Pulumi's 8-character suffix within IAM's 64 characters."""
    longest = "w" * 45
    assert len(f"{longest}-admin-role-1234567") == 64
    validate(longest, {"cloud": "aws", **WINDOWS}, CloudDefaults(region="us-east-1"))
    with pytest.raises(SpecError) as error:
        validate(longest + "w", {"cloud": "aws", **WINDOWS}, CloudDefaults(region="us-east-1"))
    assert error.value.field == "name" and "IAM" in str(error.value)
    validate("l" * 128, {"cloud": "aws", "ssh_public_key": KEY}, CloudDefaults(region="us-east-1"))  # Linux: no role
