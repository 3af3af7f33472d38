"""Azure refresh against Retail Prices API pages in the API's response format
(tests/fixtures/refresh/azure, hand-built: see tests/fixtures/refresh/README.md) served by
``responses``: pagination, Linux/spot/Windows/Low Priority classification, shapes, merging, and the
part prices (disk tiers, public IPv4, Windows licences)."""

from __future__ import annotations

import json
import shutil
from urllib.parse import parse_qs, urlparse

import pytest
import responses

from components.catalog import load, load_cache_clear
from components.catalog.refresh import azure
from components.catalog.snapshot import read_document, snapshot_path
from tests.support.common import FIXTURES as TEST_FIXTURES

FIXTURES = TEST_FIXTURES / "refresh" / "azure"


@pytest.fixture(autouse=True)
def clear_cache():
    yield
    load_cache_clear()


def page(n: int) -> dict:
    return json.loads((FIXTURES / f"retail_prices_westeurope_page{n}.json").read_text())


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"retail_prices_westeurope_{name}.json").read_text())


def query(text: str):
    return responses.matchers.query_param_matcher({"api-version": azure.API_VERSION, "$filter": text})


def serve_westeurope(rsps: responses.RequestsMock) -> None:
    first, second = page(1), page(2)
    rsps.get(azure.API, json=first, match=[query(azure.region_filter("westeurope"))])
    rsps.get(first["NextPageLink"], json=second, match=[skip_matcher("1000")])
    rsps.get(azure.API, json=fixture("disks"), match=[query(azure.disk_filter("westeurope"))])
    rsps.get(azure.API, json=fixture("ipv4"), match=[query(azure.ip_filter("westeurope"))])


def skip_matcher(skip: str):
    def match(request):
        query = parse_qs(urlparse(request.url).query)
        return (query.get("$skip") == [skip], f"$skip is {query.get('$skip')}")

    return match


def test_price_kinds():
    items = {(i["productName"], i["skuName"]): azure.price_kind(i) for i in page(1)["Items"] + page(2)["Items"]}
    assert items[("Virtual Machines Dsv5 Series", "D2s v5")] == "on_demand"
    assert items[("Virtual Machines Dsv5 Series", "D2s v5 Spot")] == "spot"
    assert items[("Virtual Machines Dsv5 Series", "D2s v5 Low Priority")] is None
    assert items[("Virtual Machines Dsv5 Series Windows", "D2s v5")] == "windows"
    assert items[("Virtual Machines Dsv5 Series Windows", "D2s v5 Spot")] is None
    assert items[("Virtual Machines Dpsv5 Series Linux", "D2ps v5")] == "on_demand"
    assert items[("Virtual Machines Esv5 Series", "E4s v5 Spot")] is None  # a zero price


def test_prices_by_size_latest_meter_wins():
    prices = azure.prices_by_size(page(1)["Items"] + page(2)["Items"])
    assert prices["Standard_D2s_v5"] == {"on_demand": 0.115, "spot": 0.021252, "windows": 0.207}
    assert prices["Standard_B2s"] == {"on_demand": 0.048, "windows": 0.06}  # 2024 meter over the 2019 one
    assert prices["Standard_E4s_v5"] == {"on_demand": 0.304}


def test_part_prices_from_disk_ip_and_windows_meters():
    prices = azure.prices_by_size(page(1)["Items"] + page(2)["Items"])
    shapes = {"Standard_D2s_v5": {"vcpus": 2}, "Standard_B2s": {"vcpus": 2}}
    parts = azure.part_prices(prices, shapes, fixture("disks")["Items"], fixture("ipv4")["Items"])
    assert parts == {
        # LRS tiers only, the latest meter of each (not ZRS, reservations, operations or mounts)
        "disk:Premium_LRS:P4": 5.81,
        "disk:StandardSSD_LRS:E4": 2.4,
        "disk:Standard_LRS:S10": 5.89,
        "disk:Standard_LRS:S20": 21.76,
        "disk:Standard_LRS:S4": 1.54,
        "ipv4:public": 0.005,  # the Standard static address, not Basic or Global
        "licence:windows": 0.046,  # D2s v5: ($0.207 - $0.115) / 2 vCPUs
        "licence:windows:Standard_B2s": 0.012,  # burstable: its own Windows minus Linux
    }


def test_filters_ask_for_the_regions_consumption_prices_of_each_product():
    assert azure.disk_filter("westeurope") == (
        "serviceName eq 'Storage' and priceType eq 'Consumption' and armRegionName eq 'westeurope' and "
        "(productName eq 'Premium SSD Managed Disks' or productName eq 'Standard SSD Managed Disks' or "
        "productName eq 'Standard HDD Managed Disks')"
    )
    assert "productName eq 'IP Addresses'" in azure.ip_filter("westeurope")


@responses.activate
def test_fetch_follows_next_page_link():
    serve_westeurope(responses.mock)
    items = list(azure.fetch_items(__import__("requests").Session(), "westeurope"))
    assert len(items) == len(page(1)["Items"]) + len(page(2)["Items"])
    assert len(responses.calls) == 2


@responses.activate
def test_partial_refresh_writes_a_merged_snapshot(tmp_path):
    shutil.copy(snapshot_path("azure"), snapshot_path("azure", tmp_path))
    before = read_document(snapshot_path("azure", tmp_path))
    serve_westeurope(responses.mock)
    report = azure.refresh(["westeurope"], data_dir=tmp_path, allow_fewer_types=True)
    catalog = load("azure", tmp_path)
    westeurope = catalog.offerings("westeurope")
    assert set(westeurope) == {
        "Standard_D2s_v5",
        "Standard_B2s",
        "Standard_NC4as_T4_v3",
        "Standard_D2ps_v5",
        "Standard_E4s_v5",
    }
    d2ps = westeurope["Standard_D2ps_v5"]
    assert (d2ps.vcpus, d2ps.memory_gib, d2ps.arch, d2ps.price_hourly, d2ps.spot_price_hourly) == (
        2, 8, "arm64", 0.092, 0.017002,
    )  # fmt: skip
    assert westeurope["Standard_NC4as_T4_v3"].gpu_name == "T4"
    assert set(catalog.regions) == set(before["regions"])
    assert len(catalog.offerings("eastus")) == len(before["regions"]["eastus"])
    assert report.rows == 5 and "Standard_Z9s_v9" in report.notes[0]
    assert catalog.region_date("eastus") == before["snapshot_date"]
    # Part prices: westeurope's from the fetch (and older ones it did not price kept), others kept.
    assert catalog.part_price("westeurope", "disk:Premium_LRS:P4") == 5.81
    assert catalog.part_price("westeurope", "licence:windows:Standard_B2s") == 0.012
    assert catalog.part_price("westeurope", "ipv4:public") == 0.005
    assert catalog.part_prices("eastus") == {p: v for p, v in before["prices"]["eastus"].items()}
    assert "8 disk, IPv4 and licence prices fetched" in report.parts


@responses.activate
def test_http_error_leaves_the_snapshot_alone(tmp_path):
    shutil.copy(snapshot_path("azure"), snapshot_path("azure", tmp_path))
    original = snapshot_path("azure", tmp_path).read_bytes()
    responses.get(azure.API, status=429, json={"Error": "Too many requests"})
    with pytest.raises(Exception, match="429"):
        azure.refresh(["westeurope"], data_dir=tmp_path)
    assert snapshot_path("azure", tmp_path).read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == [snapshot_path("azure").name]


@responses.activate
def test_cli_refresh_then_compare_uses_the_new_prices(tmp_path, capsys):
    from components.tools import catalog as cli
    from components.tools import compare

    shutil.copy(snapshot_path("azure"), snapshot_path("azure", tmp_path))
    serve_westeurope(responses.mock)
    code = cli.main(["refresh", "azure", "--regions", "westeurope", "--data-dir", str(tmp_path), "--allow-fewer-types"])
    out, err = capsys.readouterr()
    assert code == 0
    assert f"azure: wrote {snapshot_path('azure', tmp_path)} with 5 offerings of 5 types in 1 refreshed regions" in out
    assert "kept 57 other regions" in out and "Standard_Z9s_v9" in out
    assert "azure: regions" in err and "1/1" in err  # the progress bar, on stderr

    load_cache_clear()
    code = compare.main(
        [
            "--clouds",
            "azure",
            "--azure-region",
            "westeurope",
            "--cpus",
            "2",
            "--data-dir",
            str(tmp_path),
            "--format",
            "json",
        ]
    )
    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [r["instance_type"] for r in rows] == ["Standard_B2s", "Standard_D2s_v5", "Standard_E4s_v5"]
    assert rows[0]["snapshot_date"] == __import__("datetime").date.today().isoformat()


@responses.activate
def test_cli_refresh_failure_exits_1_and_says_the_snapshot_is_unchanged(tmp_path, capsys):
    from components.tools import catalog as cli

    shutil.copy(snapshot_path("azure"), snapshot_path("azure", tmp_path))
    responses.get(azure.API, status=503)
    code = cli.main(["refresh", "azure", "--regions", "westeurope", "--data-dir", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1
    assert "catalog refresh azure failed: HTTPError: 503" in err and "was not changed" in err


SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"


def serve_resource_skus(rsps: responses.RequestsMock) -> None:
    from components.catalog.refresh import azure_skus

    rsps.get(
        azure_skus.API.format(subscription=SUBSCRIPTION),
        json=json.loads((FIXTURES / "resource_skus_westeurope.json").read_text()),
        match=[
            responses.matchers.query_param_matcher(
                {"api-version": azure_skus.API_VERSION, "$filter": "location eq 'westeurope'"}
            ),
            responses.matchers.header_matcher({"Authorization": "Bearer test-token"}),
        ],
    )


@responses.activate
def test_refresh_with_a_subscription_reads_size_facts_and_zones_from_resource_skus(tmp_path):
    shutil.copy(snapshot_path("azure"), snapshot_path("azure", tmp_path))
    serve_westeurope(responses.mock)
    serve_resource_skus(responses.mock)
    report = azure.refresh(
        ["westeurope"], data_dir=tmp_path, subscription=SUBSCRIPTION, token="test-token", allow_fewer_types=True
    )
    catalog = load("azure", tmp_path)
    # Zones now come from the API: verified, per size, less a Zone restriction.
    assert catalog.zone_offerings_known("westeurope")
    assert catalog.zones("westeurope") == ["1", "2", "3"]
    assert catalog.get("Standard_E4s_v5", "westeurope").zones == ("2", "3")
    assert catalog.get("Standard_D2ps_v5", "westeurope").zones == ("1", "2")
    # Facts from the capabilities.
    assert catalog.facts("Standard_B2s")["spot"] is False
    assert catalog.facts("Standard_E4s_v5")["max_data_disks"] == 8
    assert catalog.facts("Standard_D2ps_v5")["generations"] == ["V2"]
    # A size this subscription cannot use stays in the shared catalog, and the report says so.
    assert catalog.get("Standard_NC4as_T4_v3", "westeurope") is not None
    assert any("not available to this subscription" in note for note in report.notes)
    assert "Resource SKUs API" in read_document(snapshot_path("azure", tmp_path))["source"]
    # Other regions keep the zone facts they had.
    assert catalog.zones("eastus") == load("azure").zones("eastus")
    # Placement now refuses a zone that the verified data says does not offer the size.
    from components.spec.placement import ZoneError, place

    e4s = catalog.get("Standard_E4s_v5", "westeurope")
    assert place("azure", e4s, catalog, "2") == "2"
    with pytest.raises(ZoneError, match="not offered in 1"):
        place("azure", e4s, catalog, "1")


def test_cli_refresh_with_a_subscription_needs_a_token(tmp_path, capsys, monkeypatch):
    from components.tools.catalog import main

    monkeypatch.delenv("AZURE_ACCESS_TOKEN", raising=False)
    before = snapshot_path("azure").read_bytes()
    assert main(["refresh", "azure", "--regions", "westeurope", "--subscription", SUBSCRIPTION, "--no-progress"]) == 2
    assert "AZURE_ACCESS_TOKEN" in capsys.readouterr().err
    assert snapshot_path("azure").read_bytes() == before
