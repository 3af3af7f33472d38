"""AWS: EC2 instance, security group and key pair in a shared network's subnet (``network``), an
existing subnet (``subnet_id``) or a small dedicated VPC; and the shared network itself."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import settings

from ..cloud_rules.aws import admin_password_parameter, needs_ssm_endpoint, sent_user_data, stop_before_detaching
from ..images import AwsImage
from ..spec import IngressRule, VmSpec
from ..spec.network import NetworkSpec, aws_subnet_cidr
from ..spec.placement import AWS_AZ_ID
from .base import (
    NETWORK_CIDR,
    SUBNET_CIDR,
    NativeNetwork,
    NativeVm,
    child_opts,
    first_boot_version,
    ingress_description,
    vm_opts,
)

DATA_DEVICE_NAMES = [f"/dev/sd{letter}" for letter in "fghijklmnopqrstu"]

# One AMI lookup per (run, provider, region, image, arch), shared by every VM that needs it: the
# output and a task that completes when it resolves.
_ami_lookups: dict[tuple, tuple[pulumi.Output, asyncio.Future]] = {}
# Likewise one AZ-name lookup per (run, provider, region, AZ ID).
_zone_lookups: dict[tuple, tuple[pulumi.Output, asyncio.Future]] = {}


def zone_args(zone: str | None) -> dict:
    """A subnet's placement: by AZ ID (the same zone in every account) or, for an account-specific AZ
    name the user gave, by name."""
    if zone is None:
        return {}
    return {"availability_zone_id": zone} if AWS_AZ_ID.match(zone) else {"availability_zone": zone}


def ami_filters(image: AwsImage, arch: str) -> list[dict]:
    return [
        {"name": "name", "values": [image.name_pattern]},
        {"name": "architecture", "values": [arch]},
        {"name": "virtualization-type", "values": ["hvm"]},
        {"name": "root-device-type", "values": ["ebs"]},
        {"name": "state", "values": ["available"]},
    ]


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


def _user_data(spec: VmSpec) -> pulumi.Output | None:
    if spec.user_data is None and sent_user_data(spec, None) is None:
        return None
    return pulumi.Output.secret(pulumi.Output.from_input(spec.user_data).apply(lambda data: sent_user_data(spec, data)))


@dataclass
class WindowsAdmin:
    """What a Windows VM's first boot reads its admin password with: the user data that fetches it,
    the instance profile allowed to, and the resources the instance waits for and is replaced with."""

    user_data: pulumi.Output[str]
    instance_profile: pulumi.Output[str]
    password_store: pulumi.Resource
    depends_on: list[pulumi.Resource]


def _policy(statement: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _windows_admin(
    spec: VmSpec, parent, tags: dict, security_group, subnet_id, vpc_id, resources: dict
) -> WindowsAdmin:
    """The admin password as an SSM SecureString (write-only input), an IAM role and instance profile for
    this VM alone allowed ssm:GetParameter on that one parameter, and for a VM without a route to SSM an
    interface endpoint only its security group reaches (see cloud_rules.aws)."""
    name, region = spec.name, spec.region
    parameter = aws.ssm.Parameter(
        f"{name}-admin-password",
        name=admin_password_parameter(spec),
        type="SecureString",
        tier="Standard",
        description=f"{name}: Windows admin password, read once at first boot (multicloud-vm)",
        value_wo=pulumi.Output.secret(spec.admin_password),
        value_wo_version=first_boot_version(spec.admin_password, spec.admin_username, spec.user_data),
        region=region,
        tags=tags,
        # A new version is a new parameter, and its replacement replaces the VM (replace_with), so the
        # new first boot applies it; the name is fixed, so the old one goes first.
        opts=child_opts(parent, replace_on_changes=["valueWoVersion"], delete_before_replace=True),
    )
    role = aws.iam.Role(
        f"{name}-admin-role",
        assume_role_policy=_policy(
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ),
        description=f"{name}: reads its own admin password at first boot (multicloud-vm)",
        tags=tags,
        opts=child_opts(parent),
    )
    read = {"Effect": "Allow", "Action": "ssm:GetParameter"}
    policy = aws.iam.RolePolicy(
        f"{name}-admin-policy",
        role=role.id,
        policy=parameter.arn.apply(lambda arn: _policy({**read, "Resource": arn})),
        opts=child_opts(parent),
    )
    profile = aws.iam.InstanceProfile(f"{name}-admin-profile", role=role.name, tags=tags, opts=child_opts(parent))
    resources.update(admin_password=parameter, admin_role=role, admin_role_policy=policy, instance_profile=profile)
    endpoint_url: pulumi.Output[str | None] = pulumi.Output.from_input(None)
    if needs_ssm_endpoint(spec):
        endpoint_group = aws.ec2.SecurityGroup(
            f"{name}-ssm-sg",
            vpc_id=vpc_id,
            description=f"{name}: HTTPS from the VM to its SSM endpoint (multicloud-vm)",
            ingress=[
                {
                    "protocol": "tcp",
                    "from_port": 443,
                    "to_port": 443,
                    "security_groups": [security_group.id],
                    "description": "HTTPS from the VM",
                }
            ],
            egress=[],
            region=region,
            tags=tags,
            opts=child_opts(parent),
        )
        endpoint = aws.ec2.VpcEndpoint(
            f"{name}-ssm",
            vpc_id=vpc_id,
            service_name=f"com.amazonaws.{region}.ssm",
            vpc_endpoint_type="Interface",
            subnet_ids=[subnet_id],
            security_group_ids=[endpoint_group.id],
            # Private DNS would claim ssm.<region>.amazonaws.com for the whole VPC (one per VPC); the
            # script names this endpoint instead.
            private_dns_enabled=False,
            policy=pulumi.Output.all(parameter.arn, role.arn).apply(
                lambda arns: _policy({**read, "Resource": arns[0], "Principal": {"AWS": arns[1]}})
            ),
            region=region,
            tags=tags,
            opts=child_opts(parent),
        )
        resources.update(ssm_endpoint=endpoint, ssm_endpoint_security_group=endpoint_group)
        endpoint_url = endpoint.dns_entries.apply(
            lambda entries: f"https://{entries[0].dns_name}" if entries and entries[0].dns_name else None
        )
    user_data = pulumi.Output.secret(
        pulumi.Output.all(spec.user_data, endpoint_url).apply(lambda values: sent_user_data(spec, *values))
    )
    return WindowsAdmin(user_data, profile.name, parameter, [parameter, policy, profile])


def _lookup_ami(spec: VmSpec, parent: pulumi.ComponentResource) -> pulumi.Output[str]:
    image = spec.image.native
    if isinstance(image, str):
        return pulumi.Output.from_input(image)
    # The memo lives for one run of the program: keyed on the engine's monitor, and an entry whose
    # lookup has finished belongs to a run that is over (Pulumi's unit-test pattern keeps one monitor
    # and one root stack for all the tests of a module, each test its own run).
    provider = parent.get_provider("aws:ec2/getAmi:getAmi")
    key = (id(settings.get_monitor()), id(provider), spec.region, image.owner, image.name_pattern, spec.arch)
    cached = _ami_lookups.get(key)
    if cached is None or cached[1].done():
        ami = aws.ec2.get_ami_output(
            owners=[image.owner],
            most_recent=True,
            filters=ami_filters(image, spec.arch),
            region=spec.region,
            opts=pulumi.InvokeOutputOptions(parent=parent),
        ).id
        cached = _ami_lookups[key] = (ami, asyncio.ensure_future(ami.future(with_unknowns=True)))
    return cached[0]


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


def _dedicated_network(spec: VmSpec, parent: pulumi.ComponentResource, tags: dict, resources: dict) -> tuple:
    """A VPC and subnet for this VM alone (and an internet gateway and route only for a public IP):
    standalone use, at the cost of one of the region's VPCs (5 by default)."""
    name, region = spec.name, spec.region
    vpc = _vpc(f"{name}-vpc", NETWORK_CIDR, region, tags, parent)
    subnet = _subnet(f"{name}-subnet", vpc, SUBNET_CIDR, spec.zone, region, tags, parent)
    resources.update(vpc=vpc, subnet=subnet)
    if spec.public_ip:
        gateway, route_table = _internet_route(name, "", vpc, region, tags, parent)
        association = _associate(f"{name}-rta", subnet, route_table, region, parent)
        resources.update(internet_gateway=gateway, route_table=route_table, route_table_association=association)
    return subnet.id, vpc.id


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


def _volume_zone(spec: VmSpec, parent: pulumi.ComponentResource, subnet_lookup) -> pulumi.Input[str]:
    """The AZ name the data volumes are created in: the zone the spec placed the VM in, never the
    instance's output (a replaced instance would make it unknown, and a volume's zone is ForceNew:
    cloud_rules.aws.VOLUME_ZONE). An AZ ID is the account's AZ name through an invoke (no resource
    dependency); an existing subnet's zone through the subnet lookup."""
    if subnet_lookup is not None:
        return subnet_lookup.availability_zone
    if not AWS_AZ_ID.match(spec.zone or ""):
        return spec.zone  # an AZ name the user gave
    provider = parent.get_provider("aws:index/getAvailabilityZone:getAvailabilityZone")
    key = (id(settings.get_monitor()), id(provider), spec.region, spec.zone)
    cached = _zone_lookups.get(key)
    if cached is None or cached[1].done():
        name = aws.get_availability_zone_output(
            zone_id=spec.zone, region=spec.region, opts=pulumi.InvokeOutputOptions(parent=parent)
        ).name
        cached = _zone_lookups[key] = (name, asyncio.ensure_future(name.future(with_unknowns=True)))
    return cached[0]


def _data_disk(spec: VmSpec, disk, zone_name, instance, tags: dict, parent) -> tuple:
    """An EBS volume and its attachment, named from the disk's identity. The volume takes nothing from
    the instance; the attachment is deleted before it is replaced (the volume must be free before it is
    attached to a new instance), stopping the instance first so a mounted volume is detached cleanly
    (spot instances from one-time requests cannot be stopped: cloud_rules.aws.STOP_BEFORE_DETACHING)."""
    name = disk.resource_name(spec.name)
    old = disk.resource_name(spec.name, disk.renamed_from) if disk.renamed_from else None
    volume = aws.ebs.Volume(
        name,
        availability_zone=zone_name,
        size=disk.size_gib,
        type=disk.sent_type,
        encrypted=True,
        region=spec.region,
        tags={**tags, "Name": name},
        opts=child_opts(
            parent,
            protect=disk.protect,
            retain_on_delete=disk.retain_on_delete,
            aliases=[pulumi.Alias(name=old)] if old else None,
        ),
    )
    attachment = aws.ec2.VolumeAttachment(
        f"{name}-attachment",
        device_name=DATA_DEVICE_NAMES[disk.slot],
        volume_id=volume.id,
        instance_id=instance.id,
        stop_instance_before_detaching=stop_before_detaching(spec),
        region=spec.region,
        opts=child_opts(
            parent,
            delete_before_replace=True,
            aliases=[pulumi.Alias(name=f"{old}-attachment")] if old else None,
        ),
    )
    return volume, attachment


def provision(spec: VmSpec, parent: pulumi.ComponentResource, network: NativeNetwork | None = None) -> NativeVm:
    name, region = spec.name, spec.region
    tags = {"Name": name, **spec.tags}
    resources: dict[str, pulumi.Resource] = {}

    subnet_lookup = None
    if network is not None:
        subnet_id: pulumi.Input[str] = network.subnet_ids[spec.zone]
        vpc_id: pulumi.Input[str] = network.network_ids[region]
    elif spec.subnet_id:
        subnet_id = spec.subnet_id
        subnet_lookup = aws.ec2.get_subnet_output(
            id=spec.subnet_id, region=region, opts=pulumi.InvokeOutputOptions(parent=parent)
        )
        vpc_id = subnet_lookup.vpc_id
    else:
        subnet_id, vpc_id = _dedicated_network(spec, parent, tags, resources)

    security_group = aws.ec2.SecurityGroup(
        f"{name}-sg",
        vpc_id=vpc_id,
        description=f"{name}: managed by multicloud-vm",
        ingress=[security_group_ingress(rule) for rule in spec.ingress],
        egress=[
            {"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]}
        ],
        region=region,
        tags=tags,
        opts=child_opts(parent),
    )
    resources["security_group"] = security_group

    key_name = None
    if spec.ssh_public_key:
        key_pair = aws.ec2.KeyPair(
            f"{name}-key", public_key=spec.ssh_public_key, region=region, tags=tags, opts=child_opts(parent)
        )
        resources["key_pair"] = key_pair
        key_name = key_pair.key_name

    admin = (
        _windows_admin(spec, parent, tags, security_group, subnet_id, vpc_id, resources) if spec.is_windows else None
    )
    ami = _lookup_ami(spec, parent)
    instance = aws.ec2.Instance(
        f"{name}-vm",
        ami=ami,
        instance_type=spec.instance_type,
        subnet_id=subnet_id,
        vpc_security_group_ids=[security_group.id],
        key_name=key_name,
        associate_public_ip_address=spec.public_ip,
        metadata_options={"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1},
        root_block_device={
            "volume_size": spec.disk_size_gib,
            "volume_type": spec.os_disk_sent,
            "encrypted": True,
            "delete_on_termination": True,
            # Not volume_tags: it would fight the data volumes' own tags (cloud_rules.aws.VOLUME_TAGS).
            "tags": tags,
        },
        instance_market_options=(
            {
                "market_type": "spot",
                "spot_options": {"spot_instance_type": "one-time", "instance_interruption_behavior": "terminate"},
            }
            if spec.spot
            else None
        ),
        # Burstable types default to "unlimited" CPU credits, which bills surprise overage.
        credit_specification={"cpu_credits": "standard"} if spec.offering.burstable else None,
        user_data=admin.user_data if admin else _user_data(spec),
        # cloud-init and EC2Launch run user data once per instance: a change replaces the VM, so it runs.
        # A Windows VM is replaced with its password store instead (replace_with), so that taking the
        # password out of an earlier version's user data is a stop and start, not a rebuild; a spot VM
        # cannot be stopped.
        user_data_replace_on_change=admin is None or spec.spot,
        iam_instance_profile=admin.instance_profile if admin else None,
        region=region,
        tags=tags,
        opts=vm_opts(
            parent,
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
    resources["instance"] = instance

    if spec.data_disks:
        zone_name = _volume_zone(spec, parent, subnet_lookup)
        for disk in spec.data_disks:
            volume, attachment = _data_disk(spec, disk, zone_name, instance, tags, parent)
            resources[f"data_disk_{disk.key}"] = volume
            resources[f"data_disk_{disk.key}_attachment"] = attachment

    return NativeVm(
        vm_id=instance.id,
        private_ip=instance.private_ip,
        public_ip=instance.public_ip if spec.public_ip else None,
        image=ami,
        zone=instance.availability_zone,
        resources=resources,
    )
