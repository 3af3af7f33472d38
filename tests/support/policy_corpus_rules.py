"""The policy corpus, continued: the semantics issue 22 found missing, each a case that failed on
the pack before it (a bypass the rule must block, or a secure setup it must pass):

- sources too broad for anyone to list count as the internet (a /1, the internet minus one address,
  2000::/4, a Deny of two addresses above an Allow of *), private and reserved ranges do not;
- newer rule shapes: GCP's GA srcNetworkContext, countries as sources;
- launch templates: a template's root volume, templates outside the stack;
- Windows marketplace images (SQL Server, Visual Studio) are not Linux;
- secrets in user data and instance metadata, on every cloud;
- what the pack cannot judge is named.
"""

from __future__ import annotations

import base64
import ipaddress

import pulumi_aws as aws
import pulumi_azure_native as azure
import pulumi_gcp as gcp

from tests.support.policy_corpus import (
    GOOD_AMI,
    OWN_SA,
    OWNER,
    PRIVATE,
    SHIELDED,
    Case,
    Shape,
    azure_os_profile,
    nsg,
    nsg_rule,
    sg,
    ssh_from,
)

ADMIN = "admin-ports-open-to-internet"
DISKS = "disk-encryption-required"
LOGIN = "azure-linux-password-login"
SECRETS = "no-secrets-in-user-data"
TEMPLATES = "launch-template-not-in-stack"
NOT_JUDGED = "not-judged-by-this-pack"

INTERNET_BUT_ONE = [
    str(n) for n in ipaddress.ip_network("0.0.0.0/0").address_exclude(ipaddress.ip_network("1.2.3.4/32"))
]
NOT_PUBLIC = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "192.0.2.0/24"]


def gcp_fw(name, sources):
    return gcp.compute.Firewall(
        name, network="default", source_ranges=sources, allows=[{"protocol": "tcp", "ports": ["22"]}]
    )


def policy_rule(name, **match):
    return gcp.compute.NetworkFirewallPolicyRule(
        name,
        firewall_policy="fwp",
        action="allow",
        direction="INGRESS",
        priority=1000,
        match={**match, "layer4_configs": [{"ip_protocol": "tcp", "ports": ["22"]}]},
    )


NEAR_INTERNET = [
    Case(ADMIN, "sg-slash-one", True, lambda n: sg(n, ssh_from("0.0.0.0/1"))),
    Case(ADMIN, "sg-internet-but-one", True, lambda n: sg(n, ssh_from(*INTERNET_BUT_ONE))),
    Case(ADMIN, "sg-v6-2000-4", True, lambda n: sg(n, {**ssh_from(), "ipv6_cidr_blocks": ["2000::/4"]})),
    Case(ADMIN, "fw-slash-one", True, lambda n: gcp_fw(n, ["0.0.0.0/1"])),
    Case(
        ADMIN,
        "nsg-deny-two-then-any",
        True,
        lambda n: nsg(
            n,
            nsg_rule("no-a", "22", "8.8.8.8/32", "Deny", 100),
            {**nsg_rule("no-b", "22", "2606:4700::1111/128", "Deny", 101)},
            nsg_rule("ssh", "22", "*", priority=200),
        ),
    ),
    # At the threshold, and not public at all: not the internet.
    Case(ADMIN, "sg-one-slash-eight", False, lambda n: sg(n, ssh_from("11.0.0.0/8"))),
    Case(ADMIN, "sg-not-public", False, lambda n: sg(n, ssh_from(*NOT_PUBLIC))),
    Case(ADMIN, "sg-v6-slash-seventeen", False, lambda n: sg(n, {**ssh_from(), "ipv6_cidr_blocks": ["2001::/17"]})),
    Case(ADMIN, "sg-v6-unique-local", False, lambda n: sg(n, {**ssh_from(), "ipv6_cidr_blocks": ["fc00::/7"]})),
    # Newer rule shapes and sources named by what they are.
    Case(ADMIN, "fwp-network-context", True, lambda n: policy_rule(n, src_network_context="INTERNET")),
    Case(ADMIN, "fwp-country", True, lambda n: policy_rule(n, src_region_codes=["US"])),
    Case(ADMIN, "fwp-iap-range", False, lambda n: policy_rule(n, src_ip_ranges=["35.235.240.0/20"])),
]


def lt(name, *mappings):
    return aws.ec2.LaunchTemplate(
        name,
        image_id=GOOD_AMI,
        instance_type="t3.micro",
        metadata_options={"http_tokens": "required"},
        block_device_mappings=list(mappings),
    )


def data_volume(encrypted=True):
    return {"device_name": "/dev/sdf", "ebs": {"volume_size": 8, "encrypted": "true" if encrypted else "false"}}


def root_volume(device="/dev/xvda"):
    return {"device_name": device, "ebs": {"volume_size": 8, "encrypted": "true"}}


def group(name, template):
    return aws.autoscaling.Group(
        name,
        min_size=1,
        max_size=2,
        availability_zones=["us-east-1a"],
        launch_template=template,
        tags=[{"key": "owner", "value": "team-a", "propagate_at_launch": True}],
    )


LAUNCH_TEMPLATES = [
    Case(DISKS, "lt-data-volume-only", True, lambda n: lt(n, data_volume())),
    Case(DISKS, "lt-root-sda1", False, lambda n: lt(n, root_volume("/dev/sda1"), data_volume())),
    Case(
        TEMPLATES,
        "instance-template-elsewhere",
        True,
        lambda n: aws.ec2.Instance(n, launch_template={"name": "shared-template"}, tags=OWNER),
    ),
    Case(TEMPLATES, "group-template-elsewhere", True, lambda n: group(n, {"id": "lt-0123456789abcdef0"})),
    Case(TEMPLATES, "group-template-in-stack", False, lambda n: group(n, {"id": lt(f"{n}-lt", root_volume()).id})),
    Case(
        TEMPLATES,
        "batch-template-elsewhere",
        True,
        lambda n: aws.batch.ComputeEnvironment(
            n,
            type="MANAGED",
            compute_resources={
                "type": "EC2",
                "max_vcpus": 16,
                "subnets": ["subnet-1"],
                "security_group_ids": ["sg-1"],
                "instance_role": "arn:aws:iam::123456789012:instance-profile/ecs",
                "launch_template": {"launch_template_name": "shared"},
            },
            tags=OWNER,
        ),
    ),
]


def azure_vm(name, image, os_profile=None, **extra):
    return azure.compute.VirtualMachine(
        name,
        resource_group_name="rg",
        hardware_profile={"vm_size": "Standard_D2s_v5"},
        os_profile=os_profile or {"computer_name": name, "admin_username": "u", "admin_password": "Passw0rd!Passw0rd!"},
        storage_profile={"image_reference": image},
        tags=OWNER,
        **extra,
    )


SQL_WINDOWS = {
    "publisher": "MicrosoftSQLServer",
    "offer": "sql2022-ws2022",
    "sku": "standard-gen2",
    "version": "latest",
}
SQL_LINUX = {"publisher": "MicrosoftSQLServer", "offer": "sql2019-ubuntupro2004", "sku": "sqldev", "version": "latest"}
VISUAL_STUDIO = {
    "publisher": "MicrosoftVisualStudio",
    "offer": "visualstudio2022",
    "sku": "vs-2022-ent-latest-ws2022",
    "version": "latest",
}
WINDOWS_IMAGES = [
    Case(LOGIN, "vm-sql-server-windows", False, lambda n: azure_vm(n, SQL_WINDOWS)),
    Case(LOGIN, "vm-visual-studio", False, lambda n: azure_vm(n, VISUAL_STUDIO)),
    Case(
        LOGIN,
        "vm-plan-windows",
        False,
        lambda n: azure_vm(
            n,
            {"publisher": "vendor", "offer": "appliance", "sku": "byol", "version": "latest"},
            plan={"name": "byol", "product": "appliance-windows-2022", "publisher": "vendor"},
        ),
    ),
    Case(LOGIN, "vm-sql-server-linux", True, lambda n: azure_vm(n, SQL_LINUX)),
]

PS_LITERAL = "<powershell>\n$p = ConvertTo-SecureString 'Corr3ct-Horse-Battery!' -AsPlainText -Force\n</powershell>"
PS_FROM_STORE = (
    "<powershell>\n$s = (Get-SECSecretValue -SecretId admin).SecretString\n"
    "$p = ConvertTo-SecureString $s -AsPlainText -Force\n</powershell>"
)


def instance_with_user_data(name, user_data):
    """A secure instance but for its user data (m5.large: a PowerShell script makes it Windows, and the
    catalog prices no Windows licence for burstable sizes)."""
    return aws.ec2.Instance(
        name,
        ami=GOOD_AMI,
        instance_type="m5.large",
        metadata_options={"http_tokens": "required"},
        root_block_device={"encrypted": True},
        user_data=user_data,
        tags=OWNER,
    )


def gcp_instance_with_metadata(name, metadata):
    return gcp.compute.Instance(
        name,
        machine_type="e2-small",
        zone="us-central1-a",
        boot_disk={"initialize_params": {"image": "debian-cloud/debian-12"}},
        network_interfaces=PRIVATE,
        shielded_instance_config=SHIELDED,
        service_account=OWN_SA,
        metadata=metadata,
        labels=OWNER,
    )


USER_DATA = [
    Case(SECRETS, "aws-ps-literal", True, lambda n: instance_with_user_data(n, PS_LITERAL)),
    Case(SECRETS, "aws-ps-from-secret-store", False, lambda n: instance_with_user_data(n, PS_FROM_STORE)),
    Case(
        SECRETS,
        "aws-access-key",
        True,
        lambda n: instance_with_user_data(n, "#!/bin/bash\naws configure set aws_access_key_id AKIAABCDEFGHIJKLMNOP\n"),
    ),
    Case(
        SECRETS,
        "gcp-metadata-password",
        True,
        lambda n: gcp_instance_with_metadata(n, {"db-password": "Sup3rS3cretPw", "enable-oslogin": "TRUE"}),
    ),
    Case(
        SECRETS,
        "gcp-startup-private-key",
        True,
        lambda n: gcp_instance_with_metadata(
            n, {"startup-script": "cat > /k <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\nEOF\n"}
        ),
    ),
    Case(
        SECRETS,
        "az-custom-data-password",
        True,
        lambda n: azure_vm(
            n,
            {"publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"},
            {
                **azure_os_profile(True),
                "computer_name": n,
                "custom_data": base64.b64encode(
                    b"#cloud-config\nchpasswd:\n  expire: false\npassword: hunter2hunter2\n"
                ).decode(),
            },
        ),
    ),
]

NOT_JUDGED_CASES = [
    Case(
        NOT_JUDGED,
        "emr-cluster",
        True,
        lambda n: aws.emr.Cluster(
            n, release_label="emr-7.0.0", service_role="emr", master_instance_group={"instance_type": "m5.xlarge"}
        ),
    ),
    Case(NOT_JUDGED, "plain-bucket", False, lambda n: aws.s3.Bucket(n)),
    # A node group's nodes take what its launch template says (the template is judged).
    Case(
        NOT_JUDGED,
        "eks-with-template",
        False,
        lambda n: aws.eks.NodeGroup(
            n,
            cluster_name="eks",
            node_role_arn="arn:aws:iam::123456789012:role/node",
            subnet_ids=["subnet-1"],
            scaling_config={"desired_size": 1, "min_size": 1, "max_size": 2},
            launch_template={"id": lt(f"{n}-lt", root_volume()).id, "version": "$Latest"},
            tags=OWNER,
        ),
    ),
]

CASES = NEAR_INTERNET + LAUNCH_TEMPLATES + WINDOWS_IMAGES + USER_DATA + NOT_JUDGED_CASES


def user_rule(cls, name, good, **extra):
    return cls(
        name,
        resource_group_name="rg",
        network_manager_name="anm",
        configuration_name="cfg",
        rule_collection_name="rc",
        direction="Inbound",
        protocol="Tcp",
        sources=[{"address_prefix": "10.0.0.0/8" if good else "Internet", "address_prefix_type": "IPPrefix"}],
        destination_port_ranges=["22"],
        **extra,
    )


def org_rule(name, good):
    return gcp.compute.OrganizationSecurityPolicyRule(
        name,
        policy_id="locations/global/securityPolicies/1",
        action="allow",
        priority=100,
        direction="INGRESS",
        match={
            "versioned_expr": "FIREWALL",
            "config": {
                "src_ip_ranges": ["35.235.240.0/20"] if good else ["0.0.0.0/0"],
                "layer4_configs": [{"ip_protocol": "tcp", "ports": ["22"]}],
            },
        },
    )


def vmware_rule(name, good):
    return gcp.vmwareengine.ExternalAccessRule(
        name,
        parent="projects/p/locations/us-central1/networkPolicies/np",
        action="ALLOW",
        priority=100,
        ip_protocol="TCP",
        source_ip_ranges=[{"ip_address_range": "203.0.113.0/24" if good else "0.0.0.0/0"}],
        source_ports=["0-65535"],
        destination_ip_ranges=[{"ip_address_range": "0.0.0.0/0"}],
        destination_ports=["22"],
    )


# The newer rule shapes the pack now reads: one insecure and one secure shape each.
SHAPES = [
    Shape("azure-native:network:SecurityUserRule", lambda n, good: user_rule(azure.network.SecurityUserRule, n, good)),
    Shape(
        "azure-native:network:UserRule",
        lambda n, good: user_rule(azure.network.UserRule, n, good, kind="Custom"),
    ),
    Shape("gcp:compute/organizationSecurityPolicyRule:OrganizationSecurityPolicyRule", org_rule),
    Shape("gcp:vmwareengine/externalAccessRule:ExternalAccessRule", vmware_rule),
]
