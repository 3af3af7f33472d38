"""The components' input types, Pulumi's TypedDict style (no Union or Literal).

These annotations are the API in every language: the ``multicloud`` plugin (``components/hosting.py``)
infers its schema from them, each docstring becomes the input's description in the generated SDKs,
and a plain annotation (``str``, ``int``) is a plain input there, one a program must know before
deploying. Only ``admin_password`` and ``user_data`` take ``pulumi.Input`` (a generated password, a
rendered template). No ``from __future__ import annotations`` here: Pulumi's analyzer reads the
annotations without evaluating strings, and with string annotations Python 3.11 also loses the
``Required`` keys of a ``TypedDict``.
"""

from typing import Any, Required, TypedDict

import pulumi


class IngressRule(TypedDict, total=False):
    """One inbound rule. Give ``port`` or ``from_port``/``to_port`` (not for icmp)."""

    port: int
    """A single port, 1-65535."""
    from_port: int
    """First port of a range (with ``to_port``)."""
    to_port: int
    """Last port of a range (with ``from_port``)."""
    protocol: str
    """``tcp`` (default), ``udp`` or ``icmp``."""
    sources: Required[list[str]]
    """CIDRs allowed in. Required: nothing is opened to the world unless asked (``0.0.0.0/0``)."""
    description: str
    """Shown on the cloud's rule (default: protocol and ports)."""


class DataDisk(TypedDict, total=False):
    """A data disk: a disk resource of its own attached to the VM, which a replaced VM never takes with
    it. Give it a ``name``: that is its identity, so adding, removing or reordering other disks never
    touches it."""

    size_gib: Required[int]
    """Size in GiB (a disk can grow, never shrink)."""
    disk_type: str
    """``ssd`` (default) or ``standard``. Decided once: a resize never changes it."""
    name: str
    """Its identity: lowercase letters, digits and ``-``, starting with a letter. Its resources are
    ``<vm>-data-<name>`` and it keeps its slot (AWS device, Azure LUN) and GCP device name. Without a
    name a disk is identified by its position (``<vm>-data-0``), as before names existed."""
    renamed_from: str
    """The name it had before (or its index, ``"0"``, from before it had a name): its resources are
    renamed in place (an alias), never replaced."""
    lun: int
    """Pin its slot, 0-15: AWS device ``/dev/sdf`` + lun, Azure LUN. Default: the slot the stack's
    lock recorded, else the lowest free one."""
    protect: bool
    """Pulumi's ``protect`` on the disk: any operation that would delete it fails (default false)."""
    retain_on_delete: bool
    """Pulumi's ``retainOnDelete`` on the disk: removing it from the stack keeps it in the cloud
    (default false)."""


IngressRuleArgs = IngressRule
"""The Python name of an ingress rule (the schema names the type ``IngressRule``)."""
DataDiskArgs = DataDisk
"""The Python name of a data disk (the schema names the type ``DataDisk``)."""


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
    """Allow burstable families (AWS t*, Azure B*, GCP e2 shared-core, f1, g1); default true."""
    instance_type: str
    """A native size (``m7g.large``, ``Standard_D2as_v5``, ``n2-standard-2``); wins over cpus/memory."""
    image: str
    """An alias (``ubuntu-24.04`` default, ``ubuntu-22.04``, ``debian-12``, ``rhel-9``,
    ``windows-2022``) or a native id (AMI id, Azure URN, GCP image path or family)."""
    os_type: str
    """``linux`` or ``windows``: needed only for a native image id that is Windows."""
    replace_on_image_change: bool
    """Replace the VM when the image behind it changes. Default false: a newer image behind an alias
    never replaces a running VM."""
    disk_size_gib: int
    """OS disk size (default 30, or the image's minimum when larger)."""
    disk_type: str
    """``ssd`` (default) or ``standard``."""
    data_disks: list[DataDisk]
    """Data disks, at most 16 (default none); each a resource of its own that no edit of the VM
    replaces."""
    admin_username: str
    """Login user (AWS default: the image's login user, e.g. ``ubuntu``; elsewhere ``vmadmin``)."""
    ssh_public_key: str
    """An OpenSSH public key line: ed25519, or RSA of at least 2048 bits (GCP also takes ECDSA).
    Required for Linux on Azure."""
    admin_password: pulumi.Input[str]
    """Windows only (required there): 12-123 characters with 3 of lowercase, uppercase, digit,
    symbol, not containing the admin user name. Kept secret in state; a secret or a generated password
    (an output) is accepted."""
    user_data: pulumi.Input[str]
    """cloud-init (Linux) or a startup script; kept secret in state. An output (a rendered
    template) is accepted."""
    ingress: list[IngressRule]
    """Inbound rules from outside (default none)."""
    public_ip: bool
    """Give the VM a public IPv4 address (default false)."""
    spot: bool
    """Run as a spot VM: cheaper, and the cloud may stop it at any time (default false)."""
    network: Any
    """A shared ``Network`` of this package to join (Python: a ``Network`` object; other languages:
    the ``Network`` resource). Without ``network`` or ``subnet_id`` the VM gets a network of its
    own, which spends one of the cloud's per-region network quota."""
    subnet_id: str
    """Attach to an existing subnet (AWS ``subnet-…``, Azure subnet resource id, GCP subnetwork
    ``projects/P/regions/R/subnetworks/S``) instead of creating a network."""
    tags: dict[str, str]
    """Tags (AWS, Azure) or labels (GCP, made valid: lowercase, at most 63 characters)."""
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
    """Tags (AWS, Azure) or labels (GCP) on the network's resources."""
