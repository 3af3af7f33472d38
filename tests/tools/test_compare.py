"""``python -m components compare``: every option, the output formats, no-match, price sanity and
the chart, run in-process against the committed snapshot (and small tmp_path snapshots)."""

from __future__ import annotations

import csv
import io
import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from components.catalog import load
from components.catalog.snapshot import build_document, snapshot_path, write_document
from components.cloud_rules.gcp import N1_GPU_LIMITS
from components.tools import compare
from components.tools.geo import GEOS, region_for
from tests.support.common import ROOT

JSON_KEYS = {
    "cloud", "region", "instance_type", "vcpus", "memory_gib", "arch", "gpu_name", "gpu_count",
    "price_hourly", "spot_price_hourly", "monthly_price",
}  # fmt: skip


def run(capsys, *args) -> tuple[int, str, str]:
    code = compare.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *args) -> list[dict]:
    code, out, err = run(capsys, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def by_cloud(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for r in rows:
        grouped.setdefault(r["cloud"], []).append(r)
    return grouped


# --- shape options -------------------------------------------------------------------------


def test_json_has_the_issue_keys_cheapest_first_per_cloud(capsys):
    rows = run_json(capsys, "--cpus", "4", "--memory", "16", "--top", "5")
    groups = by_cloud(rows)
    assert list(groups) == ["aws", "azure", "gcp"]
    for cloud_rows in groups.values():
        assert len(cloud_rows) == 5
        prices = [r["price_hourly"] for r in cloud_rows]
        assert prices == sorted(prices)
    for r in rows:
        assert set(r) >= JSON_KEYS
        assert r["vcpus"] >= 4 and r["memory_gib"] >= 16 and r["arch"] == "x86_64"
        assert r["monthly_price"] == round(r["price_hourly"] * 730, 2)
    aws = groups["aws"][0]
    assert (aws["region"], aws["instance_type"], aws["price_hourly"]) == ("us-east-1", "t3a.xlarge", 0.1504)


def test_overall_cheapest_is_the_lowest_price_and_ties_are_all_marked(capsys):
    rows = run_json(capsys, "--cpus", "4", "--memory", "16")
    [winner] = [r for r in rows if r["cheapest"]]
    assert winner["price_hourly"] == min(r["price_hourly"] for r in rows)
    tied = run_json(capsys, "--cpus", "2", "--memory", "8")
    marked = [(r["cloud"], r["instance_type"], r["price_hourly"]) for r in tied if r["cheapest"]]
    assert marked == [("aws", "t3a.large", 0.0752), ("azure", "Standard_B2as_v2", 0.0752)]
    assert min(r["price_hourly"] for r in tied) == 0.0752
    _, out, _ = run(capsys, "--cpus", "2", "--memory", "8")
    assert "* cheapest overall (tie): AWS t3a.large in us-east-1 = Azure Standard_B2as_v2 in eastus" in out


def test_arch_arm64_and_any(capsys):
    arm = run_json(capsys, "--cpus", "4", "--memory", "16", "--arch", "arm64")
    assert arm and all(r["arch"] == "arm64" for r in arm)
    assert by_cloud(arm)["aws"][0]["instance_type"] == "t4g.xlarge"
    any_arch = run_json(capsys, "--cpus", "4", "--memory", "16", "--arch", "any", "--clouds", "aws")
    assert any_arch[0]["instance_type"] == "t4g.xlarge"


def test_no_burstable(capsys):
    with_burstable = run_json(capsys, "--cpus", "4", "--memory", "16", "--clouds", "aws,azure")
    assert any(r["instance_type"].startswith(("t3", "Standard_B")) for r in with_burstable)
    rows = run_json(capsys, "--cpus", "4", "--memory", "16", "--no-burstable", "--top", "10")
    assert not any(r["instance_type"].startswith(("t3", "t3a", "t4g", "Standard_B", "e2-micro")) for r in rows)
    assert by_cloud(rows)["aws"][0]["instance_type"] == "m5a.xlarge"


def test_top_k(capsys):
    assert {len(v) for v in by_cloud(run_json(capsys, "--cpus", "2", "--top", "1")).values()} == {1}
    assert {len(v) for v in by_cloud(run_json(capsys, "--cpus", "2", "--top", "7")).values()} == {7}


def test_clouds_subset_keeps_order_given(capsys):
    rows = run_json(capsys, "--cpus", "2", "--clouds", "gcp,aws")
    assert list(by_cloud(rows)) == ["gcp", "aws"]


# --- regions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("geo", list(GEOS))
def test_every_geo_maps_to_regions_in_the_snapshots(geo):
    for cloud in ("aws", "azure", "gcp"):
        region = region_for(geo, cloud)
        assert region in load(cloud).regions, (geo, cloud, region)


def test_geo_choice_is_visible_and_used(capsys):
    code, out, _ = run(capsys, "--cpus", "4", "--memory", "16", "--geo", "eu-central")
    assert code == 0
    assert "AWS eu-central-1 (geo eu-central: Frankfurt)" in out
    assert "Azure germanywestcentral (geo eu-central: Frankfurt)" in out
    assert "GCP europe-west3 (geo eu-central: Frankfurt)" in out
    rows = run_json(capsys, "--cpus", "4", "--geo", "eu-central")
    assert {r["cloud"]: r["region"] for r in rows} == {
        "aws": "eu-central-1",
        "azure": "germanywestcentral",
        "gcp": "europe-west3",
    }


def test_default_geo_is_said_to_be_the_default(capsys):
    _, out, _ = run(capsys, "--cpus", "2", "--clouds", "aws")
    assert "AWS us-east-1 (geo us-east: N. Virginia (GCP: Ashburn), the default)" in out


def test_explicit_region_overrides_geo(capsys):
    rows = run_json(capsys, "--cpus", "2", "--geo", "uk", "--gcp-region", "asia-south1")
    assert {r["cloud"]: r["region"] for r in rows} == {
        "aws": "eu-west-2",
        "azure": "uksouth",
        "gcp": "asia-south1",
    }
    _, out, _ = run(capsys, "--cpus", "2", "--geo", "uk", "--gcp-region", "asia-south1")
    assert "GCP asia-south1 (--gcp-region)" in out


# --- GPUs and spot ---------------------------------------------------------------------------


def test_gpu_built_in_types_only(capsys):
    rows = run_json(capsys, "--gpu", "L4:1", "--clouds", "aws,gcp", "--top", "4")
    assert rows and all(r["gpu_name"] == "L4" and r["gpu_count"] >= 1 for r in rows)
    assert by_cloud(rows)["aws"][0]["instance_type"] == "g6.xlarge"
    assert by_cloud(rows)["gcp"][0]["instance_type"] == "g2-standard-4"


def test_gpu_count_is_a_minimum(capsys):
    rows = run_json(capsys, "--gpu", "A100:8", "--clouds", "aws", "--aws-region", "us-east-1")
    assert rows and all(r["gpu_count"] >= 8 for r in rows)
    assert rows[0]["instance_type"] == "p4d.24xlarge"


def test_gcp_attachable_gpu_priced_as_machine_plus_accelerator(capsys):
    rows = run_json(capsys, "--gpu", "T4:1", "--clouds", "gcp", "--gcp-region", "us-central1", "--top", "3")
    attached = [r for r in rows if r["gpu_attached"]]
    assert attached, rows
    first = attached[0]
    catalog = load("gcp")
    machine = catalog.get(first["instance_type"], "us-central1")
    [t4] = [a for a in catalog.accelerators("us-central1") if a.name == "T4" and a.count == 1]
    assert first["instance_type"].startswith("n1-")
    assert first["price_hourly"] == pytest.approx(machine.price_hourly + t4.price_hourly)
    assert first["spot_price_hourly"] == pytest.approx(machine.spot_price_hourly + t4.spot_price_hourly)
    assert first["vcpus"] <= N1_GPU_LIMITS["T4"][1][0]


def test_gcp_attached_gpu_respects_the_vcpu_limit_per_gpu_count(capsys):
    # V100 x1 allows at most 12 vCPUs: a 16-vCPU N1 needs two V100s.
    rows = run_json(capsys, "--gpu", "V100:1", "--cpus", "16", "--clouds", "gcp", "--gcp-region", "us-central1")
    assert rows and all(r["gpu_count"] >= 2 for r in rows if r["gpu_attached"])


def test_a_region_for_a_cloud_left_out_of_clouds_is_a_usage_error(capsys):
    code, out, err = run(capsys, "--cpus", "2", "--clouds", "gcp", "--aws-region", "us-east-1")
    assert code == 2 and out == ""
    assert err.strip() == "compare: error: --aws-region given, but --clouds gcp leaves that cloud out"


def test_spot_ranks_by_spot_price(capsys):
    rows = run_json(capsys, "--cpus", "2", "--memory", "8", "--spot", "--clouds", "azure,gcp", "--top", "5")
    for cloud_rows in by_cloud(rows).values():
        spots = [r["spot_price_hourly"] for r in cloud_rows]
        assert None not in spots and spots == sorted(spots)
    [winner] = [r for r in rows if r["cheapest"]]
    assert winner["spot_price_hourly"] == min(r["spot_price_hourly"] for r in rows)


def test_spot_tables_show_a_month_at_the_spot_price_beside_the_on_demand_month(capsys):
    """With --spot the ranking is by spot price, so the table also says what a month costs at it: the
    same month the JSON record carries (a row's parts each rounded half up)."""
    query = ("--cpus", "2", "--memory", "8", "--spot", "--clouds", "azure,gcp", "--top", "3")
    records = {(r["cloud"], r["instance_type"]): r for r in run_json(capsys, *query)}
    _, out, _ = run(capsys, *query)
    lines = out.splitlines()
    assert all(line.rstrip().endswith("spot $/h  spot $/month") for line in lines if " type " in line)
    for (_cloud, name), record in records.items():
        [line] = [line for line in lines if name in line.split()[:2] and "$" not in line]  # its row, not a note
        assert line.split()[-1] == f"{record['spot_monthly_price']:,.2f}"
        assert record["spot_monthly_price"] < record["monthly_price"]
    _, plain, _ = run(capsys, "--cpus", "2", "--memory", "8", "--clouds", "gcp", "--top", "1")
    assert "spot $/month" not in plain


def test_spot_without_spot_prices_says_so(capsys):
    # Issue 20: AWS has no spot prices in the shipped snapshot; the answer says so, row by row.
    _, out, _ = run(capsys, "--cpus", "2", "--spot", "--clouds", "aws")
    assert "spot price unknown for every AWS offering shown" in out and "never ranked as spot" in out
    assert "on-demand (no offering shown has a known spot price)" in out


# --- no match --------------------------------------------------------------------------------


def test_no_match_anywhere_names_nearest_shapes_and_exits_1(capsys):
    code, out, _ = run(capsys, "--cpus", "5000", "--memory", "64")
    assert code == 1
    for cloud, region in [("AWS", "us-east-1"), ("Azure", "eastus"), ("GCP", "us-east4")]:
        assert f"no {cloud} offering in {region} has >= 5000 vCPU" in out
    assert "u7i-12tb.224xlarge (896 vCPU, 12288 GiB, x86_64)" in out  # the biggest AWS type
    assert "no offering meets the query on any cloud compared" in out


def test_no_match_on_one_cloud_only(capsys):
    code, out, err = run(capsys, "--gpu", "L4:1", "--format", "json")
    assert code == 0
    assert {r["cloud"] for r in json.loads(out)} == {"aws", "gcp"}
    assert "no Azure offering in eastus has" in err
    assert "Standard_NC4as_T4_v3" in err  # a GPU Azure does have there
    assert "no region in this azure snapshot offers 1x L4" in err


def test_no_match_for_arch_suggests_other_arch(capsys):
    # GCP's biggest arm64 shapes are C4A since the seed (c4a-highmem-96-metal, 96 vCPU, 768 GiB).
    code, out, _ = run(capsys, "--cpus", "200", "--arch", "arm64", "--clouds", "gcp", "--gcp-region", "us-central1")
    assert code == 1
    assert "nearest that exist" in out and "c4a-highmem-96-metal (96 vCPU, 768 GiB, arm64)" in out


# --- price sanity ----------------------------------------------------------------------------


def test_gcp_h100_in_us_central1_is_priced_as_the_billing_catalog_lists_it(capsys):
    """catalog-source priced a3-highgpu-1g in us-central1 at $5.38/h, 0.45x its other regions (it was
    flagged); the build now takes A3 prices from the Billing Catalog of 2026-07-30 ($11.06/h)."""
    rows = run_json(capsys, "--gpu", "H100:1", "--gcp-region", "us-central1")
    gcp = by_cloud(rows)["gcp"]
    assert gcp[0]["instance_type"] == "a3-highgpu-1g" and gcp[0]["price_flag"] is None
    assert gcp[0]["price_hourly"] == 11.06125 and gcp[0]["price_date"] == "2026-07-30"
    assert gcp[0]["gpu_name"] == "H100-80GB"


def test_azure_sizes_at_a_tenth_of_their_price_elsewhere_are_flagged(capsys):
    rows = run_json(capsys, "--cpus", "4", "--memory", "16", "--clouds", "azure", "--azure-region", "newzealandnorth",
                    "--no-burstable", "--top", "2")  # fmt: skip
    assert [(r["instance_type"], bool(r["price_flag"]), r["cheapest"]) for r in rows] == [
        ("Standard_F4ams_v6", True, False),
        ("Standard_F8ams_v6", True, False),
        ("Standard_D4a_v4", False, True),  # the first trustworthy price, added beyond --top
    ]
    assert "0.10x the median" in rows[0]["price_flag"]


def test_spot_prices_far_below_other_regions_are_flagged_when_ranking_by_spot(capsys):
    args = ("--cpus", "2", "--memory", "8", "--clouds", "gcp", "--gcp-region", "us-west4")
    on_demand = run_json(capsys, *args)
    assert on_demand[0]["instance_type"] == "e2-standard-2" and on_demand[0]["price_flag"] is None
    spot = run_json(capsys, *args, "--spot")
    assert spot[0]["instance_type"] == "e2-standard-2"
    assert spot[0]["price_flag"].startswith("spot price $0.00787/h is 0.25x the median")
    [winner] = [r for r in spot if r["cheapest"]]
    assert winner["price_flag"] is None and winner["spot_price_hourly"] > spot[0]["spot_price_hourly"]


def write_snapshot(tmp_path, cloud, rows):
    document = build_document(cloud, rows, snapshot_date="2026-01-01", source="synthetic")
    write_document(document, snapshot_path(cloud, tmp_path))


def vm(name, region, price, vcpus=4, memory=16):
    return {"instance_type": name, "vcpus": vcpus, "memory_gib": memory, "arch": "x86_64", "region": region,
            "price_hourly": price, "spot_price_hourly": None}  # fmt: skip


def test_missing_or_zero_prices_never_win_and_outliers_are_not_chosen(tmp_path, capsys):
    regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]
    rows = [vm("m.zero", "us-east-1", 0), vm("m.none", "us-east-1", None)]
    rows += [vm("m.glitch", r, 0.05 if r == "us-east-1" else 0.40) for r in regions]  # 8x below elsewhere
    rows += [vm("m.fair", r, 0.20) for r in regions]
    write_snapshot(tmp_path, "aws", rows)
    code, out, _ = run(capsys, "--clouds", "aws", "--data-dir", str(tmp_path), "--top", "1", "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert [r["instance_type"] for r in result] == ["m.glitch", "m.fair"]  # the fair one is added
    assert result[0]["price_flag"] and not result[0]["cheapest"]
    assert result[1]["cheapest"] and result[1]["price_flag"] is None
    assert not any(r["instance_type"] in ("m.zero", "m.none") for r in result)


# --- formats and chart -----------------------------------------------------------------------


def test_table_has_the_columns_marks_and_snapshot_lines(capsys):
    code, out, _ = run(capsys, "--cpus", "4", "--memory", "16")
    assert code == 0
    for header in ("type", "vCPUs", "GiB", "arch", "GPU", "$/h", "$/month", "spot $/h"):
        assert header in out
    assert "prices as of 2025-04-04: AWS Price List" in out
    assert out.count("prices as of 2026-05-20") == 2
    assert sum(1 for line in out.splitlines() if line.lstrip().startswith("* ") and "  " in line.strip()) == 1
    assert "* cheapest overall:" in out
    assert "t3a.xlarge      4   16  x86_64  -    0.1504   109.79" in out


def test_markdown(capsys):
    code, out, _ = run(capsys, "--cpus", "4", "--memory", "16", "--format", "markdown")
    assert code == 0
    assert out.count("### ") == 3
    table_lines = [line for line in out.splitlines() if line.startswith("|")]
    assert len(table_lines) == 3 * (2 + 3)
    assert {line.count("|") for line in table_lines} == {10}
    assert "| `t3a.xlarge` | 4 | 16 | x86_64 | - | 0.1504 | 109.79 | unknown |" in out  # AWS spot: no price
    assert "**cheapest overall:**" in out


def test_csv_parses_and_matches_json(capsys):
    code, out, _ = run(capsys, "--cpus", "4", "--memory", "16", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    as_json = run_json(capsys, "--cpus", "4", "--memory", "16")
    assert [r["instance_type"] for r in rows] == [r["instance_type"] for r in as_json]
    assert tuple(rows[0]) == compare.RECORD_FIELDS
    assert float(rows[0]["price_hourly"]) == as_json[0]["price_hourly"]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_chart_png_is_written_and_non_trivial(tmp_path, capsys):
    chart = tmp_path / "prices.png"
    code, _, err = run(capsys, "--cpus", "4", "--memory", "16", "--top", "4", "--chart", str(chart))
    assert code == 0 and "chart written" in err
    width, height = png_size(chart)
    assert chart.stat().st_size > 10_000
    assert width >= 1000 and height >= 600


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,message",
    [
        (["--geo", "mars"], "invalid choice: 'mars' (choose from 'us-east'"),
        (["--gpu", ":1"], "expected NAME[:COUNT]"),
        (["--gpu", "T4:"], "expected NAME[:COUNT]"),
        (["--gpu", "T4:zero"], "expected NAME[:COUNT]"),
        (["--gpu", "T4:0"], "expected NAME[:COUNT]"),
        (["--gpu", "X9000:1"], "unknown GPU in the aws/azure/gcp snapshots; known: A10, A100"),
        (["--aws-region", "moon-1"], "--aws-region 'moon-1' is not in the aws snapshot; expected one of: af-south-1"),
        (["--gcp-region", "us-east-1"], "expected one of: africa-south1"),
        (["--clouds", "aws,oracle"], "subset of aws, azure, gcp"),
        (["--top", "0"], "--top 0"),
        (["--arch", "sparc"], "invalid choice: 'sparc'"),
        (["--cpus", "-1"], "expected a finite number >= 0"),
    ],
)
def test_bad_options_exit_2_with_what_is_valid(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert message in err


def test_compare_imports_no_sdk_rich_or_matplotlib():
    probe = (
        "import sys\nfrom components.__main__ import main\n"
        "main(['compare', '--cpus', '4', '--memory', '16', '--format', 'json'])\n"
        "heavy = {'pulumi', 'pulumi_aws', 'pulumi_azure_native', 'pulumi_gcp', 'boto3', 'botocore', 'rich',"
        " 'matplotlib', 'requests'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stderr.strip().splitlines()[-1] == "[]"  # after the dates note
    assert json.loads(result.stdout)[0]["cloud"] == "aws"


def test_a_gpu_without_a_count_means_one_on_every_cloud(capsys):
    """`--gpu T4` (SkyPilot's `--gpus T4`) asks for one T4, as `--gpu T4:1` does; it used to be refused."""
    for gpu in ("T4", "a100", "A100-80GB"):
        bare = run(capsys, "--gpu", gpu, "--format", "json", "--top", "2")
        counted = run(capsys, "--gpu", f"{gpu}:1", "--format", "json", "--top", "2")
        assert bare == counted and bare[0] == 0
        assert {row["cloud"] for row in json.loads(bare[1])} == {"aws", "azure", "gcp"}


def test_anywhere_leaves_out_regions_an_ordinary_account_cannot_use_and_names_them(capsys):
    """AWS GovCloud is a partition of its own: --anywhere never ranks it, an explicit region still works."""
    rows = run_json(capsys, "--cpus", "2", "--memory", "8", "--anywhere", "--clouds", "aws", "--top", "500")
    assert rows and not [r for r in rows if r["region"].startswith("us-gov-")]
    _, out, _ = run(capsys, "--cpus", "2", "--memory", "8", "--anywhere", "--clouds", "aws")
    assert "(--geo any: all 32 regions any account can use)" in out
    assert "left out: us-gov-east-1, us-gov-west-1 (AWS GovCloud (US): a GovCloud account of its own)" in out
    gov = run_json(capsys, "--cpus", "2", "--memory", "8", "--clouds", "aws", "--aws-region", "us-gov-west-1")
    assert gov and {r["region"] for r in gov} == {"us-gov-west-1"}
    _, gcp, _ = run(capsys, "--cpus", "2", "--memory", "8", "--anywhere", "--clouds", "gcp")
    assert "left out" not in gcp and "any account can use" not in gcp
