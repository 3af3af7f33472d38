"""The policy pack on raw provider resources (written without the VirtualMachine component), run
under Pulumi mocks and judged through the policy SDK's analyzer exactly as the engine would."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pulumi_aws as aws
import pulumi_azure_native as azure
import pulumi_gcp as gcp
import pytest
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from components.catalog import load
from components.offline import evaluate
from policies.addresses import Sources, parse_port_range, reaches_internet
from policies.placement import aws_region_of_zone, gcp_region_of_zone, normalize_azure_location
from policies.rules import ALL_POLICIES
from policies.values import plain
from tests.support.policy_corpus import WINDOWS_IMAGE, nsg_rule
from tests.support.policy_harness import (
    PACK_CONFIG_FILE,
    REPO_ROOT,
    UNKNOWN,
    load_pack_config,
    not_run,
    reconcile_config,
    run_policies,
    summary,
)

AWS = {"aws:region": "us-east-1"}
AZURE = {"azure-native:location": "eastus"}
GCP = {"gcp:project": "demo", "gcp:zone": "us-central1-a"}
STACK_CONFIG = {**AWS, **AZURE, **GCP}
OWNER = {"owner": "team-a"}
MANDATORY = "mandatory"
ADVISORY = "advisory"


def judge(program, pack_config=None, stack_config=STACK_CONFIG, preview=False):
    evaluation = evaluate(program, config=stack_config, preview=preview)
    return run_policies(evaluation.resources, pack_config, stack_config)


def only(violations, policy):
    return [v for v in violations if v.policy == policy]


def message_for(violations, policy, resource_name):
    (match,) = [v for v in violations if v.policy == policy and v.resource_name == resource_name]
    return match.message


# --- secure baselines: one of each VM-ish resource that every rule accepts -----------------------


def secure_aws_instance(name="web", **overrides):
    args = {
        "ami": "ami-0abcdef1234567890",
        "instance_type": "t3.micro",
        "metadata_options": {"http_tokens": "required"},
        "root_block_device": {"encrypted": True},
        "tags": OWNER,
    }
    return aws.ec2.Instance(name, **{**args, **overrides})


def secure_azure_vm(name="web", **overrides):
    args = {
        "resource_group_name": "rg",
        "location": "eastus",
        "hardware_profile": {"vm_size": "Standard_B2s"},
        "os_profile": {
            "computer_name": name,
            "admin_username": "azureuser",
            "linux_configuration": {
                "disable_password_authentication": True,
                "ssh": {
                    "public_keys": [{"path": "/home/azureuser/.ssh/authorized_keys", "key_data": "ssh-ed25519 AAAA"}]
                },
            },
        },
        "storage_profile": {
            "image_reference": {
                "publisher": "Canonical",
                "offer": "ubuntu-24_04-lts",
                "sku": "server",
                "version": "latest",
            }
        },
        "tags": OWNER,
    }
    return azure.compute.VirtualMachine(name, **{**args, **overrides})


def secure_gcp_instance(name="web", **overrides):
    args = {
        "machine_type": "e2-medium",
        "zone": "us-central1-a",
        "boot_disk": {"initialize_params": {"image": "debian-cloud/debian-12"}},
        "network_interfaces": [{"network": "default"}],
        "shielded_instance_config": {
            "enable_secure_boot": True,
            "enable_vtpm": True,
            "enable_integrity_monitoring": True,
        },
        "service_account": {"email": "vm@demo.iam.gserviceaccount.com", "scopes": ["cloud-platform"]},
        "labels": OWNER,
    }
    return gcp.compute.Instance(name, **{**args, **overrides})


def test_secure_resources_on_every_cloud_give_no_violation():
    def program():
        secure_aws_instance()
        aws.ebs.Volume("data", availability_zone="us-east-1a", size=10, encrypted=True, tags=OWNER)
        aws.ec2.SecurityGroup(
            "sg",
            ingress=[
                {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]},
                {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
            ],
        )
        secure_azure_vm()
        azure.compute.Disk("data", resource_group_name="rg", creation_data={"create_option": "Empty"}, tags=OWNER)
        azure.network.NetworkSecurityGroup(
            "nsg",
            resource_group_name="rg",
            security_rules=[
                nsg_rule("ssh-vpn", "22", source="10.0.0.0/8"),
                nsg_rule("https", "443", source="Internet"),
                nsg_rule("deny-rdp", "3389", source="*", access="Deny"),
                nsg_rule("out-ssh", "22", source="*", direction="Outbound"),
            ],
        )
        secure_gcp_instance()
        gcp.compute.Disk("data", zone="us-central1-a", size=10, labels=OWNER)
        gcp.compute.Firewall(
            "iap-ssh",
            network="default",
            source_ranges=["35.235.240.0/20"],
            allows=[{"protocol": "tcp", "ports": ["22"]}],
        )

    violations = judge(program)
    assert summary(violations) == []


# --- admin ports -----------------------------------------------------------------------------


def test_aws_security_group_open_ssh_is_mandatory_violation():
    def program():
        aws.ec2.SecurityGroup(
            "web-sg", ingress=[{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]
        )

    violations = judge(program)
    assert summary(violations) == [("admin-ports-open-to-internet", MANDATORY, "web-sg")]
    message = violations[0].message
    assert "'web-sg'" in message and "SSH (22)" in message and "0.0.0.0/0" in message
    assert "ports 22-22" in message and "Fix:" in message


@pytest.mark.parametrize(
    ("rule", "services"),
    [
        ({"protocol": "-1", "from_port": 0, "to_port": 0, "ipv6_cidr_blocks": ["::/0"]}, "SSH (22), RDP (3389)"),
        ({"protocol": "tcp", "from_port": 3000, "to_port": 4000, "cidr_blocks": ["0.0.0.0/0"]}, "RDP (3389)"),
        (
            {"protocol": "6", "from_port": 0, "to_port": 65535, "cidr_blocks": ["10.0.0.0/8", "0.0.0.0/0"]},
            "SSH (22), RDP (3389)",
        ),
    ],
)
def test_aws_security_group_ranges_and_all_protocols_cover_admin_ports(rule, services):
    violations = judge(lambda: aws.ec2.SecurityGroup("sg", ingress=[rule]))
    assert summary(violations) == [("admin-ports-open-to-internet", MANDATORY, "sg")]
    assert f"opens {services} to" in violations[0].message


@pytest.mark.parametrize(
    "rule",
    [
        {"protocol": "udp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]},
        {"protocol": "icmp", "from_port": -1, "to_port": -1, "cidr_blocks": ["0.0.0.0/0"]},
        {"protocol": "tcp", "from_port": 23, "to_port": 3388, "cidr_blocks": ["0.0.0.0/0"]},
        # one /8 of public addresses: at the default threshold, not above it
        {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["11.0.0.0/8"]},
    ],
)
def test_aws_security_group_rules_that_do_not_expose_admin_ports_pass(rule):
    assert judge(lambda: aws.ec2.SecurityGroup("sg", ingress=[rule])) == []


def test_aws_rule_resources_open_to_world():
    def program():
        aws.ec2.SecurityGroupRule(
            "rdp",
            type="ingress",
            protocol="tcp",
            from_port=3389,
            to_port=3389,
            cidr_blocks=["0.0.0.0/0"],
            security_group_id="sg-1",
        )
        aws.ec2.SecurityGroupRule(
            "egress-all",
            type="egress",
            protocol="-1",
            from_port=0,
            to_port=0,
            cidr_blocks=["0.0.0.0/0"],
            security_group_id="sg-1",
        )
        aws.vpc.SecurityGroupIngressRule("all-v4", security_group_id="sg-1", ip_protocol="-1", cidr_ipv4="0.0.0.0/0")
        aws.vpc.SecurityGroupIngressRule(
            "ssh-v6", security_group_id="sg-1", ip_protocol="tcp", from_port=22, to_port=22, cidr_ipv6="::/0"
        )
        aws.vpc.SecurityGroupIngressRule(
            "ssh-vpn", security_group_id="sg-1", ip_protocol="tcp", from_port=22, to_port=22, cidr_ipv4="10.1.0.0/16"
        )

    assert summary(judge(program)) == [
        ("admin-ports-open-to-internet", MANDATORY, "all-v4"),
        ("admin-ports-open-to-internet", MANDATORY, "rdp"),
        ("admin-ports-open-to-internet", MANDATORY, "ssh-v6"),
    ]


def test_azure_nsg_rdp_from_internet_is_mandatory_violation():
    def program():
        azure.network.NetworkSecurityGroup(
            "web-nsg", resource_group_name="rg", security_rules=[nsg_rule("rdp", "3389", source="Internet")]
        )

    violations = judge(program)
    assert summary(violations) == [("admin-ports-open-to-internet", MANDATORY, "web-nsg")]
    assert "securityRules[0] 'rdp' opens RDP (3389) to Internet" in violations[0].message


@pytest.mark.parametrize(
    ("rule", "services"),
    [
        ({**nsg_rule("any", "*", source="Any", protocol="*")}, "SSH (22), RDP (3389)"),
        ({**nsg_rule("range", "20-25", source="0.0.0.0/0")}, "SSH (22)"),
        (
            {
                **{
                    k: v
                    for k, v in nsg_rule("many", "80").items()
                    if k not in ("destination_port_range", "source_address_prefix")
                },
                "destination_port_ranges": ["80", "3380-3390"],
                "source_address_prefixes": ["10.0.0.0/8", "*"],
            },
            "RDP (3389)",
        ),
    ],
)
def test_azure_security_rule_resource_ranges_and_wildcards(rule, services):
    def program():
        azure.network.SecurityRule(
            "rule",
            resource_group_name="rg",
            network_security_group_name="nsg",
            **{k: v for k, v in rule.items() if k != "name"},
        )

    violations = judge(program)
    assert summary(violations) == [("admin-ports-open-to-internet", MANDATORY, "rule")]
    assert f"opens {services} to" in violations[0].message


def gcp_firewall(name, **args):
    return gcp.compute.Firewall(name, network="default", **args)


def test_gcp_firewall_world_ssh_is_mandatory_violation():
    violations = judge(
        lambda: gcp_firewall("ssh", source_ranges=["0.0.0.0/0"], allows=[{"protocol": "tcp", "ports": ["22"]}])
    )
    assert summary(violations) == [("admin-ports-open-to-internet", MANDATORY, "ssh")]
    assert "allows[0] (protocol 'tcp', ports 22) opens SSH (22) to 0.0.0.0/0" in violations[0].message


def test_gcp_firewall_variants():
    def program():
        gcp_firewall("all-ports", source_ranges=["0.0.0.0/0"], allows=[{"protocol": "tcp"}])
        gcp_firewall("all-protocols", source_ranges=["::/0"], allows=[{"protocol": "all"}])
        gcp_firewall("range", source_ranges=["0.0.0.0/0"], allows=[{"protocol": "tcp", "ports": ["1000-4000"]}])
        gcp_firewall("no-source", allows=[{"protocol": "tcp", "ports": ["22"]}])
        gcp_firewall("tags", source_tags=["bastion"], allows=[{"protocol": "tcp", "ports": ["22"]}])
        gcp_firewall(
            "egress",
            direction="EGRESS",
            destination_ranges=["0.0.0.0/0"],
            allows=[{"protocol": "tcp", "ports": ["22"]}],
        )
        gcp_firewall("off", disabled=True, source_ranges=["0.0.0.0/0"], allows=[{"protocol": "tcp", "ports": ["22"]}])
        gcp_firewall("icmp", source_ranges=["0.0.0.0/0"], allows=[{"protocol": "icmp"}])
        gcp_firewall("web", source_ranges=["0.0.0.0/0"], allows=[{"protocol": "tcp", "ports": ["80", "443"]}])

    violations = judge(program)
    assert summary(violations) == [
        ("admin-ports-open-to-internet", MANDATORY, "all-ports"),
        ("admin-ports-open-to-internet", MANDATORY, "all-protocols"),
        ("admin-ports-open-to-internet", MANDATORY, "no-source"),
        ("admin-ports-open-to-internet", MANDATORY, "range"),
    ]
    assert "default when a firewall names no source" in message_for(
        violations, "admin-ports-open-to-internet", "no-source"
    )


# --- disks, IMDS, Azure password login ----------------------------------------------------------


def test_aws_instance_with_imdsv1_gives_exactly_the_imds_violation():
    violations = judge(lambda: secure_aws_instance(metadata_options={"http_tokens": "optional"}))
    assert summary(violations) == [("ec2-imdsv2-required", MANDATORY, "web")]
    assert "httpTokens='optional'" in violations[0].message and 'httpTokens: "required"' in violations[0].message


def test_aws_instance_without_metadata_options_or_encryption():
    def program():
        aws.ec2.Instance(
            "bare",
            ami="ami-1",
            instance_type="t3.micro",
            tags=OWNER,
            ebs_block_devices=[{"device_name": "/dev/sdf", "volume_size": 10, "encrypted": False}],
        )
        secure_aws_instance("imds-off", metadata_options={"http_endpoint": "disabled"})

    violations = judge(program)
    assert summary(violations) == [
        ("disk-encryption-required", MANDATORY, "bare"),
        ("disk-encryption-required", MANDATORY, "bare"),
        ("ec2-imdsv2-required", MANDATORY, "bare"),
    ]
    disk_messages = sorted(v.message for v in only(violations, "disk-encryption-required"))
    assert "ebsBlockDevices[0] ('/dev/sdf') is not encrypted (encrypted=False)" in disk_messages[0]
    assert "root volume is not encrypted (rootBlockDevice.encrypted=absent" in disk_messages[1]


def test_unencrypted_volume_is_mandatory_violation():
    def program():
        aws.ebs.Volume("plain", availability_zone="us-east-1a", size=10, tags=OWNER)
        aws.ebs.Volume("sealed", availability_zone="us-east-1a", size=10, encrypted=True, tags=OWNER)

    violations = judge(program)
    assert summary(violations) == [("disk-encryption-required", MANDATORY, "plain")]
    assert "encrypted=absent" in violations[0].message


def test_launch_template_imds_encryption_and_public_ip():
    def program():
        aws.ec2.LaunchTemplate(
            "lt",
            image_id="ami-1",
            instance_type="t3.micro",
            metadata_options={"http_tokens": "optional"},
            block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {"volume_size": 8, "encrypted": "false"}}],
            network_interfaces=[{"associate_public_ip_address": "true"}],
        )
        lt_ok = aws.ec2.LaunchTemplate(
            "lt-ok",
            image_id="ami-1",
            instance_type="t3.micro",
            metadata_options={"http_tokens": "required"},
            block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {"volume_size": 8, "encrypted": "true"}}],
        )
        # size, disks and metadata options from the template, priced through it (no price unknown)
        aws.ec2.Instance("from-template", launch_template={"id": lt_ok.id}, tags=OWNER)

    assert summary(judge(program)) == [
        ("disk-encryption-required", MANDATORY, "lt"),
        ("ec2-imdsv2-required", MANDATORY, "lt"),
        ("public-ip-on-vm", ADVISORY, "lt"),
    ]


def test_azure_disk_encryption_type():
    def program():
        azure.compute.Disk(
            "cmk",
            resource_group_name="rg",
            creation_data={"create_option": "Empty"},
            tags=OWNER,
            encryption={"type": "EncryptionAtRestWithCustomerKey", "disk_encryption_set_id": "/des/1"},
        )
        azure.compute.Disk(
            "odd",
            resource_group_name="rg",
            creation_data={"create_option": "Empty"},
            tags=OWNER,
            encryption={"type": "None"},
        )

    violations = judge(program)
    assert summary(violations) == [("disk-encryption-required", MANDATORY, "odd")]
    assert "encryption.type='None'" in violations[0].message


def test_azure_linux_vm_with_password_login_gives_exactly_that_violation():
    def program():
        secure_azure_vm(
            "pw",
            os_profile={
                "computer_name": "pw",
                "admin_username": "azureuser",
                "admin_password": "S3cret!pass",
                "linux_configuration": {"disable_password_authentication": False},
            },
        )

    violations = judge(program)
    assert summary(violations) == [("azure-linux-password-login", MANDATORY, "pw")]
    assert "disablePasswordAuthentication=False" in violations[0].message


def test_azure_password_without_os_configuration():
    def os_profile(name):
        return {"computer_name": name, "admin_username": "azureuser", "admin_password": "S3cret!pass"}

    def program():
        secure_azure_vm("linux-pw", os_profile=os_profile("linux-pw"))
        secure_azure_vm(
            "windows-pw",
            os_profile=os_profile("windows-pw"),
            storage_profile={"image_reference": WINDOWS_IMAGE},
        )

    violations = judge(program)
    # Windows is not Linux password login; its B2s licence is priced (eastus), so nothing else is said.
    assert summary(violations) == [("azure-linux-password-login", MANDATORY, "linux-pw")]


def test_windows_vm_whose_licence_has_no_price_fails_closed():
    """A size without a Windows licence price (no public figure for B2as_v2 in eastus) is unpriced: the
    licence is named and both mandatory cost rules fail closed, as for any VM the catalog cannot price."""

    def program():
        secure_azure_vm(
            "windows-b2as",
            hardware_profile={"vm_size": "Standard_B2as_v2"},
            os_profile={"computer_name": "w", "admin_username": "azureuser", "admin_password": "S3cret!pass"},
            storage_profile={"image_reference": WINDOWS_IMAGE},
        )

    violations = judge(program)
    assert summary(violations) == [
        ("stack-monthly-budget", MANDATORY, ""),
        ("vm-hourly-price-ceiling", MANDATORY, "windows-b2as"),
        ("vm-price-unknown", ADVISORY, "windows-b2as"),
    ]
    named = "the Windows licence has no price (no Windows licence price for Standard_B2as_v2 in eastus)"
    assert all(named in v.message for v in violations)


# --- public IPs -------------------------------------------------------------------------------


def test_public_ips_are_advisory_and_configurable():
    def program():
        instance = secure_aws_instance("pub", associate_public_ip_address=True)
        aws.ec2.Eip("eip", instance=instance.id, domain="vpc")
        aws.ec2.Eip("spare", domain="vpc")
        azure.network.PublicIPAddress("pip", resource_group_name="rg", sku={"name": "Standard"})
        azure.network.NetworkInterface(
            "nic",
            resource_group_name="rg",
            ip_configurations=[
                {"name": "ip", "subnet": {"id": "/subnets/a"}, "public_ip_address": {"id": "/pips/pip"}}
            ],
        )
        azure.network.NetworkInterface(
            "private-nic", resource_group_name="rg", ip_configurations=[{"name": "ip", "subnet": {"id": "/subnets/a"}}]
        )
        secure_gcp_instance("ext", network_interfaces=[{"network": "default", "access_configs": [{}]}])

    expected = ["eip", "ext", "nic", "pip", "pub"]
    assert summary(judge(program)) == [("public-ip-on-vm", ADVISORY, n) for n in expected]
    mandatory = judge(program, pack_config={"public-ip-on-vm": "mandatory"})
    assert summary(mandatory) == [("public-ip-on-vm", MANDATORY, n) for n in expected]
    assert judge(program, pack_config={"public-ip-on-vm": {"enforcementLevel": "disabled"}}) == []


# --- GCP Shielded VM and default service account ----------------------------------------------


def test_gcp_default_service_account_with_cloud_platform_scope_is_advisory():
    def program():
        secure_gcp_instance(
            "default-sa",
            service_account={
                "email": "123-compute@developer.gserviceaccount.com",
                "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
            },
        )
        secure_gcp_instance("default-narrow", service_account={"scopes": ["storage-ro"]})
        secure_gcp_instance("implicit-default", service_account={"scopes": ["cloud-platform"]})

    violations = judge(program)
    assert summary(violations) == [
        ("gcp-default-service-account", ADVISORY, "default-sa"),
        ("gcp-default-service-account", ADVISORY, "implicit-default"),
    ]


def test_gcp_instance_without_shielded_config_is_advisory():
    violations = judge(lambda: secure_gcp_instance("plain", shielded_instance_config=None))
    assert summary(violations) == [("gcp-shielded-vm", ADVISORY, "plain")]
    assert "enableSecureBoot=absent (default false)" in violations[0].message
    assert "enableVtpm" not in violations[0].message.split("Fix:")[0]


# --- tags, regions, images ---------------------------------------------------------------------


def test_required_tags_configurable_and_provider_default_tags_count():
    def program():
        secure_aws_instance("no-tags", tags=None)
        secure_azure_vm("azure-case", tags={"Owner": "x"})
        secure_gcp_instance("gcp-empty", labels={"owner": ""})

    config = {"required-tags": {"requiredTags": ["owner", "cost-center"]}}
    violations = judge(program, pack_config=config)
    assert summary(violations) == [
        ("required-tags", ADVISORY, "azure-case"),
        ("required-tags", ADVISORY, "gcp-empty"),
        ("required-tags", ADVISORY, "no-tags"),
    ]
    by_name = {v.resource_name: v.message for v in violations}
    assert "missing required tags cost-center." in by_name["azure-case"]
    assert "missing required labels owner, cost-center." in by_name["gcp-empty"]

    default_tags = {**STACK_CONFIG, "aws:defaultTags": json.dumps({"tags": OWNER})}
    assert judge(lambda: secure_aws_instance("no-tags", tags=None), stack_config=default_tags) == []


def test_allowed_regions_use_zone_location_then_provider_config():
    def program():
        secure_aws_instance("zoned", availability_zone="eu-west-1a")
        secure_aws_instance("provider-region")
        secure_azure_vm("westeu", location="West Europe")
        secure_gcp_instance("tokyo", zone="asia-northeast1-b")
        secure_gcp_instance("iowa")

    config = {
        "allowed-regions": {"allowedRegions": {"aws": ["us-east-1"], "azure": ["eastus"], "gcp": ["us-central1"]}}
    }
    violations = judge(program, pack_config=config)
    assert summary(violations) == [
        ("allowed-regions", ADVISORY, "tokyo"),
        ("allowed-regions", ADVISORY, "westeu"),
        ("allowed-regions", ADVISORY, "zoned"),
    ]
    by_name = {v.resource_name: v.message for v in violations}
    assert "region 'westeurope' is not allowed" in by_name["westeu"]
    assert "region 'eu-west-1' is not allowed" in by_name["zoned"]
    assert "region 'asia-northeast1' is not allowed" in by_name["tokyo"]
    assert (
        judge(program, pack_config={"allowed-regions": {"allowedRegions": {"aws": [], "azure": [], "gcp": []}}}) == []
    )


def test_allowed_images_patterns_per_cloud():
    def program():
        secure_aws_instance("aws-ok", ami="ami-0abcdef1234567890")
        secure_aws_instance("aws-other", ami="ami-0999")
        secure_azure_vm("ubuntu")
        secure_gcp_instance("debian")
        secure_gcp_instance("rocky", boot_disk={"initialize_params": {"image": "rocky-linux-cloud/rocky-linux-9"}})

    config = {
        "allowed-images": {
            "allowedImages": {
                "aws": ["ami-0abcdef*"],
                "azure": ["Canonical:ubuntu-24_04-lts:*"],
                "gcp": ["debian-cloud/*"],
            }
        }
    }
    violations = judge(program, pack_config=config)
    assert summary(violations) == [("allowed-images", ADVISORY, "aws-other"), ("allowed-images", ADVISORY, "rocky")]
    assert "image 'ami-0999' is not allowed" in message_for(violations, "allowed-images", "aws-other")


# --- cost ------------------------------------------------------------------------------------

HIGH_BUDGET = {"stack-monthly-budget": {"maxMonthlyBudget": 1_000_000}}


def test_vm_over_the_hourly_ceiling_on_each_cloud():
    def program():
        secure_aws_instance("aws-big", instance_type="p4d.24xlarge")
        secure_azure_vm("azure-big", hardware_profile={"vm_size": "Standard_M128s"})
        secure_gcp_instance("gcp-big", machine_type="a2-ultragpu-8g")
        secure_aws_instance("aws-small")

    violations = judge(program, pack_config=HIGH_BUDGET)
    assert summary(violations) == [
        ("vm-hourly-price-ceiling", MANDATORY, "aws-big"),
        ("vm-hourly-price-ceiling", MANDATORY, "azure-big"),
        ("vm-hourly-price-ceiling", MANDATORY, "gcp-big"),
    ]
    aws_price = load("aws").get("p4d.24xlarge", "us-east-1").price_hourly
    message = message_for(violations, "vm-hourly-price-ceiling", "aws-big")
    assert f"p4d.24xlarge in us-east-1 costs ${aws_price:.4f}/h (on-demand price)" in message
    assert "over the ceiling of $2/h" in message


def test_spot_vm_is_priced_at_the_spot_price():
    offering = load("gcp").get("e2-standard-8", "us-central1")
    assert offering.spot_price_hourly < offering.price_hourly
    ceiling = (offering.spot_price_hourly + offering.price_hourly) / 2
    config = {"vm-hourly-price-ceiling": {"maxHourlyPrice": ceiling}, **HIGH_BUDGET}

    def program():
        secure_gcp_instance("on-demand", machine_type="e2-standard-8")
        secure_gcp_instance("spot", machine_type="e2-standard-8", scheduling={"provisioning_model": "SPOT"})

    assert summary(judge(program, pack_config=config)) == [("vm-hourly-price-ceiling", MANDATORY, "on-demand")]


def test_unknown_price_fails_both_mandatory_cost_rules_unless_a_price_is_assumed():
    """Fail closed: a VM the catalog cannot price cannot be shown under the ceiling or the budget."""

    def program():
        secure_aws_instance("mystery", instance_type="t3.nonexistent")
        secure_gcp_instance("custom", machine_type="e2-custom-4-8192")

    violations = judge(program)
    assert summary(violations) == [
        ("stack-monthly-budget", MANDATORY, ""),
        ("vm-hourly-price-ceiling", MANDATORY, "custom"),
        ("vm-hourly-price-ceiling", MANDATORY, "mystery"),
        ("vm-price-unknown", ADVISORY, "custom"),
        ("vm-price-unknown", ADVISORY, "mystery"),
    ]
    by_name = {(v.policy, v.resource_name): v.message for v in violations}
    unknown = by_name[("vm-price-unknown", "mystery")]
    assert "price unknown for t3.nonexistent in us-east-1: the offerings catalog has no" in unknown
    assert "price unknown for e2-custom-4-8192 in us-central1" in by_name[("vm-price-unknown", "custom")]
    assert "cannot be shown to be under the ceiling of $2/h" in by_name[("vm-hourly-price-ceiling", "mystery")]
    budget = by_name[("stack-monthly-budget", "")]
    assert "cannot be checked against the budget" in budget and "2 VM resource(s) have no price" in budget

    # A team that runs such VMs on purpose states the price to assume; the rules judge that.
    assumed = {
        "vm-hourly-price-ceiling": {"unpricedHourlyPrice": 0.5},
        "stack-monthly-budget": {"unpricedHourlyPrice": 0.5},
    }
    assert summary(judge(program, pack_config=assumed)) == [
        ("vm-price-unknown", ADVISORY, "custom"),
        ("vm-price-unknown", ADVISORY, "mystery"),
    ]
    too_dear = {
        "vm-hourly-price-ceiling": {"unpricedHourlyPrice": 3},
        "stack-monthly-budget": {"unpricedHourlyPrice": 0.7, "maxMonthlyBudget": 1000},
    }
    violations = judge(program, pack_config=too_dear)
    assert [v.policy for v in violations if v.level == MANDATORY] == ["vm-hourly-price-ceiling"] * 2 + [
        "stack-monthly-budget"
    ]
    assert "2 unpriced VM(s) at $0.7/h each" in message_for(violations, "stack-monthly-budget", "")


def test_aws_region_falls_back_to_default_regions_config():
    no_region = {k: v for k, v in STACK_CONFIG.items() if k != "aws:region"}
    violations = judge(lambda: secure_aws_instance("web"), stack_config=no_region)
    assert summary(violations) == [
        ("stack-monthly-budget", MANDATORY, ""),
        ("vm-hourly-price-ceiling", MANDATORY, "web"),
        ("vm-price-unknown", ADVISORY, "web"),
    ]
    assert "the region is unknown" in message_for(violations, "vm-price-unknown", "web")
    config = {
        "vm-price-unknown": {"defaultRegions": {"aws": "us-east-1"}},
        "vm-hourly-price-ceiling": {"defaultRegions": {"aws": "us-east-1"}},
        "stack-monthly-budget": {"defaultRegions": {"aws": "us-east-1"}},
    }
    assert judge(lambda: secure_aws_instance("web"), pack_config=config, stack_config=no_region) == []


def test_stack_over_budget_is_one_stack_violation():
    offering = load("aws").get("m5.4xlarge", "us-east-1")
    monthly = offering.price_hourly * 730

    def program():
        for i in range(3):
            secure_aws_instance(f"worker-{i}", instance_type="m5.4xlarge")

    over = {"stack-monthly-budget": {"maxMonthlyBudget": round(monthly * 2.5, 2)}}
    violations = judge(program, pack_config=over)
    assert summary(violations) == [("stack-monthly-budget", MANDATORY, "")]
    message = message_for(violations, "stack-monthly-budget", "")
    assert f"${monthly * 3:,.2f}/month" in message and "worker-0 (1x m5.4xlarge in us-east-1)" in message

    under = {"stack-monthly-budget": {"maxMonthlyBudget": round(monthly * 3.5, 2)}}
    assert summary(judge(program, pack_config=under)) == []


# --- unknown values during preview ------------------------------------------------------------


def test_preview_unknowns_from_other_resources_never_crash():
    def program():
        sg = aws.ec2.SecurityGroup(
            "sg", ingress=[{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]
        )
        subnet = aws.ec2.Subnet("subnet", vpc_id="vpc-1", cidr_block="10.0.0.0/24")
        # every property below is computed from another resource and unknown during preview
        instance = aws.ec2.Instance(
            "vm",
            ami=subnet.id,
            instance_type=subnet.availability_zone,
            availability_zone=subnet.availability_zone,
            subnet_id=subnet.id,
            vpc_security_group_ids=[sg.id],
            metadata_options={"http_tokens": subnet.id.apply(lambda _: "required")},
            root_block_device={"encrypted": subnet.map_public_ip_on_launch},
            tags={"owner": subnet.arn},
        )
        aws.ec2.Eip("eip", instance=instance.id)
        aws.ec2.SecurityGroupRule(
            "rule",
            type="ingress",
            protocol="tcp",
            from_port=22,
            to_port=22,
            cidr_blocks=[subnet.cidr_block],
            security_group_id=sg.id,
        )
        rg = azure.resources.ResourceGroup("rg")
        azure.network.NetworkInterface(
            "nic",
            resource_group_name=rg.name,
            ip_configurations=[{"name": "ip", "subnet": {"id": rg.id}, "public_ip_address": {"id": rg.id}}],
        )
        azure.compute.VirtualMachine(
            "azvm",
            resource_group_name=rg.name,
            location=rg.location,
            hardware_profile={"vm_size": rg.name},
            os_profile={
                "computer_name": "x",
                "admin_username": "u",
                "linux_configuration": {"disable_password_authentication": rg.name.apply(lambda _: True)},
            },
        )
        net = gcp.compute.Network("net")
        gcp.compute.Firewall(
            "fw", network=net.id, source_ranges=[net.gateway_ipv4], allows=[{"protocol": "tcp", "ports": ["22"]}]
        )
        gcp.compute.Instance(
            "gvm",
            machine_type=net.name,
            zone=net.name,
            boot_disk={"initialize_params": {"image": net.self_link}},
            network_interfaces=[{"network": net.id}],
            service_account={"email": net.name, "scopes": ["cloud-platform"]},
        )

    violations = judge(program, preview=True)
    assert not_run(violations) == []
    assert summary(violations) == [
        ("admin-ports-open-to-internet", MANDATORY, "sg"),
        ("gcp-shielded-vm", ADVISORY, "gvm"),
        ("public-ip-on-vm", ADVISORY, "eip"),
        ("public-ip-on-vm", ADVISORY, "nic"),
        ("required-tags", ADVISORY, "azvm"),
        ("required-tags", ADVISORY, "gvm"),
        ("vm-price-unknown", ADVISORY, "azvm"),
        ("vm-price-unknown", ADVISORY, "gvm"),
        ("vm-price-unknown", ADVISORY, "vm"),
    ]
    assert "the VM size is not known until apply" in message_for(violations, "vm-price-unknown", "vm")


def test_direct_validate_with_sdk_proxy_and_sentinels():
    """The policies' validate functions called directly, with the SDK's unknown-checking proxy."""
    from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs
    from pulumi_policy.proxy import unknown_checking_proxy

    opts = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    props = unknown_checking_proxy(
        {
            "ingress": UNKNOWN,
            "metadataOptions": UNKNOWN,
            "rootBlockDevice": {"encrypted": UNKNOWN},
            "instanceType": UNKNOWN,
            "tags": UNKNOWN,
        }
    )
    reported = []
    for policy in ALL_POLICIES:
        if not hasattr(policy, "checked_types"):
            continue
        for type_ in policy.checked_types:
            args = ResourceValidationArgs(type_, props, "urn:x", "r", opts, None, {})
            policy.validate(args, lambda message, urn=None, p=policy.name: reported.append(p))
    assert set(reported) <= {
        "vm-price-unknown",
        "vm-hourly-price-ceiling",
        "azure-linux-password-login",
        "public-ip-on-vm",
        "gcp-shielded-vm",
        "required-tags",
        "disk-encryption-required",
    }


# --- pure helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sources", "internet"),
    [
        (["0.0.0.0/0"], True),
        (["::/0"], True),
        (["0::/0"], True),
        (["*"], True),
        (["Internet"], True),
        (["Any"], True),
        (["0.0.0.0/1", "128.0.0.0/1"], True),
        (["2000::/4", "3000::/4"], True),
        # every public IPv4 address without 0.0.0.0/0: the internet minus the private ranges
        (
            [
                "0.0.0.0/5",
                "8.0.0.0/7",
                "11.0.0.0/8",
                "12.0.0.0/6",
                "16.0.0.0/4",
                "32.0.0.0/3",
                "64.0.0.0/2",
                "128.0.0.0/1",
            ],
            True,
        ),
        (["10.0.0.0/8"], False),
        (["0.0.0.0/1"], False),  # not every address (the threshold judges such sets: test_policy_bypasses.py)
        (["VirtualNetwork"], False),
        ([""], False),
        ([], False),
    ],
)
def test_sources_are_address_sets(sources, internet):
    assert reaches_internet(Sources.of(sources).addresses) is internet


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("22", (22, 22)),
        (22.0, (22, 22)),
        ("20-25", (20, 25)),
        ("*", (0, 65535)),
        ("http", None),
        (UNKNOWN, None),
        (True, None),
        (10**30, None),
        (22.5, None),
    ],
)
def test_parse_port_range(spec, expected):
    assert parse_port_range(plain(spec)) == expected


def test_zone_regions():
    assert aws_region_of_zone("us-east-1a") == "us-east-1"
    assert gcp_region_of_zone("projects/p/zones/europe-west1-b") == "europe-west1"
    assert normalize_azure_location("West Europe") == "westeurope"


# --- pack files and config -------------------------------------------------------------------


def test_pack_config_file_is_valid_and_every_configurable_value_has_a_default():
    reconciled = reconcile_config(load_pack_config(PACK_CONFIG_FILE))
    assert set(reconciled) == {p.name for p in ALL_POLICIES}
    for policy in ALL_POLICIES:
        for key, schema in (policy.config_schema.properties if policy.config_schema else {}).items():
            assert "default" in schema, (policy.name, key)
    with pytest.raises(Exception, match="not of type"):
        reconcile_config({"vm-hourly-price-ceiling": {"maxHourlyPrice": "cheap"}})
    with pytest.raises(ValueError, match="unknown policies"):
        reconcile_config({"no-such-policy": "mandatory"})


def test_analyzer_info_carries_every_policy_and_schema():
    servicer = _PolicyAnalyzerServicer("multicloud-vm-guardrails", "0.1.0", ALL_POLICIES, EnforcementLevel.ADVISORY)
    info = servicer.GetAnalyzerInfo(None, None)
    levels = {p.name: p.enforcementLevel for p in info.policies}
    assert levels["admin-ports-open-to-internet"] == proto.MANDATORY
    assert levels["public-ip-on-vm"] == proto.ADVISORY
    schema = {p.name: p.configSchema for p in info.policies}
    assert schema["required-tags"].properties["requiredTags"]["default"] == ["owner"]


def test_pack_starts_without_any_provider_sdk(tmp_path):
    """Runs policies/__main__.py as the pack host would, from another directory, with the provider
    SDKs made unimportable: the pack must serve (print its port) using only pulumi_policy and the
    stdlib catalog."""
    launcher = tmp_path / "launch.py"
    launcher.write_text(
        "import importlib.abc, runpy, sys\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] in ('pulumi_aws', 'pulumi_aws_native', 'pulumi_azure', 'pulumi_azure_native',"
        " 'pulumi_gcp'):\n"
        "            raise ImportError('provider SDK imported by the pack: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"runpy.run_path({str(REPO_ROOT / 'policies' / '__main__.py')!r}, run_name='__main__')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    process = subprocess.Popen(
        [sys.executable, str(launcher)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        port = process.stdout.readline().decode().strip()
        assert port.isdigit(), process.stderr.read().decode() if process.poll() is not None else port
    finally:
        process.kill()
        process.wait()


def test_pulumi_policy_yaml_and_requirements():
    text = (REPO_ROOT / "policies" / "PulumiPolicy.yaml").read_text()
    assert "name: python" in text and "virtualenv:" in text
    requirements = (REPO_ROOT / "policies" / "requirements.txt").read_text()
    assert "pulumi-policy>=" in requirements and "pulumi>=" in requirements
    assert "pulumi-aws" not in requirements
