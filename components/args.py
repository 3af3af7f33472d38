"""The component's input types, Pulumi's TypedDict style (no Union or Literal, so the component can
later be hosted for other Pulumi languages). Pure typing: importable without Pulumi."""

from __future__ import annotations

from typing import Required, TypedDict


class IngressRuleArgs(TypedDict, total=False):
    """One inbound rule. Give ``port`` or ``from_port``/``to_port`` (not for icmp)."""

    port: int
    from_port: int
    to_port: int
    protocol: str
    """``tcp`` (default), ``udp`` or ``icmp``."""
    sources: Required[list[str]]
    """CIDRs allowed in. Required: nothing is opened to the world unless asked (``0.0.0.0/0``)."""
    description: str


class DataDiskArgs(TypedDict, total=False):
    size_gib: Required[int]
    disk_type: str
    """``ssd`` (default) or ``standard``."""


class VirtualMachineArgs(TypedDict, total=False):
    cloud: Required[str]
    """``aws``, ``azure`` or ``gcp``."""
    region: str
    """Default: the provider's config (``aws:region``, ``azure-native:location``, ``gcp:region``)."""
    zone: str
    """AWS ``us-east-1a``; Azure ``1``/``2``/``3``; GCP ``europe-west1-b`` (default ``gcp:zone``
    or the region's first zone)."""
    cpus: int
    """Minimum vCPUs (default 2)."""
    memory_gib: float
    """Minimum memory in GiB (default 4)."""
    arch: str
    """``x86_64`` (default) or ``arm64``."""
    burstable: bool
    """Allow burstable families (AWS t*, Azure B*, GCP e2 shared-core, f1, g1). Default True."""
    instance_type: str
    """A native size (``m7g.large``, ``Standard_D2as_v5``, ``n2-standard-2``); wins over cpus/memory."""
    image: str
    """An alias (``ubuntu-24.04`` default, ``ubuntu-22.04``, ``debian-12``, ``rhel-9``,
    ``windows-2022``) or a native id (AMI id, Azure URN, GCP image path or family)."""
    os_type: str
    """``linux`` or ``windows``: needed only for a native image id that is Windows."""
    replace_on_image_change: bool
    """Replace the VM when the image behind it changes. Default False: a newer image behind an alias
    never replaces a running VM."""
    disk_size_gib: int
    """OS disk size (default 30, or the image's minimum when larger)."""
    disk_type: str
    """``ssd`` (default) or ``standard``."""
    data_disks: list[DataDiskArgs]
    admin_username: str
    ssh_public_key: str
    admin_password: str
    """Windows only; kept secret in state. A ``pulumi.Output`` is accepted too."""
    user_data: str
    """cloud-init (Linux) or a startup script; kept secret in state. A ``pulumi.Output`` is accepted."""
    ingress: list[IngressRuleArgs]
    public_ip: bool
    spot: bool
    network: object
    """A ``Network`` to join (shared by many VMs). Without ``network`` or ``subnet_id`` the VM gets
    a network of its own, which spends one of the cloud's per-region network quota."""
    subnet_id: str
    """Attach to an existing subnet (AWS ``subnet-…``, Azure subnet resource id, GCP subnetwork
    ``projects/P/regions/R/subnetworks/S``) instead of creating a network."""
    tags: dict[str, str]
    resource_group_name: str
    """Azure: an existing resource group to use instead of creating one."""
    project: str
    """GCP project (default: the provider's ``gcp:project``)."""


class NetworkArgs(TypedDict, total=False):
    """A network many VMs share: AWS a VPC per region (internet gateway, route table, a subnet per
    zone), Azure a virtual network per region, GCP one VPC network with a subnetwork per region."""

    cloud: Required[str]
    """``aws``, ``azure`` or ``gcp``."""
    regions: list[str]
    """Regions the network spans. Default: the provider's region (``aws:region``,
    ``azure-native:location``, ``gcp:region``)."""
    zones: list[str]
    """AWS only: the AZ IDs (``use1-az4``) that get a subnet. Default: every zone of each region."""
    cidr: str
    """AWS and Azure: the private IPv4 block (/16 to /24, default ``10.42.0.0/16``). GCP subnets take
    Google's auto-mode range of each region."""
    project: str
    """GCP project (default: the provider's ``gcp:project``)."""
    resource_group_name: str
    """Azure: an existing resource group (default: one per region, created by the network)."""
    tags: dict[str, str]
