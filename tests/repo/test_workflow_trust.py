"""The pull-request preview's trust model (docs/pull-requests.md#trust-model): the pull request's
program is previewed and judged by the base branch's policy pack and config, and the secrets it needs
live in a GitHub environment; every job that reads a secret runs in one."""

from __future__ import annotations

import pytest
import yaml

from tests.repo.test_workflows import (
    OIDC_ACTIONS,
    WORKFLOW_DIR,
    WORKFLOWS,
    action_name,
    load,
    step_using,
    steps,
    uses_of,
)


@pytest.fixture(scope="module")
def pull_request() -> dict:
    return load(WORKFLOW_DIR / "pull-request.yml")


def test_preview_job_runs_pulumi_preview_with_the_policy_pack(pull_request):
    job = pull_request["jobs"]["preview"]
    assert job["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "pull-requests": "write",
    }
    pulumi = step_using(job, "pulumi/actions")
    assert pulumi["with"] == {
        "command": "preview",
        "stack-name": "${{ vars.PULUMI_STACK }}",
        "work-dir": "head",
        "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
        "comment-on-pr": True,
        "policyPacks": "${{ github.workspace }}/base/policies",
        "policyPackConfigs": "${{ github.workspace }}/base/policies/config.json",
    }
    assert pulumi["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
    assert pulumi["env"]["PULUMI_CONFIG_PASSPHRASE"] == "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}"
    # Cloud sign-in comes before the preview that needs it.
    names = [action_name(u) for u in uses_of(job)]
    assert names.index("pulumi/actions") > max(names.index(a) for a in OIDC_ACTIONS)


def test_the_preview_judges_with_the_base_branchs_pack_and_config(pull_request):
    """A pull request cannot switch its own gate off: the pack and its config come from the base
    commit, checked out beside the pull request's program, and the pack's virtualenv from there."""
    job = pull_request["jobs"]["preview"]
    checkouts = {
        s["with"]["path"]: s["with"] for s in steps(job) if action_name(s.get("uses", "")) == "actions/checkout"
    }
    assert checkouts == {
        "head": {"path": "head", "persist-credentials": False},
        "base": {"ref": "${{ github.event.pull_request.base.sha }}", "path": "base", "persist-credentials": False},
    }
    runs = [s["run"] for s in steps(job) if "run" in s]
    assert (
        "python -m venv base/policies/.venv && base/policies/.venv/bin/pip install -r base/policies/requirements.txt"
        in runs
    )
    assert "python -m venv .venv && .venv/bin/pip install -r head/requirements.txt" in runs
    text = yaml.safe_dump(job)
    assert "head/policies" not in text and ": policies" not in text


def test_the_preview_secrets_live_in_an_environment(pull_request):
    """The preview runs the pull request's program with the stack's secrets: only in the preview
    environment, whose reviewers approve each run (docs/pull-requests.md, trust model)."""
    assert pull_request["jobs"]["preview"]["environment"] == "preview"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_job_that_reads_a_secret_runs_in_an_environment(path):
    for name, job in load(path)["jobs"].items():
        if "secrets." in yaml.safe_dump(job):
            assert job.get("environment"), name
