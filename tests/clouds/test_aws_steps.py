"""Each step of the AWS adapter's ``provision`` on its own: what it registers (inputs, options,
dependencies, roles) under the offline engine, and its pure mappings."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws_sdk
import pytest

from components.cloud_rules.aws import admin_password_parameter
from components.clouds import aws
from components.clouds.aws_windows import READ_PARAMETER, password_store
from components.clouds.base import NETWORK_CIDR, SUBNET_CIDR
from tests.support.common import public_key
from tests.support.step_harness import run_step, shared_network, spec_of

KEY = public_key("ed25519")
PASSWORD = "Correct-Horse-Battery-9"
TAGS = {"Name": "vm", "owner": "ops"}
SUBNET = aws.Subnet("subnet-1", "vpc-1")


def test_a_shared_networks_subnet_in_the_vms_zone_registers_nothing():
    def step(build):
        network = shared_network(
            network_ids={"us-east-1": "vpc-shared"}, subnet_ids={"use1-az2": "subnet-az2", "use1-az4": "subnet-az4"}
        )
        subnet = aws.subnet_for(build, network)
        pulumi.export("subnet", [subnet.id, subnet.vpc_id, subnet.zone_name])

    run = run_step(spec_of("aws", zone="use1-az4", ssh_public_key=KEY), step)
    assert run.evaluation.outputs["subnet"] == ["subnet-az4", "vpc-shared", None]
    assert run.names == set() and run.roles == {} and not run.evaluation.invokes


def test_an_existing_subnet_is_looked_up_for_its_vpc_and_zone():
    def step(build):
        subnet = aws.subnet_for(build, None)
        assert subnet.id == "subnet-0123456789abcdef0" and subnet.zone_name is not None

    run = run_step(spec_of("aws", subnet_id="subnet-0123456789abcdef0", ssh_public_key=KEY), step)
    assert run.names == set()
    [lookup] = run.evaluation.invokes
    assert (lookup.token, lookup.args) == (
        "aws:ec2/getSubnet:getSubnet",
        {"id": "subnet-0123456789abcdef0", "region": "us-east-1"},
    )


@pytest.mark.parametrize("public_ip", [False, True])
def test_a_dedicated_network_routes_to_the_internet_only_for_a_public_ip(public_ip):
    def step(build):
        subnet = aws.subnet_for(build, None)
        pulumi.export("subnet", [subnet.id, subnet.vpc_id])

    run = run_step(spec_of("aws", zone="use1-az2", public_ip=public_ip, ssh_public_key=KEY), step, tags=TAGS)
    assert run.evaluation.outputs["subnet"] == ["vm-subnet-id", "vm-vpc-id"]
    vpc, subnet = run.registered("vm-vpc").inputs, run.registered("vm-subnet").inputs
    assert (vpc["cidrBlock"], vpc["enableDnsHostnames"], vpc["tags"]) == (NETWORK_CIDR, True, TAGS)
    assert (subnet["cidrBlock"], subnet["vpcId"], subnet["availabilityZoneId"]) == (
        SUBNET_CIDR,
        "vm-vpc-id",
        "use1-az2",
    )
    assert subnet["mapPublicIpOnLaunch"] is False
    routed = {"internet_gateway": "vm-igw", "route_table": "vm-rt", "route_table_association": "vm-rta"}
    assert run.roles == {"vpc": "vm-vpc", "subnet": "vm-subnet", **(routed if public_ip else {})}
    if public_ip:
        assert run.registered("vm-rt").inputs["routes"] == [{"cidrBlock": "0.0.0.0/0", "gatewayId": "vm-igw-id"}]
        assert run.registered("vm-rta").inputs["subnetId"] == "vm-subnet-id"


def test_the_firewall_is_a_security_group_with_the_ingress_rules_and_any_egress():
    spec = spec_of(
        "aws",
        ssh_public_key=KEY,
        ingress=[
            {"port": 22, "sources": ["203.0.113.0/24"], "description": "office"},
            {"protocol": "icmp", "sources": ["10.0.0.0/8"]},
        ],
    )
    run = run_step(spec, lambda build: aws.firewall(build, SUBNET), tags=TAGS)
    group = run.registered("vm-sg")
    assert group.inputs == {
        "vpcId": "vpc-1",
        "description": "vm: managed by multicloud-vm",
        "ingress": [
            {
                "protocol": "tcp",
                "fromPort": 22,
                "toPort": 22,
                "description": "office",
                "cidrBlocks": ["203.0.113.0/24"],
            },
            {"protocol": "icmp", "fromPort": -1, "toPort": -1, "description": "icmp *", "cidrBlocks": ["10.0.0.0/8"]},
        ],
        "egress": [
            {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"], "ipv6CidrBlocks": ["::/0"]}
        ],
        "region": "us-east-1",
        "tags": TAGS,
    }
    assert run.roles == {"security_group": "vm-sg"}
    assert group.parent.endswith("VirtualMachine::vm") and not group.ignore_changes and not group.replace_on_changes


def test_a_key_pair_only_with_an_ssh_key():
    run = run_step(spec_of("aws", ssh_public_key=KEY), aws.key_pair, tags=TAGS)
    assert run.registered("vm-key").inputs == {"publicKey": KEY, "region": "us-east-1", "tags": TAGS}
    assert run.roles == {"key_pair": "vm-key"} and isinstance(run.result, pulumi.Output)
    windows = run_step(spec_of("aws", image="windows-2022", admin_password=PASSWORD), aws.key_pair)
    assert windows.result is None and windows.names == set()


@pytest.mark.parametrize("public_ip", [False, True])
def test_the_password_store_is_a_versioned_parameter_a_role_to_read_it_and_an_endpoint_if_needed(public_ip):
    spec = spec_of("aws", image="windows-2022", admin_password=PASSWORD, public_ip=public_ip)

    def step(build):
        group = aws.firewall(build, SUBNET)
        return password_store(build, "subnet-1", "vpc-1", group)

    run = run_step(spec, step, tags=TAGS)
    parameter = run.registered("vm-admin-password")
    assert parameter.inputs["name"] == admin_password_parameter(spec)
    assert (parameter.inputs["type"], parameter.inputs["valueWo"]) == ("SecureString", PASSWORD)
    assert {"valueWo", "valueWoVersion"} <= set(parameter.secret_inputs)
    assert (parameter.replace_on_changes, parameter.delete_before_replace) == (["valueWoVersion"], True)
    policy = json.loads(run.registered("vm-admin-policy").inputs["policy"])
    assert policy["Statement"] == [{**READ_PARAMETER, "Resource": parameter.outputs["arn"]}]
    assert run.registered("vm-admin-profile").inputs["role"] == run.registered("vm-admin-role").outputs["name"]
    admin = run.result
    assert [r._name for r in admin.depends_on] == ["vm-admin-password", "vm-admin-policy", "vm-admin-profile"]
    assert admin.password_store._name == "vm-admin-password"
    store = {"admin_password", "admin_role", "admin_role_policy", "instance_profile", "security_group"}
    if public_ip:  # the internet gateway reaches SSM
        assert set(run.roles) == store and "vm-ssm" not in run.names
        return
    assert set(run.roles) == store | {"ssm_endpoint", "ssm_endpoint_security_group"}
    endpoint, endpoint_group = run.registered("vm-ssm").inputs, run.registered("vm-ssm-sg").inputs
    assert (endpoint["vpcId"], endpoint["subnetIds"], endpoint["securityGroupIds"]) == (
        "vpc-1",
        ["subnet-1"],
        ["vm-ssm-sg-id"],
    )
    assert endpoint["privateDnsEnabled"] is False and endpoint["serviceName"] == "com.amazonaws.us-east-1.ssm"
    assert json.loads(endpoint["policy"])["Statement"][0]["Principal"] == {
        "AWS": run.registered("vm-admin-role").outputs["arn"]
    }
    assert endpoint_group["ingress"][0]["securityGroups"] == ["vm-sg-id"] and endpoint_group["egress"] == []


def test_an_alias_is_looked_up_once_per_run_and_region_a_native_ami_never():
    def twice(build):
        first, second = aws.ami(build.spec, build.parent), aws.ami(build.spec, build.parent)
        pulumi.export("ami", first)
        return first, second

    run = run_step(spec_of("aws", ssh_public_key=KEY), twice)
    assert [i.token for i in run.evaluation.invokes] == ["aws:ec2/getAmi:getAmi"]
    assert run.result[0] is run.result[1]
    assert run.evaluation.outputs["ami"].startswith("ami-")
    native = run_step(spec_of("aws", image="ami-0123456789abcdef0", ssh_public_key=KEY), twice)
    assert not native.evaluation.invokes and native.evaluation.outputs["ami"] == "ami-0123456789abcdef0"


def _instance(build, admin=None):
    group = aws.firewall(build, SUBNET)
    return aws.instance(build, SUBNET, group, aws.key_pair(build), admin, pulumi.Output.from_input("ami-1"))


def test_the_instance_of_a_spot_linux_vm():
    run = run_step(spec_of("aws", ssh_public_key=KEY, spot=True, user_data="#!/bin/sh\n"), _instance, tags=TAGS)
    vm = run.registered("vm-vm")
    assert (vm.inputs["ami"], vm.inputs["subnetId"], vm.inputs["vpcSecurityGroupIds"]) == (
        "ami-1",
        "subnet-1",
        ["vm-sg-id"],
    )
    assert vm.inputs["keyName"] == "vm-key-0000" and vm.inputs["metadataOptions"]["httpTokens"] == "required"
    assert vm.inputs["instanceMarketOptions"]["marketType"] == "spot" and vm.inputs["userDataReplaceOnChange"] is True
    assert "userData" in vm.secret_inputs and "iamInstanceProfile" not in vm.inputs
    assert (vm.ignore_changes, vm.replace_on_changes, vm.delete_before_replace) == (["ami"], ["instanceType"], False)
    assert (vm.replacement_trigger, vm.replace_with) == ("ubuntu-24.04", [])
    assert run.roles["instance"] == "vm-vm"


def test_the_instance_of_a_windows_vm_waits_for_and_is_replaced_with_its_password_store():
    def step(build):
        admin = password_store(build, "subnet-1", "vpc-1", aws.firewall(build, SUBNET))
        return _instance(build, admin)

    run = run_step(spec_of("aws", image="windows-2022", admin_password=PASSWORD, public_ip=True), step)
    vm, parameter = run.registered("vm-vm"), run.registered("vm-admin-password")
    assert vm.replace_with == [parameter.urn] and vm.inputs["userDataReplaceOnChange"] is False
    assert {parameter.urn, run.registered("vm-admin-policy").urn, run.registered("vm-admin-profile").urn} <= set(
        vm.dependencies
    )
    assert vm.inputs["iamInstanceProfile"] == run.registered("vm-admin-profile").outputs["name"]
    assert PASSWORD not in json.dumps(vm.inputs)


def test_root_volume_and_market_options():
    spec = spec_of("aws", ssh_public_key=KEY, disk_size_gib=80, disk_type="standard")
    assert aws.root_block_device(spec, TAGS) == {
        "volume_size": 80,
        "volume_type": "standard",
        "encrypted": True,
        "delete_on_termination": True,
        "tags": TAGS,
    }
    assert aws.instance_market_options(spec) is None
    assert aws.instance_market_options(spec_of("aws", ssh_public_key=KEY, spot=True))["spot_options"] == {
        "spot_instance_type": "one-time",
        "instance_interruption_behavior": "terminate",
    }


DISKS = [
    {"name": "kept", "size_gib": 10, "protect": True},
    {"name": "logs", "size_gib": 20, "renamed_from": "old-logs", "retain_on_delete": True, "disk_type": "standard"},
]


@pytest.mark.parametrize(
    ("args", "subnet", "zone", "invokes"),
    [
        ({"zone": "use1-az2"}, SUBNET, "us-east-1b", ["aws:index/getAvailabilityZone:getAvailabilityZone"]),
        ({"region": "eu-west-1", "zone": "eu-west-1a"}, SUBNET, "eu-west-1a", []),
        ({"subnet_id": "subnet-0123456789abcdef0"}, aws.Subnet("subnet-1", "vpc-1", "us-east-1c"), "us-east-1c", []),
    ],
    ids=["az-id", "az-name", "existing-subnet"],
)
def test_data_volumes_in_the_vms_zone_attached_by_slot(args, subnet, zone, invokes):
    spec = spec_of("aws", ssh_public_key=KEY, data_disks=DISKS, **args)

    def step(build):
        vm = aws_sdk.ec2.Instance("vm-vm", ami="ami-1", instance_type="t3.micro", opts=build.opts())
        aws.data_disks(build, subnet, vm)

    run = run_step(spec, step, tags=TAGS)
    assert [i.token for i in run.evaluation.invokes] == invokes
    kept, logs = run.registered("vm-data-kept"), run.registered("vm-data-logs")
    assert (kept.inputs["availabilityZone"], kept.inputs["encrypted"], kept.inputs["type"]) == (zone, True, "gp3")
    assert (kept.protect, kept.retain_on_delete, logs.protect, logs.retain_on_delete) == (True, False, False, True)
    assert logs.inputs["tags"] == {**TAGS, "Name": "vm-data-logs"} and logs.aliases[0].endswith("::vm-data-old-logs")
    attachment = run.registered("vm-data-logs-attachment")
    assert attachment.inputs["deviceName"] == "/dev/sdg" and attachment.inputs["volumeId"] == "vm-data-logs-id"
    assert attachment.inputs["instanceId"] == "vm-vm-id" and attachment.inputs["stopInstanceBeforeDetaching"] is True
    assert attachment.delete_before_replace and attachment.aliases[0].endswith("::vm-data-old-logs-attachment")
    assert set(run.roles) == {
        "data_disk_kept",
        "data_disk_kept_attachment",
        "data_disk_logs",
        "data_disk_logs_attachment",
    }


def test_no_data_disks_no_zone_lookup():
    run = run_step(
        spec_of("aws", zone="use1-az2", ssh_public_key=KEY), lambda build: aws.data_disks(build, SUBNET, None)
    )
    assert run.names == set() and not run.evaluation.invokes


def test_the_outputs_have_a_public_ip_only_when_asked():
    def step(build):
        return aws.outputs(build, _instance(build), pulumi.Output.from_input("ami-1"))

    assert run_step(spec_of("aws", ssh_public_key=KEY), step).result.public_ip is None
    public = run_step(spec_of("aws", ssh_public_key=KEY, public_ip=True), step).result
    assert public.public_ip is not None and set(public.resources) == {"security_group", "key_pair", "instance"}
