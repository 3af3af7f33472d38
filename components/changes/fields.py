"""Which of the component's fields an input of a native resource comes from (the adapters in
``components/clouds`` decide it): so a change can be told in the user's words, ``user_data`` rather
than ``userData``. Where one input carries several fields (AWS user data holds the admin user's SSH
key too) all are named, the one that usually causes it first; a plan that knows which fields changed
narrows them down.
"""

from __future__ import annotations

from ..property_paths import overlaps, parse_path

# The fields a plan row digests, to tell which of several candidates changed (see field_digests).
FIELDS = (
    "image", "instance_type", "user_data", "ssh_public_key", "admin_username", "admin_password", "zone",
    "region", "network", "resource_group_name", "project", "spot", "disk_type", "disk_size_gib", "data_disks", "ingress", "public_ip", "tags", "name",
)  # fmt: skip
BOOT = ("user_data", "ssh_public_key", "admin_username", "admin_password")
FIRST_BOOT = ("admin_password", "admin_username", "user_data")

_AWS_NETWORK = (
    ("cidrBlock", ("network",)),
    ("availabilityZone", ("zone",)),
    ("availabilityZoneId", ("zone",)),
    ("region", ("region",)),
)
_TAGS = (("tags", ("tags",)), ("labels", ("tags",)))
# An Azure resource's group is part of its id: set by resource_group_name, else the network's (a shared
# network's group is per region; network: dedicated and subnet_id: the VM's own).
_AZURE_GROUP = ("resourceGroupName", ("resource_group_name", "network", "region"))
# A GCP resource's project is part of its id.
_GCP_PROJECT = ("project", ("project",))

BY_PATH: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "aws:ec2/instance:Instance": (
        ("ami", ("image",)),
        ("instanceType", ("instance_type",)),
        ("creditSpecification", ("instance_type",)),
        ("userData", BOOT),
        ("keyName", ("ssh_public_key",)),
        ("subnetId", ("zone", "network")),
        ("availabilityZone", ("zone",)),
        ("associatePublicIpAddress", ("public_ip",)),
        ("instanceMarketOptions", ("spot",)),
        ("rootBlockDevice.volumeSize", ("disk_size_gib",)),
        ("rootBlockDevice.volumeType", ("disk_type",)),
        ("vpcSecurityGroupIds", ("ingress", "network")),
        ("region", ("region",)),
        ("iamInstanceProfile", ("admin_password",)),
        *_TAGS,
        ("volumeTags", ("tags",)),
    ),
    "aws:ebs/volume:Volume": (
        ("size", ("data_disks",)),
        ("type", ("data_disks",)),
        ("availabilityZone", ("zone",)),
        ("region", ("region",)),
        *_TAGS,
    ),
    "aws:ec2/volumeAttachment:VolumeAttachment": (("deviceName", ("data_disks",)),),
    "aws:ec2/keyPair:KeyPair": (("publicKey", ("ssh_public_key",)), ("region", ("region",)), *_TAGS),
    "aws:ec2/securityGroup:SecurityGroup": (
        ("ingress", ("ingress",)),
        ("vpcId", ("network",)),
        ("region", ("region",)),
        *_TAGS,
    ),
    # A Windows VM's admin password store; its version covers what the first boot applies.
    "aws:ssm/parameter:Parameter": (("valueWo", ("admin_password",)), ("valueWoVersion", FIRST_BOOT), *_TAGS),
    "aws:ec2/vpc:Vpc": (*_AWS_NETWORK, *_TAGS),
    "aws:ec2/subnet:Subnet": (*_AWS_NETWORK, ("vpcId", ("network",)), *_TAGS),
    "azure-native:compute:VirtualMachine": (
        ("vmName", ("name",)),
        ("hardwareProfile", ("instance_type",)),
        ("osProfile.customData", ("user_data",)),
        ("osProfile.adminUsername", ("admin_username",)),
        ("osProfile.adminPassword", ("admin_password",)),
        ("osProfile.linuxConfiguration.ssh", ("ssh_public_key", "admin_username")),
        ("osProfile.computerName", ("name",)),
        ("osProfile", BOOT),
        ("storageProfile.imageReference", ("image",)),
        ("storageProfile.osDisk.diskSizeGB", ("disk_size_gib",)),
        ("storageProfile.osDisk.managedDisk", ("disk_type", "instance_type")),
        ("storageProfile.dataDisks", ("data_disks", "instance_type")),
        ("zones", ("zone",)),
        ("location", ("region",)),
        ("priority", ("spot",)),
        ("evictionPolicy", ("spot",)),
        ("billingProfile", ("spot",)),
        ("networkProfile", ("network", "public_ip")),
        _AZURE_GROUP,
        *_TAGS,
    ),
    "azure-native:compute:Disk": (
        ("diskSizeGB", ("data_disks",)),
        ("sku", ("data_disks", "instance_type")),
        ("zones", ("zone",)),
        ("location", ("region",)),
        _AZURE_GROUP,
        *_TAGS,
    ),
    "azure-native:compute:VirtualMachineExtension": (("protectedSettings", ("user_data",)), _AZURE_GROUP, *_TAGS),
    "azure-native:network:NetworkSecurityGroup": (
        ("securityRules", ("ingress",)),
        ("location", ("region",)),
        _AZURE_GROUP,
        *_TAGS,
    ),
    "azure-native:network:NetworkInterface": (
        ("ipConfigurations", ("public_ip", "network")),
        ("networkSecurityGroup", ("ingress",)),
        ("location", ("region",)),
        _AZURE_GROUP,
        *_TAGS,
    ),
    "azure-native:network:PublicIPAddress": (("zones", ("zone",)), ("location", ("region",)), _AZURE_GROUP, *_TAGS),
    "gcp:compute/instance:Instance": (
        ("name", ("name",)),
        ("machineType", ("instance_type",)),
        ('metadata["user-data"]', ("user_data",)),
        ('metadata["startup-script"]', ("user_data",)),
        ('metadata["windows-startup-script-ps1"]', ("user_data",)),
        ('metadata["ssh-keys"]', ("ssh_public_key", "admin_username")),
        ('metadata["sysprep-specialize-script-ps1"]', ("admin_password", "admin_username")),
        ("metadata", BOOT),
        ("bootDisk.initializeParams.image", ("image",)),
        ("bootDisk.initializeParams.size", ("disk_size_gib",)),
        ("bootDisk.initializeParams.type", ("disk_type", "instance_type")),
        ("bootDisk.initializeParams.labels", ("tags",)),
        ("shieldedInstanceConfig", ("image",)),
        ("zone", ("zone",)),
        ("scheduling", ("spot", "instance_type")),
        ("networkInterfaces[*].accessConfigs", ("public_ip",)),
        ("networkInterfaces", ("network", "zone")),
        ("attachedDisks", ("data_disks",)),
        ("serviceAccount", ("admin_password",)),
        _GCP_PROJECT,
        *_TAGS,
    ),
    "gcp:secretmanager/secretVersion:SecretVersion": (
        ("secretDataWo", ("admin_password",)),
        ("secretDataWoVersion", FIRST_BOOT),
    ),
    "gcp:compute/disk:Disk": (
        ("size", ("data_disks",)),
        ("type", ("data_disks", "instance_type")),
        ("zone", ("zone",)),
        _GCP_PROJECT,
        *_TAGS,
    ),
    "gcp:compute/firewall:Firewall": (
        ("network", ("network",)),
        ("direction", ("ingress",)),
        _GCP_PROJECT,
        ("", ("ingress",)),
    ),
}
# A resource of these types created or deleted: the field that adds or removes it.
WHOLE: dict[str, tuple[str, ...]] = {
    "aws:ebs/volume:Volume": ("data_disks",),
    "aws:ec2/volumeAttachment:VolumeAttachment": ("data_disks",),
    "aws:ec2/keyPair:KeyPair": ("ssh_public_key",),
    "aws:ec2/internetGateway:InternetGateway": ("public_ip",),
    "aws:ec2/routeTable:RouteTable": ("public_ip",),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ("public_ip",),
    "azure-native:compute:Disk": ("data_disks",),
    "azure-native:compute:VirtualMachineExtension": ("user_data",),
    "azure-native:network:PublicIPAddress": ("public_ip",),
    "gcp:compute/disk:Disk": ("data_disks",),
    "gcp:compute/firewall:Firewall": ("ingress",),
    # A Windows VM's password store and who may read it (added with a Windows image).
    "aws:ssm/parameter:Parameter": ("admin_password",),
    "aws:iam/role:Role": ("admin_password",),
    "aws:iam/rolePolicy:RolePolicy": ("admin_password",),
    "aws:iam/instanceProfile:InstanceProfile": ("admin_password",),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("admin_password",),
    "gcp:secretmanager/secret:Secret": ("admin_password",),
    "gcp:secretmanager/secretVersion:SecretVersion": ("admin_password",),
    "gcp:secretmanager/secretIamMember:SecretIamMember": ("admin_password",),
    "gcp:serviceaccount/account:Account": ("admin_password",),
}
_PARSED = {
    type_: tuple((parse_path(path) if path else (), fields) for path, fields in entries)
    for type_, entries in BY_PATH.items()
}


def fields_of(type_token: str, path: str) -> tuple[str, ...]:
    """The component fields an input path of a resource type comes from; empty when none is known."""
    try:
        parsed = parse_path(path)
    except ValueError:
        return ()
    for pattern, fields in _PARSED.get(type_token, ()):
        if not pattern or overlaps(pattern, parsed):
            return fields
    return ()


def fields_of_resource(type_token: str) -> tuple[str, ...]:
    return WHOLE.get(type_token, ())
