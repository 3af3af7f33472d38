"""What every cloud adapter returns, so the component has identical outputs on every cloud."""

from __future__ import annotations

import hashlib
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


def image_trigger(spec) -> str:
    """What the user chose as image: the alias (or the native id), and on Azure the Hyper-V generation
    of the SKU sent. A newer image behind the same alias leaves it unchanged; a different alias
    changes it and replaces the VM (``replacement_trigger``)."""
    native = spec.image.native
    chosen = spec.image.alias or str(native)
    generation = getattr(native, "generation", None)
    return f"{chosen} ({generation})" if generation == "V1" else chosen


def vm_opts(
    parent: pulumi.Resource,
    spec,
    *,
    image_property: str,
    secret_property: str,
    fixed_name: bool,
    replace_on_changes: list[str] | tuple[str, ...] = (),
    delete_before_replace: bool = False,
    replace_with: list[pulumi.Resource] | None = None,
    depends_on: list[pulumi.Resource] | None = None,
) -> pulumi.ResourceOptions:
    """Options of the VM resource itself, the same on every cloud.

    A newer image behind an alias must not replace a running VM unless the spec opts in (the image
    property is ignored), but another alias must (the replacement trigger; the engine does not
    replace when a trigger first appears, so adding it to deployed VMs replaces nothing); the
    property holding the password or user data stays secret in the provider's outputs too; a VM
    with a fixed physical name (its hostname) must be deleted before its replacement is created, as
    must one whose data disks move to the replacement. ``replace_on_changes`` lists the properties the
    cloud cannot change in place although the provider would try (see ``cloud_rules``);
    ``replace_with`` the resources whose replacement replaces the VM too (a Windows VM's password
    store: what its first boot reads).
    """
    return child_opts(
        parent,
        ignore_changes=[] if spec.replace_on_image_change else [image_property],
        additional_secret_outputs=[secret_property],
        delete_before_replace=fixed_name or delete_before_replace,
        replace_on_changes=list(replace_on_changes) or None,
        replacement_trigger=image_trigger(spec),
        replace_with=replace_with or None,
        depends_on=depends_on or None,
    )


def secret(value: Any) -> Any:
    return None if value is None else pulumi.Output.secret(value)


def first_boot_version(*values: Any) -> pulumi.Output[int]:
    """A secret number that changes whenever what a Windows VM's first boot applies changes (the
    password, the admin user, the user's script): the version of its password in the secret store,
    whose change re-creates the store entry and, through ``replace_with``, the VM. Secret, because it
    is derived from the password."""

    def digest(resolved: list) -> int:
        text = "\0".join("" if v is None else str(v) for v in resolved)
        return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)

    return pulumi.Output.secret(pulumi.Output.all(*values).apply(digest))
