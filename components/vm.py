"""The cloud-agnostic ``VirtualMachine`` component.

No ``from __future__ import annotations`` here: the Pulumi SDK reads the class's output annotations for
every instance, and string annotations would be compiled and evaluated again for each VM.
"""

from typing import Any

import pulumi

from .args import DataDiskArgs, IngressRuleArgs, VirtualMachineArgs
from .clouds import provisioner
from .spec import CloudDefaults, VmSpec, validate

__all__ = ["DataDiskArgs", "IngressRuleArgs", "VirtualMachine", "VirtualMachineArgs"]

TYPE_TOKEN = "multicloud:index:VirtualMachine"


def cloud_defaults(cloud: Any) -> CloudDefaults:
    """The provider configuration a spec falls back on for region, zone and project."""
    if cloud == "aws":
        return CloudDefaults(region=pulumi.Config("aws").get("region"))
    if cloud == "azure":
        return CloudDefaults(region=pulumi.Config("azure-native").get("location"))
    if cloud == "gcp":
        config = pulumi.Config("gcp")
        return CloudDefaults(region=config.get("region"), zone=config.get("zone"), project=config.get("project"))
    return CloudDefaults()


class VirtualMachine(pulumi.ComponentResource):
    """One VM spec, the same inputs and outputs on AWS, Azure and GCP.

    The spec is validated completely before anything is registered: bad input raises ``SpecError``.
    ``resources`` holds the native resources by role (``instance``, ``security_group``, ...) as an
    escape hatch; ``spec`` is the resolved, validated spec.
    """

    vm_id: pulumi.Output[str]
    cloud: pulumi.Output[str]
    region: pulumi.Output[str]
    zone: pulumi.Output[str | None]
    instance_type: pulumi.Output[str]
    image: pulumi.Output[str]
    private_ip: pulumi.Output[str]
    public_ip: pulumi.Output[str | None]
    hourly_price: pulumi.Output[float | None]
    ssh_command: pulumi.Output[str | None]

    def __init__(self, name: str, args: VirtualMachineArgs, opts: pulumi.ResourceOptions | None = None):
        self.spec: VmSpec = validate(name, args, cloud_defaults(args.get("cloud") if hasattr(args, "get") else None))
        super().__init__(TYPE_TOKEN, name, None, opts)

        network = args.get("network") if self.spec.network is not None else None
        built = provisioner(self.spec.cloud)(self.spec, self, network.native if network is not None else None)
        self.resources = built.resources
        self.vm_id = built.vm_id
        self.cloud = pulumi.Output.from_input(self.spec.cloud)
        self.region = pulumi.Output.from_input(self.spec.region)
        self.zone = built.zone
        self.instance_type = pulumi.Output.from_input(self.spec.instance_type)
        self.image = built.image
        self.private_ip = built.private_ip
        self.public_ip = built.public_ip if built.public_ip is not None else pulumi.Output.from_input(None)
        self.hourly_price = pulumi.Output.from_input(self.spec.hourly_price)
        self.ssh_command = _ssh_command(self.spec, built.public_ip)
        self.register_outputs(self.outputs())

    def outputs(self) -> dict[str, pulumi.Output]:
        return {
            "vm_id": self.vm_id,
            "cloud": self.cloud,
            "region": self.region,
            "zone": self.zone,
            "instance_type": self.instance_type,
            "image": self.image,
            "private_ip": self.private_ip,
            "public_ip": self.public_ip,
            "hourly_price": self.hourly_price,
            "ssh_command": self.ssh_command,
        }


def _ssh_command(spec: VmSpec, public_ip: pulumi.Output[str] | None) -> pulumi.Output[str | None]:
    if public_ip is None or not spec.ssh_public_key or spec.is_windows:
        return pulumi.Output.from_input(None)
    return public_ip.apply(lambda ip: f"ssh {spec.admin_username}@{ip}" if ip else None)
