"""``plan --policy-pack DIR``: a CrossGuard policy pack judges the planned stack, offline.

What ``pulumi preview --policy-pack DIR --policy-pack-config FILE`` does with a local Python pack,
in this process and without the CLI:

- the pack's program (``PulumiPolicy.yaml``'s ``main``, by default its ``__main__.py``) runs as the
  analyzer plugin would run it, except that its ``PolicyPack(...)`` is captured instead of serving
  gRPC (``load_pack``);
- the config is reconciled as the CLI reconciles it (pulumi/pulumi
  ``pkg/resource/analyzer/config.go``: each policy's level, the pack's ``initial_config``, then the
  file, ``all`` first; schema defaults filled in and the result validated against each policy's
  schema), except that a policy name the pack does not have is an error rather than ignored;
- every resource the program registered goes through the policy SDK's own analyzer servicer
  (``Configure``, ``Analyze``, then ``AnalyzeStack`` with parents and property dependencies), with
  the provider the engine would send, so props are wrapped in the SDK's unknown-checking proxies;
- violations print as ``pulumi preview`` prints them (``pkg/backend/display``: ``Policies:``, one
  line per pack, ``[level]  policy  (type: name)`` then the description and message).

A mandatory violation makes ``plan`` exit 3.
"""

from __future__ import annotations

import contextlib
import json
import runpy
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pulumi
from google.protobuf import struct_pb2
from pulumi.runtime import proto, rpc
from pulumi_policy import EnforcementLevel, PolicyPack
from pulumi_policy.policy import _POLICY_PACK_NAME_RE, Policy, _PolicyAnalyzerServicer

from ..offline import RegisteredResource
from .stack_files import PlanError, mapping, read_yaml

UNKNOWN = rpc.UNKNOWN  # the engine's unknown-string sentinel, as the policy SDK sees it
DEFAULT_VERSION = "0.0.1"  # what the SDK reports when PulumiPolicy.yaml has no version
LEVELS = {
    "advisory": proto.ADVISORY,
    "mandatory": proto.MANDATORY,
    "remediate": proto.REMEDIATE,
    "disabled": proto.DISABLED,
}
_LEVEL_NAMES = {v: k for k, v in LEVELS.items()}
_RANK = {"remediate": 0, "mandatory": 1, "advisory": 2, "disabled": 3}


class PackError(PlanError, ValueError):
    """A pack or pack config that cannot judge a stack, with a message for the user."""


@dataclass(frozen=True)
class Violation:
    policy: str
    level: str  # advisory | mandatory
    urn: str  # "" for a violation of the whole stack
    message: str
    description: str = ""
    attributed_to: str = ""
    """The URN the engine shows the violation on: the analyzed resource for a resource policy; for a
    stack policy the resource it names, else the root stack (pkg/resource/deploy/analyze_snapshot.go)."""

    @property
    def resource_name(self) -> str:
        return self.urn.rsplit("::", 1)[-1] if self.urn else ""


@dataclass(frozen=True)
class Pack:
    """A policy pack as its program declares it."""

    name: str
    policies: list
    enforcement_level: EnforcementLevel = EnforcementLevel.ADVISORY
    initial_config: Mapping[str, Any] | None = None
    version: str = DEFAULT_VERSION
    path: str = ""

    def judge(
        self,
        resources: Iterable[RegisteredResource],
        pack_config: Mapping[str, Any] | None = None,
        stack_config: Mapping[str, Any] | None = None,
        project: str = "multicloud-vm",
        stack: str = "dev",
    ) -> list[Violation]:
        return run_policies(resources, pack_config, stack_config, self, project=project, stack=stack)


# --- the pack's config, reconciled as the CLI does -------------------------------------------------


def read_pack_config(path: Path) -> dict:
    """A ``--policy-pack-config`` file: JSON mapping policy names (or ``all``) to a level or an object."""
    from .inputs import InputFileError, read_text

    try:
        text = read_text(path, "a JSON file")
    except InputFileError as error:
        raise PackError(str(error)) from None
    if not text.strip():
        return {}
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise PackError(f"{path}: not valid JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        raise PackError(f"{path}: nested too deeply") from None
    if not isinstance(config, dict):
        raise PackError(f"{path}: expected a JSON object of policy names, got {type(config).__name__}")
    return config


def _split(value: Any, where: str) -> tuple[str | None, dict]:
    """(level, properties) of one config entry: a level, or an object with ``enforcementLevel``."""
    if isinstance(value, EnforcementLevel):
        return value.value, {}
    if isinstance(value, str):
        if value not in LEVELS:
            raise PackError(f"{where}: {value!r} is not an enforcement level ({', '.join(LEVELS)})")
        return value, {}
    if isinstance(value, Mapping):
        properties = dict(value)
        level = properties.pop("enforcementLevel", None)
        if isinstance(level, EnforcementLevel):
            level = level.value
        if level is not None and level not in LEVELS:
            raise PackError(f"{where}: enforcementLevel {level!r} is not one of {', '.join(LEVELS)}")
        return level, properties
    raise PackError(f"{where}: {value!r} is not a valid value; must be a string or object")


def reconcile_config(
    pack_config: Mapping[str, Any] | None,
    policies: Iterable | Pack,
) -> dict[str, tuple[str, dict]]:
    """(enforcement level, properties) per policy, as the CLI builds them from a
    ``--policy-pack-config`` file: the policy's own level (else the pack's), the pack's initial
    config, then the file, each with ``all`` applied before the named entries; schema defaults
    filled in; properties validated against the policy's schema."""
    pack = policies if isinstance(policies, Pack) else Pack("pack", list(policies))
    result: dict[str, tuple[str, dict]] = {}
    for policy in pack.policies:
        level = (policy.enforcement_level or pack.enforcement_level or EnforcementLevel.ADVISORY).value
        schema = policy.config_schema
        defaults = {k: v["default"] for k, v in (schema.properties if schema else {}).items() if "default" in v}
        result[policy.name] = (level, defaults)
    names = set(result)
    for source, config in (("the pack's initial config", pack.initial_config), ("the config", pack_config)):
        config = dict(config or {})
        if "environments" in config and source == "the config":
            raise PackError("the config names Pulumi ESC environments, which plan cannot open offline")
        unknown = sorted(set(config) - names - {"all"})
        if unknown:
            raise PackError(f"{source} names unknown policies: {unknown}; the pack has {sorted(names)}")
        if "all" in config:
            level, _ = _split(config["all"], "all")
            if level:
                result = {name: (level, props) for name, (_, props) in result.items()}
        for name, value in config.items():
            if name == "all":
                continue
            level, properties = _split(value, name)
            old_level, old_properties = result[name]
            result[name] = (level or old_level, {**old_properties, **properties})
    problems = []
    for policy in pack.policies:
        schema, properties = policy.config_schema, result[policy.name][1]
        if schema is None:
            if properties:
                problems.append(f"{policy.name}: takes no configuration, got {sorted(properties)}")
            continue
        document = {"type": "object", "properties": schema.properties, "required": schema.required or []}
        for error in jsonschema.Draft7Validator(document).iter_errors(properties):
            where = ".".join(str(p) for p in error.absolute_path)
            problems.append(f"{policy.name}: {where + ': ' if where else ''}{error.message}")
    if problems:
        raise PackError("policy pack configuration is invalid: " + "; ".join(problems))
    return result


# --- feeding resources to the analyzer ---------------------------------------------------------------


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
    project: str = "multicloud-vm",
    stack: str = "dev",
) -> Provider | None:
    """The provider the engine would send with the resource: the explicit one it names, else the
    package's default provider, whose inputs are the stack config under ``<package>:``."""
    package = resource.type.split(":", 1)[0]
    if resource.provider:
        urn = resource.provider.rsplit("::", 1)[0]  # a provider reference is "<urn>::<id>"
        for candidate in resources:
            if candidate.urn == urn:
                return Provider(candidate.type, candidate.urn, candidate.name, dict(candidate.inputs))
    if package == "pulumi" or not resource.custom:
        return None
    props = {k.split(":", 1)[1]: v for k, v in stack_config.items() if k.startswith(package + ":")}
    urn = f"urn:pulumi:{stack}::{project}::pulumi:providers:{package}::default"
    return Provider(f"pulumi:providers:{package}", urn, "default", props)


def _provider_message(provider: Provider | None):
    if provider is None:
        return None
    return proto.AnalyzerProviderResource(
        type=provider.type, urn=provider.urn, name=provider.name, properties=_struct(provider.props)
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


def _violations(response, attributed_to: str, in_stack: set[str] = frozenset()) -> list[Violation]:
    """The response's diagnostics; a resource policy's are shown on the resource analyzed
    (``attributed_to``), a stack policy's on the resource they name if it is in the stack, else on
    the root stack (``attributed_to``)."""
    out = []
    for d in response.diagnostics:
        message = d.message[len(d.description) :].lstrip("\n") if d.message.startswith(d.description) else d.message
        shown_on = d.urn if in_stack and d.urn in in_stack else attributed_to
        out.append(Violation(d.policyName, _LEVEL_NAMES[d.enforcementLevel], d.urn, message, d.description, shown_on))
    return out


def run_policies(
    resources: Iterable[RegisteredResource],
    pack_config: Mapping[str, Any] | None,
    stack_config: Mapping[str, Any] | None,
    pack: Pack,
    *,
    project: str = "multicloud-vm",
    stack: str = "dev",
) -> list[Violation]:
    """Every violation the pack reports for these resources (each resource, then the stack)."""
    resources = list(resources)
    stack_config = dict(stack_config or {})
    servicer = _PolicyAnalyzerServicer(
        pack.name, pack.version, list(pack.policies), pack.enforcement_level or EnforcementLevel.ADVISORY
    )
    request = proto.ConfigureAnalyzerRequest()
    for name, (level, properties) in reconcile_config(pack_config, pack).items():
        request.policyConfig[name].CopyFrom(
            proto.PolicyConfig(enforcementLevel=LEVELS[level], properties=_struct(properties))
        )
    servicer.Configure(request, None)

    violations: list[Violation] = []
    stack_resources = []
    for r in resources:
        if r.type.startswith("pulumi:providers:"):
            continue
        provider = _provider_message(provider_for(r, resources, stack_config, project, stack))
        analyze = proto.AnalyzeRequest(
            type=r.type, properties=_struct(r.inputs), urn=r.urn, name=r.name, options=_options(r), provider=provider
        )
        violations += _violations(servicer.Analyze(analyze, None), r.urn)
        stack_resources.append(
            proto.AnalyzerResource(
                type=r.type,
                properties=_struct(r.outputs or r.inputs),
                urn=r.urn,
                name=r.name,
                options=_options(r),
                provider=provider,
                parent=r.parent or "",
                dependencies=r.dependencies,
                propertyDependencies={
                    k: proto.AnalyzerPropertyDependencies(urns=v) for k, v in r.property_dependencies.items()
                },
            )
        )
    root_stack = f"urn:pulumi:{stack}::{project}::pulumi:pulumi:Stack::{project}-{stack}"
    response = servicer.AnalyzeStack(proto.AnalyzeStackRequest(resources=stack_resources), None)
    violations += _violations(response, root_stack, {r.urn for r in resources})
    return violations


# --- loading a pack from its folder -------------------------------------------------------------------


class _Captured(Exception):
    """Raised in place of serving: the pack program has declared its PolicyPack."""


@contextlib.contextmanager
def _capturing_packs() -> Iterator[list[Pack]]:
    captured: list[Pack] = []
    original = PolicyPack.__init__

    def declare(self, name, policies, enforcement_level=None, initial_config=None, *args, **kwargs):
        if not isinstance(name, str) or not _POLICY_PACK_NAME_RE.match(name):
            raise PackError(f"policy pack name {name!r}: alphanumerics, hyphens, underscores or periods")
        if not isinstance(policies, list) or not policies or not all(isinstance(p, Policy) for p in policies):
            raise PackError(f"policy pack {name}: policies must be a non-empty list of Policy objects")
        if enforcement_level is not None and not isinstance(enforcement_level, EnforcementLevel):
            raise PackError(f"policy pack {name}: enforcement_level must be an EnforcementLevel")
        captured.append(Pack(name, policies, enforcement_level or EnforcementLevel.ADVISORY, initial_config))
        raise _Captured

    PolicyPack.__init__ = declare
    try:
        yield captured
    finally:
        PolicyPack.__init__ = original


def load_pack(directory: Path) -> Pack:
    """The pack a folder holds (``PulumiPolicy.yaml`` and its program), declared but not served."""
    from .program_runner import as_the_language_host, locate, users_error

    definition = directory / "PulumiPolicy.yaml"
    if not directory.is_dir():
        raise PackError(f"--policy-pack {directory}: no such folder")
    if not definition.is_file():
        raise PackError(f"--policy-pack {directory}: has no PulumiPolicy.yaml")
    raw, _ = read_yaml(definition)
    project = mapping(raw, str(definition))
    program = locate(directory, project, definition.name, PackError)
    root = program.root
    version = project.get("version")
    with _capturing_packs() as captured, as_the_language_host(program, forget_modules=False):
        try:
            runpy.run_path(program.argument, run_name="__main__")
        except _Captured:
            pass
        except PackError:
            raise
        except SyntaxError as error:
            raise PackError(f"policy pack {directory}: {error.filename} line {error.lineno}: {error.msg}") from None
        except Exception as error:
            message = users_error(error, root)
            if message is None:
                raise
            raise PackError(f"policy pack {directory}: {message}") from None
    if not captured:
        raise PackError(f"policy pack {directory}: its program declares no PolicyPack")
    pack = captured[0]
    return Pack(
        pack.name,
        pack.policies,
        pack.enforcement_level,
        pack.initial_config,
        str(version) if version else DEFAULT_VERSION,
        str(directory),
    )


# --- printing them as `pulumi preview` does ----------------------------------------------------------


def _type_display(type_: str) -> str:
    """Pulumi's ``tokens.Type.DisplayName``: ``aws:ec2/securityGroup:SecurityGroup`` -> ``aws:ec2:SecurityGroup``."""
    parts = type_.split(":")
    if len(parts) != 3 or not parts[2] or "/" not in parts[1]:
        return type_
    module, file = parts[1].rsplit("/", 1)
    return f"{parts[0]}:{module}:{parts[2]}" if file == parts[2][0].lower() + parts[2][1:] else type_


def has_mandatory(violations: Iterable[Violation]) -> bool:
    return any(v.level == "mandatory" for v in violations)


def refusal(violations: Iterable[Violation]) -> str:
    """``4 mandatory violations (admin-ports-open-to-internet)``, or "" when none is mandatory."""
    mandatory = [v for v in violations if v.level == "mandatory"]
    if not mandatory:
        return ""
    names = ", ".join(sorted({v.policy for v in mandatory}))
    return f"{len(mandatory)} mandatory violation{'s' if len(mandatory) != 1 else ''} ({names})"


def render(pack: Pack, violations: list[Violation]) -> str:
    """The ``Policies:`` section of ``pulumi preview``'s summary for one local pack."""
    mark = "❌" if has_mandatory(violations) else "⚠️" if violations else "✅"
    lines = ["Policies:", f"    {mark} {pack.name}@v{pack.version} (local: {pack.path})"]
    ordered = sorted(violations, key=lambda v: (_RANK.get(v.level, 99), v.policy, v.attributed_to))
    for v in ordered:
        where = ""
        if v.attributed_to:
            type_ = v.attributed_to.split("::")[-2].rsplit("$", 1)[-1]
            where = f"  ({_type_display(type_)}: {v.attributed_to.rsplit('::', 1)[-1]})"
        lines.append(f"        - [{v.level}]  {v.policy}{where}")
        text = "\n".join(part for part in (v.description, v.message) if part)
        lines += [f"          {line}" for line in text.splitlines()]
    return "\n".join(lines)


def summary(violations: Iterable[Violation]) -> list[tuple[str, str, str]]:
    """(policy, level, resource name) per violation, sorted."""
    return sorted((v.policy, v.level, v.resource_name) for v in violations)
