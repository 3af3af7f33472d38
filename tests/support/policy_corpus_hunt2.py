"""The policy corpus, continued: the cases the second bypass hunt found (after issue 22), each one
that failed on the pack before its fix (a bypass the rule must block, or a secure setup it must pass):

- an auto-scaling group's mixed-instances override that launches from a template of its own outside
  the stack (aws and aws-native);
- SSH from Azure's AzureCloud service tag (every Azure datacenter address, so anyone who rents a VM),
  cloud-wide or regional, on both Azure providers;
- AWS subnets that give every VM launched in them a public IP (mapPublicIpOnLaunch; a default subnet
  does unless told not to), on aws and aws-native;
- secrets in user data wrapped the way cloud-init reads it (a MIME multi-part document with base64 parts,
  base64 of gzip of base64) or written in a command's own syntax (a URL's user:password, chpasswd lines,
  ``net user``), on every cloud.
"""

from __future__ import annotations

import base64
import gzip

import pulumi_aws as aws
import pulumi_aws_native as aws_native
import pulumi_azure as azure_classic

from tests.support.policy_corpus import Case, Shape, nsg, nsg_rule
from tests.support.policy_corpus_azure_classic import classic_rule
from tests.support.policy_corpus_rules import (
    ADMIN,
    SECRETS,
    TEMPLATES,
    azure_os_profile,
    azure_vm,
    gcp_instance_with_metadata,
    instance_with_user_data,
    lt,
    root_volume,
)


def mixed_group(name, template, override_template):
    return aws.autoscaling.Group(
        name,
        min_size=1,
        max_size=2,
        availability_zones=["us-east-1a"],
        mixed_instances_policy={
            "launch_template": {
                "launch_template_specification": template,
                "overrides": [
                    {"instance_type": "t3.micro"},
                    {"instance_type": "t3.small", "launch_template_specification": override_template},
                ],
            }
        },
        tags=[{"key": "owner", "value": "team-a", "propagate_at_launch": True}],
    )


def native_mixed_group(name, template, override_template):
    return aws_native.autoscaling.AutoScalingGroup(
        name,
        min_size="1",
        max_size="2",
        availability_zones=["us-east-1a"],
        mixed_instances_policy={
            "launch_template": {
                "launch_template_specification": template,
                "overrides": [{"instance_type": "t3.small", "launch_template_specification": override_template}],
            }
        },
        tags=[{"key": "owner", "value": "team-a", "propagate_at_launch": True}],
    )


def _in_stack(name):
    return {"launch_template_id": lt(name, root_volume()).id}


OVERRIDE_TEMPLATES = [
    Case(
        TEMPLATES,
        "group-override-template-elsewhere",
        True,
        lambda n: mixed_group(n, _in_stack(f"{n}-lt"), {"launch_template_id": "lt-0123456789abcdef0"}),
    ),
    Case(
        TEMPLATES,
        "group-override-template-in-stack",
        False,
        lambda n: mixed_group(n, _in_stack(f"{n}-lt"), _in_stack(f"{n}-lt2")),
    ),
    Case(
        TEMPLATES,
        "native-group-override-template-elsewhere",
        True,
        lambda n: native_mixed_group(
            n, {**_in_stack(f"{n}-lt"), "version": "1"}, {"launch_template_name": "shared", "version": "1"}
        ),
    ),
]


def classic_security_rule(name, source):
    rule = {k: v for k, v in classic_rule("ssh", source).items() if k != "name"}
    return azure_classic.network.NetworkSecurityRule(
        name, resource_group_name="rg", network_security_group_name="nsg", **rule
    )


RENTABLE_SOURCES = [
    Case(ADMIN, "nsg-from-azurecloud", True, lambda n: nsg(n, nsg_rule("ssh", "22", "AzureCloud"))),
    Case(ADMIN, "nsg-from-azurecloud-region", True, lambda n: nsg(n, nsg_rule("ssh", "22", "AzureCloud.WestEurope"))),
    Case(
        ADMIN,
        "nsg-deny-internet-then-azurecloud",
        False,  # the Internet tag holds Azure's public addresses too: nothing of AzureCloud is left
        lambda n: nsg(
            n, nsg_rule("no", "22", "Internet", "Deny", 100), nsg_rule("ssh", "22", "azurecloud", priority=200)
        ),
    ),
    Case(ADMIN, "nsg-from-load-balancer", False, lambda n: nsg(n, nsg_rule("probe", "22", "AzureLoadBalancer"))),
    Case(ADMIN, "classic-rule-from-azurecloud", True, lambda n: classic_security_rule(n, "AzureCloud")),
    Case(ADMIN, "classic-rule-from-virtual-network", False, lambda n: classic_security_rule(n, "VirtualNetwork")),
]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


MIME_USER_DATA = (
    'Content-Type: multipart/mixed; boundary="//"\nMIME-Version: 1.0\n\n--//\n'
    "Content-Type: text/x-shellscript\nContent-Transfer-Encoding: base64\n\n"
    + b64(b"#!/bin/bash\nexport DB_PASSWORD=Sup3rS3cretValue\n")
    + "\n--//--\n"
)
UBUNTU = {"publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"}


def azure_vm_with_custom_data(name, script: bytes):
    profile = {**azure_os_profile(True), "computer_name": name, "custom_data": b64(gzip.compress(b64(script).encode()))}
    return azure_vm(name, UBUNTU, profile)


WRAPPED_SECRETS = [
    Case(SECRETS, "aws-mime-multipart-password", True, lambda n: instance_with_user_data(n, MIME_USER_DATA)),
    Case(
        SECRETS,
        "az-gzip-b64-chpasswd",
        True,
        lambda n: azure_vm_with_custom_data(n, b"#!/bin/bash\necho 'azureuser:S3cretPassw0rd' | chpasswd\n"),
    ),
    Case(
        SECRETS,
        "az-gzip-b64-reference",
        False,
        lambda n: azure_vm_with_custom_data(
            n, b'#!/bin/bash\necho "azureuser:$(az keyvault secret show)" | chpasswd\n'
        ),
    ),
    Case(
        SECRETS,
        "gcp-startup-url-credentials",
        True,
        lambda n: gcp_instance_with_metadata(
            n, {"startup-script": "curl -fsSL https://deploy:S3cretPassw0rd@repo.internal/setup.sh | bash\n"}
        ),
    ),
]

CASES = OVERRIDE_TEMPLATES + RENTABLE_SOURCES + WRAPPED_SECRETS

SUBNETS = [
    Shape(
        "aws:ec2/subnet:Subnet",
        lambda n, good: aws.ec2.Subnet(n, vpc_id="vpc-1", cidr_block="10.0.0.0/24", map_public_ip_on_launch=not good),
    ),
    Shape(
        "aws:ec2/defaultSubnet:DefaultSubnet",
        lambda n, good: aws.ec2.DefaultSubnet(
            n, availability_zone="us-east-1a", **({"map_public_ip_on_launch": False} if good else {})
        ),
    ),
    Shape(
        "aws-native:ec2:Subnet",
        lambda n, good: aws_native.ec2.Subnet(
            n, vpc_id="vpc-1", cidr_block="10.0.0.0/24", map_public_ip_on_launch=not good
        ),
    ),
]
SHAPES: list[Shape] = SUBNETS
