"""The real plugin process (``python plugin <engine address>``) driven as Pulumi drives it, without the CLI.

Pulumi's language host starts the plugin with the engine's address and reads the port it prints; the
engine then calls GetSchema, Configure and Construct over gRPC, each Construct naming a resource
monitor that the plugin registers the component's resources with. Here a fake engine (logs, root
resource) and a fake monitor (records every registration as ``components.offline`` does, outputs
from ``StableMocks``) play those parts in the test process.
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.output import Unknown
from pulumi.provider.experimental.util import camel_case
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    provider_pb2,
    provider_pb2_grpc,
    resource_pb2,
    resource_pb2_grpc,
)

from components.offline import RecordingMocks, RegisteredResource, record, unwrap_secrets
from tests.support.common import ROOT

PLUGIN_DIR = ROOT / "plugin"
PROJECT, STACK = "multicloud-vm", "dev"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
SECRET = {rpc._special_sig_key: rpc._special_secret_sig}
UNKNOWN = rpc.UNKNOWN


class StableMocks(RecordingMocks):
    """Outputs independent of registration order (concurrent Constructs register in any order)."""

    def resource_outputs(self, type_: str, name: str, inputs: dict, serial: int) -> tuple[str, dict]:
        return super().resource_outputs(type_, name, inputs, 0)


def secret(value: Any) -> dict:
    return {**SECRET, "value": value}


def reference(urn: str) -> dict:
    """A resource reference as an SDK sends one for a component (no id)."""
    return {rpc._special_sig_key: rpc._special_resource_sig, "urn": urn}


def to_wire(args: Mapping[str, Any]) -> dict:
    """VirtualMachineArgs or NetworkArgs as a program in another language sends them: schema names,
    numbers as doubles (the wire's only number type), map keys as written."""

    def value(key: str, item: Any) -> Any:
        if isinstance(item, int | float) and not isinstance(item, bool):
            return float(item)
        if isinstance(item, list):
            return [value("", element) for element in item]
        if isinstance(item, Mapping) and key != "tags":
            return {camel_case(k): value(k, v) for k, v in item.items()}
        return item

    return {camel_case(k): value(k, v) for k, v in args.items()}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=lambda v: "UNKNOWN" if isinstance(v, Unknown) else repr(v))


def registrations(resources: list[RegisteredResource]) -> list[tuple]:
    """Every registration as the engine sees it (URN, parent, inputs, secrets, options), in URN order."""
    return sorted(
        (
            r.urn,
            r.type,
            r.parent,
            _json(r.inputs),
            tuple(sorted(r.secret_inputs)),
            tuple(sorted(r.ignore_changes)),
            tuple(sorted(r.replace_on_changes)),
            tuple(sorted(r.additional_secret_outputs)),
            r.delete_before_replace,
            _json(r.replacement_trigger),
            tuple(sorted(r.dependencies)),
            json.dumps({k: sorted(v) for k, v in r.property_dependencies.items()}, sort_keys=True),
        )
        for r in resources
    )


def struct(value: Mapping) -> struct_pb2.Struct:
    return json_format.ParseDict(dict(value), struct_pb2.Struct())


class FakeMonitor(resource_pb2_grpc.ResourceMonitorServicer):
    """The resource monitor: URNs, outputs and recordings as the in-process mocks make them."""

    FEATURES = (
        resource_pb2.RESOURCE_MONITOR_FEATURE_SECRETS,
        resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
        resource_pb2.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
        resource_pb2.RESOURCE_MONITOR_FEATURE_REPLACEMENT_TRIGGER,
        resource_pb2.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
    )

    def __init__(self, preview: bool = False):
        self.mocks = StableMocks(preview=preview)
        self.registrations: list[RegisteredResource] = []
        self.outputs: dict[str, dict] = {}
        self.secret_outputs: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def GetDeploymentInfo(self, request, context):
        return resource_pb2.DeploymentInfo(supportedFeatures=list(self.FEATURES))

    def SupportsFeature(self, request, context):
        return resource_pb2.SupportsFeatureResponse(hasSupport=request.id != "outputValues")

    def RegisterPackage(self, request, context):
        return resource_pb2.RegisterPackageResponse(ref="fake-package")

    def Invoke(self, request, context):
        args = rpc.deserialize_properties(request.args)
        result = self.mocks.call(pulumi_mocks.MockCallArgs(request.tok, args, request.provider))
        # Newer SDKs have a monitor message of its own; older ones answer with the provider protocol's.
        response = getattr(resource_pb2, "ResourceInvokeResponse", None) or provider_pb2.InvokeResponse
        return response(**{"return": struct(result)})

    def RegisterResource(self, request, context):
        urn = self.make_urn(request.parent, request.type, request.name)
        inputs = rpc.deserialize_properties(request.object)
        args = pulumi_mocks.MockResourceArgs(
            typ=request.type,
            name=request.name,
            inputs=inputs,
            provider=request.provider,
            resource_id=request.importId,
            custom=request.custom,
        )
        id_, state = self.mocks.new_resource(args)
        recorded = record(request, urn, id_, state)
        with self._lock:
            self.registrations.append(recorded)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_ or "", object=struct(state))

    def RegisterResourceOutputs(self, request, context):
        outputs, secret_paths = unwrap_secrets(rpc.deserialize_properties(request.outputs, keep_unknowns=True))
        with self._lock:
            self.outputs[request.urn] = outputs
            self.secret_outputs[request.urn] = secret_paths
        return empty_pb2.Empty()

    def SignalAndWaitForShutdown(self, request, context):
        return empty_pb2.Empty()

    @staticmethod
    def make_urn(parent: str, type_: str, name: str) -> str:
        """The mocks' URN rule (``pulumi.runtime.mocks.MockMonitor``), so URNs compare with Python's."""
        if parent:
            type_ = parent.split("::")[2].split("$")[-1] + "$" + type_
        return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"

    def named(self, name: str) -> list[RegisteredResource]:
        """Everything registered under the component called ``name`` (it and its children)."""
        with self._lock:
            return [r for r in self.registrations if r.name == name or r.name.startswith(f"{name}-")]


class FakeEngine(engine_pb2_grpc.EngineServicer):
    def __init__(self) -> None:
        self.logs: list[str] = []

    def Log(self, request, context):
        self.logs.append(request.message)
        return empty_pb2.Empty()

    def GetRootResource(self, request, context):
        return engine_pb2.GetRootResourceResponse(urn=STACK_URN)

    def SetRootResource(self, request, context):
        return engine_pb2.SetRootResourceResponse()


@dataclass
class Deployment:
    """One plugin process with its engine and monitor: what ``pulumi up`` (or preview) gives a plugin."""

    provider: provider_pb2_grpc.ResourceProviderStub
    monitor: FakeMonitor
    engine: FakeEngine
    monitor_address: str
    stderr: list[str] = field(default_factory=list)

    def construct(
        self,
        name: str,
        component: str,
        inputs: Mapping[str, Any],
        *,
        dependencies: Mapping[str, list[str]] | None = None,
        config: Mapping[str, str] | None = None,
        preview: bool = False,
    ) -> provider_pb2.ConstructResponse:
        """Construct as the engine sends it for a program's ``new multicloud.<Component>(name, inputs)``."""
        from tests.support.common import DEFAULT_CONFIG

        request = provider_pb2.ConstructRequest(
            project=PROJECT,
            stack=STACK,
            config=dict(config or DEFAULT_CONFIG),
            dryRun=preview,
            monitorEndpoint=self.monitor_address,
            type=f"multicloud:index:{component}",
            name=name,
            parent=STACK_URN,
            inputs=struct(inputs),
            inputDependencies={
                key: provider_pb2.ConstructRequest.PropertyDependencies(urns=urns)
                for key, urns in (dependencies or {}).items()
            },
        )
        return self.provider.Construct(request, timeout=60)


def state(response: provider_pb2.ConstructResponse) -> dict:
    return json.loads(json_format.MessageToJson(response.state))


def _serve(register) -> tuple[grpc.Server, str]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    register(server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


@contextmanager
def deployment(preview: bool = False) -> Iterator[Deployment]:
    """Starts a fake engine and monitor, then the plugin as Pulumi's language host does."""
    monitor, engine = FakeMonitor(preview=preview), FakeEngine()
    monitor_server, monitor_address = _serve(
        lambda s: resource_pb2_grpc.add_ResourceMonitorServicer_to_server(monitor, s)
    )
    engine_server, engine_address = _serve(lambda s: engine_pb2_grpc.add_EngineServicer_to_server(engine, s))
    process = subprocess.Popen(
        [sys.executable, str(PLUGIN_DIR), engine_address],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        port = process.stdout.readline().strip() if ready else ""
        if not port.isdigit():
            process.kill()
            raise AssertionError(f"the plugin printed {port!r} instead of its port: {process.stderr.read()}")
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield Deployment(provider_pb2_grpc.ResourceProviderStub(channel), monitor, engine, monitor_address)
        channel.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        monitor_server.stop(None)
        engine_server.stop(None)
