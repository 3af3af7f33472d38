"""What every cloud adapter returns, so the component has identical outputs on every cloud."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

NETWORK_CIDR = "10.42.0.0/16"
SUBNET_CIDR = "10.42.1.0/24"


@dataclass
class CloudVm:
    vm_id: pulumi.Output[str]
    private_ip: pulumi.Output[str]
    public_ip: pulumi.Output[str] | None
    image: pulumi.Output[str]
    resources: dict[str, pulumi.Resource] = field(default_factory=dict)
    """The native resources by role (``instance``, ``security_group``, ...): the escape hatch."""


def child_opts(parent: pulumi.Resource, **kwargs: Any) -> pulumi.ResourceOptions:
    """Options for a child: parented to the component, so it inherits the component's providers."""
    return pulumi.ResourceOptions(parent=parent, **kwargs)


def image_ignore_changes(spec, path: str) -> list[str]:
    """A newer image behind an alias must not replace a running VM unless the spec opts in."""
    return [] if spec.replace_on_image_change else [path]


def secret(value: Any) -> Any:
    return None if value is None else pulumi.Output.secret(value)
