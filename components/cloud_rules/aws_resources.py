"""What pulumi-aws does when an input changes, per resource type the component registers (or may).

pulumi-aws v7 bridges terraform-provider-aws v6: an attribute marked ``ForceNew`` in the resource's
schema replaces the resource, ``CustomizeDiff`` may force it case by case, anything else is an
update. Files are in hashicorp/terraform-provider-aws, ``internal/service/<service>/``. Since v6 every
regional resource takes a ``region`` argument that moves nothing: a change replaces it
(https://hashicorp.github.io/terraform-provider-aws/enhanced-region-support).
"""

from __future__ import annotations

from ..catalog import load
from .resource_rules import Rule, TypeRules, force_new, is_true, rules_for, shrinks, value_at

TF = "terraform-provider-aws internal/service"
REGION = Rule("region", "replace", "terraform-provider-aws v6 enhanced region support: region is ForceNew")
SHRINK_REFUSED = "EBS volumes cannot shrink: ModifyVolume refuses a smaller size"


def arch_changes(old: dict, new: dict) -> bool:
    """Whether the new instance type runs another CPU architecture (unknown types: no)."""
    region = value_at(new, "region") or value_at(old, "region")
    before, after = value_at(old, "instanceType"), value_at(new, "instanceType")
    if not (isinstance(before, str) and isinstance(after, str) and isinstance(region, str)):
        return False
    catalog = load("aws")
    offerings = [catalog.get(t, region) for t in (before, after)]
    return all(offerings) and offerings[0].arch != offerings[1].arch


INSTANCE = f"{TF}/ec2/ec2_instance.go resourceInstance()"
VPC_ENDPOINT = f"{TF}/ec2/vpc_endpoint.go resourceVPCEndpoint()"
_INSTANCE_FORCE_NEW = (
    "ami", "associatePublicIpAddress", "availabilityZone", "cpuOptions", "ebsBlockDevices", "ebsOptimized",
    "enclaveOptions", "ephemeralBlockDevices", "hibernation", "hostId", "instanceMarketOptions",
    "ipv6AddressCount", "ipv6Addresses", "keyName", "launchTemplate", "networkInterfaces", "placementGroup",
    "placementPartitionNumber", "privateDnsNameOptions", "privateIp", "rootBlockDevice.encrypted",
    "rootBlockDevice.kmsKeyId", "securityGroups", "subnetId", "tenancy",
)  # fmt: skip

TYPES = rules_for(
    [
        TypeRules(
            "aws:ec2/instance:Instance",
            INSTANCE,
            (
                *force_new(INSTANCE, *_INSTANCE_FORCE_NEW),
                REGION,
                Rule(
                    "instanceType",
                    "replace",
                    "hashicorp/terraform-provider-aws#36590: ForceNew when the new type's architecture differs",
                    when=arch_changes,
                ),
                Rule(
                    "instanceType",
                    "restart",
                    f"{INSTANCE} resourceInstanceUpdate: stop, ModifyInstanceAttribute, start",
                ),
                *(
                    Rule(
                        path,
                        "replace",
                        f"{INSTANCE}: CustomizeDiff ForceNewIf user_data_replace_on_change",
                        when=is_true("userDataReplaceOnChange"),
                    )
                    for path in ("userData", "userDataBase64")
                ),
                *(
                    Rule(path, "restart", f"{INSTANCE} resourceInstanceUpdate: stop, modify user data, start")
                    for path in ("userData", "userDataBase64")
                ),
                Rule(
                    "rootBlockDevice.volumeSize",
                    "fails",
                    SHRINK_REFUSED,
                    when=shrinks("rootBlockDevice.volumeSize"),
                ),
            ),
            holds="vm",
            os_disk="rootBlockDevice",
            keeps_os_disk=("rootBlockDevice.deleteOnTermination", False),
        ),
        TypeRules(
            "aws:ebs/volume:Volume",
            f"{TF}/ec2/ebs_volume.go resourceEBSVolume()",
            (
                *force_new(
                    f"{TF}/ec2/ebs_volume.go", "availabilityZone", "encrypted", "kmsKeyId", "snapshotId", "outpostArn"
                ),
                REGION,
                Rule("size", "fails", SHRINK_REFUSED, when=shrinks("size")),
            ),
            holds="disk",
        ),
        TypeRules(
            "aws:ec2/volumeAttachment:VolumeAttachment",
            f"{TF}/ec2/ebs_volume_attachment.go resourceVolumeAttachment()",
            force_new(f"{TF}/ec2/ebs_volume_attachment.go", "deviceName", "instanceId", "volumeId", "region"),
            delete_note=(
                "stopInstanceBeforeDetaching",
                "detaching stops the instance first (stop_instance_before_detaching, "
                f"{TF}/ec2/ebs_volume_attachment.go resourceVolumeAttachmentDelete) and leaves it stopped",
            ),
        ),
        TypeRules(
            "aws:ec2/keyPair:KeyPair",
            f"{TF}/ec2/ec2_key_pair.go resourceKeyPair()",
            force_new(f"{TF}/ec2/ec2_key_pair.go", "keyName", "keyNamePrefix", "publicKey", "region"),
        ),
        TypeRules(
            "aws:ec2/securityGroup:SecurityGroup",
            f"{TF}/ec2/vpc_security_group.go resourceSecurityGroup()",
            force_new(f"{TF}/ec2/vpc_security_group.go", "name", "namePrefix", "description", "vpcId", "region"),
        ),
        TypeRules(
            "aws:ec2/vpc:Vpc",
            f"{TF}/ec2/vpc_.go resourceVPC()",
            force_new(f"{TF}/ec2/vpc_.go", "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength", "region"),
        ),
        TypeRules(
            "aws:ec2/subnet:Subnet",
            f"{TF}/ec2/vpc_subnet.go resourceSubnet()",
            force_new(
                f"{TF}/ec2/vpc_subnet.go",
                "availabilityZone",
                "availabilityZoneId",
                "cidrBlock",
                "vpcId",
                "outpostArn",
                "region",
            ),
        ),
        TypeRules(
            "aws:ec2/internetGateway:InternetGateway",
            f"{TF}/ec2/vpc_internet_gateway.go resourceInternetGateway(): vpc_id detaches and attaches",
            (REGION,),
        ),
        TypeRules(
            "aws:ec2/routeTable:RouteTable",
            f"{TF}/ec2/vpc_route_table.go resourceRouteTable()",
            (Rule("vpcId", "replace", f"{TF}/ec2/vpc_route_table.go: vpc_id ForceNew"), REGION),
        ),
        TypeRules(
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            f"{TF}/ec2/vpc_route_table_association.go: route_table_id is replaced in place",
            force_new(f"{TF}/ec2/vpc_route_table_association.go", "subnetId", "gatewayId", "region"),
        ),
        TypeRules(
            "aws:iam/role:Role",
            f"{TF}/iam/role.go resourceRole()",
            force_new(f"{TF}/iam/role.go", "name", "namePrefix", "path"),
        ),
        TypeRules(
            "aws:iam/instanceProfile:InstanceProfile",
            f"{TF}/iam/instance_profile.go resourceInstanceProfile(): role updates in place",
            force_new(f"{TF}/iam/instance_profile.go", "name", "namePrefix", "path"),
        ),
        TypeRules(
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            f"{TF}/iam/role_policy_attachment.go resourceRolePolicyAttachment()",
            force_new(f"{TF}/iam/role_policy_attachment.go", "role", "policyArn"),
        ),
        TypeRules(
            "aws:iam/rolePolicy:RolePolicy",
            f"{TF}/iam/role_policy.go resourceRolePolicy(): policy updates in place",
            force_new(f"{TF}/iam/role_policy.go", "name", "namePrefix", "role"),
        ),
        TypeRules(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            f"{VPC_ENDPOINT}: policy, subnet_ids, security_group_ids, dns_options update in place",
            (
                *force_new(
                    VPC_ENDPOINT,
                    "vpcId",
                    "serviceName",
                    "vpcEndpointType",
                    "serviceRegion",
                    "region",
                    "resourceConfigurationArn",
                    "serviceNetworkArn",
                    "dnsOptions.privateDnsPreference",
                    "dnsOptions.privateDnsSpecifiedDomains",
                ),
                Rule(
                    "privateDnsEnabled",
                    "replace",
                    f"{VPC_ENDPOINT}: CustomizeDiff ForceNew on private_dns_enabled unless the type is Interface",
                    when=lambda old, new: value_at(new, "vpcEndpointType") != "Interface",
                ),
            ),
        ),
        TypeRules(
            "aws:ssm/parameter:Parameter",
            f"{TF}/ssm/parameter.go resourceParameter(): value, type, tier and key_id update (overwrite)",
            (Rule("name", "replace", f"{TF}/ssm/parameter.go: name ForceNew"), REGION),
        ),
    ]
)
