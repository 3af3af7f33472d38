"""The typed plan row (components/plan_row.py): built from a spec and its cost, written as plan's JSON
object (keys in the published order), read back from older plans, and the stack's comparison entry."""

from __future__ import annotations

import json

from components.plan_row import COMPARISON_FIELDS, PlanRow, image_description
from components.pricing import spec_cost
from components.spec import CloudDefaults, validate
from tests.support.common import public_key

# docs/plan.md lists these keys; plan --diff and --changes read files written with them.
PUBLISHED_KEYS = [
    "name", "cloud", "region", "zone", "network", "instance_type", "vcpus", "memory_gib", "arch", "gpu",
    "image", "os_type", "disk_size_gib", "disk_type", "data_disks", "public_ip", "spot", "hourly_price",
    "monthly_price", "unpriced", "cost", "cost_detail", "resources", "lock",
]  # fmt: skip


def gcp_vm(**args):
    spec = validate(
        "web",
        {"cloud": "gcp", "region": "europe-west1", "ssh_public_key": public_key("ed25519"), **args},
        CloudDefaults(project="demo-project"),
    )
    return spec, spec_cost(spec)


def test_a_row_is_written_with_the_published_keys_in_order():
    spec, cost = gcp_vm(data_disks=[{"size_gib": 100}], public_ip=True)
    row = PlanRow.of(spec, cost, [{"type": "gcp:compute/instance:Instance", "name": "web-vm"}], {"status": "new"})
    document = row.to_json()
    assert list(document) == PUBLISHED_KEYS
    assert document["data_disks"] == [{"size_gib": 100, "disk_type": "ssd"}] and document["unpriced"] == []
    assert document["monthly_price"] == cost.monthly and document["cost"] == cost.breakdown()
    assert document["image"] == "ubuntu-24.04 (projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64)"
    recorded = row.with_records(registrations=[], network_registrations=[], fields={"tags": None})
    assert list(recorded.to_json()) == [*PUBLISHED_KEYS, "registrations", "network_registrations", "fields"]
    assert json.loads(json.dumps(recorded.to_json())) == recorded.to_json()


def test_a_row_read_back_equals_the_row_written_and_is_written_as_read():
    spec, cost = gcp_vm(spot=True)
    row = PlanRow.of(spec, cost, [{"type": "t", "name": "n"}])
    read = PlanRow.from_json(json.loads(json.dumps(row.to_json())))
    assert read == row and read.has("lock")
    older = {"name": "web", "cloud": "gcp", "region": "us-east1", "instance_type": "e2-small", "monthly_price": 12.5}
    older_row = PlanRow.from_json({**older, "extra": 1})
    assert (older_row.spot, older_row.unpriced, older_row.data_disks) == (False, (), ())
    assert not older_row.has("spot") and older_row.has("monthly_price")
    assert older_row.to_json() == {**older, "extra": 1}  # a file's row is written back as it was


def test_the_comparison_entry_is_the_rows_price_fields():
    spec, cost = gcp_vm()
    entry = PlanRow.of(spec, cost).comparison()
    assert list(entry) == list(COMPARISON_FIELDS)
    assert entry["hourly_price"] == cost.part("compute").hourly and entry["unpriced"] == list(cost.unpriced)


def test_an_image_is_described_with_what_each_cloud_looks_up():
    aws = validate("a", {"cloud": "aws", "region": "eu-west-1"}).image
    azure = validate("z", {"cloud": "azure", "region": "westeurope", "ssh_public_key": public_key("ed25519")}).image
    assert image_description(aws).startswith("ubuntu-24.04 (newest AMI of owner 099720109477 named ubuntu/images/")
    assert image_description(azure) == "ubuntu-24.04 (Canonical:ubuntu-24_04-lts:server:latest)"
    native = validate("n", {"cloud": "aws", "region": "eu-west-1", "image": "ami-0123456789abcdef0"}).image
    assert image_description(native) == "ami-0123456789abcdef0"
