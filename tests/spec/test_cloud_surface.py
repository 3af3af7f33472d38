"""The typed surface of a cloud (``cloud_rules.surface.CloudRules``): every cloud's module declares
all of it with the declared types, and ``surface.missing`` names what a module lacks, so a fourth
cloud (docs/adding-a-cloud.md) gets the list of what it must still declare."""

from __future__ import annotations

import re
import types

import pytest

from components import cloud_rules
from components.cloud_rules import CLOUDS, RULES, rules, surface


@pytest.mark.parametrize("cloud", CLOUDS)
def test_each_cloud_module_satisfies_the_surface(cloud):
    assert surface.missing(rules(cloud)) == []


def test_the_clouds_are_declared_once_and_each_is_its_module():
    assert tuple(RULES) == CLOUDS
    for cloud in CLOUDS:
        assert RULES[cloud].__name__ == f"components.cloud_rules.{cloud}"
    with pytest.raises(KeyError):
        rules("oracle")


def test_each_cloud_answers_every_lifecycle_row():
    for cloud in CLOUDS:
        assert set(cloud_rules.ROWS) <= set(rules(cloud).LIFECYCLE), cloud


def a_copy_of(cloud: str) -> types.ModuleType:
    module = types.ModuleType("fourth")
    module.__dict__.update({k: v for k, v in vars(rules(cloud)).items() if not k.startswith("__")})
    return module


def test_missing_names_a_name_a_new_cloud_lacks():
    module = a_copy_of("aws")
    del module.MAX_TAGS, module.sent_tags
    problems = surface.missing(module)
    assert problems == [
        "MAX_TAGS: missing (expected <class 'int'>)",
        "sent_tags: missing (expected a function sent_tags(tags))",
    ]


def test_missing_names_a_wrong_type_and_wrong_parameters():
    module = a_copy_of("gcp")
    module.MAX_TAGS = "64"
    module.NAME_RULE = (re.compile("x"), 5)
    module.TITLE = None
    module.us_region = lambda name: True
    module.BURSTABLE = "e2-"
    problems = "\n".join(surface.missing(module))
    for name in ("MAX_TAGS", "NAME_RULE", "TITLE", "BURSTABLE"):
        assert f"{name}: expected" in problems
    assert "us_region: expected parameters (region), got (name)" in problems
    assert len(surface.missing(module)) == 5


def test_missing_accepts_none_where_a_cloud_has_no_such_fact():
    module = a_copy_of("azure")
    module.MAX_WINDOWS_COMPUTER_NAME = None
    module.STANDARD_DISK_LIMIT = None
    assert surface.missing(module) == []
