"""What a Compute Engine VM really gets: the registered resources' inputs and invokes, under mocks."""

from __future__ import annotations

import base64
import re

import pytest

from components.cloud_rules.gcp import sent_disk_type as disk_type
from components.clouds.gcp import firewall_rules, network_tag, scheduling
from components.images import IMAGE_ALIASES
from components.spec import CloudDefaults, validate
from tests.support.common import run_vms

INSTANCE = "gcp:compute/instance:Instance"
FIREWALL = "gcp:compute/firewall:Firewall"


def only(evaluation, type_token):
    (resource,) = evaluation.of_type(type_token)
    return resource


def test_instance_defaults(ssh_key, preview):
    evaluation, vms = run_vms({"web": {"cloud": "gcp", "ssh_public_key": ssh_key}}, preview=preview)
    instance = only(evaluation, INSTANCE).inputs
    assert instance["name"] == "web"
    assert instance["machineType"] == vms["web"].spec.instance_type
    assert instance["zone"] == "us-central1-a" and instance["project"] == "test-project"
    assert instance["bootDisk"]["initializeParams"] == {
        "image": "projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64",
        "size": 30,
        "type": "pd-balanced",
        "labels": {},
    }
    assert instance["shieldedInstanceConfig"] == {
        "enableSecureBoot": True,
        "enableVtpm": True,
        "enableIntegrityMonitoring": True,
    }
    assert instance["metadata"]["ssh-keys"] == f"vmadmin:{ssh_key}"
    assert instance["metadata"]["block-project-ssh-keys"] == "TRUE"
    assert instance["tags"] == ["web-vm"]
    assert instance["scheduling"] == {
        "provisioningModel": "STANDARD",
        "automaticRestart": True,
        "onHostMaintenance": "MIGRATE",
    }
    assert "serviceAccount" not in instance  # no default service account with broad scopes
    if not preview:
        assert instance["networkInterfaces"] == [{"subnetwork": "web-subnet-id"}]  # no external IP


def test_network_subnetwork_and_firewalls_scoped_to_this_vm(ssh_key):
    evaluation, _ = run_vms(
        {
            "web": {
                "cloud": "gcp",
                "region": "us-east1",
                "ssh_public_key": ssh_key,
                "public_ip": True,
                "ingress": [
                    {"port": 22, "sources": ["203.0.113.0/24", "198.51.100.0/24"]},
                    {"protocol": "icmp", "sources": ["10.0.0.0/8"]},
                ],
            }
        }
    )
    network = only(evaluation, "gcp:compute/network:Network").inputs
    assert network["autoCreateSubnetworks"] is False
    subnet = only(evaluation, "gcp:compute/subnetwork:Subnetwork").inputs
    assert (subnet["region"], subnet["ipCidrRange"], subnet["network"]) == ("us-east1", "10.42.1.0/24", "web-net-id")
    firewalls = {r.name: r.inputs for r in evaluation.of_type(FIREWALL)}
    assert set(firewalls) == {"web-fw-0", "web-fw-1"}
    for rule in firewalls.values():
        assert rule["targetTags"] == ["web-vm"] and rule["direction"] == "INGRESS" and rule["network"] == "web-net-id"
    assert firewalls["web-fw-0"]["sourceRanges"] == ["203.0.113.0/24", "198.51.100.0/24"]
    assert firewalls["web-fw-0"]["allows"] == [{"protocol": "tcp", "ports": ["22"]}]
    assert firewalls["web-fw-1"]["allows"] == [{"protocol": "icmp"}]
    instance = only(evaluation, INSTANCE).inputs
    assert instance["zone"] == "us-east1-b"
    assert instance["networkInterfaces"] == [
        {"subnetwork": "web-subnet-id", "accessConfigs": [{"networkTier": "PREMIUM"}]}
    ]
    assert instance["tags"] == firewalls["web-fw-0"]["targetTags"]


def test_existing_subnetwork_and_its_network_lookup(ssh_key):
    subnet = "projects/shared-vpc/regions/us-central1/subnetworks/apps"
    evaluation, _ = run_vms(
        {
            "web": {
                "cloud": "gcp",
                "ssh_public_key": ssh_key,
                "subnet_id": subnet,
                "ingress": [{"port": 443, "sources": ["10.0.0.0/8"]}],
            }
        }
    )
    assert not evaluation.of_type("gcp:compute/network:Network")
    (lookup,) = [i for i in evaluation.invokes if i.token == "gcp:compute/getSubnetwork:getSubnetwork"]
    # The data source needs a full self link ("value ... was not a self link" otherwise); the
    # instance takes the documented short form as given.
    assert lookup.args["selfLink"] == "https://www.googleapis.com/compute/v1/" + subnet
    assert only(evaluation, INSTANCE).inputs["networkInterfaces"][0]["subnetwork"] == subnet


def test_spot_user_data_labels_and_disks(ssh_key):
    evaluation, _ = run_vms(
        {
            "batch": {
                "cloud": "gcp",
                "ssh_public_key": ssh_key,
                "spot": True,
                "user_data": "#cloud-config\nruncmd: [echo hi]\n",
                "tags": {"Team": "Data Eng", "cost-center": "R&D"},
                "disk_type": "standard",
                "data_disks": [{"size_gib": 200}],
            }
        }
    )
    instance = only(evaluation, INSTANCE)
    assert instance.inputs["scheduling"] == {
        "provisioningModel": "SPOT",
        "preemptible": True,
        "automaticRestart": False,
        "onHostMaintenance": "TERMINATE",
        "instanceTerminationAction": "STOP",
    }
    assert instance.inputs["metadata"]["user-data"] == "#cloud-config\nruncmd: [echo hi]\n"
    assert "metadata" in instance.secret_inputs
    assert instance.inputs["labels"] == {"team": "data_eng", "cost-center": "r_d"}
    assert instance.inputs["bootDisk"]["initializeParams"]["type"] == "pd-standard"
    disk = only(evaluation, "gcp:compute/disk:Disk").inputs
    assert (disk["size"], disk["type"], disk["zone"]) == (200, "pd-balanced", "us-central1-a")
    assert instance.inputs["attachedDisks"] == [{"source": "batch-data-0-id", "deviceName": "data-0"}]


@pytest.mark.parametrize(
    ("alias", "arch"), [(alias, arch) for alias, entry in IMAGE_ALIASES.items() for arch in entry.gcp]
)
def test_image_alias_becomes_the_family_for_the_arch(alias, arch, ssh_key):
    args = {"cloud": "gcp", "image": alias, "arch": arch, "ssh_public_key": ssh_key}
    if alias.startswith("windows"):
        args["admin_password"] = "Tr0ub4dor&3-horse"
    evaluation, _ = run_vms({"vm": args})
    expected = IMAGE_ALIASES[alias].gcp[arch]
    instance = only(evaluation, INSTANCE).inputs
    assert (
        instance["bootDisk"]["initializeParams"]["image"]
        == f"projects/{expected.project}/global/images/family/{expected.family}"
    )
    assert (arch == "arm64") == instance["machineType"].startswith("t2a-")


def test_windows_admin_user_comes_from_a_secret_specialize_script():
    """The specialize script reads the password from Secret Manager with the VM's own service account
    (issue 19: the password is never in metadata)."""
    evaluation, _ = run_vms({"win": {"cloud": "gcp", "image": "windows-2022", "admin_password": "Tr0ub4dor&3-horse"}})
    instance = only(evaluation, INSTANCE)
    script = instance.inputs["metadata"]["sysprep-specialize-script-ps1"]
    assert "New-LocalUser -Name $user" in script and "secretmanager.googleapis.com" in script
    decoded = " ".join(
        base64.b64decode(chunk).decode() for chunk in re.findall(r"FromBase64String\('([^']*)'\)", script)
    )
    assert "vmadmin" in decoded and "versions/latest:access" in decoded
    assert "Tr0ub4dor&3-horse" not in str(instance.inputs) + decoded
    account = only(evaluation, "gcp:serviceaccount/account:Account")
    assert instance.inputs["serviceAccount"]["email"] == account.outputs["email"]


def test_shielded_vm_off_for_images_of_unknown_projects(ssh_key):
    evaluation, _ = run_vms(
        {"vm": {"cloud": "gcp", "image": "projects/my-images/global/images/golden-1", "ssh_public_key": ssh_key}}
    )
    assert "shieldedInstanceConfig" not in only(evaluation, INSTANCE).inputs


def test_gpu_types_cannot_live_migrate(ssh_key):
    spec = validate(
        "gpu",
        {"cloud": "gcp", "instance_type": "g2-standard-4", "region": "us-central1"},
        CloudDefaults(project="test-project"),
    )
    assert scheduling(spec)["on_host_maintenance"] == "TERMINATE"


@pytest.mark.parametrize("machine_type", ["c3-highmem-192-metal", "c4-highmem-288-metal", "c4d-standard-384-metal"])
def test_bare_metal_types_cannot_live_migrate(machine_type):
    """A bare metal instance terminates on host events; the component sent MIGRATE, which Compute Engine
    refuses, and the size search picks c3-highmem-192-metal for 192 vCPU / 1536 GiB in us-central1."""
    spec = validate(
        "metal",
        {"cloud": "gcp", "instance_type": machine_type, "region": "us-central1"},
        CloudDefaults(project="test-project"),
    )
    assert scheduling(spec)["on_host_maintenance"] == "TERMINATE"
    shaped = validate(
        "big",
        {"cloud": "gcp", "cpus": 192, "memory_gib": 1536, "region": "us-central1"},
        CloudDefaults(project="test-project"),
    )
    assert shaped.offering.instance_type.endswith("-metal")
    assert scheduling(shaped)["on_host_maintenance"] == "TERMINATE"
    regular = validate(
        "vm",
        {"cloud": "gcp", "instance_type": "c3-highmem-176", "region": "us-central1"},
        CloudDefaults(project="test-project"),
    )
    assert scheduling(regular)["on_host_maintenance"] == "MIGRATE"


def test_hyperdisk_only_families():
    assert disk_type("ssd", "c4-standard-2") == "hyperdisk-balanced"
    assert disk_type("ssd", "n2-standard-2") == "pd-balanced"
    assert disk_type("standard", "n2-standard-2") == "pd-standard"
    with pytest.raises(ValueError, match="c3d-standard-4 takes no standard disk"):
        disk_type("standard", "c3d-standard-4")  # validation refuses it first; nothing sends or prices it


def test_firewall_rules_mapping():
    spec = validate(
        "web",
        {"cloud": "gcp", "ingress": [{"from_port": 80, "to_port": 81, "protocol": "udp", "sources": ["0.0.0.0/0"]}]},
        CloudDefaults(region="us-central1", project="test-project"),
    )
    ((name, rule),) = firewall_rules("web", spec.ingress)
    assert name == "web-fw-0"
    assert rule["allows"] == [{"protocol": "udp", "ports": ["80-81"]}]
    assert rule["target_tags"] == [network_tag("web")]
