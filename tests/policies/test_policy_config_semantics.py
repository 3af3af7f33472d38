"""The pack's configurable judgement (issue 22): how broad a source may be before it counts as the
internet (internetIpv4Prefix, internetIpv6Prefix), the account defaults the pack can be told to trust
and what a stack that turns them off does to that trust, the launch-template advisory made mandatory,
and secrets in user data named without their value."""

from __future__ import annotations

import pulumi_aws as aws
import pulumi_azure_native as azure
import pulumi_gcp as gcp
import pytest

from components.offline import evaluate
from policies.addresses import Threshold, addresses
from tests.support.policy_corpus import nsg, nsg_rule, sg, ssh_from
from tests.support.policy_harness import run_policies, summary

CONFIG = {
    "aws:region": "us-east-1",
    "azure-native:location": "eastus",
    "gcp:project": "demo",
    "gcp:zone": "us-central1-a",
}
ADMIN = "admin-ports-open-to-internet"


def judge(program, pack_config=None):
    evaluation = evaluate(program, config=CONFIG)
    return run_policies(evaluation.resources, pack_config, CONFIG)


def admin(violations):
    return [v for v in violations if v.policy == ADMIN]


# --- the threshold ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cidrs", "v4_prefix", "v6_prefix", "too_broad"),
    [
        (["0.0.0.0/1"], 8, 16, True),
        (["11.0.0.0/8"], 8, 16, False),  # exactly a /8 of public addresses
        (["11.0.0.0/8", "12.0.0.0/32"], 8, 16, True),  # one address more
        (["10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3"], 8, 16, False),
        (["0.0.0.0/1"], 0, 16, False),  # 0: only the whole internet
        (["0.0.0.0/0"], 0, 0, True),
        (["11.0.0.0/15"], 16, 16, True),
        (["11.0.0.0/16"], 16, 16, False),
        (["2000::/4"], 8, 16, True),
        (["2001::/16"], 8, 16, False),
        (["2001::/16", "2002::/16"], 8, 16, True),
        (["fc00::/7", "fe80::/10"], 8, 16, False),  # unique local and link local: not global unicast
        (["2000::/4"], 8, 0, False),
    ],
)
def test_a_source_set_is_the_internet_above_the_threshold(cidrs, v4_prefix, v6_prefix, too_broad):
    assert Threshold(v4_prefix, v6_prefix).too_broad(addresses(*cidrs)) is too_broad


def test_the_message_says_how_many_public_addresses_a_broad_source_lets_in():
    (violation,) = admin(judge(lambda: sg("sg", ssh_from("0.0.0.0/1"))))
    assert violation.level == "mandatory"
    # 0.0.0.0/1 less 0/8, 10/8, 100.64/10 and 127/8 (2^31 - 54,525,952)
    assert "opens SSH (22) to 0.0.0.0/1 (2,092,957,696 public IPv4 addresses, more than a /8 holds" in violation.message


def test_deny_rules_above_are_taken_out_before_the_threshold():
    def program():
        nsg(
            "nsg",
            nsg_rule("no-a", "22", "8.8.8.8/32", "Deny", 100),
            nsg_rule("no-b", "22", "2606:4700::1111/128", "Deny", 101),
            nsg_rule("ssh", "22", "*", priority=200),
        )
        nsg("denied", nsg_rule("no", "22", "0.0.0.0/1", "Deny", 100), nsg_rule("ssh", "22", "0.0.0.0/0", priority=200))

    violations = admin(judge(program))
    assert summary(violations) == [(ADMIN, "mandatory", "denied"), (ADMIN, "mandatory", "nsg")]
    assert all("what Deny rules above take out still leaves that" in v.message for v in violations)


def test_the_threshold_is_configurable_and_the_whole_internet_stays_mandatory():
    def program():
        sg("half", ssh_from("0.0.0.0/1"))
        sg("world", ssh_from("0.0.0.0/0"))
        gcp.compute.Firewall("v6", network="default", source_ranges=["2000::/4"], allows=[{"protocol": "tcp"}])

    exact_only = {ADMIN: {"internetIpv4Prefix": 0, "internetIpv6Prefix": 0}}
    assert summary(admin(judge(program, exact_only))) == [(ADMIN, "mandatory", "world")]
    strict = {ADMIN: {"internetIpv4Prefix": 24}}
    assert [v.resource_name for v in admin(judge(lambda: sg("office", ssh_from("198.51.99.0/23")), strict))] == [
        "office"
    ]


def test_countries_and_threat_lists_are_named_sources_nobody_can_list():
    def program():
        gcp.compute.NetworkFirewallPolicyWithRules(
            "fwp",
            rules=[
                {
                    "priority": 100,
                    "action": "allow",
                    "direction": "INGRESS",
                    "match": {
                        "src_region_codes": ["DE"],
                        "layer4_configs": [{"ip_protocol": "tcp", "ports": ["22"]}],
                    },
                },
            ],
        )

    (violation,) = admin(judge(program))
    assert "DE (srcRegionCodes)" in violation.message and "no one can list" in violation.message


# --- account defaults and the trust in them ---------------------------------------------------------

TRUST = {
    "disk-encryption-required": {"accountEncryptsEbsByDefault": True},
    "ec2-imdsv2-required": {"accountRequiresImdsv2": True},
}


def bare_instance(name="vm"):
    return aws.ec2.Instance(name, ami="ami-1", instance_type="t3.micro", tags={"owner": "a"})


def test_trusted_account_defaults_let_absent_settings_pass():
    assert [v.policy for v in judge(bare_instance, TRUST)] == []


def test_a_stack_that_turns_the_defaults_off_loses_the_trust():
    def program():
        bare_instance()
        aws.ebs.EncryptionByDefault("ebs-default", enabled=False)
        aws.ec2.InstanceMetadataDefaults("imds-default", http_tokens="no-preference")

    violations = judge(program, TRUST)
    assert summary(violations) == [
        ("disk-encryption-required", "mandatory", "ebs-default"),
        ("ec2-imdsv2-required", "mandatory", "imds-default"),
    ]
    assert all("configured to trust" in v.message for v in violations)


def test_turning_a_default_off_is_flagged_even_untrusted_but_no_preference_is_not():
    def program():
        aws.ebs.EncryptionByDefault("ebs-default", enabled=False)
        aws.ec2.InstanceMetadataDefaults("optional", http_tokens="optional")
        aws.ec2.InstanceMetadataDefaults("unset", http_tokens="no-preference")

    assert summary(judge(program)) == [
        ("disk-encryption-required", "mandatory", "ebs-default"),
        ("ec2-imdsv2-required", "mandatory", "optional"),
    ]


def test_the_launch_template_advisory_can_be_made_mandatory():
    def program():
        aws.ec2.Instance("vm", launch_template={"id": "lt-0abc"}, tags={"owner": "a"})

    default = [v for v in judge(program) if v.policy == "launch-template-not-in-stack"]
    assert [(v.level, v.resource_name) for v in default] == [("advisory", "vm")]
    assert "launch template in launchTemplate (lt-0abc), which is not in this stack" in default[0].message
    strict = judge(program, {"launch-template-not-in-stack": "mandatory"})
    assert [v.level for v in strict if v.policy == "launch-template-not-in-stack"] == ["mandatory"]


def test_a_secret_is_named_without_its_value():
    password = "Corr3ct-Horse-Battery!"

    def program():
        aws.ec2.Instance(
            "vm",
            ami="ami-1",
            instance_type="m5.large",
            user_data=f"<powershell>\n$p = ConvertTo-SecureString '{password}' -AsPlainText -Force\n</powershell>",
            metadata_options={"http_tokens": "required"},
            root_block_device={"encrypted": True},
            tags={"owner": "a"},
        )
        azure.compute.VirtualMachine(
            "az",
            resource_group_name="rg",
            hardware_profile={"vm_size": "Standard_B2s"},
            os_profile={
                "computer_name": "az",
                "admin_username": "u",
                "custom_data": "cGFzc3dvcmQ6IGh1bnRlcjJodW50ZXIy",
            },
            tags={"owner": "a"},
        )

    secrets = sorted(
        (v for v in judge(program) if v.policy == "no-secrets-in-user-data"), key=lambda v: v.resource_name
    )
    assert [(v.level, v.resource_name) for v in secrets] == [("advisory", "az"), ("advisory", "vm")]
    assert all(password not in v.message and "hunter2" not in v.message for v in secrets)
    assert (
        "osProfile.customData holds what looks like a secret (a literal value for a secret-like key"
        in secrets[0].message
    )
    assert "a password passed to ConvertTo-SecureString as a literal on line 2" in secrets[1].message
