"""The stack program's named steps (components/program.py): the network mode of an entry, which VMs
join a shared network, every VM and network checked once before anything is registered (all the
problems at once), each component taking the spec the program validated, and the ``comparison``
output as the VMs' plan rows."""

from __future__ import annotations

import collections
import runpy

import pulumi
import pytest

from components import program, spec
from components import vm as vm_module
from components.offline import evaluate
from components.plan_row import COMPARISON_FIELDS
from components.program import DEDICATED, SHARED, VmEntry, expand_entries, joins_shared_network
from components.vm import TYPE_TOKEN
from tests.support.common import ROOT, public_key

KEY = public_key("ed25519")
STACK = [
    {"name": "web", "clouds": ["aws", "gcp"], "regions": {"aws": "eu-west-1", "gcp": "europe-west1"}},
    {"name": "solo", "cloud": "aws", "region": "eu-west-1", "network": "dedicated"},
    {"name": "db", "cloud": "gcp", "region": "europe-west1", "ssh_public_key": KEY},
]


def run_stack(vms, **config):
    config = {"multicloud-vm:vms": vms, "gcp:project": "stack-project", **config}
    return evaluate(lambda: runpy.run_path(str(ROOT / "__main__.py")), config=config)


def test_the_network_key_of_an_entry_is_its_network_mode():
    entries = expand_entries(STACK)
    assert [(e.name, e.network_mode) for e in entries] == [
        ("web-aws", SHARED),
        ("web-gcp", SHARED),
        ("solo", DEDICATED),
        ("db", SHARED),
    ]
    assert all("network" not in e.args for e in entries)  # the mode is the program's, not the component's


def test_a_vm_joins_the_shared_network_unless_dedicated_or_in_an_existing_subnet():
    class Spec:
        def __init__(self, subnet_id=None):
            self.subnet_id = subnet_id

    assert joins_shared_network(VmEntry("a", {}, "[0]", SHARED), Spec())
    assert not joins_shared_network(VmEntry("a", {}, "[0]", DEDICATED), Spec())
    assert not joins_shared_network(VmEntry("a", {}, "[0]", SHARED), Spec("subnet-0123"))


@pytest.fixture
def validations(monkeypatch):
    """How many times each VM is validated, by the program and by its component."""
    counted: collections.Counter = collections.Counter()
    real = spec.validate

    def counting(name, *args, **kwargs):
        counted[name] += 1
        return real(name, *args, **kwargs)

    monkeypatch.setattr(spec, "validate", counting)
    monkeypatch.setattr(vm_module, "validate", counting)
    return counted


def test_each_vm_is_validated_once_and_once_more_only_to_join_a_shared_network(validations):
    evaluation = run_stack(STACK)
    assert {r.name for r in evaluation.of_type(TYPE_TOKEN)} == {"web-aws", "web-gcp", "solo", "db"}
    # On its own (where it runs decides its network), then joined to the network: never by the component.
    assert validations == {"web-aws": 2, "web-gcp": 2, "db": 2, "solo": 1}


def test_a_component_built_outside_the_program_validates_its_own_arguments(validations):
    vm_module.validated("x", {"cloud": "gcp"}, object())  # handed for other arguments: not taken

    def build():
        vm_module.VirtualMachine("x", {"cloud": "gcp", "region": "us-east1"})

    evaluate(build, config={"gcp:project": "stack-project"})
    assert validations == {"x": 1}


def test_every_problem_is_reported_at_once_before_anything_is_registered():
    vms = [
        {"name": "a", "cloud": "gcp", "region": "us-east1", "cpus": 0},
        {"name": "b", "cloud": "gcp", "region": "us-east1", "memory_gib": -1},
        {"name": "c", "clouds": ["oracle"]},
    ]
    with pytest.raises(pulumi.RunError) as raised:
        run_stack(vms)
    lines = str(raised.value).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("multicloud-vm:vms [2] (c): clouds=['oracle'] is invalid")
    assert lines[1].startswith("multicloud-vm:vms[0] (a): VM 'a': cpus=0 is invalid")
    assert lines[2].startswith("multicloud-vm:vms[1] (b): VM 'b': memory_gib=-1 is invalid")


def test_check_stack_groups_the_vms_that_share_a_network_and_joins_them():
    def defaults_of(cloud):
        return spec.CloudDefaults(stack="p/s", project="stack-project")

    check = program.check_stack(STACK, "multicloud-vm", "s", defaults_of)
    assert check.problems == []
    assert sorted(check.joins) == ["db", "web-aws", "web-gcp"]
    assert check.joins["db"] == check.joins["web-gcp"] != check.joins["web-aws"]
    for name, key in check.joins.items():
        assert check.specs[name].network == check.network_specs[key]
    assert check.specs["solo"].network is None
    aws = check.network_args[check.joins["web-aws"]]
    assert aws["cloud"] == "aws" and aws["zones"] == [check.specs["web-aws"].zone]


def test_the_comparison_output_is_each_vms_plan_row_price_fields():
    evaluation = run_stack(STACK)
    components = {r.name: r for r in evaluation.of_type(TYPE_TOKEN)}
    rows = {row["name"]: row for row in evaluation.outputs["comparison"]}
    assert list(rows) == ["web-aws", "web-gcp", "solo", "db"] and set(rows) == set(components)
    for row in rows.values():
        assert list(row) == list(COMPARISON_FIELDS) == [
            "name", "cloud", "region", "instance_type", "hourly_price", "monthly_price", "unpriced",
        ]  # fmt: skip
        assert isinstance(row["unpriced"], list) and row["monthly_price"] > 0


def test_a_vm_whose_data_disks_would_change_resource_group_is_a_stack_problem(monkeypatch, tmp_path):
    """Checked where each VM finally is, joined to its shared network: an Azure VM with data disks that
    leaves ``network: dedicated`` would take them to the network's resource group (replacing them)."""
    from components.lockfile import LOCK_DIR_ENV, file_name
    from components.spec.lock import entry_document, render

    monkeypatch.setenv(LOCK_DIR_ENV, str(tmp_path))
    db = {"name": "db", "cloud": "azure", "region": "westeurope", "ssh_public_key": KEY}
    db["data_disks"] = [{"name": "logs", "size_gib": 50}]
    vms = [
        {**db, "network": "dedicated"},
        {"name": "web", "cloud": "azure", "region": "westeurope", "ssh_public_key": KEY},
    ]

    def defaults_of(cloud):
        return spec.CloudDefaults(stack="p/dev")

    deployed = program.check_stack(vms, "multicloud-vm", "dev", defaults_of)
    assert deployed.problems == []
    (tmp_path / file_name("dev")).write_text(render({"db": entry_document(deployed.specs["db"])}, "dev"))
    assert program.check_stack(vms, "multicloud-vm", "dev", defaults_of).problems == []
    (problem,) = program.check_stack([db, vms[1]], "multicloud-vm", "dev", defaults_of).problems
    assert "VM 'db': network=" in problem and "its own resource group" in problem and "would be replaced" in problem
