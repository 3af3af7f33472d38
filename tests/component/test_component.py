"""The VirtualMachine component on all three clouds under Pulumi mocks: wiring that is the same
everywhere (parenting, names, providers, outputs, secrets, image-change safety)."""

from __future__ import annotations

import pulumi
import pytest

from components import SpecError, VirtualMachine
from components.offline import UNKNOWN, RecordingMocks, evaluate
from components.pricing import instance_hourly, spec_cost
from components.vm import TYPE_TOKEN
from tests.support.common import DEFAULT_CONFIG, run_vms

CLOUDS = ("aws", "azure", "gcp")
VM_TYPES = {
    "aws": "aws:ec2/instance:Instance",
    "azure": "azure-native:compute:VirtualMachine",
    "gcp": "gcp:compute/instance:Instance",
}
IMAGE_PATHS = {
    "aws": "ami",
    "azure": "storageProfile.imageReference",
    "gcp": "bootDisk.initializeParams.image",
}


def base_args(cloud: str, ssh_key: str, **extra) -> dict:
    return {"cloud": cloud, "ssh_public_key": ssh_key, **extra}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_child_is_parented_and_named_from_the_component(cloud, ssh_key, preview):
    evaluation, _ = run_vms(
        {"app": base_args(cloud, ssh_key, public_ip=True, ingress=[{"port": 22, "sources": ["10.0.0.0/8"]}])},
        preview=preview,
    )
    (component,) = evaluation.of_type(TYPE_TOKEN)
    assert component.name == "app" and not component.custom
    children = [r for r in evaluation.resources if r is not component]
    assert children, "the component registered nothing"
    for child in children:
        assert child.parent == component.urn, child.urn
        assert child.name.startswith("app-"), child.name
        assert f"{TYPE_TOKEN}${child.type}::" in child.urn
    assert len(evaluation.of_type(VM_TYPES[cloud])) == 1


@pytest.mark.parametrize("cloud", CLOUDS)
def test_outputs_are_the_same_on_every_cloud(cloud, ssh_key):
    evaluation, vms = run_vms({"app": base_args(cloud, ssh_key, public_ip=True)})
    outputs = evaluation.outputs["app"]
    assert set(outputs) == {
        "vm_id",
        "cloud",
        "region",
        "zone",
        "instance_type",
        "image",
        "private_ip",
        "public_ip",
        "hourly_price",
        "ssh_command",
    }
    spec = vms["app"].spec
    # The zone the VM runs in: AWS reports it (the mocks echo the instance's zone), GCP and Azure
    # take the spec's (an Azure VM without a zone is regional).
    assert outputs["zone"] == (spec.zone if cloud != "aws" else "zone-a")
    assert outputs["cloud"] == cloud
    assert outputs["region"] == spec.region
    assert outputs["instance_type"] == spec.instance_type
    assert outputs["hourly_price"] == spec.offering.price_hourly
    assert outputs["private_ip"].startswith("10.42.1.")
    assert outputs["public_ip"].startswith("203.0.113.")
    assert outputs["ssh_command"] == f"ssh {spec.admin_username}@{outputs['public_ip']}"
    assert outputs["vm_id"]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_no_public_ip_and_no_ssh_command_unless_asked(cloud, ssh_key):
    evaluation, _ = run_vms({"app": base_args(cloud, ssh_key)})
    outputs = evaluation.outputs["app"]
    assert outputs["public_ip"] is None
    assert outputs["ssh_command"] is None


@pytest.mark.parametrize("cloud", CLOUDS)
def test_preview_leaves_computed_outputs_unknown_but_resolution_known(cloud, ssh_key):
    evaluation, vms = run_vms({"app": base_args(cloud, ssh_key, public_ip=True)}, preview=True)
    outputs = evaluation.outputs["app"]
    assert outputs["private_ip"] == UNKNOWN
    assert outputs["instance_type"] == vms["app"].spec.instance_type
    assert outputs["hourly_price"] == instance_hourly(spec_cost(vms["app"].spec))


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_newer_image_never_replaces_a_running_vm_by_default(cloud, ssh_key):
    evaluation, _ = run_vms({"app": base_args(cloud, ssh_key)})
    (vm,) = evaluation.of_type(VM_TYPES[cloud])
    assert IMAGE_PATHS[cloud] in vm.ignore_changes


@pytest.mark.parametrize("cloud", CLOUDS)
def test_replacing_on_image_change_is_an_explicit_opt_in(cloud, ssh_key):
    evaluation, _ = run_vms({"app": base_args(cloud, ssh_key, replace_on_image_change=True)})
    (vm,) = evaluation.of_type(VM_TYPES[cloud])
    assert IMAGE_PATHS[cloud] not in vm.ignore_changes


SECRET_PATHS = {"aws": "userData", "azure": "osProfile", "gcp": "metadata"}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_user_data_is_secret_in_state(cloud, ssh_key):
    evaluation, _ = run_vms({"app": base_args(cloud, ssh_key, user_data="#cloud-config\npackages: [nginx]\n")})
    (vm,) = evaluation.of_type(VM_TYPES[cloud])
    assert any(path.startswith(SECRET_PATHS[cloud]) for path in vm.secret_inputs), vm.secret_inputs
    assert SECRET_PATHS[cloud] in vm.additional_secret_outputs
    assert "packages" not in str(evaluation.outputs)


# Where the Windows admin password goes: Azure keeps it in the VM's osProfile (the platform holds it);
# AWS and GCP put it only in their secret store's write-only input, never in the VM (issue 19).
PASSWORD_HOLDERS = {
    "aws": ("aws:ssm/parameter:Parameter", "valueWo"),
    "azure": ("azure-native:compute:VirtualMachine", "osProfile"),
    "gcp": ("gcp:secretmanager/secretVersion:SecretVersion", "secretDataWo"),
}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_windows_admin_password_is_secret_in_state_and_never_exported(cloud):
    password = "Tr0ub4dor&3-horse"
    evaluation, _ = run_vms({"win": {"cloud": cloud, "image": "windows-2022", "admin_password": password}})
    holder_type, path = PASSWORD_HOLDERS[cloud]
    (holder,) = evaluation.of_type(holder_type)
    assert password in str(holder.inputs)  # it does reach the cloud...
    assert any(p.startswith(path) for p in holder.secret_inputs)  # ...as a secret
    assert password not in str(evaluation.outputs)
    for other in evaluation.resources:
        if other is not holder:
            assert password not in str(other.inputs), other.type


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_secret_output_password_from_config_stays_secret(cloud):
    def program():
        password = pulumi.Output.secret("Tr0ub4dor&3-horse")
        VirtualMachine("win", {"cloud": cloud, "image": "windows-2022", "admin_password": password})

    evaluation = evaluate(program, config=DEFAULT_CONFIG)
    holder_type, path = PASSWORD_HOLDERS[cloud]
    (holder,) = evaluation.of_type(holder_type)
    assert any(p.startswith(path) for p in holder.secret_inputs)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_explicit_providers_in_opts_reach_every_child(cloud, ssh_key):
    providers = {}

    def program():
        if cloud == "aws":
            import pulumi_aws as aws

            provider = aws.Provider("other-account", region="eu-central-1")
        elif cloud == "azure":
            import pulumi_azure_native as azure_native

            provider = azure_native.Provider("other-subscription", location="northeurope")
        else:
            import pulumi_gcp as gcp

            provider = gcp.Provider("other-project", project="other", region="europe-west4")
        providers["urn"] = provider
        VirtualMachine(
            "app",
            base_args(
                cloud, ssh_key, region={"aws": "eu-central-1", "azure": "northeurope", "gcp": "europe-west4"}[cloud]
            ),
            pulumi.ResourceOptions(providers=[provider]),
        )

    evaluation = evaluate(program, config=DEFAULT_CONFIG)
    provider_urn = next(r.urn for r in evaluation.resources if r.type.startswith("pulumi:providers:"))
    children = [r for r in evaluation.resources if r.custom and not r.type.startswith("pulumi:providers:")]
    assert children
    for child in children:
        assert child.provider and child.provider.startswith(provider_urn + "::"), (child.type, child.provider)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_bad_input_registers_nothing(cloud):
    mocks = RecordingMocks()
    with pytest.raises(SpecError) as raised:
        evaluate(lambda: VirtualMachine("bad", {"cloud": cloud, "cpus": -1}), config=DEFAULT_CONFIG, mocks=mocks)
    assert raised.value.field == "cpus"
    assert mocks.registered == [] and mocks.invokes == []


def test_spec_error_before_registration_leaves_other_vms_alone(ssh_key):
    registered = []

    def program():
        VirtualMachine("good", base_args("gcp", ssh_key))
        try:
            VirtualMachine("bad", {"cloud": "gcp", "ingress": [{"port": 22, "sources": ["0.0.0.0/33"]}]})
        except SpecError as error:
            registered.append(error)

    evaluation = evaluate(program, config=DEFAULT_CONFIG)
    assert registered and registered[0].field == "ingress[0].sources"
    assert {r.name for r in evaluation.of_type(TYPE_TOKEN)} == {"good"}


# Pulumi's own unit-test style: the test returns the Output it checks, so the assertion runs.
@pytest.fixture
def pulumi_mocks():
    from pulumi.runtime.config import set_all_config

    set_all_config({k: v for k, v in DEFAULT_CONFIG.items()}, [])
    pulumi.runtime.set_mocks(RecordingMocks(), project="multicloud-vm", stack="test", preview=False)
    yield


@pytest.mark.usefixtures("pulumi_mocks")
@pulumi.runtime.test
def test_runtime_test_style_outputs_on_gcp():
    vm = VirtualMachine("rt", {"cloud": "gcp", "cpus": 4, "memory_gib": 16, "burstable": False, "public_ip": True})

    def check(values):
        cloud, region, instance_type, public_ip, private_ip = values
        assert (cloud, region) == ("gcp", "us-central1")
        assert instance_type == vm.spec.instance_type and vm.spec.offering.vcpus >= 4
        assert public_ip.startswith("203.0.113.")
        assert private_ip.startswith("10.42.1.")

    return pulumi.Output.all(vm.cloud, vm.region, vm.instance_type, vm.public_ip, vm.private_ip).apply(check)


@pytest.mark.usefixtures("pulumi_mocks")
@pulumi.runtime.test
def test_runtime_test_style_aws_image_is_the_looked_up_ami():
    vm = VirtualMachine("rt", {"cloud": "aws", "arch": "arm64", "image": "debian-12"})

    def check(values):
        image, instance_ami = values
        assert image.startswith("ami-")
        assert image == instance_ami

    return pulumi.Output.all(vm.image, vm.resources["instance"].ami).apply(check)
