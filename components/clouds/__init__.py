"""One adapter module per cloud, each turning a validated ``VmSpec`` into that cloud's resources.

Every adapter exposes ``provision(spec, parent, network) -> CloudVm`` (``network`` is the shared
``Network`` the VM joins, or None) and ``provision_network(spec, parent) -> CloudNetwork``; the modules
import their provider SDK, so they are imported only by the components, never by the catalog or the
command-line tools.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pulumi

    from ..spec.network import NetworkSpec
    from .base import CloudNetwork, CloudVm


def provisioner(cloud: str) -> Callable[..., CloudVm]:
    return importlib.import_module(f"{__name__}.{cloud}").provision


def network_provisioner(cloud: str) -> Callable[[NetworkSpec, pulumi.ComponentResource], CloudNetwork]:
    return importlib.import_module(f"{__name__}.{cloud}").provision_network
