"""Property-based tests over ``VirtualMachineArgs`` on all three clouds, valid and invalid inputs mixed.

* A valid spec validates, and (on a subset, under Pulumi mocks) yields a complete resource graph: the
  component, the instance/VM, the network and the firewall/security group, every child parented to
  the component, and the policy pack's mandatory policies report exactly what the spec itself asks
  for (an admin port open to the world, a size over the price ceiling or the budget) and nothing else:
  encryption, IMDSv2 and SSH-only logins are never broken by the component.
* An invalid spec (a valid one with one mutation: wrong type, out-of-range port, bad CIDR, unknown
  key, bad image, wrong-cloud key, huge cpus, ...) raises ``SpecError`` naming the mutated field,
  with the VM name and the field in the message.
* Nothing else is ever raised.

Profiles (examples per property):

    .venv/bin/pytest tests/spec/test_properties.py                              # default: 600 + 600 + 60
    HYPOTHESIS_PROFILE=thorough .venv/bin/pytest tests/spec/test_properties.py  # 10,000 + 10,000 + 1,000
"""

from __future__ import annotations

import functools
import ipaddress
import os
import re
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st

from components import SpecError, cloud_rules, pricing
from components.catalog import load as load_catalog
from components.images import IMAGE_ALIASES
from components.money import monthly_cents
from components.offline import evaluate
from components.spec import (
    AUTO_EXCLUDED,
    AZURE_RESERVED_USERNAMES,
    MAX_DATA_DISK_GIB,
    MAX_OS_DISK_GIB,
    azure_supports_premium,
    validate,
)
from components.vm import TYPE_TOKEN, VirtualMachine
from tests.support.common import DEFAULT_CONFIG, public_key

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
EXAMPLES = {
    "default": {"validate": 600, "mutations": 600, "graph": 60},
    "thorough": {"validate": 10_000, "mutations": 10_000, "graph": 1_000},
}[PROFILE]
COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
}

KEYS = {name: public_key(name) for name in ("ed25519", "rsa2048", "ecdsa256", "rsa1024")}
REGIONS = {"aws": ["us-east-1", "eu-west-1"], "azure": ["eastus", "westeurope"], "gcp": ["us-central1", "europe-west1"]}
REGIONS["aws"].append("eu-central-1")  # AZ names map to the same AZ IDs in every account there


def zones_for(offering) -> st.SearchStrategy:
    """A zone that offers the drawn size: AWS by AZ ID or, where the mapping is uniform, by name."""
    if offering.cloud == "azure":
        return st.sampled_from(["1", "2", "3"])
    if offering.zones is None:  # zones the catalog does not know (GCP C4A): any zone of the region
        return st.sampled_from(load_catalog(offering.cloud).zones(offering.region))
    zones = list(offering.zones)
    if offering.cloud == "aws":
        names = load_catalog("aws").zone_names(offering.region)
        zones += [name for name, zone_id in names.items() if zone_id in offering.zones]
    return st.sampled_from(zones)


NATIVE_IMAGES = {
    "aws": ["ami-0123456789abcdef0", "ami-12345678"],
    "azure": ["Canonical:ubuntu-24_04-lts:server:latest", "Debian:debian-12:12-gen2:0.20240101.1"],
    "gcp": ["projects/debian-cloud/global/images/family/debian-12", "ubuntu-os-cloud/ubuntu-2404-lts-amd64"],
}
SUBNETS = {
    "aws": "subnet-0123456789abcdef0",
    "azure": "/subscriptions/0000/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default",
    "gcp": "projects/shared-net/regions/REGION/subnetworks/default",
}
INSTANCE_TYPES = {
    "aws": "aws:ec2/instance:Instance",
    "azure": "azure-native:compute:VirtualMachine",
    "gcp": "gcp:compute/instance:Instance",
}
NETWORK_TYPES = {  # created unless subnet_id attaches the VM to an existing subnet
    "aws": "aws:ec2/subnet:Subnet",
    "azure": "azure-native:network:Subnet",
    "gcp": "gcp:compute/subnetwork:Subnetwork",
}
FIREWALL_TYPES = {
    "aws": "aws:ec2/securityGroup:SecurityGroup",
    "azure": "azure-native:network:NetworkSecurityGroup",
    "gcp": "gcp:compute/firewall:Firewall",
}
MAX_HOURLY_PRICE = 2.0  # policies/config.json
MAX_MONTHLY_BUDGET = 1000.0

# ------------------------------------------------------------------------------------------------
# Valid specs
# ------------------------------------------------------------------------------------------------

names = st.from_regex(r"\A[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?\Z")
usernames = st.from_regex(r"\A[a-z_][a-z0-9_]{2,12}\Z").filter(
    lambda u: u not in AZURE_RESERVED_USERNAMES and u != "root"
)
private_cidrs = st.sampled_from(["10.0.0.0/8", "192.168.1.0/24", "203.0.113.0/24", "198.51.100.7/32"])
world = st.sampled_from(["0.0.0.0/0"])
tag_keys = st.from_regex(r"\A[a-z][a-z0-9_-]{0,15}\Z")
tag_values = st.text(string.ascii_letters + string.digits + "-_ ", max_size=20)


@st.composite
def ingress_rules(draw) -> dict:
    protocol = draw(st.sampled_from(["tcp", "tcp", "udp", "icmp"]))
    rule: dict[str, Any] = {}
    if protocol != "tcp" or draw(st.booleans()):
        rule["protocol"] = protocol
    if protocol != "icmp":
        if draw(st.booleans()):
            rule["port"] = draw(st.sampled_from([22, 80, 443, 3389, 8080]) | st.integers(1, 65535))
        else:
            low = draw(st.integers(1, 65535))
            rule["from_port"], rule["to_port"] = low, draw(st.integers(low, 65535))
    sources = draw(st.lists(private_cidrs, min_size=1, max_size=3, unique=True))
    if draw(st.integers(0, 5)) == 0:
        sources.append(draw(world))
    rule["sources"] = sources
    if draw(st.booleans()):
        rule["description"] = draw(st.text(string.ascii_letters + " ", max_size=30))
    return rule


def permission_key(rule: dict) -> tuple:
    """A rule's protocol and ports: rules drawn together differ in them, so no source repeats a permission."""
    return rule.get("protocol", "tcp"), rule.get("port", rule.get("from_port")), rule.get("port", rule.get("to_port"))


@functools.cache
def size_pool(cloud: str, region: str, arch: str, burstable: bool) -> list:
    """Offerings the size search may pick in a region (priced, no GPU, of the arch, and what the
    component auto-selects: AWS Mac/high-memory excluded, Azure premium-storage sizes), cheapest first."""
    excluded = AUTO_EXCLUDED.get(cloud)
    pool = [
        o
        for o in load_catalog(cloud).offerings(region).values()
        if o.has_price
        and o.placeable
        and not o.gpu_name
        and o.arch == arch
        and (burstable or not o.burstable)
        and not (excluded and excluded.match(o.instance_type))
        and (cloud != "azure" or azure_supports_premium(o))
    ]
    return sorted(pool, key=lambda o: (o.price_hourly, o.instance_type))


@st.composite
def valid_specs(draw, cloud: str | None = None) -> tuple[str, dict]:
    cloud = cloud or draw(st.sampled_from(["aws", "azure", "gcp"]))
    region = draw(st.sampled_from(REGIONS[cloud]))
    args: dict[str, Any] = {"cloud": cloud, "region": region}
    with_zone = draw(st.booleans())

    image = draw(st.sampled_from([*IMAGE_ALIASES, None, "native"]))
    windows = image == "windows-2022"
    arch = "x86_64"
    if not windows and image != "native" and size_pool(cloud, region, "arm64", True) and draw(st.integers(0, 2)) == 0:
        arch = "arm64"
    spot = draw(st.booleans())
    burstable = draw(st.sampled_from([None, None, True, False]))
    disk_count = draw(st.integers(0, 3))
    choices = [
        o
        for o in size_pool(cloud, region, arch, burstable is not False)
        # What the size takes, as the catalog's per-size facts say (spot support, data-disk maximum).
        if not (spot and o.facts.get("spot") is False) and o.facts.get("max_data_disks", 3) >= disk_count
    ]
    # Mostly the cheap end, sometimes any size the region offers (up to the biggest, priciest).
    offering = draw(st.sampled_from(choices[:15]) if draw(st.integers(0, 3)) else st.sampled_from(choices))
    if with_zone:
        args["zone"] = draw(zones_for(offering))
    if draw(st.integers(0, 3)) == 0:
        args["instance_type"] = offering.instance_type
        if draw(st.booleans()):
            args["arch"] = arch
    else:
        # A shape the drawn offering meets, so at least one offering qualifies.
        args["cpus"] = draw(st.integers(1, max(1, int(offering.vcpus))))
        args["memory_gib"] = draw(st.sampled_from([offering.memory_gib, offering.memory_gib / 2, 0.5, 1]))
        if arch != "x86_64" or draw(st.booleans()):
            args["arch"] = arch
        if burstable is not None:
            args["burstable"] = burstable
    if spot:
        args["spot"] = True

    if image == "native":
        args["image"] = draw(st.sampled_from(NATIVE_IMAGES[cloud]))
    elif image is not None:
        args["image"] = image
    alias = IMAGE_ALIASES.get(image or "ubuntu-24.04")
    minimum = alias.min_disk_gib[cloud] if alias else 1
    if draw(st.booleans()):
        args["disk_size_gib"] = draw(st.integers(max(minimum, 1), min(MAX_OS_DISK_GIB[cloud], 2048)))
    if draw(st.booleans()):
        args["disk_type"] = "ssd"  # standard is not offered with every auto-picked GCP family
    args["data_disks"] = draw(
        st.lists(
            st.fixed_dictionaries(
                # At least the smallest disk every type the cloud sends takes (GCP Persistent Disk: 10 GiB).
                {
                    "size_gib": st.integers(
                        max(cloud_rules.rules(cloud).MIN_DISK_GIB.values(), default=1), MAX_DATA_DISK_GIB[cloud]
                    )
                },
                optional={"disk_type": st.just("ssd")},
            ),
            min_size=disk_count,
            max_size=disk_count,
        )
    )

    if windows:
        args["admin_password"] = draw(st.sampled_from(["Correct-Horse-Battery-9", "Abcdefgh1234!", "P@ssw0rdP@ssw0rd"]))
        if draw(st.booleans()):
            args["admin_username"] = draw(usernames)
    else:
        if cloud == "azure" or draw(st.booleans()):
            allowed = ["ed25519", "rsa2048"] + (["ecdsa256"] if cloud == "gcp" else [])
            args["ssh_public_key"] = KEYS[draw(st.sampled_from(allowed))]
        if draw(st.booleans()):
            args["admin_username"] = draw(usernames)
    if draw(st.booleans()):
        args["user_data"] = draw(st.text(string.printable, max_size=200))
        if cloud == "gcp" and args.get("image") in ("debian-12", "rhel-9", *NATIVE_IMAGES["gcp"]):
            # GCP's Debian and RHEL images have no cloud-init: the guest agent runs a shell script.
            args["user_data"] = "#!/bin/sh\n" + args["user_data"]
    # Each (protocol, ports, source) at most once: EC2 refuses the same permission twice in a security group.
    args["ingress"] = draw(st.lists(ingress_rules(), max_size=4, unique_by=permission_key))
    if draw(st.booleans()):
        args["public_ip"] = draw(st.booleans())
    if draw(st.integers(0, 4)) == 0:
        args["subnet_id"] = SUBNETS[cloud].replace("REGION", region)
    args["tags"] = draw(st.dictionaries(tag_keys, tag_values, max_size=4))
    if cloud == "gcp":  # without one (and no gcp:project to fall back on) a GCP spec is refused
        args["project"] = draw(st.from_regex(r"\A[a-z][a-z0-9-]{4,20}[a-z0-9]\Z"))
    if cloud == "azure" and draw(st.integers(0, 3)) == 0:
        args["resource_group_name"] = "existing-rg"
    if draw(st.integers(0, 3)) == 0:
        args["replace_on_image_change"] = draw(st.booleans())
    return draw(names), args


def check_valid(name: str, args: dict):
    spec = validate(name, args)
    assert spec.name == name and spec.cloud == args["cloud"] and spec.region == args["region"]
    if "instance_type" in args:
        assert spec.instance_type == args["instance_type"]
    else:
        assert spec.offering.vcpus >= args["cpus"] and spec.offering.memory_gib >= args["memory_gib"]
    assert len(spec.data_disks) == len(args["data_disks"])
    assert len(spec.ingress) == len(args["ingress"])
    return spec


# ------------------------------------------------------------------------------------------------
# Invalid specs: one mutation of a valid spec, and the field it must be reported under
# ------------------------------------------------------------------------------------------------

junk = st.one_of(
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), min_size=1, max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), min_size=1, max_size=2),
    st.booleans(),
)


def _size_args(args: dict) -> dict:
    """cpus/memory_gib/burstable are only read when no instance_type is given."""
    args = dict(args)
    args.pop("instance_type", None)
    args.setdefault("cpus", 2)
    args.setdefault("memory_gib", 4)
    args.pop("arch", None)
    return args


MUTATIONS = [
    "wrong_cloud_key",
    "cloud",
    "name",
    "region",
    "zone",
    "cpus",
    "huge_cpus",
    "memory",
    "arch",
    "image",
    "native_image",
    "os_type",
    "instance_type",
    "disk_size",
    "disk_type",
    "data_disks",
    "data_disk_size",
    "username",
    "ssh_key",
    "password_on_linux",
    "user_data",
    "ingress_shape",
    "ingress_port",
    "ingress_cidr",
    "ingress_protocol",
    "ingress_extra_key",
    "ingress_range",
    "ingress_no_sources",
    "bool_flag",
    "subnet_id",
    "tags",
    "junk",
    "unknown_key",
    "spot_unsupported",
    "too_many_data_disks",
    "windows_key_type",
    "standard_disk_refused",
    "cloud_init_missing",
    "too_many_ipv4_sources",
    "ipv6_source",
]

# Sizes the clouds refuse for a spec, per the cloud rules' sources (independent of the catalog data
# the generator draws from): no spot (Azure B-series, AWS t2.nano), few data disks, no pd-standard.
NO_SPOT = {"aws": "t2.nano", "azure": "Standard_B2ats_v2"}
FEW_DISKS = {"aws": ("t2.nano", 39), "azure": ("Standard_B2als_v2", 4), "gcp": ("e2-micro", 15)}
NO_STANDARD_DISK = "c3-standard-4"


@st.composite
def mutations(draw, base: tuple[str, dict], kind: str) -> tuple[str, dict, str]:
    """(name, args, expected field)."""
    name, args = base
    args = dict(args)
    cloud = args["cloud"]
    event(f"mutation: {kind}")
    windows = args.get("image") == "windows-2022"
    if kind == "spot_unsupported":
        assume(cloud in NO_SPOT and not windows)
        args = {**_size_args(args), "instance_type": NO_SPOT[cloud], "spot": True}
        args.pop("cpus"), args.pop("memory_gib"), args.pop("burstable", None)
        args.pop("subnet_id", None), args.pop("zone", None)
        assume(load_catalog(cloud).get(NO_SPOT[cloud], args["region"]) is not None)
        return name, args, "spot"
    if kind == "too_many_data_disks":
        size, limit = FEW_DISKS[cloud]
        assume(load_catalog(cloud).get(size, args["region"]) is not None and not windows and limit < 16)
        args = {**_size_args(args), "instance_type": size, "data_disks": [{"size_gib": 10}] * (limit + 1)}
        args.pop("cpus"), args.pop("memory_gib"), args.pop("burstable", None), args.pop("zone", None)
        args.pop("spot", None), args.pop("image", None), args.pop("arch", None)
        return name, args, "data_disks"
    if kind == "windows_key_type":
        assume(cloud == "aws")
        args.update(image="windows-2022", admin_password="Correct-Horse-Battery-9", ssh_public_key=KEYS["ed25519"])
        args.pop("arch", None), args.pop("admin_username", None), args.pop("user_data", None)
        args.pop("disk_size_gib", None), args.pop("os_type", None)
        if "instance_type" in args and load_catalog("aws").get(args["instance_type"], args["region"]).arch != "x86_64":
            args = _size_args(args)
        return name, args, "ssh_public_key"
    if kind == "standard_disk_refused":
        assume(cloud == "gcp" and load_catalog("gcp").get(NO_STANDARD_DISK, args["region"]) is not None)
        args = {**_size_args(args), "instance_type": NO_STANDARD_DISK, "disk_type": "standard"}
        args.pop("cpus"), args.pop("memory_gib"), args.pop("burstable", None), args.pop("zone", None)
        args.pop("arch", None), args.pop("image", None), args.pop("admin_password", None)
        return name, args, "disk_type"
    if kind == "cloud_init_missing":
        assume(cloud == "gcp")
        args.update(image="debian-12", user_data="#cloud-config\nruncmd: [touch /tmp/x]\n")
        # The alias's own minimum OS disk (10 GiB), which a native image drawn before did not have.
        args.pop("admin_password", None), args.pop("arch", None), args.pop("disk_size_gib", None)
        if "instance_type" in args and load_catalog("gcp").get(args["instance_type"], args["region"]).arch != "x86_64":
            args = _size_args(args)
        return name, args, "user_data"
    if kind == "too_many_ipv4_sources":
        # AWS refuses more than 60 IPv4 sources in one group.
        assume(cloud == "aws")
        many = [f"10.{i}.0.0/16" for i in range(61)]
        args["ingress"] = [*args["ingress"], {"port": 443, "sources": many}]
        return name, args, "ingress"
    if kind == "ipv6_source":
        # No network the component builds carries IPv6: an IPv6 source is refused on every cloud.
        source = draw(st.sampled_from(["::/0", "2001:db8::/32", "fd00::/8"]))
        index = len(args["ingress"])
        args["ingress"] = [*args["ingress"], {"port": 443, "sources": ["10.0.0.0/8", source]}]
        return name, args, f"ingress[{index}].sources"
    if kind == "unknown_key":
        key = draw(st.sampled_from(["colour", "size", "vcpus", "disk", "Cloud", "security_groups"]))
        args[key] = draw(junk | st.text(max_size=5))
        return name, args, key
    if kind == "wrong_cloud_key":
        key = draw(
            st.sampled_from([k for k, c in (("project", "gcp"), ("resource_group_name", "azure")) if c != cloud])
        )
        args[key] = "something"
        return name, args, key
    if kind == "cloud":
        args["cloud"] = draw(st.sampled_from(["oracle", "AWS", "", "gce"]) | junk)
        args.pop("project", None)
        args.pop("resource_group_name", None)
        return name, args, "cloud"
    if kind == "name":
        bad = draw(st.sampled_from(["-web", "web_", "web!", "Web Server", "x" * 90, "web.", "_x"]))
        assume(not (cloud == "aws" and re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$", bad)))
        return bad, args, "name"
    if kind == "region":
        args["region"] = draw(st.sampled_from(["mars-north-1", "us-east-9", "westeurope2", "EU"]) | st.integers(1, 99))
        args.pop("zone", None)
        return name, args, "region"
    if kind == "zone":
        args["zone"] = draw(st.sampled_from(["z", "4", "0", "us-west-2a", "europe-west4-b", "1a"]) | st.integers(1, 3))
        return name, args, "zone"
    if kind in ("cpus", "huge_cpus", "memory"):
        args = _size_args(args)
        if kind == "cpus":
            args["cpus"] = draw(st.sampled_from([0, -1, "two", 2.5, True, None, [2]]) | st.integers(max_value=0))
            return name, args, "cpus"
        if kind == "memory":
            args["memory_gib"] = draw(st.sampled_from([0, -4, "4", True, None, -0.5]))
            return name, args, "memory_gib"
        args["cpus"] = draw(st.integers(1000, 10**9))
        return name, args, "cpus/memory_gib"
    if kind == "arch":
        args["arch"] = draw(st.sampled_from(["sparc", "amd64", "ARM64", "i386"]) | junk)
        return name, args, "arch"
    if kind == "image":
        mistyped = ["", "Ubuntu-24.04", "ubuntu 24.04", "-ubuntu", "ubuntu", "debian12", "windows-95", "rhel9"]
        args["image"] = draw(st.sampled_from(mistyped) | st.integers())
        args.pop("admin_password", None)
        return name, args, "image"
    if kind == "native_image":
        bad = {
            "aws": ["ami-xyz", "ami-123", "ubuntu/images/x"],
            "azure": ["Canonical:ubuntu", "a:b:c"],
            "gcp": ["Projects/X", "-bad", "a/b/c/d"],
        }
        args["image"] = draw(st.sampled_from(bad[cloud]))
        args.pop("admin_password", None)
        return name, args, "image"
    if kind == "os_type":
        args["os_type"] = draw(st.sampled_from(["beos", "Linux", "win", ""]) | junk)
        return name, args, "os_type"
    if kind == "instance_type":
        args["instance_type"] = draw(st.sampled_from(["m99.gigantic", "Standard_Z9", "n9-standard-1000", "big"]))
        args.pop("arch", None)
        return name, args, "instance_type"
    if kind == "disk_size":
        args["disk_size_gib"] = draw(
            st.sampled_from([0, -1, "30", 30.5, True]) | st.integers(MAX_OS_DISK_GIB[cloud] + 1, 10**12)
        )
        return name, args, "disk_size_gib"
    if kind == "disk_type":
        args["disk_type"] = draw(st.sampled_from(["nvme", "SSD", "hdd", ""]) | junk)
        return name, args, "disk_type"
    if kind == "data_disks":
        args["data_disks"] = draw(
            st.sampled_from(["lots", 3]) | st.lists(st.just({"size_gib": 10}), min_size=17, max_size=20)
        )
        return name, args, "data_disks"
    if kind == "data_disk_size":
        index = len(args["data_disks"])
        bad = draw(st.sampled_from([0, -5, "10", 1.5]) | st.integers(MAX_DATA_DISK_GIB[cloud] + 1, 10**9))
        args["data_disks"] = [*args["data_disks"], {"size_gib": bad}]
        return name, args, f"data_disks[{index}].size_gib"
    if kind == "username":
        args["admin_username"] = draw(
            st.sampled_from(
                ["root", "Root" if not windows else "a/b", "bad name", "", "x" * 40, "1abc" if not windows else "a:b"]
            )
            | st.integers()
        )
        return name, args, "admin_username"
    if kind == "ssh_key":
        if cloud == "azure" and not windows and draw(st.booleans()):
            args.pop("ssh_public_key", None)
        else:
            args["ssh_public_key"] = draw(
                st.sampled_from(
                    ["not a key", "ssh-rsa AAAA", "ssh-dss AAAAB3NzaC1kc3M=", KEYS["rsa1024"], "ssh-ed25519 !!!!"]
                )
                | (st.just(KEYS["ecdsa256"]) if cloud != "gcp" else st.nothing())
                | st.integers()
            )
        return name, args, "ssh_public_key"
    if kind == "password_on_linux":
        assume(not windows and not (args.get("image") or "").lower().count("windows"))
        args["admin_password"] = "Correct-Horse-Battery-9"
        return name, args, "admin_password"
    if kind == "user_data":
        limit = {"aws": 16384, "azure": 65535, "gcp": 262144}[cloud]
        args["user_data"] = draw(st.sampled_from([123, ["#!/bin/sh"], {"runcmd": []}, "x" * (limit + 1)]))
        return name, args, "user_data"
    index = len(args["ingress"])
    rules = list(args["ingress"])
    if kind == "ingress_shape":
        if draw(st.booleans()):
            args["ingress"] = draw(st.sampled_from(["ssh", 22, {"port": 22}]))
            return name, args, "ingress"
        args["ingress"] = [*rules, draw(st.sampled_from(["22/tcp", 22, ["tcp", 22]]))]
        return name, args, f"ingress[{index}]"
    if kind == "ingress_port":
        port = draw(st.sampled_from([0, -1, 65536, 70000, "22", True, 22.5]))
        args["ingress"] = [*rules, {"port": port, "sources": ["10.0.0.0/8"]}]
        return name, args, f"ingress[{index}].port"
    if kind == "ingress_cidr":
        bad = draw(st.sampled_from(["10.0.0.1/8", "300.0.0.0/8", "anywhere", "10.0.0.0/33", "::1/200"]) | st.integers())
        args["ingress"] = [*rules, {"port": 443, "sources": ["10.0.0.0/8", bad]}]
        return name, args, f"ingress[{index}].sources"
    if kind == "ingress_protocol":
        args["ingress"] = [
            *rules,
            {"port": 443, "protocol": draw(st.sampled_from(["gre", "TCP", "all", ""])), "sources": ["10.0.0.0/8"]},
        ]
        return name, args, f"ingress[{index}].protocol"
    if kind == "ingress_extra_key":
        args["ingress"] = [*rules, {"port": 443, "sources": ["10.0.0.0/8"], "cidr": "10.0.0.0/8"}]
        return name, args, f"ingress[{index}].cidr"
    if kind == "ingress_range":
        low = draw(st.integers(2, 65535))
        args["ingress"] = [
            *rules,
            {"from_port": low, "to_port": draw(st.integers(1, low - 1)), "sources": ["10.0.0.0/8"]},
        ]
        return name, args, f"ingress[{index}].from_port"
    if kind == "ingress_no_sources":
        rule = draw(st.sampled_from([{"port": 22}, {"port": 22, "sources": []}, {"port": 22, "sources": "0.0.0.0/0"}]))
        args["ingress"] = [*rules, rule]
        return name, args, f"ingress[{index}].sources"
    if kind == "bool_flag":
        key = draw(st.sampled_from(["public_ip", "spot", "replace_on_image_change"]))
        args[key] = draw(st.sampled_from(["yes", 1, 0, "true", None if key == "never" else "no"]))
        return name, args, key
    if kind == "subnet_id":
        args["subnet_id"] = draw(
            st.sampled_from(["subnet-xyz", "vpc-0123456789abcdef0", "default", "projects/p/subnetworks/s"])
        )
        return name, args, "subnet_id"
    if kind == "tags":
        if draw(st.booleans()):
            args["tags"] = draw(st.sampled_from(["env=dev", 5, ["env"]]))
            return name, args, "tags"
        args["tags"] = {**args["tags"], "zz-bad": draw(st.sampled_from([1, None, True, ["a"]]))}
        return name, args, "tags.zz-bad"
    # junk: a wrong-typed value for a string-valued key; only a falsy value may fall back to a default.
    key = draw(
        st.sampled_from(
            [
                "cloud",
                "region",
                "zone",
                "image",
                "instance_type",
                "admin_username",
                "ssh_public_key",
                "subnet_id",
                "disk_type",
                "os_type",
                "arch",
                "tags",
                "ingress",
                "data_disks",
            ]
        )
    )
    value = draw(junk)
    if key in ("tags", "ingress", "data_disks"):
        assume(value and not isinstance(value, dict if key == "tags" else list))
    if key in ("zone",):
        assume(value is not None)
    if key == "cloud":
        args.pop("project", None)
        args.pop("resource_group_name", None)
    args[key] = value
    return name, args, key


def check_invalid(name: str, args: dict, field: str) -> None:
    note(f"expected field {field!r}")
    with pytest.raises(SpecError) as caught:
        validate(name, args)
    error = caught.value
    assert error.field == field, f"reported {error.field!r}: {error}"
    assert error.vm == str(name)
    message = str(error)
    assert f"VM {str(name)!r}" in message
    assert f"{field}=" in message
    assert error.expected


# ------------------------------------------------------------------------------------------------
# Properties
# ------------------------------------------------------------------------------------------------


@settings(max_examples=EXAMPLES["validate"], **COMMON)
@given(valid_specs())
def test_valid_specs_validate(case):
    name, args = case
    event(f"cloud: {args['cloud']}")
    check_valid(name, args)


@pytest.mark.parametrize("kind", MUTATIONS)
@settings(max_examples=EXAMPLES["mutations"] // len(MUTATIONS) + 1, **COMMON)
@given(data=st.data())
def test_invalid_specs_raise_spec_error_naming_the_field(kind, data):
    base = data.draw(valid_specs())
    name, args, field = data.draw(mutations(base, kind))
    event(f"cloud: {base[1]['cloud']}")
    check_invalid(name, args, field)


@settings(max_examples=EXAMPLES["validate"] // 2, **COMMON)
@given(st.data())
def test_mixed_inputs_either_validate_or_raise_spec_error(data):
    """Anything at all in any known key: the only exception ever raised is SpecError, and its field
    is the key that was changed (or a field inside it)."""
    name, args = data.draw(valid_specs())
    key = data.draw(st.sampled_from(sorted(args)))
    value = data.draw(junk | st.text(max_size=12) | st.none() | st.lists(junk, max_size=2))
    args = {**args, key: value}
    try:
        validate(name, args)
    except SpecError as error:
        root = re.split(r"[.\[/]", error.field)[0]
        # A changed cloud or image moves which fields are checked; otherwise the changed key is named.
        if key not in ("cloud", "image", "os_type", "arch", "instance_type", "region", "zone"):
            assert root in (key, "cpus"), f"changed {key}={value!r}, reported {error.field}: {error}"
        assert f"VM {name!r}" in str(error)


def expected_mandatory(spec) -> set[str]:
    """The mandatory policies a spec asks to break itself: an admin port open to the world, a size
    over the price ceiling (and, for a one-VM stack, over the monthly budget), or no price at all."""
    expected = set()
    for rule in spec.ingress:
        exposes = rule.protocol == "tcp" and any(rule.from_port <= port <= rule.to_port for port in (22, 3389))
        if exposes and any(ipaddress.ip_network(s).prefixlen == 0 for s in rule.sources):
            expected.add("admin-ports-open-to-internet")
    offering = spec.offering
    price = offering.hourly_price(spot=True) if spec.spot else None
    price = price if price is not None else offering.hourly_price()
    cost = pricing.spec_cost(spec)  # the budget counts the VM's full cost, as plan does
    if spec.is_windows and price is not None:
        licence = cost.part("Windows licence").hourly
        price = None if licence is None else price + licence  # an unpriced licence: price unknown
    if price is None:
        # A VM the pack cannot price (a Windows licence without a price, e.g. most burstable types)
        # fails both mandatory cost rules closed.
        expected |= {"vm-hourly-price-ceiling", "stack-monthly-budget"}
    if price is not None and price > MAX_HOURLY_PRICE:
        expected.add("vm-hourly-price-ceiling")
    monthly = cost.monthly
    if cost.part("compute").cents is None and spec.spot:
        # The pack counts a spot VM whose spot price is unknown (all of AWS in the shipped snapshot)
        # at its on-demand price, where plan leaves compute unpriced (policies/pricing.py price_vm).
        monthly += monthly_cents(offering.hourly_price()) / 100
    if monthly > MAX_MONTHLY_BUDGET:
        expected.add("stack-monthly-budget")
    return expected


@pytest.fixture(scope="module")
def harness():
    from tests.support import policy_harness

    return policy_harness


@settings(max_examples=EXAMPLES["graph"], **COMMON)
@given(valid_specs())
def test_valid_specs_build_a_complete_graph_that_breaks_no_mandatory_policy(harness, case):
    name, args = case
    cloud = args["cloud"]
    event(f"cloud: {cloud}")
    built = []
    evaluation = evaluate(lambda: built.append(VirtualMachine(name, args)), config=DEFAULT_CONFIG)
    [vm] = built
    [component] = evaluation.of_type(TYPE_TOKEN)
    assert component.name == name

    children = [r for r in evaluation.resources if r.type != TYPE_TOKEN]
    assert children and all(r.parent == component.urn for r in children)
    types = [r.type for r in children]
    assert types.count(INSTANCE_TYPES[cloud]) == 1
    instance = evaluation.of_type(INSTANCE_TYPES[cloud])[0]
    assert FIREWALL_TYPES[cloud] in types or (cloud == "gcp" and not vm.spec.ingress)
    assert (NETWORK_TYPES[cloud] in types) == ("subnet_id" not in args)
    if cloud == "azure":
        assert "azure-native:network:NetworkInterface" in types
    # The VM's own firewall (an AWS Windows VM without a public IP also gets its SSM endpoint's group).
    firewalls = [r for r in evaluation.of_type(FIREWALL_TYPES[cloud]) if not r.name.endswith("-ssm-sg")]
    # One GCP firewall and one NSG rule per rule (IPv4 only: IPv6 sources are refused); an NSG also
    # isolates the VM from its network's others (two rules at 4095-4096).
    if cloud == "gcp":
        assert len(firewalls) == len(vm.spec.ingress)
    else:
        [firewall] = firewalls
        rules = firewall.inputs.get("ingress" if cloud == "aws" else "securityRules", [])
        assert len(rules) == len(vm.spec.ingress) + (0 if cloud == "aws" else 2)

    # The instance carries the resolved spec: size, region/zone, disks.
    if cloud == "aws":
        assert instance.inputs["instanceType"] == vm.spec.instance_type
        assert instance.inputs["region"] == args["region"]
        assert instance.inputs["rootBlockDevice"]["volumeSize"] == vm.spec.disk_size_gib
        assert len(evaluation.of_type("aws:ebs/volume:Volume")) == len(args["data_disks"])
    elif cloud == "azure":
        assert instance.inputs["hardwareProfile"]["vmSize"] == vm.spec.instance_type
        assert instance.inputs["location"] == args["region"]
        assert len(instance.inputs["storageProfile"]["dataDisks"]) == len(args["data_disks"])
    else:
        assert instance.inputs["machineType"] == vm.spec.instance_type
        assert instance.inputs["zone"].startswith(args["region"] + "-")
        assert len(evaluation.of_type("gcp:compute/disk:Disk")) == len(args["data_disks"])

    violations = harness.run_on_evaluation(evaluation, harness.load_pack_config(), DEFAULT_CONFIG)
    mandatory = {v.policy for v in violations if v.level == "mandatory"}
    note(f"violations: {harness.summary(violations)}")
    assert not harness.not_run(violations)
    assert mandatory == expected_mandatory(vm.spec)


def test_profiles_give_at_least_500_examples_by_default():
    assert EXAMPLES["validate"] + EXAMPLES["mutations"] >= 500
    assert EXAMPLES["graph"] >= 50
