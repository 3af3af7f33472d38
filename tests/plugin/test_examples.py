"""The examples in other languages stay true to the plugin's schema: the YAML program's every
resource, property, value type and reference, run through the plugin's Construct under mocks; the
TypeScript program's every component, input and output name."""

from __future__ import annotations

import json
import re
from typing import Any

import pulumi
import pytest
import yaml

from components.hosting import NETWORKS, MulticloudProvider
from components.offline import evaluate
from tests.support.common import DEFAULT_CONFIG, ROOT, public_key
from tests.support.plugin_harness import StableMocks, to_wire

EXAMPLES = ROOT / "examples"
REFERENCE = re.compile(r"\$\{([\w-]+)(?:\.(\w+))?\}")
PRIMITIVES = {"string": str, "integer": int, "number": (int, float), "boolean": bool}


@pytest.fixture(scope="module")
def schema() -> dict:
    return MulticloudProvider().spec


# --- Pulumi YAML -----------------------------------------------------------------------------------

YAML_PROGRAM = yaml.safe_load((EXAMPLES / "yaml" / "Pulumi.yaml").read_text())


def yaml_problems(program: dict, schema: dict) -> list[str]:
    """What Pulumi YAML's type checker would reject, against the plugin's schema."""
    resources, config = program["resources"], program.get("config", {})
    problems = []

    def check(where: str, value: Any, spec: dict) -> None:
        ref = spec.get("$ref", "")
        match = REFERENCE.fullmatch(value) if isinstance(value, str) else None
        if match:
            name, attribute = match.groups()
            if name in resources and attribute is None:
                if ref != f"#/resources/{resources[name]['type']}":
                    problems.append(f"{where}: ${{{name}}} is a {resources[name]['type']}, not what {spec} takes")
            elif name in resources:
                if attribute not in schema["resources"][resources[name]["type"]]["properties"]:
                    problems.append(f"{where}: {name} has no output {attribute}")
                elif spec.get("plain"):
                    problems.append(f"{where}: an output where a plain value is needed")
            elif name in config and isinstance(config[name], dict):
                if config[name].get("secret") and spec.get("plain"):
                    problems.append(f"{where}: a secret where a plain value is needed")
                if config[name].get("type") != spec.get("type"):
                    problems.append(f"{where}: config {name} is a {config[name].get('type')}")
            else:
                problems.append(f"{where}: ${{{name}}} names nothing")
        elif ref.startswith("#/types/"):
            type_ = schema["types"][ref.removeprefix("#/types/")]
            if not isinstance(value, dict):
                problems.append(f"{where}: expected an object")
                return
            problems.extend(f"{where}: no property {k}" for k in value if k not in type_["properties"])
            problems.extend(f"{where}: {k} is required" for k in type_.get("required", []) if k not in value)
            for key, item in value.items():
                if key in type_["properties"]:
                    check(f"{where}.{key}", item, type_["properties"][key])
        elif ref:
            problems.append(f"{where}: {ref} takes a resource reference, not {value!r}")
        elif spec.get("type") == "array":
            if not isinstance(value, list):
                problems.append(f"{where}: expected a list")
                return
            for index, item in enumerate(value):
                check(f"{where}[{index}]", item, spec["items"])
        elif spec.get("type") == "object":
            if not isinstance(value, dict):
                problems.append(f"{where}: expected a map")
                return
            for key, item in value.items():
                check(f"{where}.{key}", item, spec["additionalProperties"])
        else:
            expected = PRIMITIVES[spec["type"]]
            if not isinstance(value, expected) or (isinstance(value, bool) and spec["type"] != "boolean"):
                problems.append(f"{where}: {value!r} is not a {spec['type']}")

    for name, resource in resources.items():
        spec = schema["resources"].get(resource["type"])
        if spec is None:
            problems.append(f"{name}: the package has no {resource['type']}")
            continue
        properties = resource.get("properties", {})
        problems.extend(f"{name}: {k} is required" for k in spec["requiredInputs"] if k not in properties)
        for key, value in properties.items():
            if key not in spec["inputProperties"]:
                problems.append(f"{name}: no input {key}")
            else:
                check(f"{name}.{key}", value, spec["inputProperties"][key])

    def outputs(where: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                outputs(f"{where}.{key}", item)
        else:
            check(where, value, {"type": "string"})

    outputs("outputs", program.get("outputs", {}))
    return problems


def test_the_yaml_program_matches_the_schema(schema):
    assert yaml_problems(YAML_PROGRAM, schema) == []
    assert YAML_PROGRAM["packages"] == {"multicloud": "../../plugin"}
    assert (EXAMPLES / "yaml" / YAML_PROGRAM["packages"]["multicloud"] / "PulumiPlugin.yaml").is_file()


def test_the_yaml_check_catches_what_yaml_would_reject(schema):
    broken = json.loads(json.dumps(YAML_PROGRAM))
    web = broken["resources"]["web"]["properties"]
    web["memory"] = 4  # memoryGib
    web["cpus"] = "2"
    web["ingress"][0]["ports"] = 443
    web["network"] = "${web}"
    web["sshPublicKey"] = "${adminPassword}"
    broken["resources"]["worker"]["properties"]["dataDisks"] = [{"diskType": "ssd"}]
    broken["resources"]["analytics"]["properties"].pop("cloud")
    broken["resources"]["win"]["type"] = "multicloud:index:Vm"
    broken["outputs"]["ssh"] = "${web.ssh}"
    assert len(yaml_problems(broken, schema)) == 9, yaml_problems(broken, schema)


def test_the_yaml_program_runs_through_the_plugin():
    """Each resource constructed as the engine would ask the plugin, in the order references impose:
    the VMs that name ``${shared}`` get the Network the plugin built for it."""
    provider = MulticloudProvider()
    resources, program_config = YAML_PROGRAM["resources"], YAML_PROGRAM["config"]
    values = {"sshPublicKey": public_key("ed25519"), "adminPassword": "Correct-Horse-Battery-9"}
    stack_config = {**DEFAULT_CONFIG, **{k: v for k, v in program_config.items() if ":" in k}}

    def resolve(value: Any, built: dict) -> Any:
        match = REFERENCE.fullmatch(value) if isinstance(value, str) else None
        if match and match.group(1) in built:
            return built[match.group(1)]
        if match:
            secret = program_config[match.group(1)].get("secret")
            return pulumi.Output.secret(values[match.group(1)]) if secret else values[match.group(1)]
        if isinstance(value, dict):
            return {k: resolve(v, built) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v, built) for v in value]
        return value

    def run():
        urns: dict[str, pulumi.Output] = {}
        for name, resource in resources.items():
            text = json.dumps(resource.get("properties", {}))
            needs = sorted({m.group(1) for m in REFERENCE.finditer(text) if m.group(1) in resources})

            def build(needed_urns, name=name, resource=resource, needs=needs):
                built = {need: NETWORKS.get(urn) for need, urn in zip(needs, needed_urns)}
                inputs = to_wire(resolve(resource.get("properties", {}), built))
                return provider.construct(name, resource["type"], inputs).urn

            urns[name] = pulumi.Output.all(*[urns[need] for need in needs]).apply(build)
        pulumi.export("urns", urns)

    evaluation = evaluate(run, config=stack_config, mocks=StableMocks())
    assert set(evaluation.outputs["urns"]) == set(resources)
    assert len(evaluation.of_type("aws:ec2/vpc:Vpc")) == 1  # web and worker share it
    (analytics,) = evaluation.of_type("gcp:compute/instance:Instance")
    assert analytics.inputs["machineType"].startswith("t2a-") and analytics.inputs["zone"].startswith("europe-west4")
    (win,) = evaluation.of_type("azure-native:compute:VirtualMachine")
    assert win.inputs["location"] == "westeurope" and "osProfile" in win.secret_inputs
    spot = [i for i in evaluation.of_type("aws:ec2/instance:Instance") if "instanceMarketOptions" in i.inputs]
    assert [i.name for i in spot] == ["worker-vm"] and spot[0].inputs["region"] == "eu-west-1"


# --- TypeScript ------------------------------------------------------------------------------------

TS_DIR = EXAMPLES / "typescript"
TS_SOURCE = re.sub(r"(^|\s)//[^\n]*", r"\1", (TS_DIR / "index.ts").read_text())


def _literal(text: str, start: int) -> tuple[str, int]:
    """The bracketed literal opening at ``text[start]`` (strings and templates skipped) and its end."""
    pairs, depth, index = {"{": "}", "[": "]", "(": ")"}, [], start
    while index < len(text):
        char = text[index]
        if char in "'\"`":
            index = text.index(char, index + 1)
        elif char in pairs:
            depth.append(pairs[char])
        elif depth and char == depth[-1]:
            depth.pop()
            if not depth:
                return text[start : index + 1], index + 1
        index += 1
    raise AssertionError(f"unbalanced literal at {start}")


def _split(literal: str) -> list[str]:
    """The top-level comma-separated parts of a bracketed literal."""
    body, parts, index, start = literal[1:-1], [], 0, 0
    while index < len(body):
        if body[index] in "{[(":
            index = _literal(body, index)[1]
            continue
        if body[index] in "'\"`":
            index = body.index(body[index], index + 1)
        elif body[index] == ",":
            parts.append(body[start:index])
            start = index + 1
        index += 1
    return [part.strip() for part in [*parts, body[start:]] if part.strip()]


def _entries(literal: str) -> dict[str, str]:
    """The top-level ``key: value`` (or shorthand ``key``) entries of an object literal."""
    entries = {}
    for part in _split(literal):
        key, _, value = part.partition(":")
        entries[key.strip()] = value.strip() or key.strip()
    return entries


def typescript_components() -> list[tuple[str, str, dict[str, str]]]:
    """Each ``const variable = new multicloud.Component("name", {...})``: variable, component, inputs."""
    found = []
    for match in re.finditer(r"const (\w+) = new multicloud\.(\w+)\(\s*\"[\w-]+\",\s*", TS_SOURCE):
        literal, _ = _literal(TS_SOURCE, match.end())
        found.append((match.group(1), match.group(2), _entries(literal)))
    return found


def test_the_typescript_program_uses_the_schemas_names(schema):
    components = typescript_components()
    assert [c for _, c, _ in components] == ["Network", "VirtualMachine", "VirtualMachine", "VirtualMachine"]
    for variable, component, inputs in components:
        resource = schema["resources"][f"multicloud:index:{component}"]
        assert set(inputs) <= set(resource["inputProperties"]), (
            variable,
            set(inputs) - set(resource["inputProperties"]),
        )
        assert set(resource["requiredInputs"]) <= set(inputs), variable
        for key, type_name in (("ingress", "IngressRule"), ("dataDisks", "DataDisk")):
            if key in inputs:
                items = _split(inputs[key])
                assert items, (variable, key)
                for item in items:
                    names = set(_entries(item))
                    assert names <= set(schema["types"][f"multicloud:index:{type_name}"]["properties"]), names
    kinds = {variable: component for variable, component, _ in components}
    used = re.findall(r"\b(" + "|".join(kinds) + r")\.(\w+)\b", TS_SOURCE)
    assert {name for _, name in used} >= {"publicIp", "sshCommand", "privateIp", "hourlyPrice", "subnetIds"}
    for variable, output in used:
        assert output in schema["resources"][f"multicloud:index:{kinds[variable]}"]["properties"], (variable, output)
    assert '"@pulumi/multicloud"' in TS_SOURCE and "network," in TS_SOURCE  # the Network resource itself
    package = json.loads((TS_DIR / "package.json").read_text())
    assert package["dependencies"]["@pulumi/multicloud"] == "file:sdks/multicloud"
    assert yaml.safe_load((TS_DIR / "Pulumi.yaml").read_text())["packages"] == {"multicloud": "../../plugin"}


def test_the_typescript_check_reads_object_literals():
    text = 'const a = new multicloud.VirtualMachine("a", { cloud: "aws", tags: { x: "1,2" }, network, u: `${b.c}` });'
    ((variable, component, inputs),) = [
        (m.group(1), m.group(2), _entries(_literal(text, m.end())[0]))
        for m in re.finditer(r"const (\w+) = new multicloud\.(\w+)\(\s*\"[\w-]+\",\s*", text)
    ]
    assert (variable, component, sorted(inputs)) == ("a", "VirtualMachine", ["cloud", "network", "tags", "u"])
