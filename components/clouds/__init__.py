"""One adapter module per cloud, each turning a validated ``VmSpec`` into that cloud's resources.

Every adapter exposes ``provision(spec, parent) -> CloudVm``; the modules import their provider SDK,
so they are imported only by the component, never by the catalog or the command-line tools.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pulumi

    from ..spec import VmSpec
    from .base import CloudVm


def provisioner(cloud: str) -> Callable[[VmSpec, pulumi.ComponentResource], CloudVm]:
    return importlib.import_module(f"{__name__}.{cloud}").provision
