"""The catalog's searches against the committed snapshot, checked by brute force over the same data,
and against small snapshots written to tmp_path for the cases the real data does not contain."""

from __future__ import annotations

import pytest

from components.catalog import (
    Catalog,
    find_cheapest,
    is_burstable,
    load,
    nearest_offerings,
)
from components.catalog.snapshot import build_document, read_document, snapshot_path, write_document
from tests.support.common import ROOT


def brute_force_cheapest(cloud, region, *, cpus, memory_gib, arch="x86_64", burstable=True):
    offerings = [
        o
        for o in load(cloud).offerings(region).values()
        if o.vcpus >= cpus
        and o.memory_gib >= memory_gib
        and (arch is None or o.arch == arch)
        and (burstable or not is_burstable(cloud, o.instance_type))
        and not o.gpu_name
        and o.price_hourly
        and o.price_hourly > 0
    ]
    return min(o.price_hourly for o in offerings)


@pytest.mark.parametrize("cloud,region", [("aws", "us-east-1"), ("azure", "westeurope"), ("gcp", "europe-west3")])
@pytest.mark.parametrize("cpus,memory", [(2, 4), (4, 16), (16, 128)])
def test_cheapest_meets_the_shape_and_nothing_qualifying_is_cheaper(cloud, region, cpus, memory):
    [best] = find_cheapest(cloud, region, cpus=cpus, memory_gib=memory)
    assert best.vcpus >= cpus and best.memory_gib >= memory and best.arch == "x86_64"
    assert best.price_hourly == brute_force_cheapest(cloud, region, cpus=cpus, memory_gib=memory)


def test_cheapest_known_aws_price():
    # Public AWS list price, us-east-1 Linux on-demand: t3a.xlarge $0.1504/h.
    best = find_cheapest("aws", "us-east-1", cpus=4, memory_gib=16, limit=3)
    assert [o.instance_type for o in best] == ["t3a.xlarge", "t3.xlarge", "m5a.xlarge"]
    assert best[0].price_hourly == 0.1504
    assert best[0].monthly_price == round(0.1504 * 730, 2)


def test_results_are_cheapest_first():
    offerings = find_cheapest("azure", "eastus", cpus=2, memory_gib=8, limit=30)
    prices = [o.price_hourly for o in offerings]
    assert len(prices) == 30 and prices == sorted(prices)


def test_burstable_excluded_when_asked():
    with_burstable = find_cheapest("aws", "us-east-1", cpus=4, memory_gib=16)[0]
    without = find_cheapest("aws", "us-east-1", cpus=4, memory_gib=16, burstable=False, limit=20)
    assert with_burstable.burstable  # t3a: the cheap answer is burstable...
    assert not any(o.burstable for o in without)  # ...and is left out on request
    assert without[0].price_hourly == brute_force_cheapest("aws", "us-east-1", cpus=4, memory_gib=16, burstable=False)
    assert without[0].price_hourly > with_burstable.price_hourly


@pytest.mark.parametrize(
    "cloud,name,expected",
    [
        ("aws", "t3.micro", True),
        ("aws", "m5.large", False),
        ("azure", "Standard_B2s", True),
        ("azure", "Standard_D2s_v5", False),
        ("gcp", "e2-micro", True),
        ("gcp", "e2-standard-4", False),
        ("gcp", "f1-micro", True),
    ],
)
def test_is_burstable(cloud, name, expected):
    assert is_burstable(cloud, name) is expected


def test_gpu_types_never_returned_unless_asked():
    for cloud, region in [("aws", "us-east-1"), ("azure", "eastus"), ("gcp", "us-central1")]:
        assert not any(o.gpu_name for o in find_cheapest(cloud, region, cpus=4, memory_gib=16, limit=500))


def test_gpu_search_returns_only_that_gpu_and_at_least_the_count():
    offerings = find_cheapest("aws", "us-east-1", gpu_name="a10g", gpu_count=4, limit=10)
    assert offerings and all(o.gpu_name == "A10G" and o.gpu_count >= 4 for o in offerings)
    assert offerings[0].instance_type.startswith("g5.")


def test_arm64_search_returns_arm64_only():
    offerings = find_cheapest("aws", "us-east-1", cpus=4, memory_gib=16, arch="arm64", limit=10)
    assert offerings[0].instance_type == "t4g.xlarge"
    assert all(o.arch == "arm64" for o in offerings)
    gcp = find_cheapest("gcp", "us-central1", cpus=4, memory_gib=16, arch="arm64")
    assert gcp[0].instance_type.startswith("t2a-")


def test_arch_none_means_any():
    any_arch = find_cheapest("aws", "us-east-1", cpus=4, memory_gib=16, arch=None)[0]
    assert any_arch.instance_type == "t4g.xlarge"  # the arm64 type is the cheapest overall


def test_spot_ranks_by_spot_price_with_unknown_spot_last():
    offerings = find_cheapest("azure", "eastus", cpus=2, memory_gib=8, spot=True, limit=2000)
    spots = [o.spot_price_hourly for o in offerings]
    known = [s for s in spots if s is not None]
    assert known == sorted(known)
    first_unknown = spots.index(None)
    assert all(s is None for s in spots[first_unknown:])
    # The spot winner is not the on-demand winner here.
    on_demand = find_cheapest("azure", "eastus", cpus=2, memory_gib=8)[0]
    assert offerings[0].spot_price_hourly < on_demand.spot_price_hourly


def test_nearest_for_an_impossible_shape_are_the_biggest_of_the_arch():
    nearest = nearest_offerings("aws", "us-east-1", cpus=1000, memory_gib=100)
    largest = max(o.vcpus for o in load("aws").offerings("us-east-1").values() if not o.gpu_name)
    assert nearest[0].vcpus == largest
    assert all(o.arch == "x86_64" for o in nearest)


def test_nearest_falls_back_to_other_arch_after_requested_one():
    # Every arm64 type (GCP t2a and, since the C4A seed, c4a) comes before any x86_64 one.
    nearest = nearest_offerings("gcp", "us-central1", cpus=500, memory_gib=4000, arch="arm64", limit=200)
    arches = [o.arch for o in nearest]
    assert arches[0] == "arm64"
    assert "x86_64" in arches and arches.index("x86_64") == arches.count("arm64")


# --- small snapshots for cases the real data lacks -----------------------------------------


def row(name, region, price, spot=None, vcpus=4, memory=16, arch="x86_64", gpu=None, gpus=None):
    return {
        "instance_type": name,
        "vcpus": vcpus,
        "memory_gib": memory,
        "arch": arch,
        "gpu_name": gpu,
        "gpu_count": gpus,
        "region": region,
        "price_hourly": price,
        "spot_price_hourly": spot,
    }


def write_snapshot(tmp_path, rows, cloud="aws"):
    document = build_document(cloud, rows, snapshot_date="2026-01-01", source="test")
    write_document(document, snapshot_path(cloud, tmp_path))
    return load(cloud, tmp_path)


def test_rows_without_a_positive_price_never_win(tmp_path):
    catalog = write_snapshot(
        tmp_path,
        [
            row("m.free", "r1", 0),
            row("m.negative", "r1", -1),
            row("m.missing", "r1", None),
            row("m.real", "r1", 0.2),
        ],
    )
    assert [o.instance_type for o in find_cheapest("aws", "r1", limit=5, catalog=catalog)] == ["m.real"]
    assert [o.instance_type for o in nearest_offerings("aws", "r1", cpus=64, memory_gib=0, catalog=catalog)] == [
        "m.real"
    ]


def test_regional_prices_and_dates(tmp_path):
    catalog = write_snapshot(tmp_path, [row("m.a", "r1", 0.2), row("m.a", "r2", 0.3), row("m.a", "r3", 0)])
    assert catalog.regional_prices("m.a") == {"r1": 0.2, "r2": 0.3}
    assert catalog.regional_prices("unknown") == {}
    assert catalog.region_date("r1") == "2026-01-01"
    document = read_document(snapshot_path("aws", tmp_path))
    document["region_dates"] = {"r2": "2026-02-02"}
    assert Catalog(document).region_date("r2") == "2026-02-02"
    assert Catalog(document).region_date("r1") == "2026-01-01"


# --- python -m components catalog build / info ---------------------------------------------

SOURCE = ROOT.parent / "shared" / "catalog-source"


@pytest.mark.skipif(not (SOURCE / "aws_vms.csv.gz").exists(), reason="catalog-source not beside the repo")
def test_catalog_build_reproduces_the_committed_snapshot(tmp_path, capsys):
    from components.tools import catalog as cli

    assert cli.main(["build", "--source", str(SOURCE), "--data-dir", str(tmp_path)]) == 0
    for cloud in ("aws", "azure", "gcp"):
        assert snapshot_path(cloud, tmp_path).read_bytes() == snapshot_path(cloud).read_bytes()
    assert "wrote" in capsys.readouterr().out


def test_catalog_build_rejects_a_folder_without_sources(tmp_path, capsys):
    from components.tools import catalog as cli

    assert cli.main(["build", "--source", str(tmp_path), "--data-dir", str(tmp_path)]) == 2
    assert "aws_vms.csv.gz: no such file; no snapshot was changed" in capsys.readouterr().err


def test_catalog_vendor_aws_without_moto_says_what_to_install(tmp_path, capsys, monkeypatch):
    """The build reads the vendored moto data (sources/aws_moto.json.gz); only regenerating it needs moto."""
    import importlib.util

    from components.tools import catalog as cli

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "moto" else real_find_spec(name, *a)
    )
    assert cli.main(["vendor-aws"]) == 2
    assert "pip install -r requirements-dev.txt" in capsys.readouterr().err


def test_catalog_info_and_bad_subcommands(capsys, monkeypatch):
    from components.tools import catalog as cli

    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert "aws: 2025-04-04, 882 types, 34 regions, 15338 offerings" in out
    assert cli.main(["refresh", "oracle"]) == 2
    assert "invalid choice: 'oracle'" in capsys.readouterr().err
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    assert cli.main(["refresh", "gcp", "--data-dir", "/nonexistent"]) == 2
    assert "an API key is needed" in capsys.readouterr().err


def test_gcp_shared_core_e2_prices_follow_gcps_fractions_of_a_vcpu():
    """catalog-source prices e2-micro/small/medium as two full vCPUs; the build corrects them."""
    from components.catalog.builders.gcp import e2_rates

    gcp = load("gcp")
    standard, highcpu = gcp.get("e2-standard-2", "us-central1"), gcp.get("e2-highcpu-2", "us-central1")
    core, ram = e2_rates(standard.price_hourly, highcpu.price_hourly)
    assert round(core, 6) == 0.021812 and round(ram, 6) == 0.002923  # GCP's E2 list rates
    assert gcp.get("e2-micro", "us-central1").price_hourly == 0.008376  # GCP's list price
    assert gcp.get("e2-small", "us-central1").price_hourly == 0.016753
    assert gcp.get("e2-medium", "us-central1").price_hourly == 0.033505
    for region in gcp.regions:
        micro, medium = gcp.get("e2-micro", region), gcp.get("e2-medium", region)
        if micro and medium:
            assert micro.price_hourly < medium.price_hourly < gcp.get("e2-standard-2", region).price_hourly


def test_seeded_part_prices_name_sub_parts_and_carry_their_oldest_date(tmp_path):
    """part_prices.json: a mapping price names sub-parts (Azure tiers, per-type licences), "*" prices
    every region, and the date is the oldest as_of of the entries used (the read date without one)."""
    import json

    from components.catalog.parts import seeded_prices

    seed = tmp_path / "part_prices.json"
    seed.write_text(
        json.dumps(
            {
                "date": "2026-12-01",
                "entries": [
                    {"cloud": "aws", "part": "licence:windows", "regions": "*", "price": 0.046, "as_of": "2026-10-02"},
                    {"cloud": "aws", "part": "licence:windows", "regions": "*", "price": {"t3.medium": 0.0184}},
                    {
                        "cloud": "aws",
                        "part": "disk:gp2",
                        "prices": {"r1": 0.1, "elsewhere": 0.2},
                        "as_of": "2024-07-18",
                    },
                    {"cloud": "gcp", "part": "disk:pd-ssd", "prices": {"r1": 0.17}, "as_of": "2020-01-01"},
                ],
            }
        )
    )
    prices, date, _source = seeded_prices("aws", ["r1", "r2"], seed)
    assert prices == {
        "r1": {"disk:gp2": 0.1, "licence:windows": 0.046, "licence:windows:t3.medium": 0.0184},
        "r2": {"licence:windows": 0.046, "licence:windows:t3.medium": 0.0184},
    }
    assert date == "2024-07-18"  # not the GCP entry's, not the unused region's entry
    assert seeded_prices("aws", ["r2"], seed)[1] == "2026-10-02"


def test_the_shipped_seed_prices_windows_licences_per_vcpu_on_all_three_clouds():
    for cloud, region, size, hourly in (
        ("aws", "us-east-1", "m5.large", 0.092),
        ("azure", "westeurope", "Standard_D2s_v5", 0.092),
        ("gcp", "europe-west1", "n2-standard-2", 0.092),
    ):
        cat = load(cloud)
        assert cat.part_price(region, "licence:windows") == 0.046
        assert round(cat.part_price(region, "licence:windows") * cat.get(size, region).vcpus, 6) == hourly
