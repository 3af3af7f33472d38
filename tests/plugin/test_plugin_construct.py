"""Construct in-process, under the project's mocks: what a program in another language gets is what a
Python program gets (the same registrations, inputs, options and URNs), on every cloud, in up and
preview mode, with and without a shared Network; bad input is one clear error and registers nothing."""

from __future__ import annotations

import pulumi
import pytest
from pulumi.errors import InputPropertiesError, InputPropertyError
from pulumi.provider.experimental.util import camel_case
from pulumi.resource import DependencyResource
from pulumi.runtime import rpc

from components import Network, VirtualMachine
from components.hosting import NETWORKS, MulticloudProvider, UnknownNetwork, schema_path, schema_words
from components.network import TYPE_TOKEN as NETWORK
from components.offline import RecordingMocks, evaluate
from components.vm import TYPE_TOKEN as VM
from tests.component.test_urn_stability import REPRESENTATIVE
from tests.support.common import DEFAULT_CONFIG, public_key
from tests.support.plugin_harness import StableMocks, reference, registrations, struct, to_wire

KEY = public_key("ed25519")
PROVIDER = MulticloudProvider()
CASES = {"aws": "batch-aws", "azure": "winapp", "gcp": "worker-gcp"}  # data disks, arm64, spot, Windows, zones
NETWORK_TYPES = {
    "aws": "aws:ec2/vpc:Vpc",
    "azure": "azure-native:network:VirtualNetwork",
    "gcp": "gcp:compute/network:Network",
}


def construct(name: str, token: str, inputs: dict) -> pulumi.Output:
    """What the plugin does for a Construct call, minus the wire: returns the state as an Output."""
    result = PROVIDER.construct(name, token, inputs, pulumi.ResourceOptions())
    return pulumi.Output.all(urn=result.urn, state=result.state)


def camel_outputs(vm: VirtualMachine) -> dict:
    return {camel_case(key): value for key, value in vm.outputs().items()}


@pytest.mark.parametrize("cloud", sorted(CASES))
def test_construct_registers_exactly_what_python_does(cloud, preview):
    name = CASES[cloud]
    spec = REPRESENTATIVE[name]
    native = evaluate(
        lambda: pulumi.export("out", camel_outputs(VirtualMachine(name, spec))),
        config=DEFAULT_CONFIG,
        mocks=StableMocks(),
        preview=preview,
    )
    hosted = evaluate(
        lambda: pulumi.export("out", construct(name, VM, to_wire(spec))),
        config=DEFAULT_CONFIG,
        mocks=StableMocks(),
        preview=preview,
    )
    assert registrations(hosted.resources) == registrations(native.resources)
    assert len(native.resources) >= 6
    (component,) = native.of_type(VM)
    assert hosted.outputs["out"]["urn"] == component.urn
    assert hosted.outputs["out"]["state"] == native.outputs["out"]


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_vms_join_a_network_constructed_earlier_as_in_python(cloud):
    specs = {
        "small": {"cloud": cloud, "ssh_public_key": KEY},
        "large": {"cloud": cloud, "ssh_public_key": KEY, "cpus": 4, "memory_gib": 16, "public_ip": True},
    }

    def native():
        network = Network("shared", {"cloud": cloud, "tags": {"team": "web"}})
        for name, spec in specs.items():
            VirtualMachine(name, {**spec, "network": network})

    def hosted():
        network = PROVIDER.construct("shared", NETWORK, to_wire({"cloud": cloud, "tags": {"team": "web"}}))

        def vms(urn: str):
            # The reference as it arrives from another language, read as the plugin reads Construct inputs.
            joined = rpc.deserialize_properties(struct({"network": reference(urn)}))["network"]
            assert joined is NETWORKS.get(urn) and isinstance(joined, Network)
            return [PROVIDER.construct(n, VM, {**to_wire(s), "network": joined}).urn for n, s in specs.items()]

        pulumi.export("vms", network.urn.apply(vms))

    expected = evaluate(native, config=DEFAULT_CONFIG, mocks=StableMocks())
    actual = evaluate(hosted, config=DEFAULT_CONFIG, mocks=StableMocks())
    assert registrations(actual.resources) == registrations(expected.resources)
    assert len(actual.of_type(NETWORK_TYPES[cloud])) == 1  # both VMs are in the shared network
    assert len(actual.outputs["vms"]) == 2


def test_references_to_this_package_resolve_in_this_process_only():
    urn = evaluate(
        lambda: pulumi.export("urn", PROVIDER.construct("net-a", NETWORK, {"cloud": "gcp"}).urn),
        config=DEFAULT_CONFIG,
    ).outputs["urn"]
    other = urn.replace("::net-a", "::built-elsewhere")
    vm_urn = urn.replace(NETWORK, VM)
    values = rpc.deserialize_properties(
        struct({"known": reference(urn), "unknown": reference(other), "vm": reference(vm_urn)})
    )
    assert values["known"] is NETWORKS.get(urn) and values["known"].spec.cloud == "gcp"
    assert isinstance(values["unknown"], UnknownNetwork) and values["unknown"].network_urn == other
    assert type(values["vm"]) is DependencyResource


def _fails(name: str, token: str, inputs: dict) -> Exception:
    mocks = RecordingMocks()
    with pytest.raises((InputPropertiesError, InputPropertyError)) as error:
        evaluate(lambda: PROVIDER.construct(name, token, inputs), config=DEFAULT_CONFIG, mocks=mocks)
    assert mocks.registered == [], "nothing may be registered on bad input"
    return error.value


def test_a_spec_error_is_one_line_naming_the_input_as_the_schema_does():
    error = _fails("web", VM, {"cloud": "aws", "dataDisks": [{"sizeGib": 20.0, "diskType": "nvme"}]})
    assert error.message == "VM 'web': dataDisks[0].diskType='nvme' is invalid: expected one of ssd, standard"
    assert error.errors == [{"property_path": "dataDisks[0].diskType", "reason": "expected one of ssd, standard"}]

    error = _fails("web", VM, {"cloud": "aws", "resourceGroupName": "rg"})
    assert error.message == "VM 'web': resourceGroupName='rg' is invalid: only applies to cloud 'azure', not 'aws'"
    error = _fails("net", NETWORK, {"cloud": "aws", "cidr": "8.8.0.0/16"})
    assert error.message.startswith("Network 'net': cidr='8.8.0.0/16' is invalid: expected a private IPv4 block")


def test_a_secret_input_is_never_named_where_the_engine_would_print_its_value():
    error = _fails("win", VM, {"cloud": "azure", "image": "windows-2022", "adminPassword": "short"})
    assert "short" not in error.message and "[secret]" in error.message
    assert error.errors is None  # the engine prints the value of a property an error names


@pytest.mark.parametrize(
    ("inputs", "path", "reason"),
    [
        (lambda: {"cpus": 2.5}, "cpus", "expected a whole number"),
        (lambda: {"cpus": True}, "cpus", "expected a whole number"),
        (lambda: {"dataDisks": [{"sizeGib": 10.5}]}, "dataDisks[0].sizeGib", "expected a whole number"),
        (lambda: {"instanceType": pulumi.Output.from_input("t3.micro")}, "instanceType", "plain value"),
        (lambda: {"sshPublicKey": pulumi.Output.secret(KEY)}, "sshPublicKey", "plain value"),
        (
            lambda: {"ingress": [{"port": 22.0, "sources": [pulumi.Output.from_input("10.0.0.0/8")]}]},
            "ingress[0].sources[0]",
            "plain value",
        ),
        (lambda: {"tags": {"team": pulumi.Output.from_input("web")}}, "tags.team", "plain value"),
        (lambda: {"network": "net-1"}, "network", "expected a multicloud Network resource"),
        (lambda: {"network": pulumi.Output.from_input("x")}, "network", "not an output"),
        (lambda: {"network": UnknownNetwork(f"urn:pulumi:dev::p::{NETWORK}::gone")}, "network", "same program"),
    ],
)
def test_what_the_schema_rules_out_fails_before_the_component_runs(inputs, path, reason):
    error = _fails("web", VM, {"cloud": "aws", **inputs()})
    assert error.message.startswith(f"VM 'web': {path}=") and reason in error.message, error.message
    assert error.errors == [{"property_path": path, "reason": error.errors[0]["reason"]}]


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_outputs_are_accepted_for_the_password_and_user_data_and_stay_secret(cloud):
    def args() -> dict:
        password, script = pulumi.Output.secret("Tr0ub4dor&3-horse"), pulumi.Output.from_input("echo hi")
        return {"cloud": cloud, "image": "windows-2022", "admin_password": password, "user_data": script}

    native = evaluate(lambda: VirtualMachine("win", args()), config=DEFAULT_CONFIG, mocks=StableMocks())
    hosted = evaluate(lambda: construct("win", VM, to_wire(args())), config=DEFAULT_CONFIG, mocks=StableMocks())
    assert registrations(hosted.resources) == registrations(native.resources)
    (vm,) = [r for r in hosted.resources if r.name == "win-vm"]
    assert any(path.startswith(("userData", "osProfile", "metadata")) for path in vm.secret_inputs), vm.secret_inputs


def test_error_paths_and_texts_use_schema_names():
    assert schema_path("data_disks[1].size_gib") == "dataDisks[1].sizeGib"
    assert schema_path("ingress[0].from_port") == "ingress[0].fromPort"
    assert schema_path("tags.cost_center") == "tags.cost_center"
    assert schema_path("cpus/memory_gib") == "cpus/memoryGib"
    assert schema_words("give either network or subnet_id, not both") == "give either network or subnetId, not both"
    assert schema_words("x86_64 stays, security_group too") == "x86_64 stays, security_group too"


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_named_protected_and_renamed_disks_reach_the_component_from_other_languages(cloud):
    """The data disk fields of issue 18 (name, renamed_from, lun, protect, retain_on_delete) arrive
    through the schema's camelCase names and register exactly what Python registers."""
    spec = {
        "cloud": cloud,
        "ssh_public_key": KEY,
        "data_disks": [
            {"name": "logs", "renamed_from": "0", "size_gib": 20, "protect": True},
            {"name": "data", "size_gib": 30, "lun": 5, "retain_on_delete": True},
        ],
    }
    native = evaluate(lambda: VirtualMachine("db", spec), config=DEFAULT_CONFIG, mocks=StableMocks())
    hosted = evaluate(lambda: construct("db", VM, to_wire(spec)), config=DEFAULT_CONFIG, mocks=StableMocks())
    assert registrations(hosted.resources) == registrations(native.resources)
    disks = {r.name: r for r in hosted.resources if r.name.startswith("db-data-") and "attachment" not in r.name}
    logs = disks["db-data-logs"]  # an alias is recorded as the URN it names
    assert logs.protect and logs.urn.rsplit("::", 1)[0] + "::db-data-0" in logs.aliases
    assert disks["db-data-data"].retain_on_delete
