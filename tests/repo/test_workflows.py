"""The GitHub Actions workflows: schema-valid, clean under zizmor, built the way docs/pull-requests.md says.

check-jsonschema and zizmor are the ones requirements-dev.txt installs next to this Python.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from components.tools.plandiff import MARKER
from tests.support.common import ROOT

WORKFLOW_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.y*ml"))
BIN = Path(sys.executable).parent
PINNED_USES = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+(\.\d+){0,2}\s*$")
OIDC_ACTIONS = (
    "aws-actions/configure-aws-credentials",
    "azure/login",
    "google-github-actions/auth",
)
TEST_COMMAND = ".venv/bin/python -m pytest -q -n 2"

# Trips six zizmor audits: a dangerous trigger, template injection, an unpinned action, persisted
# credentials, it checks out the pull request's code with a write token, and it hands a secret to a
# job outside any environment (what the preview job did before it had one).
BAD_WORKFLOW = """\
name: bad
on: pull_request_target
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
        env:
          TOKEN: ${{ secrets.PULUMI_ACCESS_TOKEN }}
"""


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def uses_of(job: dict) -> list[str]:
    return [step["uses"] for step in steps(job) if "uses" in step]


def action_name(uses: str) -> str:
    return uses.split("@", 1)[0]


def step_using(job: dict, action: str) -> dict:
    (step,) = [s for s in steps(job) if action_name(s.get("uses", "")) == action]
    return step


def zizmor(*paths: Path) -> tuple[int, list[dict], str]:
    result = subprocess.run(
        [
            str(BIN / "zizmor"),
            "--offline",
            "--no-config",
            "--no-ignores",
            # The auditor persona reports everything zizmor knows, including what the default persona
            # leaves out (secrets outside an environment).
            "--persona",
            "auditor",
            "--min-severity",
            "medium",
            "--format",
            "json",
            *map(str, paths),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    findings = json.loads(result.stdout) if result.stdout.strip() else []
    return result.returncode, findings, result.stderr


def check_jsonschema(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, paths),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def pull_request() -> dict:
    return load(WORKFLOW_DIR / "pull-request.yml")


@pytest.fixture(scope="module")
def deploy() -> dict:
    return load(WORKFLOW_DIR / "deploy.yml")


def test_the_workflows_exist():
    # Any other workflow added later goes through every per-workflow check below as well.
    assert {p.name for p in WORKFLOWS} >= {"deploy.yml", "pull-request.yml"}


# --- the two tools -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_github_workflow_schema(path):
    result = check_jsonschema(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_an_invalid_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: pull_request\njobs:\n  build:\n    steps: []\n")  # no runs-on
    result = check_jsonschema(bad)
    assert result.returncode == 1, result.stdout + result.stderr


def test_zizmor_auditor_finds_nothing_of_medium_severity_or_above():
    code, findings, stderr = zizmor(*WORKFLOWS)
    summary = [(f["ident"], f["determinations"]["severity"]) for f in findings]
    assert (code, summary) == (0, []), stderr


def test_zizmor_catches_a_deliberately_bad_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(BAD_WORKFLOW)
    code, findings, stderr = zizmor(bad)
    assert code != 0, stderr
    assert {f["ident"] for f in findings} >= {
        "dangerous-triggers",
        "template-injection",
        "unpinned-uses",
        "artipacked",
        "secrets-outside-env",
    }


# --- rules for every workflow --------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(path):
    workflow = load(path)
    all_uses = [uses for job in workflow["jobs"].values() for uses in uses_of(job)]
    assert all_uses
    assert [u for u in all_uses if not PINNED_USES.match(u)] == []
    unversioned = [
        line.strip()
        for line in path.read_text().splitlines()
        if re.match(r"\s*(-\s*)?uses:", line) and not VERSION_COMMENT.search(line)
    ]
    assert unversioned == []


def test_one_commit_per_action_across_workflows():
    pins: dict[str, set[str]] = {}
    for workflow_path in WORKFLOWS:
        for job in load(workflow_path)["jobs"].values():
            for uses in uses_of(job):
                pins.setdefault(action_name(uses), set()).add(uses)
    assert {name: refs for name, refs in pins.items() if len(refs) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_pull_request_target(path):
    assert "pull_request_target" not in triggers(load(path))
    assert "pull_request_target" not in path.read_text()


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_access_by_default_and_explicit_permissions_per_job(path):
    workflow = load(path)
    assert workflow["permissions"] == {}
    assert [name for name, job in workflow["jobs"].items() if "permissions" not in job] == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_id_token_write_only_in_jobs_that_sign_in_to_a_cloud(path):
    for name, job in load(path)["jobs"].items():
        signs_in = any(action_name(u) in OIDC_ACTIONS for u in uses_of(job))
        has_id_token = job["permissions"].get("id-token") == "write"
        assert has_id_token == signs_in, name


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_do_not_persist_credentials(path):
    for name, job in load(path)["jobs"].items():
        for step in steps(job):
            if action_name(step.get("uses", "")) == "actions/checkout":
                assert step["with"]["persist-credentials"] is False, name


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_expanded_inside_a_shell_script(path):
    # Values reach scripts through env:, never spliced into the script text.
    for name, job in load(path)["jobs"].items():
        for step in steps(job):
            assert "${{" not in step.get("run", ""), (name, step.get("name"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_cloud_sign_in_uses_oidc_never_stored_keys(path):
    text = path.read_text()
    for long_lived in ("aws-access-key-id", "AWS_SECRET_ACCESS_KEY", "creds:", "credentials_json"):
        assert long_lived not in text
    for job in load(path)["jobs"].values():
        if any(action_name(u) in OIDC_ACTIONS for u in uses_of(job)):
            aws = step_using(job, "aws-actions/configure-aws-credentials")["with"]
            azure = step_using(job, "azure/login")["with"]
            gcp = step_using(job, "google-github-actions/auth")["with"]
            assert aws["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}"
            assert set(azure) == {"client-id", "tenant-id", "subscription-id"}
            assert set(gcp) == {"workload_identity_provider", "service_account"}
            assert job["env"]["ARM_USE_OIDC"] == "${{ vars.AZURE_CLIENT_ID != '' }}"


# --- pull-request.yml ----------------------------------------------------------------------------


def test_pull_request_runs_on_pull_requests_and_cancels_superseded_runs(pull_request):
    assert list(triggers(pull_request)) == ["pull_request"]
    assert pull_request["concurrency"] == {
        "group": "${{ github.workflow }}-${{ github.event.pull_request.number }}",
        "cancel-in-progress": True,
    }


def test_test_job_installs_dev_requirements_and_runs_the_readme_test_command(pull_request):
    job = pull_request["jobs"]["test"]
    assert job["permissions"] == {"contents": "read"}
    assert step_using(job, "actions/setup-python")["with"]["python-version"] == "3.11"
    runs = [step["run"] for step in steps(job) if "run" in step]
    assert runs == [
        "python -m venv .venv && .venv/bin/pip install -r requirements-dev.txt",
        TEST_COMMAND,
    ]


def test_cost_job_plans_base_and_head_in_separate_checkouts_with_a_read_only_token(pull_request):
    job = pull_request["jobs"]["cost"]
    assert job["permissions"] == {"contents": "read"}
    checkouts = [s["with"] for s in steps(job) if action_name(s.get("uses", "")) == "actions/checkout"]
    assert checkouts == [
        {
            "ref": "${{ github.event.pull_request.base.sha }}",
            "path": "base",
            "persist-credentials": False,
        },
        {
            "ref": "${{ github.event.pull_request.head.sha }}",
            "path": "head",
            "persist-credentials": False,
        },
    ]
    assert "if" not in job  # forks get no variables, and the cost needs none: the job always runs
    assert job["env"] == {"STACK_VARIABLE": "${{ vars.PULUMI_STACK }}"}
    scripts = {step["name"]: step for step in steps(job) if "run" in step}
    plan = '../.venv/bin/python -m components plan --stack "$STACK" --format json'
    for name in ("Plan the base", "Plan the head, judged by the base's policy pack"):
        assert scripts[name]["env"] == {"STACK": "${{ steps.stack.outputs.name }}"}
        assert scripts[name]["if"] == "steps.stack.outputs.name != ''"
    assert scripts["Plan the base"]["working-directory"] == "base"
    assert f"{plan} > ../base.json" in scripts["Plan the base"]["run"]
    head = scripts["Plan the head, judged by the base's policy pack"]
    assert head["working-directory"] == "head"
    assert f'{plan} "${{pack[@]}}" > ../head.json' in head["run"]
    # The pack and its config are the base branch's: a pull request's edit to them does not judge itself.
    assert "pack=(--policy-pack ../base/policies --policy-pack-config ../base/policies/config.json)" in head["run"]
    assert scripts["Diff the plans"]["run"].startswith(
        "../.venv/bin/python -m components plan --diff ../base.json ../head.json --format markdown > ../comment.md\n"
    )
    failing = scripts["Fail when a mandatory policy fails"]
    assert failing["if"] == "steps.head.outputs.policy-status == '3'" and "exit 1" in failing["run"]
    assert list(scripts).index("Fail when a mandatory policy fails") == len(scripts) - 1


def run_stack_choice(job: dict, tmp_path: Path, stack_files: list[str], variable: str) -> tuple[str, str]:
    (tmp_path / "head").mkdir()
    for name in stack_files:
        (tmp_path / "head" / name).write_text("config: {}\n")
    outputs = tmp_path / "out"
    (step,) = [s for s in steps(job) if s.get("id") == "stack"]
    result = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step["run"]],
        cwd=tmp_path / "head",
        env={**os.environ, "STACK_VARIABLE": variable, "GITHUB_OUTPUT": str(outputs)},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return outputs.read_text().strip(), result.stdout


@pytest.mark.parametrize(
    ("files", "variable", "chosen"),
    [
        (["Pulumi.dev.yaml"], "", "dev"),  # a fork: no variables, one stack file
        (["Pulumi.dev.yaml", "Pulumi.prod.yaml"], "", ""),  # a fork of a repository with several
        (["Pulumi.dev.yaml", "Pulumi.prod.yaml"], "acme/multicloud-vm/prod", "acme/multicloud-vm/prod"),
        ([], "", ""),
        (["Pulumi.x;echo hi.yaml"], "", ""),  # a stack file name that is not a stack name
    ],
)
def test_cost_job_prices_the_only_stack_when_github_passes_no_variables(
    pull_request, tmp_path, files, variable, chosen
):
    output, stdout = run_stack_choice(pull_request["jobs"]["cost"], tmp_path, files, variable)
    assert output == f"name={chosen}"
    assert ("::notice::No stack to price" in stdout) == (chosen == "")


def test_comment_job_runs_no_pull_request_code_and_updates_one_marked_comment(pull_request):
    job = pull_request["jobs"]["cost-comment"]
    assert job["needs"] == "cost"
    assert job["permissions"] == {"pull-requests": "write"}
    assert uses_of(job) == []  # no checkout: nothing from the pull request runs with this token
    (step,) = steps(job)
    assert step["env"]["MARKER"] == MARKER
    assert step["env"]["COMMENT"] == "${{ needs.cost.outputs.comment }}"
    script = step["run"]
    assert "startswith(env.MARKER)" in script
    assert '--method PATCH "repos/$REPO/issues/comments/$comment_id"' in script
    assert '--method POST "repos/$REPO/issues/$PR_NUMBER/comments"' in script


# A stand-in for the GitHub CLI: lists the comments in $GH_COMMENTS through the real jq filter,
# and records every call, and the body it would send, in the current directory.
FAKE_GH = """#!/usr/bin/env bash
printf '%s\\n' "$*" >> calls.log
if [ "$2" = --paginate ]; then
  [ "$4" = --jq ] || exit 3
  exec jq -r "$5" "$GH_COMMENTS"
fi
for arg in "$@"; do
  case "$arg" in body=@*) cp "${arg#body=@}" sent-body.md ;; esac
done
"""


def run_comment_step(pull_request: dict, tmp_path: Path, comments: list[dict], body: str):
    (step,) = steps(pull_request["jobs"]["cost-comment"])
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "comments.json").write_text(json.dumps(comments))
    env = {
        **os.environ,
        **step["env"],
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GH_TOKEN": "unused",
        "REPO": "owner/repo",
        "PR_NUMBER": "7",
        "COMMENT": body,
        "GH_COMMENTS": str(tmp_path / "comments.json"),
    }
    result = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step["run"]],
        cwd=tmp_path,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=30,
    )
    log = tmp_path / "calls.log"
    calls = log.read_text().splitlines() if log.exists() else []
    return result, calls


def bot(comment_id: int, body: str) -> dict:
    return {"id": comment_id, "user": {"login": "github-actions[bot]"}, "body": body}


needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="the comment test runs jq")
COST_BODY = f"{MARKER}\n**Monthly cost: $1.00 -> $2.00 (+$1.00)**\n"


@needs_jq
def test_comment_step_edits_the_bots_marked_comment(pull_request, tmp_path):
    comments = [
        {"id": 1, "user": {"login": "mallory"}, "body": f"{MARKER}\nnot the bot"},
        bot(2, "pulumi preview output"),
        bot(3, f"{MARKER}\nthe previous cost"),
        bot(4, f"{MARKER}\na duplicate: the first marked comment is the one kept up to date"),
    ]
    result, calls = run_comment_step(pull_request, tmp_path, comments, COST_BODY)
    assert result.returncode == 0, result.stderr
    assert calls[1:] == ["api --method PATCH repos/owner/repo/issues/comments/3 -F body=@comment.md"]
    assert (tmp_path / "sent-body.md").read_text() == COST_BODY + "\n"


@needs_jq
def test_comment_step_posts_when_the_bot_has_no_marked_comment(pull_request, tmp_path):
    comments = [{"id": 1, "user": {"login": "mallory"}, "body": MARKER}, bot(2, "preview")]
    result, calls = run_comment_step(pull_request, tmp_path, comments, COST_BODY)
    assert result.returncode == 0, result.stderr
    assert calls == [
        "api --paginate repos/owner/repo/issues/7/comments --jq " + calls[0].split("--jq ", 1)[1],
        "api --method POST repos/owner/repo/issues/7/comments -F body=@comment.md",
    ]


def test_comment_step_refuses_a_body_without_the_marker(pull_request, tmp_path):
    result, calls = run_comment_step(pull_request, tmp_path, [], "no marker\n")
    assert result.returncode == 1
    assert calls == []
    assert "does not start with <!-- multicloud-vm-cost -->" in result.stdout


# Stands in for .venv/bin/python in the cost job: `plan` fails in base/ (the stack is new) unless
# BASE_PLAN names a plan, and prints the head fixture in head/; `plan --diff` runs the real components.tools.plandiff.main_diff.
FAKE_VENV_PYTHON = """#!/usr/bin/env bash
if [ "$4" = --diff ]; then
  exec "$REAL_PYTHON" -c 'import sys; from components.tools.plandiff import main_diff
sys.exit(main_diff(sys.argv[1], sys.argv[2], sys.argv[4]))' "$5" "$6" "$7" "$8"
fi
[ "$4 $5 $6 $7" = "--stack $STACK --format json" ] || exit 3
if [ "$(basename "$PWD")" = base ] && [ -n "$BASE_PLAN" ]; then cat "$BASE_PLAN"; exit 0; fi
[ "$(basename "$PWD")" = head ] || { echo "no stack $STACK" >&2; exit 1; }
[ "$8 $9 ${10} ${11}" = "--policy-pack ../base/policies --policy-pack-config ../base/policies/config.json" ] || exit 4
cat "$HEAD_PLAN"
echo "Policies:" >&2
echo "    ❌ pack@v0.1.0 (local: ../base/policies)" >&2
exit "$POLICY_STATUS"
"""


def run_cost_job(pull_request: dict, tmp_path: Path, policy_status: str = "0", **plans: str) -> dict[str, Path]:
    """Runs the cost job's scripts with FAKE_VENV_PYTHON (``HEAD_PLAN``, and ``BASE_PLAN`` if given) in
    tmp_path; each step's GitHub output file, by step name."""
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_VENV_PYTHON)
    python.chmod(0o755)
    (tmp_path / "base" / "policies").mkdir(parents=True)
    for name in ("PulumiPolicy.yaml", "config.json"):
        (tmp_path / "base" / "policies" / name).write_text("")
    (tmp_path / "head").mkdir()
    env = {
        **os.environ,
        "STACK": "dev",
        "REAL_PYTHON": sys.executable,
        "PYTHONPATH": str(ROOT),
        **plans,
        "POLICY_STATUS": policy_status,
        "GITHUB_STEP_SUMMARY": str(tmp_path / "step_summary"),
    }
    outputs = {}
    for step in steps(pull_request["jobs"]["cost"]):
        if "run" in step and "working-directory" in step and step.get("id") != "stack":
            outputs[step["name"]] = tmp_path / f"output-{len(outputs)}"
            result = subprocess.run(
                ["bash", "-eo", "pipefail", "-c", step["run"]],
                cwd=tmp_path / step["working-directory"],
                env={**env, "GITHUB_OUTPUT": str(outputs[step["name"]])},
                check=False,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert result.returncode == 0, (step["name"], result.stdout, result.stderr)
    return outputs


@pytest.mark.parametrize("policy_status", ["0", "3"])
def test_cost_job_scripts_diff_an_absent_base_against_the_head(pull_request, tmp_path, policy_status):
    head = str(ROOT / "tests" / "fixtures" / "plans" / "head.json")
    outputs = run_cost_job(pull_request, tmp_path, policy_status, HEAD_PLAN=head)
    summary = tmp_path / "step_summary"
    assert (tmp_path / "base.json").read_text() == ""
    head_output = outputs["Plan the head, judged by the base's policy pack"].read_text()
    assert head_output == f"policy-status={policy_status}\n"
    comment = (tmp_path / "comment.md").read_text()
    assert comment.startswith(MARKER + "\n")
    assert "**Monthly cost: $0.00 -> $1,031.49 (+$1,031.49), excluding" in comment
    assert "VMs: 8 added." in comment
    assert comment.endswith(
        "<details><summary>Policy pack of the base branch</summary>\n\n```\nPolicies:\n"
        "    ❌ pack@v0.1.0 (local: ../base/policies)\n```\n</details>\n"
    )
    assert summary.read_text() == comment
    first, *body, last = outputs["Diff the plans"].read_text().splitlines()
    assert first == f"comment<<{last}" and re.fullmatch(r"comment-[0-9a-f]{32}", last)
    assert "\n".join(body) + "\n" == comment


def test_cost_job_comment_says_what_pulumi_up_does_to_each_vm(pull_request, tmp_path):
    """Plans that carry their registrations give the comment a pulumi-up column (the change engine)."""
    plans = ROOT / "tests" / "fixtures" / "plans"
    run_cost_job(
        pull_request,
        tmp_path,
        BASE_PLAN=str(plans / "changes-base.json"),
        HEAD_PLAN=str(plans / "changes-head.json"),
    )
    comment = (tmp_path / "comment.md").read_text()
    assert "| VM | change | before | after | $/month before | $/month after | delta | what | pulumi up |" in comment
    assert "| user_data | replace (user_data); OS disk lost; data disks kept |" in comment


def test_the_comment_is_posted_even_when_the_cost_job_fails_on_a_policy(pull_request):
    condition = pull_request["jobs"]["cost-comment"]["if"]
    assert condition.startswith("always()") and "needs.cost.outputs.comment != ''" in condition
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition


def test_policy_pack_config_the_workflows_name_exists():
    # policies/config.json belongs to the policy pack (issue 5); both workflows pass it to Pulumi.
    assert (ROOT / "policies" / "config.json").is_file()


# --- deploy.yml ----------------------------------------------------------------------------------


def test_deploy_runs_pulumi_up_on_main_behind_the_production_environment(deploy):
    assert triggers(deploy) == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    (job,) = deploy["jobs"].values()
    assert job["environment"] == "production"
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    pulumi = step_using(job, "pulumi/actions")["with"]
    assert (pulumi["command"], pulumi["stack-name"]) == ("up", "${{ vars.PULUMI_STACK }}")
    assert (pulumi["policyPacks"], pulumi["policyPackConfigs"]) == (
        "policies",
        "policies/config.json",
    )


def test_deploy_never_cancels_an_update_in_progress(deploy):
    assert deploy["concurrency"]["cancel-in-progress"] is False
