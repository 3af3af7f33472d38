"""The cloud-agnostic ``VirtualMachine`` component.

No ``from __future__ import annotations`` here: the Pulumi SDK reads the class's output annotations for
every instance, and string annotations would be compiled and evaluated again for each VM.
"""

import dataclasses

import pulumi

from . import lockfile
from .args import DataDiskArgs, IngressRuleArgs, VirtualMachineArgs
from .clouds import provisioner
from .pricing import VmCost, instance_hourly, spec_cost
from .provider_defaults import cloud_defaults
from .spec import VmSpec, validate
from .spec.disks import check_disk_scope
from .spec.model import is_plain
from .spec.validate import check_secret_values

__all__ = ["DataDiskArgs", "IngressRuleArgs", "VirtualMachine", "VirtualMachineArgs"]

TYPE_TOKEN = "multicloud:index:VirtualMachine"


class VirtualMachine(pulumi.ComponentResource):
    """One VM spec, the same inputs and outputs on AWS, Azure and GCP: the cheapest size that meets
    the spec, secure defaults, its own firewall rules, and a shared ``Network`` or a network of its own.

    The spec is validated completely before anything is created: bad input is an error that names the
    VM, the input, the value and what is valid. In Python, ``resources`` holds the native resources by
    role (``instance``, ``security_group``, ...) and ``spec`` the resolved, validated spec.
    """

    vm_id: pulumi.Output[str]
    """The cloud's id of the instance (AWS instance id, Azure VM id, GCP instance id)."""
    cloud: pulumi.Output[str]
    """``aws``, ``azure`` or ``gcp``."""
    region: pulumi.Output[str]
    """The region the VM runs in."""
    zone: pulumi.Output[str | None]
    """The zone the VM runs in, as the cloud names it; none for an Azure regional VM."""
    instance_type: pulumi.Output[str]
    """The native size chosen (or given)."""
    image: pulumi.Output[str]
    """The resolved native image: AMI id, Azure image URN (``publisher:offer:sku:version``), GCP image."""
    private_ip: pulumi.Output[str]
    """The private IPv4 address."""
    public_ip: pulumi.Output[str | None]
    """The public IPv4 address; none without ``public_ip``."""
    hourly_price: pulumi.Output[float | None]
    """List price in USD per hour of the instance: compute (the spot price for spot VMs) plus the
    Windows licence; none when the catalog lacks either (AWS spot, Windows on most Azure B-series sizes)."""
    ssh_command: pulumi.Output[str | None]
    """``ssh user@address``; none without a public IP or an SSH key."""

    def __init__(self, name: str, args: VirtualMachineArgs, opts: pulumi.ResourceOptions | None = None):
        self.spec: VmSpec = _spec_of(name, args, former_names(opts))
        self.cost: VmCost = spec_cost(self.spec)
        super().__init__(TYPE_TOKEN, name, None, opts)
        note = lock_note(self.spec, pulumi.get_stack())
        if note:
            pulumi.log.warn(note, resource=self)

        network = args.get("network") if self.spec.network is not None else None
        built = provisioner(self.spec.cloud)(
            checked_secrets(self.spec), self, network.native if network is not None else None
        )
        self.resources = built.resources
        self.vm_id = built.vm_id
        self.cloud = pulumi.Output.from_input(self.spec.cloud)
        self.region = pulumi.Output.from_input(self.spec.region)
        self.zone = built.zone
        self.instance_type = pulumi.Output.from_input(self.spec.instance_type)
        self.image = built.image
        self.private_ip = built.private_ip
        self.public_ip = built.public_ip if built.public_ip is not None else pulumi.Output.from_input(None)
        self.hourly_price = pulumi.Output.from_input(instance_hourly(self.cost))
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


_VALIDATED: dict[str, tuple[object, VmSpec]] = {}


def validated(name: str, args: object, spec: VmSpec) -> None:
    """Hands the next ``VirtualMachine(name, args)`` the spec its caller validated for these very
    ``args`` (the same object, with the stack's lock and provider defaults the component would read):
    the stack program checks every VM before registering any, and the component takes that spec
    instead of validating the same arguments again."""
    _VALIDATED[name] = (args, spec)


def former_names(opts: pulumi.ResourceOptions | None) -> list[str]:
    """The names a VM had, from its aliases (``Alias(name=...)``, or an alias URN's last part)."""
    names = []
    for alias in (opts.aliases if opts is not None else None) or []:
        name = getattr(alias, "name", None) if isinstance(alias, pulumi.Alias) else alias
        if isinstance(name, str) and name:
            names.append(name.rsplit("::", 1)[-1])
    return names


def _spec_of(name: str, args: VirtualMachineArgs, former: list[str] | None = None) -> VmSpec:
    known = _VALIDATED.pop(name, None) if isinstance(name, str) else None
    if known is not None and known[0] is args:
        return known[1]
    stack = pulumi.get_stack()
    entry, reresolve = lockfile.entry_for(stack, name, former or ()) if isinstance(name, str) else (None, False)
    defaults = cloud_defaults(args.get("cloud") if hasattr(args, "get") else None)
    spec = validate(name, args, defaults, lock=entry, reresolve=reresolve)
    check_disk_scope(spec)
    return spec


def checked_secrets(spec: VmSpec) -> VmSpec:
    """The spec with its secret inputs that are Outputs (``config.require_secret``, another resource's
    output) checked once known, inside the Output: a bad value fails the update with the SpecError a
    plain value gets before anything is registered."""
    password, user_data = spec.admin_password, spec.user_data
    if is_plain(password) and is_plain(user_data):
        return spec

    def check(values: list) -> list:
        check_secret_values(spec, *values)
        return values

    checked = pulumi.Output.all(password, user_data).apply(check)
    return dataclasses.replace(
        spec,
        admin_password=password if is_plain(password) else checked.apply(lambda values: values[0]),
        user_data=user_data if is_plain(user_data) else checked.apply(lambda values: values[1]),
    )


def lock_note(spec: VmSpec, stack: str) -> str | None:
    """What ``pulumi preview``/``up`` says of a VM its stack's lock does not (or no longer) describe."""
    use = spec.lock
    command = f"`python -m components lock --stack {stack}`"
    former = use.previous.vm if use is not None and use.previous is not None else ""
    if former and former != spec.name:
        return f"{spec.name}: the lock has it under its former name {former}; run {command} to record the new one"
    if use is None or use.status in ("kept", "update"):
        return None
    if use.status == "new":
        return (
            f"{spec.name}: {spec.instance_type}{' in ' + spec.zone if spec.zone else ''} comes from today's catalog and "
            f"is not in {lockfile.file_name(stack)}: a later catalog or package could pick another size; run {command} "
            "and commit the file"
        )
    return (
        f"{spec.name}: re-resolved to {spec.instance_type} (the lock has {use.previous.instance_type} from other "
        f"inputs); run {command} to record it"
    )


def _ssh_command(spec: VmSpec, public_ip: pulumi.Output[str] | None) -> pulumi.Output[str | None]:
    if public_ip is None or not spec.ssh_public_key or spec.is_windows:
        return pulumi.Output.from_input(None)
    return public_ip.apply(lambda ip: f"ssh {spec.admin_username}@{ip}" if ip else None)
