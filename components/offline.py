"""Runs a Pulumi program in-process under Pulumi's own mocks engine, recording what it registers.

This is what ``plan`` uses to show what a stack would create without a cloud account or the Pulumi
CLI, and what the tests and the policy-pack tests use to capture resources. Resource inputs are kept
as the engine receives them (camelCase wire names), with secrets unwrapped and their paths listed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

UNKNOWN = rpc.UNKNOWN
_SECRET_SIG = rpc._special_sig_key
_SECRET_VALUE = rpc._special_secret_sig


def unwrap_secrets(value: Any, path: str = "") -> tuple[Any, list[str]]:
    """Returns the value with secret wrappers removed and the dotted paths that were secret."""
    if isinstance(value, dict):
        if value.get(_SECRET_SIG) == _SECRET_VALUE:
            inner, paths = unwrap_secrets(value.get("value"), path)
            return inner, [path, *paths]
        out, paths = {}, []
        for k, v in value.items():
            out[k], sub = unwrap_secrets(v, f"{path}.{k}" if path else k)
            paths.extend(sub)
        return out, paths
    if isinstance(value, list):
        out_list, paths = [], []
        for i, v in enumerate(value):
            item, sub = unwrap_secrets(v, f"{path}[{i}]")
            out_list.append(item)
            paths.extend(sub)
        return out_list, paths
    return value, []


@dataclass
class RegisteredResource:
    urn: str
    type: str
    name: str
    inputs: dict
    outputs: dict
    id: str | None
    custom: bool
    parent: str | None
    provider: str | None
    secret_inputs: list[str] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    additional_secret_outputs: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    replace_with: list[str] = field(default_factory=list)
    protect: bool = False
    retain_on_delete: bool = False
    delete_before_replace: bool = False
    replacement_trigger: Any = None
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Invoke:
    token: str
    args: dict
    provider: str | None


@dataclass
class Evaluation:
    resources: list[RegisteredResource]
    invokes: list[Invoke]
    outputs: dict[str, Any]
    secret_outputs: set[str]
    preview: bool
    warnings: list[str] = field(default_factory=list)
    """What the program logged as warnings (``pulumi.log.warn``), as ``pulumi up`` would show them."""

    def of_type(self, type_token: str) -> list[RegisteredResource]:
        return [r for r in self.resources if r.type == type_token]

    def by_name(self, name: str) -> RegisteredResource:
        matches = [r for r in self.resources if r.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}")
        return matches[0]

    def children_of(self, urn: str) -> list[RegisteredResource]:
        return [r for r in self.resources if r.parent == urn]


class RecordingMocks(pulumi_mocks.Mocks):
    """Plain mocks: outputs echo inputs plus a deterministic id. Subclass and override
    :meth:`resource_outputs` / :meth:`call_result` to emulate a cloud (see tests for moto)."""

    def __init__(self, preview: bool = False):
        self.preview = preview
        self.invokes: list[Invoke] = []
        self.registered: list[str] = []
        self.loop_errors: list[str] = []
        self._lock = threading.Lock()
        self._counter = 0

    def record_loop_error(self, loop, context: dict) -> None:
        """Event-loop handler: keeps "exception was never retrieved" reports of a failed run."""
        with self._lock:
            self.loop_errors.append(f"{context.get('message')}: {context.get('exception')!r}")

    def call(self, args: pulumi_mocks.MockCallArgs):
        with self._lock:
            self.invokes.append(Invoke(args.token, dict(args.args), args.provider or None))
        return self.call_result(args.token, dict(args.args), args.provider)

    def new_resource(self, args: pulumi_mocks.MockResourceArgs):
        with self._lock:
            self.registered.append(args.typ)
        inputs = dict(args.inputs)
        if self.preview and args.custom:
            # Preview: the engine knows only the inputs; every computed output stays unknown.
            return "", inputs
        with self._lock:
            self._counter += 1
            serial = self._counter
        return self.resource_outputs(args.typ, args.name, inputs, serial)

    def resource_outputs(self, type_: str, name: str, inputs: dict, serial: int) -> tuple[str, dict]:
        return f"{name}-id", {**inputs, **fake_outputs(type_, name, inputs, serial)}

    def call_result(self, token: str, args: dict, provider: str | None) -> dict:
        return fake_invoke_result(token, args)


def fake_outputs(type_: str, name: str, inputs: dict, serial: int) -> dict:
    """Computed outputs a real provider would return, for the properties the program reads."""
    private_ip = f"10.42.1.{serial % 250 + 4}"
    public_ip = f"203.0.113.{serial % 250 + 1}"
    if type_ == "aws:ec2/instance:Instance":
        outputs = {"privateIp": private_ip, "availabilityZone": inputs.get("availabilityZone") or "zone-a"}
        if inputs.get("associatePublicIpAddress"):
            outputs["publicIp"] = public_ip
        return outputs
    if type_ == "aws:ec2/keyPair:KeyPair":
        return {"keyName": f"{name}-{serial:04d}"}
    if type_ in ("aws:iam/role:Role", "aws:iam/instanceProfile:InstanceProfile"):
        kind = type_.rsplit(":", 1)[1].replace("InstanceProfile", "instance-profile").lower()
        return {"name": f"{name}-{serial:04d}", "arn": f"arn:aws:iam::123456789012:{kind}/{name}-{serial:04d}"}
    if type_ == "aws:ssm/parameter:Parameter":
        region = inputs.get("region") or "us-east-1"
        return {"arn": f"arn:aws:ssm:{region}:123456789012:parameter{inputs.get('name', '/' + name)}", "version": 1}
    if type_ == "aws:ec2/vpcEndpoint:VpcEndpoint":
        service = str(inputs.get("serviceName", "")).removeprefix("com.amazonaws.")
        zone_name = f"vpce-{serial:017x}-{name[:8]}.{service.split('.')[-1]}.{'.'.join(service.split('.')[:-1])}"
        return {"dnsEntries": [{"dnsName": f"{zone_name}.vpce.amazonaws.com", "hostedZoneId": "Z7HUB22UULQXV"}]}
    if type_ == "gcp:serviceaccount/account:Account":
        project = inputs.get("project") or "project"
        return {"email": f"{inputs.get('accountId', name)}@{project}.iam.gserviceaccount.com"}
    if type_ == "gcp:secretmanager/secret:Secret":
        return {"name": f"projects/{inputs.get('project') or 'project'}/secrets/{inputs.get('secretId', name)}"}
    if type_ == "azure-native:network:NetworkInterface":
        configs = [{**c, "privateIPAddress": private_ip} for c in inputs.get("ipConfigurations", [])]
        return {"ipConfigurations": configs}
    if type_ == "azure-native:network:PublicIPAddress":
        return {"ipAddress": public_ip}
    if type_ == "azure-native:resources:ResourceGroup":
        return {"name": f"{name}{serial:04d}"}
    if type_ == "azure-native:compute:VirtualMachine":
        return {"name": inputs.get("vmName") or f"{name}{serial:04d}"}
    if type_ == "gcp:compute/instance:Instance":
        interfaces = [
            {
                **nic,
                "networkIp": private_ip,
                "accessConfigs": [{**ac, "natIp": public_ip} for ac in nic.get("accessConfigs", [])],
            }
            for nic in inputs.get("networkInterfaces", [])
        ]
        return {"instanceId": str(1000 + serial), "networkInterfaces": interfaces}
    return {}


def fake_invoke_result(token: str, args: dict) -> dict:
    if token == "aws:index/getAvailabilityZone:getAvailabilityZone":
        return {"name": aws_zone_name(args.get("region", ""), args.get("zoneId", "")), "zoneId": args.get("zoneId")}
    if token == "aws:ec2/getAmi:getAmi":
        name_filter = next((f["values"][0] for f in args.get("filters", []) if f["name"] == "name"), "image")
        arch = next((f["values"][0] for f in args.get("filters", []) if f["name"] == "architecture"), "x86_64")
        key = "|".join([*args.get("owners", []), name_filter, arch, args.get("region", "")])
        digest = hashlib.sha256(key.encode()).hexdigest()[:17]
        return {"id": f"ami-{digest}", "architecture": arch, "name": name_filter.replace("*", "x")}
    return {}


def aws_zone_name(region: str, zone_id: str) -> str:
    """The AZ name an account would give an AZ ID: the mapping every account shares where the catalog
    knows it, else the region and the letter of the ID's number (use1-az4 -> us-east-1d)."""
    from .catalog import load

    for name, known_id in load("aws").zone_names(region).items():
        if known_id == zone_id:
            return name
    number = zone_id.rsplit("-az", 1)[-1]
    return region + ("abcdefghijklmnop"[int(number) - 1] if number.isdigit() and 0 < int(number) <= 16 else "a")


class _WarningLog(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that also keeps what the engine would see: parent, provider and options."""

    def __init__(self, mocks: RecordingMocks):
        super().__init__(mocks)
        self.registrations: list[RegisteredResource] = []
        self._lock = threading.Lock()

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        registration = self.resources.get(response.urn)
        recorded = record(request, response.urn, response.id, registration.state if registration else {})
        with self._lock:
            self.registrations.append(recorded)
        return response


def record(request, urn: str, id_: str | None, state: dict) -> RegisteredResource:
    """What the engine learns from a RegisterResource request (and the state the monitor answered)."""
    inputs, secret_paths = unwrap_secrets(rpc.deserialize_properties(request.object))
    return RegisteredResource(
        urn=urn,
        type=request.type,
        name=request.name,
        inputs=inputs,
        outputs=unwrap_secrets(state)[0],
        id=id_ or None,
        custom=bool(request.custom),
        parent=request.parent or None,
        provider=request.provider or None,
        secret_inputs=secret_paths,
        ignore_changes=list(request.ignoreChanges),
        replace_on_changes=list(request.replaceOnChanges),
        additional_secret_outputs=list(request.additionalSecretOutputs),
        aliases=[alias_urn(a, urn, request.parent or None, request.type) for a in request.aliases],
        replace_with=list(request.replace_with),
        protect=bool(request.protect),
        retain_on_delete=bool(request.retainOnDelete),
        delete_before_replace=bool(request.deleteBeforeReplace),
        replacement_trigger=_protobuf_value(request, "replacement_trigger"),
        dependencies=list(request.dependencies),
        property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
    )


def alias_urn(alias, urn: str, parent: str | None, type_: str) -> str:
    """The URN an alias names: given as a URN, or as a spec whose parts default to the resource's own
    (name, type, stack, project, parent), as the engine resolves it."""
    if alias.urn:
        return alias.urn
    spec = alias.spec
    stack, project = urn.split("::")[0].split(":")[-1], urn.split("::")[1]
    parent = None if spec.noParent else (spec.parentUrn or parent)
    # The mocks chain a resource's type after its parent's own type (the engine after the parent's
    # whole chain, less the stack: the same for the component's children).
    chain = parent.split("::")[2].rsplit("$", 1)[-1] + "$" if parent else ""
    return f"urn:pulumi:{spec.stack or stack}::{spec.project or project}::{chain}{spec.type or type_}::{spec.name or urn.rsplit('::', 1)[-1]}"


def _protobuf_value(request, field: str) -> Any:
    """A ``google.protobuf.Value`` field of a request as plain Python (None when unset)."""
    if not request.HasField(field):
        return None
    from google.protobuf.json_format import MessageToDict

    return MessageToDict(getattr(request, field))


def _config_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def evaluate(
    program: Callable[[], Any],
    *,
    config: Mapping[str, Any] | None = None,
    secret_config_keys: list[str] | None = None,
    project: str = "multicloud-vm",
    stack: str = "dev",
    preview: bool = False,
    mocks: RecordingMocks | None = None,
) -> Evaluation:
    """Runs ``program`` as ``pulumi up`` (or ``preview``) would, against mocks, and returns every
    registered resource, every invoke and the stack outputs. Exceptions from the program propagate.

    ``config`` keys are full keys (``aws:region``, ``multicloud-vm:vms``); structured values are
    JSON-encoded as the CLI does.
    """
    mocks = mocks or RecordingMocks(preview=preview)
    mocks.preview = preview
    # A failed run leaves rejected futures whose garbage collection makes the loop's default handler
    # format a traceback (ast.parse on CPython 3.11); when that runs inside another ast.parse (pytest's
    # assertion rewriting), CPython 3.11.7 aborts with "AST constructor recursion depth mismatch".
    _ensure_event_loop().set_exception_handler(mocks.record_loop_error)
    monitor = RecordingMonitor(mocks)
    set_all_config({k: _config_value(v) for k, v in (config or {}).items()}, secret_config_keys or [])
    settings.ROOT.set(None)
    warnings: list[str] = []
    logger = logging.Logger("components.offline")  # not registered: nothing reaches the root logger
    logger.addHandler(_WarningLog(warnings))
    pulumi_mocks.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor, logger=logger)
    root = settings.get_root_resource()
    settings.SETTINGS.rpc_manager.clear()
    settings.SETTINGS.outputs.clear()

    _sync_await(run_pulumi_func(program))

    outputs: dict[str, Any] = {}
    secret_outputs: set[str] = set()
    for key, value in getattr(root, "outputs", {}).items():
        output = pulumi.Output.from_input(value)
        resolved = _sync_await(output.future(with_unknowns=True))
        outputs[key] = _plain(resolved)
        if _sync_await(output.is_secret()):
            secret_outputs.add(key)
    return Evaluation(monitor.registrations, mocks.invokes, outputs, secret_outputs, preview, warnings)


def _plain(value: Any) -> Any:
    """Resolved stack-output values, with unknowns shown as the UNKNOWN marker."""
    if isinstance(value, pulumi.output.Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
