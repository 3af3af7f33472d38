"""AWS refresh against moto (EC2 shapes, offerings, spot history) and botocore's Stubber serving
recorded Price List GetProducts pages (tests/fixtures/refresh/aws). Offline."""

from __future__ import annotations

import json
import shutil
from datetime import date

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from components.catalog import load, load_cache_clear
from components.catalog.refresh import aws
from components.catalog.snapshot import read_document, snapshot_path
from tests.support.common import FIXTURES as TEST_FIXTURES

FIXTURES = TEST_FIXTURES / "refresh" / "aws"
COMMITTED = snapshot_path("aws")


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",  # AMIs are not used here and slow every region
    }.items():
        monkeypatch.setenv(key, value)
    yield
    load_cache_clear()


def linux_on_demand_filters(region: str) -> list[dict]:
    """What the refresh must ask the Price List for: Linux, shared tenancy, on-demand, no SQL."""
    fields = {
        "regionCode": region,
        "operatingSystem": "Linux",
        "tenancy": "Shared",
        "preInstalledSw": "NA",
        "capacitystatus": "Used",
        "licenseModel": "No License required",
    }
    return [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in fields.items()]


def part_queries(region: str) -> list[tuple[str, str, list[dict]]]:
    """The Price List queries for a region's EBS, public IPv4, interface endpoint and Windows prices, in
    the order asked."""
    windows = [
        {**f, "Value": "Windows"} if f["Field"] == "operatingSystem" else f for f in linux_on_demand_filters(region)
    ]
    terms = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}]
    return [
        ("storage", "AmazonEC2", [*terms, {"Type": "TERM_MATCH", "Field": "productFamily", "Value": "Storage"}]),
        ("ipv4", "AmazonVPC", [*terms, {"Type": "TERM_MATCH", "Field": "productFamily", "Value": aws.IPV4_FAMILY}]),
        ("endpoint", "AmazonVPC", [*terms, {"Type": "TERM_MATCH", "Field": "productFamily", "Value": "VpcEndpoint"}]),
        ("windows", "AmazonEC2", windows),
    ]


def stubbed_pricing(regions: list[str]) -> tuple[object, Stubber]:
    pricing = boto3.client("pricing", region_name="us-east-1")
    stubber = Stubber(pricing)
    for region in regions:
        page1 = json.loads((FIXTURES / "get_products_eu-central-1_page1.json").read_text())
        page2 = json.loads((FIXTURES / "get_products_eu-central-1_page2.json").read_text())
        expected = {
            "ServiceCode": "AmazonEC2",
            "Filters": linux_on_demand_filters(region),
            "FormatVersion": "aws_v1",
            "MaxResults": 100,
        }
        stubber.add_response("get_products", page1, expected)
        stubber.add_response("get_products", page2, {**expected, "NextToken": page1["NextToken"]})
        for name, service, filters in part_queries(region):
            page = json.loads((FIXTURES / f"get_products_eu-central-1_{name}.json").read_text())
            stubber.add_response("get_products", page, {**expected, "ServiceCode": service, "Filters": filters})
    stubber.activate()
    return pricing, stubber


def client_factory(pricing, regions_client=None):
    def client(service, region):
        if service == "pricing":
            return pricing
        if regions_client is not None and region == aws.PRICING_REGION:
            return regions_client
        return boto3.client(service, region_name=region)

    return client


class RecordingProgress(aws.Progress):
    def __init__(self):
        self.events = []

    def task(self, description, total):
        from contextlib import contextmanager

        @contextmanager
        def running():
            self.events.append(("start", description, total))
            yield lambda steps=1: self.events.append(("advance", steps))

        return running()


def test_shape_of_describe_instance_types_entries():
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="eu-central-1")
        entries = ec2.describe_instance_types(InstanceTypes=["g5.xlarge", "m7g.large", "m5.large"])["InstanceTypes"]
    shapes = {s["instance_type"]: s for s in map(aws.shape_of, entries)}
    limits = {e["InstanceType"]: e["EbsInfo"]["MaximumEbsAttachments"] for e in entries}
    assert shapes["g5.xlarge"] == {
        "instance_type": "g5.xlarge",
        "vcpus": 4,
        "memory_gib": 16,
        "arch": "x86_64",
        "gpu_name": "A10G",
        "gpu_count": 1,
        # What the size supports: SupportedUsageClasses, SupportedBootModes, MaximumEbsAttachments less the root.
        "facts": {
            "spot": True,
            "boot_modes": ["legacy-bios", "uefi"],
            "max_data_disks": limits["g5.xlarge"] - 1,
            "gpu_memory_gb": 24,  # GpuInfo: 22,888 MiB, the 24 GB A10G
        },
    }
    assert shapes["m7g.large"]["facts"]["boot_modes"] == ["uefi"]
    assert shapes["m7g.large"]["arch"] == "arm64" and shapes["m7g.large"]["gpu_name"] is None
    assert shapes["m5.large"]["memory_gib"] == 8


def test_mac_hosts_are_left_out():
    entry = {"InstanceType": "mac2.metal", "ProcessorInfo": {"SupportedArchitectures": ["arm64_mac"]}}
    assert aws.shape_of(entry) is None


def test_price_list_pages_are_followed_and_parsed():
    pricing, stubber = stubbed_pricing(["eu-central-1"])
    prices = aws.fetch_prices(pricing, "eu-central-1")
    shapes = {"m5.large": {"vcpus": 2}, "t3.micro": {"vcpus": 2}, "g5.xlarge": {"vcpus": 4}, "c7i.large": {"vcpus": 2}}
    parts = aws.fetch_part_prices(pricing, "eu-central-1", prices, shapes)
    stubber.assert_no_pending_responses()
    # EBS gp3, gp2 and magnetic per GB-month, the in-use public IPv4 rate, the interface endpoint's
    # hour (not its bytes, nor a Gateway Load Balancer endpoint's hour), Windows licences: the common
    # per-vCPU rate, and the burstable t3.micro's own (not 2 x $0.046).
    assert parts == {
        "disk:gp2": 0.119,
        "disk:gp3": 0.0952,
        "disk:standard": 0.059,
        "endpoint:interface": 0.012,
        "ipv4:public": 0.005,
        "licence:windows": 0.046,
        "licence:windows:t3.micro": 0.0092,
    }
    assert prices["m5.large"] == 0.115 and prices["p4d.24xlarge"] == 40.94475  # from page 1 and page 2
    assert "x2iedn.xlarge" not in prices  # a zero price is not a price
    assert len(prices) == 7


def prices_by_name(document: dict, region: str) -> dict[str, tuple]:
    return {document["types"][row[0]][0]: tuple(row[1:]) for row in document["regions"][region]}


def test_partial_refresh_replaces_the_region_and_keeps_the_others(tmp_path):
    shutil.copy(COMMITTED, snapshot_path("aws", tmp_path))
    before = read_document(snapshot_path("aws", tmp_path))
    pricing, stubber = stubbed_pricing(["eu-central-1"])
    progress = RecordingProgress()
    with mock_aws():
        report = aws.refresh(
            ["eu-central-1"],
            data_dir=tmp_path,
            progress=progress,
            client=client_factory(pricing),
            allow_fewer_types=True,
        )
    stubber.assert_no_pending_responses()
    assert progress.events == [("start", "aws: regions", 1), ("advance", 1)]

    after = read_document(snapshot_path("aws", tmp_path))
    assert set(after["regions"]) == set(before["regions"])  # nothing dropped
    assert prices_by_name(after, "us-east-1") == prices_by_name(before, "us-east-1")
    catalog = load("aws", tmp_path)
    refreshed = catalog.offerings("eu-central-1")
    assert set(refreshed) == {
        "m5.large",
        "t3.micro",
        "m7g.large",
        "g5.xlarge",
        "c7i.large",
        "r6a.xlarge",
        "p4d.24xlarge",
    }
    assert refreshed["g5.xlarge"].gpu_name == "A10G" and refreshed["g5.xlarge"].price_hourly == 1.258
    assert refreshed["m5.large"].spot_price_hourly == pytest.approx(0.00001)  # moto's spot history
    # Untouched regions keep their prices; dates say which region is how old.
    assert catalog.get("m5.large", "us-east-1").price_hourly == 0.096
    assert len(catalog.offerings("us-east-1")) == len(before["regions"]["us-east-1"])
    assert catalog.region_date("eu-central-1") == date.today().isoformat()
    assert catalog.region_date("us-east-1") == "2025-04-04"
    assert after["snapshot_date"] == "2025-04-04"  # the oldest region's date
    assert report.kept_regions and "eu-central-1" not in report.kept_regions
    assert "Price List query API" in after["source"] and "kept from earlier snapshots" in after["source"]
    # Zones come from DescribeAvailabilityZones and the per-AZ-ID offerings; kept regions keep theirs.
    assert catalog.zones("eu-central-1") == ["euc1-az1", "euc1-az2", "euc1-az3"]
    assert catalog.zone_offerings_known("eu-central-1")
    assert set(refreshed["m5.large"].zones) <= set(catalog.zones("eu-central-1")) and refreshed["m5.large"].zones
    assert set(catalog.zone_names("eu-central-1")) == {"eu-central-1a", "eu-central-1b", "eu-central-1c"}
    assert all(catalog.zone_names("eu-central-1").values())  # a uniformly mapped region: names have IDs
    old = load("aws")
    assert catalog.zones("us-east-1") == old.zones("us-east-1")
    assert catalog.get("t3.micro", "us-east-1").zones == old.get("t3.micro", "us-east-1").zones
    assert set(catalog.zone_names("us-east-1").values()) == {None}  # names differ per account there


def test_refresh_of_an_independently_mapped_region_records_names_without_ids(tmp_path):
    shutil.copy(COMMITTED, snapshot_path("aws", tmp_path))
    pricing, stubber = stubbed_pricing(["us-east-1"])
    with mock_aws():
        aws.refresh(["us-east-1"], data_dir=tmp_path, client=client_factory(pricing), allow_fewer_types=True)
    stubber.assert_no_pending_responses()
    catalog = load("aws", tmp_path)
    assert catalog.zones("us-east-1") == [f"use1-az{n}" for n in range(1, 7)]
    assert set(catalog.zone_names("us-east-1").values()) == {None}
    t3 = catalog.get("t3.micro", "us-east-1")
    assert t3 is not None and "use1-az3" not in t3.zones  # moto's per-AZ data: no t3 in use1-az3


class TwoRegions:
    """DescribeRegions for an account with two regions enabled."""

    def describe_regions(self):
        return {"Regions": [{"RegionName": "eu-central-1"}, {"RegionName": "eu-west-1"}]}


def test_full_refresh_replaces_the_snapshot(tmp_path):
    shutil.copy(COMMITTED, snapshot_path("aws", tmp_path))
    pricing, stubber = stubbed_pricing(["eu-central-1", "eu-west-1"])
    with mock_aws():
        report = aws.refresh(data_dir=tmp_path, client=client_factory(pricing, TwoRegions()), allow_fewer_types=True)
    stubber.assert_no_pending_responses()
    document = read_document(snapshot_path("aws", tmp_path))
    assert sorted(document["regions"]) == ["eu-central-1", "eu-west-1"] == report.regions
    assert "region_dates" not in document and report.kept_regions == []
    assert report.rows == 14 and report.types == 7


def test_failed_refresh_leaves_the_old_snapshot(tmp_path):
    shutil.copy(COMMITTED, snapshot_path("aws", tmp_path))
    original = snapshot_path("aws", tmp_path).read_bytes()
    pricing = boto3.client("pricing", region_name="us-east-1")
    stubber = Stubber(pricing)
    stubber.add_client_error("get_products", "ThrottlingException", "Rate exceeded")
    stubber.activate()
    with mock_aws(), pytest.raises(Exception, match="Rate exceeded"):
        aws.refresh(["eu-central-1"], data_dir=tmp_path, client=client_factory(pricing))
    assert snapshot_path("aws", tmp_path).read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == [snapshot_path("aws").name]  # no half-written file beside it


@pytest.mark.parametrize(
    ("usage_type", "is_interface_hour"),
    [
        ("VpcEndpoint-Hours", True),  # us-east-1's usage types carry no region prefix
        ("EUC1-VpcEndpoint-Hours", True),
        ("APN1-VpcEndpoint-Hours", True),
        ("EUC1-VpcEndpoint-Bytes", False),
        ("EUC1-VpcEndpoint-GWLBE-Hours", False),
        ("EUC1-VpcEndpoint-Hours-Extra", False),
    ],
)
def test_the_interface_endpoint_hour_is_told_from_the_other_endpoint_usage_types(usage_type, is_interface_hour):
    assert bool(aws.INTERFACE_ENDPOINT_HOURS.match(usage_type)) is is_interface_hour
