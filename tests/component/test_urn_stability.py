"""URN stability: a code change must not rename, re-parent or replace a deployed VM by accident.

The snapshot ``tests/snapshots/urns.json`` holds, for the dev stack (Pulumi.dev.yaml) and for one
representative spec per cloud, every registered resource's URN, type, parent, and the inputs whose
change makes the provider replace it (or that name or locate it). A change that touches any of them
fails here with the list of what moved. When the change is intended:

* a rename or re-parent: add ``aliases`` (see docs/testing.md, "Renaming a VM without replacing it") so
  the engine maps the old URNs to the new ones, then regenerate the snapshot;
* anything else: regenerate the snapshot and say in the PR why the VMs may be replaced:

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/component/test_urn_stability.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components.network import TYPE_TOKEN as NETWORK_TYPE_TOKEN
from components.offline import RecordingMocks, evaluate
from components.program import run
from components.tools.plan import stack_config
from components.vm import TYPE_TOKEN, VirtualMachine
from tests.support.common import DEFAULT_CONFIG, ROOT, SNAPSHOTS, public_key

SNAPSHOT = SNAPSHOTS / "urns.json"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
KEY = public_key("ed25519")

# Per type: the input paths whose change replaces the resource (or names/places it). Instance sizes are
# listed too: they change only when the catalog or the size search changes, which should be deliberate.
REPLACEMENT_INPUTS: dict[str, tuple[str, ...]] = {
    TYPE_TOKEN: (),
    NETWORK_TYPE_TOKEN: (),
    "aws:ec2/vpc:Vpc": ("cidrBlock", "region"),
    "aws:ec2/subnet:Subnet": ("vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "region"),
    "aws:ec2/internetGateway:InternetGateway": ("vpcId", "region"),
    "aws:ec2/routeTable:RouteTable": ("vpcId", "region"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ("subnetId", "routeTableId", "region"),
    "aws:ec2/securityGroup:SecurityGroup": ("vpcId", "name", "description", "region"),
    "aws:ec2/keyPair:KeyPair": ("publicKey", "keyName", "region"),
    "aws:ec2/instance:Instance": (
        "ami",
        "instanceType",
        "subnetId",
        "availabilityZone",
        # root_block_device: only encryption replaces (size, type and tags change in place).
        "rootBlockDevice.encrypted",
        "rootBlockDevice.kmsKeyId",
        "keyName",
        "associatePublicIpAddress",
        "instanceMarketOptions",
        "region",
    ),
    "aws:ebs/volume:Volume": ("availabilityZone", "encrypted", "region"),
    "aws:ec2/volumeAttachment:VolumeAttachment": ("deviceName", "volumeId", "instanceId", "region"),
    "azure-native:resources:ResourceGroup": ("resourceGroupName", "location"),
    "azure-native:network:VirtualNetwork": ("resourceGroupName", "virtualNetworkName", "location"),
    "azure-native:network:Subnet": ("resourceGroupName", "virtualNetworkName", "subnetName"),
    "azure-native:network:NetworkSecurityGroup": ("resourceGroupName", "networkSecurityGroupName", "location"),
    "azure-native:network:PublicIPAddress": (
        "resourceGroupName",
        "publicIpAddressName",
        "location",
        "sku",
        "zones",
        "publicIPAllocationMethod",
    ),
    "azure-native:network:NetworkInterface": ("resourceGroupName", "networkInterfaceName", "location"),
    # A managed disk's name and resource group are its URL (azure-native replaces on change); its zone,
    # location and creation data are fixed at creation.
    "azure-native:compute:Disk": ("diskName", "resourceGroupName", "location", "zones", "creationData"),
    "azure-native:compute:VirtualMachine": (
        "vmName",
        "resourceGroupName",
        "location",
        "zones",
        "hardwareProfile.vmSize",
        "storageProfile.imageReference",
        "storageProfile.osDisk.name",
        "storageProfile.osDisk.createOption",
        "storageProfile.dataDisks",
        "osProfile.computerName",
        "osProfile.adminUsername",
        "priority",
    ),
    "gcp:compute/network:Network": ("name", "autoCreateSubnetworks", "project"),
    "gcp:compute/subnetwork:Subnetwork": ("name", "network", "region", "project"),
    "gcp:compute/firewall:Firewall": ("name", "network", "direction", "project"),
    "gcp:compute/disk:Disk": ("name", "zone", "type", "project"),
    "aws:ssm/parameter:Parameter": ("name", "region"),
    "aws:iam/role:Role": ("name", "assumeRolePolicy"),
    "aws:iam/rolePolicy:RolePolicy": ("name", "role"),
    "aws:iam/instanceProfile:InstanceProfile": ("name",),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("vpcId", "serviceName", "vpcEndpointType", "privateDnsEnabled", "region"),
    "gcp:secretmanager/secret:Secret": ("secretId", "replication", "project"),
    "gcp:secretmanager/secretVersion:SecretVersion": ("secret",),
    "gcp:serviceaccount/account:Account": ("accountId", "project"),
    "gcp:secretmanager/secretIamMember:SecretIamMember": ("secretId", "role", "member", "project"),
    "gcp:compute/instance:Instance": (
        "name",
        "zone",
        "project",
        "machineType",
        "bootDisk.initializeParams.image",
        "bootDisk.initializeParams.size",
        "bootDisk.initializeParams.type",
        "scheduling.provisioningModel",
    ),
}

# One representative spec per cloud, beyond the dev stack: data disks, arm64, spot, Windows, zones; and
# the Windows VMs of AWS (private: its SSM endpoint) and GCP with their password stores.
REPRESENTATIVE: dict[str, dict[str, Any]] = {
    "batch-aws": {
        "cloud": "aws",
        "region": "us-east-1",
        "zone": "use1-az2",
        "cpus": 4,
        "memory_gib": 16,
        "arch": "arm64",
        "image": "debian-12",
        "disk_size_gib": 40,
        "data_disks": [{"size_gib": 100}, {"size_gib": 500, "disk_type": "standard"}],
        "admin_username": "batch",
        "ssh_public_key": KEY,
        "ingress": [{"from_port": 8000, "to_port": 8100, "sources": ["10.0.0.0/8"], "protocol": "udp"}],
        "tags": {"owner": "data-team"},
    },
    "winapp": {
        "cloud": "azure",
        "region": "eastus",
        "zone": "2",
        "image": "windows-2022",
        "admin_password": "Correct-Horse-Battery-9",
        "data_disks": [{"size_gib": 256}],
        "ingress": [{"port": 3389, "sources": ["203.0.113.0/24"]}],
        "tags": {"owner": "apps-team"},
    },
    "worker-gcp": {
        "cloud": "gcp",
        "region": "us-central1",
        "zone": "us-central1-c",
        "instance_type": "n2-standard-4",
        "spot": True,
        "public_ip": True,
        "data_disks": [{"size_gib": 200, "disk_type": "standard"}],
        "ssh_public_key": KEY,
        "ingress": [{"port": 443, "sources": ["0.0.0.0/0"]}],
        "tags": {"owner": "ml-team"},
    },
    "winapp-aws": {
        "cloud": "aws",
        "region": "us-east-1",
        "zone": "use1-az4",
        "image": "windows-2022",
        "admin_password": "Correct-Horse-Battery-9",
        "tags": {"owner": "apps-team"},
    },
    "winapp-gcp": {
        "cloud": "gcp",
        "region": "us-central1",
        "zone": "us-central1-a",
        "image": "windows-2022",
        "admin_password": "Correct-Horse-Battery-9",
        "ingress": [{"port": 3389, "sources": ["203.0.113.0/24"]}],
        "tags": {"owner": "apps-team"},
    },
}


class StableMocks(RecordingMocks):
    """Outputs independent of registration order, so ids that flow into inputs are reproducible."""

    def resource_outputs(self, type_: str, name: str, inputs: dict, serial: int) -> tuple[str, dict]:
        return super().resource_outputs(type_, name, inputs, 0)


def dig(value: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def describe(evaluation) -> dict[str, dict]:
    """URN -> type, parent, ignoreChanges and replacement-relevant inputs (absent ones left out)."""
    out = {}
    for r in evaluation.resources:
        if r.type not in REPLACEMENT_INPUTS:
            raise AssertionError(f"{r.type} has no entry in REPLACEMENT_INPUTS: add the inputs that replace it")
        inputs = {path: dig(r.inputs, path) for path in REPLACEMENT_INPUTS[r.type]}
        out[r.urn] = {
            "type": r.type,
            "parent": r.parent,
            "ignoreChanges": sorted(r.ignore_changes),
            "deleteBeforeReplace": r.delete_before_replace,
            "replaceOnChanges": sorted(r.replace_on_changes),
            "replacementTrigger": r.replacement_trigger,
            "inputs": {k: v for k, v in inputs.items() if v is not None},
        }
    return dict(sorted(out.items()))


def dev_stack() -> dict[str, dict]:
    project, config, secret_keys = stack_config(ROOT, "dev")
    evaluation = evaluate(
        run, config=config, secret_config_keys=secret_keys, project=project, stack="dev", mocks=StableMocks()
    )
    return describe(evaluation)


def representative(name: str) -> dict[str, dict]:
    evaluation = evaluate(
        lambda: VirtualMachine(name, REPRESENTATIVE[name]), config=DEFAULT_CONFIG, mocks=StableMocks()
    )
    return describe(evaluation)


CASES = {"dev-stack": dev_stack, **{name: (lambda n=name: representative(n)) for name in REPRESENTATIVE}}


def differences(old: dict[str, dict], new: dict[str, dict]) -> list[str]:
    problems = []
    for urn in sorted(old.keys() - new.keys()):
        problems.append(f"renamed or removed (deleted and re-created unless aliased): {urn}")
    for urn in sorted(new.keys() - old.keys()):
        problems.append(f"new URN: {urn}")
    for urn in sorted(old.keys() & new.keys()):
        before, after = old[urn], new[urn]
        if before["parent"] != after["parent"]:
            problems.append(f"re-parented: {urn}: {before['parent']} -> {after['parent']}")
        if before["type"] != after["type"]:
            problems.append(f"type changed: {urn}: {before['type']} -> {after['type']}")
        for key in ("ignoreChanges", "deleteBeforeReplace"):
            if before[key] != after[key]:
                problems.append(f"{key} changed: {urn}: {before[key]} -> {after[key]}")
        for path in sorted(before["inputs"].keys() | after["inputs"].keys()):
            if before["inputs"].get(path) != after["inputs"].get(path):
                problems.append(
                    f"replacement-relevant input {path} changed: {urn}: "
                    f"{before['inputs'].get(path)!r} -> {after['inputs'].get(path)!r}"
                )
    return problems


@pytest.fixture(scope="module")
def snapshot() -> dict:
    return json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {}


@pytest.mark.parametrize("case", sorted(CASES))
def test_urns_and_replacement_inputs_are_stable(case, snapshot):
    current = CASES[case]()
    if UPDATE:
        data = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {}
        data[case] = current
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(json.dumps(dict(sorted(data.items())), indent=2, sort_keys=True) + "\n")
        return
    assert case in snapshot, f"no snapshot for {case}; run UPDATE_SNAPSHOTS=1 pytest {Path(__file__).relative_to(ROOT)}"
    problems = differences(snapshot[case], current)
    assert not problems, (
        f"{case}: this change would rename, re-parent or replace deployed resources:\n  "
        + "\n  ".join(problems)
        + "\nIf intended: add aliases for renames (docs/testing.md), then UPDATE_SNAPSHOTS=1 pytest tests/component/test_urn_stability.py"
    )


def test_snapshot_covers_every_vm_and_its_children(snapshot):
    """The snapshot is not vacuous: each case has its component, an instance parented to it, and
    every other resource parented to a component (a VM or a shared network)."""
    assert set(snapshot) == set(CASES)
    instance_types = {
        "aws:ec2/instance:Instance",
        "azure-native:compute:VirtualMachine",
        "gcp:compute/instance:Instance",
    }
    for case, resources in snapshot.items():
        components = {urn for urn, r in resources.items() if r["type"] == TYPE_TOKEN}
        networks = {urn for urn, r in resources.items() if r["type"] == NETWORK_TYPE_TOKEN}
        assert components, case
        for urn, r in resources.items():
            if r["type"] not in (TYPE_TOKEN, NETWORK_TYPE_TOKEN):
                assert r["parent"] in components | networks, (case, urn)
        for component in components:
            children = [r for r in resources.values() if r["parent"] == component]
            assert any(r["type"] in instance_types for r in children), (case, component)
    assert len([r for r in snapshot["dev-stack"].values() if r["type"] == TYPE_TOKEN]) == 3
    assert len([r for r in snapshot["dev-stack"].values() if r["type"] == NETWORK_TYPE_TOKEN]) == 3


def test_the_check_catches_a_rename_a_reparent_and_a_replacement(snapshot):
    """The comparison itself: each kind of breaking change is reported."""
    old = snapshot["batch-aws"]
    instance_urn = next(u for u, r in old.items() if r["type"] == "aws:ec2/instance:Instance")

    renamed = {u.replace("batch-aws", "batch"): r for u, r in old.items()}
    assert any("renamed" in p for p in differences(old, renamed))

    reparented = json.loads(json.dumps(old))
    reparented[instance_urn]["parent"] = "urn:pulumi:dev::multicloud-vm::pulumi:pulumi:Stack::multicloud-vm-dev"
    assert [p for p in differences(old, reparented) if p.startswith("re-parented")]

    replaced = json.loads(json.dumps(old))
    replaced[instance_urn]["inputs"]["availabilityZone"] = "us-east-1c"
    assert [p for p in differences(old, replaced) if "availabilityZone" in p]


def test_an_aliased_rename_records_the_alias_and_maps_every_child_to_its_old_urn():
    """Renaming ``web-aws`` to ``frontend-aws`` with ``aliases=[Alias(name="web-aws")]``: the component
    registers the alias, and each child's inherited alias (derived from the parent's alias by the same
    rule the engine applies: parent URN swapped, name prefix swapped) is exactly its old URN, so
    ``pulumi up`` renames in place and replaces nothing."""
    from pulumi.runtime.resource import all_aliases

    spec = {
        "cloud": "aws",
        "region": "eu-west-1",
        "ssh_public_key": KEY,
        "public_ip": True,
        "data_disks": [{"size_gib": 20}],
    }
    before = evaluate(lambda: VirtualMachine("web-aws", spec), config=DEFAULT_CONFIG, mocks=StableMocks())
    old_children = {r.urn for r in before.resources if r.type != TYPE_TOKEN}

    def renamed():
        vm = VirtualMachine("frontend-aws", spec, pulumi.ResourceOptions(aliases=[pulumi.Alias(name="web-aws")]))
        pulumi.export(
            "inherited",
            pulumi.Output.all(
                *[a for child in vm.resources.values() for a in all_aliases([], child._name, child._type, vm)]
            ),
        )

    after = evaluate(renamed, config=DEFAULT_CONFIG, mocks=StableMocks())
    [component] = after.of_type(TYPE_TOKEN)
    assert component.name == "frontend-aws"
    assert component.aliases == [component.urn.replace("frontend-aws", "web-aws")]  # the URN the alias names
    new_children = {r.urn for r in after.resources if r.type != TYPE_TOKEN}
    assert new_children.isdisjoint(old_children)  # without the alias, every child would be replaced
    assert set(after.outputs["inherited"]) == old_children
    # Same inputs under the new name apart from the name-derived ones: the rename changes nothing else.
    old_instance = before.of_type("aws:ec2/instance:Instance")[0].inputs
    new_instance = after.of_type("aws:ec2/instance:Instance")[0].inputs
    assert new_instance["ami"] == old_instance["ami"]
    assert new_instance["instanceType"] == old_instance["instanceType"]
