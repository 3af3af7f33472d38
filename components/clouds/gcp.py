"""GCP: firewall rules scoped to this VM's network tag, optional external IP and a Compute Engine
instance, in a shared network (``network``), an existing subnetwork (``subnet_id``) or a dedicated
network; and the shared network itself (one VPC network, a subnetwork per region)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from ..cloud_rules import gcp as rules
from ..images import gcp_image_path
from ..spec import IngressRule, VmSpec
from ..spec.model import DataDisk
from ..spec.network import NetworkSpec, gcp_subnet_cidr
from ..user_data import gcp_windows_admin_script
from .base import (
    SUBNET_CIDR,
    NativeNetwork,
    NativeVm,
    VmBuild,
    child_opts,
    first_boot_version,
    ingress_description,
    secret,
    vm_opts,
)


def provision(spec: VmSpec, parent: pulumi.ComponentResource, network: NativeNetwork | None = None) -> NativeVm:
    """A Compute Engine instance in its subnetwork, reached through its own firewall rules (by network
    tag), with its password store (Windows) and its persistent data disks. The external address is an
    access config of the instance's interface and the SSH key is in its metadata: no resources of
    their own."""
    build = VmBuild(spec, parent, tags=dict(spec.tags))
    subnet = subnet_for(build, network)
    firewall(build, subnet)
    interface = network_interface(spec, subnet)
    admin = password_store(build) if spec.is_windows else None
    disks = data_disks(build)
    vm = instance(build, interface, disks, admin)
    return outputs(build, vm)


@dataclass(frozen=True)
class Subnet:
    """Where the VM goes: its subnetwork and the VPC network the subnetwork is in."""

    id: pulumi.Input[str]
    vpc_network_id: pulumi.Input[str]


def subnet_for(build: VmBuild, network: NativeNetwork | None) -> Subnet:
    """The shared network's subnetwork in the VM's region, the existing ``subnet_id`` (its network
    looked up), or a dedicated network's subnetwork."""
    spec = build.spec
    if network is not None:
        return Subnet(network.subnet_ids[spec.region], network.network_ids[spec.region])
    if spec.subnet_id:
        lookup = gcp.compute.get_subnetwork_output(
            self_link=rules.full_subnetwork_link(spec.subnet_id), opts=pulumi.InvokeOutputOptions(parent=build.parent)
        )
        return Subnet(spec.subnet_id, lookup.network)
    return dedicated_network(build)


def dedicated_network(build: VmBuild) -> Subnet:
    """A VPC network and subnetwork for this VM alone: standalone use, at the cost of one of the
    project's networks (15 by default)."""
    spec = build.spec
    vpc_network = gcp.compute.Network(
        f"{spec.name}-net", auto_create_subnetworks=False, project=spec.project, opts=build.opts()
    )
    subnetwork = gcp.compute.Subnetwork(
        f"{spec.name}-subnet",
        network=vpc_network.id,
        region=spec.region,
        ip_cidr_range=SUBNET_CIDR,
        private_ip_google_access=True,
        project=spec.project,
        opts=build.opts(),
    )
    build.resources.update(network=vpc_network, subnetwork=subnetwork)
    return Subnet(subnetwork.id, vpc_network.id)


def firewall(build: VmBuild, subnet: Subnet) -> list[gcp.compute.Firewall]:
    """A firewall per ingress rule in the VM's VPC network (``firewall_rules``), kept as ``fw-<index>``."""
    spec = build.spec
    firewalls = []
    for firewall_name, firewall_args in firewall_rules(spec.name, spec.ingress):
        rule = gcp.compute.Firewall(
            firewall_name, network=subnet.vpc_network_id, project=spec.project, **firewall_args, opts=build.opts()
        )
        firewalls.append(build.add(firewall_name.removeprefix(f"{spec.name}-"), rule))
    return firewalls


def firewall_rules(name: str, ingress: tuple[IngressRule, ...]) -> list[tuple[str, dict]]:
    """One firewall per ingress rule, targeting only this VM's network tag (IPv4 sources: validation
    refuses IPv6 ones)."""
    result = []
    for index, rule in enumerate(ingress):
        allow: dict = {"protocol": rule.protocol}
        if rule.from_port is not None:
            allow["ports"] = [rule.port_range]
        result.append(
            (
                f"{name}-fw-{index}",
                {
                    "direction": "INGRESS",
                    "source_ranges": list(rule.sources),
                    "allows": [allow],
                    "target_tags": [network_tag(name)],
                    "description": ingress_description(rule, target=name),
                },
            )
        )
    return result


def network_tag(name: str) -> str:
    return f"{name}-vm"[:63]


def network_interface(spec: VmSpec, subnet: Subnet) -> dict:
    """The instance's interface in ``subnet``, with an ephemeral external address if asked."""
    interface: dict = {"subnetwork": subnet.id}
    if spec.public_ip:
        interface["access_configs"] = [{"network_tier": "PREMIUM"}]
    return interface


@dataclass
class WindowsAdmin:
    """What a Windows VM's first boot reads its admin password with: the specialize script that reads
    it, the instance's service account allowed to, and the resources the instance waits for and is
    replaced with."""

    script: pulumi.Output[str]
    service_account: dict
    password_store: pulumi.Resource
    depends_on: list[pulumi.Resource]


def password_store(build: VmBuild) -> WindowsAdmin:
    """The admin password as a Secret Manager secret version (write-only input), a service account for
    this VM alone with secretAccessor on that one secret, and the specialize script that reads it."""
    spec, labels = build.spec, build.tags
    name, project = spec.name, spec.project
    store = gcp.secretmanager.Secret(
        f"{name}-admin-password",
        secret_id=rules.admin_password_secret_id(spec),
        replication={"auto": {}},
        labels=labels,
        project=project,
        opts=build.opts(),
    )
    version = gcp.secretmanager.SecretVersion(
        f"{name}-admin-password-version",
        secret=store.id,
        secret_data_wo=pulumi.Output.secret(spec.admin_password),
        # ForceNew: a new version (and, by replace_with, a new VM whose first boot applies it).
        secret_data_wo_version=first_boot_version(spec.admin_password, spec.admin_username).apply(str),
        opts=build.opts(),
    )
    account, reader = _password_reader(build, store)
    build.resources.update(
        admin_password=store, admin_password_version=version, service_account=account, admin_password_reader=reader
    )
    script = store.name.apply(lambda path: gcp_windows_admin_script(spec.admin_username, path))
    service_account = {"email": account.email, "scopes": [rules.CLOUD_PLATFORM_SCOPE]}
    return WindowsAdmin(script, service_account, version, [version, reader])


def _password_reader(build: VmBuild, store: gcp.secretmanager.Secret) -> tuple:
    """The VM's own service account and its secretAccessor binding on ``store`` alone."""
    spec = build.spec
    account = gcp.serviceaccount.Account(
        f"{spec.name}-admin-reader",
        account_id=rules.admin_service_account_id(spec),
        display_name=f"{spec.name}: reads its own admin password (multicloud-vm)"[:100],
        project=spec.project,
        opts=build.opts(),
    )
    reader = gcp.secretmanager.SecretIamMember(
        f"{spec.name}-admin-password-reader",
        secret_id=store.id,
        role=rules.SECRET_ACCESSOR_ROLE,
        member=account.email.apply(lambda email: f"serviceAccount:{email}"),
        project=spec.project,
        opts=build.opts(),
    )
    return account, reader


def data_disks(build: VmBuild) -> list[dict]:
    """Each data disk: a persistent disk of its own in the VM's zone, its type the one kept for it
    (``disk.sent_type``); the instance's attached disks, by slot. No auto_delete on them: the API's
    default (false) keeps them when the instance goes (cloud_rules.gcp.ATTACHED_DISKS)."""
    attached = []
    for disk in sorted(build.spec.data_disks, key=lambda d: d.slot):
        persistent = build.add(f"data_disk_{disk.key}", _data_disk(build, disk))
        attached.append({"source": persistent.id, "device_name": disk.device_name})
    return attached


def _data_disk(build: VmBuild, disk: DataDisk) -> gcp.compute.Disk:
    spec = build.spec
    old = disk.resource_name(spec.name, disk.renamed_from) if disk.renamed_from else None
    return gcp.compute.Disk(
        disk.resource_name(spec.name),
        zone=spec.zone,
        size=disk.size_gib,
        type=disk.sent_type,
        labels=build.tags,
        project=spec.project,
        opts=build.opts(
            protect=disk.protect,
            retain_on_delete=disk.retain_on_delete,
            aliases=[pulumi.Alias(name=old)] if old else None,
        ),
    )


def instance(build: VmBuild, interface: dict, disks: list[dict], admin: WindowsAdmin | None) -> gcp.compute.Instance:
    """The instance: the spec's boot disk and image, shielded where the image supports it, scheduling
    for spot or GPUs, tagged for its firewall rules, stopped for the updates that need it."""
    spec, labels = build.spec, build.tags
    vm = gcp.compute.Instance(
        f"{spec.name}-vm",
        name=spec.name,
        machine_type=spec.instance_type,
        zone=spec.zone,
        project=spec.project,
        boot_disk=boot_disk(spec, labels),
        attached_disks=disks,
        network_interfaces=[interface],
        metadata=_metadata(spec, admin.script if admin else None),
        service_account=admin.service_account if admin else None,
        tags=[network_tag(spec.name)],
        labels=labels,
        shielded_instance_config=shielded_instance_config(spec),
        scheduling=scheduling(spec),
        allow_stopping_for_update=rules.ALLOW_STOPPING_FOR_UPDATE,
        opts=vm_opts(
            build.parent,
            spec,
            image_property="bootDisk.initializeParams.image",
            secret_property="metadata",
            fixed_name=True,
            replace_on_changes=[f'metadata["{key}"]' for key in rules.REPLACE_ON_METADATA],
            creation_only=rules.CREATION_ONLY,
            replace_with=[admin.password_store] if admin else None,
            depends_on=admin.depends_on if admin else None,
        ),
    )
    return build.add("instance", vm)


def boot_disk(spec: VmSpec, labels: dict) -> dict:
    """The boot disk, created from the image and deleted with the instance."""
    return {
        "auto_delete": True,
        "initialize_params": {
            "image": image_path(spec),
            "size": spec.disk_size_gib,
            "type": spec.os_disk_sent,
            "labels": labels,
        },
    }


def image_path(spec: VmSpec) -> str:
    return gcp_image_path(spec.image.native)


def shielded_instance_config(spec: VmSpec) -> dict | None:
    """Secure Boot (where the image supports it), vTPM and integrity monitoring on a Shielded VM image;
    none for an image of unknown support."""
    if not spec.image.shielded_vm:
        return None
    return {"enable_secure_boot": spec.image.secure_boot, "enable_vtpm": True, "enable_integrity_monitoring": True}


def scheduling(spec: VmSpec) -> dict:
    if spec.spot:
        return {
            "provisioning_model": "SPOT",
            "preemptible": True,
            "automatic_restart": False,
            "on_host_maintenance": "TERMINATE",
            "instance_termination_action": "STOP",
        }
    return {
        "provisioning_model": "STANDARD",
        "automatic_restart": True,
        "on_host_maintenance": "MIGRATE"
        if live_migrates(spec.offering.instance_type, spec.offering.gpu_name)
        else "TERMINATE",
    }


def live_migrates(machine_type: str, gpu_name: str | None) -> bool:
    """Whether Compute Engine can live-migrate the VM: "Some machine types don't support live migration,
    such as bare metal instances or VMs with GPUs attached. These instances terminate during host events"
    (https://cloud.google.com/compute/docs/instances/host-maintenance-overview); it refuses MIGRATE for them."""
    return not gpu_name and not machine_type.endswith("-metal")


def _metadata(spec: VmSpec, admin_script: pulumi.Output[str] | None = None) -> dict:
    metadata: dict = {"block-project-ssh-keys": "TRUE"}
    if spec.ssh_public_key:
        metadata["ssh-keys"] = f"{spec.admin_username}:{spec.ssh_public_key}"
    if spec.user_data is not None:
        metadata[rules.user_data_key(spec)] = secret(spec.user_data)
    if admin_script is not None:
        metadata["sysprep-specialize-script-ps1"] = admin_script
    return metadata


def outputs(build: VmBuild, instance: gcp.compute.Instance) -> NativeVm:
    spec = build.spec
    return NativeVm(
        vm_id=instance.instance_id,
        private_ip=instance.network_interfaces.apply(lambda nics: nics[0].network_ip if nics else None),
        public_ip=instance.network_interfaces.apply(first_nat_ip) if spec.public_ip else None,
        image=pulumi.Output.from_input(image_path(spec)),
        zone=pulumi.Output.from_input(spec.zone),
        resources=build.resources,
    )


def first_nat_ip(interfaces) -> str | None:
    for interface in interfaces or []:
        for access_config in interface.access_configs or []:
            if access_config.nat_ip:
                return access_config.nat_ip
    return None


def provision_network(spec: NetworkSpec, parent: pulumi.ComponentResource) -> NativeNetwork:
    """One custom-mode VPC network and, per region, a subnetwork on Google's auto-mode range for it
    (ranges never overlap, and adding a region never moves another's)."""
    net = gcp.compute.Network(
        f"{spec.name}-net",
        auto_create_subnetworks=False,
        description=f"{spec.name}: managed by multicloud-vm",
        project=spec.project,
        opts=child_opts(parent),
    )
    subnets, resources = {}, {"network": net}
    for region in spec.regions:
        subnet = gcp.compute.Subnetwork(
            f"{spec.name}-subnet-{region}",
            network=net.id,
            region=region,
            ip_cidr_range=gcp_subnet_cidr(region),
            private_ip_google_access=True,
            project=spec.project,
            opts=child_opts(parent),
        )
        subnets[region] = subnet.id
        resources[f"subnetwork_{region}"] = subnet
    return NativeNetwork(network_ids=dict.fromkeys(spec.regions, net.id), subnet_ids=subnets, resources=resources)
