"""What every cloud adapter is and returns, so the components have identical outputs on every cloud;
and the parts of building a VM that are the same on every cloud (options, triggers, rule labels)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import pulumi

from ..spec import IngressRule, VmSpec
from ..spec.network import NetworkSpec

NETWORK_CIDR = "10.42.0.0/16"
SUBNET_CIDR = "10.42.1.0/24"

R = TypeVar("R", bound=pulumi.Resource)


@dataclass
class NativeVm:
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
class NativeNetwork:
    """The native side of a ``Network`` component (``Network.native``), what every cloud's
    ``provision_network`` returns and a VM joining the network receives: ids by region, subnets by
    placement key, and the native resources by role."""

    network_ids: dict[str, pulumi.Output[str]]
    """Region -> VPC (AWS), virtual network (Azure) or VPC network (GCP) id."""
    subnet_ids: dict[str, pulumi.Output[str]]
    """AWS: AZ ID -> subnet id; Azure and GCP: region -> subnet id."""
    resource_group_names: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    """Azure: region -> the resource group holding the network (where the VMs go by default)."""
    resources: dict[str, pulumi.Resource] = field(default_factory=dict)


class CloudAdapter(Protocol):
    """What a module ``components/clouds/<cloud>.py`` provides (``components.clouds.adapter`` checks
    each module against it when it loads one; a test checks every module)."""

    def provision(
        self, spec: VmSpec, parent: pulumi.ComponentResource, network: NativeNetwork | None = None
    ) -> NativeVm:
        """The VM's native resources, children of ``parent``, in ``network`` (a shared ``Network``'s
        native side) when the VM joins one."""
        ...

    def provision_network(self, spec: NetworkSpec, parent: pulumi.ComponentResource) -> NativeNetwork:
        """A shared network's native resources, children of ``parent``."""
        ...


@dataclass
class VmBuild:
    """A VM being built, as each step of an adapter's ``provision`` sees it: the spec, the component
    its resources are children of, the tags (GCP: labels) they carry, and the native resources made so
    far by role (what becomes ``NativeVm.resources``)."""

    spec: VmSpec
    parent: pulumi.ComponentResource
    tags: dict[str, str]
    resources: dict[str, pulumi.Resource] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    def opts(self, **kwargs: Any) -> pulumi.ResourceOptions:
        return child_opts(self.parent, **kwargs)

    def add(self, role: str, resource: R) -> R:
        """Keeps ``resource`` under ``role`` in the escape hatch and returns it."""
        self.resources[role] = resource
        return resource


def ingress_description(rule: IngressRule, target: str | None = None) -> str:
    """The description an ingress rule carries on the cloud: the user's, else its protocol and ports
    (``tcp 22``), and ``to <target>`` where the rule is a resource apart from the VM (GCP)."""
    return rule.description or f"{rule.protocol} {rule.port_range}" + (f" to {target}" if target else "")


def child_opts(parent: pulumi.Resource, **kwargs: Any) -> pulumi.ResourceOptions:
    """Options for a child: parented to the component, so it inherits the component's providers."""
    return pulumi.ResourceOptions(parent=parent, **kwargs)


def image_trigger(spec, variant: str | None = None) -> str:
    """What the user chose as image: the alias (or the native id), and the variant of it the cloud
    sends when that is part of the choice (Azure: a Gen1 image, ``cloud_rules.azure.trigger_generation``).
    A newer image behind the same alias leaves it unchanged; a different alias changes it and replaces
    the VM (``replacement_trigger``)."""
    chosen = spec.image.alias or str(spec.image.native)
    return f"{chosen} ({variant})" if variant else chosen


def vm_opts(
    parent: pulumi.Resource,
    spec,
    *,
    image_property: str,
    secret_property: str,
    fixed_name: bool,
    replace_on_changes: list[str] | tuple[str, ...] = (),
    delete_before_replace: bool = False,
    creation_only: tuple[str, ...] = (),
    replace_with: list[pulumi.Resource] | None = None,
    depends_on: list[pulumi.Resource] | None = None,
    image_variant: str | None = None,
) -> pulumi.ResourceOptions:
    """Options of the VM resource itself, the same on every cloud.

    A newer image behind an alias must not replace a running VM unless the spec opts in (the image
    property is ignored), but another alias must (the replacement trigger; the engine does not
    replace when a trigger first appears, so adding it to deployed VMs replaces nothing); the
    property holding the password or user data stays secret in the provider's outputs too; a VM
    with a fixed physical name (its hostname) must be deleted before its replacement is created, as
    must one whose data disks move to the replacement. ``replace_on_changes`` lists the properties the
    cloud cannot change in place although the provider would try (see ``cloud_rules``);
    ``creation_only`` the inputs set when the VM is created and never after, whose change the
    provider would make a replacement for nothing (see ``cloud_rules``); ``replace_with`` the
    resources whose replacement replaces the VM too (a Windows VM's password store: what its first
    boot reads); ``image_variant`` what the replacement trigger names beside the image (``image_trigger``).
    """
    return child_opts(
        parent,
        ignore_changes=([] if spec.replace_on_image_change else [image_property]) + list(creation_only),
        additional_secret_outputs=[secret_property],
        delete_before_replace=fixed_name or delete_before_replace,
        replace_on_changes=list(replace_on_changes) or None,
        replacement_trigger=image_trigger(spec, image_variant),
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
