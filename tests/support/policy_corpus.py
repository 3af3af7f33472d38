"""The policy corpus: for every resource type a rule checks, an insecure shape (every rule that
checks the type must block it) and a secure shape (no rule may), written as ordinary Pulumi
programs with the provider SDK classes; plus per-rule shapes for the semantics each rule must get
right (address sets, rule order, defaults, case, inheritance).

Each builder creates the resource named ``name`` (and what it needs) inside a program run under
mocks; tests/support/corpus.py gathers these with the other corpus modules, and tests/policies/test_policy_corpus.py
runs them and feeds what they register to the pack.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

import pulumi_aws as aws
import pulumi_azure_native as azure
import pulumi_gcp as gcp

OWNER = {"owner": "team-a"}
GOOD_AMI, BAD_AMI = "ami-0good1234", "ami-0bad5678"
UNPRICED = {"aws": "x9.unpriced", "azure": "Standard_X9_unpriced", "gcp": "x9-unpriced-8"}
STACK_CONFIG = {
    "aws:region": "us-east-1",
    "aws-native:region": "us-east-1",
    "azure-native:location": "eastus",
    "azure:location": "eastus",
    "gcp:project": "demo",
    "gcp:zone": "us-central1-a",
    "gcp:region": "us-central1",
}
# Every rule switched on: regions and images limited, the budget judged by its own cases.
PACK_CONFIG = {
    "allowed-regions": {"allowedRegions": {"aws": ["us-east-1"], "azure": ["eastus"], "gcp": ["us-central1"]}},
    "allowed-images": {
        "allowedImages": {
            "aws": ["ami-0good*"],
            "azure": [
                "Canonical:*",
                "MicrosoftWindowsServer:*",
                "MicrosoftSQLServer:*",
                "MicrosoftVisualStudio:*",
                "vendor:*",
            ],
            "gcp": ["debian-cloud/*"],
        }
    },
    "stack-monthly-budget": {"maxMonthlyBudget": 10**9},
}


@dataclass(frozen=True)
class Shape:
    """A resource of ``type`` named ``name``, built by ``build(name)``; ``rules`` limits the rules
    it is an example for (empty: every rule that checks the type)."""

    type: str
    build: Callable[[str], object]
    secure: bool = True  # False: every shape of the type is flagged (no secure example exists)
    never_secure_for: tuple[str, ...] = ()  # rules that flag every shape of it


# --- AWS -----------------------------------------------------------------------------------------

# User data with a secret in it (the password a PowerShell script sets), plain and base64.
SECRET_SCRIPT = "<powershell>\n$p = ConvertTo-SecureString 'Corr3ct-Horse-Battery!' -AsPlainText -Force\n</powershell>"
SECRET_SCRIPT_B64 = base64.b64encode(SECRET_SCRIPT.encode()).decode()

SSH_WORLD = {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}
SSH_VPN = {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]}
BAD_EBS = {"device_name": "/dev/xvda", "ebs": {"volume_size": 8, "encrypted": "false"}}
GOOD_EBS = {"device_name": "/dev/xvda", "ebs": {"volume_size": 8, "encrypted": "true"}}


# What a secure instance or spot request sets.
SECURE_LAUNCH = {
    "ami": GOOD_AMI,
    "instance_type": "t3.micro",
    "metadata_options": {"http_tokens": "required"},
    "root_block_device": {"encrypted": True},
    "tags": OWNER,
}


def aws_instance(name, good):
    if good:
        return aws.ec2.Instance(name, **SECURE_LAUNCH)
    return aws.ec2.Instance(
        name,
        ami=BAD_AMI,
        instance_type=UNPRICED["aws"],
        availability_zone="eu-west-1a",
        associate_public_ip_address=True,
        metadata_options={"http_tokens": "optional"},
        root_block_device={"encrypted": False},
        user_data=SECRET_SCRIPT,
        tags={"team": "a"},
    )


def aws_spot_request(name, good):
    common = {"spot_price": "0.05", "wait_for_fulfillment": False}
    if good:
        return aws.ec2.SpotInstanceRequest(name, **SECURE_LAUNCH, **common)
    return aws.ec2.SpotInstanceRequest(
        name,
        ami=BAD_AMI,
        instance_type=UNPRICED["aws"],
        availability_zone="eu-west-1b",
        associate_public_ip_address=True,
        ebs_block_devices=[{"device_name": "/dev/sdf", "volume_size": 10}],
        user_data=SECRET_SCRIPT,
        tags={},
        **common,
    )


def aws_launch_template(name, good):
    if good:
        return aws.ec2.LaunchTemplate(
            name,
            image_id=GOOD_AMI,
            instance_type="t3.micro",
            metadata_options={"http_tokens": "required"},
            block_device_mappings=[GOOD_EBS],
        )
    return aws.ec2.LaunchTemplate(
        name,
        image_id=BAD_AMI,
        instance_type=UNPRICED["aws"],
        region="eu-west-1",
        metadata_options={"http_tokens": "optional"},
        block_device_mappings=[BAD_EBS],
        network_interfaces=[{"associate_public_ip_address": "true"}],
        user_data=SECRET_SCRIPT_B64,
    )


def aws_launch_configuration(name, good):
    if good:
        return aws.ec2.LaunchConfiguration(
            name,
            image_id=GOOD_AMI,
            instance_type="t3.micro",
            metadata_options={"http_tokens": "required"},
            root_block_device={"encrypted": True},
        )
    return aws.ec2.LaunchConfiguration(
        name,
        image_id=BAD_AMI,
        instance_type=UNPRICED["aws"],
        region="eu-west-1",
        associate_public_ip_address=True,
        root_block_device={"encrypted": False},
        user_data=SECRET_SCRIPT,
    )


def aws_group(name, good):
    if good:
        template = aws_launch_template(f"{name}-lt", True)
        return aws.autoscaling.Group(
            name,
            min_size=1,
            max_size=4,
            desired_capacity=2,
            availability_zones=["us-east-1a"],
            launch_template={"id": template.id, "version": "$Latest"},
            tags=[{"key": "owner", "value": "team-a", "propagate_at_launch": True}],
        )
    return aws.autoscaling.Group(
        name,
        min_size=2,
        max_size=4,
        availability_zones=["eu-west-1a"],
        mixed_instances_policy={
            "launch_template": {
                "launch_template_specification": {"launch_template_name": "somewhere-else"},
                "overrides": [{"instance_type": "t3.micro"}, {"instance_type": UNPRICED["aws"]}],
            }
        },
        tags=[{"key": "team", "value": "a", "propagate_at_launch": True}],
    )


def aws_spot_fleet(name, good):
    role = "arn:aws:iam::123456789012:role/fleet"
    if good:
        template = aws_launch_template(f"{name}-lt", True)
        return aws.ec2.SpotFleetRequest(
            name,
            iam_fleet_role=role,
            target_capacity=2,
            launch_template_configs=[{"launch_template_specification": {"id": template.id, "version": "$Latest"}}],
            tags=OWNER,
        )
    return aws.ec2.SpotFleetRequest(
        name,
        iam_fleet_role=role,
        target_capacity=3,
        region="eu-west-1",
        launch_specifications=[
            {
                "ami": BAD_AMI,
                "instance_type": UNPRICED["aws"],
                "associate_public_ip_address": True,
                "root_block_devices": [{"volume_size": 8, "encrypted": False}],
                "user_data": SECRET_SCRIPT,
            }
        ],
    )


def aws_ec2_fleet(name, good):
    if good:
        template = aws_launch_template(f"{name}-lt", True)
        return aws.ec2.Fleet(
            name,
            launch_template_configs=[
                {"launch_template_specification": {"launch_template_id": template.id, "version": "$Latest"}}
            ],
            target_capacity_specification={"default_target_capacity_type": "on-demand", "total_target_capacity": 2},
            tags=OWNER,
        )
    return aws.ec2.Fleet(
        name,
        region="eu-west-1",
        launch_template_configs=[
            {
                "launch_template_specification": {"launch_template_name": "elsewhere", "version": "1"},
                "overrides": [{"instance_type": UNPRICED["aws"]}],
            }
        ],
        target_capacity_specification={"default_target_capacity_type": "spot", "total_target_capacity": 5},
    )


def aws_lightsail(name, good):
    if good:
        return aws.lightsail.Instance(
            name, availability_zone="us-east-1a", blueprint_id="ubuntu_22_04", bundle_id="nano_3_0", tags=OWNER
        )
    return aws.lightsail.Instance(
        name,
        availability_zone="eu-west-1a",
        blueprint_id="ubuntu_22_04",
        bundle_id="xlarge_3_0",
        user_data=SECRET_SCRIPT,
    )


AWS_SHAPES = [
    Shape("aws:ec2/instance:Instance", aws_instance),
    Shape("aws:ec2/spotInstanceRequest:SpotInstanceRequest", aws_spot_request),
    Shape("aws:ec2/launchTemplate:LaunchTemplate", aws_launch_template),
    Shape("aws:ec2/launchConfiguration:LaunchConfiguration", aws_launch_configuration),
    Shape("aws:autoscaling/group:Group", aws_group),
    Shape("aws:ec2/spotFleetRequest:SpotFleetRequest", aws_spot_fleet),
    Shape("aws:ec2/fleet:Fleet", aws_ec2_fleet),
    # A Lightsail bundle has no catalog price: never "secure" for vm-price-unknown (priced by assumption).
    Shape("aws:lightsail/instance:Instance", aws_lightsail, never_secure_for=("vm-price-unknown",)),
    Shape(
        "aws:ec2/securityGroup:SecurityGroup",
        lambda n, good: aws.ec2.SecurityGroup(n, ingress=[SSH_VPN if good else SSH_WORLD]),
    ),
    Shape(
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        lambda n, good: aws.ec2.DefaultSecurityGroup(n, vpc_id="vpc-1", ingress=[SSH_VPN if good else SSH_WORLD]),
    ),
    Shape(
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        lambda n, good: aws.ec2.SecurityGroupRule(
            n,
            type="egress" if good else "ingress",
            protocol="tcp",
            from_port=3389,
            to_port=3389,
            cidr_blocks=["0.0.0.0/0"],
            security_group_id="sg-1",
        ),
    ),
    Shape(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        lambda n, good: aws.vpc.SecurityGroupIngressRule(
            n, security_group_id="sg-1", ip_protocol="-1", cidr_ipv4="10.1.0.0/16" if good else "0.0.0.0/0"
        ),
    ),
    Shape(
        "aws:lightsail/instancePublicPorts:InstancePublicPorts",
        lambda n, good: aws.lightsail.InstancePublicPorts(
            n,
            instance_name="web",
            port_infos=[
                {
                    "protocol": "tcp",
                    "from_port": 22,
                    "to_port": 22,
                    **({"cidr_list_aliases": ["lightsail-connect"]} if good else {}),
                }
            ],
        ),
    ),
    Shape(
        "aws:ebs/volume:Volume",
        lambda n, good: (
            aws.ebs.Volume(n, availability_zone="us-east-1a", size=10, encrypted=True, tags=OWNER)
            if good
            else aws.ebs.Volume(n, availability_zone="eu-west-1a", size=10)
        ),
    ),
    Shape(
        "aws:ebs/volumeCopy:VolumeCopy",
        lambda n, good: (
            aws.ebs.VolumeCopy(n, source_volume_id="vol-1", tags=OWNER)
            if good
            else aws.ebs.VolumeCopy(n, source_volume_id="vol-1", region="eu-west-1")
        ),
    ),
    Shape(
        "aws:lightsail/disk:Disk",
        lambda n, good: (
            aws.lightsail.Disk(n, availability_zone="us-east-1a", size_in_gb=8, tags=OWNER)
            if good
            else aws.lightsail.Disk(n, availability_zone="eu-west-1a", size_in_gb=8)
        ),
    ),
    Shape(
        "aws:ebs/snapshotImport:SnapshotImport",
        lambda n, good: aws.ebs.SnapshotImport(
            n,
            disk_container={"format": "VHD", "user_bucket": {"s3_bucket": "b", "s3_key": "k"}},
            encrypted=good or None,
        ),
    ),
    Shape(
        "aws:ec2/eip:Eip",
        lambda n, good: aws.ec2.Eip(n, domain="vpc") if good else aws.ec2.Eip(n, domain="vpc", instance="i-1"),
    ),
    # An association always attaches an address: there is no secure shape of it.
    Shape(
        "aws:ec2/eipAssociation:EipAssociation",
        lambda n, good: aws.ec2.EipAssociation(n, allocation_id="eipalloc-1", instance_id="i-1"),
        secure=False,
    ),
]


# --- Azure ---------------------------------------------------------------------------------------

SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINB4VrRPQ1v/2LB9OSaQK4UGrCtSZb+uvIBK7XrERtnD dev@example.com"
UBUNTU = {"publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"}
WINDOWS_IMAGE = {
    "publisher": "MicrosoftWindowsServer",
    "offer": "WindowsServer",
    "sku": "2022-datacenter",
    "version": "latest",
}
EVIL_IMAGE = {"publisher": "SomeVendor", "offer": "linux-box", "sku": "1", "version": "latest"}
PUBLIC_NIC = {
    "name": "nic",
    "ip_configurations": [{"name": "ip", "public_ip_address_configuration": {"name": "pip"}}],
}
PRIVATE_NIC = {"name": "nic", "ip_configurations": [{"name": "ip"}]}


def azure_os_profile(good):
    if good:
        return {
            "admin_username": "azureuser",
            "linux_configuration": {
                "disable_password_authentication": True,
                "ssh": {"public_keys": [{"path": "/home/azureuser/.ssh/authorized_keys", "key_data": SSH_KEY}]},
            },
        }
    return {"admin_username": "azureuser", "admin_password": "Passw0rd!Passw0rd!", "custom_data": SECRET_SCRIPT_B64}


def azure_profile(good, *, nic_key="network_interface_configurations"):
    return {
        "os_profile": azure_os_profile(good),
        "storage_profile": {"image_reference": UBUNTU if good else EVIL_IMAGE},
        "network_profile": {nic_key: [PRIVATE_NIC if good else PUBLIC_NIC]},
    }


def azure_vm(name, good):
    profile = azure_profile(good)
    profile["os_profile"]["computer_name"] = name
    return azure.compute.VirtualMachine(
        name,
        resource_group_name="rg",
        location="eastus" if good else "westeurope",
        hardware_profile={"vm_size": "Standard_B2s" if good else UNPRICED["azure"]},
        network_profile={
            "network_api_version": "2020-11-01",
            "network_interface_configurations": [PRIVATE_NIC if good else PUBLIC_NIC],
        },
        os_profile=profile["os_profile"],
        storage_profile=profile["storage_profile"],
        tags=OWNER if good else {"Team": "a"},
    )


def azure_scale_set(name, good):
    return azure.compute.VirtualMachineScaleSet(
        name,
        resource_group_name="rg",
        location="eastus" if good else "westeurope",
        sku={"name": "Standard_B1s" if good else UNPRICED["azure"], "capacity": 2},
        orchestration_mode="Uniform",
        upgrade_policy={"mode": "Manual"},
        virtual_machine_profile={
            **azure_profile(good),
            "os_profile": {**azure_os_profile(good), "computer_name_prefix": "vm"},
        },
        tags=OWNER if good else None,
    )


FLEET_PUBLIC_NIC = {
    "name": "nic",
    "properties": {
        "ip_configurations": [{"name": "ip", "properties": {"public_ip_address_configuration": {"name": "pip"}}}]
    },
}
FLEET_PRIVATE_NIC = {"name": "nic", "properties": {"ip_configurations": [{"name": "ip", "properties": {}}]}}


def azure_compute_fleet(name, good):
    """Compute Fleet nests NIC settings under `properties`."""
    return azure.azurefleet.Fleet(
        name,
        resource_group_name="rg",
        location="eastus" if good else "westeurope",
        vm_sizes_profile=[{"name": "Standard_B1s" if good else UNPRICED["azure"]}],
        regular_priority_profile={"capacity": 2},
        compute_profile={
            "base_virtual_machine_profile": {
                **azure_profile(good),
                "os_profile": {**azure_os_profile(good), "computer_name_prefix": "vm"},
                "network_profile": {
                    "network_interface_configurations": [FLEET_PRIVATE_NIC if good else FLEET_PUBLIC_NIC]
                },
            }
        },
        tags=OWNER if good else None,
    )


def nsg_rule(name, port, source="*", access="Allow", priority=100, direction="Inbound", protocol="Tcp"):
    return {
        "name": name,
        "priority": priority,
        "direction": direction,
        "access": access,
        "protocol": protocol,
        "source_address_prefix": source,
        "source_port_range": "*",
        "destination_address_prefix": "*",
        "destination_port_range": port,
    }


def dnat_collection(source, translated):
    """A DNAT rule collection; rules are a union type, so the SDK needs its Args classes to name them."""
    return azure.network.FirewallPolicyNatRuleCollectionArgs(
        rule_collection_type="FirewallPolicyNatRuleCollection",
        name="dnat",
        priority=100,
        action=azure.network.FirewallPolicyNatRuleCollectionActionArgs(type="DNAT"),
        rules=[
            azure.network.NatRuleArgs(
                rule_type="NatRule",
                name="in",
                ip_protocols=["TCP"],
                source_addresses=[source],
                destination_addresses=["20.1.2.3"],
                destination_ports=["2222"],
                translated_address="10.0.0.4",
                translated_port=translated,
            )
        ],
    )


AZURE_SHAPES = [
    Shape("azure-native:compute:VirtualMachine", azure_vm),
    Shape("azure-native:compute:VirtualMachineScaleSet", azure_scale_set),
    Shape("azure-native:azurefleet:Fleet", azure_compute_fleet),
    Shape(
        "azure-native:network:NetworkSecurityGroup",
        lambda n, good: azure.network.NetworkSecurityGroup(
            n, resource_group_name="rg", security_rules=[nsg_rule("ssh", "22", "10.0.0.0/8" if good else "Internet")]
        ),
    ),
    Shape(
        "azure-native:network:SecurityRule",
        lambda n, good: azure.network.SecurityRule(
            n,
            resource_group_name="rg",
            network_security_group_name="nsg",
            **{k: v for k, v in nsg_rule("rdp", "3389", "VirtualNetwork" if good else "*").items() if k != "name"},
        ),
    ),
    Shape(
        "azure-native:network:AdminRule",
        lambda n, good: azure.network.AdminRule(
            n,
            resource_group_name="rg",
            network_manager_name="anm",
            configuration_name="cfg",
            rule_collection_name="rc",
            kind="Custom",
            access="Allow" if good else "AlwaysAllow",
            direction="Inbound",
            priority=10,
            protocol="Tcp",
            sources=[{"address_prefix": "Internet", "address_prefix_type": "ServiceTag"}],
            destinations=[{"address_prefix": "*", "address_prefix_type": "IPPrefix"}],
            destination_port_ranges=["22"],
        ),
    ),
    Shape(
        "azure-native:network:FirewallPolicyRuleCollectionGroup",
        lambda n, good: azure.network.FirewallPolicyRuleCollectionGroup(
            n,
            resource_group_name="rg",
            firewall_policy_name="fw-policy",
            priority=100,
            rule_collections=[dnat_collection("203.0.113.0/24" if good else "*", "22")],
        ),
    ),
    Shape(
        "azure-native:network:AzureFirewall",
        lambda n, good: azure.network.AzureFirewall(
            n,
            resource_group_name="rg",
            nat_rule_collections=[
                {
                    "name": "dnat",
                    "priority": 100,
                    "action": {"type": "Dnat"},
                    "rules": [
                        {
                            "name": "rdp",
                            "protocols": ["TCP"],
                            "source_addresses": ["*"],
                            "destination_addresses": ["20.1.2.3"],
                            "destination_ports": ["3389"],
                            "translated_address": "10.0.0.4",
                            "translated_port": "443" if good else "3389",
                        }
                    ],
                }
            ],
        ),
    ),
    Shape(
        "azure-native:compute:Disk",
        lambda n, good: (
            azure.compute.Disk(
                n, resource_group_name="rg", location="eastus", creation_data={"create_option": "Empty"}, tags=OWNER
            )
            if good
            else azure.compute.Disk(
                n,
                resource_group_name="rg",
                location="westeurope",
                creation_data={"create_option": "FromImage", "image_reference": {"id": "/subscriptions/s/images/evil"}},
                encryption={"type": "None"},
            )
        ),
    ),
    Shape(
        "azure-native:compute:Snapshot",
        lambda n, good: azure.compute.Snapshot(
            n,
            resource_group_name="rg",
            creation_data={"create_option": "Copy", "source_resource_id": "/disks/d"},
            **({} if good else {"encryption": {"type": "None"}}),
        ),
    ),
    # A public IP address is flagged whatever it is for (advisory): no secure shape.
    Shape(
        "azure-native:network:PublicIPAddress",
        lambda n, good: azure.network.PublicIPAddress(n, resource_group_name="rg", sku={"name": "Standard"}),
        secure=False,
    ),
    Shape(
        "azure-native:network:NetworkInterface",
        lambda n, good: azure.network.NetworkInterface(
            n,
            resource_group_name="rg",
            ip_configurations=[
                {
                    "name": "ip",
                    "subnet": {"id": "/subnets/s"},
                    **({} if good else {"public_ip_address": {"id": "/pip"}}),
                }
            ],
        ),
    ),
]


# --- GCP -----------------------------------------------------------------------------------------

SHIELDED = {"enable_secure_boot": True, "enable_vtpm": True, "enable_integrity_monitoring": True}
OWN_SA = {"email": "vm@demo.iam.gserviceaccount.com", "scopes": ["cloud-platform"]}
DEFAULT_SA = {"scopes": ["https://www.googleapis.com/auth/cloud-platform"]}
PUBLIC = [{"network": "default", "access_configs": [{}]}]
PRIVATE = [{"network": "default"}]


def gcp_vm_args(good):
    """What instances and templates share: size, network, boot integrity, identity, labels."""
    return {
        "machine_type": "e2-small" if good else UNPRICED["gcp"],
        "network_interfaces": PRIVATE if good else PUBLIC,
        "shielded_instance_config": SHIELDED if good else {"enable_secure_boot": False},
        "service_account": OWN_SA if good else DEFAULT_SA,
        "labels": OWNER if good else {"team": "a"},
        **({} if good else {"metadata": {"windows-startup-script-ps1": SECRET_SCRIPT}}),
    }


def gcp_instance(name, good):
    return gcp.compute.Instance(
        name,
        zone="us-central1-a" if good else "europe-west1-b",
        boot_disk={"initialize_params": {"image": "debian-cloud/debian-12" if good else "evil-cloud/evil-os"}},
        **gcp_vm_args(good),
    )


def gcp_template(name, good, regional=False):
    args = {
        "disks": [{"source_image": "debian-cloud/debian-12" if good else "evil-cloud/evil-os", "boot": True}],
        **gcp_vm_args(good),
    }
    if regional:
        return gcp.compute.RegionInstanceTemplate(name, region="us-central1" if good else "europe-west1", **args)
    return gcp.compute.InstanceTemplate(name, **args)


def gcp_from_template(name, good):
    template = gcp_template(f"{name}-tpl", True)
    if good:  # everything from the (secure) template
        return gcp.compute.InstanceFromTemplate(name, zone="us-central1-a", source_instance_template=template.id)
    return gcp.compute.InstanceFromTemplate(
        name,
        zone="europe-west1-b",
        source_instance_template=template.id,
        boot_disk={"initialize_params": {"image": "evil-cloud/evil-os"}},
        **gcp_vm_args(False),
    )


def gcp_from_machine_image(name, good):
    return gcp.compute.InstanceFromMachineImage(
        name,
        zone="us-central1-a" if good else "europe-west1-b",
        source_machine_image="projects/demo/global/machineImages/golden",
        **gcp_vm_args(good),
    )


def gcp_group(name, good, regional=False):
    template = gcp_template(f"{name}-tpl", good)
    where = (
        {"region": "us-central1" if good else "europe-west1"}
        if regional
        else {"zone": "us-central1-a" if good else "europe-west1-b"}
    )
    cls = gcp.compute.RegionInstanceGroupManager if regional else gcp.compute.InstanceGroupManager
    return cls(
        name,
        base_instance_name=name,
        versions=[{"instance_template": template.id}],
        target_size=2,
        **where,
    )


def firewall_policy_rule(cls, name, good, **where):
    return cls(
        name,
        action="allow",
        direction="INGRESS",
        priority=1000,
        match={
            "src_ip_ranges": ["35.235.240.0/20"] if good else ["0.0.0.0/0"],
            "layer4_configs": [{"ip_protocol": "tcp", "ports": ["22"]}],
        },
        **where,
    )


def policy_rules(good):
    """Two allows whose sources together are the internet; the secure one puts a Deny first."""
    halves = [
        {
            "priority": 200 + i,
            "action": "allow",
            "direction": "INGRESS",
            "match": {"src_ip_ranges": [cidr], "layer4_configs": [{"ip_protocol": "tcp", "ports": ["3389"]}]},
        }
        for i, cidr in enumerate(["0.0.0.0/1", "128.0.0.0/1"])
    ]
    deny = {
        "priority": 100,
        "action": "deny",
        "direction": "INGRESS",
        "match": {"src_ip_ranges": ["0.0.0.0/0"], "layer4_configs": [{"ip_protocol": "tcp", "ports": ["3389"]}]},
    }
    return [deny, *halves] if good else halves


GCP_SHAPES = [
    Shape("gcp:compute/instance:Instance", gcp_instance),
    Shape("gcp:compute/instanceTemplate:InstanceTemplate", gcp_template),
    Shape("gcp:compute/regionInstanceTemplate:RegionInstanceTemplate", lambda n, good: gcp_template(n, good, True)),
    Shape("gcp:compute/instanceFromTemplate:InstanceFromTemplate", gcp_from_template),
    Shape("gcp:compute/instanceFromMachineImage:InstanceFromMachineImage", gcp_from_machine_image),
    Shape("gcp:compute/instanceGroupManager:InstanceGroupManager", gcp_group),
    Shape(
        "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
        lambda n, good: gcp_group(n, good, True),
    ),
    Shape(
        "gcp:compute/disk:Disk",
        lambda n, good: (
            gcp.compute.Disk(n, zone="us-central1-a", image="debian-cloud/debian-12", labels=OWNER)
            if good
            else gcp.compute.Disk(n, zone="europe-west1-b", image="evil-cloud/evil-os")
        ),
    ),
    Shape(
        "gcp:compute/regionDisk:RegionDisk",
        lambda n, good: gcp.compute.RegionDisk(
            n,
            region="us-central1" if good else "europe-west1",
            replica_zones=["a", "b"],
            image="projects/debian-cloud/global/images/family/debian-12" if good else "evil-cloud/evil-os",
            **({"labels": OWNER} if good else {}),
        ),
    ),
    Shape(
        "gcp:compute/firewall:Firewall",
        lambda n, good: gcp.compute.Firewall(
            n,
            network="default",
            source_ranges=["35.235.240.0/20"] if good else [],
            allows=[{"protocol": "tcp", "ports": ["22"]}],
        ),
    ),
    Shape(
        "gcp:compute/firewallPolicyRule:FirewallPolicyRule",
        lambda n, good: firewall_policy_rule(gcp.compute.FirewallPolicyRule, n, good, firewall_policy="policies/1"),
    ),
    Shape(
        "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule",
        lambda n, good: firewall_policy_rule(gcp.compute.NetworkFirewallPolicyRule, n, good, firewall_policy="fwp"),
    ),
    Shape(
        "gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule",
        lambda n, good: firewall_policy_rule(
            gcp.compute.RegionNetworkFirewallPolicyRule, n, good, firewall_policy="fwp", region="us-central1"
        ),
    ),
    Shape(
        "gcp:compute/firewallPolicyWithRules:FirewallPolicyWithRules",
        lambda n, good: gcp.compute.FirewallPolicyWithRules(
            n, parent="organizations/1", short_name=n, rules=policy_rules(good)
        ),
    ),
    Shape(
        "gcp:compute/networkFirewallPolicyWithRules:NetworkFirewallPolicyWithRules",
        lambda n, good: gcp.compute.NetworkFirewallPolicyWithRules(n, rules=policy_rules(good)),
    ),
    Shape(
        "gcp:compute/regionNetworkFirewallPolicyWithRules:RegionNetworkFirewallPolicyWithRules",
        lambda n, good: gcp.compute.RegionNetworkFirewallPolicyWithRules(
            n, region="us-central1", rules=policy_rules(good)
        ),
    ),
]

SHAPES = AWS_SHAPES + AZURE_SHAPES + GCP_SHAPES


# --- Semantics each rule must get right ----------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One shape for one rule: ``blocked`` says whether the rule must flag the resource ``name``."""

    rule: str
    name: str
    blocked: bool
    build: Callable[[str], object]


ADMIN = "admin-ports-open-to-internet"


def sg(name, *rules):
    return aws.ec2.SecurityGroup(name, ingress=list(rules))


def ssh_from(*cidrs, protocol="tcp", port=22):
    return {"protocol": protocol, "from_port": port, "to_port": port, "cidr_blocks": list(cidrs)}


def nsg(name, *rules):
    return azure.network.NetworkSecurityGroup(name, resource_group_name="rg", security_rules=list(rules))


def gcp_fw(name, **args):
    return gcp.compute.Firewall(name, network="default", **args)


PUBLIC_V4_PIECES = [
    "0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1",
]  # fmt: skip


def azure_vm_with_image(name, image):
    return azure.compute.VirtualMachine(
        name,
        resource_group_name="rg",
        hardware_profile={"vm_size": "Standard_B2s"},
        os_profile={**azure_os_profile(True), "computer_name": name},
        storage_profile={"image_reference": image},
        tags=OWNER,
    )


def az_disk(name, **args):
    return azure.compute.Disk(name, resource_group_name="rg", creation_data={"create_option": "Empty"}, **args)


CASES = [
    # Address sets: several CIDRs that together are the internet; the internet without the private ranges.
    Case(ADMIN, "sg-halves", True, lambda n: sg(n, ssh_from("0.0.0.0/1"), ssh_from("128.0.0.0/1"))),
    Case(ADMIN, "sg-public-pieces", True, lambda n: sg(n, ssh_from(*PUBLIC_V4_PIECES))),
    Case(ADMIN, "sg-upper-tcp", True, lambda n: sg(n, ssh_from("0.0.0.0/0", protocol="TCP"))),
    Case(ADMIN, "sg-v6", True, lambda n: sg(n, {**ssh_from(), "ipv6_cidr_blocks": ["::/0"]})),
    Case(ADMIN, "sg-vpn-and-web", False, lambda n: sg(n, ssh_from("10.0.0.0/8"), ssh_from("0.0.0.0/0", port=443))),
    Case(ADMIN, "sg-half", True, lambda n: sg(n, ssh_from("10.0.0.0/8", "0.0.0.0/1"))),
    # GCP: no source, an empty or blank list means 0.0.0.0/0; tags alone are not the internet.
    Case(
        ADMIN, "fw-blank", True, lambda n: gcp_fw(n, source_ranges=[""], allows=[{"protocol": "tcp", "ports": ["22"]}])
    ),
    Case(ADMIN, "fw-absent", True, lambda n: gcp_fw(n, allows=[{"protocol": "all"}])),
    Case(ADMIN, "fw-tags", False, lambda n: gcp_fw(n, source_tags=["bastion"], allows=[{"protocol": "tcp"}])),
    Case(ADMIN, "fw-denies", False, lambda n: gcp_fw(n, source_ranges=[], denies=[{"protocol": "tcp"}])),
    # Azure: priority order and Deny rules, case-insensitive enums and tags.
    Case(
        ADMIN,
        "nsg-deny-first",
        False,
        lambda n: nsg(n, nsg_rule("no-ssh", "22", "Internet", "Deny", 100), nsg_rule("ssh", "22", "*", priority=200)),
    ),
    Case(
        ADMIN,
        "nsg-deny-later",
        True,
        lambda n: nsg(n, nsg_rule("ssh", "22", "*", priority=100), nsg_rule("no-ssh", "22", "*", "Deny", 200)),
    ),
    Case(
        ADMIN,
        "nsg-deny-part",
        True,
        lambda n: nsg(n, nsg_rule("no-vpn", "22", "10.0.0.0/8", "Deny", 100), nsg_rule("ssh", "22", "*", priority=200)),
    ),
    Case(
        ADMIN,
        "nsg-lower-case",
        True,
        lambda n: nsg(
            n, {**nsg_rule("x", "3389", "internet"), "access": "allow", "direction": "inbound", "protocol": "tcp"}
        ),
    ),
    Case(ADMIN, "nsg-outbound", False, lambda n: nsg(n, nsg_rule("out", "22", "*", direction="Outbound"))),
    Case(ADMIN, "nsg-udp", False, lambda n: nsg(n, nsg_rule("dns", "*", "*", protocol="Udp"))),
    # Disks: Azure compares encryption types case-insensitively; a template without EBS mappings.
    Case(
        "disk-encryption-required",
        "disk-lower-case",
        False,
        lambda n: azure.compute.Disk(
            n,
            resource_group_name="rg",
            creation_data={"create_option": "Empty"},
            encryption={"type": "encryptionatrestwithplatformkey"},
            tags=OWNER,
        ),
    ),
    Case("disk-encryption-required", "lt-no-ebs", True, lambda n: aws.ec2.LaunchTemplate(n, image_id=GOOD_AMI)),
    Case(
        "disk-encryption-required",
        "from-template-root",
        False,
        lambda n: aws.ec2.Instance(
            n,
            launch_template={"id": aws_launch_template(f"{n}-lt", True).id},
            tags=OWNER,
            metadata_options={"http_tokens": "required"},
        ),
    ),
    # IMDS: a launch configuration without options; the metadata endpoint switched off.
    Case(
        "ec2-imdsv2-required",
        "lc-no-options",
        True,
        lambda n: aws.ec2.LaunchConfiguration(n, image_id=GOOD_AMI, instance_type="t3.micro"),
    ),
    Case(
        "ec2-imdsv2-required",
        "imds-off",
        False,
        lambda n: aws.ec2.Instance(
            n,
            ami=GOOD_AMI,
            instance_type="t3.micro",
            metadata_options={"http_endpoint": "disabled"},
            root_block_device={"encrypted": True},
            tags=OWNER,
        ),
    ),
    # Azure login: a password without Linux configuration is Linux password login; Windows is not.
    Case(
        "azure-linux-password-login",
        "vmss-password-only",
        True,
        lambda n: azure.compute.VirtualMachineScaleSet(
            n,
            resource_group_name="rg",
            sku={"name": "Standard_B1s", "capacity": 1},
            virtual_machine_profile={
                "os_profile": {
                    "computer_name_prefix": "vm",
                    "admin_username": "u",
                    "admin_password": "Passw0rd!Passw0rd!",
                },
                "storage_profile": {"image_reference": UBUNTU},
            },
        ),
    ),
    Case(
        "azure-linux-password-login",
        "vm-windows-password",
        False,
        lambda n: azure.compute.VirtualMachine(
            n,
            resource_group_name="rg",
            hardware_profile={"vm_size": "Standard_B2s"},
            os_profile={"computer_name": n, "admin_username": "u", "admin_password": "Passw0rd!Passw0rd!"},
            storage_profile={"image_reference": WINDOWS_IMAGE},
            tags=OWNER,
        ),
    ),
    # Public IPs: a GCP instance from a template without interfaces of its own takes the template's.
    Case(
        "public-ip-on-vm",
        "from-template-nics",
        False,
        lambda n: gcp.compute.InstanceFromTemplate(
            n, zone="us-central1-a", source_instance_template=gcp_template(f"{n}-tpl", True).id
        ),
    ),
    Case(
        "public-ip-on-vm",
        "lt-public",
        True,
        lambda n: aws.ec2.LaunchTemplate(n, network_interfaces=[{"associate_public_ip_address": "true"}]),
    ),
    # Tags: Azure tag names are case-insensitive; empty values do not count; a group's tags are a list.
    Case(
        "required-tags",
        "az-disk-owner-case",
        False,
        lambda n: az_disk(n, tags={"OWNER": "a"}),
    ),
    Case(
        "required-tags",
        "az-disk-owner-empty",
        True,
        lambda n: az_disk(n, tags={"owner": " "}),
    ),
    # Regions: Azure locations as display names.
    Case(
        "allowed-regions",
        "az-disk-display-name",
        False,
        lambda n: az_disk(n, location="East US", tags=OWNER),
    ),
    # Images: GCP images in URL form are the same image; Azure names are case-insensitive.
    Case(
        "allowed-images",
        "gcp-image-url",
        False,
        lambda n: gcp.compute.Disk(
            n,
            zone="us-central1-a",
            image="https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20240910",
            labels=OWNER,
        ),
    ),
    Case(
        "allowed-images", "az-image-case", False, lambda n: azure_vm_with_image(n, {**UBUNTU, "publisher": "canonical"})
    ),
    Case("allowed-images", "az-image-other", True, lambda n: azure_vm_with_image(n, EVIL_IMAGE)),
    # Cost: GPUs attached to an N1 machine, a scale set's SKU, a fleet's override.
    Case(
        "vm-hourly-price-ceiling",
        "n1-with-v100s",
        True,
        lambda n: gcp.compute.Instance(
            n,
            machine_type="n1-standard-8",
            zone="us-central1-a",
            boot_disk={"initialize_params": {"image": "debian-cloud/debian-12"}},
            network_interfaces=PRIVATE,
            guest_accelerators=[{"type": "nvidia-tesla-v100", "count": 8}],
            scheduling={"on_host_maintenance": "TERMINATE"},
            shielded_instance_config=SHIELDED,
            service_account=OWN_SA,
            labels=OWNER,
        ),
    ),
    Case(
        "vm-hourly-price-ceiling",
        "vmss-m128",
        True,
        lambda n: azure.compute.VirtualMachineScaleSet(
            n,
            resource_group_name="rg",
            sku={"name": "standard_m128s", "capacity": 1},
            virtual_machine_profile={},
            tags=OWNER,
        ),
    ),
    Case(
        "vm-hourly-price-ceiling",
        "spot-capped",
        False,
        lambda n: aws.ec2.SpotInstanceRequest(
            n,
            ami=GOOD_AMI,
            instance_type="p3.8xlarge",  # $12.24/h on demand; the cap bounds what it pays
            spot_price="0.5",
            metadata_options={"http_tokens": "required"},
            root_block_device={"encrypted": True},
            tags=OWNER,
        ),
    ),
]
