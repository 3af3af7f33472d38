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
