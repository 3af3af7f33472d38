"""The spec layer: a ``VirtualMachineArgs`` or ``NetworkArgs`` mapping becomes a complete, checked spec.

Pure Python (no Pulumi, no provider SDK): every input a cloud would reject, and every inconsistent
one, raises ``SpecError`` here, before any resource is registered. Values that are Pulumi Outputs (a
secret password or user data from config) are passed through unchecked.

- ``model``: the keys, ``VmSpec`` and its parts, the ``Checker`` that reports a bad field;
- ``validate``: the order in which a VM's fields are checked and resolved;
- ``sizes``: named instance types, and the cheapest offering that meets a shape;
- ``boot``, ``access``, ``tags``: image and OS disk; logins, ingress and subnets; tags and labels;
- ``disks``: data disks, their identity (name or position), slots and the types kept for them;
- ``lock``: the stack lock's document, and how a VM's entry keeps its size, zone and disk types;
- ``network``: a shared network's spec; ``placement``: which zone a VM lands in.

The cloud adapters (``components.clouds``) turn a ``VmSpec`` into resources; the cloud rules
(``components.cloud_rules``) say what each cloud accepts.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# What each name is re-exported from. Loaded on first use (PEP 562), so that a caller needing one
# rule (``compare`` asks the size rules) does not load the whole layer (images, boot scripts, ...).
_EXPORTS = {
    "AZURE_RESERVED_USERNAMES": "access",
    "SSH_KEY_TYPES": "access",
    "ssh_key_problem": "access",
    "MAX_DATA_DISK_GIB": "boot",
    "MAX_DATA_DISKS": "boot",
    "MAX_OS_DISK_GIB": "boot",
    "CLOUD_ONLY_KEYS": "model",
    "CLOUDS": "model",
    "KNOWN_KEYS": "model",
    "NAME_RULES": "model",
    "CloudDefaults": "model",
    "DataDisk": "model",
    "ImageChoice": "model",
    "IngressRule": "model",
    "VmSpec": "model",
    "NetworkSpec": "network",
    "validate_network": "network",
    "AUTO_EXCLUDED": "sizes",
    "auto_selectable": "sizes",
    "azure_supports_premium": "sizes",
    "choose_offering": "sizes",
    "gcp_label": "tags",
    "gcp_labels": "tags",
    "validate": "validate",
}

if TYPE_CHECKING:
    from .access import AZURE_RESERVED_USERNAMES, SSH_KEY_TYPES, ssh_key_problem
    from .boot import MAX_DATA_DISK_GIB, MAX_DATA_DISKS, MAX_OS_DISK_GIB
    from .model import (
        CLOUD_ONLY_KEYS,
        CLOUDS,
        KNOWN_KEYS,
        NAME_RULES,
        CloudDefaults,
        DataDisk,
        ImageChoice,
        IngressRule,
        VmSpec,
    )
    from .network import NetworkSpec, validate_network
    from .sizes import AUTO_EXCLUDED, auto_selectable, azure_supports_premium, choose_offering
    from .tags import gcp_label, gcp_labels
    from .validate import validate

__all__ = [
    "AUTO_EXCLUDED",
    "AZURE_RESERVED_USERNAMES",
    "CLOUDS",
    "CLOUD_ONLY_KEYS",
    "KNOWN_KEYS",
    "MAX_DATA_DISKS",
    "MAX_DATA_DISK_GIB",
    "MAX_OS_DISK_GIB",
    "NAME_RULES",
    "SSH_KEY_TYPES",
    "CloudDefaults",
    "DataDisk",
    "ImageChoice",
    "IngressRule",
    "NetworkSpec",
    "VmSpec",
    "auto_selectable",
    "azure_supports_premium",
    "choose_offering",
    "gcp_label",
    "gcp_labels",
    "ssh_key_problem",
    "validate",
    "validate_network",
]


def __getattr__(name: str) -> Any:
    # ``validate`` is both a submodule and the function it defines: the function wins, as with the
    # eager ``from .validate import validate`` this replaces (nothing imports the submodule directly).
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
