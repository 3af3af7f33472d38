"""Every command against a corpus of malformed inputs: exit status 2, one clear line on stderr, no
traceback, and no file changed (the inputs, the snapshots). In-process through ``python -m
components``'s own entry point; one subprocess checks the real command line and the debug flag."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from components import __main__ as cli
from components.catalog import load_cache_clear
from components.catalog.snapshot import snapshot_path
from tests.support.common import ROOT

GOOD_STACK = "config:\n  multicloud-vm:vms:\n    - {name: web, cloud: aws, region: us-east-1}\n"


def tree_digest(*folders: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def corpus(tmp_path):
    """A project folder per broken file, plan files, snapshot folders and catalog-source folders."""
    (tmp_path / "data").mkdir()
    for cloud in ("aws", "azure", "gcp"):
        shutil.copy(snapshot_path(cloud), snapshot_path(cloud, tmp_path / "data"))
    corrupt = tmp_path / "corrupt"
    shutil.copytree(tmp_path / "data", corrupt)
    snapshot_path("aws", corrupt).write_bytes(b"not gzip at all")
    snapshot_path("gcp", corrupt).write_bytes(gzip.compress(b'{"format": 2, "cloud": "gcp"'))

    def project(name: str, pulumi_yaml: str | bytes, stack: str | bytes = GOOD_STACK) -> None:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "__main__.py").write_text((ROOT / "__main__.py").read_text())
        for file, content in (("Pulumi.yaml", pulumi_yaml), ("Pulumi.dev.yaml", stack)):
            (folder / file).write_bytes(content if isinstance(content, bytes) else content.encode())

    good = (ROOT / "Pulumi.yaml").read_text()
    project("list-project", "- just\n- a list\n")
    project("stack-not-mapping", good, "just a string\n")
    project("config-not-mapping", good, "config: [1, 2]\n")
    project("project-config-list", "name: multicloud-vm\nconfig: [a]\n")
    project("latin1-stack", good, "config:\n  multicloud-vm:vms: caf\xe9\n".encode("latin-1"))
    project("bad-yaml", good, "config: {unclosed\n")
    project("nan-memory", good, GOOD_STACK.replace("region: us-east-1}", "region: us-east-1, memory_gib: .nan}"))
    project(
        "secret-region", good, "config:\n  multicloud-vm:vms:\n    - {name: w, cloud: aws, region: {secure: v1:x}}\n"
    )
    project("duplicate-key", good, GOOD_STACK.replace("region: us-east-1}", "region: us-east-1, cloud: gcp}"))
    project("octal-port", good, GOOD_STACK.replace("region: us-east-1}", "region: us-east-1, ingress: [{port: 022}]}"))
    (tmp_path / "pack-config.json").write_text('{"no-such-policy": "mandatory"}')
    (tmp_path / "a-file").write_text("x")
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "ok.json").write_text(
        '[{"name": "a", "cloud": "aws", "region": "us-east-1", "instance_type": "t3.micro"}]'
    )
    (plans / "empty.json").write_text("")
    (plans / "latin1.json").write_bytes('[{"name": "caf\xe9"}]'.encode("latin-1"))
    (plans / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (plans / "negative.json").write_text(
        '[{"name": "a", "cloud": "aws", "region": "r", "instance_type": "t", "monthly_price": -1}]'
    )
    before = tmp_path / "before"
    before.mkdir()
    record = {"urn": "urn:pulumi:dev::multicloud-vm::aws:ec2/vpc:Vpc::v", "type": "aws:ec2/vpc:Vpc", "inputs": {}}
    row = {"name": "a", "cloud": "aws", "region": "us-east-1", "instance_type": "t3.micro"}
    for name, text in {
        "not-json.json": "{not json",
        "number.json": "42",
        "old-plan.json": json.dumps([row]),
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "nan.json": json.dumps([{**row, "registrations": [{**record, "inputs": {"size": float("nan")}}]}]),
        "bad-urn.json": json.dumps([{**row, "registrations": [{**record, "urn": "vpc"}]}]),
        "export-no-list.json": json.dumps({"version": 3, "deployment": {"resources": {"a": 1}}}),
        "deep-inputs.json": json.dumps([{**row, "registrations": [{**record, "inputs": _nested(300)}]}]),
        "export-bad-deps.json": json.dumps(
            {"deployment": {"resources": [{**record, "propertyDependencies": {"cidrBlock": "vpc"}}]}}
        ),
    }.items():
        (before / name).write_text(text)
    sources = tmp_path / "sources"
    for name, files in {
        "missing-gcp": {"aws": None, "azure": None},
        "no-column": {"aws": "cloud,instance_type\naws,t3.micro\n", "azure": None, "gcp": None},
        "not-a-number": {"aws": None, "azure": None, "gcp": "x"},
        "not-gzip": {"aws": b"plain text", "azure": None, "gcp": None},
    }.items():
        folder = sources / name
        folder.mkdir(parents=True)
        for cloud, content in files.items():
            target = folder / f"{cloud}_vms.csv.gz"
            if content is None:
                target.write_bytes(
                    gzip.compress(
                        b"cloud,instance_type,vcpus,memory_gib,arch,region,price_hourly\n"
                        + f"{cloud},t,2,4,x86_64,r,0.1\n".encode()
                    )
                )
            elif content == "x":
                target.write_bytes(
                    gzip.compress(
                        b"cloud,instance_type,vcpus,memory_gib,arch,region,price_hourly\ngcp,t,two,4,x86_64,r,0.1\n"
                    )
                )
            else:
                target.write_bytes(content if isinstance(content, bytes) else gzip.compress(content.encode()))
    yield tmp_path
    load_cache_clear()


def _nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def cases(t: Path) -> list[tuple[list[str], str]]:
    """(arguments, a words the one line must contain)."""
    data, corrupt, plans, src = str(t / "data"), str(t / "corrupt"), t / "plans", t / "sources"
    return [
        (["plan", "--project-dir", str(t / "nowhere")], "no such folder"),
        (["plan", "--project-dir", str(t / "a-file")], "is a file"),
        (["plan", "--project-dir", str(t / "list-project")], "must be a mapping"),
        (["plan", "--project-dir", str(t / "stack-not-mapping")], "Pulumi.dev.yaml must be a mapping"),
        (["plan", "--project-dir", str(t / "config-not-mapping")], "config must be a mapping"),
        (["plan", "--project-dir", str(t / "project-config-list")], "config must be a mapping"),
        (["plan", "--project-dir", str(t / "latin1-stack")], "not UTF-8"),
        (["plan", "--project-dir", str(t / "bad-yaml")], "not valid YAML"),
        (["plan", "--project-dir", str(t / "nan-memory")], "memory_gib=nan is invalid: expected a finite number"),
        (["plan", "--project-dir", str(t / "secret-region")], "vms[0].region is encrypted"),
        (["plan", "--project-dir", str(t / "stack-not-mapping"), "--stack", "no such!"], "expected a stack name"),
        (["plan", "--project-dir", str(t / "duplicate-key")], "cloud is given twice"),
        (["plan", "--project-dir", str(t / "octal-port")], "022 is octal to Pulumi (18)"),
        (["plan", "--policy-pack", str(t / "nowhere")], "no such folder"),
        (
            ["plan", "--policy-pack", "policies", "--policy-pack-config", str(t / "pack-config.json")],
            "unknown policies",
        ),
        (["plan", "--policy-pack", "policies", "--policy-pack-config", str(t / "missing.json")], "no such file"),
        (["plan", "--format", "yaml"], "invalid choice"),
        (["plan", "--diff", str(plans / "ok.json"), str(plans)], "is a folder"),
        (["plan", "--diff", str(plans / "ok.json"), str(plans / "latin1.json")], "not UTF-8"),
        (["plan", "--diff", str(plans / "ok.json"), str(plans / "deep.json")], "nested too deeply"),
        (["plan", "--diff", str(plans / "ok.json"), str(plans / "empty.json")], "has no VMs"),
        (["plan", "--diff", str(plans / "ok.json"), str(plans / "negative.json")], "number >= 0"),
        (["plan", "--diff", str(plans / "ok.json"), str(t / "missing.json")], "no such file"),
        (["plan", "--changes", str(t / "before" / "missing.json")], "no such file"),
        (["plan", "--changes", str(t / "before")], "is a folder"),
        (["plan", "--changes", str(t / "before" / "not-json.json")], "not valid JSON"),
        (["plan", "--changes", str(t / "before" / "number.json")], "expected a plan"),
        (["plan", "--changes", str(t / "before" / "old-plan.json")], "a plan without registrations"),
        (["plan", "--changes", str(t / "before" / "deep.json")], "nested too deeply"),
        (["plan", "--changes", str(t / "before" / "nan.json")], "nan is not a finite number"),
        (["plan", "--changes", str(t / "before" / "bad-urn.json")], "urn must be a Pulumi URN"),
        (["plan", "--changes", str(t / "before" / "export-no-list.json")], "deployment.resources must be a list"),
        (["plan", "--changes", str(t / "before" / "deep-inputs.json")], "nested too deeply"),
        (
            ["plan", "--diff", str(t / "before" / "bad-urn.json"), str(t / "before" / "nan.json")],
            "must be a Pulumi URN",
        ),
        (
            ["plan", "--diff", str(t / "before" / "deep-inputs.json"), str(t / "before" / "deep-inputs.json")],
            "too deeply",
        ),
        (["plan", "--changes", str(t / "before" / "export-bad-deps.json")], "expected a list of strings"),
        (["compare", "--cpus", "nan"], "finite"),
        (["compare", "--memory", "inf"], "finite"),
        (["compare", "--gpu", "T4:nan"], "positive COUNT"),
        (["compare", "--cpus", "lots"], "invalid float"),
        (["compare", "--chart", str(t / "chart.gif")], "expected a file name ending in .png"),
        (["compare", "--chart", str(t / "no-such-folder" / "c.png")], "no folder"),
        (["compare", "--chart", str(t)], "is a folder"),
        (["compare", "--data-dir", corrupt, "--clouds", "aws"], "not a readable snapshot"),
        (["compare", "--data-dir", corrupt, "--clouds", "gcp"], "not a readable snapshot"),
        (["catalog", "info", "--data-dir", corrupt], "not a readable snapshot"),
        (["catalog", "info", "--data-dir", str(t / "no-snapshots-here")], "no snapshot in"),
        (["catalog", "build", "--source", str(t / "nowhere"), "--data-dir", data], "not a folder"),
        (
            ["catalog", "build", "--source", str(src / "missing-gcp"), "--data-dir", data],
            "gcp_vms.csv.gz: no such file",
        ),
        (["catalog", "build", "--source", str(src / "no-column"), "--data-dir", data], "missing column"),
        (
            ["catalog", "build", "--source", str(src / "not-a-number"), "--data-dir", data],
            "vcpus='two' is not a number",
        ),
        (["catalog", "build", "--source", str(src / "not-gzip"), "--data-dir", data], "not a gzip"),
        (
            ["catalog", "build", "--source", str(src / "missing-gcp"), "--date", "2026-13-45", "--origin", "x"],
            "not a date",
        ),
        (["catalog", "refresh", "oracle"], "invalid choice"),
        (["catalog", "refresh", "azure", "--regions", ",", "--data-dir", data], "names no region"),
        (["catalog", "refresh", "gcp", "--data-dir", data, "--api-key", ""], "API key is needed"),
        (["catalog"], "required"),
        (["nonsense"], "usage"),
    ]


def test_every_command_turns_malformed_input_into_one_line_and_exit_2(corpus, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    before = tree_digest(corpus, snapshot_path("aws").parent)
    failures = []
    for argv, words in cases(corpus):
        load_cache_clear()
        code = cli.main(argv)
        out, err = capsys.readouterr()
        message = (err or out).strip()
        if (
            code != 2
            or "Traceback" in err + out
            or words not in message
            or (err and len(err.strip().splitlines()) != 1)
        ):
            failures.append((argv, code, message[:300]))
    assert failures == [], "\n".join(map(str, failures))
    assert tree_digest(corpus, snapshot_path("aws").parent) == before  # nothing written, nothing lost


def test_a_bug_is_one_line_and_exit_1_and_the_trace_only_with_debug(monkeypatch, capsys):
    import components.tools.compare as compare

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(compare, "compare", broken)
    assert cli.main(["compare"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (ZeroDivisionError: division by zero)" in err and "--debug" in err
    with pytest.raises(ZeroDivisionError):
        cli.main(["compare", "--debug"])


def test_the_real_command_line_never_shows_a_traceback(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    plan_file = tmp_path / "p.json"
    plan_file.write_text("[" * 50_000)
    result = subprocess.run(
        [sys.executable, "-m", "components", "plan", "--diff", str(plan_file), str(plan_file)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert json.dumps(result.stdout) == '""'
