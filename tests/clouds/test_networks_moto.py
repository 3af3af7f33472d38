"""The shared AWS network against moto: the stack program creates one VPC with an internet gateway, a
route table and a subnet per zone its VMs use, and every instance runs in a subnet whose zone moto's
per-AZ offering data says offers its type (``MotoMocks`` rejects any other, as AWS does)."""

from __future__ import annotations

import runpy

import pytest

from components import Network, VirtualMachine
from tests.component.test_networks import few_zone_types
from tests.support.common import DEFAULT_CONFIG, ROOT, public_key
from tests.support.moto_mocks import (
    MotoError,
    MotoMocks,
    check_zone_offers_type,
    evaluate_with_moto,
    moto_environment,
    zone_offerings,
)

KEY = public_key("ed25519")


@pytest.fixture(scope="module")
def moto_aws():
    with moto_environment():
        yield MotoMocks(default_region="us-east-1")


def fleet() -> list[dict]:
    """Twelve VMs of mixed sizes in us-east-1, three of a type only one or two zones offer."""
    sizes = [
        {"cpus": 1, "memory_gib": 0.5},
        {"cpus": 2, "memory_gib": 4, "public_ip": True},
        {"cpus": 4, "memory_gib": 16, "burstable": False},
        {"cpus": 2, "memory_gib": 8, "arch": "arm64", "image": "debian-12"},
        {"instance_type": "c7i.large"},
        {"instance_type": "r6a.xlarge", "public_ip": True},
        {"instance_type": "m7g.large", "image": "debian-12"},
        {"instance_type": "t3.micro", "zone": "use1-az4"},
        {"instance_type": "m5.large", "data_disks": [{"size_gib": 20}]},
        *({"instance_type": name} for name in few_zone_types("us-east-1", 2)[:3]),
    ]
    return [{"name": f"vm{i:02d}", "cloud": "aws", "ssh_public_key": KEY, **size} for i, size in enumerate(sizes)]


@pytest.fixture(scope="module")
def stack(moto_aws):
    config = {**DEFAULT_CONFIG, "multicloud-vm:vms": fleet()}
    return evaluate_with_moto(lambda: runpy.run_path(str(ROOT / "__main__.py")), moto_aws, config)


def test_the_shared_network_is_created_in_moto(moto_aws, stack):
    ec2 = moto_aws.client("us-east-1")
    (vpc,) = stack.of_type("aws:ec2/vpc:Vpc")
    assert vpc.name == "net-aws-us-east-1-vpc-us-east-1"
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc.id]}])["Subnets"]
    assert len(subnets) == len(stack.of_type("aws:ec2/subnet:Subnet")) >= 2
    gateway = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc.id]}])[
        "InternetGateways"
    ]
    assert len(gateway) == 1
    for subnet in subnets:
        tables = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}])
        routes = {r.get("DestinationCidrBlock"): r.get("GatewayId") for r in tables["RouteTables"][0]["Routes"]}
        assert routes["0.0.0.0/0"] == gateway[0]["InternetGatewayId"]
        assert subnet["MapPublicIpOnLaunch"] is False


def test_every_instance_runs_in_a_zone_moto_says_offers_its_type(moto_aws, stack):
    ec2 = moto_aws.client("us-east-1")
    instances = [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    ours = {t["Value"]: i for i in instances for t in i.get("Tags", []) if t["Key"] == "Name"}
    assert {f"vm{i:02d}" for i in range(12)} <= set(ours)
    zones = set()
    for name in (f"vm{i:02d}" for i in range(12)):
        instance = ours[name]
        subnet = ec2.describe_subnets(SubnetIds=[instance["SubnetId"]])["Subnets"][0]
        assert instance["InstanceType"] in zone_offerings(ec2, subnet["AvailabilityZoneId"]), name
        assert stack.outputs[name]["zone"] == instance["Placement"]["AvailabilityZone"]
        zones.add(subnet["AvailabilityZoneId"])
    # Subnets exist in exactly the zones the VMs use.
    assert {s.inputs["availabilityZoneId"] for s in stack.of_type("aws:ec2/subnet:Subnet")} == zones
    assert len(zones) >= 2  # the few-zone types pull some VMs out of the first zone


def test_moto_mocks_reject_a_type_its_subnets_zone_does_not_offer(moto_aws):
    """Behind the component, AWS's zone check (emulated from moto's data) catches a wrong placement."""

    def program():
        network = Network("wrong", {"cloud": "aws", "zones": ["use1-az3"]})
        VirtualMachine(
            "wrong-vm", {"cloud": "aws", "instance_type": "m5.large", "zone": "use1-az3", "network": network}
        )

    # The component refuses first: m5.large is not offered in use1-az3 ...
    with pytest.raises(Exception, match="not offered in use1-az3"):
        evaluate_with_moto(program, moto_aws, DEFAULT_CONFIG)
    # ... and moto (through the mocks) refuses the same placement when asked directly.
    ec2 = moto_aws.client("us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.1.0/24", AvailabilityZoneId="use1-az3")["Subnet"]
    with pytest.raises(MotoError, match=r"not supported in your requested Availability Zone .*use1-az3"):
        check_zone_offers_type(ec2, subnet["SubnetId"], "m5.large")


def test_data_volumes_are_created_in_their_vms_zone_from_the_zone_not_the_instance(moto_aws, stack):
    """In a shared network the volume's zone is the AZ ID's name (aws.get_availability_zone, answered
    from moto's zones); with an existing subnet, the subnet lookup's zone. Either way the instance's."""
    ec2 = moto_aws.client("us-east-1")
    (volume,) = stack.of_type("aws:ebs/volume:Volume")
    (instance,) = [r for r in stack.of_type("aws:ec2/instance:Instance") if r.name == "vm08-vm"]
    moto_volume = ec2.describe_volumes(VolumeIds=[volume.id])["Volumes"][0]
    placed = ec2.describe_instances(InstanceIds=[instance.id])["Reservations"][0]["Instances"][0]
    assert moto_volume["AvailabilityZone"] == placed["Placement"]["AvailabilityZone"]
    assert moto_volume["Attachments"][0]["InstanceId"] == instance.id
    assert not any(instance.urn in urns for urns in volume.property_dependencies.values())

    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.1.0/24", AvailabilityZoneId="use1-az2")["Subnet"]
    own = evaluate_with_moto(
        lambda: VirtualMachine(
            "own",
            {
                "cloud": "aws",
                "instance_type": "m5.large",
                "subnet_id": subnet["SubnetId"],
                "data_disks": [{"size_gib": 8}],
            },
        ),
        moto_aws,
        DEFAULT_CONFIG,
    )
    (own_volume,) = own.of_type("aws:ebs/volume:Volume")
    assert (
        ec2.describe_volumes(VolumeIds=[own_volume.id])["Volumes"][0]["AvailabilityZone"] == subnet["AvailabilityZone"]
    )
    lookups = [
        i for i in own.invokes if i.token == "aws:ec2/getSubnet:getSubnet" and i.args.get("id") == subnet["SubnetId"]
    ]
    assert len(lookups) == 1  # one lookup for the VPC and the volumes' zone
