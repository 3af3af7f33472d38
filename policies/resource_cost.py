"""What each resource a preview registers costs a month, from its raw properties, with the same
pricing function as ``plan`` (``components/pricing.py``), so the stack budget agrees with ``plan``
and the pull-request cost comment to the cent.

Single VM resources: the OS disk, inline data disks and an inline public IPv4 (AWS
``associatePublicIpAddress``, GCP ``accessConfigs``), beside the compute and licence that
``policies/pricing.py`` prices; separate disk resources (EBS volumes, GCP disks, Azure disks) and
Azure public IP addresses are priced on their own. A value not known during preview
(or absent where the cloud's default is unknown to the pack, e.g. an AMI's root volume size) makes
that part unpriced: named, and the total a lower bound. Works on the plain props that
``rules.plain`` makes (unknowns are anything that is not the expected type).
"""

from __future__ import annotations

from typing import Any

from components.pricing import Part, admin_password_store_part, disk_part, interface_endpoint_part, public_ip_part

AWS_DEFAULT_VOLUME_TYPE = "gp2"  # EBS CreateVolume's default type


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _list(value: Any) -> list:
    """A list property as a list; anything else (a value the provider would refuse) as none."""
    return value if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _disk(size: Any, native_type: Any) -> tuple[float, str] | None:
    size = _number(size)
    return (size, native_type) if size is not None and isinstance(native_type, str) and native_type else None


def _unpriced(name: str, why: str) -> Part:
    return Part(name, None, why)


def _gcp_disk_type(value: Any) -> Any:
    return value.rsplit("/", 1)[-1] if isinstance(value, str) else value


def vm_extra_parts(cloud: str, resource_type: str, props: dict, region: str, spot: bool, cat=None) -> list[Part]:
    """What a single VM resource costs beside its compute and licence (priced by ``pricing``): the OS
    disk, inline data disks and an inline public IPv4, with ``plan``'s pricing function."""
    cat = cat or _catalog(cloud)
    disks: list[tuple[str, tuple[float, str] | None]] = []
    public_ip = False
    if resource_type == "aws:ec2/instance:Instance":
        root = props.get("rootBlockDevice")
        disks.append(("OS disk", _disk(_get(root, "volumeSize"), _get(root, "volumeType") or AWS_DEFAULT_VOLUME_TYPE)))
        for i, device in enumerate(_list(props.get("ebsBlockDevices")), 1):
            disks.append((f"data disk {i}", _disk(_get(device, "volumeSize"), _get(device, "volumeType") or "gp2")))
        public_ip = props.get("associatePublicIpAddress") is True
    elif resource_type == "azure-native:compute:VirtualMachine":
        os_disk = _get(props, "storageProfile", "osDisk")
        disks.append(
            ("OS disk", _disk(_get(os_disk, "diskSizeGB"), _get(os_disk, "managedDisk", "storageAccountType")))
        )
        inline = [d for d in _list(_get(props, "storageProfile", "dataDisks")) if _get(d, "createOption") != "Attach"]
        for i, disk in enumerate(inline, 1):  # an attached disk is a compute.Disk, priced as that resource
            disks.append(
                (f"data disk {i}", _disk(_get(disk, "diskSizeGB"), _get(disk, "managedDisk", "storageAccountType")))
            )
    elif resource_type == "gcp:compute/instance:Instance":
        params = _get(props, "bootDisk", "initializeParams")
        disks.append(("OS disk", _disk(_get(params, "size"), _gcp_disk_type(_get(params, "type")))))
        public_ip = any(_get(nic, "accessConfigs") for nic in _list(props.get("networkInterfaces")))
    else:
        return []
    parts = [
        disk_part(name, cloud, region, disk[0], disk[1], cat) if disk else _unpriced(name, "size or type not known")
        for name, disk in disks
    ]
    if public_ip:
        parts.append(public_ip_part(region, spot, cat))
    return parts


def _catalog(cloud: str):
    from components import catalog

    return catalog.load(cloud)


# Priced the same wherever they are: a GCP secret version with automatic replication (one location).
PRICED_WITHOUT_REGION = frozenset(["gcp:secretmanager/secretVersion:SecretVersion"])


def other_resource_cost(resource_type: str, props: dict, region: str) -> Part | None:
    """A disk or public IP resource's cost; None for resources that cost nothing here."""
    if resource_type == "aws:ebs/volume:Volume":
        disk = _disk(props.get("size"), props.get("type") or AWS_DEFAULT_VOLUME_TYPE)
        cloud = "aws"
    elif resource_type == "gcp:compute/disk:Disk":
        disk = _disk(props.get("size"), _gcp_disk_type(props.get("type") or "pd-standard"))
        cloud = "gcp"
    elif resource_type == "azure-native:compute:Disk":
        disk = _disk(props.get("diskSizeGB"), _get(props, "sku", "name") or "Standard_LRS")
        cloud = "azure"
    elif resource_type == "azure-native:network:PublicIPAddress":
        return public_ip_part(region, False, _catalog("azure"))
    elif resource_type == "gcp:secretmanager/secretVersion:SecretVersion":
        return admin_password_store_part("gcp")  # one active version, billed as one location
    elif resource_type == "aws:ec2/vpcEndpoint:VpcEndpoint" and props.get("vpcEndpointType") == "Interface":
        subnets = props.get("subnetIds")
        zones = len(subnets) if isinstance(subnets, list) else 1
        return interface_endpoint_part(region, _catalog("aws"), zones, "endpoint")
    else:
        return None
    if disk is None:
        return _unpriced("disk", "size or type not known")
    return disk_part("disk", cloud, region, disk[0], disk[1], _catalog(cloud))
