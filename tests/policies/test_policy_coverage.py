"""Coverage by design: every resource type the installed provider SDKs define (aws, aws-native,
azure-native, azure, gcp) that is of a kind a rule guards (policies/type_coverage.py: what its
schema's properties say it is, and name patterns) is either checked by the rule, left out with a
reason, or named as not judged (the per-cloud modules' EXCLUDED). The SDKs are read as source with a
regex (policies/sdk_schema.py: importing azure-native whole would take minutes);
docs/policy-coverage.md is the report."""

from __future__ import annotations

import re

import pytest

from policies.exclusions import NotJudged
from policies.rules import EXCLUDED, FLEETS, covered_types
from policies.sdk_schema import SDK_PACKAGES, scan_sdks
from policies.type_coverage import COVERAGE_PAGE, RULE_SCOPE, candidates, kinds_of, render, report_for
from policies.values import canonical_type
from tests.support.common import ROOT
from tests.support.policy_harness import raw_resource, run_policies

ROOT_PAGE = ROOT / COVERAGE_PAGE


@pytest.fixture(scope="module")
def sdk():
    return scan_sdks()


@pytest.fixture(scope="module")
def report(sdk):
    return report_for(sdk)


def test_the_sdks_of_every_provider_are_read(sdk):
    assert set(sdk.versions) == set(SDK_PACKAGES), "requirements-dev.txt installs every provider's SDK"
    assert len(sdk.tokens) > 8000
    assert {"aws:ec2/instance:Instance", "azure-native:compute:VirtualMachineScaleSet"} <= sdk.tokens
    assert {"aws-native:ec2:SecurityGroup", "azure:network/networkSecurityRule:NetworkSecurityRule"} <= sdk.tokens
    assert "gcp:compute/instanceTemplate:InstanceTemplate" in sdk.tokens
    # properties at any depth: a security group's rules are nested input types
    assert {"securityGroupIngress", "cidrIp", "fromPort"} <= sdk.properties["aws-native:ec2:SecurityGroup"]


@pytest.mark.parametrize(
    ("token", "kind"),
    [
        ("gcp:vmwareengine/externalAccessRule:ExternalAccessRule", "network"),  # sourceIpRanges + destinationPorts
        ("aws:batch/computeEnvironment:ComputeEnvironment", "vm"),  # computeResources.instanceTypes
        ("gcp:compute/organizationSecurityPolicyRule:OrganizationSecurityPolicyRule", "network"),
        ("azure-native:network:SecurityUserRule", "network"),
    ],
)
def test_types_are_found_by_what_their_schema_declares_not_by_name(sdk, token, kind):
    assert kind not in kinds_of(token), "found by name already: pick a type only its schema reveals"
    assert kind in kinds_of(token, sdk.properties[token])


def test_every_type_of_a_rules_kinds_is_checked_or_excluded(report):
    unclassified = {row.rule: row.unclassified for row in report if row.unclassified}
    assert unclassified == {}, "classify these in policies/<cloud>_types.py (CHECKS or EXCLUDED)"


def test_the_report_lists_covered_and_excluded_types_per_rule(report):
    for row in report:
        print(f"\n{row.rule}: checks {len(row.covered)}, leaves out {len(row.excluded)}")
        for token in row.covered:
            print(f"  checks  {token}")
        for token, reason in row.excluded:
            print(f"  leaves  {token}: {reason}")
        assert row.covered, row.rule
        assert all(reason for _, reason in row.excluded)


def test_checked_types_are_real_types_of_the_rules_kinds(sdk):
    for rule, types in covered_types().items():
        assert set(types) <= sdk.tokens, f"{rule} checks types the SDKs do not define: {set(types) - sdk.tokens}"
        outside = set(types) - set(candidates(sdk.tokens, rule, sdk.properties))
        assert outside == set(), f"{rule} checks types outside its kinds"


def test_not_judged_names_only_types_of_a_guarded_kind(sdk):
    """The advisory names a resource only when it could do what a rule guards: no noise on others."""
    every = set().union(*(candidates(sdk.tokens, rule, sdk.properties) for rule in RULE_SCOPE))
    for entry in (e for e in EXCLUDED if isinstance(e, NotJudged)):
        named = {t for t in sdk.tokens if entry.matches(t)}
        assert named, entry.pattern
        assert named <= every, (entry.pattern, sorted(named - every))


def test_every_exclusion_leaves_something_out_and_never_a_checked_type(sdk):
    covered = covered_types()
    by_rule = {rule: candidates(sdk.tokens, rule, sdk.properties) for rule in RULE_SCOPE}
    for exclusion in EXCLUDED:
        rules = exclusion.rules or tuple(RULE_SCOPE)
        hits = [(r, t) for r in rules for t in by_rule[r] if exclusion.applies(t, r)]
        assert hits, f"exclusion matches nothing: {exclusion.pattern}"
        checked = [(r, t) for r, t in hits if t in covered[r]]
        if exclusion.rules:  # an exclusion named for a rule must not contradict the rule's checks
            assert checked == [], checked


def test_versioned_azure_tokens_are_the_same_types(sdk):
    """The engine sends the token the program used: azure-native's versioned API modules (and the
    aliases the SDK lists) fold into the checked type."""
    azure = {t for types in covered_types().values() for t in types if t.startswith("azure-native:")}
    for token in azure:
        name = token.rsplit(":", 1)[-1]
        aliases = sdk.aliases.get(token, ())
        versioned = [a for a in aliases if re.match(r"azure-native:\w+/v\d{8}", a) and a.endswith(f":{name}")]
        assert versioned, token
        assert {canonical_type(a) for a in versioned} == {token}


def test_a_versioned_scale_set_is_judged(sdk):
    props = {
        "sku": {"name": "Standard_B1s", "capacity": 2},
        "location": "eastus",
        "tags": {"owner": "a"},
        "virtualMachineProfile": {"osProfile": {"adminUsername": "u", "adminPassword": "x"}},
    }
    resource = raw_resource("azure-native:compute/v20240701:VirtualMachineScaleSet", "vmss", props)
    violations = run_policies([resource], None, {"azure-native:location": "eastus"})
    assert [(v.policy, v.level) for v in violations] == [("azure-linux-password-login", "mandatory")]


def test_the_budget_counts_every_vm_running_type():
    assert covered_types()["stack-monthly-budget"] == set(FLEETS)


def test_the_coverage_page_is_current(sdk, report):
    assert ROOT_PAGE.read_text() == render(report, sdk.versions), "run: python -m policies.type_coverage"
