"""What the providers do when an input of a resource changes, per resource type: the facts the change
engine (``components/changes``) runs on, each with its source. One module per cloud holds the data
(``aws_resources``, ``azure_resources``, ``gcp_resources``); this one holds their shape.

A rule names an input path (Pulumi's wire names, ``*`` for any element) and what a change there does:

- ``replace``: the provider replaces the resource (terraform ``ForceNew``; azure-native: a URL path
  parameter or a ``forceNewMap`` entry);
- ``restart``: updated in place with the VM stopped and started (or restarted) by the provider;
- ``fails``: the provider tries an update that the cloud refuses (the ``pulumi up`` stops there);
- ``update``: updated in place, the VM running.

An input no rule names is updated in place. A rule may apply only ``when`` a condition on the old and
new inputs holds; the first rule that applies wins. A type with no rules at all is unknown here, and
any change of it is an update of unknown effect, never silently nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache

from ..property_paths import get, overlaps, parse_path

EFFECTS = ("replace", "restart", "fails", "update")
CLOUD_MODULES = {"aws": "aws_resources", "azure-native": "azure_resources", "gcp": "gcp_resources"}


@dataclass(frozen=True)
class Rule:
    path: str
    effect: str
    source: str
    when: Callable[[dict, dict], bool] | None = None
    """(old inputs, new inputs) -> whether the rule applies; None: always."""
    note: str = ""

    def __post_init__(self):
        if self.effect not in EFFECTS:
            raise ValueError(f"{self.path}: unknown effect {self.effect!r}")


@dataclass(frozen=True)
class TypeRules:
    type: str
    source: str
    """The provider source of these facts (file and function, or schema)."""
    rules: tuple[Rule, ...] = ()
    holds: str = ""
    """``vm``: a VM, whose OS disk goes with it; ``disk``: a data disk; empty: no data of its own."""
    deleted_with: str = ""
    """A resource type the cloud deletes this one with (an Azure VM's extensions): if that is
    replaced while this one is not, it is gone and Pulumi does not know."""
    keyed: tuple[tuple[str, str], ...] = ()
    """(list input, key): lists whose members the cloud knows by a key, not their position (an Azure
    VM's data disks by LUN): compared member by member by that key."""
    delete_note: tuple[str, str] | None = None
    """(boolean input, note): what deleting the resource does beside deleting it, when that input is set."""
    os_disk: str = ""
    """A VM: the input holding its OS disk's settings (a change below it touches the disk)."""
    keeps_os_disk: tuple[str, object] | None = None
    """A VM: (input, value) with which the OS disk outlives the VM (else it goes with it)."""
    parsed: tuple = field(default=(), compare=False, repr=False)

    def effect(self, path: tuple, old: dict, new: dict, certain: bool = True) -> tuple[str, Rule | None]:
        """What a change at ``path`` does: the first rule at or above it that applies. A rule below it
        (a block or element added, removed or replaced whole) applies only to terraform's ForceNew
        (azure-native sends array additions and removals as plain updates: diff.go
        calculateValueDiff), or where the change is not certain (an encrypted value that may have
        changed anywhere within)."""
        nested_force_new = not self.type.startswith("azure-native:")
        for rule, pattern in zip(self.rules, self.parsed or _parse(self.rules)):
            if not overlaps(pattern, path):
                continue
            if len(pattern) > len(path) and certain and not (nested_force_new and rule.effect == "replace"):
                continue
            if rule.when is None or rule.when(old, new):
                return rule.effect, rule
        return "update", None

    def replaces_on(self, key: str, old: dict, new: dict) -> Rule | None:
        """A replace rule at or below the top-level input ``key`` (an unknown ``key`` may touch it)
        that applies to these inputs (old, and new with ``key`` unknown)."""
        for rule, pattern in zip(self.rules, self.parsed or _parse(self.rules)):
            if rule.effect == "replace" and pattern[0] in (key, "*") and (rule.when is None or rule.when(old, new)):
                return rule
        return None


def _parse(rules: tuple[Rule, ...]) -> tuple:
    return tuple(parse_path(rule.path) for rule in rules)


def rules_for(types: list[TypeRules]) -> dict[str, TypeRules]:
    """Type token -> rules, with the paths parsed once."""
    return {t.type: replace(t, parsed=_parse(t.rules)) for t in types}


@cache
def _registry() -> dict[str, TypeRules]:
    registry: dict[str, TypeRules] = {}
    for module in CLOUD_MODULES.values():
        registry.update(importlib.import_module(f"{__package__}.{module}").TYPES)
    return registry


def by_key(inputs: dict, keyed: tuple[tuple[str, str], ...]) -> dict:
    """``inputs`` with each keyed list turned into a map by its members' key (``{"0": {...}}``), so
    that a member removed from the middle is one removal, not a change of every member after it."""
    for path, key in keyed:
        parsed = parse_path(path)
        members = get(inputs, parsed)
        if isinstance(members, list) and all(isinstance(m, dict) and key in m for m in members):
            inputs = _set(inputs, parsed, {_key_text(m[key]): m for m in members})
    return inputs


def _key_text(value) -> str:
    """``0`` for a LUN given as 0 or 0.0 (numbers cross the wire as floats)."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _set(value: dict, path: tuple, replacement) -> dict:
    head, rest = path[0], path[1:]
    return {**value, head: _set(value[head], rest, replacement) if rest else replacement}


def type_rules(type_token: str) -> TypeRules | None:
    """The rules of a resource type; None for a type these rules do not know."""
    return _registry().get(type_token)


def known_types() -> list[str]:
    return sorted(_registry())


def value_at(inputs: dict, path: str):
    return get(inputs, parse_path(path))


def shrinks(path: str) -> Callable[[dict, dict], bool]:
    """A condition: the number at ``path`` gets smaller."""

    def condition(old: dict, new: dict) -> bool:
        before, after = value_at(old, path), value_at(new, path)
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (before, after))
        return numbers and after < before

    return condition


def force_new(source: str, *paths: str) -> tuple[Rule, ...]:
    """Replace rules for inputs a terraform schema marks ForceNew (``source``: the schema's file)."""
    return tuple(Rule(path, "replace", f"{source}: {path} ForceNew") for path in paths)


def count_changes(path: str) -> Callable[[dict, dict], bool]:
    """A condition: the list at ``path`` gets longer or shorter (terraform ForceNew on a list)."""

    def condition(old: dict, new: dict) -> bool:
        before, after = value_at(old, path), value_at(new, path)
        return isinstance(before, list) and isinstance(after, list) and len(before) != len(after)

    return condition


def is_true(path: str) -> Callable[[dict, dict], bool]:
    """A condition: the new inputs set ``path`` to true."""
    return lambda old, new: value_at(new, path) is True
