"""``plan --policy-pack DIR [--policy-pack-config FILE]``: the planned stack judged offline by a
CrossGuard pack, printed as ``pulumi preview`` prints it, exit 3 on a mandatory violation."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from components import __main__ as cli
from components.tools.policy_check import PackError, Violation, load_pack, reconcile_config, render
from tests.support.common import ROOT

EXAMPLE = ROOT / "examples" / "python"
PACK = ROOT / "policies"
PACK_CONFIG = PACK / "config.json"


def plan(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["plan", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_dev_stack_passes_the_pack(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = plan(capsys, "--policy-pack", "policies", "--policy-pack-config", "policies/config.json")
    assert code == 0, err
    assert "Total: $110.63/month for 3 VMs" in out
    report = out.split("\nPolicies:\n", 1)[1]
    assert report.startswith("    ⚠️ multicloud-vm-guardrails@v0.1.0 (local: policies)\n")
    assert "        - [advisory]  public-ip-on-vm  (aws:ec2:Instance: web-aws-vm)\n" in report
    assert "[mandatory]" not in report and err == ""
    code, out, _ = plan(capsys, "--policy-pack", "policies")  # the pack's own defaults
    assert code == 0 and "\nPolicies:\n" in out


def test_ssh_open_to_the_world_exits_3_and_names_the_policy(capsys):
    code, out, err = plan(
        capsys, "--project-dir", str(EXAMPLE), "--stack", "insecure", "--policy-pack", str(PACK),
        "--policy-pack-config", str(PACK_CONFIG),
    )  # fmt: skip
    assert code == 3
    assert f"    ❌ multicloud-vm-guardrails@v0.1.0 (local: {PACK})" in out
    lines = out.splitlines()
    heading = lines.index("        - [mandatory]  admin-ports-open-to-internet  (aws:ec2:SecurityGroup: web-1-sg)")
    assert lines[heading + 1].startswith("          SSH (22) and RDP (3389) must not be open to the internet")
    assert lines[heading + 2].startswith("          SecurityGroup 'web-1-sg' (aws:ec2/securityGroup:SecurityGroup)")
    assert "(gcp:compute:Firewall: db-fw-1)" in out
    assert err == "plan: the policy pack refuses this stack: 4 mandatory violations (admin-ports-open-to-internet)\n"


def test_json_stays_json_and_the_verdict_goes_to_stderr(capsys):
    code, out, err = plan(
        capsys, "--project-dir", str(EXAMPLE), "--stack", "insecure", "--policy-pack", str(PACK), "--format", "json"
    )
    assert code == 3
    assert len(json.loads(out)) == 4
    report = err[err.index("Policies:\n") :]
    assert "admin-ports-open-to-internet" in report and report.endswith("(admin-ports-open-to-internet)\n")


def test_markdown_puts_the_verdict_in_a_block(capsys):
    code, out, _ = plan(
        capsys, "--project-dir", str(EXAMPLE), "--stack", "insecure", "--policy-pack", str(PACK), "--format", "markdown"
    )
    assert code == 3 and "\n```\nPolicies:\n    ❌ " in out and out.rstrip().endswith("```")


def write_pack(folder: Path, program: str, definition: str = "runtime: python\nversion: 1.2.3\n") -> Path:
    folder.mkdir(parents=True)
    (folder / "PulumiPolicy.yaml").write_text(definition)
    (folder / "__main__.py").write_text(textwrap.dedent(program))
    return folder


SPOT_PACK = """
    from pulumi_policy import EnforcementLevel, PolicyPack, ReportViolation, ResourceValidationPolicy
    from pulumi_policy import StackValidationPolicy

    def no_spot(args, report_violation: ReportViolation):
        if args.resource_type == "aws:ec2/instance:Instance" and args.props.get("instanceMarketOptions"):
            report_violation("spot instances are not allowed here")

    def at_most(args, report_violation: ReportViolation):
        count = sum(r.resource_type == "aws:ec2/instance:Instance" for r in args.resources)
        if count > (args.get_config() or {}).get("max", 1):
            report_violation(f"{count} instances")

    PolicyPack(
        name="team-rules",
        enforcement_level=EnforcementLevel.MANDATORY,
        policies=[
            ResourceValidationPolicy(name="no-spot", description="No spot VMs.", validate=no_spot),
            StackValidationPolicy(
                name="few-instances",
                description="At most a few instances.",
                validate=at_most,
                config_schema=__import__("pulumi_policy").PolicyConfigSchema(
                    properties={"max": {"type": "integer", "default": 1}}
                ),
            ),
        ],
        initial_config={"few-instances": {"max": 5}},
    )
"""
SPOT_PROGRAM = """\
from components import VirtualMachine
for name in ("a", "b"):
    VirtualMachine(name, {"cloud": "aws", "region": "us-east-1", "spot": True})
"""


@pytest.fixture
def spot_project(tmp_path) -> Path:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "Pulumi.yaml").write_text("name: app\nruntime: python\n")
    (tmp_path / "project" / "Pulumi.dev.yaml").write_text("config: {}\n")
    (tmp_path / "project" / "__main__.py").write_text(SPOT_PROGRAM)
    return tmp_path


def test_any_python_pack_judges_any_program(spot_project, capsys):
    pack = write_pack(spot_project / "pack", SPOT_PACK)
    code, out, _ = plan(capsys, "--project-dir", str(spot_project / "project"), "--policy-pack", str(pack))
    assert code == 3
    report = out.split("\nPolicies:\n", 1)[1]
    assert report.splitlines()[:4] == [
        f"    ❌ team-rules@v1.2.3 (local: {pack})",
        "        - [mandatory]  no-spot  (aws:ec2:Instance: a-vm)",
        "          No spot VMs.",
        "          spot instances are not allowed here",
    ]
    assert "few-instances" not in report  # the pack's initial config allows five
    config = spot_project / "config.json"
    config.write_text(json.dumps({"all": "advisory", "few-instances": {"max": 1}}))
    code, out, err = plan(
        capsys, "--project-dir", str(spot_project / "project"), "--policy-pack", str(pack),
        "--policy-pack-config", str(config),
    )  # fmt: skip
    assert code == 0, err
    assert (
        "- [advisory]  few-instances  (pulumi:pulumi:Stack: app-dev)\n          At most a few instances.\n          2 instances\n"
        in out
    )


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        (lambda d: None, "no such folder"),
        (lambda d: d.mkdir(), "has no PulumiPolicy.yaml"),
        (lambda d: write_pack(d, "x = 1 +\n"), "syntax"),
        (
            lambda d: write_pack(d, "raise RuntimeError('broken pack')\n"),
            "the program raised RuntimeError: broken pack",
        ),
        (lambda d: write_pack(d, "x = 1\n"), "declares no PolicyPack"),
        (lambda d: write_pack(d, "x = 1\n", "runtime: nodejs\n"), "runtime 'nodejs'"),
    ],
    ids=["missing", "no-definition", "syntax", "raises", "no-pack", "nodejs"],
)
def test_a_pack_that_cannot_load_is_bad_input(tmp_path, capsys, monkeypatch, setup, words):
    monkeypatch.chdir(ROOT)
    setup(tmp_path / "pack")
    code, out, err = plan(capsys, "--policy-pack", str(tmp_path / "pack"))
    assert code == 2 and out == "" and words in err and len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ('{"no-such-policy": "mandatory"}', "the config names unknown policies: ['no-such-policy']"),
        ('{"vm-hourly-price-ceiling": {"maxHourlyPrice": "cheap"}}', "'cheap' is not of type 'number'"),
        ('{"required-tags": "sometimes"}', "'sometimes' is not an enforcement level"),
        ('{"required-tags": 3}', "must be a string or object"),
        ("[1, 2]", "expected a JSON object of policy names"),
        ("{not json", "not valid JSON"),
    ],
)
def test_a_bad_pack_config_is_bad_input(tmp_path, capsys, monkeypatch, config, words):
    monkeypatch.chdir(ROOT)
    (tmp_path / "config.json").write_text(config)
    code, out, err = plan(capsys, "--policy-pack", "policies", "--policy-pack-config", str(tmp_path / "config.json"))
    assert code == 2 and out == "" and words in err and len(err.splitlines()) == 1, err


def test_a_pack_config_needs_a_pack(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, _, err = plan(capsys, "--policy-pack-config", "policies/config.json")
    assert code == 2 and "--policy-pack-config needs --policy-pack DIR" in err


def test_the_config_is_reconciled_as_the_cli_does():
    pack = load_pack(PACK)
    levels = reconcile_config({"all": "advisory", "required-tags": {"enforcementLevel": "mandatory"}}, pack)
    assert levels["admin-ports-open-to-internet"][0] == "advisory"
    assert levels["required-tags"] == ("mandatory", {"requiredTags": ["owner"]})  # schema default kept
    with pytest.raises(PackError, match="vm-hourly-price-ceiling: maxHourlyPrice"):
        reconcile_config({"vm-hourly-price-ceiling": {"maxHourlyPrice": "x"}}, pack)


def test_a_stack_violation_is_shown_on_the_stack_as_the_cli_shows_it(spot_project, capsys):
    (spot_project / "config.json").write_text(json.dumps({"few-instances": {"max": 1}}))
    pack = write_pack(spot_project / "pack", SPOT_PACK)
    code, out, _ = plan(
        capsys, "--project-dir", str(spot_project / "project"), "--policy-pack", str(pack),
        "--policy-pack-config", str(spot_project / "config.json"),
    )  # fmt: skip
    assert code == 3
    assert "        - [mandatory]  few-instances  (pulumi:pulumi:Stack: app-dev)\n" in out
    text = render(load_pack(PACK), [Violation("stack-monthly-budget", "mandatory", "", "over budget", "Budget.")])
    assert text.splitlines()[2:] == [
        "        - [mandatory]  stack-monthly-budget",
        "          Budget.",
        "          over budget",
    ]
