"""Price sanity (components/catalog/sanity.py): issue 20's cases, as the snapshot shipped them, are
flagged by the rules; the shipped snapshots, which now price those sizes from the Billing Catalog,
carry no such finding; and no real regional difference of the shipped data is flagged."""

from __future__ import annotations

import json

import pytest

from components.catalog import Catalog, load
from components.catalog.normalise import normalise_shape
from components.catalog.sanity import bigger_cheaper, derive, dimensions, family, is_us_region
from components.catalog.snapshot import build_document
from tests.support.common import FIXTURES

FIXTURE = FIXTURES / "sanity" / "gcp_issue20_rows.json"


@pytest.fixture(scope="module")
def issue_rows() -> Catalog:
    """The issue's rows as shipped before the fix, normalised as the build does (GPU card + memory)."""
    rows = [normalise_shape("gcp", row) for row in json.loads(FIXTURE.read_text())["rows"]]
    return Catalog(build_document("gcp", rows, snapshot_date="2026-05-20", source="fixture"))


def finding(catalog: Catalog, name: str, region: str):
    found = catalog.findings(catalog.get(name, region))
    return found[0] if found else None


def test_a2_ultragpu_cheaper_than_a2_highgpu_in_us_central1_is_flagged(issue_rows):
    """One 80 GB A100 (a2-ultragpu-1g, $2.95/h) under one 40 GB A100 (a2-highgpu-1g, $3.67/h) with
    the same vCPUs and more memory, in the same region: a bigger size cheaper than a smaller one."""
    flag = finding(issue_rows, "a2-ultragpu-1g", "us-central1")
    assert flag.kind == "bigger-cheaper" and flag.other == "a2-highgpu-1g"
    assert flag.describe() == (
        "price $2.94582/h is below the $3.67339/h of a2-highgpu-1g, a smaller size of the same family in this region; "
        "one of the two prices is likely wrong"
    )
    assert finding(issue_rows, "a2-highgpu-1g", "us-central1") is None


def test_a2_highgpu_far_below_the_us_in_europe_west4_is_flagged(issue_rows):
    """$2.43/h in europe-west4 against $3.67/h in us-central1: 0.66x the median of its other regions
    (not under 0.5x, which let it through), but a GPU size far below its cheapest US region."""
    flag = finding(issue_rows, "a2-highgpu-1g", "europe-west4")
    assert flag.kind == "below-us" and round(flag.ratio, 2) == 0.66
    assert "is 0.66x the cheapest US region's $3.67339/h" in flag.describe()
    # asia-northeast1/3 and asia-southeast1 carry the same broken price (Billing Catalog: $4.01-4.05)
    for region in ("asia-northeast1", "asia-northeast3", "asia-southeast1"):
        assert finding(issue_rows, "a2-highgpu-1g", region).kind == "below-us"


def test_a3_highgpu_8g_at_43_in_us_central1_against_88_in_us_east4_is_flagged(issue_rows):
    flag = finding(issue_rows, "a3-highgpu-8g", "us-central1")
    assert flag.kind == "outlier" and flag.describe().startswith("price $43.0662/h is 0.45x the median $96.7123/h")
    assert finding(issue_rows, "a3-highgpu-8g", "us-east4") is None


def test_the_shipped_snapshot_prices_the_issue_cases_from_the_billing_catalog():
    gcp = load("gcp")
    ultra, high = gcp.get("a2-ultragpu-1g", "us-central1"), gcp.get("a2-highgpu-1g", "us-central1")
    assert (high.price_hourly, ultra.price_hourly) == (3.673385, 5.068798)  # ultra: 80 GB and 375 GiB local SSD
    assert gcp.get("a2-highgpu-1g", "europe-west4").price_hourly == 3.747972
    assert gcp.get("a3-highgpu-8g", "us-central1").price_hourly == 88.49
    assert gcp.get("a3-highgpu-8g", "us-east4").price_hourly == 88.555756
    for o in (ultra, high, gcp.get("a3-highgpu-8g", "us-central1")):
        assert o.price_date == "2026-07-30" and gcp.findings(o) == []


def test_no_regional_difference_of_the_shipped_aws_and_azure_gpu_prices_is_below_the_us():
    """The ground for the below-us rule: across every GPU size of the shipped snapshots, no region is
    more than 25% cheaper than its cloud's cheapest US region."""
    for cloud in ("aws", "azure", "gcp"):
        catalog = load(cloud)
        for region in catalog.regions:
            for o in catalog.offerings(region).values():
                assert not any(f.kind == "below-us" for f in catalog.findings(o)), (cloud, region, o.instance_type)


def test_bigger_cheaper_needs_every_dimension_at_least_as_big():
    names = ["small", "big", "other"]
    sizes = [
        (0, (4, 16, 0, 0, 0), 0.20),
        (1, (8, 32, 0, 0, 0), 0.19),  # bigger and cheaper: flagged
        (2, (2, 64, 0, 0, 0), 0.10),  # more memory, fewer vCPUs: not comparable
    ]
    found = bigger_cheaper(sizes, names)
    assert list(found) == [1] and found[1].other == "small"


def test_families_dimensions_and_us_regions():
    assert family("aws", "p4de.24xlarge") == "p4de"
    assert family("gcp", "a2-ultragpu-1g") == family("gcp", "a2-highgpu-1g") == "a2"
    assert family("azure", "Standard_E8-2as_v5") == family("azure", "Standard_E16as_v5") == "E|as|_v5"
    constrained = ["Standard_E8-2as_v5", 2, 64, "x86_64", None, None, {"licensed_vcpus": 8}]
    assert dimensions(constrained) == (8, 64, 0, 0, 0)  # priced as the full size
    assert is_us_region("aws", "us-east-1") and not is_us_region("aws", "us-gov-west-1")
    assert is_us_region("azure", "westus3") and not is_us_region("azure", "uksouth")


def test_derived_findings_are_stored_with_the_region():
    document = build_document(
        "aws",
        [
            {"instance_type": "m.x", "vcpus": 2, "memory_gib": 8, "arch": "x86_64", "region": r, "price_hourly": p}
            for r, p in (("r1", 0.1), ("r2", 0.1), ("r3", 0.01))
        ],
        snapshot_date="2026-01-01",
        source="test",
    )
    type_regions, flags = derive(document)
    assert type_regions == [0b111]
    assert list(flags) == ["r3"] and flags["r3"]["0"][0][0] == "outlier"
