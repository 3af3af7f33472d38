"""What the engine receives from the components and their cloud adapters does not change by accident.

tests/support/adapter_registrations.py registers a broad set of specs on every cloud (Linux and Windows, spot,
public IPs, shared networks, existing subnets, dedicated networks, data disks named, unnamed, protected,
retained and renamed, several ingress rules, secrets given as Outputs, the dev stack) as ``pulumi up``
and ``pulumi preview``; this test compares a digest of every registration (inputs and secret paths,
options, dependencies), of the invokes and of the outputs with tests/snapshots/registrations.json. A
refactor must leave it unchanged. After an intended change, regenerate it and say why in the commit:

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/clouds/test_adapter_registrations.py

To see what a changed hash stands for, diff the full dumps of the two commits
(``.venv/bin/python tests/support/adapter_registrations.py > dump.json`` on each).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

from tests.support.adapter_registrations import RUNS, differences, digest, dump
from tests.support.common import ROOT, SNAPSHOTS

SNAPSHOT = SNAPSHOTS / "registrations.json"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"


@pytest.fixture(scope="module")
def snapshot() -> dict:
    return json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {}


@pytest.mark.parametrize("run", sorted(RUNS))
def test_what_the_engine_receives_is_unchanged(run, snapshot):
    current = digest(dump([run])[run])
    if UPDATE:
        data = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {}
        data[run] = current
        SNAPSHOT.write_text(json.dumps(dict(sorted(data.items())), indent=1, sort_keys=True) + "\n")
        return
    assert run in snapshot, f"no snapshot for {run}; run UPDATE_SNAPSHOTS=1 pytest {Path(__file__).relative_to(ROOT)}"
    problems = differences(snapshot[run], current)
    assert not problems, f"{run}: what the engine receives changed:\n  " + "\n  ".join(problems)


def test_the_snapshot_covers_every_cloud_and_what_the_adapters_build(snapshot):
    """Not vacuous: every run is there, and the cases register each kind of resource the adapters make."""
    assert set(snapshot) == set(RUNS)
    types = {key.split("::")[0].rsplit("$", 1)[-1] for key in snapshot["cases-up"]["resources"]}
    assert {
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "aws:ebs/volume:Volume",
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "azure-native:compute:VirtualMachineExtension",
        "azure-native:network:PublicIPAddress",
        "azure-native:compute:Disk",
        "gcp:secretmanager/secretIamMember:SecretIamMember",
        "gcp:compute/firewall:Firewall",
        "gcp:compute/disk:Disk",
    } <= types
    assert snapshot["cases-up"]["resources"].keys() == snapshot["cases-preview"]["resources"].keys()


def test_the_comparison_reports_each_kind_of_change(snapshot):
    old = snapshot["dev-stack-up"]
    key = next(k for k in old["resources"] if k.endswith("::web-aws-vm"))
    for part in ("inputs", "options", "dependencies"):
        changed = copy.deepcopy(old)
        changed["resources"][key][part] = "0" * 16
        assert differences(old, changed) == [f"{part} changed: {key}"]
    removed = copy.deepcopy(old)
    del removed["resources"][key]
    assert differences(old, removed) == [f"no longer registered: {key}"]
    assert differences(removed, old) == [f"newly registered: {key}"]
    assert differences(old, {**old, "outputs": "0" * 16}) == ["outputs changed"]
