"""The schema other languages get: inferred from the Python annotations, checked in, and guarded.

``plugin/schema.json`` is what ``pulumi package add`` generates SDKs from (the plugin serves the same
document from GetSchema). A change to the args shows up here as a diff of that file, and a change that
would break programs in other languages (an input removed, retyped, made required or plain; an output
removed or retyped) cannot be checked in without a version bump:

    UPDATE_SCHEMA=1 .venv/bin/pytest tests/plugin/test_plugin_schema.py
"""

from __future__ import annotations

import json
import os
import re
import sys
import types
from pathlib import Path

import pulumi
import pytest
from pulumi.provider.experimental.analyzer import Analyzer, TypeNotFoundError
from pulumi.provider.experimental.util import camel_case

from components import args as args_module
from components.args import DataDisk, IngressRule, NetworkArgs, VirtualMachineArgs
from components.hosting import SCHEMA_NAMES, MulticloudProvider
from components.spec import KNOWN_KEYS
from components.spec.network import NETWORK_KEYS
from components.version import __version__
from tests.support.common import ROOT

SCHEMA_FILE = ROOT / "plugin" / "schema.json"
UPDATE = os.environ.get("UPDATE_SCHEMA") == "1"
VM, NETWORK = "multicloud:index:VirtualMachine", "multicloud:index:Network"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


@pytest.fixture(scope="module")
def schema() -> dict:
    return MulticloudProvider().spec


# --- checked in, and no breaking change without a version bump --------------------------------------


def _shape(spec: dict) -> dict:
    """What a consumer's code depends on in a property: its type (not its description)."""
    return {k: (_shape(v) if isinstance(v, dict) else v) for k, v in spec.items() if k not in ("description",)}


def breaking_changes(old: dict, new: dict) -> list[str]:
    """What in ``new`` breaks programs written against ``old`` in a typed language (or YAML)."""
    problems = []

    def compare(where: str, old_props: dict, new_props: dict, old_required, new_required, inputs: bool):
        for name, old_spec in old_props.items():
            new_spec = new_props.get(name)
            if new_spec is None:
                problems.append(f"{where}.{name} removed")
                continue
            old_type = {k: v for k, v in _shape(old_spec).items() if k not in ("plain", "secret")}
            new_type = {k: v for k, v in _shape(new_spec).items() if k not in ("plain", "secret")}
            if old_type != new_type:
                problems.append(f"{where}.{name} changed type: {old_type} -> {new_type}")
            if inputs and new_spec.get("plain") and not old_spec.get("plain"):
                problems.append(f"{where}.{name} became plain: outputs are no longer accepted")
            if inputs and old_spec.get("secret") and not new_spec.get("secret"):
                problems.append(f"{where}.{name} is no longer secret")
            if not inputs and name in old_required and name not in new_required:
                problems.append(f"{where}.{name} may now be missing (was always set)")
        if inputs:
            for name in sorted(set(new_required) - set(old_required)):
                problems.append(f"{where}.{name} is now required")

    for token, old_res in old.get("resources", {}).items():
        new_res = new.get("resources", {}).get(token)
        if new_res is None:
            problems.append(f"{token} removed")
            continue
        for kind, props, required, inputs in (
            ("input", "inputProperties", "requiredInputs", True),
            ("output", "properties", "required", False),
        ):
            old_props, new_props = old_res.get(props, {}), new_res.get(props, {})
            old_required, new_required = old_res.get(required, []), new_res.get(required, [])
            compare(f"{token} {kind}", old_props, new_props, old_required, new_required, inputs)
    for token, old_type in old.get("types", {}).items():
        new_type = new.get("types", {}).get(token)
        if new_type is None:
            problems.append(f"type {token} removed")
            continue
        old_props, new_props = old_type.get("properties", {}), new_type.get("properties", {})
        old_required, new_required = old_type.get("required", []), new_type.get("required", [])
        compare(f"type {token}", old_props, new_props, old_required, new_required, True)
    return problems


def bumped(old: str, new: str) -> bool:
    """Whether ``new`` may break ``old``'s users: a new major version (a new minor one below 1.0)."""
    old_v, new_v = ([int(p) for p in v.split("-")[0].split(".")] for v in (old, new))
    if old_v[0] == 0 and new_v[0] == 0:
        return new_v[1] > old_v[1]
    return new_v[0] > old_v[0]


def test_the_served_schema_is_the_checked_in_one(schema):
    checked_in = json.loads(SCHEMA_FILE.read_text()) if SCHEMA_FILE.exists() else {}
    breaking = breaking_changes(checked_in, schema)
    if UPDATE:
        assert not breaking or bumped(checked_in["version"], schema["version"]), (
            "breaking change for other languages; bump components/version.py (major, or minor below 1.0) first:\n  "
            + "\n  ".join(breaking)
        )
        SCHEMA_FILE.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
        return
    assert schema == checked_in, (
        "the schema differs from plugin/schema.json"
        + (" and BREAKS other languages:\n  " + "\n  ".join(breaking) if breaking else "")
        + "\nIf intended: UPDATE_SCHEMA=1 pytest tests/plugin/test_plugin_schema.py (breaking changes need a version bump)"
    )


def test_breaking_changes_are_caught(schema):
    def changed(edit) -> list[str]:
        new = json.loads(json.dumps(schema))
        edit(new)
        return breaking_changes(schema, new)

    vm = lambda s: s["resources"][VM]  # noqa: E731
    assert breaking_changes(schema, schema) == []
    assert changed(lambda s: vm(s)["inputProperties"].pop("spot")) == [f"{VM} input.spot removed"]
    assert "changed type" in changed(lambda s: vm(s)["inputProperties"]["cpus"].update(type="number"))[0]
    assert "now required" in changed(lambda s: vm(s)["requiredInputs"].append("region"))[0]
    assert "became plain" in changed(lambda s: vm(s)["inputProperties"]["userData"].update(plain=True))[0]
    assert "no longer secret" in changed(lambda s: vm(s)["inputProperties"]["adminPassword"].pop("secret"))[0]
    assert "output.privateIp removed" in changed(lambda s: vm(s)["properties"].pop("privateIp"))[0]
    assert "may now be missing" in changed(lambda s: vm(s)["required"].remove("vmId"))[0]
    assert "removed" in changed(lambda s: s["types"]["multicloud:index:DataDisk"]["properties"].pop("diskType"))[0]
    assert (
        "changed type" in changed(lambda s: vm(s)["inputProperties"]["network"].update({"$ref": "pulumi.json#/Any"}))[0]
    )
    # Compatible changes: a new optional input, a description, an input that now accepts outputs.
    assert changed(lambda s: vm(s)["inputProperties"].update(newInput={"type": "string"})) == []
    assert changed(lambda s: vm(s)["inputProperties"]["cpus"].update(description="x")) == []
    assert changed(lambda s: vm(s)["inputProperties"]["cpus"].pop("plain")) == []
    assert bumped("0.1.0", "0.2.0") and bumped("1.4.2", "2.0.0")
    assert not bumped("0.1.0", "0.1.1") and not bumped("1.4.2", "1.5.0")


def test_the_version_is_the_projects(schema):
    assert SEMVER.match(__version__), __version__
    assert schema["version"] == MulticloudProvider().version == __version__
    assert schema["name"] == "multicloud"


# --- complete: every input, its type, whether it is required, its description ----------------------


def test_inputs_are_the_python_args_and_the_validated_keys(schema):
    vm, network = schema["resources"][VM], schema["resources"][NETWORK]
    assert set(vm["inputProperties"]) == {camel_case(k) for k in VirtualMachineArgs.__annotations__}
    assert set(vm["inputProperties"]) == {camel_case(k) for k in KNOWN_KEYS}
    assert set(network["inputProperties"]) == {camel_case(k) for k in NetworkArgs.__annotations__}
    assert set(network["inputProperties"]) == {camel_case(k) for k in NETWORK_KEYS}
    assert vm["requiredInputs"] == network["requiredInputs"] == ["cloud"]
    assert schema["types"]["multicloud:index:IngressRule"]["required"] == ["sources"]
    assert schema["types"]["multicloud:index:DataDisk"]["required"] == ["sizeGib"]
    assert set(schema["types"]) == {"multicloud:index:IngressRule", "multicloud:index:DataDisk"}
    assert vm["isComponent"] and network["isComponent"]


PLAIN = {"plain": True}
EXPECTED_VM_INPUTS = {
    "cloud": {"type": "string", **PLAIN},
    "cpus": {"type": "integer", **PLAIN},
    "memoryGib": {"type": "number", **PLAIN},
    "burstable": {"type": "boolean", **PLAIN},
    "diskSizeGib": {"type": "integer", **PLAIN},
    "dataDisks": {"type": "array", "items": {"$ref": "#/types/multicloud:index:DataDisk", **PLAIN}, **PLAIN},
    "ingress": {"type": "array", "items": {"$ref": "#/types/multicloud:index:IngressRule", **PLAIN}, **PLAIN},
    "tags": {"type": "object", "additionalProperties": {"type": "string", **PLAIN}, **PLAIN},
    # Outputs accepted (no "plain") and secret: a generated password, a rendered template.
    "adminPassword": {"type": "string", "secret": True},
    "userData": {"type": "string", "secret": True},
    # This package's own Network resource, passed as itself.
    "network": {"$ref": "#/resources/multicloud:index:Network", **PLAIN},
}
EXPECTED_VM_OUTPUTS = {
    "vmId": ("string", True),
    "cloud": ("string", True),
    "region": ("string", True),
    "zone": ("string", False),
    "instanceType": ("string", True),
    "image": ("string", True),
    "privateIp": ("string", True),
    "publicIp": ("string", False),
    "hourlyPrice": ("number", False),
    "sshCommand": ("string", False),
}


def test_input_and_output_types(schema):
    vm = schema["resources"][VM]
    for name, expected in EXPECTED_VM_INPUTS.items():
        assert _shape(vm["inputProperties"][name]) == expected, name
    # Every other input is a plain string or boolean: the component checks it before creating anything.
    for name, spec in vm["inputProperties"].items():
        if name not in EXPECTED_VM_INPUTS:
            assert spec.get("plain") and spec["type"] in ("string", "boolean"), name
    assert {name: (p["type"], name in vm["required"]) for name, p in vm["properties"].items()} == EXPECTED_VM_OUTPUTS
    network = schema["resources"][NETWORK]
    assert _shape(network["properties"]["subnetIds"]) == {"type": "object", "additionalProperties": {"type": "string"}}
    assert _shape(network["properties"]["regions"]) == {"type": "array", "items": {"type": "string"}}
    assert sorted(network["required"]) == ["cloud", "networkIds", "regions", "subnetIds"]
    assert _shape(schema["types"]["multicloud:index:IngressRule"]["properties"]["port"]) == {"type": "integer", **PLAIN}


def _properties(schema: dict):
    for token, resource in schema["resources"].items():
        for kind in ("inputProperties", "properties"):
            for name, spec in resource[kind].items():
                yield f"{token}.{kind}.{name}", spec
    for token, type_ in schema["types"].items():
        for name, spec in type_["properties"].items():
            yield f"{token}.{name}", spec


def test_everything_is_described_in_markdown_with_schema_names(schema):
    snake = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
    described = [(where, spec["description"]) for where, spec in _properties(schema)]
    described += [(token, r["description"]) for token, r in schema["resources"].items()]
    described += [(token, t["description"]) for token, t in schema["types"].items()]
    assert described and all(text.strip() for _, text in described)
    for where, text in described:
        assert "``" not in text and "\n    " not in text, where  # Markdown, dedented
        assert not set(snake.findall(text)) & set(SCHEMA_NAMES), where  # inputs named as the schema does


# --- the schema is a valid Pulumi package schema ------------------------------------------------------

# The rules of Pulumi's package metaschema (pulumi/pulumi, pkg/codegen/schema/pulumi.json) that apply
# to a component package, restated: the metaschema ships with neither the Python SDK nor the CLI here.
TOKEN = re.compile(r"^[a-zA-Z][-a-zA-Z0-9_]*:([^0-9][a-zA-Z0-9._/-]*)?:[^0-9][a-zA-Z0-9._/-]*$")
PACKAGE_KEYS = {"name", "displayName", "version", "description", "keywords", "homepage", "license", "repository"}
PACKAGE_KEYS |= {"namespace", "meta", "config", "types", "dependencies", "provider", "resources", "functions"}
PACKAGE_KEYS |= {"language", "publisher", "logoUrl", "pluginDownloadURL", "attribution", "parameterization"}
TYPE_SPEC_KEYS = {"type", "items", "additionalProperties", "$ref", "oneOf", "discriminator", "plain"}
PROPERTY_KEYS = TYPE_SPEC_KEYS | {"description", "const", "default", "defaultInfo", "deprecationMessage", "language"}
PROPERTY_KEYS |= {"secret", "replaceOnChanges", "willReplaceOnChanges"}
OBJECT_KEYS = {"description", "properties", "type", "required", "language", "isOverlay"}
RESOURCE_KEYS = OBJECT_KEYS | {"inputProperties", "requiredInputs", "stateInputs", "aliases", "deprecationMessage"}
RESOURCE_KEYS |= {"isComponent", "methods"}
PRIMITIVES = {"boolean", "integer", "number", "string"}
BUILTIN_REFS = {"pulumi.json#/Any", "pulumi.json#/Archive", "pulumi.json#/Asset", "pulumi.json#/Json"}


def schema_problems(schema: dict) -> list[str]:
    problems = []

    def type_spec(where: str, spec: dict, property_keys: set[str]) -> None:
        if set(spec) - property_keys:
            problems.append(f"{where}: unknown keys {sorted(set(spec) - property_keys)}")
        kinds = [
            spec.get("type") in PRIMITIVES and not ({"items", "additionalProperties", "$ref", "oneOf"} & set(spec)),
            spec.get("type") == "array" and "items" in spec and not ({"additionalProperties", "$ref"} & set(spec)),
            spec.get("type") == "object" and not ({"items", "$ref", "oneOf"} & set(spec)),
            "$ref" in spec and not ({"items", "additionalProperties", "oneOf"} & set(spec)),
            len(spec.get("oneOf", [])) >= 2,
        ]
        if kinds.count(True) != 1:
            problems.append(f"{where}: not exactly one of primitive, array, map, named or union type: {spec}")
        ref = spec.get("$ref")
        if ref is not None and ref not in BUILTIN_REFS:
            kind, _, token = ref.removeprefix("#/").partition("/")
            if not ref.startswith("#/") or token not in schema.get(kind, {}):
                problems.append(f"{where}: $ref {ref} resolves to nothing in this schema")
        for key in ("items", "additionalProperties"):
            if isinstance(spec.get(key), dict):
                type_spec(f"{where}.{key}", spec[key], property_keys)
        if not isinstance(spec.get("plain", False), bool) or not isinstance(spec.get("secret", False), bool):
            problems.append(f"{where}: plain and secret are booleans")

    if set(schema) - PACKAGE_KEYS:
        problems.append(f"unknown top-level keys {sorted(set(schema) - PACKAGE_KEYS)}")
    if not re.match(r"^[a-zA-Z][-a-zA-Z0-9_]*$", schema.get("name", "")):
        problems.append(f"name {schema.get('name')!r}")
    if not SEMVER.match(schema.get("version", "").removeprefix("v")):
        problems.append(f"version {schema.get('version')!r} is not semver")
    for kind, allowed in (("resources", RESOURCE_KEYS), ("types", OBJECT_KEYS)):
        for token, item in schema.get(kind, {}).items():
            if not TOKEN.match(token) or not token.startswith(f"{schema['name']}:"):
                problems.append(f"{kind} token {token!r}")
            if set(item) - allowed:
                problems.append(f"{token}: unknown keys {sorted(set(item) - allowed)}")
            for props, required in (("properties", "required"), ("inputProperties", "requiredInputs")):
                for name, spec in item.get(props, {}).items():
                    type_spec(f"{token}.{props}.{name}", spec, PROPERTY_KEYS)
                missing = set(item.get(required, [])) - set(item.get(props, {}))
                if missing:
                    problems.append(f"{token}.{required} names missing properties {sorted(missing)}")
    return problems


def test_the_schema_is_a_valid_pulumi_package_schema(schema):
    assert schema_problems(schema) == []
    # The checks themselves catch what the metaschema rejects.
    broken = json.loads(json.dumps(schema))
    vm = broken["resources"][VM]
    vm["inputProperties"]["cpus"]["type"] = "int"
    vm["inputProperties"]["tags"]["items"] = {"type": "string"}
    vm["inputProperties"]["network"]["$ref"] = "#/resources/multicloud:index:Nework"
    vm["inputProperties"]["spot"]["secrets"] = True
    vm["requiredInputs"].append("clouds")
    broken["version"] = "1.0"
    broken["types"]["multicloud:index:9Disk"] = {"type": "object", "properties": {}}
    assert len(schema_problems(broken)) == 7, schema_problems(broken)


# --- the facts behind args.py's form -----------------------------------------------------------------


def test_string_annotations_in_args_would_break_the_schema():
    """``from __future__ import annotations`` in args.py: the analyzer reads annotations unevaluated and
    cannot resolve ``Required[str]``, and Python 3.11 loses the TypedDict's required keys."""
    source = Path(args_module.__file__).read_text()
    assert not re.search(r"^from __future__ import annotations", source, re.M)
    stringified = types.ModuleType("stringified_args")
    sys.modules[stringified.__name__] = stringified
    try:
        exec(compile("from __future__ import annotations\n" + source, "stringified_args.py", "exec"), vars(stringified))
        assert stringified.VirtualMachineArgs.__required_keys__ == frozenset()

        def init(self, name, args, opts=None): ...

        init.__annotations__ = {"args": stringified.VirtualMachineArgs}
        component = type("VirtualMachine", (pulumi.ComponentResource,), {"__init__": init})
        with pytest.raises(TypeNotFoundError, match=r"Could not find the type 'Required\[str\]'"):
            Analyzer("multicloud").analyze([component])
    finally:
        del sys.modules[stringified.__name__]
    assert VirtualMachineArgs.__required_keys__ == frozenset({"cloud"})
    assert IngressRule.__required_keys__ == frozenset({"sources"}) and DataDisk.__required_keys__ == {"size_gib"}


def test_the_python_names_stay():
    from components import NetworkArgs as exported_network_args
    from components import VirtualMachineArgs as exported_vm_args
    from components.vm import DataDiskArgs, IngressRuleArgs

    assert exported_vm_args is VirtualMachineArgs and exported_network_args is NetworkArgs
    assert IngressRuleArgs is IngressRule and DataDiskArgs is DataDisk
