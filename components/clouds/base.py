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
    zone: pulumi.Output[str | None]
    """The zone the VM runs in, as the cloud names it (AWS: the account's AZ name); None for an Azure
    regional VM."""
    resources: dict[str, pulumi.Resource] = field(default_factory=dict)
    """The native resources by role (``instance``, ``security_group``, ...): the escape hatch."""


@dataclass
class CloudNetwork:
    """What every cloud's network adapter returns: ids by region and subnets by placement key."""

    networks: dict[str, pulumi.Output[str]]
    """Region -> VPC (AWS), virtual network (Azure) or VPC network (GCP) id."""
    subnets: dict[str, pulumi.Output[str]]
    """AWS: AZ ID -> subnet id; Azure and GCP: region -> subnet id."""
    resource_groups: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    """Azure: region -> the resource group holding the network (where the VMs go by default)."""
    resources: dict[str, pulumi.Resource] = field(default_factory=dict)


def child_opts(parent: pulumi.Resource, **kwargs: Any) -> pulumi.ResourceOptions:
    """Options for a child: parented to the component, so it inherits the component's providers."""
    return pulumi.ResourceOptions(parent=parent, **kwargs)


def vm_opts(
    parent: pulumi.Resource, spec, *, image_property: str, secret_property: str, fixed_name: bool
) -> pulumi.ResourceOptions:
    """Options of the VM resource itself, the same on every cloud.

    A newer image behind an alias must not replace a running VM unless the spec opts in; the
    property holding the password or user data stays secret in the provider's outputs too; a VM
    with a fixed physical name (its hostname) must be deleted before its replacement is created.
    """
    return child_opts(
        parent,
        ignore_changes=[] if spec.replace_on_image_change else [image_property],
        additional_secret_outputs=[secret_property],
        delete_before_replace=fixed_name,
    )


def windows_admin_script(username: str, password: str) -> str:
    """PowerShell run at first boot that creates (or resets) the admin user from the spec."""
    escaped = password.replace("'", "''")
    return (
        f"$password = ConvertTo-SecureString '{escaped}' -AsPlainText -Force\n"
        f"if (Get-LocalUser -Name '{username}' -ErrorAction SilentlyContinue) "
        f"{{ Set-LocalUser -Name '{username}' -Password $password }} "
        f"else {{ New-LocalUser -Name '{username}' -Password $password -PasswordNeverExpires; "
        f"Add-LocalGroupMember -Group Administrators -Member '{username}' }}\n"
    )


def secret(value: Any) -> Any:
    return None if value is None else pulumi.Output.secret(value)
