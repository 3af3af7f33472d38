"""What each resource a preview registers costs a month, from its raw properties, with the same
pricing function as ``plan`` (``components/pricing.py``), so the stack budget agrees with ``plan``
and the pull-request cost comment to the cent.

VM resources: compute + Windows licence + OS disk + inline data disks + an inline public IPv4 (AWS
``associatePublicIpAddress``, GCP ``accessConfigs``); separate disk resources (EBS volumes, GCP disks,
Azure disks) and Azure public IP addresses are priced on their own. A value not known during preview
(or absent where the cloud's default is unknown to the pack, e.g. an AMI's root volume size) makes
that part unpriced: named, and the total a lower bound. Works on the plain props that
``rules.plain`` makes (unknowns are anything that is not the expected type).
"""

from __future__ import annotations

from typing import Any

from components.pricing import Part, VmCost, disk_part, public_ip_part, vm_cost

VM_TYPES = (
    "aws:ec2/instance:Instance",
    "azure-native:compute:VirtualMachine",
    "gcp:compute/instance:Instance",
)
AWS_DEFAULT_VOLUME_TYPE = "gp2"  # EBS CreateVolume's default type


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _disk(size: Any, native_type: Any) -> tuple[float, str] | None:
    size = _number(size)
    return (size, native_type) if size is not None and isinstance(native_type, str) and native_type else None


def _unpriced(name: str, why: str) -> Part:
    return Part(name, None, why)


def _with_disks(cost: VmCost, disks: list[tuple[str, tuple[float, str] | None]], cloud, region, cat) -> VmCost:
    parts = list(cost.parts)
    for name, disk in disks:
        if disk is None:
            parts.append(_unpriced(name, "size or type not known"))
        else:
            parts.append(disk_part(name, cloud, region, disk[0], disk[1], cat))
    return VmCost(tuple(parts))


def _aws_windows(props: dict) -> bool:
    """The pack cannot see an AMI's platform; the component's Windows user data is a PowerShell
    script, and ``getPasswordData`` is Windows-only."""
    user_data = props.get("userData")
    text = user_data.lstrip() if isinstance(user_data, str) else ""
    return text.startswith(("<powershell>", "<script>")) or props.get("getPasswordData") is True


def _azure_windows(props: dict) -> bool:
    os_type = _get(props, "storageProfile", "osDisk", "osType")
    publisher = _get(props, "storageProfile", "imageReference", "publisher")
    return (
        _get(props, "osProfile", "windowsConfiguration") is not None
        or (isinstance(os_type, str) and os_type.lower() == "windows")
        or (isinstance(publisher, str) and "windows" in publisher.lower())
    )


def _gcp_disk_type(value: Any) -> Any:
    return value.rsplit("/", 1)[-1] if isinstance(value, str) else value


def vm_resource_cost(cloud: str, resource_type: str, props: dict, region: str, size: str, spot: bool, cat=None):
    """A VM resource's cost (size, region and spot as the pack derives them)."""
    disks: list[tuple[str, tuple[float, str] | None]] = []
    if resource_type == "aws:ec2/instance:Instance":
        os_type = "windows" if _aws_windows(props) else "linux"
        root = props.get("rootBlockDevice")
        root_type = _get(root, "volumeType") or AWS_DEFAULT_VOLUME_TYPE
        disks.append(("OS disk", _disk(_get(root, "volumeSize"), root_type)))
        for i, device in enumerate(props.get("ebsBlockDevices") or [], 1):
            disks.append((f"data disk {i}", _disk(_get(device, "volumeSize"), _get(device, "volumeType") or "gp2")))
        public_ip = props.get("associatePublicIpAddress") is True
    elif resource_type == "azure-native:compute:VirtualMachine":
        os_type = "windows" if _azure_windows(props) else "linux"
        os_disk = _get(props, "storageProfile", "osDisk")
        disks.append(
            ("OS disk", _disk(_get(os_disk, "diskSizeGB"), _get(os_disk, "managedDisk", "storageAccountType")))
        )
        for i, disk in enumerate(_get(props, "storageProfile", "dataDisks") or [], 1):
            disks.append(
                (f"data disk {i}", _disk(_get(disk, "diskSizeGB"), _get(disk, "managedDisk", "storageAccountType")))
            )
        public_ip = False  # a separate PublicIPAddress resource
    else:
        params = _get(props, "bootDisk", "initializeParams")
        image = _get(params, "image")
        os_type = "windows" if isinstance(image, str) and "windows" in image.lower() else "linux"
        disks.append(("OS disk", _disk(_get(params, "size"), _gcp_disk_type(_get(params, "type")))))
        public_ip = any(_get(nic, "accessConfigs") for nic in props.get("networkInterfaces") or [])
    cost = vm_cost(cloud, region, size, spot=spot, os_type=os_type, public_ip=public_ip, catalog=cat)
    return _with_disks(cost, disks, cloud, region, cat or _catalog(cloud))


def _catalog(cloud: str):
    from components import catalog

    return catalog.load(cloud)


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
    else:
        return None
    if disk is None:
        return _unpriced("disk", "size or type not known")
    return disk_part("disk", cloud, region, disk[0], disk[1], _catalog(cloud))
