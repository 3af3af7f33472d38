"""What a real cloud rejects never reaches it; what it cannot update becomes a replacement.

One test per case found in the review (issue 11), each through the public API (what an edit does
to a deployed VM is tested in ``test_lifecycle.py``). The rules live in ``components/cloud_rules``."""

from __future__ import annotations

import pytest

from components import SpecError, catalog
from components.cloud_rules import gcp as gcp_rules
from components.spec import CloudDefaults, validate
from tests.support.common import public_key, run_vms

ED25519 = public_key("ed25519")
RSA = public_key("rsa2048")
PASSWORD = "Correct-Horse-Battery-9"
AZURE_VM = "azure-native:compute:VirtualMachine"
GCP_VM = "gcp:compute/instance:Instance"
AWS_VM = "aws:ec2/instance:Instance"
DEFAULT_REGIONS = {"aws": "us-east-1", "azure": "eastus", "gcp": "us-central1"}


def spec(cloud, region, **args):
    return validate("vm", {"cloud": cloud, **args}, CloudDefaults(region=region, project="test-project"))


def only(evaluation, type_token):
    (resource,) = evaluation.of_type(type_token)
    return resource


# --- inputs a cloud rejects ---------------------------------------------------------------------


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
@pytest.mark.parametrize("source", ["::/0", "2001:db8::/32"])
def test_ipv6_sources_are_refused_on_every_cloud_saying_why(cloud, source):
    """Issue 19: nothing the component builds carries IPv6 (no IPv6 range on any network, no IPv6 address
    on the VM), so an IPv6 rule would admit nothing; it was created anyway (AWS ipv6CidrBlocks, Azure
    -v6 NSG rules, GCP -v6 firewalls, and an AWS icmp rule with IPv6 sources meaning ICMPv4)."""
    args = {"ssh_public_key": ED25519, "ingress": [{"protocol": "icmp", "sources": ["10.0.0.0/8", source]}]}
    with pytest.raises(SpecError) as error:
        spec(cloud, DEFAULT_REGIONS[cloud], **args)
    assert (error.value.field, error.value.value) == ("ingress[0].sources", source)
    message = str(error.value)
    assert "carries IPv6" in message and "no IPv6 address" in message and "subnet_id" in message
    assert "load balancer" in message  # what to do instead


def test_azure_takes_400_ingress_rules_below_the_isolation_rules_and_not_401():
    from components.clouds.azure import security_rules

    def ingress(count):
        return [{"port": 1000 + i, "sources": ["10.0.0.0/8", "192.0.2.0/24"]} for i in range(count)]

    most = spec("azure", "eastus", ssh_public_key=ED25519, ingress=ingress(400))
    nsg = security_rules(most.ingress)
    assert len(nsg) == 402 and max(r["priority"] for r in nsg[:-2]) == 4090  # priorities run 100-4096
    assert [r["priority"] for r in nsg[-2:]] == [4095, 4096]
    assert len({r["priority"] for r in nsg}) == 402
    with pytest.raises(SpecError) as error:
        spec("azure", "eastus", ssh_public_key=ED25519, ingress=ingress(401))
    assert (error.value.field, error.value.value) == ("ingress", "[401 rules]")
    assert "at most 400 rules" in str(error.value)


def test_azure_spot_never_picks_the_b_series_and_refuses_it_named():
    picked = spec("azure", "eastus", ssh_public_key=ED25519, spot=True, cpus=1, memory_gib=1)
    assert not picked.instance_type.startswith("Standard_B")  # was Standard_B2ats_v2
    assert picked.offering.facts["spot"] is True
    with pytest.raises(SpecError) as error:
        spec("azure", "eastus", ssh_public_key=ED25519, spot=True, instance_type="Standard_B2ats_v2")
    assert error.value.field == "spot" and "B-series" in str(error.value)


def test_azure_gen1_only_sizes_get_the_gen1_image_and_refuse_a_gen2_one():
    gen1 = spec("azure", "eastus", ssh_public_key=ED25519, instance_type="Standard_A2_v2")
    assert gen1.offering.facts["generations"] == ["V1"]
    assert gen1.image.native.sku == "server-gen1" and gen1.image.native.generation == "V1"
    evaluation, _ = run_vms({"old": {"cloud": "azure", "ssh_public_key": ED25519, "instance_type": "Standard_A2_v2"}})
    assert only(evaluation, AZURE_VM).inputs["storageProfile"]["imageReference"]["sku"] == "server-gen1"
    for alias, sku in (("ubuntu-22.04", "22_04-lts"), ("debian-12", "12"), ("rhel-9", "9-lvm")):
        assert (
            spec(
                "azure", "eastus", ssh_public_key=ED25519, instance_type="Standard_A2_v2", image=alias
            ).image.native.sku
            == sku
        )
    with pytest.raises(SpecError) as error:
        spec(
            "azure",
            "eastus",
            ssh_public_key=ED25519,
            instance_type="Standard_A2_v2",
            image="Canonical:ubuntu-24_04-lts:server-gen2:latest",
        )
    assert error.value.field == "image" and "boots only V1" in str(error.value)
    # Gen2 sizes keep the Gen2 image.
    assert (
        spec("azure", "eastus", ssh_public_key=ED25519, instance_type="Standard_D2as_v5").image.native.sku == "server"
    )


def test_azure_data_disks_beyond_the_sizes_maximum():
    with pytest.raises(SpecError) as error:
        spec(
            "azure",
            "eastus",
            ssh_public_key=ED25519,
            instance_type="Standard_B2als_v2",
            data_disks=[{"size_gib": 10}] * 8,
        )
    assert error.value.field == "data_disks" and "at most 4 data disks" in str(error.value)
    # Without a named size, the search picks one that takes them all.
    picked = spec("azure", "eastus", ssh_public_key=ED25519, data_disks=[{"size_gib": 10}] * 8)
    assert picked.offering.facts["max_data_disks"] >= 8


def test_gcp_standard_disk_is_never_sent_to_a_family_that_refuses_pd_standard():
    picked = spec("gcp", "us-central1", spot=True, cpus=4, memory_gib=16, disk_type="standard")
    family = gcp_rules.family_of(picked.instance_type)
    assert "pd-standard" in family.boot  # was c3d-standard-4, which takes no pd-standard
    evaluation, _ = run_vms({"w": {"cloud": "gcp", "spot": True, "cpus": 4, "memory_gib": 16, "disk_type": "standard"}})
    boot = only(evaluation, GCP_VM).inputs["bootDisk"]["initializeParams"]
    assert boot["type"] == "pd-standard"
    for name in ("c3d-standard-4", "c3-standard-4", "g2-standard-4", "n4-standard-4"):
        with pytest.raises(SpecError) as error:
            spec("gcp", "us-central1", instance_type=name, disk_type="standard")
        assert error.value.field == "disk_type", name
        with pytest.raises(SpecError) as error:
            spec("gcp", "us-central1", instance_type=name, data_disks=[{"size_gib": 10, "disk_type": "standard"}])
        assert error.value.field == "data_disks[0].disk_type", name
    # ssd on Hyperdisk-only families is Hyperdisk Balanced; elsewhere pd-balanced.
    assert gcp_rules.disk_type("ssd", "n4-standard-4") == "hyperdisk-balanced"
    assert gcp_rules.disk_type("ssd", "c3d-standard-4") == "pd-balanced"


def test_gcp_short_subnetwork_path_is_looked_up_by_self_link_and_must_be_in_the_vms_region():
    short = "projects/shared-vpc/regions/us-central1/subnetworks/apps"
    evaluation, _ = run_vms({"web": {"cloud": "gcp", "subnet_id": short}})
    (lookup,) = [i for i in evaluation.invokes if i.token == "gcp:compute/getSubnetwork:getSubnetwork"]
    assert lookup.args["selfLink"] == "https://www.googleapis.com/compute/v1/" + short
    with pytest.raises(SpecError) as error:
        spec("gcp", "europe-west1", subnet_id=short)
    assert error.value.field == "subnet_id" and "europe-west1, not us-central1" in str(error.value)


def test_gcp_rhel9_arm64_boots_without_secure_boot():
    evaluation, _ = run_vms({"arm": {"cloud": "gcp", "region": "us-central1", "arch": "arm64", "image": "rhel-9"}})
    shielded = only(evaluation, GCP_VM).inputs["shieldedInstanceConfig"]
    assert shielded == {"enableSecureBoot": False, "enableVtpm": True, "enableIntegrityMonitoring": True}
    x86 = run_vms({"x": {"cloud": "gcp", "image": "rhel-9"}})[0]
    assert only(x86, GCP_VM).inputs["shieldedInstanceConfig"]["enableSecureBoot"] is True
    for alias in ("ubuntu-24.04", "debian-12"):
        assert spec("gcp", "us-central1", arch="arm64", image=alias).image.secure_boot is True


def test_aws_windows_takes_only_rsa_keys():
    with pytest.raises(SpecError) as error:
        spec("aws", "us-east-1", image="windows-2022", admin_password=PASSWORD, ssh_public_key=ED25519)
    assert error.value.field == "ssh_public_key" and "only RSA" in str(error.value)
    assert spec("aws", "us-east-1", image="windows-2022", admin_password=PASSWORD, ssh_public_key=RSA)


def test_gcp_images_without_cloud_init_run_shell_scripts_as_startup_scripts():
    script = "#!/bin/bash\necho hi\n"
    for image in ("debian-12", "rhel-9"):
        evaluation, _ = run_vms({"d": {"cloud": "gcp", "image": image, "user_data": script}})
        metadata = only(evaluation, GCP_VM).inputs["metadata"]
        assert metadata["startup-script"] == script and "user-data" not in metadata
        with pytest.raises(SpecError) as error:
            spec("gcp", "us-central1", image=image, user_data="#cloud-config\nruncmd: [ls]\n")
        assert error.value.field == "user_data" and "no cloud-init" in str(error.value)
    ubuntu, _ = run_vms({"u": {"cloud": "gcp", "user_data": "#cloud-config\nruncmd: [ls]\n"}})
    assert "user-data" in only(ubuntu, GCP_VM).inputs["metadata"]


def test_azure_windows_user_data_is_run_by_the_custom_script_extension():
    evaluation, _ = run_vms(
        {"win": {"cloud": "azure", "image": "windows-2022", "admin_password": PASSWORD, "user_data": "Write-Host hi"}}
    )
    vm = only(evaluation, AZURE_VM)
    assert vm.inputs["osProfile"]["customData"]  # the script, where Windows stores custom data
    extension = only(evaluation, "azure-native:compute:VirtualMachineExtension")
    assert extension.inputs["type"] == "CustomScriptExtension" and extension.inputs["publisher"] == "Microsoft.Compute"
    assert "AzureData\\CustomData.bin" in extension.inputs["protectedSettings"]["commandToExecute"]
    assert extension.inputs["vmName"] == vm.inputs["vmName"] == "win"
    assert extension.inputs["resourceGroupName"] == vm.inputs["resourceGroupName"]
    # The VM's name as its output: replacing the VM replaces the extension, so the new VM runs it too.
    assert extension.property_dependencies["vmName"] == [vm.urn]
    linux, _ = run_vms({"lin": {"cloud": "azure", "ssh_public_key": ED25519, "user_data": "#!/bin/sh\n"}})
    assert not linux.of_type("azure-native:compute:VirtualMachineExtension")  # cloud-init runs it


def test_azure_custom_data_limit_is_65535_bytes_decoded():
    assert spec("azure", "eastus", ssh_public_key=ED25519, user_data="x" * 65535)  # was refused over 49,151
    with pytest.raises(SpecError, match="user_data"):
        spec("azure", "eastus", ssh_public_key=ED25519, user_data="x" * 65536)


def test_aws_user_data_is_checked_as_sent_with_the_parts_the_component_adds():
    # 16,300 bytes of the user's own fit; with the admin user's cloud-config and MIME framing they do not.
    user_data = "#!/bin/sh\n" + "x" * 16290
    assert spec("aws", "us-east-1", ssh_public_key=ED25519, user_data=user_data)
    with pytest.raises(SpecError) as error:
        spec("aws", "us-east-1", ssh_public_key=ED25519, admin_username="deploy", user_data=user_data)
    assert error.value.field == "user_data" and "as sent" in str(error.value)


@pytest.mark.parametrize(
    ("cloud", "region", "args", "field", "expected"),
    [
        ("aws", "us-east-1", {"spot": True, "instance_type": "t2.nano"}, "spot", "cannot run as spot"),
        (
            "aws",
            "us-east-1",
            {"ingress": [{"port": 443, "sources": [f"10.{i}.0.0/16" for i in range(61)]}]},
            "ingress",
            "60 inbound IPv4",
        ),
        (
            "aws",
            "us-east-1",
            {"ingress": [{"port": 22, "sources": ["10.0.0.0/8"], "description": "SSH <office>"}]},
            "ingress[0].description",
            "rule descriptions",
        ),
        ("aws", "us-east-1", {"tags": {f"k{i}": "v" for i in range(50)}}, "tags", "at most 50 tags"),
        ("aws", "us-east-1", {"tags": {"k" * 128: "v"}}, "tags." + "k" * 128, "1-127"),
        (
            "azure",
            "eastus",
            {"ssh_public_key": ED25519, "ingress": [{"port": 22, "sources": ["10.0.0.0/8"], "description": "d" * 141}]},
            "ingress[0].description",
            "140 characters",
        ),
        (
            "azure",
            "eastus",
            {"ssh_public_key": ED25519, "instance_type": "Standard_A2_v2", "disk_size_gib": 3000},
            "disk_size_gib",
            "Generation 1",
        ),
        (
            "gcp",
            "us-central1",
            {"instance_type": "e2-micro", "data_disks": [{"size_gib": 10}] * 16},
            "data_disks",
            "at most 15 data disks",
        ),
        (
            "gcp",
            "us-central1",
            {"instance_type": "n4-standard-4", "data_disks": [{"size_gib": 10}] * 16},
            "data_disks",
            "at most 15 data disks",
        ),
        ("gcp", "us-central1", {"tags": {f"k{i}": "v" for i in range(65)}}, "tags", "at most 64 labels"),
    ],
)
def test_more_inputs_a_cloud_rejects(cloud, region, args, field, expected):
    with pytest.raises(SpecError) as error:
        spec(cloud, region, **args)
    assert error.value.field == field and expected in str(error.value), str(error.value)
    assert error.value.vm == "vm"


def test_windows_computer_names_cannot_be_digits_only():
    with pytest.raises(SpecError) as error:
        validate(
            "12345",
            {"cloud": "azure", "image": "windows-2022", "admin_password": PASSWORD},
            CloudDefaults(region="eastus"),
        )
    assert error.value.field == "name"


# --- what a change does: the VM resource's options ------------------------------------------------


def test_the_image_alias_drives_replacement_not_the_resolved_image():
    for cloud, type_token in (("aws", AWS_VM), ("azure", AZURE_VM), ("gcp", GCP_VM)):
        args = {"cloud": cloud, "ssh_public_key": ED25519}
        ubuntu, _ = run_vms({"vm": args})
        debian, _ = run_vms({"vm": {**args, "image": "debian-12"}})
        before, after = only(ubuntu, type_token), only(debian, type_token)
        assert before.replacement_trigger == "ubuntu-24.04" and after.replacement_trigger == "debian-12"
        assert before.ignore_changes  # a newer image behind the same alias replaces nothing
    native, _ = run_vms({"vm": {"cloud": "aws", "image": "ami-0123456789abcdef0", "ssh_public_key": ED25519}})
    assert only(native, AWS_VM).replacement_trigger == "ami-0123456789abcdef0"
    gen1, _ = run_vms({"vm": {"cloud": "azure", "instance_type": "Standard_A2_v2", "ssh_public_key": ED25519}})
    assert only(gen1, AZURE_VM).replacement_trigger == "ubuntu-24.04 (V1)"


def test_azure_properties_azure_refuses_to_change_replace_the_vm():
    evaluation, _ = run_vms({"vm": {"cloud": "azure", "ssh_public_key": ED25519, "public_ip": True, "zone": "2"}})
    vm = only(evaluation, AZURE_VM)
    for path in (
        "osProfile.customData",
        "osProfile.linuxConfiguration.ssh.publicKeys",
        "priority",
        "zones",
        "osProfile.adminUsername",
        "osProfile.computerName",
        "storageProfile.osDisk.managedDisk.storageAccountType",
    ):
        assert path in vm.replace_on_changes, path
    assert vm.delete_before_replace  # its name is fixed: the old VM must go first
    assert only(evaluation, "azure-native:network:PublicIPAddress").replace_on_changes == ["zones"]
    # Every path names a real input of the VM (camelCase, as the engine compares them).
    inputs = vm.inputs
    assert "osProfile" in inputs and "storageProfile" in inputs and "zones" in inputs


def test_aws_spot_instances_are_replaced_to_change_type_and_data_volumes_move_by_their_attachments():
    spot, _ = run_vms({"s": {"cloud": "aws", "spot": True, "data_disks": [{"size_gib": 10}]}})
    instance = only(spot, AWS_VM)
    assert instance.replace_on_changes == ["instanceType"]
    # The new instance is created first; the attachment is deleted before its replacement, which frees
    # the volume for the new instance (VolumeInUse otherwise: pulumi/pulumi-aws#2769).
    assert not instance.delete_before_replace
    attachment = only(spot, "aws:ec2/volumeAttachment:VolumeAttachment")
    assert attachment.delete_before_replace
    assert attachment.inputs["stopInstanceBeforeDetaching"] is False  # one-time spot instances cannot stop
    assert "forceDetach" not in attachment.inputs
    assert instance.inputs["userDataReplaceOnChange"] is True
    on_demand, _ = run_vms({"o": {"cloud": "aws", "data_disks": [{"size_gib": 10}]}})
    plain = only(on_demand, AWS_VM)
    assert plain.replace_on_changes == [] and not plain.delete_before_replace
    assert only(on_demand, "aws:ec2/volumeAttachment:VolumeAttachment").inputs["stopInstanceBeforeDetaching"] is True


def test_gcp_user_data_changes_replace_the_vm():
    evaluation, _ = run_vms({"vm": {"cloud": "gcp", "user_data": "#!/bin/sh\n"}})
    vm = only(evaluation, GCP_VM)
    assert 'metadata["user-data"]' in vm.replace_on_changes
    assert 'metadata["startup-script"]' in vm.replace_on_changes
    assert 'metadata["ssh-keys"]' not in vm.replace_on_changes  # the guest agent applies keys live


def test_catalog_size_facts_come_from_their_sources():
    aws = catalog.load("aws")
    assert aws.facts("t2.nano")["spot"] is False and aws.facts("m5.large")["spot"] is True
    assert aws.facts("m7g.large")["boot_modes"] == ["uefi"]
    azure = catalog.load("azure")
    assert azure.facts("Standard_B2als_v2")["max_data_disks"] == 4
    assert azure.facts("Standard_A2_v2")["generations"] == ["V1"]
    assert all(azure.facts(s).get("spot") is False for s in azure.instance_types if s.startswith("Standard_B"))
