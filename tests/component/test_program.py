"""The stack program (`__main__.py`) run with stack config under mocks, and the offline plan command."""

from __future__ import annotations

import json
import runpy
import shutil
import subprocess
import sys

import pulumi
import pytest

from components import catalog
from components.offline import evaluate
from components.program import ConfigError, expand_entries
from components.tools.plan import main as plan_main
from components.tools.plan import stack_config, stand_in
from components.vm import TYPE_TOKEN
from tests.support.common import ROOT, public_key

KEY = public_key("ed25519")


def run_main(vms, *, preview=False, extra_config=None):
    config = {"multicloud-vm:vms": vms, "gcp:project": "stack-project", **(extra_config or {})}
    return evaluate(lambda: runpy.run_path(str(ROOT / "__main__.py")), config=config, preview=preview)


FAN_OUT = [
    {
        "name": "web",
        "clouds": ["aws", "azure", "gcp"],
        "regions": {"aws": "eu-west-1", "azure": "westeurope", "gcp": "europe-west1"},
        "zones": {"gcp": "europe-west1-c"},
        "cpus": 2,
        "memory_gib": 8,
        "ssh_public_key": KEY,
        "resource_group_name": "shared-rg",
        "project": "gcp-proj",
        "ingress": [{"port": 22, "sources": ["203.0.113.0/24"]}],
    },
    {"name": "worker", "cloud": "gcp", "region": "us-east1", "spot": True},
]


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_fan_out_from_config_builds_one_vm_per_cloud(preview):
    evaluation = run_main(FAN_OUT, preview=preview)
    components = {r.name for r in evaluation.of_type(TYPE_TOKEN)}
    assert components == {"web-aws", "web-azure", "web-gcp", "worker"}
    aws = evaluation.of_type("aws:ec2/instance:Instance")[0].inputs
    assert aws["region"] == "eu-west-1"
    azure = evaluation.of_type("azure-native:compute:VirtualMachine")[0].inputs
    assert azure["location"] == "westeurope" and azure["resourceGroupName"] == "shared-rg"
    gcp = {r.inputs["name"]: r.inputs for r in evaluation.of_type("gcp:compute/instance:Instance")}
    assert gcp["web-gcp"]["zone"] == "europe-west1-c" and gcp["web-gcp"]["project"] == "gcp-proj"
    assert gcp["worker"]["zone"] == "us-east1-b" and gcp["worker"]["project"] == "stack-project"
    # Cloud-specific keys reach only their cloud.
    assert not evaluation.of_type("azure-native:resources:ResourceGroup")


def test_stack_outputs_hold_each_vm_and_a_comparison_table():
    evaluation = run_main(FAN_OUT)
    outputs = evaluation.outputs
    assert set(outputs) == {"web-aws", "web-azure", "web-gcp", "worker", "comparison", "networks"}
    # One shared network per cloud and region (GCP: per project), with its ids by region and subnet.
    assert set(outputs["networks"]) == {
        "net-aws-eu-west-1",
        "net-azure-westeurope-shared-rg",
        "net-gcp-gcp-proj",
        "net-gcp-stack-project",
    }
    aws_network = outputs["networks"]["net-aws-eu-west-1"]
    assert aws_network["regions"] == ["eu-west-1"] and set(aws_network["subnet_ids"]) == {"euw1-az1"}
    assert outputs["web-aws"]["cloud"] == "aws" and outputs["web-aws"]["private_ip"].startswith("10.42.1.")
    rows = {row["name"]: row for row in outputs["comparison"]}
    for name, cloud, region in [("web-aws", "aws", "eu-west-1"), ("web-gcp", "gcp", "europe-west1")]:
        row = rows[name]
        offering = catalog.load(cloud).get(row["instance_type"], region)
        assert (row["cloud"], row["region"]) == (cloud, region)
        assert offering.vcpus >= 2 and offering.memory_gib >= 8
        assert row["hourly_price"] == offering.price_hourly
        # The full monthly cost: compute, then the OS disk (unpriced where the snapshot has no price).
        assert row["monthly_price"] >= round(offering.price_hourly * 730, 2)
        assert isinstance(row["unpriced"], list)
    spot = catalog.load("gcp").get(rows["worker"]["instance_type"], "us-east1")
    assert rows["worker"]["hourly_price"] == spot.spot_price_hourly


@pytest.mark.parametrize(
    ("vms", "words"),
    [
        ({"name": "x"}, "expected a non-empty list"),
        (["web"], "[0]: entry='web'"),
        ([{"cloud": "aws"}], "[0]: name=None"),
        ([{"name": "a", "cloud": "aws", "clouds": ["gcp"]}], "either cloud or clouds"),
        ([{"name": "a", "clouds": ["aws", "oracle"]}], "distinct clouds from aws, azure, gcp"),
        ([{"name": "a", "clouds": ["aws"], "regions": {"gcp": "us-east1"}}], "a listed cloud (aws)"),
        ([{"name": "a", "clouds": ["aws"], "region": "us-east-1"}], "use regions: {cloud: ...}"),
        ([{"name": "a", "cloud": "aws"}, {"name": "a", "cloud": "gcp"}], "duplicates the VM from entry [0] (a)"),
        ([{"name": "a-aws", "cloud": "aws"}, {"name": "a", "clouds": ["aws"]}], "duplicates"),
    ],
)
def test_bad_config_says_which_entry_is_wrong(vms, words):
    with pytest.raises(ConfigError) as raised:
        expand_entries(vms)
    assert words in str(raised.value) and "multicloud-vm:vms" in str(raised.value)


def test_bad_vm_in_config_fails_without_a_traceback_naming_the_entry():
    vms = [
        {"name": "ok", "cloud": "gcp", "region": "us-east1"},
        {"name": "db", "clouds": ["aws", "gcp"], "ingress": [{"port": 5432}]},
    ]
    with pytest.raises(pulumi.RunError) as raised:
        run_main(vms, extra_config={"aws:region": "us-east-1", "gcp:region": "us-east1"})
    lines = str(raised.value).splitlines()
    assert lines == [
        "multicloud-vm:vms[1] (db) -> aws: VM 'db-aws': ingress[0].sources=None is invalid: "
        "expected a non-empty list of CIDRs (nothing is opened to the world implicitly)",
        "multicloud-vm:vms[1] (db) -> gcp: VM 'db-gcp': ingress[0].sources=None is invalid: "
        "expected a non-empty list of CIDRs (nothing is opened to the world implicitly)",
    ]


def test_no_vm_is_registered_when_any_entry_is_bad():
    recorded = []

    def program():
        try:
            runpy.run_path(str(ROOT / "__main__.py"))
        finally:
            recorded.append(True)

    vms = [{"name": "ok", "cloud": "gcp"}, {"name": "bad", "cloud": "gcp", "cpus": 0}]
    from components.offline import RecordingMocks

    mocks = RecordingMocks()
    with pytest.raises(pulumi.RunError):
        evaluate(program, config={"multicloud-vm:vms": vms, "gcp:region": "us-east1"}, mocks=mocks)
    assert recorded and mocks.registered == [] and mocks.invokes == []


def test_pulumi_yaml_config_follows_pulumis_project_schema():
    import yaml

    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["name"] == "multicloud-vm"
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}
    config = project["config"]
    assert {"aws:region", "azure-native:location", "gcp:region"} <= set(config)
    for key, value in config.items():
        foreign = ":" in key and not key.startswith("multicloud-vm:")
        if isinstance(value, dict):
            # Pulumi rejects a type on another namespace's key, and types other than these.
            assert not foreign, key
            assert value.get("type") in {"string", "integer", "boolean", "array"}, key
        else:
            assert isinstance(value, (str, int, bool)), key
    _, resolved, _ = stack_config(ROOT, "dev")
    assert resolved["aws:region"] == "us-east-1"  # a project default reaches the stack


def test_dev_stack_is_a_three_cloud_fan_out():
    _, config, secrets = stack_config(ROOT, "dev")
    (entry,) = config["multicloud-vm:vms"]
    assert entry["clouds"] == ["aws", "azure", "gcp"] and secrets == []


def test_plan_json_for_the_dev_stack(capsys):
    assert plan_main(["--stack", "dev", "--format", "json", "--project-dir", str(ROOT)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == ["web-aws", "web-azure", "web-gcp"]
    for row in rows:
        assert {"name", "cloud", "region", "instance_type", "hourly_price", "monthly_price", "resources"} <= set(row)
        offering = catalog.load(row["cloud"]).get(row["instance_type"], row["region"])
        assert row["hourly_price"] == offering.price_hourly
        assert row["cost"]["compute"] == round(offering.price_hourly * 730, 2)
        priced = [v for v in row["cost"].values() if v is not None]
        assert row["monthly_price"] == round(sum(priced), 2)
        assert row["unpriced"] == [k for k, v in row["cost"].items() if v is None]
        types = {r["type"] for r in row["resources"]}
        assert any(
            t.endswith(("ec2/instance:Instance", "compute:VirtualMachine", "compute/instance:Instance")) for t in types
        )
    aws = rows[0]
    assert "099720109477" in aws["image"]
    # The VM's own resources; the network it shares is listed once, apart (see the table test).
    assert {r["name"] for r in aws["resources"]} == {"web-aws-vm", "web-aws-sg", "web-aws-key"}
    assert [r["network"] for r in rows] == ["net-aws-eu-west-1", "net-azure-westeurope", "net-gcp-my-gcp-project"]


def test_plan_table_and_markdown(capsys):
    assert plan_main(["--stack", "dev", "--project-dir", str(ROOT)]) == 0
    table = capsys.readouterr().out
    assert "web-azure" in table and "catalog snapshot aws 2025-04-04" in table
    # Every part of the dev stack is priced (unpriced parts are named: test_costs_agree.py).
    assert "Total: $110.63/month for 3 VMs\n" in table and "unpriced" not in table.split("Prices:")[0]
    assert "disks, IPv4 and licences: aws 2021-08-30, azure 2024-07-01, gcp 2026-04-02" in table
    assert "network net-aws-eu-west-1: shared by 1 VM (web-aws)" in table
    network_lines = table.split("network net-aws-eu-west-1:")[1].split("\nnetwork ")[0].splitlines()[1:]
    assert "  + aws:ec2/vpc:Vpc  net-aws-eu-west-1-vpc-eu-west-1" in network_lines
    assert table.count("aws:ec2/vpc:Vpc") == 1  # listed once, under the network, not under the VM
    assert plan_main(["--stack", "dev", "--format", "markdown", "--project-dir", str(ROOT)]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("| VM | cloud |") and "**Total: $110.63/month" in markdown


@pytest.fixture
def project_dir(tmp_path):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(ROOT / "__main__.py", tmp_path / "__main__.py")
    return tmp_path


def test_plan_works_with_encrypted_secrets_it_cannot_decrypt(project_dir, capsys):
    (project_dir / "Pulumi.win.yaml").write_text(
        "config:\n"
        "  aws:region: us-west-2\n"
        "  multicloud-vm:vms:\n"
        "    - name: win\n"
        "      cloud: aws\n"
        "      image: windows-2022\n"
        "      admin_password:\n"
        "        secure: v1:abcdefgh:ijklmnop\n"
    )
    _, config, secrets = stack_config(project_dir, "win")
    assert config["multicloud-vm:vms"][0]["admin_password"] == stand_in("admin_password", "v1:abcdefgh:ijklmnop")
    assert secrets == ["multicloud-vm:vms"]
    assert plan_main(["--stack", "win", "--format", "json", "--project-dir", str(project_dir)]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    # A default Windows VM is fully priced since issue 20 (the size search prefers a priced licence).
    assert row["region"] == "us-west-2" and row["os_type"] == "windows" and row["hourly_price"] > 0


def test_plan_reports_bad_stack_config_and_missing_stacks(project_dir, capsys):
    (project_dir / "Pulumi.bad.yaml").write_text(
        "config:\n  gcp:project: test-project\n  multicloud-vm:vms:\n    - name: api\n      cloud: gcp\n      cpus: 9999\n"
    )
    assert plan_main(["--stack", "bad", "--project-dir", str(project_dir)]) == 2
    error = capsys.readouterr().err
    assert "multicloud-vm:vms[0] (api)" in error and "cpus/memory_gib" in error and "nearest" in error
    assert plan_main(["--stack", "nope", "--project-dir", str(project_dir)]) == 2
    assert "no stack file Pulumi.nope.yaml; stacks here: bad" in capsys.readouterr().err


def test_plan_command_runs_as_a_module_on_the_dev_stack():
    result = subprocess.run(
        [sys.executable, "-m", "components", "plan", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 3
