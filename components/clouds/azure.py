"""Azure (azure-native): NSG, optional static public IP, NIC and VM in a shared network's subnet
(``network``), an existing subnet (``subnet_id``) or a dedicated resource group and virtual network;
and the shared network itself (per region: a resource group unless given, a virtual network, a subnet)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import compute
from pulumi_azure_native import network as azure_network
from pulumi_azure_native import resources as azure_resources

from ..cloud_rules import azure as rules
from ..images import AzureImage
from ..spec import IngressRule, VmSpec
from ..spec.model import DataDisk
from ..spec.network import NetworkSpec, azure_subnet_cidr
from .base import (
    NETWORK_CIDR,
    SUBNET_CIDR,
    NativeNetwork,
    NativeVm,
    VmBuild,
    child_opts,
    ingress_description,
    secret,
    vm_opts,
)

NSG_PROTOCOL = {"tcp": "Tcp", "udp": "Udp", "icmp": "Icmp"}


def provision(spec: VmSpec, parent: pulumi.ComponentResource, network: NativeNetwork | None = None) -> NativeVm:
    """An Azure VM in its resource group and subnet, behind its NSG, on its NIC (with a static public IP
    if asked), with its managed data disks and, on Windows with user data, the extension that runs it.
    The SSH key and the Windows password go in the VM's OS profile: no password store of its own."""
    build = VmBuild(spec, parent, tags=dict(spec.tags))
    subnet = subnet_for(build, network)
    nsg = firewall(build, subnet)
    nic, public_ip = network_interface(build, subnet, nsg)
    disks = data_disks(build, subnet)
    vm = instance(build, subnet, nic, disks)
    user_data_extension(build, subnet, vm)
    return outputs(build, vm, nic, public_ip)


@dataclass(frozen=True)
class Subnet:
    """Where the VM goes: the resource group its resources are created in and the subnet its NIC joins."""

    resource_group_name: pulumi.Input[str]
    id: pulumi.Input[str]


def subnet_for(build: VmBuild, network: NativeNetwork | None) -> Subnet:
    """The shared network's subnet in the VM's region, the existing ``subnet_id``, or a dedicated virtual
    network's subnet; in the resource group of ``resource_group``."""
    spec = build.spec
    group_name = resource_group(build, network)
    if network is not None:
        return Subnet(group_name, network.subnet_ids[spec.region])
    if spec.subnet_id:
        return Subnet(group_name, spec.subnet_id)
    return dedicated_network(build, group_name)


def dedicated_network(build: VmBuild, group_name: pulumi.Input[str]) -> Subnet:
    """A virtual network and subnet for this VM alone, in ``group_name``."""
    spec = build.spec
    vnet, subnet = _virtual_network(
        spec.name, "", group_name, spec.region, NETWORK_CIDR, SUBNET_CIDR, build.tags, build.parent
    )
    build.resources.update(virtual_network=vnet, subnet=subnet)
    return Subnet(group_name, subnet.id)


def resource_group(build: VmBuild, network: NativeNetwork | None) -> pulumi.Input[str]:
    """The name of the resource group the VM's resources go in: the one given, the shared network's in
    the VM's region, or one of its own."""
    spec = build.spec
    if spec.resource_group_name:
        return spec.resource_group_name
    if network is not None:
        return network.resource_group_names[spec.region]
    group = azure_resources.ResourceGroup(f"{spec.name}-rg", location=spec.region, tags=build.tags, opts=build.opts())
    return build.add("resource_group", group).name


def firewall(build: VmBuild, subnet: Subnet) -> azure_network.NetworkSecurityGroup:
    """The VM's NSG: the spec's ingress rules, then the rules isolating it from its network's other VMs."""
    nsg = azure_network.NetworkSecurityGroup(
        f"{build.name}-nsg",
        resource_group_name=subnet.resource_group_name,
        location=build.spec.region,
        security_rules=security_rules(build.spec.ingress),
        tags=build.tags,
        opts=build.opts(),
    )
    return build.add("network_security_group", nsg)


def security_rules(ingress: tuple[IngressRule, ...]) -> list[dict]:
    """One NSG rule per ingress rule (IPv4 sources: validation refuses IPv6 ones), at priority
    100 + 10 i; then the rules isolating the VM from its network's other VMs."""
    result = []
    for index, rule in enumerate(ingress):
        result.append(
            {
                "name": f"allow-{rule.protocol}-{rule.port_range.replace('*', 'any')}-{index}",
                "priority": rules.FIRST_RULE_PRIORITY + rules.RULE_PRIORITY_STEP * index,
                "direction": "Inbound",
                "access": "Allow",
                "protocol": NSG_PROTOCOL[rule.protocol],
                "source_address_prefixes": list(rule.sources),
                "source_port_range": "*",
                "destination_address_prefix": "*",
                "destination_port_range": rule.port_range,
                "description": ingress_description(rule),
            }
        )
    return result + isolation_rules()


def isolation_rules() -> list[dict]:
    """Below every rule of the VM's own: the virtual network's other VMs get nothing that the VM's rules
    do not admit (Azure's default AllowVnetInBound would admit every port), and Azure's health probes
    keep what its default AllowAzureLoadBalancerInBound gives them (see cloud_rules.azure)."""
    common = {"direction": "Inbound", "source_port_range": "*", "destination_address_prefix": "*"}
    return [
        {
            **common,
            "name": "allow-azure-load-balancer",
            "priority": rules.ALLOW_LOAD_BALANCER_PRIORITY,
            "access": "Allow",
            "protocol": "*",
            "source_address_prefix": "AzureLoadBalancer",
            "destination_port_range": "*",
            "description": "Azure health probes, as Azure's default rule allows them",
        },
        {
            **common,
            "name": "deny-virtual-network-inbound",
            "priority": rules.DENY_VNET_PRIORITY,
            "access": "Deny",
            "protocol": "*",
            "source_address_prefix": "VirtualNetwork",
            "destination_port_range": "*",
            "description": "nothing from the network's other VMs beyond the rules above",
        },
    ]


def network_interface(
    build: VmBuild, subnet: Subnet, nsg: azure_network.NetworkSecurityGroup
) -> tuple[azure_network.NetworkInterface, azure_network.PublicIPAddress | None]:
    """The VM's NIC in ``subnet`` behind ``nsg``, with a dynamic private address and, if asked, the
    public IP (``public_address``); the NIC and the public IP."""
    spec = build.spec
    public_ip = public_address(build, subnet) if spec.public_ip else None
    ip_configuration: dict = {
        "name": "ipconfig",
        "subnet": {"id": subnet.id},
        "private_ip_allocation_method": "Dynamic",
        "primary": True,
    }
    if public_ip is not None:
        ip_configuration["public_ip_address"] = {"id": public_ip.id}
    nic = azure_network.NetworkInterface(
        f"{spec.name}-nic",
        resource_group_name=subnet.resource_group_name,
        location=spec.region,
        ip_configurations=[ip_configuration],
        network_security_group={"id": nsg.id},
        tags=build.tags,
        opts=build.opts(),
    )
    return build.add("network_interface", nic), public_ip


def public_address(build: VmBuild, subnet: Subnet) -> azure_network.PublicIPAddress:
    """A static Standard IPv4 address in the VM's zone."""
    spec = build.spec
    public_ip = azure_network.PublicIPAddress(
        f"{spec.name}-pip",
        resource_group_name=subnet.resource_group_name,
        location=spec.region,
        sku={"name": "Standard", "tier": "Regional"},
        public_ip_allocation_method="Static",
        public_ip_address_version="IPv4",
        zones=zones(spec),
        tags=build.tags,
        # Azure cannot move a public IP between zones; azure-native would try an update.
        opts=build.opts(replace_on_changes=["zones"]),
    )
    return build.add("public_ip", public_ip)


def zones(spec: VmSpec) -> list[str] | None:
    """The VM's zone as Azure takes it (a list of one); None for a regional VM."""
    return [spec.zone] if spec.zone else None


def data_disks(build: VmBuild, subnet: Subnet) -> list[tuple[DataDisk, compute.Disk]]:
    """Each data disk: a managed disk of its own in the VM's zone, its SKU the one kept for it
    (``disk.sent_type``); the disks with their managed disks, to attach."""
    spec = build.spec
    disks = [(disk, _data_disk(build, disk, subnet.resource_group_name)) for disk in spec.data_disks]
    build.resources.update({f"data_disk_{disk.key}": managed for disk, managed in disks})
    return disks


def _data_disk(build: VmBuild, disk: DataDisk, group_name: pulumi.Input[str]) -> compute.Disk:
    spec = build.spec
    old = disk.resource_name(spec.name, disk.renamed_from) if disk.renamed_from else None
    return compute.Disk(
        disk.resource_name(spec.name),
        disk_name=disk_name(spec.name, disk),
        resource_group_name=group_name,
        location=spec.region,
        zones=zones(spec),
        sku={"name": disk.sent_type},
        disk_size_gb=disk.size_gib,
        creation_data={"create_option": "Empty"},
        tags=build.tags,
        opts=build.opts(
            protect=disk.protect,
            retain_on_delete=disk.retain_on_delete,
            aliases=[pulumi.Alias(name=old)] if old else None,
        ),
    )


def disk_name(vm: str, disk) -> str:
    """The Azure name of a data disk: the name it was created with (``disks.cloud_name``: from the stack's
    lock, else ``<vm>-data-<key it was created with>``), kept when the VM is renamed (docs/lock.md)."""
    return disk.cloud_name or f"{vm}-data-{disk.origin}"


def attached_disk(vm: str, disk, disk_id) -> dict:
    """A data disk in the VM's storage profile: attached, never created or deleted with the VM
    (cloud_rules.azure.ATTACHED_DISKS)."""
    return {
        "lun": disk.slot,
        "name": disk_name(vm, disk),
        "create_option": "Attach",
        "managed_disk": {"id": disk_id},
        "delete_option": "Detach",
    }


def instance(
    build: VmBuild,
    subnet: Subnet,
    nic: azure_network.NetworkInterface,
    disks: list[tuple[DataDisk, compute.Disk]],
) -> compute.VirtualMachine:
    """The VM on ``nic``, booting the spec's image, its data disks attached, boot diagnostics on."""
    spec = build.spec
    vm = compute.VirtualMachine(
        f"{spec.name}-vm",
        vm_name=spec.name,
        resource_group_name=subnet.resource_group_name,
        location=spec.region,
        zones=zones(spec),
        hardware_profile={"vm_size": spec.instance_type},
        network_profile={"network_interfaces": [{"id": nic.id, "primary": True}]},
        os_profile=_os_profile(spec),
        storage_profile=storage_profile(spec, disks),
        diagnostics_profile={"boot_diagnostics": {"enabled": True}},
        tags=build.tags,
        **spot_settings(spec),
        opts=vm_opts(
            build.parent,
            spec,
            image_property="storageProfile.imageReference",
            secret_property="osProfile",
            fixed_name=True,
            replace_on_changes=rules.REPLACE_ON_CHANGES,
            image_variant=rules.trigger_generation(spec),
        ),
    )
    return build.add("virtual_machine", vm)


def _os_profile(spec: VmSpec) -> dict:
    profile: dict = {"computer_name": spec.name, "admin_username": spec.admin_username}
    if spec.user_data is not None:
        profile["custom_data"] = pulumi.Output.secret(pulumi.Output.from_input(spec.user_data).apply(custom_data))
    if spec.is_windows:
        profile["admin_password"] = secret(spec.admin_password)
        profile["windows_configuration"] = {"enable_automatic_updates": True, "provision_vm_agent": True}
    else:
        profile["linux_configuration"] = {
            "disable_password_authentication": True,
            "provision_vm_agent": True,
            "ssh": {
                "public_keys": [
                    {"path": f"/home/{spec.admin_username}/.ssh/authorized_keys", "key_data": spec.ssh_public_key}
                ]
            },
        }
    return profile


def custom_data(user_data: str | None) -> str | None:
    return None if user_data is None else base64.b64encode(user_data.encode()).decode()


def storage_profile(spec: VmSpec, disks: list[tuple[DataDisk, compute.Disk]]) -> dict:
    """The image, the OS disk (deleted with the VM) and the data disks by LUN (attached, kept)."""
    return {
        "image_reference": image_reference(spec),
        "os_disk": {
            "name": f"{spec.name}-osdisk",
            "create_option": "FromImage",
            "caching": "ReadWrite",
            "disk_size_gb": spec.disk_size_gib,
            "delete_option": "Delete",
            "managed_disk": {"storage_account_type": spec.os_disk_sent},
        },
        "data_disks": [
            attached_disk(spec.name, disk, managed.id) for disk, managed in sorted(disks, key=lambda pair: pair[0].slot)
        ],
    }


def image_reference(spec: VmSpec) -> dict:
    image = spec.image.native
    if isinstance(image, AzureImage):
        publisher, offer, sku, version = image.publisher, image.offer, image.sku, image.version
    else:
        publisher, offer, sku, version = image.split(":")
    return {"publisher": publisher, "offer": offer, "sku": sku, "version": version}


def image_urn(spec: VmSpec) -> str:
    reference = image_reference(spec)
    return ":".join(reference[k] for k in ("publisher", "offer", "sku", "version"))


def spot_settings(spec: VmSpec) -> dict:
    """A spot VM's priority, eviction (deallocate, keeping its disks) and price cap (none: up to the
    on-demand price); nothing on demand."""
    if not spec.spot:
        return {}
    return {"priority": "Spot", "eviction_policy": "Deallocate", "billing_profile": {"max_price": -1}}


def user_data_extension(build: VmBuild, subnet: Subnet, vm: compute.VirtualMachine) -> None:
    """Windows stores custom data but never runs it: the Custom Script Extension runs it once."""
    spec = build.spec
    if not (spec.is_windows and spec.user_data is not None):
        return
    extension = compute.VirtualMachineExtension(
        f"{spec.name}-user-data",
        resource_group_name=subnet.resource_group_name,
        # The VM's output, not its name: a property dependency, so a replaced VM replaces the extension
        # and the new VM runs the user data (cloud_rules.azure.EXTENSION_FOLLOWS_VM).
        vm_name=vm.name,
        location=spec.region,
        publisher="Microsoft.Compute",
        type="CustomScriptExtension",
        type_handler_version="1.10",
        auto_upgrade_minor_version=True,
        protected_settings={"commandToExecute": rules.WINDOWS_RUN_CUSTOM_DATA},
        tags=build.tags,
        opts=build.opts(),
    )
    build.add("user_data_extension", extension)


def outputs(
    build: VmBuild,
    vm: compute.VirtualMachine,
    nic: azure_network.NetworkInterface,
    public_ip: azure_network.PublicIPAddress | None,
) -> NativeVm:
    spec = build.spec
    private_ip = nic.ip_configurations.apply(lambda configs: (configs or [{}])[0].private_ip_address)
    return NativeVm(
        vm_id=vm.id,
        private_ip=private_ip,
        public_ip=public_ip.ip_address if public_ip is not None else None,
        image=pulumi.Output.from_input(image_urn(spec)),
        zone=pulumi.Output.from_input(spec.zone),
        resources=build.resources,
    )


def provision_network(spec: NetworkSpec, parent: pulumi.ComponentResource) -> NativeNetwork:
    networks, subnets, groups, resources = {}, {}, {}, {}
    for region in spec.regions:
        tags = dict(spec.tags)
        if spec.resource_group_name:
            group_name: pulumi.Input[str] = spec.resource_group_name
        else:
            group = azure_resources.ResourceGroup(
                f"{spec.name}-rg-{region}", location=region, tags=tags, opts=child_opts(parent)
            )
            resources[f"resource_group_{region}"] = group
            group_name = group.name
        vnet, subnet = _virtual_network(
            spec.name, f"-{region}", group_name, region, spec.cidr, azure_subnet_cidr(spec.cidr), tags, parent
        )
        networks[region], subnets[region] = vnet.id, subnet.id
        groups[region] = pulumi.Output.from_input(group_name)
        resources.update({f"virtual_network_{region}": vnet, f"subnet_{region}": subnet})
    return NativeNetwork(network_ids=networks, subnet_ids=subnets, resource_group_names=groups, resources=resources)


def _virtual_network(
    prefix: str, suffix: str, group_name, location: str, cidr: str, subnet_cidr: str, tags: dict, parent
) -> tuple:
    """A virtual network ``<prefix>-vnet<suffix>`` with one subnet ``<prefix>-subnet<suffix>``."""
    vnet = azure_network.VirtualNetwork(
        f"{prefix}-vnet{suffix}",
        resource_group_name=group_name,
        location=location,
        address_space={"address_prefixes": [cidr]},
        tags=tags,
        opts=child_opts(parent),
    )
    subnet = azure_network.Subnet(
        f"{prefix}-subnet{suffix}",
        resource_group_name=group_name,
        virtual_network_name=vnet.name,
        address_prefix=subnet_cidr,
        opts=child_opts(parent),
    )
    return vnet, subnet
