"""Each step of the GCP adapter's ``provision`` on its own: what it registers (inputs, options,
dependencies, roles) under the offline engine, and its pure mappings."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp_sdk
import pytest

from components.cloud_rules import gcp as rules
from components.clouds import gcp
from components.clouds.base import SUBNET_CIDR
from components.user_data import gcp_windows_admin_script
from tests.support.common import public_key
from tests.support.step_harness import run_step, shared_network, spec_of

KEY = public_key("ed25519")
PASSWORD = "Correct-Horse-Battery-9"
LABELS = {"owner": "ops"}
SUBNET = gcp.Subnet("subnetwork-1", "network-1")


def _export_subnet(build, network=None):
    subnet = gcp.subnet_for(build, network)
    pulumi.export("subnet", [subnet.id, subnet.vpc_network_id])


def test_a_shared_networks_subnetwork_in_the_vms_region_registers_nothing():
    def step(build):
        _export_subnet(build, shared_network(network_ids={"us-central1": "net-1"}, subnet_ids={"us-central1": "sub-1"}))

    run = run_step(spec_of("gcp", ssh_public_key=KEY), step)
    assert run.evaluation.outputs["subnet"] == ["sub-1", "net-1"] and run.names == set() and run.roles == {}


def test_an_existing_subnetwork_is_looked_up_by_its_full_link_for_its_network():
    subnet = "projects/shared-vpc/regions/us-central1/subnetworks/apps"
    run = run_step(spec_of("gcp", ssh_public_key=KEY, subnet_id=subnet), lambda build: gcp.subnet_for(build, None))
    assert run.names == set() and run.result.id == subnet
    [lookup] = run.evaluation.invokes
    assert lookup.args == {"selfLink": "https://www.googleapis.com/compute/v1/" + subnet}


def test_a_dedicated_network_and_subnetwork():
    run = run_step(spec_of("gcp", ssh_public_key=KEY, region="us-east1"), _export_subnet)
    assert run.evaluation.outputs["subnet"] == ["vm-subnet-id", "vm-net-id"]
    assert run.registered("vm-net").inputs == {"autoCreateSubnetworks": False, "project": "test-project"}
    subnetwork = run.registered("vm-subnet").inputs
    assert (subnetwork["network"], subnetwork["region"], subnetwork["ipCidrRange"]) == (
        "vm-net-id",
        "us-east1",
        SUBNET_CIDR,
    )
    assert subnetwork["privateIpGoogleAccess"] is True
    assert run.roles == {"network": "vm-net", "subnetwork": "vm-subnet"}


def test_the_firewall_is_one_rule_per_ingress_rule_for_the_vms_tag():
    spec = spec_of(
        "gcp",
        ssh_public_key=KEY,
        ingress=[
            {"port": 22, "sources": ["203.0.113.0/24"], "description": "office"},
            {"protocol": "icmp", "sources": ["10.0.0.0/8"]},
        ],
    )
    run = run_step(spec, lambda build: gcp.firewall(build, SUBNET))
    ssh, icmp = run.registered("vm-fw-0").inputs, run.registered("vm-fw-1").inputs
    assert ssh == {
        "network": "network-1",
        "project": "test-project",
        "direction": "INGRESS",
        "sourceRanges": ["203.0.113.0/24"],
        "allows": [{"protocol": "tcp", "ports": ["22"]}],
        "targetTags": ["vm-vm"],
        "description": "office",
    }
    assert icmp["allows"] == [{"protocol": "icmp"}] and icmp["description"] == "icmp * to vm"
    assert run.roles == {"fw-0": "vm-fw-0", "fw-1": "vm-fw-1"} and len(run.result) == 2


def test_the_network_interface_has_an_external_address_only_when_asked():
    assert gcp.network_interface(spec_of("gcp", ssh_public_key=KEY), SUBNET) == {"subnetwork": "subnetwork-1"}
    assert gcp.network_interface(spec_of("gcp", ssh_public_key=KEY, public_ip=True), SUBNET) == {
        "subnetwork": "subnetwork-1",
        "access_configs": [{"network_tier": "PREMIUM"}],
    }


def test_the_password_store_is_a_secret_version_only_the_vms_service_account_reads():
    spec = spec_of("gcp", image="windows-2022", admin_password=PASSWORD)

    def step(build):
        admin = gcp.password_store(build)
        pulumi.export("script", admin.script)
        pulumi.export("account", admin.service_account)
        return admin

    run = run_step(spec, step, tags=LABELS)
    store, version = run.registered("vm-admin-password"), run.registered("vm-admin-password-version")
    assert (store.inputs["secretId"], store.inputs["replication"], store.inputs["labels"]) == (
        rules.admin_password_secret_id(spec),
        {"auto": {}},
        LABELS,
    )
    assert version.inputs["secretDataWo"] == PASSWORD and {"secretDataWo", "secretDataWoVersion"} <= set(
        version.secret_inputs
    )
    account, reader = run.registered("vm-admin-reader"), run.registered("vm-admin-password-reader")
    assert account.inputs["accountId"] == rules.admin_service_account_id(spec)
    assert (reader.inputs["role"], reader.inputs["member"]) == (
        rules.SECRET_ACCESSOR_ROLE,
        f"serviceAccount:{account.outputs['email']}",
    )
    assert run.evaluation.outputs["account"] == {
        "email": account.outputs["email"],
        "scopes": [rules.CLOUD_PLATFORM_SCOPE],
    }
    assert run.evaluation.outputs["script"] == gcp_windows_admin_script(spec.admin_username, store.outputs["name"])
    assert PASSWORD not in run.evaluation.outputs["script"]
    admin = run.result
    assert admin.password_store._name == "vm-admin-password-version"
    assert [r._name for r in admin.depends_on] == ["vm-admin-password-version", "vm-admin-password-reader"]
    assert run.roles == {
        "admin_password": "vm-admin-password",
        "admin_password_version": "vm-admin-password-version",
        "service_account": "vm-admin-reader",
        "admin_password_reader": "vm-admin-password-reader",
    }


def test_data_disks_by_slot_with_their_options():
    disks = [
        {"name": "logs", "size_gib": 20, "renamed_from": "old-logs", "retain_on_delete": True, "lun": 2},
        {"name": "kept", "size_gib": 10, "protect": True, "lun": 0},
    ]
    run = run_step(
        spec_of("gcp", ssh_public_key=KEY, zone="us-central1-c", data_disks=disks), gcp.data_disks, tags=LABELS
    )
    assert run.result == [
        {"source": run.result[0]["source"], "device_name": "kept"},
        {"source": run.result[1]["source"], "device_name": "old-logs"},  # the name it was created with
    ]
    kept, logs = run.registered("vm-data-kept"), run.registered("vm-data-logs")
    assert (kept.inputs["zone"], kept.inputs["size"], kept.inputs["labels"], kept.protect) == (
        "us-central1-c",
        10,
        LABELS,
        True,
    )
    assert logs.retain_on_delete and logs.aliases[0].endswith("::vm-data-old-logs")
    assert run.roles == {"data_disk_kept": "vm-data-kept", "data_disk_logs": "vm-data-logs"}


def _instance(build, admin=None):
    disk = gcp_sdk.compute.Disk("vm-data-0", zone=build.spec.zone, size=8, opts=build.opts())
    return gcp.instance(build, {"subnetwork": "subnetwork-1"}, [{"source": disk.id, "device_name": "data-0"}], admin)


def test_the_instance_of_a_spot_linux_vm():
    run = run_step(spec_of("gcp", ssh_public_key=KEY, spot=True, user_data="#!/bin/sh\n"), _instance, tags=LABELS)
    vm = run.registered("vm-vm")
    assert (vm.inputs["name"], vm.inputs["networkInterfaces"], vm.inputs["tags"]) == (
        "vm",
        [{"subnetwork": "subnetwork-1"}],
        ["vm-vm"],
    )
    assert vm.inputs["attachedDisks"] == [{"source": "vm-data-0-id", "deviceName": "data-0"}]
    assert vm.inputs["scheduling"]["provisioningModel"] == "SPOT" and vm.inputs["allowStoppingForUpdate"] is True
    assert vm.inputs["metadata"]["user-data"] == "#!/bin/sh\n" and "metadata" in vm.secret_inputs
    assert "serviceAccount" not in vm.inputs
    assert vm.ignore_changes == ["bootDisk.initializeParams.image", *rules.CREATION_ONLY]
    assert sorted(vm.replace_on_changes) == sorted(f'metadata["{k}"]' for k in rules.REPLACE_ON_METADATA)
    assert (vm.delete_before_replace, vm.replacement_trigger, vm.replace_with) == (True, "ubuntu-24.04", [])
    assert run.roles == {"instance": "vm-vm"}


def test_the_instance_of_a_windows_vm_waits_for_and_is_replaced_with_its_password_version():
    run = run_step(
        spec_of("gcp", image="windows-2022", admin_password=PASSWORD),
        lambda build: _instance(build, gcp.password_store(build)),
    )
    vm, version = run.registered("vm-vm"), run.registered("vm-admin-password-version")
    assert vm.replace_with == [version.urn]
    assert {version.urn, run.registered("vm-admin-password-reader").urn} <= set(vm.dependencies)
    assert vm.inputs["serviceAccount"]["email"] == run.registered("vm-admin-reader").outputs["email"]
    assert "sysprep-specialize-script-ps1" in vm.inputs["metadata"]


@pytest.mark.parametrize(
    ("image", "shielded"),
    [
        ("ubuntu-24.04", {"enable_secure_boot": True, "enable_vtpm": True, "enable_integrity_monitoring": True}),
        ("projects/my-images/global/images/golden-1", None),
    ],
)
def test_boot_disk_and_shielded_config(image, shielded):
    spec = spec_of("gcp", ssh_public_key=KEY, image=image, disk_size_gib=40)
    assert gcp.boot_disk(spec, LABELS) == {
        "auto_delete": True,
        "initialize_params": {"image": gcp.image_path(spec), "size": 40, "type": spec.os_disk_sent, "labels": LABELS},
    }
    assert gcp.shielded_instance_config(spec) == shielded


def test_the_outputs_read_the_interfaces_addresses():
    def step(build):
        outputs = gcp.outputs(build, _instance(build))
        pulumi.export("out", {"private_ip": outputs.private_ip, "public_ip": outputs.public_ip, "zone": outputs.zone})

    run = run_step(spec_of("gcp", ssh_public_key=KEY, public_ip=True, zone="us-central1-b"), step)
    assert run.evaluation.outputs["out"]["private_ip"].startswith("10.42.1.")
    assert run.evaluation.outputs["out"]["zone"] == "us-central1-b"
    private = run_step(spec_of("gcp", ssh_public_key=KEY), lambda build: gcp.outputs(build, _instance(build)))
    assert private.result.public_ip is None and private.result.resources == {
        "instance": private.result.resources["instance"]
    }
