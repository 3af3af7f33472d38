"""GCP: firewall rules scoped to this VM's network tag, optional external IP and a Compute Engine
instance, in a shared network (``network``), an existing subnetwork (``subnet_id``) or a dedicated
network; and the shared network itself (one VPC network, a subnetwork per region)."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from ..cloud_rules import gcp as rules
from ..images import gcp_image_path
from ..spec import IngressRule, VmSpec
from ..spec.network import NetworkSpec, gcp_subnet_cidr
from ..user_data import gcp_windows_admin_script
from .base import (
    SUBNET_CIDR,
    NativeNetwork,
    NativeVm,
    child_opts,
    first_boot_version,
    ingress_description,
    secret,
    vm_opts,
)


def network_tag(name: str) -> str:
    return f"{name}-vm"[:63]


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


def scheduling(spec: VmSpec) -> dict:
    if spec.spot:
        return {
            "provisioning_model": "SPOT",
            "preemptible": True,
            "automatic_restart": False,
            "on_host_maintenance": "TERMINATE",
            "instance_termination_action": "STOP",
        }
    # VMs with GPUs cannot live-migrate.
    return {
        "provisioning_model": "STANDARD",
        "automatic_restart": True,
        "on_host_maintenance": "TERMINATE" if spec.offering.gpu_name else "MIGRATE",
    }


def image_path(spec: VmSpec) -> str:
    return gcp_image_path(spec.image.native)


def _metadata(spec: VmSpec, admin_script: pulumi.Output[str] | None = None) -> dict:
    metadata: dict = {"block-project-ssh-keys": "TRUE"}
    if spec.ssh_public_key:
        metadata["ssh-keys"] = f"{spec.admin_username}:{spec.ssh_public_key}"
    if spec.user_data is not None:
        metadata[rules.user_data_key(spec)] = secret(spec.user_data)
    if admin_script is not None:
        metadata["sysprep-specialize-script-ps1"] = admin_script
    return metadata


def _windows_admin(spec: VmSpec, parent, labels: dict, resources: dict) -> tuple:
    """The admin password as a Secret Manager secret version (write-only input), a service account for
    this VM alone with secretAccessor on that one secret, and the specialize script that reads it: the
    script, the instance's service account, the version the VM is replaced with, what it waits for."""
    name, project = spec.name, spec.project
    store = gcp.secretmanager.Secret(
        f"{name}-admin-password",
        secret_id=rules.admin_password_secret_id(spec),
        replication={"auto": {}},
        labels=labels,
        project=project,
        opts=child_opts(parent),
    )
    version = gcp.secretmanager.SecretVersion(
        f"{name}-admin-password-version",
        secret=store.id,
        secret_data_wo=pulumi.Output.secret(spec.admin_password),
        # ForceNew: a new version (and, by replace_with, a new VM whose first boot applies it).
        secret_data_wo_version=first_boot_version(spec.admin_password, spec.admin_username).apply(str),
        opts=child_opts(parent),
    )
    account = gcp.serviceaccount.Account(
        f"{name}-admin-reader",
        account_id=rules.admin_service_account_id(spec),
        display_name=f"{name}: reads its own admin password (multicloud-vm)"[:100],
        project=project,
        opts=child_opts(parent),
    )
    reader = gcp.secretmanager.SecretIamMember(
        f"{name}-admin-password-reader",
        secret_id=store.id,
        role=rules.SECRET_ACCESSOR_ROLE,
        member=account.email.apply(lambda email: f"serviceAccount:{email}"),
        project=project,
        opts=child_opts(parent),
    )
    resources.update(
        admin_password=store, admin_password_version=version, service_account=account, admin_password_reader=reader
    )
    script = store.name.apply(lambda path: gcp_windows_admin_script(spec.admin_username, path))
    service_account = {"email": account.email, "scopes": [rules.CLOUD_PLATFORM_SCOPE]}
    return script, service_account, version, [version, reader]


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


def _data_disk(spec: VmSpec, disk, labels: dict, parent) -> gcp.compute.Disk:
    """A persistent disk of its own in the VM's zone, its type the one kept for it (``disk.sent_type``)."""
    old = disk.resource_name(spec.name, disk.renamed_from) if disk.renamed_from else None
    return gcp.compute.Disk(
        disk.resource_name(spec.name),
        zone=spec.zone,
        size=disk.size_gib,
        type=disk.sent_type,
        labels=labels,
        project=spec.project,
        opts=child_opts(
            parent,
            protect=disk.protect,
            retain_on_delete=disk.retain_on_delete,
            aliases=[pulumi.Alias(name=old)] if old else None,
        ),
    )


def provision(spec: VmSpec, parent: pulumi.ComponentResource, network: NativeNetwork | None = None) -> NativeVm:
    name, region, project = spec.name, spec.region, spec.project
    labels = dict(spec.tags)
    resources: dict[str, pulumi.Resource] = {}

    if network is not None:
        subnetwork: pulumi.Input[str] = network.subnet_ids[region]
        network_id: pulumi.Input[str] = network.network_ids[region]
    elif spec.subnet_id:
        subnetwork: pulumi.Input[str] = spec.subnet_id
        network_id = gcp.compute.get_subnetwork_output(
            self_link=rules.full_subnetwork_link(spec.subnet_id), opts=pulumi.InvokeOutputOptions(parent=parent)
        ).network
    else:
        net = gcp.compute.Network(
            f"{name}-net", auto_create_subnetworks=False, project=project, opts=child_opts(parent)
        )
        subnet = gcp.compute.Subnetwork(
            f"{name}-subnet",
            network=net.id,
            region=region,
            ip_cidr_range=SUBNET_CIDR,
            private_ip_google_access=True,
            project=project,
            opts=child_opts(parent),
        )
        resources.update(network=net, subnetwork=subnet)
        subnetwork, network_id = subnet.id, net.id

    for firewall_name, firewall_args in firewall_rules(name, spec.ingress):
        resources[firewall_name.removeprefix(f"{name}-")] = gcp.compute.Firewall(
            firewall_name, network=network_id, project=project, **firewall_args, opts=child_opts(parent)
        )

    attached_disks = []
    for disk in sorted(spec.data_disks, key=lambda d: d.slot):
        data_disk = _data_disk(spec, disk, labels, parent)
        resources[f"data_disk_{disk.key}"] = data_disk
        # No auto_delete on attached disks: the API's default (false) keeps them when the instance goes
        # (cloud_rules.gcp.ATTACHED_DISKS).
        attached_disks.append({"source": data_disk.id, "device_name": disk.device_name})

    admin_script, service_account, password_version, admin_deps = (
        _windows_admin(spec, parent, labels, resources) if spec.is_windows else (None, None, None, None)
    )
    network_interface: dict = {"subnetwork": subnetwork}
    if spec.public_ip:
        network_interface["access_configs"] = [{"network_tier": "PREMIUM"}]

    instance = gcp.compute.Instance(
        f"{name}-vm",
        name=name,
        machine_type=spec.instance_type,
        zone=spec.zone,
        project=project,
        boot_disk={
            "auto_delete": True,
            "initialize_params": {
                "image": image_path(spec),
                "size": spec.disk_size_gib,
                "type": spec.os_disk_sent,
                "labels": labels,
            },
        },
        attached_disks=attached_disks,
        network_interfaces=[network_interface],
        metadata=_metadata(spec, admin_script),
        service_account=service_account,
        tags=[network_tag(name)],
        labels=labels,
        shielded_instance_config=(
            {"enable_secure_boot": spec.image.secure_boot, "enable_vtpm": True, "enable_integrity_monitoring": True}
            if spec.image.shielded_vm
            else None
        ),
        scheduling=scheduling(spec),
        allow_stopping_for_update=rules.ALLOW_STOPPING_FOR_UPDATE,
        opts=vm_opts(
            parent,
            spec,
            image_property="bootDisk.initializeParams.image",
            secret_property="metadata",
            fixed_name=True,
            replace_on_changes=[f'metadata["{key}"]' for key in rules.REPLACE_ON_METADATA],
            creation_only=rules.CREATION_ONLY,
            replace_with=[password_version] if password_version else None,
            depends_on=admin_deps,
        ),
    )
    resources["instance"] = instance

    public_ip = None
    if spec.public_ip:
        public_ip = instance.network_interfaces.apply(first_nat_ip)
    return NativeVm(
        vm_id=instance.instance_id,
        private_ip=instance.network_interfaces.apply(lambda nics: nics[0].network_ip if nics else None),
        public_ip=public_ip,
        image=pulumi.Output.from_input(image_path(spec)),
        zone=pulumi.Output.from_input(spec.zone),
        resources=resources,
    )
