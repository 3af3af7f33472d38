"""GCP refresh against Cloud Billing Catalog pages and a machineTypes aggregatedList in the APIs'
format (tests/fixtures/refresh/gcp, see tests/fixtures/refresh/README.md) served by ``responses``.
Prices built from parts must equal what GCP lists per machine type (n2-standard-4 us-central1:
$0.19424/h on-demand, $0.06284/h spot); disk, IPv4 and Windows licence prices come from their SKUs."""

from __future__ import annotations

import json
import shutil

import pytest
import responses
from responses import matchers

from components.catalog import load, load_cache_clear
from components.catalog.refresh import gcp
from components.catalog.snapshot import read_document, snapshot_path
from tests.support.common import FIXTURES as TEST_FIXTURES

FIXTURES = TEST_FIXTURES / "refresh" / "gcp"
KEY = "AIzaSy-test-key"


@pytest.fixture(autouse=True)
def clear_cache():
    yield
    load_cache_clear()


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


PAGES = ("skus_page1.json", "skus_page2.json", "skus_page3.json")


def serve_billing(rsps) -> None:
    token = None
    for name in PAGES:
        params = {"key": KEY, "pageSize": "5000", **({"pageToken": token} if token else {})}
        page = fixture(name)
        rsps.get(gcp.BILLING_API, json=page, match=[matchers.query_param_matcher(params)])
        token = page["nextPageToken"]


def all_skus() -> list[dict]:
    return [sku for name in PAGES for sku in fixture(name)["skus"]]


@pytest.mark.parametrize(
    "description,expected",
    [
        ("N2 Instance Core running in Americas", ("core", "n2", False)),
        ("Spot Preemptible N2 Instance Ram running in Frankfurt", ("ram", "n2", True)),
        ("N1 Predefined Instance Core running in Americas", ("core", "n1", False)),
        ("T2A Arm Instance Core running in Americas", ("core", "t2a", False)),
        ("N2D AMD Instance Ram running in Americas", ("ram", "n2d", False)),
        ("Compute optimized Core running in Americas", ("core", "c2", False)),
        ("Nvidia Tesla T4 GPU running in Americas", ("gpu", "T4", False)),
        ("Spot Preemptible Nvidia L4 GPU running in Americas", ("gpu", "L4", True)),
        ("Nvidia H100 80GB GPU running in Americas", ("gpu", "H100", False)),
        ("Micro Instance with burstable CPU running in Americas", ("instance", "f1-micro", False)),
        ("N2 Custom Instance Core running in Americas", None),
        ("Nvidia Tesla T4 GPU attached to Sole Tenancy running in Americas", None),
    ],
)
def test_classify(description, expected):
    usage = "Preemptible" if "Preemptible" in description else "OnDemand"
    sku = {"description": description, "category": {"resourceFamily": "Compute", "usageType": usage}}
    assert gcp.classify(sku) == expected


def test_commitments_and_non_compute_are_ignored():
    ignored = [s for s in all_skus() if gcp.classify(s) is None]
    assert {s["category"]["usageType"] for s in ignored} >= {"Commit1Yr"}
    assert any(s["category"]["resourceFamily"] == "Network" for s in ignored)


def test_sku_price_uses_units_nanos_and_the_last_tier():
    tiers = [
        {"startUsageAmount": 0, "unitPrice": {"currencyCode": "USD", "units": "0", "nanos": 0}},
        {"startUsageAmount": 720, "unitPrice": {"currencyCode": "USD", "units": "1", "nanos": 250000000}},
    ]
    assert gcp.sku_price({"pricingInfo": [{"pricingExpression": {"tieredRates": tiers}}]}) == 1.25


def test_machine_prices_from_parts_match_gcp_list_prices():
    table = gcp.price_table(all_skus())
    shapes = {"n2-standard-4": {"instance_type": "n2-standard-4", "vcpus": 4, "memory_gib": 16, "gpu_name": None}}
    n2 = shapes["n2-standard-4"]
    assert gcp.machine_price(n2, "us-central1", table, spot=False) == pytest.approx(0.19424, abs=1e-5)
    assert gcp.machine_price(n2, "us-central1", table, spot=True) == pytest.approx(0.06284, abs=1e-5)
    assert gcp.machine_price(n2, "europe-west3", table, spot=False) == pytest.approx(0.25025, abs=1e-4)
    g2 = {"instance_type": "g2-standard-4", "vcpus": 4, "memory_gib": 16, "gpu_name": "L4", "gpu_count": 1}
    assert gcp.machine_price(g2, "us-central1", table, spot=False) == pytest.approx(0.70683, abs=1e-4)
    e2_micro = {"instance_type": "e2-micro", "vcpus": 2, "memory_gib": 1, "gpu_name": None}
    assert (
        gcp.machine_price(e2_micro, "us-central1", table, spot=False) == 0.008376
    )  # GCP lists e2-micro at $0.008376/h
    f1 = {"instance_type": "f1-micro", "vcpus": 1, "memory_gib": 0.6, "gpu_name": None}
    assert gcp.machine_price(f1, "us-central1", table, spot=False) == 0.0076
    assert gcp.machine_price(g2, "europe-west3", table, spot=False) is None  # no G2 SKU there


def test_part_prices_from_disk_ip_and_windows_skus():
    table = gcp.part_table(all_skus())
    assert gcp.part_prices(table, "us-central1") == {
        "disk:hyperdisk-balanced": 0.08,
        "disk:pd-balanced": 0.1,  # not the regional (replicated) disk
        "disk:pd-ssd": 0.17,
        "disk:pd-standard": 0.04,  # past the free tier
        "ipv4:public": 0.005,  # global SKU, past the free tier
        "ipv4:public:spot": 0.0025,
        "licence:windows": 0.046,  # per vCPU: not RAM cost, not BYOL
        "licence:windows:e2-medium": 0.046,  # e2 shared-core: billed as 1, 0.5 and 0.25 vCPU
        "licence:windows:e2-micro": 0.0115,
        "licence:windows:e2-small": 0.023,
        "licence:windows:f1-micro": 0.023,
        "licence:windows:g1-small": 0.023,
    }
    frankfurt = gcp.part_prices(table, "europe-west3")
    assert frankfurt["disk:pd-balanced"] == 0.12 and frankfurt["disk:pd-standard"] == 0.048
    assert "disk:pd-ssd" not in frankfurt and frankfurt["ipv4:public"] == 0.005


@pytest.mark.parametrize(
    "description,family,expected",
    [
        ("Licensing Fee for Windows Server 2025 Datacenter Edition on VM", "License", ("licence:windows", 2025)),
        ("Licensing Fee for Windows Server 2019 Datacenter Edition (CPU cost)", "License", ("licence:windows", 2019)),
        ("Licensing Fee for Windows Server 2022 Datacenter Edition (RAM cost)", "License", None),
        ("Licensing Fee for Windows Server 2012 BYOL (CPU cost)", "License", None),
        ("Static Ip Charge", "Network", None),
        ("Regional Storage PD Capacity", "Storage", None),
        ("Hyperdisk Balanced Capacity in Tokyo", "Storage", ("disk:hyperdisk-balanced", 0)),
    ],
)
def test_part_skus(description, family, expected):
    unit = "GiBy.mo" if family == "Storage" else "h"
    sku = {
        "description": description,
        "category": {"resourceFamily": family, "usageType": "OnDemand"},
        "pricingInfo": [{"pricingExpression": {"usageUnit": unit, "tieredRates": []}}],
    }
    assert gcp.part_of(sku) == expected


@responses.activate
def test_partial_refresh_with_snapshot_shapes(tmp_path):
    shutil.copy(snapshot_path("gcp"), snapshot_path("gcp", tmp_path))
    before = read_document(snapshot_path("gcp", tmp_path))
    serve_billing(responses.mock)
    report = gcp.refresh(["us-central1", "europe-west3"], api_key=KEY, data_dir=tmp_path, allow_fewer_types=True)
    catalog = load("gcp", tmp_path)
    central = catalog.offerings("us-central1")
    assert central["n2-standard-4"].price_hourly == pytest.approx(0.19424, abs=1e-5)
    assert central["g2-standard-4"].gpu_name == "L4" and central["g2-standard-4"].spot_price_hourly
    assert central["t2a-standard-4"].arch == "arm64"
    assert "c3-standard-4" not in central  # no C3 SKUs in the recorded pages: no price, no row
    assert "t2a-standard-4" not in catalog.offerings("europe-west3")  # not offered there
    t4 = {(a.name, a.count): a for a in catalog.accelerators("us-central1")}
    assert t4[("T4", 4)].price_hourly == pytest.approx(1.4) and t4[("T4", 4)].spot_price_hourly == pytest.approx(0.6616)
    assert set(catalog.regions) == set(before["regions"])  # other regions kept
    assert catalog.get("n2-standard-4", "asia-east1").price_hourly == next(
        row[1] for row in before["regions"]["asia-east1"] if before["types"][row[0]][0] == "n2-standard-4"
    )
    assert report.regions == ["europe-west3", "us-central1"]
    # Without --project the zones are the previous snapshot's.
    old = load("gcp")
    assert catalog.zones("us-central1") == old.zones("us-central1")
    assert central["t2a-standard-4"].zones == old.get("t2a-standard-4", "us-central1").zones
    assert catalog.zone_offerings_known("us-central1")
    # Part prices of the refreshed regions from the SKUs; other regions keep theirs.
    assert catalog.part_price("europe-west3", "disk:pd-balanced") == 0.12
    assert catalog.part_price("us-central1", "licence:windows:e2-micro") == 0.0115
    assert catalog.part_prices("asia-east1") == before["prices"]["asia-east1"]


def _fixture_zones() -> tuple[set[str], dict[tuple[str, str], set[str]]]:
    zones, type_zones = set(), {}
    for scope in fixture("machine_types_aggregated.json")["items"].values():
        for machine_type in scope.get("machineTypes", []):
            zone = machine_type["zone"].rsplit("/", 1)[-1]
            zones.add(zone)
            type_zones.setdefault((machine_type["name"], zone.rsplit("-", 1)[0]), set()).add(zone)
    return zones, type_zones


ZONES_IN_FIXTURE, FIXTURE_TYPE_ZONES = _fixture_zones()


@responses.activate
def test_full_refresh_with_compute_api_shapes(tmp_path):
    serve_billing(responses.mock)
    responses.get(
        gcp.COMPUTE_API.format(project="demo-project"),
        json=fixture("machine_types_aggregated.json"),
        match=[matchers.query_param_matcher({"key": KEY, "maxResults": "500"})],
    )
    report = gcp.refresh(api_key=KEY, project="demo-project", data_dir=tmp_path, allow_fewer_types=True)
    document = read_document(snapshot_path("gcp", tmp_path))
    assert sorted(document["regions"]) == ["europe-west3", "us-central1"] == report.regions
    catalog = load("gcp", tmp_path)
    assert set(catalog.offerings("us-central1")) == {"n2-standard-4", "e2-micro", "g2-standard-4", "t2a-standard-4"}
    assert set(catalog.offerings("europe-west3")) == {"n2-standard-4", "n2-standard-8"}
    g2 = catalog.get("g2-standard-4", "us-central1")
    assert (g2.vcpus, g2.memory_gib, g2.gpu_name, g2.gpu_count) == (4, 16, "L4", 1)
    assert catalog.get("t2a-standard-4", "us-central1").arch == "arm64"
    assert "shapes and zones from the Compute API" in document["source"]
    assert "region_dates" not in document
    # Zones from the aggregated list's per-zone scopes.
    assert catalog.zones("us-central1") == sorted({z for z in ZONES_IN_FIXTURE if z.startswith("us-central1-")})
    assert catalog.zone_offerings_known("us-central1")
    for name in ("n2-standard-4", "e2-micro", "g2-standard-4", "t2a-standard-4"):
        assert catalog.get(name, "us-central1").zones == tuple(sorted(FIXTURE_TYPE_ZONES[name, "us-central1"]))
    assert catalog.get("n2-standard-4", "us-central1").zones == ("us-central1-a", "us-central1-b")
    assert catalog.get("t2a-standard-4", "us-central1").zones == ("us-central1-a",)


@responses.activate
def test_bad_key_fails_without_touching_the_snapshot(tmp_path):
    shutil.copy(snapshot_path("gcp"), snapshot_path("gcp", tmp_path))
    original = snapshot_path("gcp", tmp_path).read_bytes()
    responses.get(gcp.BILLING_API, status=400, json={"error": {"code": 400, "message": "API key not valid."}})
    with pytest.raises(Exception, match="400"):
        gcp.refresh(["us-central1"], api_key="bad", data_dir=tmp_path)
    assert snapshot_path("gcp", tmp_path).read_bytes() == original
