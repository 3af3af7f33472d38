"""multicloud-vm: one VirtualMachine spec for AWS, Azure and GCP.

``VirtualMachine`` and ``Network`` need Pulumi and the provider SDKs and are imported on first use,
so that ``components.catalog`` and the command-line tools load without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import SpecError
from .version import __version__

if TYPE_CHECKING:
    from .network import Network, NetworkArgs
    from .vm import VirtualMachine, VirtualMachineArgs

__all__ = ["Network", "NetworkArgs", "SpecError", "VirtualMachine", "VirtualMachineArgs", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("VirtualMachine", "VirtualMachineArgs"):
        from . import vm

        return getattr(vm, name)
    if name in ("Network", "NetworkArgs"):
        from . import network

        return getattr(network, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
