"""A stack's resources as the engine sees them, read from a registration run, a plan file or a
``pulumi stack export`` file; and written back to a plan file with secrets as digests.

The offline engine registers resources under Pulumi's mocks, which name top-level resources
``...::pulumi:pulumi:Stack$type::name``; the real engine leaves the stack out of the type chain
(``generateURN`` in pkg/resource/deploy). URNs are normalised to the real form so a plan compares
with a stack export. Providers and the stack itself are not compared: the mocks register neither.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..property_paths import Path, parse_path
from .values import UNKNOWN_WIRE, from_wire, to_wire

STACK_IN_CHAIN = "pulumi:pulumi:Stack$"
NOT_COMPARED = ("pulumi:providers:", "pulumi:pulumi:Stack")
MAX_DEPTH = 200
# The aliases azure-native adds to every resource for its API versions' modules
# (``azure-native:compute/v20230301:VirtualMachine``): dozens per resource, and a state made by this
# project's program never holds those types, so a plan file leaves them out (6x smaller on Azure).
SDK_VERSION_ALIAS = re.compile(r"(?:\$|::)azure-native:[^:/$]+/v\d{8}(?:preview)?:[^:$]+::")


class ChangesFileError(ValueError):
    """A BEFORE file that is neither a plan with registrations nor a stack export; names the problem."""


def normalize_urn(urn: str) -> str:
    return urn.replace(f"::{STACK_IN_CHAIN}", "::") if STACK_IN_CHAIN in urn else urn


@dataclass
class Resource:
    """One registered resource: what the engine compares between two runs."""

    urn: str
    type: str
    custom: bool
    inputs: dict
    parent: str | None = None
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    secret_paths: list[Path] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    replace_with: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    replacement_trigger: Any = None
    protect: bool = False
    retain_on_delete: bool = False
    aliases: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


def _urns(values) -> list[str]:
    return [normalize_urn(str(v)) for v in values or [] if v]


def from_registration(registered) -> Resource:
    """A resource recorded by ``components.offline`` (its inputs as the engine receives them)."""
    paths = []
    for text in registered.secret_inputs:
        try:
            paths.append(parse_path(text))
        except ValueError:
            continue
    return Resource(
        urn=normalize_urn(registered.urn),
        type=registered.type,
        custom=registered.custom,
        inputs=from_wire(_plain(registered.inputs)),
        parent=normalize_urn(registered.parent) if registered.parent else None,
        dependencies=_urns(registered.dependencies),
        property_dependencies={k: _urns(v) for k, v in registered.property_dependencies.items()},
        secret_paths=paths,
        ignore_changes=list(registered.ignore_changes),
        replace_on_changes=list(registered.replace_on_changes),
        replace_with=_urns(getattr(registered, "replace_with", [])),
        delete_before_replace=registered.delete_before_replace,
        replacement_trigger=_plain(registered.replacement_trigger),
        protect=registered.protect,
        retain_on_delete=getattr(registered, "retain_on_delete", False),
        aliases=_urns(registered.aliases),
    )


def _plain(value: Any) -> Any:
    """Pulumi's in-process Unknown objects as the wire marker, so the SDK's types never leak here."""
    if type(value).__name__ == "Unknown":
        return UNKNOWN_WIRE
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def from_registrations(registered) -> list[Resource]:
    return [from_registration(r) for r in registered if not r.type.startswith(NOT_COMPARED)]


def to_record(resource: Resource, order: int) -> dict:
    """A resource for a plan file: inputs with secrets as salted digests, options, dependencies."""
    options = {
        "ignore_changes": resource.ignore_changes,
        "replace_on_changes": resource.replace_on_changes,
        "replace_with": resource.replace_with,
        "delete_before_replace": resource.delete_before_replace,
        "replacement_trigger": resource.replacement_trigger,
        "protect": resource.protect,
        "retain_on_delete": resource.retain_on_delete,
        "aliases": [a for a in resource.aliases if not SDK_VERSION_ALIAS.search(a)],
    }
    return {
        "order": order,
        "urn": resource.urn,
        "type": resource.type,
        "custom": resource.custom,
        "parent": resource.parent,
        "inputs": to_wire(resource.inputs, resource.secret_paths, resource.urn),
        "options": {k: v for k, v in options.items() if v not in (None, False, [])},
        "dependencies": resource.dependencies,
        "property_dependencies": resource.property_dependencies,
    }


def _check(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ChangesFileError(f"{where}: {message}")


def _strings(value: Any, where: str) -> list[str]:
    _check(isinstance(value, list) and all(isinstance(v, str) for v in value), where, "expected a list of strings")
    return value


def _finite(value: Any, where: str) -> None:
    """No NaN or infinity anywhere (JSON has none; Python's reader accepts them)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ChangesFileError(f"{where}: {item} is not a finite number")
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def from_record(record: Any, where: str) -> Resource:
    """A resource from a plan file's ``registrations`` or a stack export's ``resources`` entry."""
    _check(isinstance(record, dict), where, f"expected an object, got {type(record).__name__}")
    urn, type_ = record.get("urn"), record.get("type")
    _check(isinstance(urn, str) and urn.startswith("urn:pulumi:"), where, f"urn must be a Pulumi URN, got {urn!r}")
    _check(isinstance(type_, str) and bool(type_), where, f"type must be a non-empty string, got {type_!r}")
    inputs = record.get("inputs") or {}
    _check(isinstance(inputs, dict), where, "inputs must be an object")
    options = record.get("options") or {}
    _check(isinstance(options, dict), where, "options must be an object")
    deps = record.get("property_dependencies", record.get("propertyDependencies")) or {}
    _check(isinstance(deps, dict), where, "property dependencies must be an object")
    for key, value in deps.items():
        _strings(value, f"{where}: property dependencies of {key}")
    _finite(inputs, where)

    def option(name: str, export_name: str, default: Any) -> Any:
        return options.get(name, record.get(export_name, default))

    parent = record.get("parent")
    _check(parent is None or isinstance(parent, str), where, "parent must be a URN")
    return Resource(
        urn=normalize_urn(urn),
        type=type_,
        custom=bool(record.get("custom", True)),
        inputs=from_wire(inputs),
        parent=normalize_urn(parent) if parent else None,
        dependencies=_urns(_strings(record.get("dependencies") or [], f"{where}: dependencies")),
        property_dependencies={str(k): _urns(v) for k, v in deps.items()},
        ignore_changes=_strings(option("ignore_changes", "ignoreChanges", []) or [], f"{where}: ignore_changes"),
        replace_on_changes=_strings(
            option("replace_on_changes", "replaceOnChanges", []) or [], f"{where}: replace_on_changes"
        ),
        replace_with=_urns(_strings(option("replace_with", "replaceWith", []) or [], f"{where}: replace_with")),
        delete_before_replace=bool(option("delete_before_replace", "deleteBeforeReplace", False)),
        replacement_trigger=from_wire(option("replacement_trigger", "replacementTrigger", None)),
        protect=bool(option("protect", "protect", False)),
        retain_on_delete=bool(option("retain_on_delete", "retainOnDelete", False)),
        aliases=_urns(x for x in option("aliases", "aliases", []) or [] if isinstance(x, str)),
    )


def from_plan(rows: list, source: str) -> list[Resource]:
    """The resources of a plan file (``plan --format json``): each VM's ``registrations`` and its
    network's, in the order they were registered; each shared resource once."""
    records: dict[str, tuple[int, Resource]] = {}
    for index, row in enumerate(rows):
        _check(isinstance(row, dict), f"{source}: item {index}", "expected a VM object")
        for key in ("registrations", "network_registrations"):
            entries = row.get(key, [])
            _check(isinstance(entries, list), f"{source}: item {index}", f"{key} must be a list")
            for position, entry in enumerate(entries):
                where = f"{source}: item {index} ({row.get('name')!r}) {key}[{position}]"
                resource = from_record(entry, where)
                order = entry.get("order", position)
                _check(isinstance(order, int) and not isinstance(order, bool), where, "order must be a number")
                records.setdefault(resource.urn, (order, resource))
    return [resource for _, resource in sorted(records.values(), key=lambda pair: pair[0])]


def from_stack_export(document: dict, source: str) -> list[Resource]:
    """The resources of ``pulumi stack export`` (``deployment.resources``), in state order (which is
    dependency order); pending deletions and providers are left out."""
    deployment = document.get("deployment")
    _check(isinstance(deployment, dict), source, "a stack export needs a deployment object")
    entries = deployment.get("resources") or []
    _check(isinstance(entries, list), source, "deployment.resources must be a list")
    resources = []
    for index, entry in enumerate(entries):
        where = f"{source}: deployment.resources[{index}]"
        _check(isinstance(entry, dict), where, "expected an object")
        if entry.get("delete") or str(entry.get("type", "")).startswith(NOT_COMPARED):
            continue
        resources.append(from_record(entry, where))
    return resources


def has_registrations(rows: list) -> bool:
    return bool(rows) and all(isinstance(r, dict) and "registrations" in r for r in rows)


def parse_before(document: Any, source: str) -> tuple[list[Resource], str]:
    """The resources of a parsed BEFORE document and what it is (``plan`` or ``stack export``)."""
    try:
        if isinstance(document, list):
            _check(has_registrations(document), source, _NO_REGISTRATIONS)
            return from_plan(document, source), "plan"
        if isinstance(document, dict) and "deployment" in document:
            return from_stack_export(document, source), "stack export"
    except RecursionError:
        raise ChangesFileError(f"{source}: nested too deeply") from None
    except ChangesFileError:
        raise
    except ValueError as error:
        raise ChangesFileError(f"{source}: {error}") from None
    raise ChangesFileError(
        f"{source}: expected a plan (a JSON list from `plan --format json`) or a stack export (an object "
        f"with a deployment), got a JSON {type(document).__name__}"
    )


_NO_REGISTRATIONS = (
    "a plan without registrations (made before `plan --changes` existed, or not by `plan --format json`); "
    "make BEFORE again with this version"
)
