"""Refresh and build never lose data; plan's config handling (secrets, namespace, every bad entry);
compare's answers (nearest shapes, fractional GPUs, what plan would pick instead)."""

from __future__ import annotations

import json
import shutil

import pytest
import responses

from components.catalog import load, load_cache_clear, nearest_offerings
from components.catalog.refresh import azure, gcp
from components.catalog.snapshot import snapshot_path
from components.tools import compare
from components.tools.catalog import main as catalog_main
from components.tools.catalog import redact
from components.tools.plan import main as plan_main
from components.tools.plan import stack_config, stand_in
from tests.support.common import ROOT


@pytest.fixture(autouse=True)
def fresh_catalogs():
    yield
    load_cache_clear()


@responses.activate
def test_a_refresh_that_finds_nothing_leaves_the_snapshot_byte_for_byte(tmp_path, capsys):
    shutil.copy(snapshot_path("azure"), snapshot_path("azure", tmp_path))
    original = snapshot_path("azure", tmp_path).read_bytes()
    responses.get(azure.API, json={"Items": [], "NextPageLink": None})
    code = catalog_main(["refresh", "azure", "--regions", "westeurope", "--data-dir", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1 and "found no offerings in westeurope" in err and "was not changed" in err
    assert snapshot_path("azure", tmp_path).read_bytes() == original


@responses.activate
def test_a_typod_region_is_never_recorded_as_refreshed(tmp_path, capsys):
    shutil.copy(snapshot_path("azure"), snapshot_path("azure", tmp_path))
    original = snapshot_path("azure", tmp_path).read_bytes()
    items = json.loads((ROOT / "tests/fixtures/refresh/azure/retail_prices_westeurope_page1.json").read_text())
    responses.get(azure.API, json={**items, "NextPageLink": None}, match=[responses.matchers.query_param_matcher(
        {"api-version": azure.API_VERSION, "$filter": azure.region_filter("westeurope")})])  # fmt: skip
    responses.get(azure.API, json={"Items": [], "NextPageLink": None})
    argv = ["refresh", "azure", "--regions", "westeurope,westeurop", "--data-dir", str(tmp_path), "--no-progress"]
    assert catalog_main([*argv, "--allow-fewer-types"]) == 1
    assert "no offerings found for westeurop: check the region names" in capsys.readouterr().err
    assert snapshot_path("azure", tmp_path).read_bytes() == original


@responses.activate
def test_a_refresh_that_lost_most_types_is_refused(tmp_path, capsys):
    shutil.copy(snapshot_path("azure"), snapshot_path("azure", tmp_path))
    original = snapshot_path("azure", tmp_path).read_bytes()
    items = json.loads((ROOT / "tests/fixtures/refresh/azure/retail_prices_westeurope_page1.json").read_text())
    responses.get(azure.API, json={**items, "NextPageLink": None})
    assert (
        catalog_main(["refresh", "azure", "--regions", "westeurope", "--data-dir", str(tmp_path), "--no-progress"]) == 1
    )
    assert "westeurope: only 2 types priced, the snapshot has 1418" in capsys.readouterr().err
    assert snapshot_path("azure", tmp_path).read_bytes() == original


@responses.activate
def test_the_gcp_api_key_never_appears_in_an_error(tmp_path, capsys):
    shutil.copy(snapshot_path("gcp"), snapshot_path("gcp", tmp_path))
    responses.get(gcp.BILLING_API, status=400, json={"error": "API key not valid"})
    key = "AIzaSyD-very-secret-key-123"
    assert catalog_main(["refresh", "gcp", "--api-key", key, "--data-dir", str(tmp_path), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert key not in err and "key=***" in err
    assert redact("https://x/skus?key=abc&pageSize=1") == "https://x/skus?key=***&pageSize=1"


@pytest.fixture
def project(tmp_path):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(ROOT / "__main__.py", tmp_path / "__main__.py")
    return tmp_path


def test_secrets_plan_cannot_decrypt_are_unknown_values_not_their_placeholder(project, capsys):
    (project / "Pulumi.s.yaml").write_text(
        "config:\n  multicloud-vm:vms:\n    - name: web\n      cloud: azure\n      region: eastus\n"
        "      ssh_public_key:\n        secure: v1:abc\n      tags:\n        owner:\n          secure: v1:def\n"
    )
    _, config, secrets = stack_config(project, "s")
    entry = config["multicloud-vm:vms"][0]
    assert entry["ssh_public_key"] == stand_in("ssh_public_key", "v1:abc") and secrets == ["multicloud-vm:vms"]
    assert plan_main(["--stack", "s", "--format", "json", "--project-dir", str(project)]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["name"] == "web" and row["cloud"] == "azure"


def test_the_config_namespace_is_the_projects_name(project, capsys):
    text = (project / "Pulumi.yaml").read_text().replace("name: multicloud-vm", "name: renamed-app")
    (project / "Pulumi.yaml").write_text(text)
    (project / "Pulumi.dev.yaml").write_text(
        "config:\n  renamed-app:vms:\n    - {name: web, cloud: gcp, region: us-central1}\n  gcp:project: test-project\n"
    )
    assert plan_main(["--format", "json", "--project-dir", str(project)]) == 0
    assert [r["name"] for r in json.loads(capsys.readouterr().out)] == ["web"]


def test_every_bad_entry_is_reported_at_once_whatever_its_error(project, capsys):
    (project / "Pulumi.dev.yaml").write_text(
        "config:\n  multicloud-vm:vms:\n"
        "    - {name: a, clouds: [aws, azuer]}\n"
        "    - {name: b, cloud: gcp, region: us-central1, project: test-project, cpus: 0}\n"
        "    - {name: c, cloud: aws, region: us-east-1, memory_gib: .inf}\n"
        "    - {name: d, cloud: aws, region: us-east-1}\n"
    )
    assert plan_main(["--project-dir", str(project)]) == 2
    err = capsys.readouterr().err
    assert "[0] (a): clouds=['aws', 'azuer']" in err
    assert "[1] (b)" in err and "cpus=0" in err
    assert "[2] (c): memory_gib=inf is invalid: expected a finite number" in err


def test_nearest_shapes_for_a_huge_request_are_the_biggest():
    nearest = nearest_offerings("aws", "us-east-1", cpus=10**9, memory_gib=64)
    assert min(o.vcpus for o in nearest) >= 448


def test_fractional_azure_mi25_gpus_are_fractions():
    azure_catalog = load("azure")
    assert azure_catalog.get("Standard_NV4as_v4", "eastus").gpu_count == 0.125
    assert azure_catalog.get("Standard_NV32as_v4", "eastus").gpu_count == 1


def test_compare_says_when_plan_would_pick_another_size(capsys):
    assert compare.main(["--cpus", "448", "--memory", "6000", "--clouds", "aws", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "plan would not pick u-6tb1.112xlarge (AWS Mac and high-memory types run on dedicated hosts only)" in out
    azure = load("azure")
    assert compare.skip_reason(azure.get("Standard_A1_v2", "eastus"))
    assert not compare.skip_reason(azure.get("Standard_D2s_v5", "eastus"))
    assert "cannot run as spot" in compare.skip_reason(azure.get("Standard_B2ats_v2", "eastus"), spot=True)


@responses.activate
def test_a_refresh_with_a_part_price_far_from_the_snapshots_is_refused(tmp_path, capsys):
    """A public IPv4 address at $0.50/h (100x the snapshot's $0.005) is a unit or parsing error: the
    whole refresh is refused and the snapshot stays byte for byte."""
    shutil.copy(snapshot_path("azure"), snapshot_path("azure", tmp_path))
    original = snapshot_path("azure", tmp_path).read_bytes()
    fixtures = ROOT / "tests/fixtures/refresh/azure"
    vms = json.loads((fixtures / "retail_prices_westeurope_page1.json").read_text())
    ipv4 = json.loads((fixtures / "retail_prices_westeurope_ipv4.json").read_text())
    ipv4["Items"][0]["retailPrice"] = 0.5

    def query(text):
        return [responses.matchers.query_param_matcher({"api-version": azure.API_VERSION, "$filter": text})]

    responses.get(azure.API, json={**vms, "NextPageLink": None}, match=query(azure.region_filter("westeurope")))
    responses.get(azure.API, json={"Items": [], "NextPageLink": None}, match=query(azure.disk_filter("westeurope")))
    responses.get(azure.API, json=ipv4, match=query(azure.ip_filter("westeurope")))
    argv = ["refresh", "azure", "--regions", "westeurope", "--data-dir", str(tmp_path), "--no-progress"]
    assert catalog_main([*argv, "--allow-fewer-types"]) == 1
    err = capsys.readouterr().err
    assert "westeurope: ipv4:public = 0.5 is 100.00x the snapshot's 0.005" in err and "was not changed" in err
    assert snapshot_path("azure", tmp_path).read_bytes() == original
