"""The pure spec layer: size resolution, defaults, and every SpecError case, without Pulumi."""

from __future__ import annotations

import pytest

from components import SpecError, catalog
from components.pricing import instance_hourly, spec_cost
from components.spec import (
    CloudDefaults,
    azure_supports_premium,
    gcp_label,
    gcp_labels,
    ssh_key_problem,
    validate,
)
from tests.support.common import public_key

ED25519 = public_key("ed25519")
RSA2048 = public_key("rsa2048")
RSA1024 = public_key("rsa1024")
ECDSA = public_key("ecdsa256")
WINDOWS_PASSWORD = "Correct-Horse-42"
DEFAULTS = {
    "aws": CloudDefaults(region="us-east-1"),
    "azure": CloudDefaults(region="eastus"),
    "gcp": CloudDefaults(region="us-central1", project="test-project"),
}


def spec_for(cloud: str, name: str = "vm1", **args):
    if cloud == "azure":
        args.setdefault("ssh_public_key", ED25519)
    return validate(name, {"cloud": cloud, **args}, DEFAULTS[cloud])


def brute_force_cheapest(cloud, region, cpus, memory, arch, burstable, accept):
    """An independent answer: scan every offering of the region."""
    best = None
    for offering in catalog.load(cloud).offerings(region).values():
        if not offering.has_price or offering.gpu_name or offering.arch != arch:
            continue
        if offering.vcpus < cpus or offering.memory_gib < memory:
            continue
        if not burstable and offering.burstable:
            continue
        if not accept(offering):
            continue
        if best is None or offering.price_hourly < best.price_hourly:
            best = offering
    return best


@pytest.mark.parametrize(
    ("cloud", "region", "cpus", "memory", "arch", "burstable"),
    [
        ("aws", "us-east-1", 2, 4, "x86_64", True),
        ("aws", "eu-west-1", 4, 16, "x86_64", False),
        ("aws", "us-east-1", 2, 4, "arm64", True),
        ("azure", "eastus", 2, 4, "x86_64", True),
        ("azure", "westeurope", 8, 32, "x86_64", False),
        ("azure", "eastus", 2, 8, "arm64", True),
        ("gcp", "us-central1", 2, 4, "x86_64", True),
        ("gcp", "europe-west1", 4, 16, "x86_64", False),
        ("gcp", "us-central1", 2, 8, "arm64", True),
    ],
)
def test_resolves_the_cheapest_offering_meeting_every_constraint(cloud, region, cpus, memory, arch, burstable):
    spec = spec_for(cloud, region=region, cpus=cpus, memory_gib=memory, arch=arch, burstable=burstable)
    accept = {
        "aws": lambda o: not o.instance_type.startswith(("mac", "u-", "u7")),
        "azure": lambda o: azure_supports_premium(o) and o.placeable,
        "gcp": lambda o: True,
    }[cloud]
    expected = brute_force_cheapest(cloud, region, cpus, memory, arch, burstable, accept)
    assert spec.offering.price_hourly == expected.price_hourly
    assert spec.offering.vcpus >= cpus and spec.offering.memory_gib >= memory
    assert spec.arch == arch == spec.offering.arch
    assert not spec.offering.gpu_name
    if not burstable:
        assert not spec.offering.burstable


def test_burstable_false_excludes_burstable_families():
    assert spec_for("aws", cpus=2, memory_gib=4).instance_type.startswith("t")
    assert not spec_for("aws", cpus=2, memory_gib=4, burstable=False).instance_type.startswith("t")
    assert spec_for("azure", cpus=2, memory_gib=4).instance_type.startswith("Standard_B")
    assert not spec_for("azure", cpus=2, memory_gib=4, burstable=False).instance_type.startswith("Standard_B")
    assert spec_for("gcp", cpus=1, memory_gib=1).offering.burstable
    assert not spec_for("gcp", cpus=1, memory_gib=1, burstable=False).offering.burstable


def test_gcp_arm64_resolves_to_t2a():
    assert spec_for("gcp", arch="arm64").instance_type.startswith("t2a-")


def test_gpu_types_only_when_named():
    spec = spec_for("aws", instance_type="g5.xlarge")
    assert spec.offering.gpu_name == "A10G"
    big = spec_for("aws", cpus=64, memory_gib=256)
    assert big.offering.gpu_name is None


def test_instance_type_wins_and_sets_arch():
    spec = spec_for("aws", instance_type="m7g.large", cpus=64)
    assert spec.instance_type == "m7g.large" and spec.arch == "arm64"


def test_hourly_price_is_the_catalog_price_and_spot_price_when_spot():
    def hourly(spec):
        return instance_hourly(spec_cost(spec))

    offering = catalog.load("gcp").get("e2-standard-2", "us-central1")
    assert hourly(spec_for("gcp", instance_type="e2-standard-2")) == offering.price_hourly
    assert hourly(spec_for("gcp", instance_type="e2-standard-2", spot=True)) == offering.spot_price_hourly
    # The AWS snapshot has no spot prices: unknown, not the on-demand price.
    assert hourly(spec_for("aws", instance_type="m5.large", spot=True)) is None
    # Catalog prices are Linux prices; a Windows VM adds its licence where the catalog prices it
    # ($0.046 per vCPU-hour on m6i, a size's own figure on burstable types), and is unknown where it
    # does not (Azure B-series sizes without a measured figure).
    linux = catalog.load("aws").get("m6i.large", "us-east-1").price_hourly
    windows = spec_for("aws", instance_type="m6i.large", image="windows-2022", admin_password=WINDOWS_PASSWORD)
    assert hourly(windows) == pytest.approx(linux + 2 * 0.046)
    t3 = catalog.load("aws").get("t3.large", "us-east-1").price_hourly
    burstable = spec_for("aws", instance_type="t3.large", image="windows-2022", admin_password=WINDOWS_PASSWORD)
    assert hourly(burstable) == pytest.approx(t3 + 0.0276)
    unpriced = spec_for(
        "azure", instance_type="Standard_B2as_v2", image="windows-2022", admin_password=WINDOWS_PASSWORD
    )
    assert hourly(unpriced) is None


def test_region_and_zone_defaults_come_from_provider_config():
    spec = validate("vm1", {"cloud": "gcp"}, CloudDefaults(region="us-east1", project="test-project"))
    assert spec.region == "us-east1"
    assert spec.zone == "us-east1-b"  # us-east1 has no zone -a
    assert (
        validate("vm1", {"cloud": "gcp"}, CloudDefaults(region="europe-west4", project="test-project")).zone
        == "europe-west4-a"
    )
    configured = validate(
        "vm1", {"cloud": "gcp"}, CloudDefaults(region="us-east1", zone="us-east1-c", project="test-project")
    )
    assert configured.zone == "us-east1-c"
    from_zone = validate("vm1", {"cloud": "gcp"}, CloudDefaults(zone="us-west1-b", project="test-project"))
    assert (from_zone.region, from_zone.zone) == ("us-west1", "us-west1-b")
    # AWS: the first AZ ID that offers the size (t3a in us-east-1: not use1-az3); Azure: regional.
    assert spec_for("aws").zone == "use1-az1"
    assert spec_for("azure").zone is None
    assert spec_for("aws", region="eu-west-1").region == "eu-west-1"


def test_default_disk_size_grows_to_the_images_minimum():
    assert spec_for("aws").disk_size_gib == 30
    windows = spec_for("azure", image="windows-2022", admin_password=WINDOWS_PASSWORD, ssh_public_key=None)
    assert windows.disk_size_gib == 127
    assert spec_for("azure", image="rhel-9").disk_size_gib == 64


def test_aws_login_user_follows_the_image():
    assert spec_for("aws", image="debian-12").admin_username == "admin"
    assert spec_for("aws", image="rhel-9").admin_username == "ec2-user"
    assert spec_for("aws").admin_username == "ubuntu"
    assert spec_for("gcp").admin_username == "vmadmin"


def test_ingress_rules_are_normalised():
    spec = spec_for(
        "aws",
        ingress=[
            {"port": 22, "sources": ["203.0.113.7"]},
            {"from_port": 8000, "to_port": 8100, "protocol": "udp", "sources": ["10.0.0.0/8", "198.51.100.0/24"]},
            {"protocol": "icmp", "sources": ["10.0.0.0/8"]},
        ],
    )
    ssh, udp, icmp = spec.ingress
    assert (ssh.protocol, ssh.from_port, ssh.to_port, ssh.sources) == ("tcp", 22, 22, ("203.0.113.7/32",))
    assert (udp.port_range, udp.sources) == ("8000-8100", ("10.0.0.0/8", "198.51.100.0/24"))
    assert (icmp.from_port, icmp.port_range) == (None, "*")


def test_gcp_labels_are_made_valid():
    assert gcp_label("Team Name/Ops") == "team_name_ops"
    assert gcp_labels({"Owner": "Jane.Doe@Example.com", "x" * 70: "v"}) == {
        "owner": "jane_doe_example_com",
        "x" * 63: "v",
    }
    assert spec_for("gcp", tags={"CostCenter": "R&D 42"}).tags == {"costcenter": "r_d_42"}


@pytest.mark.parametrize(
    ("size", "premium"),
    [
        ("Standard_B2als_v2", True),
        ("Standard_D2s_v5", True),
        ("Standard_D2as_v5", True),
        ("Standard_D2_v5", False),
        ("Standard_A2_v2", False),
        ("Standard_E4-2ds_v5", True),
        ("Standard_D2pls_v5", True),
        ("Standard_DS2_v2", True),  # the Resource SKUs' PremiumIO; the name's feature letters miss it
    ],
)
def test_azure_premium_storage_from_size_facts(size, premium):
    offering = catalog.load("azure").get(size, "eastus")
    assert azure_supports_premium(offering) is premium
    # Without facts, the 's' feature letter decides.
    from dataclasses import replace

    assert azure_supports_premium(replace(offering, facts={})) is (
        "s" in size.split("_")[1].lstrip("ABDEFLMNPS0123456789-")
    )


def test_ssh_key_checks():
    allowed = ("ssh-rsa", "ssh-ed25519")
    assert ssh_key_problem(ED25519, allowed) is None
    assert ssh_key_problem(RSA2048, allowed) is None
    assert "at least 2048 bits" in ssh_key_problem(RSA1024, allowed)
    assert "expected an OpenSSH public key" in ssh_key_problem(ECDSA, allowed)
    assert ssh_key_problem(ECDSA, (*allowed, "ecdsa-sha2-nistp256")) is None
    assert "base64" in ssh_key_problem("ssh-ed25519 not!base64", allowed)
    swapped = "ssh-rsa " + ED25519.split()[1]
    assert "does not encode a ssh-rsa key" in ssh_key_problem(swapped, allowed)


# (cloud, args, field in the error, words the message must contain)
BAD_SPECS = [
    ("aws", {"cloud": "openstack"}, "cloud", "aws, azure, gcp"),
    ("aws", {"colour": "blue"}, "colour", "unknown key"),
    ("aws", {"image": "ubuntu-18.04"}, "image", "ubuntu-24.04"),
    ("gcp", {"image": "ubuntu"}, "image", "projects/PROJECT/global/images/[family/]NAME"),
    ("azure", {"image": "debian12"}, "image", "did you mean 'debian-12'?"),
    ("aws", {"image": "windows-2022", "arch": "arm64", "admin_password": WINDOWS_PASSWORD}, "image", "no arm64 build"),
    ("aws", {"instance_type": "m7g.large", "arch": "x86_64"}, "arch", "m7g.large is arm64"),
    ("aws", {"arch": "ppc64"}, "arch", "x86_64, arm64"),
    ("aws", {"cpus": 4096, "memory_gib": 8}, "cpus/memory_gib", "nearest"),
    ("aws", {"cpus": 0}, "cpus", ">= 1"),
    ("aws", {"cpus": "two"}, "cpus", "whole number"),
    ("aws", {"memory_gib": -1}, "memory_gib", "> 0"),
    ("aws", {"instance_type": "m5.huge"}, "instance_type", "unknown aws size"),
    ("aws", {"instance_type": "m5.large", "region": "mars-north-1"}, "region", "a region of aws"),
    (
        "gcp",
        {"instance_type": "a3-highgpu-8g", "region": "africa-south1"},
        "instance_type",
        "not offered in africa-south1; offered in asia-east1",
    ),
    ("aws", {"ingress": [{"port": 22, "sources": ["10.0.0.1/8"]}]}, "ingress[0].sources", "did you mean 10.0.0.0/8"),
    ("aws", {"ingress": [{"port": 22, "sources": ["not-a-cidr"]}]}, "ingress[0].sources", "CIDR"),
    ("aws", {"ingress": [{"port": 22}]}, "ingress[0].sources", "nothing is opened to the world"),
    ("aws", {"ingress": [{"port": 22, "sources": []}]}, "ingress[0].sources", "non-empty list"),
    ("aws", {"ingress": [{"port": 0, "sources": ["10.0.0.0/8"]}]}, "ingress[0].port", "<= 65535"),
    ("aws", {"ingress": [{"port": 70000, "sources": ["10.0.0.0/8"]}]}, "ingress[0].port", "<= 65535"),
    (
        "aws",
        {"ingress": [{"from_port": 90, "to_port": 80, "sources": ["10.0.0.0/8"]}]},
        "ingress[0].from_port",
        "from_port <= to_port",
    ),
    ("aws", {"ingress": [{"port": 53, "protocol": "sctp", "sources": ["10.0.0.0/8"]}]}, "ingress[0].protocol", "tcp"),
    ("aws", {"ingress": [{"port": 1, "protocol": "icmp", "sources": ["10.0.0.0/8"]}]}, "ingress[0].port", "no ports"),
    ("aws", {"ssh_public_key": "ssh-rsa AAAA"}, "ssh_public_key", "OpenSSH public key"),
    ("aws", {"ssh_public_key": RSA1024}, "ssh_public_key", "2048 bits"),
    ("azure", {"ssh_public_key": ECDSA}, "ssh_public_key", "ssh-rsa, ssh-ed25519"),
    ("aws", {"image": "windows-2022"}, "admin_password", "need an admin password"),
    ("aws", {"image": "windows-2022", "admin_password": "short"}, "admin_password", "12-123 characters"),
    ("aws", {"admin_password": WINDOWS_PASSWORD}, "admin_password", "only for Windows"),
    ("azure", {"ssh_public_key": None}, "ssh_public_key", "need an SSH public key"),
    ("gcp", {"name": "Web_Server"}, "name", "lowercase RFC 1035"),
    ("gcp", {"name": "a" * 47}, "name", "at most 46 characters (GCP allows 63"),
    (
        "azure",
        {"name": "windows-server-01", "image": "windows-2022", "admin_password": WINDOWS_PASSWORD},
        "name",
        "15 characters",
    ),
    ("aws", {"disk_size_gib": 0}, "disk_size_gib", ">= 1"),
    ("azure", {"disk_size_gib": 40, "image": "rhel-9"}, "disk_size_gib", "at least 64 GiB"),
    ("aws", {"data_disks": [{"size_gib": -5}]}, "data_disks[0].size_gib", ">= 1"),
    ("aws", {"data_disks": [{"size_gib": 10, "disk_type": "nvme"}]}, "data_disks[0].disk_type", "ssd, standard"),
    ("gcp", {"data_disks": [{"size_gib": 10}] * 17}, "data_disks", "at most 16 data disks on every cloud"),
    ("aws", {"disk_type": "fast"}, "disk_type", "ssd, standard"),
    (
        "aws",
        {"disk_type": "standard", "disk_size_gib": 2048},
        "disk_size_gib",
        "magnetic) volumes hold at most 1024 GiB",
    ),
    (
        "aws",
        {"data_disks": [{"size_gib": 1500, "disk_type": "standard"}]},
        "data_disks[0].size_gib",
        "at most 1024 GiB",
    ),
    ("azure", {"disk_size_gib": 5000}, "disk_size_gib", "<= 4095"),
    (
        "gcp",
        {"instance_type": "c4-standard-2", "disk_type": "standard"},
        "disk_type",
        "no standard (pd-standard) boot disk",
    ),
    ("aws", {"zone": "us-west-2a"}, "zone", "an AZ ID of us-east-1 (use1-az1, use1-az2"),
    ("aws", {"zone": "use1-az9"}, "zone", "no such AZ ID in us-east-1"),
    ("aws", {"zone": "us-east-1z"}, "zone", "us-east-1 has no zone us-east-1z"),
    (
        "gcp",
        {"region": "us-east1", "zone": "us-east1-a"},
        "zone",
        "a zone of us-east1: us-east1-b, us-east1-c, us-east1-d",
    ),
    ("gcp", {"zone": "us-central1-z"}, "zone", "a zone of us-central1: us-central1-a, us-central1-b"),
    ("azure", {"zone": "4"}, "zone", "an availability zone of eastus: 1, 2, 3"),
    ("azure", {"region": "westus", "zone": "1"}, "zone", "westus has no availability zones"),
    ("aws", {"resource_group_name": "rg"}, "resource_group_name", "only applies to cloud 'azure'"),
    ("azure", {"project": "p"}, "project", "only applies to cloud 'gcp'"),
    ("aws", {"subnet_id": "subnet-xyz"}, "subnet_id", "subnet-0123456789abcdef0"),
    ("gcp", {"subnet_id": "default"}, "subnet_id", "projects/PROJECT/regions/REGION/subnetworks/NAME"),
    ("aws", {"image": "ami-123"}, "image", "AMI id"),
    ("azure", {"image": "Canonical:ubuntu"}, "image", "publisher:offer:sku:version"),
    ("azure", {"admin_username": "admin"}, "admin_username", "reserved"),
    ("aws", {"admin_username": "Bad User"}, "admin_username", "Linux user name"),
    ("gcp", {"tags": {"9lives": "x"}}, "tags.9lives", "start with a letter"),
    ("gcp", {"tags": {"Team": "a", "team": "b", "c": "d"}}, "tags", "same GCP label key: Team, team"),
    ("aws", {"tags": {"aws:owner": "x"}}, "tags.aws:owner", "not starting with 'aws:'"),
    ("aws", {"public_ip": "yes"}, "public_ip", "true or false"),
    ("aws", {"user_data": "x" * 20000}, "user_data", "at most 16384 bytes"),
]


@pytest.mark.parametrize(("cloud", "args", "field", "words"), BAD_SPECS, ids=[f"{c}-{f}" for c, _, f, _ in BAD_SPECS])
def test_bad_input_raises_spec_error_naming_vm_field_value_and_valid(cloud, args, field, words):
    args = dict(args)
    name = args.pop("name", "bad-vm")
    full = {"cloud": cloud, **args}
    if cloud == "azure" and "ssh_public_key" not in full:
        full["ssh_public_key"] = ED25519
    full = {k: v for k, v in full.items() if v is not None}
    with pytest.raises(SpecError) as raised:
        validate(name, full, DEFAULTS.get(cloud, DEFAULTS["aws"]))
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.vm == name and error.field == field
    message = str(error)
    assert f"VM {name!r}" in message and field in message and words in message


def test_error_for_impossible_size_names_the_nearest_offerings():
    with pytest.raises(SpecError) as raised:
        spec_for("gcp", cpus=1000, memory_gib=64)
    message = str(raised.value)
    assert "no gcp offering in us-central1 meets cpus=1000" in message
    assert "vCPU" in message and "GiB" in message


def test_missing_region_says_which_config_to_set():
    with pytest.raises(SpecError, match="set azure-native:location"):
        validate("vm1", {"cloud": "azure", "ssh_public_key": ED25519}, CloudDefaults())


def test_secret_values_that_are_outputs_are_not_inspected():
    class Deferred:  # stands in for a pulumi.Output
        pass

    password = Deferred()
    spec = spec_for("gcp", image="windows-2022", admin_password=password)
    assert spec.admin_password is password


def test_a_price_far_off_the_types_other_regions_is_never_chosen():
    # The snapshot prices Azure F*ams_v6 in New Zealand North at a tenth of every other region.
    raw = catalog.find_cheapest("azure", "newzealandnorth", cpus=2, memory_gib=4, burstable=False)[0]
    assert raw.instance_type == "Standard_F2ams_v6"
    spec = spec_for("azure", region="newzealandnorth", cpus=2, memory_gib=4, burstable=False)
    assert spec.instance_type != "Standard_F2ams_v6"
    assert spec.offering.price_hourly > raw.price_hourly
    # Named explicitly, the type is still allowed.
    assert (
        spec_for("azure", region="newzealandnorth", instance_type="Standard_F2ams_v6").instance_type
        == raw.instance_type
    )
