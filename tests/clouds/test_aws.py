"""What an EC2 VM really gets: the registered resources' inputs and the invokes, under mocks."""

from __future__ import annotations

import base64
import re

import pytest

from components.clouds.aws import security_group_ingress
from components.images import IMAGE_ALIASES
from components.spec import CloudDefaults, validate
from components.user_data import combine_user_data, linux_user_data
from tests.support.common import run_vms

INSTANCE = "aws:ec2/instance:Instance"


def only(evaluation, type_token):
    (resource,) = evaluation.of_type(type_token)
    return resource


def test_secure_defaults(ssh_key, preview):
    evaluation, vms = run_vms({"web": {"cloud": "aws", "ssh_public_key": ssh_key}}, preview=preview)
    instance = only(evaluation, INSTANCE).inputs
    assert instance["metadataOptions"] == {
        "httpEndpoint": "enabled",
        "httpTokens": "required",
        "httpPutResponseHopLimit": 1,
    }
    assert instance["rootBlockDevice"] == {
        "volumeSize": 30,
        "volumeType": "gp3",
        "encrypted": True,
        "deleteOnTermination": True,
        "tags": {"Name": "web"},
    }
    assert "volumeTags" not in instance  # it would fight the data volumes' own tags
    assert instance["associatePublicIpAddress"] is False
    assert instance["instanceType"] == vms["web"].spec.instance_type == "t3a.medium"
    assert instance["region"] == "us-east-1"
    assert instance["tags"] == {"Name": "web"}
    assert "instanceMarketOptions" not in instance
    # Burstable types bill overage in the default "unlimited" mode; the component pins "standard".
    assert instance["creditSpecification"] == {"cpuCredits": "standard"}
    group = only(evaluation, "aws:ec2/securityGroup:SecurityGroup").inputs
    assert group.get("ingress", []) == []
    key = only(evaluation, "aws:ec2/keyPair:KeyPair").inputs
    assert key["publicKey"] == ssh_key


def test_dedicated_network_without_subnet_id_and_internet_route_only_with_public_ip(ssh_key):
    private, _ = run_vms({"web": {"cloud": "aws", "ssh_public_key": ssh_key, "zone": "use1-az2"}})
    types = {r.type for r in private.resources}
    assert {"aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet"} <= types
    assert not types & {"aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable"}
    subnet = only(private, "aws:ec2/subnet:Subnet").inputs
    # Placed by AZ ID (the same zone in every account); the instance follows its subnet.
    assert subnet["availabilityZoneId"] == "use1-az2" and "availabilityZone" not in subnet
    assert subnet["mapPublicIpOnLaunch"] is False
    assert only(private, INSTANCE).inputs["subnetId"] == "web-subnet-id"
    assert "availabilityZone" not in only(private, INSTANCE).inputs

    public, _ = run_vms({"web": {"cloud": "aws", "ssh_public_key": ssh_key, "public_ip": True}})
    route_table = only(public, "aws:ec2/routeTable:RouteTable").inputs
    assert route_table["routes"] == [{"cidrBlock": "0.0.0.0/0", "gatewayId": "web-igw-id"}]
    association = only(public, "aws:ec2/routeTableAssociation:RouteTableAssociation").inputs
    assert association == {"subnetId": "web-subnet-id", "routeTableId": "web-rt-id", "region": "us-east-1"}
    assert only(public, INSTANCE).inputs["associatePublicIpAddress"] is True


def test_existing_subnet_is_used_and_its_vpc_looked_up(ssh_key):
    evaluation, _ = run_vms(
        {"web": {"cloud": "aws", "ssh_public_key": ssh_key, "subnet_id": "subnet-0123456789abcdef0"}}
    )
    assert not evaluation.of_type("aws:ec2/vpc:Vpc") and not evaluation.of_type("aws:ec2/subnet:Subnet")
    assert only(evaluation, INSTANCE).inputs["subnetId"] == "subnet-0123456789abcdef0"
    (lookup,) = [i for i in evaluation.invokes if i.token == "aws:ec2/getSubnet:getSubnet"]
    assert lookup.args["id"] == "subnet-0123456789abcdef0"


def test_security_group_has_exactly_the_requested_ingress(ssh_key):
    ingress = [
        {"port": 22, "sources": ["203.0.113.0/24"], "description": "office"},
        {"from_port": 60000, "to_port": 61000, "protocol": "udp", "sources": ["0.0.0.0/0"]},
        {"protocol": "icmp", "sources": ["10.0.0.0/8"]},
    ]
    evaluation, _ = run_vms({"web": {"cloud": "aws", "ssh_public_key": ssh_key, "ingress": ingress}})
    group = only(evaluation, "aws:ec2/securityGroup:SecurityGroup").inputs
    assert group["ingress"] == [
        {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["203.0.113.0/24"], "description": "office"},
        {
            "protocol": "udp",
            "fromPort": 60000,
            "toPort": 61000,
            "cidrBlocks": ["0.0.0.0/0"],
            "description": "udp 60000-61000",
        },
        {"protocol": "icmp", "fromPort": -1, "toPort": -1, "cidrBlocks": ["10.0.0.0/8"], "description": "icmp *"},
    ]
    assert group["vpcId"] == "web-vpc-id"
    assert only(evaluation, INSTANCE).inputs["vpcSecurityGroupIds"] == ["web-sg-id"]


def test_spot_disks_and_data_volumes(ssh_key):
    evaluation, _ = run_vms(
        {
            "db": {
                "cloud": "aws",
                "ssh_public_key": ssh_key,
                "spot": True,
                "disk_size_gib": 80,
                "disk_type": "standard",
                "data_disks": [{"size_gib": 500}, {"size_gib": 100, "disk_type": "standard"}],
            }
        }
    )
    instance = only(evaluation, INSTANCE).inputs
    assert instance["instanceMarketOptions"] == {
        "marketType": "spot",
        "spotOptions": {"spotInstanceType": "one-time", "instanceInterruptionBehavior": "terminate"},
    }
    assert instance["rootBlockDevice"]["volumeSize"] == 80 and instance["rootBlockDevice"]["volumeType"] == "standard"
    volumes = sorted((r.inputs for r in evaluation.of_type("aws:ebs/volume:Volume")), key=lambda v: v["size"])
    assert [(v["size"], v["type"], v["encrypted"]) for v in volumes] == [(100, "standard", True), (500, "gp3", True)]
    attachments = evaluation.of_type("aws:ec2/volumeAttachment:VolumeAttachment")
    assert sorted(a.inputs["deviceName"] for a in attachments) == ["/dev/sdf", "/dev/sdg"]
    assert {a.inputs["instanceId"] for a in attachments} == {"db-vm-id"}


@pytest.mark.parametrize(
    ("alias", "arch"),
    [(alias, arch) for alias, entry in IMAGE_ALIASES.items() for arch in entry.aws],
)
def test_image_alias_becomes_a_get_ami_invoke_with_the_vendor_owner_and_pattern(alias, arch):
    args = {"cloud": "aws", "image": alias, "arch": arch, "region": "eu-west-1"}
    if alias.startswith("windows"):
        args["admin_password"] = "Tr0ub4dor&3-horse"
    evaluation, vms = run_vms({"vm": args})
    (invoke,) = [i for i in evaluation.invokes if i.token == "aws:ec2/getAmi:getAmi"]
    expected = IMAGE_ALIASES[alias].aws[arch]
    assert invoke.args["owners"] == [expected.owner]
    assert invoke.args["mostRecent"] is True
    assert invoke.args["region"] == "eu-west-1"
    filters = {f["name"]: f["values"] for f in invoke.args["filters"]}
    assert filters["name"] == [expected.name_pattern]
    assert filters["architecture"] == [arch]
    assert only(evaluation, INSTANCE).inputs["ami"] == evaluation.outputs["vm"]["image"]
    assert vms["vm"].spec.offering.arch == arch


def test_vendor_owner_ids():
    owners = {alias: {e.owner for e in entry.aws.values()} for alias, entry in IMAGE_ALIASES.items()}
    assert owners == {
        "ubuntu-24.04": {"099720109477"},
        "ubuntu-22.04": {"099720109477"},
        "debian-12": {"136693071363"},
        "rhel-9": {"309956199498"},
        "windows-2022": {"801119661308"},
    }


def test_native_ami_is_used_as_is_without_a_lookup(ssh_key):
    evaluation, _ = run_vms({"vm": {"cloud": "aws", "image": "ami-0123456789abcdef0", "ssh_public_key": ssh_key}})
    assert not [i for i in evaluation.invokes if i.token == "aws:ec2/getAmi:getAmi"]
    assert only(evaluation, INSTANCE).inputs["ami"] == "ami-0123456789abcdef0"


def test_windows_gets_its_admin_user_through_ec2launch_user_data():
    """The admin script reads the password from SSM with the VM's own instance profile; the user's
    script follows, decoded at run time (issue 19: the password is never in user data)."""
    evaluation, _ = run_vms(
        {
            "win": {
                "cloud": "aws",
                "image": "windows-2022",
                "admin_password": "Tr0ub4dor&3-horse",
                "user_data": "Write-Host hi",
                "public_ip": True,
            }
        }
    )
    instance = only(evaluation, INSTANCE)
    user_data = instance.inputs["userData"]
    assert user_data.startswith("<powershell>") and user_data.endswith("</powershell>\n<persist>false</persist>")
    assert "Get-SSMParameter @parameter" in user_data and "New-LocalUser -Name $user" in user_data
    decoded = " ".join(
        base64.b64decode(chunk).decode() for chunk in re.findall(r"FromBase64String\('([^']*)'\)", user_data)
    )
    assert "vmadmin" in decoded and "Write-Host hi" in decoded and "/multicloud-vm/" in decoded
    assert "Tr0ub4dor&3-horse" not in user_data + decoded
    profile = only(evaluation, "aws:iam/instanceProfile:InstanceProfile")
    assert instance.inputs["iamInstanceProfile"] == profile.outputs["name"]


def test_linux_admin_username_other_than_the_images_login_user_is_created_by_cloud_init(ssh_key):
    spec = validate(
        "vm", {"cloud": "aws", "admin_username": "deploy", "ssh_public_key": ssh_key}, CloudDefaults(region="us-east-1")
    )

    def sent(spec, user_data):
        return linux_user_data(spec.admin_username, spec.image.login_user, spec.ssh_public_key, user_data)

    text = sent(spec, None)
    assert text.startswith("#cloud-config") and "name: deploy" in text and ssh_key in text
    combined = sent(spec, "#!/bin/sh\necho hi\n")
    assert "multipart/mixed" in combined and "text/x-shellscript" in combined and "text/cloud-config" in combined
    default_user = validate("vm", {"cloud": "aws", "ssh_public_key": ssh_key}, CloudDefaults(region="us-east-1"))
    assert sent(default_user, None) is None
    assert combine_user_data(["#cloud-config\n{}"]) == "#cloud-config\n{}"


def test_security_group_ingress_mapping():
    spec = validate(
        "vm",
        {"cloud": "aws", "ingress": [{"port": 443, "sources": ["198.51.100.0/24"]}]},
        CloudDefaults(region="us-east-1"),
    )
    assert security_group_ingress(spec.ingress[0]) == {
        "protocol": "tcp",
        "from_port": 443,
        "to_port": 443,
        "cidr_blocks": ["198.51.100.0/24"],
        "description": "tcp 443",
    }
