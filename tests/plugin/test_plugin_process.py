"""The real plugin process, driven over gRPC as Pulumi drives it (``tests/support/plugin_harness.py``): its schema
and version, VMs joining a Network by reference exactly as in Python, a bad spec as one clear error
with nothing registered, secrets kept secret, concurrent Construct calls kept apart; and a plugin that
needs nothing beyond its own requirements file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import errors_pb2, provider_pb2, status_pb2

from components import Network, VirtualMachine
from components.hosting import MulticloudProvider
from components.offline import evaluate
from components.version import __version__
from tests.support.common import DEFAULT_CONFIG, ROOT, public_key
from tests.support.plugin_harness import (
    PROJECT,
    STACK,
    StableMocks,
    deployment,
    reference,
    registrations,
    secret,
    state,
    to_wire,
)

KEY = public_key("ed25519")
PASSWORD = "Tr0ub4dor&3-horse"


@pytest.fixture(scope="module")
def plugin():
    with deployment() as running:
        yield running


def test_the_plugin_serves_its_schema_and_the_project_version(plugin):
    assert plugin.provider.GetPluginInfo(empty_pb2.Empty()).version == __version__
    served = json.loads(plugin.provider.GetSchema(provider_pb2.GetSchemaRequest()).schema)
    assert served == MulticloudProvider().spec == json.loads((ROOT / "plugin" / "schema.json").read_text())
    configured = plugin.provider.Configure(provider_pb2.ConfigureRequest())
    assert configured.acceptResources and configured.acceptSecrets  # resource references reach Construct


def test_vms_join_a_network_by_reference_exactly_as_in_python(plugin):
    vms = {
        "api": {"cloud": "aws", "ssh_public_key": KEY, "ingress": [{"port": 443, "sources": ["0.0.0.0/0"]}]},
        "worker": {"cloud": "aws", "ssh_public_key": KEY, "cpus": 4, "memory_gib": 16, "zone": "use1-az4"},
    }
    network = plugin.construct("shared-aws", "Network", {"cloud": "aws", "tags": {"team": "platform"}})
    for name, args in vms.items():
        plugin.construct(
            name,
            "VirtualMachine",
            {**to_wire(args), "network": reference(network.urn)},
            dependencies={"network": [network.urn]},
        )

    def python_program():
        shared = Network("shared-aws", {"cloud": "aws", "tags": {"team": "platform"}})
        for name, args in vms.items():
            VirtualMachine(name, {**args, "network": shared})

    expected = evaluate(python_program, config=DEFAULT_CONFIG, mocks=StableMocks(), project=PROJECT, stack=STACK)
    actual = [r for name in ("shared-aws", *vms) for r in plugin.monitor.named(name)]
    assert registrations(actual) == registrations(expected.resources)
    subnets = {r.id for r in actual if r.type == "aws:ec2/subnet:Subnet"}
    instances = [r for r in actual if r.type == "aws:ec2/instance:Instance"]
    assert len(instances) == 2 and all(i.inputs["subnetId"] in subnets for i in instances)
    assert state(network)["subnetIds"]["use1-az4"] == "shared-aws-subnet-use1-az4-id"


def _rpc_error(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as raised:
        call()
    return raised.value


def _property_errors(error: grpc.RpcError) -> list[tuple[str, str]]:
    details = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    if details is None:
        return []
    status = status_pb2.Status.FromString(details)
    found = []
    for item in status.details:
        errors = errors_pb2.InputPropertiesError()
        item.Unpack(errors)
        found += [(e.property_path, e.reason) for e in errors.errors]
    return found


def test_a_bad_spec_is_one_clear_error_and_registers_nothing(plugin):
    error = _rpc_error(lambda: plugin.construct("tiny", "VirtualMachine", {"cloud": "aws", "cpus": 0.0}))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == "VM 'tiny': cpus=0 is invalid: expected a whole number >= 1"
    assert _property_errors(error) == [("cpus", "expected a whole number >= 1")]
    assert plugin.monitor.named("tiny") == []

    ghost = f"urn:pulumi:{STACK}::{PROJECT}::multicloud:index:Network::ghost"
    error = _rpc_error(
        lambda: plugin.construct(
            "orphan", "VirtualMachine", {"cloud": "aws", "network": reference(ghost)}, dependencies={"network": [ghost]}
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith(f"VM 'orphan': network={ghost!r} is invalid: this Network was not created")
    assert plugin.monitor.named("orphan") == []

    error = _rpc_error(lambda: plugin.construct("nameless", "VirtualMachine", {"cpus": 2.0}))
    assert "cloud" in str(_property_errors(error)) and plugin.monitor.named("nameless") == []
    for error_text in ("Traceback", 'File "'):
        assert error_text not in error.details()


def test_the_password_and_user_data_stay_secret_whether_sent_as_secrets_or_not(plugin):
    for sent, wrap in (("secret", secret), ("plain", lambda value: value)):
        name = f"win-{sent}"
        response = plugin.construct(
            name,
            "VirtualMachine",
            {"cloud": "azure", "image": "windows-2022", "adminPassword": wrap(PASSWORD), "userData": wrap("echo hi")},
        )
        (vm,) = [r for r in plugin.monitor.named(name) if r.type == "azure-native:compute:VirtualMachine"]
        assert PASSWORD in json.dumps(vm.inputs) and "osProfile" in vm.secret_inputs  # it reaches Azure, secret
        assert "osProfile" in vm.additional_secret_outputs
        for other in plugin.monitor.named(name):
            if other is not vm:
                assert PASSWORD not in json.dumps(other.inputs), other.type
        assert PASSWORD not in json.dumps(state(response))
        assert PASSWORD not in json.dumps(plugin.monitor.outputs[response.urn])


def test_concurrent_constructs_are_kept_apart(plugin):
    """Twelve Construct calls, four at a time, each with its own stack config: each VM lands in the region
    its own call's config names, its children under its own component, its state answering its call."""
    regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "ca-central-1"]
    networks = {r: f"net-{r}" for r in regions}

    def config(region: str) -> dict:
        return {**DEFAULT_CONFIG, "aws:region": region}

    def network(region):
        return plugin.construct(networks[region], "Network", {"cloud": "aws"}, config=config(region))

    def vm(region, urn):
        own = plugin.construct(f"own-{region}", "VirtualMachine", {"cloud": "aws"}, config=config(region))
        joined = plugin.construct(
            f"joined-{region}",
            "VirtualMachine",
            {"cloud": "aws", "network": reference(urn)},
            dependencies={"network": [urn]},
            config=config(region),
        )
        return own, joined

    with ThreadPoolExecutor(max_workers=len(regions)) as pool:
        urns = dict(zip(regions, [r.urn for r in pool.map(network, regions)]))
        built = dict(zip(regions, pool.map(lambda r: vm(r, urns[r]), regions)))

    for region, (own, joined) in built.items():
        assert state(own)["region"] == state(joined)["region"] == region
        assert own.urn.endswith(f"::own-{region}") and joined.urn.endswith(f"::joined-{region}")
        for response, name in ((own, f"own-{region}"), (joined, f"joined-{region}")):
            children = [r for r in plugin.monitor.named(name) if r.name != name]
            assert children and all(r.parent == response.urn for r in children), name
            assert all(r.inputs.get("region") in (region, None) for r in children), name
        joined_children = {r.type for r in plugin.monitor.named(f"joined-{region}")}
        assert "aws:ec2/vpc:Vpc" not in joined_children  # it joined net-<region>, no network of its own
        assert "aws:ec2/vpc:Vpc" in {r.type for r in plugin.monitor.named(f"own-{region}")}
        (vpc,) = [r for r in plugin.monitor.named(networks[region]) if r.type == "aws:ec2/vpc:Vpc"]
        assert vpc.inputs["region"] == region


def test_the_plugin_needs_only_its_own_requirements():
    """Every third-party module the plugin loads (with every cloud adapter) comes from a distribution
    that plugin/requirements.txt brings in, directly or as a dependency."""
    script = (
        "import sys, json; before = set(sys.modules); sys.path.insert(0, sys.argv[1]);"
        "from components.hosting import MulticloudProvider; MulticloudProvider();"
        "import components.clouds.aws, components.clouds.azure, components.clouds.gcp;"
        "print(json.dumps(sorted({m.split('.')[0] for m in set(sys.modules) - before})))"
    )
    loaded = json.loads(
        subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, check=True, text=True).stdout
    )
    lines = (ROOT / "plugin" / "requirements.txt").read_text().splitlines()
    wanted = [re.split(r"[<>=!~ ;\[]", line.strip())[0] for line in lines if line.strip() and not line.startswith("#")]
    assert wanted == ["pulumi", "pulumi-aws", "pulumi-azure-native", "pulumi-gcp"]
    closure, queue = set(), list(wanted)
    while queue:
        name = metadata.distribution(queue.pop()).metadata["Name"].lower().replace("_", "-")
        if name in closure:
            continue
        closure.add(name)
        for requirement in metadata.requires(name) or []:
            if "extra ==" not in requirement:
                queue.append(re.split(r"[<>=!~ ;\[(]", requirement.strip())[0])
    owners = metadata.packages_distributions()
    third_party = {m: {d.lower().replace("_", "-") for d in owners[m]} for m in loaded if m in owners}
    outside = {m: d for m, d in third_party.items() if not d & closure and m != "components"}
    assert not outside, f"the plugin loads modules its requirements do not provide: {outside}"
    assert {"pulumi_aws", "pulumi_azure_native", "pulumi_gcp", "grpc"} <= set(third_party)
