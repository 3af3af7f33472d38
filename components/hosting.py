"""The ``multicloud`` Pulumi package: ``VirtualMachine`` and ``Network`` for every Pulumi language.

``plugin/__main__.py`` serves this provider. The engine starts one plugin process per deployment and
calls Construct in it for each component a TypeScript, Go, C#, Java or YAML program creates; the
components then run exactly as in a Python program.

The schema is inferred by Pulumi's analyzer from the annotations in ``components/args.py`` and the
output annotations of the components, then refined where annotations cannot say it: ``network`` is a
reference to this package's own ``Network`` resource, ``adminPassword`` and ``userData`` are secret,
and descriptions are dedented Markdown that names inputs as the schema does (camelCase).

How a VM in another language joins a shared Network: the program passes the ``Network`` resource
itself. It reaches the VM's Construct as a resource reference (its URN), which ``_References``
resolves to the live ``Network`` built by an earlier Construct in this process, so the VM is wired as
in Python (same children, inputs and URNs). Ordering holds by data flow: a program's SDK sends the VM
only once the Network's URN is known, i.e. after the Network's Construct has returned, and a Network
is recorded before its Construct returns that URN. URNs are unique in a deployment, so concurrent
Construct calls cannot see each other's networks by mistake.
"""

from __future__ import annotations

import copy
import inspect
import json
import re
import threading
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.errors import InputPropertiesError, InputPropertyErrorDetails
from pulumi.provider import ConstructResult, main
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.util import camel_case
from pulumi.provider.server import ComponentInitError
from pulumi.resource import DependencyResource
from pulumi.runtime import ResourceModule, register_resource_module
from pulumi.runtime.rpc import get_resource_module

from .args import DataDisk, IngressRule, NetworkArgs, VirtualMachineArgs
from .errors import SpecError
from .network import TYPE_TOKEN as NETWORK_TOKEN
from .network import Network
from .version import __version__
from .vm import TYPE_TOKEN as VM_TOKEN
from .vm import VirtualMachine

PACKAGE = "multicloud"
COMPONENTS = (VirtualMachine, Network)
DESCRIPTION = "One VirtualMachine spec for AWS, Azure and GCP, and the Network many of them share."
SECRET_INPUTS = ("adminPassword", "userData")
NETWORK_INPUT = {
    "$ref": f"#/resources/{NETWORK_TOKEN}",
    "plain": True,
    "description": (
        "A `Network` of this package to join: pass the `Network` resource itself, created in the same "
        "program (with the same multicloud provider, if you give one explicitly). Without `network` or "
        "`subnetId` the VM gets a network of its own, which spends one of the cloud's per-region network "
        "quota."
    ),
}
# Input names as Python spells them -> as the schema does, for descriptions and error messages.
SCHEMA_NAMES = {
    name: camel_case(name)
    for args in (VirtualMachineArgs, NetworkArgs, IngressRule, DataDisk)
    for name in args.__annotations__
    if "_" in name
}
_SNAKE_WORD = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


class NetworkRegistry:
    """The Networks this process constructed, by URN (one plugin process serves one deployment)."""

    def __init__(self) -> None:
        self._networks: dict[str, Network] = {}
        self._lock = threading.Lock()

    def record(self, urn: str, network: Network) -> str:
        with self._lock:
            self._networks[urn] = network
        return urn

    def get(self, urn: str) -> Network | None:
        with self._lock:
            return self._networks.get(urn)


NETWORKS = NetworkRegistry()


class UnknownNetwork(DependencyResource):
    """A reference to a Network this process did not construct (another plugin process did: one for
    another version of the package, or for an explicit provider the VM does not share)."""

    def __init__(self, urn: str) -> None:
        super().__init__(urn)
        self.network_urn = urn


class _References(ResourceModule):
    """Pulumi's hook for resource references to this package's resources, consulted when Construct
    inputs are read: a Network becomes the live object, anything else a plain reference."""

    def version(self):
        return None  # any version of the package

    def construct(self, name: str, typ: str, urn: str) -> pulumi.Resource:
        if typ == NETWORK_TOKEN:
            return NETWORKS.get(urn) or UnknownNetwork(urn)
        return DependencyResource(urn)


def _register_references() -> None:
    if get_resource_module(PACKAGE, "index", "") is None:
        register_resource_module(PACKAGE, "index", _References())


def schema_words(text: str) -> str:
    """``text`` with every input named as the schema names it (``subnet_id`` -> ``subnetId``)."""
    return _SNAKE_WORD.sub(lambda m: SCHEMA_NAMES.get(m.group(0), m.group(0)), text)


def _describe(node: Any) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                node[key] = schema_words(inspect.cleandoc(value).replace("``", "`"))
            else:
                _describe(value)
    elif isinstance(node, list):
        for item in node:
            _describe(item)


def refine_schema(inferred: Mapping[str, Any]) -> dict[str, Any]:
    """The analyzer's schema plus what annotations cannot express (see the module docstring)."""
    schema = copy.deepcopy(dict(inferred))
    schema["description"] = DESCRIPTION
    vm_inputs = schema["resources"][VM_TOKEN]["inputProperties"]
    vm_inputs["network"] = dict(NETWORK_INPUT)
    for name in SECRET_INPUTS:
        vm_inputs[name]["secret"] = True
    _describe(schema)
    return schema


def schema_path(field: str) -> str:
    """A ``SpecError`` field as a schema property path: ``data_disks[1].size_gib`` ->
    ``dataDisks[1].sizeGib``; map keys (``tags.cost_center``) stay as written."""
    tokens = re.findall(r"\[\d+\]|[^.\[\]]+", field)
    path = ""
    for index, token in enumerate(tokens):
        if token.startswith("["):
            path += token
        else:
            is_property = index == 0 or tokens[index - 1].startswith("[")
            path += ("." if path else "") + (camel_case(token) if is_property else token)
    return path


def _kind(resource_type: str) -> str:
    return "Network" if resource_type == NETWORK_TOKEN else "VM"


def _error(resource_type: str, name: str, path: str, value: object, expected: str, inputs: Mapping) -> Exception:
    """The one error a program sees: a line naming the component, input, value and what is valid, and
    the input's path for the engine (left out where the engine would print a secret value)."""
    message = f"{_kind(resource_type)} {name!r}: {path}={value!r} is invalid: {expected}"
    top = re.split(r"[.\[]", path)[0]
    details = None
    if top in inputs and top not in SECRET_INPUTS:
        details = [InputPropertyErrorDetails(property_path=path, reason=expected)]
    return InputPropertiesError(message, details)


PLAIN_ONLY = (
    "must be a plain value known before deploying, not an output of another resource or a secret: the "
    "component is validated, sized and placed before anything is created"
)


def _wire_problem(value: Any, spec: Mapping, types: Mapping, path: str) -> tuple[str, object, str] | None:
    """What the schema's types say is wrong with a Construct input, before the component sees it:
    an output (a value not known before deploying) where the schema wants a plain value, or a
    fraction or boolean where it wants a whole number (Pulumi would truncate it silently)."""
    if isinstance(value, pulumi.Output):
        return (path, "[output]", PLAIN_ONLY) if spec.get("plain") else None
    if spec.get("type") == "integer" and (
        isinstance(value, bool) or (isinstance(value, float) and not value.is_integer())
    ):
        return path, value, "expected a whole number"
    ref = spec.get("$ref", "")
    items: list[tuple[str, Any, Mapping]] = []
    if ref.startswith("#/types/") and isinstance(value, Mapping):
        properties = types[ref.removeprefix("#/types/")]["properties"]
        items = [(f"{path}.{k}", v, properties[k]) for k, v in value.items() if k in properties]
    elif spec.get("type") == "array" and isinstance(value, list):
        items = [(f"{path}[{i}]", v, spec["items"]) for i, v in enumerate(value)]
    elif spec.get("type") == "object" and isinstance(value, Mapping) and "additionalProperties" in spec:
        items = [(f"{path}.{k}", v, spec["additionalProperties"]) for k, v in value.items()]
    for item_path, item, item_spec in items:
        problem = _wire_problem(item, item_spec, types, item_path)
        if problem:
            return problem
    return None


def _network_problem(value: Any) -> str | None:
    if value is None or isinstance(value, Network):
        return None
    if isinstance(value, UnknownNetwork):
        return (
            "this Network was not created by the plugin process serving this VM: create the Network in the "
            "same program as its VMs, with the same multicloud provider (the default one, or the same "
            "explicit one for both)"
        )
    if isinstance(value, pulumi.Output):
        return "pass the Network resource itself, not an output"
    return "expected a multicloud Network resource"


class MulticloudProvider(ComponentProvider):
    """Pulumi's component provider for ``VirtualMachine`` and ``Network``, with the refined schema,
    Network references resolved in-process, and bad input as one clear error (no traceback)."""

    def __init__(self, version: str = __version__) -> None:
        super().__init__(list(COMPONENTS), PACKAGE, version=version)
        self.spec = refine_schema(json.loads(self.schema))
        self.schema = json.dumps(self.spec)
        self._built: pulumi.ComponentResource | None = None
        _register_references()

    def construct(
        self, name: str, resource_type: str, inputs: pulumi.Inputs, options: pulumi.ResourceOptions | None = None
    ) -> ConstructResult:
        self._check_inputs(name, resource_type, inputs)
        self._built = None
        try:
            result = super().construct(name, resource_type, inputs, options)
        except ComponentInitError as error:
            if isinstance(error.inner, SpecError):
                spec_error = error.inner
                path = schema_path(spec_error.field)
                raise _error(
                    resource_type, name, path, spec_error.value, schema_words(spec_error.expected), inputs
                ) from None
            raise
        built, self._built = self._built, None
        if isinstance(built, Network):
            # Recorded before the URN goes back to the engine, hence before any VM can refer to it.
            return ConstructResult(built.urn.apply(lambda urn: NETWORKS.record(urn, built)), result.state)
        return result

    def get_state(self, instance, component_def) -> dict[str, Any]:
        # ComponentProvider.construct calls this with the instance it has just built, synchronously
        # (no other Construct can interleave), which is where construct() picks a Network up.
        self._built = instance
        return super().get_state(instance, component_def)

    def _check_inputs(self, name: str, resource_type: str, inputs: Mapping[str, Any]) -> None:
        resource = self.spec["resources"].get(resource_type)
        if resource is None:
            return  # ComponentProvider reports the unknown type
        if resource_type == VM_TOKEN:
            network = inputs.get("network")
            problem = _network_problem(network)
            if problem:
                shown = network.network_urn if isinstance(network, UnknownNetwork) else network
                shown = shown if isinstance(shown, str) else type(shown).__name__
                raise _error(resource_type, name, "network", shown, problem, inputs)
        types = self.spec.get("types", {})
        for key, value in inputs.items():
            spec = resource["inputProperties"].get(key)
            problem = spec and _wire_problem(value, spec, types, key)
            if problem:
                raise _error(resource_type, name, *problem, inputs)


def serve(args: list[str]) -> None:
    """Runs the provider as a plugin: prints its port and serves gRPC until the engine stops it."""
    main(MulticloudProvider(), args)
