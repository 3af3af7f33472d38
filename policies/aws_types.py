"""AWS (pulumi-aws): which resource types each rule checks, how, and which it leaves out and why.

``CHECKS`` maps each rule to {type token: check}; ``FLEETS`` maps each VM-running type to the
reader of what it runs (for the cost rules); ``EXCLUDED`` lists the types of a rule's kinds that it
leaves out on purpose (see type_coverage for the kinds and the test that keeps this complete).
"""

from __future__ import annotations

from . import disks, fleets, identity, network, public_ip
from .placement import allowed_image, check_allowed_region, read_field
from .tags import check_required_tags
from .type_coverage import Exclusion
from .values import each_at

INSTANCE = "aws:ec2/instance:Instance"
SPOT_REQUEST = "aws:ec2/spotInstanceRequest:SpotInstanceRequest"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"
GROUP = "aws:autoscaling/group:Group"
SPOT_FLEET = "aws:ec2/spotFleetRequest:SpotFleetRequest"
EC2_FLEET = "aws:ec2/fleet:Fleet"
LIGHTSAIL = "aws:lightsail/instance:Instance"
VOLUME = "aws:ebs/volume:Volume"
SPECS = ("launchSpecifications",)

FLEETS = {
    INSTANCE: fleets.aws_instance,
    SPOT_REQUEST: fleets.aws_spot_instance_request,
    LAUNCH_TEMPLATE: fleets.aws_launch_template,
    LAUNCH_CONFIGURATION: fleets.aws_launch_configuration,
    GROUP: fleets.aws_autoscaling_group,
    SPOT_FLEET: fleets.aws_spot_fleet_request,
    EC2_FLEET: fleets.aws_ec2_fleet,
    LIGHTSAIL: fleets.aws_lightsail_instance,
}
TAGGED = (INSTANCE, SPOT_REQUEST, GROUP, SPOT_FLEET, EC2_FLEET, LIGHTSAIL, VOLUME)
TAGGED += ("aws:ebs/volumeCopy:VolumeCopy", "aws:lightsail/disk:Disk")

CHECKS = {
    "admin-ports-open-to-internet": {
        "aws:ec2/securityGroup:SecurityGroup": network.check_aws_security_group,
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": network.check_aws_security_group,
        "aws:ec2/securityGroupRule:SecurityGroupRule": network.check_aws_security_group_rule,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": network.check_aws_ingress_rule,
        "aws:lightsail/instancePublicPorts:InstancePublicPorts": network.check_lightsail_public_ports,
    },
    "disk-encryption-required": {
        INSTANCE: disks.check_aws_block_devices,
        SPOT_REQUEST: disks.check_aws_block_devices,
        LAUNCH_CONFIGURATION: disks.check_aws_block_devices,
        SPOT_FLEET: each_at(SPECS, disks.check_aws_block_devices),
        LAUNCH_TEMPLATE: disks.check_aws_launch_template_disks,
        VOLUME: disks.check_aws_volume,
        "aws:ebs/snapshotImport:SnapshotImport": disks.check_aws_volume,
    },
    "ec2-imdsv2-required": {
        INSTANCE: identity.check_aws_imds,
        SPOT_REQUEST: identity.check_aws_imds,
        LAUNCH_TEMPLATE: identity.check_aws_imds,
        LAUNCH_CONFIGURATION: identity.check_aws_imds,
        SPOT_FLEET: each_at(SPECS, identity.check_aws_launch_spec_imds),
    },
    "public-ip-on-vm": {
        INSTANCE: public_ip.check_aws_public_ip,
        SPOT_REQUEST: public_ip.check_aws_public_ip,
        LAUNCH_CONFIGURATION: public_ip.check_aws_public_ip,
        SPOT_FLEET: each_at(SPECS, public_ip.check_aws_public_ip),
        LAUNCH_TEMPLATE: public_ip.check_aws_launch_template_public_ip,
        "aws:ec2/eip:Eip": public_ip.check_aws_eip,
        "aws:ec2/eipAssociation:EipAssociation": public_ip.check_aws_eip,
    },
    "required-tags": dict.fromkeys(TAGGED, check_required_tags),
    "allowed-regions": dict.fromkeys((*TAGGED, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION), check_allowed_region),
    "allowed-images": {
        INSTANCE: allowed_image(read_field("ami")),
        SPOT_REQUEST: allowed_image(read_field("ami")),
        LAUNCH_TEMPLATE: allowed_image(read_field("imageId")),
        LAUNCH_CONFIGURATION: allowed_image(read_field("imageId")),
        SPOT_FLEET: each_at(SPECS, allowed_image(read_field("ami"))),
    },
}

VM_RULES = (
    "disk-encryption-required",
    "ec2-imdsv2-required",
    "public-ip-on-vm",
    "allowed-images",
    "required-tags",
    "allowed-regions",
)
COST_RULES = ("vm-hourly-price-ceiling", "vm-price-unknown", "stack-monthly-budget")
TEMPLATED = "launches VMs from launch templates (or a launch configuration), which are checked themselves"

EXCLUDED = (
    # VM-running types: the parts other resources decide.
    Exclusion(f"{GROUP}|{EC2_FLEET}", TEMPLATED, ("disk-encryption-required", "ec2-imdsv2-required")),
    Exclusion(f"{GROUP}|{EC2_FLEET}", TEMPLATED, ("public-ip-on-vm", "allowed-images")),
    Exclusion(
        f"{LAUNCH_TEMPLATE}|{LAUNCH_CONFIGURATION}",
        "a template is not a VM: the instances it launches are tagged by what launches them (instances, "
        "groups, fleets), which is checked",
        ("required-tags",),
    ),
    Exclusion(
        LIGHTSAIL,
        "Lightsail instances have no encryption, metadata-options or image-id property (they boot a "
        "blueprint) and always have a public address; their ports are judged on InstancePublicPorts",
        ("disk-encryption-required", "ec2-imdsv2-required", "public-ip-on-vm", "allowed-images"),
    ),
    Exclusion(
        r"aws:lightsail/(disk|disk_attachment|staticIp|staticIpAttachment):.*",
        "Lightsail disks have no encryption property, and a Lightsail instance is public whether or not a "
        "static IP is attached (attachments add no disk or VM)",
    ),
    Exclusion(
        r"aws:lightsail/instancePublicPorts:InstancePublicPorts",
        "opens ports on a Lightsail instance (judged by admin-ports-open-to-internet): runs or holds nothing",
    ),
    Exclusion(
        f"{VOLUME}",
        "an EBS volume is made empty or from a snapshot, not from an image",
        ("allowed-images",),
    ),
    Exclusion(
        r"aws:ebs/volumeCopy:VolumeCopy",
        "a copy keeps its source volume's encryption (the source is checked); it boots nothing",
        ("disk-encryption-required", "allowed-images"),
    ),
    Exclusion(
        r"aws:ebs/(snapshot|snapshotCopy|fastSnapshotRestore|snapshotBlockPublicAccess):.*"
        r"|aws:ec2/snapshotCreateVolumePermission:.*",
        "a snapshot keeps its source's encryption (an encrypted source stays encrypted; volumes are "
        "checked), and settings on snapshots hold no disk of their own",
    ),
    Exclusion(
        r"aws:ebs/snapshotImport:SnapshotImport",
        "an imported snapshot is a copy, not a disk a VM runs on",
        ("required-tags", "allowed-regions", "allowed-images"),
    ),
    Exclusion(
        r"aws:ec2/networkInterface:NetworkInterface",
        "an elastic network interface gets a public address only from an Elastic IP (Eip and EipAssociation "
        "are checked) or from its instance's associatePublicIpAddress (checked)",
    ),
    Exclusion(
        r"aws:ec2/volumeAttachment:VolumeAttachment",
        "attaches a volume to an instance; both are checked themselves",
    ),
    Exclusion(
        r"aws:ec2/(ami|amiCopy|amiFromInstance|amiLaunchPermission|allowedImagesSettings|imageBlockPublicAccess):.*",
        "makes, copies or shares an AMI (or sets account image settings): a VM is judged by the AMI it boots "
        "and by its own volume settings",
    ),
    Exclusion(
        r"aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults",
        "account-wide metadata defaults; instances are judged as the engine sends them (tell the pack the "
        "account requires IMDSv2 with accountRequiresImdsv2)",
    ),
    Exclusion(
        r"aws:ec2/(capacityReservation|capacityBlockReservation|dedicatedHost):.*",
        "capacity, not VMs: billed whether used or not, while the VMs that run in it are billed instead "
        "of it (counting both would count twice); the VMs are counted",
    ),
    Exclusion(
        r"aws:ec2/subnetCidrReservation:.*|aws:ec2transitgateway/instance(ConnectEndpoint|State):.*"
        r"|aws:ec2/eipDomainName:.*",
        "network plumbing or instance state: runs, opens or attaches nothing of its own",
    ),
    Exclusion(
        r"aws:(iam|devicefarm|dms)/instanceProfile:.*",
        "an instance profile holds an IAM role; it runs nothing",
    ),
    Exclusion(
        r"aws:ec2/(networkAcl|defaultNetworkAcl|networkAclRule|networkAclAssociation):.*",
        "network ACLs are stateless subnet filters that also let through what a security group admits, and "
        "the default ACL allows everything: whether SSH/RDP is reachable is decided by the security groups, "
        "which are checked",
    ),
    Exclusion(
        r"aws:ec2/(securityGroupAssociation|networkInterfaceSecurityGroupAttachment|vpcSecurityGroupRulesExclusive):.*"
        r"|aws:vpc/(securityGroupVpcAssociation|securityGroupEgressRule):.*",
        "attaches or manages security groups, or allows outbound traffic: opens no inbound port",
    ),
    Exclusion(
        r"aws:networkfirewall/.*|aws:route53/resolverFirewall.*|aws:medialive/inputSecurityGroup:.*",
        "filters traffic that security groups admit (Network Firewall), DNS queries (Route 53 Resolver) or "
        "MediaLive inputs: opens no VM port",
    ),
    Exclusion(
        r"aws:eks/nodeGroup:NodeGroup",
        "Kubernetes node groups: their nodes are governed by the EKS cluster (and launch templates, which are "
        "checked); not priced by this pack",
    ),
    Exclusion(
        r"aws:(emr|gamelift|appstream|codebuild|sagemaker)/(instanceFleet|instanceGroup|fleet|notebookInstance|deviceFleet|fleetStackAssociation|notebookInstanceLifecycleConfiguration):.*",
        "compute a managed service runs for its own jobs (EMR clusters, GameLift/AppStream/CodeBuild fleets, "
        "SageMaker notebooks): the service picks images and ports and prices it per service (not in the "
        "offerings catalog)",
    ),
    Exclusion(
        r"aws:(rds|docdb|neptune|dms|timestreaminfluxdb|memorydb|redshift|redshiftserverless|fsx|storagegateway"
        r"|finspace|kinesisanalyticsv2|s3control|ssoadmin|connect|servicediscovery|verifiedaccess|route53"
        r"|cloudformation|athena)/.*",
        "a managed service's resource (databases, caches, file systems, directory and access services): no "
        "VM, image or port of the stack's own",
    ),
    Exclusion(
        r"aws:(imagebuilder|lambda|lambdamicrovms|sagemaker|appstream)/.*[iI]mage.*",
        "builds or registers images for a service: a VM is judged by the image it boots",
    ),
)
