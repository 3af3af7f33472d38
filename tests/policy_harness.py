"""Feeds resources captured by ``components.tools.offline.evaluate`` to the policy pack the way the Pulumi
engine does: through the policy SDK's own analyzer servicer (Configure, Analyze per resource,
AnalyzeStack), so props are deserialized and wrapped in the SDK's unknown-checking proxies, config
and enforcement levels come from a pack config file as the CLI reconciles it, and violations come
back as the diagnostics the engine would print.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pulumi
from google.protobuf import struct_pb2
from pulumi.runtime import proto, rpc
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from components.tools.offline import Evaluation, RegisteredResource  # noqa: E402
from policies.rules import ALL_POLICIES  # noqa: E402

PACK_NAME = "multicloud-vm-guardrails"
PACK_CONFIG_FILE = REPO_ROOT / "policies" / "config.json"
UNKNOWN = rpc.UNKNOWN  # the engine's unknown-string sentinel, as the policy SDK sees it
_LEVELS = {
    "advisory": proto.ADVISORY,
    "mandatory": proto.MANDATORY,
    "remediate": proto.REMEDIATE,
    "disabled": proto.DISABLED,
}
_LEVEL_NAMES = {v: k for k, v in _LEVELS.items()}


@dataclass(frozen=True)
class Violation:
    policy: str
    level: str  # advisory | mandatory
    urn: str  # "" for a violation of the whole stack
    message: str

    @property
    def resource_name(self) -> str:
        return self.urn.rsplit("::", 1)[-1] if self.urn else ""


def reconcile_config(pack_config: Mapping[str, Any] | None, policies=ALL_POLICIES) -> dict[str, tuple[str, dict]]:
    """(enforcement level, properties) per policy, as the CLI builds them from a
    ``--policy-pack-config`` file: the policy's own level, overridden by "all" then by its entry,
    schema defaults filled in, properties validated against the policy's schema."""
    pack_config = dict(pack_config or {})
    names = {p.name for p in policies}
    unknown_names = set(pack_config) - names - {"all"}
    if unknown_names:
        raise ValueError(f"config names unknown policies: {sorted(unknown_names)}")
    result = {}
    for policy in policies:
        level = (policy.enforcement_level or EnforcementLevel.ADVISORY).value
        level = pack_config.get("all", level)
        schema = policy.config_schema
        properties = {k: v["default"] for k, v in (schema.properties if schema else {}).items() if "default" in v}
        entry = pack_config.get(policy.name)
        if isinstance(entry, str):
            level = entry
        elif isinstance(entry, Mapping):
            entry = dict(entry)
            level = entry.pop("enforcementLevel", level)
            properties.update(entry)
        if schema is not None:
            jsonschema.validate(
                properties,
                {
                    "type": "object",
                    "properties": schema.properties,
                    "required": schema.required or [],
                },
            )
        elif properties:
            raise ValueError(f"policy {policy.name} takes no configuration, got {properties}")
        result[policy.name] = (level, properties)
    return result


def load_pack_config(path: Path = PACK_CONFIG_FILE) -> dict:
    return json.loads(path.read_text())


def wire_value(value: Any) -> Any:
    """A captured value as the engine sends it to an analyzer: unknowns as the unknown sentinel."""
    if isinstance(value, pulumi.output.Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {str(k): wire_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [wire_value(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


def _struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(wire_value(props))
    return struct


@dataclass(frozen=True)
class Provider:
    type: str
    urn: str
    name: str
    props: dict


def provider_for(
    resource: RegisteredResource,
    resources: Iterable[RegisteredResource],
    stack_config: Mapping[str, Any],
) -> Provider | None:
    """The provider the engine would send with the resource: the explicit one it names, else the
    package's default provider, whose inputs are the stack config under ``<package>:``."""
    package = resource.type.split(":", 1)[0]
    if resource.provider:
        urn = resource.provider.rsplit("::", 1)[0]  # a provider reference is "<urn>::<id>"
        for candidate in resources:
            if candidate.urn == urn:
                return Provider(
                    candidate.type,
                    candidate.urn,
                    candidate.name,
                    dict(candidate.inputs),
                )
    if package == "pulumi" or not resource.custom:
        return None
    props = {k.split(":", 1)[1]: v for k, v in stack_config.items() if k.startswith(package + ":")}
    urn = f"urn:pulumi:dev::multicloud-vm::pulumi:providers:{package}::default"
    return Provider(f"pulumi:providers:{package}", urn, "default", props)


def _provider_message(provider: Provider | None, message_type):
    if provider is None:
        return None
    return message_type(
        type=provider.type,
        urn=provider.urn,
        name=provider.name,
        properties=_struct(provider.props),
    )


def _options(resource: RegisteredResource) -> proto.AnalyzerResourceOptions:
    return proto.AnalyzerResourceOptions(
        protect=resource.protect,
        ignoreChanges=resource.ignore_changes,
        deleteBeforeReplace=resource.delete_before_replace,
        deleteBeforeReplaceDefined=True,
        additionalSecretOutputs=resource.additional_secret_outputs,
        aliases=resource.aliases,
        parent=resource.parent or "",
    )


def _violations(response) -> list[Violation]:
    out = []
    for d in response.diagnostics:
        message = d.message[len(d.description) :].lstrip("\n") if d.message.startswith(d.description) else d.message
        out.append(Violation(d.policyName, _LEVEL_NAMES[d.enforcementLevel], d.urn, message))
    return out


def run_policies(
    resources: Iterable[RegisteredResource],
    pack_config: Mapping[str, Any] | None = None,
    stack_config: Mapping[str, Any] | None = None,
    policies=ALL_POLICIES,
) -> list[Violation]:
    """Every violation the pack reports for these resources (each resource, then the stack)."""
    resources = list(resources)
    stack_config = dict(stack_config or {})
    servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.0.1", list(policies), EnforcementLevel.ADVISORY)
    request = proto.ConfigureAnalyzerRequest()
    for name, (level, properties) in reconcile_config(pack_config, policies).items():
        request.policyConfig[name].CopyFrom(
            proto.PolicyConfig(enforcementLevel=_LEVELS[level], properties=_struct(properties))
        )
    servicer.Configure(request, None)

    violations: list[Violation] = []
    stack_resources = []
    for r in resources:
        if r.type.startswith("pulumi:providers:"):
            continue
        provider = provider_for(r, resources, stack_config)
        analyze = proto.AnalyzeRequest(
            type=r.type,
            properties=_struct(r.inputs),
            urn=r.urn,
            name=r.name,
            options=_options(r),
            provider=_provider_message(provider, proto.AnalyzerProviderResource),
        )
        violations += _violations(servicer.Analyze(analyze, None))
        stack_resources.append(
            proto.AnalyzerResource(
                type=r.type,
                properties=_struct(r.outputs or r.inputs),
                urn=r.urn,
                name=r.name,
                options=_options(r),
                provider=_provider_message(provider, proto.AnalyzerProviderResource),
                parent=r.parent or "",
                dependencies=r.dependencies,
                propertyDependencies={
                    k: proto.AnalyzerPropertyDependencies(urns=v) for k, v in r.property_dependencies.items()
                },
            )
        )
    violations += _violations(servicer.AnalyzeStack(proto.AnalyzeStackRequest(resources=stack_resources), None))
    return violations


def run_on_evaluation(
    evaluation: Evaluation,
    pack_config: Mapping[str, Any] | None = None,
    stack_config: Mapping[str, Any] | None = None,
) -> list[Violation]:
    return run_policies(evaluation.resources, pack_config, stack_config)


def raw_resource(type_: str, name: str, props: Mapping[str, Any], *, provider: str | None = None) -> RegisteredResource:
    """A resource as if registered by a program, for props the tests write by hand (e.g. with
    unknown sentinels or missing keys)."""
    urn = f"urn:pulumi:dev::multicloud-vm::{type_}::{name}"
    return RegisteredResource(urn, type_, name, dict(props), dict(props), None, True, None, provider)


def summary(violations: Iterable[Violation]) -> list[tuple[str, str, str]]:
    """(policy, level, resource name) per violation, sorted: what the exact-violation tests compare."""
    return sorted((v.policy, v.level, v.resource_name) for v in violations)


def not_run(violations: Iterable[Violation]) -> list[Violation]:
    """Diagnostics saying a policy could not run (an unknown value reached the SDK's proxy)."""
    return [v for v in violations if "can't run policy" in v.message]
