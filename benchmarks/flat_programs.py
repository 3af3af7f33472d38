"""The benchmark's flat programs: the very provider resources that one shared ``Network`` and N
``VirtualMachine`` components register (what the stack program builds), written out by hand with the
values the component resolves looked up once, outside the timed program. No component logic at all.

``bench_program.py`` checks resource by resource that they register the same types, names, inputs,
options and invokes as the components before timing anything.
"""

from __future__ import annotations

from typing import Any

NETWORK = "net"


def network_args(args: dict, zone: str | None) -> dict:
    """The NetworkArgs the stack program would give this benchmark's VMs' network."""
    network = {"cloud": args["cloud"], "regions": [args["region"]], "tags": args["tags"]}
    if args["cloud"] == "aws":
        network["zones"] = [zone]
    if args["cloud"] == "gcp":
        network["project"] = args["project"]
    return network


def _vm_opts(ignore: str, secret: str, *, delete_before_replace: bool = False, replace_on_changes=None):
    import pulumi

    return pulumi.ResourceOptions(
        ignore_changes=[ignore],
        additional_secret_outputs=[secret],
        delete_before_replace=delete_before_replace,
        replace_on_changes=replace_on_changes,
        replacement_trigger="ubuntu-24.04",
    )


# --- AWS ------------------------------------------------------------------------------------------


def aws_network(args: dict, resolved: dict, shared: dict) -> None:
    import pulumi_aws as aws

    from components.spec.network import aws_subnet_cidr

    region, zone = args["region"], resolved["zone"]
    tags = {"Name": f"{NETWORK}-{region}", **args["tags"]}
    vpc = aws.ec2.Vpc(
        f"{NETWORK}-vpc-{region}",
        cidr_block="10.42.0.0/16",
        enable_dns_hostnames=True,
        enable_dns_support=True,
        region=region,
        tags=tags,
    )
    gateway = aws.ec2.InternetGateway(f"{NETWORK}-igw-{region}", vpc_id=vpc.id, region=region, tags=tags)
    table = aws.ec2.RouteTable(
        f"{NETWORK}-rt-{region}",
        vpc_id=vpc.id,
        routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": gateway.id}],
        region=region,
        tags=tags,
    )
    subnet = aws.ec2.Subnet(
        f"{NETWORK}-subnet-{zone}",
        vpc_id=vpc.id,
        cidr_block=aws_subnet_cidr("10.42.0.0/16", zone),
        map_public_ip_on_launch=False,
        region=region,
        tags={**tags, "Name": f"{NETWORK}-{zone}"},
        availability_zone_id=zone,
    )
    aws.ec2.RouteTableAssociation(f"{NETWORK}-rta-{zone}", subnet_id=subnet.id, route_table_id=table.id, region=region)
    shared.update(vpc=vpc, subnet=subnet)


def aws_vm(name: str, args: dict, resolved: dict, shared: dict) -> None:
    import pulumi_aws as aws

    region, tags = args["region"], {"Name": name, **args["tags"]}
    security_group = aws.ec2.SecurityGroup(
        f"{name}-sg",
        vpc_id=shared["vpc"].id,
        description=f"{name}: managed by multicloud-vm",
        ingress=[
            {
                "protocol": "tcp",
                "from_port": rule["port"],
                "to_port": rule["port"],
                "description": rule["description"],
                "cidr_blocks": rule["sources"],
            }
            for rule in args["ingress"]
        ],
        egress=[
            {"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]}
        ],
        region=region,
        tags=tags,
    )
    key_pair = aws.ec2.KeyPair(f"{name}-key", public_key=args["ssh_public_key"], region=region, tags=tags)
    if "ami" not in shared:
        image = resolved["image"]
        shared["ami"] = aws.ec2.get_ami_output(
            owners=[image.owner],
            most_recent=True,
            filters=[
                {"name": "name", "values": [image.name_pattern]},
                {"name": "architecture", "values": ["x86_64"]},
                {"name": "virtualization-type", "values": ["hvm"]},
                {"name": "root-device-type", "values": ["ebs"]},
                {"name": "state", "values": ["available"]},
            ],
            region=region,
        ).id
    aws.ec2.Instance(
        f"{name}-vm",
        ami=shared["ami"],
        instance_type=resolved["instance_type"],
        subnet_id=shared["subnet"].id,
        vpc_security_group_ids=[security_group.id],
        key_name=key_pair.key_name,
        associate_public_ip_address=True,
        metadata_options={"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1},
        root_block_device={
            "volume_size": args["disk_size_gib"],
            "volume_type": "gp3",
            "encrypted": True,
            "delete_on_termination": True,
            "tags": tags,
        },
        credit_specification={"cpu_credits": "standard"},
        user_data_replace_on_change=True,
        region=region,
        tags=tags,
        opts=_vm_opts("ami", "userData"),
    )


# --- Azure ----------------------------------------------------------------------------------------


def azure_network(args: dict, resolved: dict, shared: dict) -> None:
    from pulumi_azure_native import network
    from pulumi_azure_native import resources as azure_resources

    location, tags = args["region"], dict(args["tags"])
    group = azure_resources.ResourceGroup(f"{NETWORK}-rg-{location}", location=location, tags=tags)
    vnet = network.VirtualNetwork(
        f"{NETWORK}-vnet-{location}",
        resource_group_name=group.name,
        location=location,
        address_space={"address_prefixes": ["10.42.0.0/16"]},
        tags=tags,
    )
    subnet = network.Subnet(
        f"{NETWORK}-subnet-{location}",
        resource_group_name=group.name,
        virtual_network_name=vnet.name,
        address_prefix="10.42.0.0/18",
    )
    shared.update(group=group, subnet=subnet)


def azure_vm(name: str, args: dict, resolved: dict, shared: dict) -> None:
    import pulumi
    from pulumi_azure_native import compute, network

    from components.cloud_rules.azure import REPLACE_ON_CHANGES

    location, tags, group_name = args["region"], dict(args["tags"]), shared["group"].name
    nsg = network.NetworkSecurityGroup(
        f"{name}-nsg",
        resource_group_name=group_name,
        location=location,
        security_rules=[
            {
                "name": f"allow-tcp-{rule['port']}-{index}",
                "priority": 100 + 10 * index,
                "direction": "Inbound",
                "access": "Allow",
                "protocol": "Tcp",
                "source_address_prefixes": rule["sources"],
                "source_port_range": "*",
                "destination_address_prefix": "*",
                "destination_port_range": str(rule["port"]),
                "description": rule["description"],
            }
            for index, rule in enumerate(args["ingress"])
        ],
        tags=tags,
    )
    public_ip = network.PublicIPAddress(
        f"{name}-pip",
        resource_group_name=group_name,
        location=location,
        sku={"name": "Standard", "tier": "Regional"},
        public_ip_allocation_method="Static",
        public_ip_address_version="IPv4",
        zones=None,
        tags=tags,
        opts=pulumi.ResourceOptions(replace_on_changes=["zones"]),
    )
    nic = network.NetworkInterface(
        f"{name}-nic",
        resource_group_name=group_name,
        location=location,
        ip_configurations=[
            {
                "name": "ipconfig",
                "subnet": {"id": shared["subnet"].id},
                "private_ip_allocation_method": "Dynamic",
                "primary": True,
                "public_ip_address": {"id": public_ip.id},
            }
        ],
        network_security_group={"id": nsg.id},
        tags=tags,
    )
    image = resolved["image"]
    compute.VirtualMachine(
        f"{name}-vm",
        vm_name=name,
        resource_group_name=group_name,
        location=location,
        zones=None,
        hardware_profile={"vm_size": resolved["instance_type"]},
        network_profile={"network_interfaces": [{"id": nic.id, "primary": True}]},
        os_profile={
            "computer_name": name,
            "admin_username": "vmadmin",
            "linux_configuration": {
                "disable_password_authentication": True,
                "provision_vm_agent": True,
                "ssh": {
                    "public_keys": [{"path": "/home/vmadmin/.ssh/authorized_keys", "key_data": args["ssh_public_key"]}]
                },
            },
        },
        storage_profile={
            "image_reference": {
                "publisher": image.publisher,
                "offer": image.offer,
                "sku": image.sku,
                "version": image.version,
            },
            "os_disk": {
                "name": f"{name}-osdisk",
                "create_option": "FromImage",
                "caching": "ReadWrite",
                "disk_size_gb": args["disk_size_gib"],
                "delete_option": "Delete",
                "managed_disk": {"storage_account_type": "Premium_LRS"},
            },
            "data_disks": [],
        },
        diagnostics_profile={"boot_diagnostics": {"enabled": True}},
        tags=tags,
        opts=_vm_opts(
            "storageProfile.imageReference",
            "osProfile",
            delete_before_replace=True,
            replace_on_changes=list(REPLACE_ON_CHANGES),
        ),
    )


# --- GCP ------------------------------------------------------------------------------------------


def gcp_network(args: dict, resolved: dict, shared: dict) -> None:
    import pulumi_gcp as gcp

    from components.spec.network import gcp_subnet_cidr

    project, region = args["project"], args["region"]
    net = gcp.compute.Network(
        f"{NETWORK}-net",
        auto_create_subnetworks=False,
        description=f"{NETWORK}: managed by multicloud-vm",
        project=project,
    )
    subnet = gcp.compute.Subnetwork(
        f"{NETWORK}-subnet-{region}",
        network=net.id,
        region=region,
        ip_cidr_range=gcp_subnet_cidr(region),
        private_ip_google_access=True,
        project=project,
    )
    shared.update(net=net, subnet=subnet)


def gcp_vm(name: str, args: dict, resolved: dict, shared: dict) -> None:
    import pulumi_gcp as gcp

    from components.cloud_rules.gcp import REPLACE_ON_METADATA

    project, labels = args["project"], dict(args["tags"])
    for index, rule in enumerate(args["ingress"]):
        gcp.compute.Firewall(
            f"{name}-fw-{index}",
            network=shared["net"].id,
            project=project,
            direction="INGRESS",
            source_ranges=rule["sources"],
            allows=[{"protocol": "tcp", "ports": [str(rule["port"])]}],
            target_tags=[f"{name}-vm"],
            description=rule["description"],
        )
    gcp.compute.Instance(
        f"{name}-vm",
        name=name,
        machine_type=resolved["instance_type"],
        zone=resolved["zone"],
        project=project,
        boot_disk={
            "auto_delete": True,
            "initialize_params": {
                "image": resolved["image"].path,
                "size": args["disk_size_gib"],
                "type": "pd-balanced",
                "labels": labels,
            },
        },
        attached_disks=[],
        network_interfaces=[{"subnetwork": shared["subnet"].id, "access_configs": [{"network_tier": "PREMIUM"}]}],
        metadata={"block-project-ssh-keys": "TRUE", "ssh-keys": f"vmadmin:{args['ssh_public_key']}"},
        tags=[f"{name}-vm"],
        labels=labels,
        shielded_instance_config={"enable_secure_boot": True, "enable_vtpm": True, "enable_integrity_monitoring": True},
        scheduling={"provisioning_model": "STANDARD", "automatic_restart": True, "on_host_maintenance": "MIGRATE"},
        allow_stopping_for_update=True,
        opts=_vm_opts(
            "bootDisk.initializeParams.image",
            "metadata",
            delete_before_replace=True,
            replace_on_changes=[f'metadata["{key}"]' for key in REPLACE_ON_METADATA],
        ),
    )


BUILDERS: dict[str, tuple[Any, Any]] = {
    "aws": (aws_network, aws_vm),
    "azure": (azure_network, azure_vm),
    "gcp": (gcp_network, gcp_vm),
}
