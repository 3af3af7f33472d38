"""What ``pulumi up`` does to each resource, given the stack's resources before and after an edit.

This follows the engine's step generator (pulumi/pulumi pkg/resource/deploy/step_generator.go) with
the providers' diffs taken from the cloud rules (``components/cloud_rules/*_resources.py``):

- a resource only after is created, one only before is deleted (aliases carry a resource over);
- otherwise its inputs are diffed the way the engine does: ``ignoreChanges`` paths take their old
  values (processIgnoreChanges); an input computed from a resource that is neither created nor
  replaced keeps its old value, one computed from a new or replaced resource is unknown (it may
  change); each changed path is replaced, restarted, refused or updated by the type's rules, a path
  under ``replaceOnChanges`` replaces (applyReplaceOnChanges), a replacement trigger that changes
  from one value to another replaces (one that appears or goes does not: pulumi/pulumi#20936);
  ``replaceWith`` replaces with a replaced resource;
- a delete-before-replace replacement first deletes its dependents that would be replaced too
  (calculateDependentReplacements): walking the *old* state's dependents that the new run has not
  registered yet, each whose input depends on a replaced resource is diffed with that input
  unknown, and replaced when the input is one the provider replaces on. Such a dependent is then
  recreated when the new run registers it, whatever its new inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..cloud_rules.resource_rules import by_key, type_rules
from ..property_paths import contains, format_path, get, parse_path, replace_at, reset
from .state import Resource
from .values import Unknown, changes, is_unknown, same, unknown_paths

_MISSING = object()


@dataclass(frozen=True)
class PathChange:
    path: str
    effect: str
    """``replace``, ``restart``, ``fails`` or ``update``."""
    certain: bool = True
    """False where an unknown value may or may not differ."""
    source: str = ""
    via: tuple[str, ...] = ()
    """The created or replaced resources an unknown value comes from."""


@dataclass
class Step:
    urn: str
    op: str
    """``same``, ``create``, ``update``, ``replace`` or ``delete``."""
    old: Resource | None = None
    new: Resource | None = None
    changes: list[PathChange] = field(default_factory=list)
    cause: str = "inputs"
    """``inputs``, ``replacement trigger``, ``replace_with``, or ``dependent`` (of ``root``)."""
    root: str | None = None
    delete_before_replace: bool = False
    unknown_type: bool = False
    ignored: list[str] = field(default_factory=list)
    """``ignoreChanges`` paths whose value changed: pulumi up does not apply them."""

    @property
    def restart(self) -> bool:
        return self.op == "update" and any(c.effect == "restart" for c in self.changes)

    @property
    def fails(self) -> list[PathChange]:
        return [c for c in self.changes if c.effect == "fails"] if self.op == "update" else []

    @property
    def certain(self) -> bool:
        """Whether the step happens for sure, not only because of values that may have changed."""
        if self.op == "replace" and self.cause not in ("dependent", "replace_with"):
            return any(c.certain for c in self.changes if c.effect == "replace")
        if self.op == "update":
            return any(c.certain for c in self.changes)
        return True

    @property
    def resource(self) -> Resource:
        return self.new or self.old  # type: ignore[return-value]


def without_defaults(inputs: dict, new: dict) -> dict:
    """Old inputs without the values a terraform-bridged provider filled in itself (named in
    ``__defaults``) where the new inputs do not set them: they are not the program's."""
    if not isinstance(inputs, dict):
        return inputs
    defaults = inputs.get("__defaults") if isinstance(inputs.get("__defaults"), list) else []
    out = {}
    for key, value in inputs.items():
        if key == "__defaults" or (key in defaults and key not in (new or {})):
            continue
        new_value = new.get(key) if isinstance(new, dict) else None
        out[key] = without_defaults(value, new_value) if isinstance(value, dict) else value
    return out


def plan_steps(before: list[Resource], after: list[Resource]) -> dict[str, Step]:
    """Every resource's step, keyed by URN: the new run's in registration order, then the deletes."""
    olds = {r.urn: r for r in before}
    alias_of = {}
    aliases = all_aliases(after)
    for resource in after:
        found = next((a for a in aliases[resource.urn] if a in olds), None)
        if resource.urn not in olds and found:
            alias_of[resource.urn] = found
    steps: dict[str, Step] = {}
    graph = (reverse_edges(before), {r.urn: i for i, r in enumerate(before)})
    registered: set[str] = set()
    condemned: dict[str, tuple[str, list[PathChange]]] = {}
    for resource in after:
        old_urn = alias_of.get(resource.urn, resource.urn)
        registered |= {resource.urn, old_urn}
        old = olds.get(old_urn)
        if old is None:
            step = Step(resource.urn, "create", None, resource)
        elif old_urn in condemned:
            root, keys = condemned[old_urn]
            step = Step(resource.urn, "replace", old, resource, keys, "dependent", root, resource.delete_before_replace)
        else:
            step = diff_resource(old, resource, steps)
            if step.op == "replace" and step.delete_before_replace:
                condemn_dependents(old, olds, graph, registered, condemned)
        steps[resource.urn] = step
    carried = set(alias_of.values()) | set(steps)
    for old in before:
        if old.urn not in carried:
            steps[old.urn] = Step(old.urn, "delete", old, None)
    return steps


def all_aliases(after: list[Resource]) -> dict[str, list[str]]:
    """Each resource's aliases, with those it inherits from an aliased parent, as the engine derives
    them (the SDKs leave that to the engine): under each alias of the parent, the same name and the
    name with the parent's name prefix changed to the alias's."""
    by_urn = {r.urn: r for r in after}
    found: dict[str, list[str]] = {}
    for resource in after:  # parents register before their children
        own = list(resource.aliases)
        parent = by_urn.get(resource.parent or "")
        if parent is not None:
            name = resource.urn.rpartition("::")[2]
            for alias in found.get(parent.urn, []):
                chain = alias.split("::")[2]
                prefix = "::".join(resource.urn.split("::")[:2])
                old_parent = alias.rsplit("::", 1)[-1]
                names = {name}
                if name.startswith(parent.name):
                    names.add(old_parent + name[len(parent.name) :])
                own += [f"{prefix}::{chain}${resource.type}::{n}" for n in sorted(names)]
        found[resource.urn] = own
    return found


def _resolve_unknowns(new: Resource, inputs: dict, old_inputs: dict, steps: dict[str, Step]):
    """New inputs with each computed value set to the old one where its sources are kept as they
    were; and, for each value left unknown, the created or replaced resources it may come from.

    Property dependencies are per top-level input: a list of disk IDs depends on every disk. Where
    some of those sources are new or replaced, each unknown value without an old one (a new member)
    takes one of them; only if there are more of them than such values are the members that existed
    before taken as possibly changed too (an existing disk's ID stays what it was)."""
    via: dict[tuple, tuple[str, ...]] = {}
    by_key: dict[str, list[tuple]] = {}
    for path in unknown_paths(inputs):
        by_key.setdefault(str(path[0]), []).append(path)
    for key, paths in by_key.items():
        sources = new.property_dependencies.get(key, [])
        moving = tuple(u for u in sources if u not in steps or steps[u].op in ("create", "replace", "delete"))
        known = [p for p in paths if get(old_inputs, p, _MISSING) is not _MISSING]
        fresh = len(paths) - len(known)
        for path in paths:
            if path in known and sources and len(moving) <= fresh:
                inputs = replace_at(inputs, path, get(old_inputs, path))
            else:
                via[path] = moving
    return inputs, via


def diff_resource(old: Resource, new: Resource, steps: dict[str, Step]) -> Step:
    """The step for a resource in both runs: same, update or replace, and the changes behind it."""
    rules = type_rules(new.type)
    old_inputs = without_defaults(old.inputs, new.inputs)
    inputs = new.inputs
    if rules is not None and rules.keyed:
        old_inputs, inputs = by_key(old_inputs, rules.keyed), by_key(inputs, rules.keyed)
    ignored = []
    for text in new.ignore_changes:
        try:
            path = parse_path(text)
        except ValueError:
            continue
        if any(certain for _, certain in changes(get(old_inputs, path), get(inputs, path), new.urn, path)):
            ignored.append(text)
        inputs = reset(inputs, old_inputs, path)
    inputs, via = _resolve_unknowns(new, inputs, old_inputs, steps)
    roc = [parse_path(p) for p in new.replace_on_changes if _parses(p)]
    found: list[PathChange] = []
    for path, certain in changes(old_inputs, inputs, salt=new.urn):
        if rules is None:
            effect, source = "update", "an unknown resource type: its effect is not known here"
        else:
            effect, rule = rules.effect(path, old_inputs, inputs, certain)
            source = rule.source if rule else rules.source
        if any(contains(pattern, path) or (not certain and contains(path, pattern)) for pattern in roc):
            effect, source = "replace", "replace_on_changes (resource option)"
        sources = next((v for p, v in via.items() if p[: len(path)] == path or path[: len(p)] == p), ())
        found.append(PathChange(format_path(path), effect, certain, source, sources))
    step = Step(new.urn, "same", old, new, found, delete_before_replace=new.delete_before_replace, ignored=ignored)
    step.unknown_type = rules is None and new.custom
    if any(c.effect == "replace" for c in found):
        step.op = "replace"
    elif found:
        step.op = "update"
    trigger = _trigger_changed(old.replacement_trigger, new.replacement_trigger)
    if trigger is not None:
        step.changes.append(PathChange("replacement trigger", "replace", trigger, "replacementTrigger option"))
        if step.op != "replace" or not step.certain:
            step.op, step.cause = "replace", "replacement trigger"
    replaced_with = [u for u in new.replace_with if u in steps and steps[u].op == "replace"]
    if replaced_with and step.op != "replace":
        step.op, step.cause, step.root = "replace", "replace_with", replaced_with[0]
    return step


def _parses(text: str) -> bool:
    try:
        parse_path(text)
    except ValueError:
        return False
    return True


def _trigger_changed(old, new) -> bool | None:
    """True when a replacement trigger changed from one value to another; None when it did not (or
    appeared or went: no replacement); False when the new one is unknown (it may have)."""
    if old is None or new is None:
        return None
    if is_unknown(new) or is_unknown(old):
        return False
    return None if same(old, new) else True


def reverse_edges(before: list[Resource]) -> dict[str, list[str]]:
    """URN -> the URNs of the resources that depend on it (dependencies and property dependencies)."""
    dependents: dict[str, list[str]] = {}
    for resource in before:
        edges = set(resource.dependencies) | {u for us in resource.property_dependencies.values() for u in us}
        for urn in edges:
            dependents.setdefault(urn, []).append(resource.urn)
    return dependents


def condemn_dependents(
    root: Resource, olds: dict[str, Resource], graph: tuple[dict, dict], registered: set[str], condemned: dict
) -> None:
    """calculateDependentReplacements: the old dependents of ``root`` (graph.DependingOn: those reached
    through resources not yet registered by the new run, in state order) that the provider replaces
    once an input computed from a replaced resource is unknown."""
    dependents, order = graph
    reached, frontier = set(), [root.urn]
    while frontier:
        for urn in dependents.get(frontier.pop(), []):
            if urn not in reached and urn not in registered and order.get(urn, -1) > order[root.urn]:
                reached.add(urn)
                frontier.append(urn)
    replace_set = {root.urn}
    for dependent in sorted((olds[u] for u in reached), key=lambda r: order[r.urn]):
        if not dependent.custom:
            continue
        keys = [k for k in dependent.inputs if set(dependent.property_dependencies.get(k, [])) & replace_set]
        if not keys:
            continue
        rules = type_rules(dependent.type)
        unknown = {**dependent.inputs, **{key: Unknown() for key in keys}}
        hits = []
        for key in keys:
            rule = rules.replaces_on(key, dependent.inputs, unknown) if rules else None
            if rule or rules is None:
                source = rule.source if rule else "an unknown resource type: assumed replaced"
                via = tuple(u for u in dependent.property_dependencies[key] if u in replace_set)
                hits.append(PathChange(key, "replace", True, source, via))
        if hits:
            replace_set.add(dependent.urn)
            condemned[dependent.urn] = (root.urn, hits)
