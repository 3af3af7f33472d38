"""The AWS mapping against moto: every resource the component creates is created in moto's emulated
EC2 API (see tests/support/moto_mocks.py) and the assertions read moto's state back through boto3.

Runs offline. Only this suite: ``.venv/bin/python -m pytest tests/clouds/test_aws_moto.py -q`` (add ``-n 2``
for xdist; ``-rP`` shows what moto does not model).
"""

from __future__ import annotations

import dataclasses
import hashlib
import ipaddress
import json
import re
from datetime import datetime
from pathlib import Path

import pulumi
import pytest
from botocore.exceptions import ClientError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ec2.models import ec2_backends
from moto.ec2.models.amis import Ami
from moto.ec2.models.instance_types import INSTANCE_TYPES

from components import catalog
from components.catalog import Offering
from components.errors import SpecError
from components.images import IMAGE_ALIASES
from components.vm import VirtualMachine
from tests.support.common import DEFAULT_CONFIG, public_key
from tests.support.moto_mocks import (
    AMI_FIXTURE,
    AMI_REGION_TAG,
    MotoError,
    MotoMocks,
    evaluate_with_moto,
    moto_environment,
    user_data_text,
)

REGIONS = ("us-east-1", "eu-west-1")
TYPE_FOR_ARCH = {"x86_64": "t3.micro", "arm64": "t4g.micro"}
WINDOWS_PASSWORD = "Corr3ct-Horse-Battery!"
NO_RESULTS = "Your query returned no results"

# What each alias must resolve to: the newest image of the vendor's official stream in the fixture.
# Newer decoys with the same owner (Pro, minimal, daily, a pending build, RHEL 8, a RHEL beta,
# backports, other Windows editions) and same-named images of other accounts must lose.
EXPECTED_AMI = {
    ("ubuntu-24.04", "x86_64", "us-east-1"): "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250320",
    ("ubuntu-24.04", "x86_64", "eu-west-1"): "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250305",
    ("ubuntu-24.04", "arm64", "us-east-1"): "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250305",
    ("ubuntu-24.04", "arm64", "eu-west-1"): "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250305",
    **{
        ("ubuntu-22.04", arch, region): f"ubuntu/images/hvm-ssd-gp3/ubuntu-jammy-22.04-{deb}-server-20250228"
        for arch, deb in (("x86_64", "amd64"), ("arm64", "arm64"))
        for region in REGIONS
    },
    **{
        ("debian-12", arch, region): f"debian-12-{deb}-20250316-2053"
        for arch, deb in (("x86_64", "amd64"), ("arm64", "arm64"))
        for region in REGIONS
    },
    **{
        ("rhel-9", arch, region): f"RHEL-9.5.0_HVM-20250313-{arch}-0-Hourly2-GP3"
        for arch in ("x86_64", "arm64")
        for region in REGIONS
    },
    **{("windows-2022", "x86_64", region): "Windows_Server-2022-English-Full-Base-2025.03.12" for region in REGIONS},
}
# The vendors' real publishing accounts, written out here rather than taken from components.images.
CANONICAL, DEBIAN, REDHAT, AMAZON = "099720109477", "136693071363", "309956199498", "801119661308"
VENDOR = {
    "ubuntu-24.04": CANONICAL,
    "ubuntu-22.04": CANONICAL,
    "debian-12": DEBIAN,
    "rhel-9": REDHAT,
    "windows-2022": AMAZON,
}

# Realistic mistakes in an alias entry: each must make the lookup fail.
WRONG_OWNER = "099720109478"  # Canonical's id with the last digit off
WRONG_PATTERN = {
    "ubuntu-24.04": "ubuntu/images/hvm-ssd/ubuntu-noble-24.04-amd64-server-*",  # noble ships gp3 only
    "ubuntu-22.04": "ubuntu/images/hvm-ssd*/ubuntu-jammy-22.04-x86_64-server-*",  # Canonical says amd64
    "debian-12": "debian-12-x86_64-*",  # Debian says amd64
    "rhel-9": "RHEL-9.*_HVM-*-amd64-*",  # Red Hat says x86_64
    "windows-2022": "Windows_Server-2022-English-Full-Base",  # no wildcard: no exact name
}

# Catalog types moto 5.2.5's DescribeInstanceTypes data (moto/ec2/resources/instance_types.json)
# does not have. The catalog's source, the AWS Price List, still prices them.
RETIRED = "retired previous-generation family: AWS no longer lists it in DescribeInstanceTypes, moto's source"
MISSING_FROM_MOTO = {
    **dict.fromkeys(["cc2.8xlarge", "cr1.8xlarge", "hs1.8xlarge", "g2.2xlarge", "g2.8xlarge"], RETIRED),
    **dict.fromkeys(["i3p.16xlarge"], RETIRED + " (GovCloud-only i3 variant)"),
    **dict.fromkeys(["p2.xlarge", "p2.8xlarge", "p2.16xlarge"], RETIRED + " (K80 GPUs)"),
    **dict.fromkeys(["p3.2xlarge", "p3.8xlarge", "p3.16xlarge"], RETIRED + " (V100; moto keeps p3dn.24xlarge)"),
    **dict.fromkeys(["g3.4xlarge", "g3.8xlarge", "g3.16xlarge", "g3s.xlarge"], RETIRED + " (M60 GPUs)"),
    **dict.fromkeys(["f1.2xlarge", "f1.4xlarge", "f1.16xlarge"], RETIRED + " (FPGA; moto has its successor f2)"),
    **dict.fromkeys(["dl1.24xlarge"], RETIRED + " (Gaudi; moto has dl2q)"),
    **dict.fromkeys(
        ["g4ad.xlarge", "g4ad.2xlarge", "g4ad.4xlarge", "g4ad.8xlarge", "g4ad.16xlarge"],
        "absent from moto's data although AWS still sells g4ad (Radeon Pro V520): a gap in moto's snapshot",
    ),
    **dict.fromkeys(
        ["c6gn.metal", "i3.metal"], "moto's data has the family's virtualized sizes but not this bare-metal size"
    ),
    **dict.fromkeys(
        ["u-9tb1.112xlarge", "u-12tb1.112xlarge", "u-18tb1.112xlarge", "u-24tb1.112xlarge"],
        "virtualized high-memory size missing from moto's data (moto has u-6tb1.112xlarge and the .metal sizes); "
        "dedicated-host only, never auto-picked",
    ),
}


# --- running programs against moto ---------------------------------------------------------------


@pytest.fixture(scope="module")
def moto_aws():
    """One moto account for the module: fake credentials, validation on, the AMI fixture loaded."""
    with moto_environment():
        mocks = MotoMocks(default_region=DEFAULT_CONFIG["aws:region"])
        yield mocks
        print("\nmoto does not model:", mocks.unmodelled or "nothing")
        print("inputs moto keeps nothing of:", *sorted(set(mocks.ignored_inputs)), sep="\n  ")


def run(mocks: MotoMocks, specs: dict[str, dict]):
    """Runs one VirtualMachine per (name, args) against moto; returns the evaluation and the VMs."""
    built: dict[str, VirtualMachine] = {}

    def program():
        for name, args in specs.items():
            built[name] = VirtualMachine(name, {"cloud": "aws", **args})
            pulumi.export(name, built[name].outputs())

    return evaluate_with_moto(program, mocks, DEFAULT_CONFIG), built


def instance_of(mocks: MotoMocks, evaluation, vm: str, region: str) -> dict:
    instance_id = evaluation.by_name(f"{vm}-vm").id
    reservations = mocks.client(region).describe_instances(InstanceIds=[instance_id])["Reservations"]
    return reservations[0]["Instances"][0]


def fixture_image(mocks: MotoMocks, region: str, name: str) -> dict:
    images = mocks.client(region).describe_images(Filters=[{"Name": "name", "Values": [name]}])["Images"]
    assert len(images) == 1, f"{name} in {region}: {len(images)} images"
    return images[0]


# --- image aliases ---------------------------------------------------------------------------------


def alias_cases() -> list[tuple[str, str, str]]:
    return [(alias, arch, region) for alias in IMAGE_ALIASES for arch in IMAGE_ALIASES[alias].aws for region in REGIONS]


def alias_vm_name(alias: str, arch: str, region: str) -> str:
    return f"{alias}-{arch}-{region}"


def alias_args(alias: str, arch: str, region: str) -> dict:
    args = {"region": region, "instance_type": TYPE_FOR_ARCH[arch], "image": alias}
    if IMAGE_ALIASES[alias].os_type == "windows":
        args["admin_password"] = WINDOWS_PASSWORD
    return args


def launch_alias(mocks: MotoMocks, alias: str, arch: str, region: str) -> tuple[dict, dict, str]:
    """Launches one VM of the alias in moto (AMI validation on); returns the instance, its image as
    moto describes it, and the component's ``image`` output."""
    name = alias_vm_name(alias, arch, region)
    evaluation, _ = run(mocks, {name: alias_args(alias, arch, region)})
    instance = instance_of(mocks, evaluation, name, region)
    image = mocks.client(region).describe_images(ImageIds=[instance["ImageId"]])["Images"][0]
    return instance, image, evaluation.outputs[name]["image"]


def test_every_alias_has_an_expectation():
    assert set(alias_cases()) == set(EXPECTED_AMI)
    assert {arch for alias, arch, _ in EXPECTED_AMI if alias == "windows-2022"} == {"x86_64"}


@pytest.mark.parametrize("alias,arch,region", alias_cases(), ids=lambda v: v)
def test_alias_resolves_to_newest_vendor_ami(moto_aws, alias, arch, region):
    instance, image, output = launch_alias(moto_aws, alias, arch, region)
    assert image["Name"] == EXPECTED_AMI[(alias, arch, region)]
    assert image["OwnerId"] == VENDOR[alias]
    assert image["Architecture"] == instance["Architecture"] == arch
    assert {t["Key"]: t["Value"] for t in image["Tags"]}[AMI_REGION_TAG] == region
    assert output == image["ImageId"]


def test_region_is_honoured(moto_aws):
    """moto loads MOTO_AMIS_PATH into every region; the mocks keep each image in its own region, so
    the same alias resolves to a different AMI id per region, an AMI id of one region is unknown in
    another, and a region the fixture has no images for fails the way AWS does."""
    ids = {region: launch_alias(moto_aws, "debian-12", "x86_64", region)[1]["ImageId"] for region in REGIONS}
    assert len(set(ids.values())) == len(REGIONS)
    with pytest.raises(ClientError, match=r"InvalidAMIID\.NotFound"):
        moto_aws.client("eu-west-1").describe_images(ImageIds=[ids["us-east-1"]])
    with pytest.raises(MotoError, match=r"InvalidAMIID\.NotFound"):
        run(moto_aws, {"crossed": {"region": "eu-west-1", "instance_type": "t3.micro", "image": ids["us-east-1"]}})
    with pytest.raises(MotoError, match=NO_RESULTS):
        run(moto_aws, {"north": {"region": "eu-north-1", "instance_type": "t3.micro"}})


def test_fixture_images_follow_vendor_naming():
    """The fixture's owner ids are the vendors' real ones (and the component's), with amd64 and arm64
    images and several release dates in both regions."""
    images = json.loads(AMI_FIXTURE.read_text())
    owners = {image["owner_id"] for image in images}
    assert {CANONICAL, DEBIAN, REDHAT, AMAZON} <= owners
    assert {alias: IMAGE_ALIASES[alias].aws["x86_64"].owner for alias in IMAGE_ALIASES} == VENDOR
    for region in REGIONS:
        in_region = [i for i in images if i["tags"][AMI_REGION_TAG] == region]
        assert {i["architecture"] for i in in_region} == {"x86_64", "arm64"}
        assert len({i["creation_date"][:10] for i in in_region if i["owner_id"] == CANONICAL}) >= 3


@pytest.mark.parametrize(
    "kwargs,error",
    [
        ({"InstanceType": "t3.huge"}, "InvalidInstanceType"),
        ({"KeyName": "no-such-key"}, "InvalidKeyPair.NotFound"),
        ({"ImageId": "ami-0123456789abcdef0"}, "InvalidAMIID.NotFound"),
    ],
    ids=["instance-type", "key-pair", "ami"],
)
def test_moto_validation_is_on(moto_aws, kwargs, error):
    """The three validation switches (off by default in moto) are on for this suite."""
    ec2 = moto_aws.client("eu-west-1")
    image = fixture_image(moto_aws, "eu-west-1", EXPECTED_AMI[("debian-12", "x86_64", "eu-west-1")])["ImageId"]
    with pytest.raises(ClientError, match=re.escape(error)):
        ec2.run_instances(**{"ImageId": image, "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1, **kwargs})


@pytest.mark.parametrize("corruption", ["owner", "pattern"])
@pytest.mark.parametrize("alias", list(IMAGE_ALIASES))
def test_corrupted_alias_fails_lookup(moto_aws, monkeypatch, alias, corruption):
    entry = IMAGE_ALIASES[alias]
    image = entry.aws["x86_64"]
    broken = (
        dataclasses.replace(image, owner=WRONG_OWNER)
        if corruption == "owner"
        else dataclasses.replace(image, name_pattern=WRONG_PATTERN[alias])
    )
    monkeypatch.setitem(IMAGE_ALIASES, alias, dataclasses.replace(entry, aws={**entry.aws, "x86_64": broken}))
    name = f"broken-{alias}-{corruption}"
    with pytest.raises(MotoError, match=NO_RESULTS):
        run(moto_aws, {name: alias_args(alias, "x86_64", "eu-west-1")})
    assert (IMAGE_ALIASES[alias].aws["x86_64"].owner == WRONG_OWNER) is (corruption == "owner")
    assert not [c for c in moto_aws.created if c[1] == f"{name}-vm"]


# --- what AWS would reject -------------------------------------------------------------------------


def test_instance_type_not_offered_in_region_is_a_spec_error(moto_aws):
    assert catalog.load("aws").get("g6.xlarge", "eu-west-1") is None
    with pytest.raises(SpecError, match="not offered in eu-west-1"):
        run(moto_aws, {"gpu-spec": {"region": "eu-west-1", "instance_type": "g6.xlarge"}})
    assert not [name for _, name, _ in moto_aws.created if name.startswith("gpu-spec")]


def test_moto_rejects_type_not_offered_when_catalog_is_stale(moto_aws, monkeypatch):
    """Behind the component, moto's own offering data rejects the type (InvalidInstanceType)."""
    real_get = catalog.Catalog.get

    def stale_get(self, instance_type, region):
        if (instance_type, region) == ("g6.xlarge", "eu-west-1"):
            return Offering("aws", "g6.xlarge", "eu-west-1", 4, 16, "x86_64", "L4", 1, 0.9, None, ("euw1-az1",))
        return real_get(self, instance_type, region)

    monkeypatch.setattr(catalog.Catalog, "get", stale_get)
    with pytest.raises(MotoError, match="InvalidInstanceType"):
        run(moto_aws, {"gpu": {"region": "eu-west-1", "instance_type": "g6.xlarge"}})


def test_malformed_ssh_key_is_a_spec_error(moto_aws):
    rsa = public_key("rsa2048").split()
    malformed = f"{rsa[0]} {rsa[1][:-12]} user@host"
    with pytest.raises(SpecError, match="ssh_public_key"):
        run(moto_aws, {"badkey": {"instance_type": "t3.micro", "ssh_public_key": malformed}})


def test_moto_rejects_malformed_key_behind_the_component(moto_aws, monkeypatch):
    """With the component's key check switched off, moto's ImportKeyPair rejects the same key."""
    monkeypatch.setattr("components.spec.access.ssh_key_problem", lambda key, allowed: None)
    rsa = public_key("rsa2048").split()
    with pytest.raises(MotoError, match=r"InvalidKeyPair\.Format"):
        run(moto_aws, {"badkey": {"instance_type": "t3.micro", "ssh_public_key": f"{rsa[0]} {rsa[1][:-12]}"}})


def test_wrong_architecture_ami_is_rejected(moto_aws):
    """moto launches an arm64 AMI on an x86_64 type without complaint; MotoMocks emulates AWS's
    RunInstances check (tests/support/moto_mocks.py check_architecture)."""
    arm_ami = fixture_image(moto_aws, "us-east-1", EXPECTED_AMI[("ubuntu-24.04", "arm64", "us-east-1")])["ImageId"]
    with pytest.raises(MotoError, match="architecture 'x86_64' of the specified instance type does not match"):
        run(moto_aws, {"mixed": {"instance_type": "t3.micro", "image": arm_ami}})
    evaluation, _ = run(moto_aws, {"matched": {"instance_type": "t4g.micro", "image": arm_ami}})
    assert instance_of(moto_aws, evaluation, "matched", "us-east-1")["ImageId"] == arm_ami


@pytest.mark.parametrize(
    "args",
    [
        {"disk_type": "standard", "disk_size_gib": 2000},
        {"data_disks": [{"size_gib": 1500, "disk_type": "standard"}]},
    ],
    ids=["root", "data"],
)
def test_magnetic_volume_over_1_tib_is_rejected(moto_aws, args):
    """EBS magnetic ("standard") volumes hold at most 1 TiB: the spec rejects more before AWS would."""
    with pytest.raises(SpecError, match="standard"):
        run(moto_aws, {"tape": {"instance_type": "t3.micro", **args}})


def inject_image(mocks: MotoMocks, region: str, name: str, owner: str, created: str) -> str:
    """Adds an image to one region's moto backend (moto's API cannot register one for another owner)."""
    mocks.client(region)
    backend = ec2_backends[DEFAULT_ACCOUNT_ID][region]
    image_id = "ami-" + hashlib.sha256(f"{region}|{name}".encode()).hexdigest()[:17]
    backend.amis[image_id] = Ami(
        backend,
        image_id,
        name=name,
        owner_id=owner,
        public=True,
        virtualization_type="hvm",
        architecture="x86_64",
        root_device_type="ebs",
        creation_date=datetime.fromisoformat(created),
        region_name=f"{region}a",
    )
    return image_id


def test_rhel_picks_pay_as_you_go_image_in_cloud_access_accounts(moto_aws):
    region = "eu-central-1"
    hourly = inject_image(
        moto_aws, region, "RHEL-9.5.0_HVM-20250313-x86_64-0-Hourly2-GP3", REDHAT, "2025-03-13T12:00:00+00:00"
    )
    inject_image(moto_aws, region, "RHEL-9.5.0_HVM-20250313-x86_64-0-Access2-GP3", REDHAT, "2025-03-13T12:00:07+00:00")
    evaluation, _ = run(moto_aws, {"rhel-ca": {"region": region, "instance_type": "t3.micro", "image": "rhel-9"}})
    assert instance_of(moto_aws, evaluation, "rhel-ca", region)["ImageId"] == hourly


def test_unknown_native_ami_is_rejected_by_moto(moto_aws):
    with pytest.raises(MotoError, match=r"InvalidAMIID\.NotFound"):
        run(moto_aws, {"ghost": {"instance_type": "t3.micro", "image": "ami-0123456789abcdef0"}})


# --- what the component creates, read back from moto -----------------------------------------------

WEB_INGRESS = [
    {"port": 22, "sources": ["203.0.113.0/24", "198.51.100.0/24"], "description": "SSH from the office"},
    {"from_port": 8000, "to_port": 8100, "sources": ["10.0.0.0/8"]},
    {"port": 51820, "protocol": "udp", "sources": ["0.0.0.0/0"]},
    {"protocol": "icmp", "sources": ["192.0.2.0/24"]},
]
# (protocol, from, to, cidr, description) as EC2 reports them.
WEB_RULES = {
    ("tcp", 22, 22, "203.0.113.0/24", "SSH from the office"),
    ("tcp", 22, 22, "198.51.100.0/24", "SSH from the office"),
    ("tcp", 8000, 8100, "10.0.0.0/8", "tcp 8000-8100"),
    ("udp", 51820, 51820, "0.0.0.0/0", "udp 51820"),
    ("icmp", -1, -1, "192.0.2.0/24", "icmp *"),
}


@pytest.fixture(scope="module")
def fleet(moto_aws):
    specs = {
        "web": {
            "region": "eu-west-1",
            "zone": "eu-west-1b",
            "instance_type": "t3.micro",
            "ssh_public_key": public_key("ed25519"),
            "admin_username": "ops",
            "public_ip": True,
            "spot": True,
            "disk_size_gib": 40,
            "data_disks": [{"size_gib": 10}, {"size_gib": 20, "disk_type": "standard"}],
            "ingress": WEB_INGRESS,
            "user_data": "#!/bin/bash\necho hello\n",
            "tags": {"team": "platform"},
        },
        "db": {
            "instance_type": "t4g.small",
            "image": "debian-12",
            "disk_type": "standard",
            "disk_size_gib": 16,
        },
    }
    return run(moto_aws, specs)


def rules_of(mocks: MotoMocks, region: str, group_id: str, egress: bool) -> set[tuple]:
    rules = mocks.client(region).describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])
    return {
        (r["IpProtocol"], r["FromPort"], r["ToPort"], r.get("CidrIpv4") or r.get("CidrIpv6"), r.get("Description"))
        for r in rules["SecurityGroupRules"]
        if r["IsEgress"] is egress
    }


def test_security_group_rules_equal_the_spec(moto_aws, fleet):
    evaluation, _ = fleet
    group_id = evaluation.by_name("web-sg").id
    assert rules_of(moto_aws, "eu-west-1", group_id, egress=False) == WEB_RULES
    assert {r[:4] for r in rules_of(moto_aws, "eu-west-1", group_id, egress=True)} == {
        ("-1", -1, -1, "0.0.0.0/0"),
        ("-1", -1, -1, "::/0"),
    }
    instance = instance_of(moto_aws, evaluation, "web", "eu-west-1")
    assert [g["GroupId"] for g in instance["NetworkInterfaces"][0]["Groups"]] == [group_id]
    group = moto_aws.client("eu-west-1").describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    assert group["VpcId"] == instance["VpcId"] == evaluation.by_name("web-vpc").id


def test_no_ingress_means_nothing_inbound(moto_aws, fleet):
    evaluation, _ = fleet
    assert rules_of(moto_aws, "us-east-1", evaluation.by_name("db-sg").id, egress=False) == set()


def test_imdsv2_is_required(moto_aws, fleet):
    evaluation, _ = fleet
    for vm, region in (("web", "eu-west-1"), ("db", "us-east-1")):
        options = instance_of(moto_aws, evaluation, vm, region)["MetadataOptions"]
        # moto's default is HttpTokens "optional"; its default hop limit is also 1, so only the
        # tokens check can catch a missing metadata_options.
        assert (options["HttpTokens"], options["HttpPutResponseHopLimit"], options["HttpEndpoint"]) == (
            "required",
            1,
            "enabled",
        )


@pytest.mark.parametrize(
    "vm,region,size,volume_type", [("web", "eu-west-1", 40, "gp3"), ("db", "us-east-1", 16, "standard")]
)
def test_root_volume_encrypted_size_and_type(moto_aws, fleet, vm, region, size, volume_type):
    evaluation, _ = fleet
    instance = instance_of(moto_aws, evaluation, vm, region)
    root = next(m for m in instance["BlockDeviceMappings"] if m["DeviceName"] == instance["RootDeviceName"])
    volume = moto_aws.client(region).describe_volumes(VolumeIds=[root["Ebs"]["VolumeId"]])["Volumes"][0]
    assert (volume["Encrypted"], volume["Size"], volume["VolumeType"]) == (True, size, volume_type)
    assert root["Ebs"]["DeleteOnTermination"] is True
    assert {t["Key"]: t["Value"] for t in volume["Tags"]} == (
        {"Name": vm, "team": "platform"} if vm == "web" else {"Name": vm}
    )
    assert volume["AvailabilityZone"] == instance["Placement"]["AvailabilityZone"]


def test_debian_root_device_follows_the_ami(moto_aws, fleet):
    """Debian's AMIs boot from /dev/xvda: root_block_device lands on the AMI's root device."""
    evaluation, _ = fleet
    assert instance_of(moto_aws, evaluation, "db", "us-east-1")["RootDeviceName"] == "/dev/xvda"


def test_spot_market_only_when_asked(moto_aws, fleet):
    evaluation, _ = fleet
    assert instance_of(moto_aws, evaluation, "web", "eu-west-1").get("InstanceLifecycle") == "spot"
    assert "InstanceLifecycle" not in instance_of(moto_aws, evaluation, "db", "us-east-1")


def test_data_disks_created_and_attached(moto_aws, fleet):
    evaluation, _ = fleet
    instance = instance_of(moto_aws, evaluation, "web", "eu-west-1")
    ec2 = moto_aws.client("eu-west-1")
    attached = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [instance["InstanceId"]]}])
    data = {
        v["Attachments"][0]["Device"]: (v["Size"], v["VolumeType"], v["Encrypted"], v["AvailabilityZone"])
        for v in attached["Volumes"]
        if v["Attachments"][0]["Device"] != instance["RootDeviceName"]
    }
    # In the instance's zone, which the volumes got from moto's AZ data (the AZ ID's name), not the instance.
    assert data == {"/dev/sdf": (10, "gp3", True, "eu-west-1b"), "/dev/sdg": (20, "standard", True, "eu-west-1b")}
    assert instance["Placement"]["AvailabilityZone"] == "eu-west-1b"
    for volume in attached["Volumes"]:
        device = volume["Attachments"][0]["Device"]
        name = (
            "web"
            if device == instance["RootDeviceName"]
            else {"/dev/sdf": "web-data-0", "/dev/sdg": "web-data-1"}[device]
        )
        assert {t["Key"]: t["Value"] for t in volume["Tags"]} == {"Name": name, "team": "platform"}
    assert not [c for c in moto_aws.created if c[1].startswith("db-data")]


def test_public_ip_only_when_asked(moto_aws, fleet):
    evaluation, _ = fleet
    web = instance_of(moto_aws, evaluation, "web", "eu-west-1")
    db = instance_of(moto_aws, evaluation, "db", "us-east-1")
    assert web.get("PublicIpAddress")
    assert evaluation.outputs["web"]["public_ip"] == web["PublicIpAddress"]
    assert evaluation.outputs["web"]["ssh_command"] == f"ssh ops@{web['PublicIpAddress']}"
    assert "PublicIpAddress" not in db
    assert evaluation.outputs["db"]["public_ip"] is None
    for vm, instance in (("web", web), ("db", db)):
        assert evaluation.outputs[vm]["private_ip"] == instance["PrivateIpAddress"]
        assert ipaddress.ip_address(instance["PrivateIpAddress"]) in ipaddress.ip_network("10.42.1.0/24")
        assert evaluation.outputs[vm]["vm_id"] == instance["InstanceId"]


def test_public_vm_has_a_route_to_the_internet(moto_aws, fleet):
    evaluation, _ = fleet
    ec2 = moto_aws.client("eu-west-1")
    subnet_id = evaluation.by_name("web-subnet").id
    tables = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
    routes = {r.get("DestinationCidrBlock"): r.get("GatewayId") for r in tables["RouteTables"][0]["Routes"]}
    assert routes["0.0.0.0/0"] == evaluation.by_name("web-igw").id
    gateway = ec2.describe_internet_gateways(InternetGatewayIds=[routes["0.0.0.0/0"]])["InternetGateways"][0]
    assert gateway["Attachments"][0]["VpcId"] == evaluation.by_name("web-vpc").id
    subnet = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]
    assert (subnet["CidrBlock"], subnet["AvailabilityZone"], subnet["MapPublicIpOnLaunch"]) == (
        "10.42.1.0/24",
        "eu-west-1b",
        False,
    )
    for attribute in ("enableDnsSupport", "enableDnsHostnames"):
        value = ec2.describe_vpc_attribute(VpcId=evaluation.by_name("web-vpc").id, Attribute=attribute)
        assert value[attribute[0].upper() + attribute[1:]]["Value"] is True
    assert not [c for c in moto_aws.created if c[1] in ("db-igw", "db-rt", "db-rta")]


def test_key_pair_and_user_data(moto_aws, fleet):
    evaluation, _ = fleet
    instance = instance_of(moto_aws, evaluation, "web", "eu-west-1")
    ec2 = moto_aws.client("eu-west-1")
    key = ec2.describe_key_pairs(KeyNames=[instance["KeyName"]])["KeyPairs"][0]
    assert key["KeyPairId"] == evaluation.by_name("web-key").id
    assert key["KeyType"] == "ed25519"
    user_data = user_data_text(ec2.describe_instance_attribute(InstanceId=instance["InstanceId"], Attribute="userData"))
    assert "name: ops" in user_data and public_key("ed25519") in user_data and "echo hello" in user_data
    assert {t["Key"]: t["Value"] for t in instance["Tags"]} == {"Name": "web", "team": "platform"}
    assert "KeyName" not in instance_of(moto_aws, evaluation, "db", "us-east-1")


def test_existing_subnet_via_get_subnet(moto_aws):
    ec2 = moto_aws.client("eu-west-1")
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.9.3.0/24", AvailabilityZone="eu-west-1c")["Subnet"][
        "SubnetId"
    ]
    evaluation, _ = run(
        moto_aws, {"inside": {"region": "eu-west-1", "instance_type": "t3.micro", "subnet_id": subnet_id}}
    )
    instance = instance_of(moto_aws, evaluation, "inside", "eu-west-1")
    assert (instance["SubnetId"], instance["VpcId"]) == (subnet_id, vpc_id)
    group = ec2.describe_security_groups(GroupIds=[evaluation.by_name("inside-sg").id])["SecurityGroups"][0]
    assert group["VpcId"] == vpc_id
    assert not evaluation.of_type("aws:ec2/vpc:Vpc")
    with pytest.raises(MotoError, match=r"InvalidSubnetID\.NotFound"):
        run(
            moto_aws,
            {"nowhere": {"region": "eu-west-1", "instance_type": "t3.micro", "subnet_id": "subnet-0123456789abcdef0"}},
        )


# --- what moto does not model --------------------------------------------------------------------


def test_unmodelled_resources_are_answered_plainly_and_reported(moto_aws):
    """Everything the component creates is modelled; a resource moto is not asked to model (here an
    Elastic IP added next to a VM) is answered like plain mocks and listed."""
    import pulumi_aws as aws

    def program():
        VirtualMachine("plain", {"cloud": "aws", "instance_type": "t3.micro"})
        aws.ec2.Eip("plain-eip", domain="vpc")

    start = len(moto_aws.unmodelled)
    evaluate_with_moto(program, moto_aws, DEFAULT_CONFIG)
    print("moto does not model:", moto_aws.unmodelled[start:])
    assert moto_aws.unmodelled[start:] == ["resource aws:ec2/eip:Eip (plain-eip)"]
    assert not evaluation_has_moto_id(moto_aws, "plain-eip")


def evaluation_has_moto_id(mocks: MotoMocks, name: str) -> bool:
    return any(created_name == name for _, created_name, _ in mocks.created)


def test_every_resource_the_component_creates_is_modelled(moto_aws, fleet):
    """The fleet registers every AWS resource type the adapter has (public and private networking,
    key pair, data disks); all of them went through moto, none through the plain fallback."""
    evaluation, _ = fleet
    registered = {(r.type, r.name) for r in evaluation.resources if r.custom}
    assert {r[0] for r in registered} == {
        "aws:ec2/vpc:Vpc",
        "aws:ec2/subnet:Subnet",
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/routeTable:RouteTable",
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/keyPair:KeyPair",
        "aws:ec2/instance:Instance",
        "aws:ebs/volume:Volume",
        "aws:ec2/volumeAttachment:VolumeAttachment",
    }
    assert registered <= {(t, n) for t, n, _ in moto_aws.created}
    assert not [u for u in moto_aws.unmodelled if "plain-eip" not in u]
    assert {i.token for i in moto_aws.invokes} <= {"aws:ec2/getAmi:getAmi", "aws:ec2/getSubnet:getSubnet"}
    # What moto accepts but keeps nothing of, so no test here can check it (printed at the end).
    ignored = {entry.split(" ")[1].rstrip(":") for entry in moto_aws.ignored_inputs}
    assert ignored == {"creditSpecification", "instanceMarketOptions.spotOptions"}


# --- the catalog against moto's instance-type data -----------------------------------------------


def test_catalog_instance_types_exist_in_moto(moto_aws):
    # The data DescribeInstanceTypes answers from (asking moto for all 1,395 types through boto3
    # takes seconds of XML).
    moto_types = {name: t["ProcessorInfo"]["SupportedArchitectures"] for name, t in INSTANCE_TYPES.items()}
    assert moto_aws.client("us-east-1").describe_instance_types(InstanceTypes=["t3.micro", "t4g.micro"])
    aws_catalog = catalog.load("aws")
    missing = aws_catalog.instance_types - set(moto_types)
    assert missing == set(MISSING_FROM_MOTO), "update MISSING_FROM_MOTO (with the reason)"
    wrong_arch = {
        (o.instance_type, o.arch)
        for region in aws_catalog.regions
        for o in aws_catalog.offerings(region).values()
        if o.instance_type in moto_types and o.arch not in moto_types[o.instance_type]
    }
    assert wrong_arch == set()


def test_fixture_file_is_what_moto_loaded(moto_aws):
    """MOTO_AMIS_PATH replaced moto's bundled AMIs: a region holds exactly the fixture's images for it."""
    for region in REGIONS:
        loaded = moto_aws.client(region).describe_images()["Images"]
        fixture = [i for i in json.loads(Path(AMI_FIXTURE).read_text()) if i["tags"][AMI_REGION_TAG] == region]
        assert {i["ImageId"] for i in loaded} == {i["ami_id"] for i in fixture}
