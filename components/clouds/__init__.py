"""One adapter module per cloud, each turning a validated ``VmSpec`` into that cloud's resources.

Every adapter module is a ``base.CloudAdapter``: ``provision(spec, parent, network=None) -> NativeVm``
(``network`` is the native side of the shared ``Network`` the VM joins, or None) and
``provision_network(spec, parent) -> NativeNetwork``. The modules import their provider SDK, so they
are imported only by the components, never by the catalog or the command-line tools; ``adapter``
checks a module against the protocol when it first loads it.
"""

from __future__ import annotations

import importlib
import inspect
import typing
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pulumi

    from ..spec.network import NetworkSpec
    from .base import CloudAdapter, NativeNetwork, NativeVm


@cache
def adapter(cloud: str) -> CloudAdapter:
    """The adapter module of ``cloud``; a TypeError naming what differs when it is not a CloudAdapter."""
    module = importlib.import_module(f"{__name__}.{cloud}")
    problems = adapter_problems(module)
    if problems:
        raise TypeError(
            f"{module.__name__} is not a cloud adapter (components.clouds.base.CloudAdapter): " + "; ".join(problems)
        )
    return typing.cast("CloudAdapter", module)


def adapter_problems(module: ModuleType) -> list[str]:
    """How ``module``'s functions differ from ``CloudAdapter``'s methods: missing, or another signature
    (parameter names, kinds, defaults, resolved annotations)."""
    from .base import CloudAdapter

    problems = []
    for name in ("provision", "provision_network"):
        expected = _signature(getattr(CloudAdapter, name), drop_self=True)
        function = getattr(module, name, None)
        if not callable(function):
            problems.append(f"no function {name}{expected}")
        elif (found := _signature(function)) != expected:
            problems.append(f"{name}{found} should be {name}{expected}")
    return problems


def _signature(function: Callable, drop_self: bool = False) -> inspect.Signature:
    """The signature with its annotations resolved (``from __future__ import annotations`` leaves
    strings, which differ by spelling: ``Optional[X]`` and ``X | None``); as written if they cannot be."""
    try:
        hints = typing.get_type_hints(function)
    except NameError:
        hints = {}
    signature = inspect.signature(function)
    parameters = [
        parameter.replace(annotation=hints.get(name, parameter.annotation))
        for name, parameter in signature.parameters.items()
        if not (drop_self and name == "self")
    ]
    return signature.replace(parameters=parameters, return_annotation=hints.get("return", signature.return_annotation))


def provisioner(cloud: str) -> Callable[..., NativeVm]:
    return adapter(cloud).provision


def network_provisioner(cloud: str) -> Callable[[NetworkSpec, pulumi.ComponentResource], NativeNetwork]:
    return adapter(cloud).provision_network
