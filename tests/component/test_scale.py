"""Fleet-size behaviour: image lookups stay one per distinct image, and a large fan-out stack runs to
completion in preview, where every computed output is unknown."""

from __future__ import annotations

import itertools
import json

import pulumi
import pytest

from components.offline import UNKNOWN, evaluate
from components.program import run
from components.vm import TYPE_TOKEN
from tests.support.common import DEFAULT_CONFIG, public_key, run_vms

GET_AMI = "aws:ec2/getAmi:getAmi"
KEY = public_key("ed25519")


def ami_invokes(evaluation):
    return [i for i in evaluation.invokes if i.token == GET_AMI]


def ami_key(invoke) -> tuple:
    filters = {f["name"]: f["values"][0] for f in invoke.args["filters"]}
    return (invoke.args["region"], tuple(invoke.args["owners"]), filters["name"], filters["architecture"])


def test_twenty_vms_with_one_image_make_one_lookup():
    specs = {f"web-{i}": {"cloud": "aws", "region": "eu-west-1", "ssh_public_key": KEY} for i in range(20)}
    evaluation, _ = run_vms(specs)
    [invoke] = ami_invokes(evaluation)
    instances = evaluation.of_type("aws:ec2/instance:Instance")
    assert len(instances) == 20
    # Every instance gets the one looked-up AMI.
    assert {r.inputs["ami"] for r in instances} == {instances[0].inputs["ami"]}
    assert instances[0].inputs["ami"].startswith("ami-")
    assert invoke.args["region"] == "eu-west-1"


def test_two_regions_make_two_lookups():
    specs = {
        f"web-{region}-{i}": {"cloud": "aws", "region": region, "ssh_public_key": KEY}
        for region in ("eu-west-1", "us-east-1")
        for i in range(10)
    }
    evaluation, _ = run_vms(specs)
    invokes = ami_invokes(evaluation)
    assert sorted(i.args["region"] for i in invokes) == ["eu-west-1", "us-east-1"]
    by_region = {}
    for r in evaluation.of_type("aws:ec2/instance:Instance"):
        by_region.setdefault(r.inputs["region"], set()).add(r.inputs["ami"])
    # One AMI per region, and the regions' AMIs differ (the lookup is per region).
    assert all(len(amis) == 1 for amis in by_region.values())
    assert len(set().union(*by_region.values())) == 2


def test_one_lookup_per_distinct_region_image_arch():
    regions, images, arches = ("eu-west-1", "us-east-1"), ("ubuntu-24.04", "debian-12"), ("x86_64", "arm64")
    specs = {}
    for n, (region, image, arch, _copy) in enumerate(itertools.product(regions, images, arches, range(3))):
        specs[f"vm-{n}"] = {"cloud": "aws", "region": region, "image": image, "arch": arch, "ssh_public_key": KEY}
    evaluation, _ = run_vms(specs)
    keys = [ami_key(i) for i in ami_invokes(evaluation)]
    assert len(keys) == len(set(keys)) == len(regions) * len(images) * len(arches)
    assert len(evaluation.of_type("aws:ec2/instance:Instance")) == 24


def test_native_ami_ids_need_no_lookup():
    specs = {f"pinned-{i}": {"cloud": "aws", "image": "ami-0123456789abcdef0", "ssh_public_key": KEY} for i in range(5)}
    evaluation, _ = run_vms(specs)
    assert ami_invokes(evaluation) == []
    assert {r.inputs["ami"] for r in evaluation.of_type("aws:ec2/instance:Instance")} == {"ami-0123456789abcdef0"}


def test_lookup_cache_does_not_leak_between_runs():
    """The cache is per run: a second evaluation looks the image up again (its own engine)."""
    specs = {f"web-{i}": {"cloud": "aws", "ssh_public_key": KEY} for i in range(3)}
    first, _ = run_vms(specs)
    second, _ = run_vms(specs)
    assert len(ami_invokes(first)) == len(ami_invokes(second)) == 1


def fan_out_config(entries: int) -> dict:
    """``entries`` config entries, each fanned out to all three clouds (3 * entries VMs)."""
    vms = []
    for i in range(entries):
        vms.append(
            {
                "name": f"app{i:02d}",
                "clouds": ["aws", "azure", "gcp"],
                "regions": {"aws": "eu-west-1", "azure": "westeurope", "gcp": "europe-west1"},
                "cpus": 2 + 2 * (i % 2),
                "memory_gib": 4 + 4 * (i % 3),
                "image": ("ubuntu-24.04", "debian-12", "rhel-9")[i % 3],
                "ssh_public_key": KEY,
                "public_ip": i % 2 == 0,
                "data_disks": [{"size_gib": 50}] if i % 4 == 0 else [],
                "ingress": [{"port": 443, "sources": ["0.0.0.0/0"]}],
                "tags": {"owner": "platform-team", "index": str(i)},
            }
        )
    return {**DEFAULT_CONFIG, "multicloud-vm:vms": json.dumps(vms)}


@pytest.mark.parametrize("entries", [17])
def test_preview_of_a_large_fan_out_stack_runs_to_completion(entries):
    built: list = []
    evaluation = evaluate(lambda: built.extend(run()), config=fan_out_config(entries), preview=True)
    vm_count = 3 * entries
    assert len(built) == vm_count >= 50

    components = evaluation.of_type(TYPE_TOKEN)
    assert len(components) == vm_count
    for component in components:
        children = evaluation.children_of(component.urn)
        types = {r.type for r in children}
        cloud = component.name.rsplit("-", 1)[1]
        instance = {
            "aws": "aws:ec2/instance:Instance",
            "azure": "azure-native:compute:VirtualMachine",
            "gcp": "gcp:compute/instance:Instance",
        }[cloud]
        assert instance in types, component.name
        # Preview: the engine returns no ids and no computed outputs for custom resources.
        assert all(r.id is None for r in children if r.custom)
    # Every VM's outputs are exported; the computed ones are unknown, the resolved spec ones known.
    for vm in built:
        exported = evaluation.outputs[vm.spec.name]
        assert exported["vm_id"] == UNKNOWN
        assert exported["private_ip"] == UNKNOWN
        assert exported["instance_type"] == vm.spec.instance_type
        assert exported["cloud"] == vm.spec.cloud
        if vm.spec.public_ip:
            assert exported["public_ip"] == UNKNOWN
    assert len(evaluation.outputs["comparison"]) == vm_count
    # Inputs that come from other resources' outputs are unknown in preview, not crashes or None.
    subnets = evaluation.of_type("aws:ec2/subnet:Subnet")
    assert subnets and all(isinstance(s.inputs["vpcId"], pulumi.output.Unknown) for s in subnets)
    instances = evaluation.of_type("aws:ec2/instance:Instance")
    assert all(isinstance(i.inputs["subnetId"], pulumi.output.Unknown) for i in instances)
    # The AMI lookups still happen in preview (invokes run), once per distinct image and region.
    keys = [ami_key(i) for i in ami_invokes(evaluation)]
    assert len(keys) == len(set(keys)) == 3
