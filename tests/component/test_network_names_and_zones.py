"""Shared networks (issue 19): distinct inputs never share a name (a name is part of the URN), names
that were exact do not change, a renamed one is aliased from its old name; a Network without zones
leaves out the zones AWS calls constrained."""

from __future__ import annotations

import pulumi
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components import Network, SpecError, VirtualMachine, catalog
from components.offline import RecordingMocks, evaluate
from components.spec import NAME_RULES
from components.spec.model import CloudDefaults
from components.spec.network import (
    constrained_zones,
    legacy_network_name,
    network_name,
    network_names,
    validate_network,
)
from tests.support.common import DEFAULT_CONFIG, public_key

KEY = public_key("ed25519")


class StableMocks(RecordingMocks):
    def resource_outputs(self, type_: str, name: str, inputs: dict, serial: int) -> tuple[str, dict]:
        return super().resource_outputs(type_, name, inputs, 0)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (
            ("azure", "westeurope", "platform-shared-services-rg-prod"),
            ("azure", "westeurope", "platform-shared-services-rg-test"),
        ),
        (("azure", "eastus", "rg_app"), ("azure", "eastus", "rg.app")),
        (("azure", "eastus", "RG-App"), ("azure", "eastus", "rg-app")),
        (
            ("gcp", "a-very-long-project-name-for-the-platform-team-1"),
            ("gcp", "a-very-long-project-name-for-the-platform-team-2"),
        ),
    ],
)
def test_the_issues_colliding_keys_get_distinct_valid_names(one, other):
    assert legacy_network_name(one) == legacy_network_name(other)  # what earlier versions did
    assert network_name(one) != network_name(other)
    for key in (one, other):
        name = network_name(key)
        assert len(name) <= 46 and NAME_RULES[key[0]][0].fullmatch(name), name


@pytest.mark.parametrize(
    "key",
    [("aws", "us-east-1", None), ("azure", "westeurope", None), ("azure", "eastus", "rg-app"), ("gcp", "my-project")],
)
def test_names_that_were_exact_do_not_change(key):
    assert network_name(key) == legacy_network_name(key) == "-".join(["net", *(p for p in key if p)])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet="abcABC_.()-019", min_size=1, max_size=70),
        min_size=2,
        max_size=6,
        unique=True,
    )
)
def test_distinct_resource_groups_always_give_distinct_names(groups):
    keys = [("azure", "eastus", group) for group in groups]
    names = [network_name(key) for key in keys]
    assert len(set(names)) == len(names)
    assert all(NAME_RULES["azure"][0].fullmatch(name) and len(name) <= 46 for name in names)


def test_a_renamed_network_is_aliased_from_its_old_name_and_keeps_every_child():
    """A resource group with capitals got ``net-azure-eastus-rg-app``; now the name carries a digest,
    and the Network is aliased from the old name, so each child's inherited alias is its old URN."""
    from pulumi.runtime.resource import all_aliases

    key = ("azure", "eastus", "RG-App")
    ((name, old),) = network_names([key]).values()
    assert old == "net-azure-eastus-rg-app" and name != old
    args = {"cloud": "azure", "regions": ["eastus"], "resource_group_name": "RG-App"}
    before = evaluate(lambda: Network(old, args), config=DEFAULT_CONFIG, mocks=StableMocks())
    old_children = {r.urn for r in before.resources if r.type != "multicloud:index:Network"}

    def renamed():
        network = Network(name, args, pulumi.ResourceOptions(aliases=[pulumi.Alias(name=old)]))
        children = [a for c in network.resources.values() for a in all_aliases([], c._name, c._type, network)]
        pulumi.export("inherited", pulumi.Output.all(*children))

    after = evaluate(renamed, config=DEFAULT_CONFIG, mocks=StableMocks())
    assert set(after.outputs["inherited"]) == old_children
    # Two keys that met in one old name get no alias: an earlier version could not deploy both.
    names = network_names([("azure", "eastus", "rg_app"), ("azure", "eastus", "rg.app")])
    assert [alias for _, alias in names.values()] == [None, None]


def test_the_stack_program_builds_distinct_networks_for_the_issues_resource_groups(tmp_path):
    from components.program import run

    config = {
        **DEFAULT_CONFIG,
        "multicloud-vm:vms": [
            {"name": "a", "cloud": "azure", "resource_group_name": "rg_app", "ssh_public_key": KEY},
            {"name": "b", "cloud": "azure", "resource_group_name": "rg.app", "ssh_public_key": KEY},
            {"name": "c", "cloud": "azure", "resource_group_name": "Team-RG", "ssh_public_key": KEY},
        ],
    }
    evaluation = evaluate(run, config=config)
    networks = evaluation.of_type("multicloud:index:Network")
    assert len({n.urn for n in networks}) == 3
    urns = [r.urn for r in evaluation.resources]
    assert len(urns) == len(set(urns))
    (renamed,) = [n for n in networks if n.name == network_name(("azure", "eastus", "Team-RG"))]
    # The alias as the URN it names: the old name, with the network's type and parent.
    assert renamed.aliases == [renamed.urn.rsplit("::", 1)[0] + "::net-azure-eastus-team-rg"]


# --- constrained zones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "constrained"),
    [("us-east-1", {"use1-az3"}), ("ap-northeast-1", {"apne1-az3"}), ("us-west-1", {"usw1-az2"}), ("eu-west-1", set())],
)
def test_a_network_without_zones_leaves_out_constrained_zones(region, constrained):
    cat = catalog.load("aws")
    assert constrained_zones(cat, region) == constrained
    spec = validate_network("net", {"cloud": "aws", "regions": [region]})
    assert set(spec.zones) == set(cat.zones(region)) - constrained
    # Named explicitly (an account that can use it), a constrained zone is kept.
    if constrained:
        explicit = validate_network("net", {"cloud": "aws", "regions": [region], "zones": sorted(constrained)})
        assert set(explicit.zones) == constrained


def test_a_user_programs_network_gets_no_subnet_in_use1_az3():
    def program():
        network = Network("shared", {"cloud": "aws"})
        VirtualMachine("vm", {"cloud": "aws", "ssh_public_key": KEY, "network": network})

    evaluation = evaluate(program, config=DEFAULT_CONFIG)
    zones = {s.inputs["availabilityZoneId"] for s in evaluation.of_type("aws:ec2/subnet:Subnet")}
    assert "use1-az3" not in zones and len(zones) == 5


def test_only_a_small_fraction_of_the_regions_types_makes_a_zone_constrained():
    """No other zone of any region the catalog knows falls under a quarter of its region's best."""
    cat = catalog.load("aws")
    found = {region: constrained_zones(cat, region) for region in cat.regions}
    assert {r: z for r, z in found.items() if z} == {
        "us-east-1": {"use1-az3"},
        "ap-northeast-1": {"apne1-az3"},
        "us-west-1": {"usw1-az2"},
    }


def test_a_network_name_must_still_be_a_valid_name():
    with pytest.raises(SpecError):
        validate_network("net\n", {"cloud": "aws"}, CloudDefaults(region="us-east-1"))
