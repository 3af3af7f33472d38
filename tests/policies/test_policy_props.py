"""No value shape crashes a rule: for every resource type the pack checks, props generated from the
corpus shapes with subtrees replaced by unknowns (every sentinel kind), nulls, huge or odd
numbers, wrong types and arbitrary nested JSON, at every depth, go through every policy (resource and
stack) the way the analyzer hands them over (deserialized, behind the SDK's unknown-checking proxy)."""

from __future__ import annotations

import pytest
from google.protobuf import json_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import unknown_checking_proxy

from policies.rules import ALL_POLICIES, covered_types
from policies.values import UNKNOWN_SENTINELS
from tests.support.corpus import record
from tests.support.policy_harness import _struct

COVERED = sorted(set().union(*covered_types().values()))
OPTIONS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
CONFIGS = {
    p.name: {k: v["default"] for k, v in (p.config_schema.properties if p.config_schema else {}).items()}
    for p in ALL_POLICIES
}
CONFIGS["allowed-regions"]["allowedRegions"] = {"aws": ["eu-west-1"], "azure": ["westeurope"], "gcp": ["europe-west1"]}
CONFIGS["allowed-images"]["allowedImages"] = {"aws": ["ami-ok"], "azure": ["ok"], "gcp": ["ok"]}
CONFIGS["stack-monthly-budget"]["maxMonthlyBudget"] = 1

LEAVES = st.one_of(
    st.sampled_from(sorted(UNKNOWN_SENTINELS)),
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["0.0.0.0/0", "::/0", "*", "22", "20-25", "-1", "tcp", "Spot", "INGRESS", "Allow", "true", ""]),
)
JSON = st.recursive(
    LEAVES,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def skeletons() -> dict[str, list[dict]]:
    """The corpus shapes' props (insecure and secure) by type, as the engine sends them."""
    found: dict[str, list[dict]] = {}
    for good in (False, True):
        for resource in record(good).resources:
            found.setdefault(resource.type, []).append(resource.inputs)
    return found


def mutate(value, draw):
    """The value with subtrees kept, replaced by generated JSON, recursed into or dropped."""
    choice = draw(st.sampled_from(["keep", "replace", "recurse", "recurse"]))
    if choice == "replace":
        return draw(JSON)
    if choice == "recurse" and isinstance(value, dict):
        return {k: mutate(v, draw) for k, v in value.items() if draw(st.integers(0, 4))}
    if choice == "recurse" and isinstance(value, list):
        return [mutate(v, draw) for v in value]
    return value


def as_the_analyzer_sends(props: dict):
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(_struct(props))))


def judge_everything(type_: str, props: dict, provider_props: dict) -> None:
    """Every policy on the resource; raises if any rule raises."""
    provider = PolicyResource(
        f"pulumi:providers:{type_.split(':')[0]}",
        as_the_analyzer_sends(provider_props),
        "urn:provider",
        "default",
        OPTIONS,
        None,
        None,
        [],
        {},
    )
    proxied = as_the_analyzer_sends(props)
    for policy in ALL_POLICIES:
        config = CONFIGS[policy.name]
        if hasattr(policy, "checked_types"):
            args = ResourceValidationArgs(type_, proxied, "urn:r", "r", OPTIONS, provider, config)
            policy.validate(args, lambda message, urn=None: _is_text(message))
        else:
            resource = PolicyResource(type_, proxied, "urn:r", "r", OPTIONS, provider, None, [], {})
            policy.validate(StackValidationArgs([resource], config), lambda message, urn=None: _is_text(message))


def _is_text(message) -> None:
    assert isinstance(message, str) and message


@pytest.mark.parametrize("type_", COVERED)
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_value_shape_crashes_a_rule(type_, data, skeletons):
    assert type_ in skeletons, f"the corpus has no shape of {type_}"
    draw = data.draw
    skeleton = draw(st.sampled_from(skeletons[type_]))
    props = mutate(skeleton, draw)
    if not isinstance(props, dict):
        props = {"value": props}
    provider = {"region": draw(LEAVES), "location": draw(LEAVES), "zone": draw(LEAVES), "defaultTags": draw(JSON)}
    judge_everything(type_, props, provider)
