"""AWS: EC2 instance, security group and key pair in a shared network's subnet (``network``), an
existing subnet (``subnet_id``) or a small dedicated VPC; and the shared network itself. A Windows
VM's password store is in ``aws_windows``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import settings

from ..cloud_rules.aws import sent_user_data, stop_before_detaching
from ..images import AwsImage
from ..spec import IngressRule, VmSpec
from ..spec.model import DataDisk
from ..spec.network import NetworkSpec, aws_subnet_cidr
from ..spec.placement import AWS_AZ_ID
from .aws_windows import WindowsAdmin, password_store
from .base import (
    NETWORK_CIDR,
    SUBNET_CIDR,
    NativeNetwork,
    NativeVm,
    VmBuild,
    child_opts,
    ingress_description,
    vm_opts,
)

DATA_DEVICE_NAMES = [f"/dev/sd{letter}" for letter in "fghijklmnopqrstu"]

# One AMI lookup per (run, provider, region, image, arch), shared by every VM that needs it: the
# output and a task that completes when it resolves.
_ami_lookups: dict[tuple, tuple[pulumi.Output, asyncio.Future]] = {}
# Likewise one AZ-name lookup per (run, provider, region, AZ ID).
_zone_lookups: dict[tuple, tuple[pulumi.Output, asyncio.Future]] = {}


def provision(spec: VmSpec, parent: pulumi.ComponentResource, network: NativeNetwork | None = None) -> NativeVm:
    """An EC2 instance in its subnet, behind its security group, with its key pair, its password store
    (Windows) and its data volumes."""
    build = VmBuild(spec, parent, tags={"Name": spec.name, **spec.tags})
    subnet = subnet_for(build, network)
    security_group = firewall(build, subnet)
    key_name = key_pair(build)
    admin = password_store(build, subnet.id, subnet.vpc_id, security_group) if spec.is_windows else None
    image = ami(spec, parent)
    vm = instance(build, subnet, security_group, key_name, admin, image)
    data_disks(build, subnet, vm)
    return outputs(build, vm, image)


@dataclass(frozen=True)
class Subnet:
    """Where the VM goes: its subnet, the subnet's VPC and, for an existing subnet (``subnet_id``), the
    subnet's AZ name as the lookup found it."""

    id: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    zone_name: pulumi.Input[str] | None = None


def subnet_for(build: VmBuild, network: NativeNetwork | None) -> Subnet:
    """The shared network's subnet in the VM's zone, the existing ``subnet_id`` (its VPC and zone looked
    up), or a dedicated network's subnet."""
    spec = build.spec
    if network is not None:
        return Subnet(network.subnet_ids[spec.zone], network.network_ids[spec.region])
    if spec.subnet_id:
        lookup = aws.ec2.get_subnet_output(
            id=spec.subnet_id, region=spec.region, opts=pulumi.InvokeOutputOptions(parent=build.parent)
        )
        return Subnet(spec.subnet_id, lookup.vpc_id, lookup.availability_zone)
    return dedicated_network(build)


def dedicated_network(build: VmBuild) -> Subnet:
    """A VPC and subnet for this VM alone (and an internet gateway and route only for a public IP):
    standalone use, at the cost of one of the region's VPCs (5 by default)."""
    spec, parent, tags = build.spec, build.parent, build.tags
    name, region = spec.name, spec.region
    vpc = build.add("vpc", _vpc(f"{name}-vpc", NETWORK_CIDR, region, tags, parent))
    subnet = build.add("subnet", _subnet(f"{name}-subnet", vpc, SUBNET_CIDR, spec.zone, region, tags, parent))
    if spec.public_ip:
        gateway, route_table = _internet_route(name, "", vpc, region, tags, parent)
        association = _associate(f"{name}-rta", subnet, route_table, region, parent)
        build.resources.update(internet_gateway=gateway, route_table=route_table, route_table_association=association)
    return Subnet(subnet.id, vpc.id)


EGRESS_ANYWHERE = {
    "protocol": "-1",
    "from_port": 0,
    "to_port": 0,
    "cidr_blocks": ["0.0.0.0/0"],
    "ipv6_cidr_blocks": ["::/0"],
}


def firewall(build: VmBuild, subnet: Subnet) -> aws.ec2.SecurityGroup:
    """The VM's security group: the spec's ingress rules in, anything out."""
    name = build.name
    return build.add(
        "security_group",
        aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=subnet.vpc_id,
            description=f"{name}: managed by multicloud-vm",
            ingress=[security_group_ingress(rule) for rule in build.spec.ingress],
            egress=[EGRESS_ANYWHERE],
            region=build.spec.region,
            tags=build.tags,
            opts=build.opts(),
        ),
    )


def security_group_ingress(rule: IngressRule) -> dict:
    """An inline security-group ingress entry; icmp uses -1/-1 (all types and codes)."""
    entry: dict[str, Any] = {
        "protocol": rule.protocol,
        "from_port": -1 if rule.from_port is None else rule.from_port,
        "to_port": -1 if rule.to_port is None else rule.to_port,
        "description": ingress_description(rule),
    }
    entry["cidr_blocks"] = list(rule.sources)  # IPv4 only: validation refuses IPv6 sources
    return entry


def key_pair(build: VmBuild) -> pulumi.Output[str] | None:
    """The key pair of the spec's SSH key (none without one), by name. The public address is the
    instance's own (``associate_public_ip_address``)."""
    spec = build.spec
    if not spec.ssh_public_key:
        return None
    key = aws.ec2.KeyPair(
        f"{spec.name}-key", public_key=spec.ssh_public_key, region=spec.region, tags=build.tags, opts=build.opts()
    )
    return build.add("key_pair", key).key_name


def ami(spec: VmSpec, parent: pulumi.ComponentResource) -> pulumi.Output[str]:
    """The AMI id: a native id as given, an alias's newest image by lookup, one lookup per run,
    provider, region, image and architecture, shared by every VM that needs it."""
    image = spec.image.native
    if isinstance(image, str):
        return pulumi.Output.from_input(image)
    provider = parent.get_provider("aws:ec2/getAmi:getAmi")
    return _once_per_run(
        _ami_lookups,
        (id(provider), spec.region, image.owner, image.name_pattern, spec.arch),
        lambda: (
            aws.ec2.get_ami_output(
                owners=[image.owner],
                most_recent=True,
                filters=ami_filters(image, spec.arch),
                region=spec.region,
                opts=pulumi.InvokeOutputOptions(parent=parent),
            ).id
        ),
    )


def _once_per_run(memo: dict, key: tuple, lookup: Callable[[], pulumi.Output]) -> pulumi.Output:
    """``lookup()``'s output, invoked once per ``key`` in a run of the program. The memo is keyed on
    the engine's monitor too, and an entry whose lookup has finished belongs to a run that is over
    (Pulumi's unit-test pattern keeps one monitor and one root stack for all the tests of a module,
    each test its own run)."""
    key = (id(settings.get_monitor()), *key)
    cached = memo.get(key)
    if cached is None or cached[1].done():
        output = lookup()
        cached = memo[key] = (output, asyncio.ensure_future(output.future(with_unknowns=True)))
    return cached[0]


def ami_filters(image: AwsImage, arch: str) -> list[dict]:
    return [
        {"name": "name", "values": [image.name_pattern]},
        {"name": "architecture", "values": [arch]},
        {"name": "virtualization-type", "values": ["hvm"]},
        {"name": "root-device-type", "values": ["ebs"]},
        {"name": "state", "values": ["available"]},
    ]


def instance(
    build: VmBuild,
    subnet: Subnet,
    security_group: aws.ec2.SecurityGroup,
    key_name: pulumi.Output[str] | None,
    admin: WindowsAdmin | None,
    image: pulumi.Output[str],
) -> aws.ec2.Instance:
    """The EC2 instance: IMDSv2 only, an encrypted root volume, spot and CPU credits as the spec says,
    the user data (on Windows the script reading the password store) sent as a secret."""
    spec = build.spec
    vm = aws.ec2.Instance(
        f"{spec.name}-vm",
        ami=image,
        instance_type=spec.instance_type,
        subnet_id=subnet.id,
        vpc_security_group_ids=[security_group.id],
        key_name=key_name,
        associate_public_ip_address=spec.public_ip,
        metadata_options={"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1},
        root_block_device=root_block_device(spec, build.tags),
        instance_market_options=instance_market_options(spec),
        # Burstable types default to "unlimited" CPU credits, which bills surprise overage.
        credit_specification={"cpu_credits": "standard"} if spec.offering.burstable else None,
        user_data=admin.user_data if admin else _user_data(spec),
        # cloud-init and EC2Launch run user data once per instance: a change replaces the VM, so it runs.
        # A Windows VM is replaced with its password store instead (replace_with), so that taking the
        # password out of an earlier version's user data is a stop and start, not a rebuild; a spot VM
        # cannot be stopped.
        user_data_replace_on_change=admin is None or spec.spot,
        iam_instance_profile=admin.instance_profile if admin else None,
        region=spec.region,
        tags=build.tags,
        opts=vm_opts(
            build.parent,
            spec,
            image_property="ami",
            secret_property="userData",
            fixed_name=False,
            # A spot instance cannot be stopped to change its type (cloud_rules.aws.LIFECYCLE).
            replace_on_changes=["instanceType"] if spec.spot else (),
            replace_with=[admin.password_store] if admin else None,
            depends_on=admin.depends_on if admin else None,
        ),
    )
    return build.add("instance", vm)


def root_block_device(spec: VmSpec, tags: dict) -> dict:
    return {
        "volume_size": spec.disk_size_gib,
        "volume_type": spec.os_disk_sent,
        "encrypted": True,
        "delete_on_termination": True,
        # Not volume_tags: it would fight the data volumes' own tags (cloud_rules.aws.VOLUME_TAGS).
        "tags": tags,
    }


def instance_market_options(spec: VmSpec) -> dict | None:
    """A one-time spot request whose interruption terminates the instance; none on demand."""
    if not spec.spot:
        return None
    return {
        "market_type": "spot",
        "spot_options": {"spot_instance_type": "one-time", "instance_interruption_behavior": "terminate"},
    }


def _user_data(spec: VmSpec) -> pulumi.Output | None:
    if spec.user_data is None and sent_user_data(spec, None) is None:
        return None
    return pulumi.Output.secret(pulumi.Output.from_input(spec.user_data).apply(lambda data: sent_user_data(spec, data)))


def data_disks(build: VmBuild, subnet: Subnet, instance: aws.ec2.Instance) -> None:
    """Each data disk: an EBS volume in the VM's zone and its attachment to ``instance``."""
    if not build.spec.data_disks:
        return
    zone_name = volume_zone(build, subnet)
    for disk in build.spec.data_disks:
        _data_disk(build, disk, zone_name, instance)


def volume_zone(build: VmBuild, subnet: Subnet) -> pulumi.Input[str]:
    """The AZ name the data volumes are created in: the zone the spec placed the VM in, never the
    instance's output (a replaced instance would make it unknown, and a volume's zone is ForceNew:
    cloud_rules.aws.VOLUME_ZONE). An AZ ID is the account's AZ name through an invoke (no resource
    dependency); an existing subnet's zone comes from its lookup."""
    spec = build.spec
    if subnet.zone_name is not None:
        return subnet.zone_name
    if not AWS_AZ_ID.match(spec.zone or ""):
        return spec.zone  # an AZ name the user gave
    provider = build.parent.get_provider("aws:index/getAvailabilityZone:getAvailabilityZone")
    return _once_per_run(
        _zone_lookups,
        (id(provider), spec.region, spec.zone),
        lambda: (
            aws.get_availability_zone_output(
                zone_id=spec.zone, region=spec.region, opts=pulumi.InvokeOutputOptions(parent=build.parent)
            ).name
        ),
    )


def _data_disk(build: VmBuild, disk: DataDisk, zone_name: pulumi.Input[str], instance: aws.ec2.Instance) -> None:
    """An EBS volume and its attachment, named from the disk's identity. The volume takes nothing from
    the instance; the attachment is deleted before it is replaced (the volume must be free before it is
    attached to a new instance), stopping the instance first so a mounted volume is detached cleanly
    (spot instances from one-time requests cannot be stopped: cloud_rules.aws.STOP_BEFORE_DETACHING)."""
    spec = build.spec
    name = disk.resource_name(spec.name)
    old = disk.resource_name(spec.name, disk.renamed_from) if disk.renamed_from else None
    volume = aws.ebs.Volume(
        name,
        availability_zone=zone_name,
        size=disk.size_gib,
        type=disk.sent_type,
        encrypted=True,
        region=spec.region,
        tags={**build.tags, "Name": name},
        opts=build.opts(
            protect=disk.protect,
            retain_on_delete=disk.retain_on_delete,
            aliases=[pulumi.Alias(name=old)] if old else None,
        ),
    )
    build.add(f"data_disk_{disk.key}", volume)
    attachment = aws.ec2.VolumeAttachment(
        f"{name}-attachment",
        device_name=DATA_DEVICE_NAMES[disk.slot],
        volume_id=volume.id,
        instance_id=instance.id,
        stop_instance_before_detaching=stop_before_detaching(spec),
        region=spec.region,
        opts=build.opts(delete_before_replace=True, aliases=[pulumi.Alias(name=f"{old}-attachment")] if old else None),
    )
    build.add(f"data_disk_{disk.key}_attachment", attachment)


def outputs(build: VmBuild, instance: aws.ec2.Instance, image: pulumi.Output[str]) -> NativeVm:
    return NativeVm(
        vm_id=instance.id,
        private_ip=instance.private_ip,
        public_ip=instance.public_ip if build.spec.public_ip else None,
        image=image,
        zone=instance.availability_zone,
        resources=build.resources,
    )


def provision_network(spec: NetworkSpec, parent: pulumi.ComponentResource) -> NativeNetwork:
    """Per region: a VPC, an internet gateway with a default route (used only by VMs with a public IP:
    the others have no public address to route), and a subnet per AZ ID in ``spec.zones``."""
    network_ids, subnet_ids, resources = {}, {}, {}
    for region in spec.regions:
        tags = {"Name": f"{spec.name}-{region}", **spec.tags}
        vpc = _vpc(f"{spec.name}-vpc-{region}", spec.cidr, region, tags, parent)
        gateway, route_table = _internet_route(spec.name, f"-{region}", vpc, region, tags, parent)
        network_ids[region] = vpc.id
        resources.update(
            {f"vpc_{region}": vpc, f"internet_gateway_{region}": gateway, f"route_table_{region}": route_table}
        )
        for zone in spec.zones_of(region):
            zone_tags = {**tags, "Name": f"{spec.name}-{zone}"}
            subnet = _subnet(
                f"{spec.name}-subnet-{zone}", vpc, aws_subnet_cidr(spec.cidr, zone), zone, region, zone_tags, parent
            )
            association = _associate(f"{spec.name}-rta-{zone}", subnet, route_table, region, parent)
            subnet_ids[zone] = subnet.id
            resources.update({f"subnet_{zone}": subnet, f"route_table_association_{zone}": association})
    return NativeNetwork(network_ids=network_ids, subnet_ids=subnet_ids, resources=resources)


def _vpc(name: str, cidr: str, region: str, tags: dict, parent: pulumi.Resource) -> aws.ec2.Vpc:
    return aws.ec2.Vpc(
        name,
        cidr_block=cidr,
        enable_dns_hostnames=True,
        enable_dns_support=True,
        region=region,
        tags=tags,
        opts=child_opts(parent),
    )


def _subnet(name: str, vpc, cidr: str, zone: str | None, region: str, tags: dict, parent) -> aws.ec2.Subnet:
    return aws.ec2.Subnet(
        name,
        vpc_id=vpc.id,
        cidr_block=cidr,
        map_public_ip_on_launch=False,
        region=region,
        tags=tags,
        opts=child_opts(parent),
        **zone_args(zone),
    )


def zone_args(zone: str | None) -> dict:
    """A subnet's placement: by AZ ID (the same zone in every account) or, for an account-specific AZ
    name the user gave, by name."""
    if zone is None:
        return {}
    return {"availability_zone_id": zone} if AWS_AZ_ID.match(zone) else {"availability_zone": zone}


def _internet_route(prefix: str, suffix: str, vpc, region: str, tags: dict, parent) -> tuple:
    """An internet gateway and a route table sending 0.0.0.0/0 to it: ``<prefix>-igw<suffix>`` and
    ``<prefix>-rt<suffix>``."""
    gateway = aws.ec2.InternetGateway(
        f"{prefix}-igw{suffix}", vpc_id=vpc.id, region=region, tags=tags, opts=child_opts(parent)
    )
    route_table = aws.ec2.RouteTable(
        f"{prefix}-rt{suffix}",
        vpc_id=vpc.id,
        routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": gateway.id}],
        region=region,
        tags=tags,
        opts=child_opts(parent),
    )
    return gateway, route_table


def _associate(name: str, subnet, route_table, region: str, parent) -> aws.ec2.RouteTableAssociation:
    return aws.ec2.RouteTableAssociation(
        name, subnet_id=subnet.id, route_table_id=route_table.id, region=region, opts=child_opts(parent)
    )
