"""AWS (pulumi-aws): which resource types each rule checks, how, and which it leaves out and why.

``CHECKS`` maps each rule to {type token: check}; ``FLEETS`` maps each VM-running type to the
reader of what it runs (for the cost rules); ``EXCLUDED`` lists the types of a rule's kinds that it
leaves out on purpose (see exclusions; type_coverage holds the kinds and the report the coverage test keeps complete).
"""

from __future__ import annotations

from . import capacity, disks, fleets, identity, network, public_ip
from .exclusions import Exclusion, NotJudged
from .placement import allowed_image, check_allowed_region, read_field
from .secrets_in_data import user_data_check
from .tags import check_required_tags
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
RESERVATION = "aws:ec2/capacityReservation:CapacityReservation"
CAPACITY_BLOCK = "aws:ec2/capacityBlockReservation:CapacityBlockReservation"
HOST = "aws:ec2/dedicatedHost:DedicatedHost"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
BATCH = "aws:batch/computeEnvironment:ComputeEnvironment"
SPECS = ("launchSpecifications",)
USER_DATA = user_data_check(("userData",), ("userDataBase64",))

FLEETS = {
    INSTANCE: fleets.aws_instance,
    SPOT_REQUEST: fleets.aws_spot_instance_request,
    LAUNCH_TEMPLATE: fleets.aws_launch_template,
    LAUNCH_CONFIGURATION: fleets.aws_launch_configuration,
    GROUP: fleets.aws_autoscaling_group,
    SPOT_FLEET: fleets.aws_spot_fleet_request,
    EC2_FLEET: fleets.aws_ec2_fleet,
    LIGHTSAIL: fleets.aws_lightsail_instance,
    RESERVATION: capacity.aws_capacity_reservation,
    CAPACITY_BLOCK: capacity.aws_capacity_block,
    HOST: capacity.aws_dedicated_host,
    NODE_GROUP: capacity.aws_eks_node_group,
    BATCH: capacity.aws_batch_compute_environment,
}
# Capacity the budget counts but that is not one VM the ceiling could judge (sizes per job, hosts).
BUDGET_ONLY = (RESERVATION, CAPACITY_BLOCK, HOST, BATCH)
TAGGED = (INSTANCE, SPOT_REQUEST, GROUP, SPOT_FLEET, EC2_FLEET, LIGHTSAIL, VOLUME, NODE_GROUP, BATCH)
TAGGED += ("aws:ebs/volumeCopy:VolumeCopy", "aws:lightsail/disk:Disk")
PLACED = (*TAGGED, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION, RESERVATION, HOST)

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
        "aws:ebs/encryptionByDefault:EncryptionByDefault": disks.check_aws_encryption_by_default,
    },
    "ec2-imdsv2-required": {
        INSTANCE: identity.check_aws_imds,
        SPOT_REQUEST: identity.check_aws_imds,
        LAUNCH_TEMPLATE: identity.check_aws_imds,
        LAUNCH_CONFIGURATION: identity.check_aws_imds,
        SPOT_FLEET: each_at(SPECS, identity.check_aws_launch_spec_imds),
        "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults": identity.check_aws_metadata_defaults,
    },
    "public-ip-on-vm": {
        INSTANCE: public_ip.check_aws_public_ip,
        SPOT_REQUEST: public_ip.check_aws_public_ip,
        LAUNCH_CONFIGURATION: public_ip.check_aws_public_ip,
        SPOT_FLEET: each_at(SPECS, public_ip.check_aws_public_ip),
        LAUNCH_TEMPLATE: public_ip.check_aws_launch_template_public_ip,
        "aws:ec2/eip:Eip": public_ip.check_aws_eip,
        "aws:ec2/eipAssociation:EipAssociation": public_ip.check_aws_eip,
        "aws:ec2/subnet:Subnet": public_ip.subnet_public_ip(default=False),
        "aws:ec2/defaultSubnet:DefaultSubnet": public_ip.subnet_public_ip(default=True),
    },
    "required-tags": dict.fromkeys(TAGGED, check_required_tags),
    "allowed-regions": dict.fromkeys(PLACED, check_allowed_region),
    "allowed-images": {
        INSTANCE: allowed_image(read_field("ami")),
        SPOT_REQUEST: allowed_image(read_field("ami")),
        LAUNCH_TEMPLATE: allowed_image(read_field("imageId")),
        LAUNCH_CONFIGURATION: allowed_image(read_field("imageId")),
        SPOT_FLEET: each_at(SPECS, allowed_image(read_field("ami"))),
    },
    "no-secrets-in-user-data": {
        INSTANCE: USER_DATA,
        SPOT_REQUEST: USER_DATA,
        LAUNCH_CONFIGURATION: USER_DATA,
        LAUNCH_TEMPLATE: USER_DATA,
        SPOT_FLEET: each_at(SPECS, USER_DATA),
        LIGHTSAIL: USER_DATA,
    },
}

SECRETS = "no-secrets-in-user-data"
MACHINE_RULES = ("disk-encryption-required", "ec2-imdsv2-required", "public-ip-on-vm", "allowed-images", SECRETS)
COST_RULES = ("vm-hourly-price-ceiling", "vm-price-unknown", "stack-monthly-budget")
TEMPLATED = "launches VMs from launch templates (or a launch configuration), which are checked themselves"
NOT_A_VM = (
    "capacity, not a VM: it holds no disk, image, metadata options, user data or address (the VMs placed "
    "in it are judged themselves); the budget counts it"
)

EXCLUDED = (
    # VM-running types: the parts other resources decide.
    Exclusion(f"{GROUP}|{EC2_FLEET}", TEMPLATED, ("disk-encryption-required", "ec2-imdsv2-required", SECRETS)),
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
        r"aws:lightsail/(bucket|containerServiceDeploymentVersion|database|distribution):.*",
        "a Lightsail managed service (object storage, containers, databases, a CDN): no VM of the stack's own",
    ),
    Exclusion(VOLUME, "an EBS volume is made empty or from a snapshot, not from an image", ("allowed-images",)),
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
        r"aws:ec2/volumeAttachment:VolumeAttachment", "attaches a volume to an instance; both are checked themselves"
    ),
    Exclusion(
        r"aws:ec2/(ami|amiCopy|amiFromInstance|amiLaunchPermission|allowedImagesSettings|imageBlockPublicAccess):.*",
        "makes, copies or shares an AMI (or sets account image settings): a VM is judged by the AMI it boots "
        "and by its own volume settings",
    ),
    Exclusion(
        r"aws:ebs/encryptionByDefault:EncryptionByDefault",
        "an account-wide setting: holds no disk (judged by disk-encryption-required when the pack trusts the "
        "account default: accountEncryptsEbsByDefault)",
    ),
    Exclusion(
        r"aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults",
        "account-wide metadata defaults: runs, holds or opens nothing (judged by ec2-imdsv2-required when the pack "
        "trusts the account default: accountRequiresImdsv2)",
    ),
    Exclusion(f"{RESERVATION}|{CAPACITY_BLOCK}|{HOST}", NOT_A_VM, (*MACHINE_RULES, "required-tags")),
    Exclusion(CAPACITY_BLOCK, "a capacity block names no region of its own (its offering does)", ("allowed-regions",)),
    Exclusion(
        f"{RESERVATION}|{CAPACITY_BLOCK}|{HOST}|{BATCH}",
        "not one VM the ceiling could judge (reserved capacity, a host, or sizes Batch picks per job): the stack "
        "budget counts it (a reservation less the VMs running in it, a Batch environment at its minimum vCPUs)",
        ("vm-hourly-price-ceiling",),
    ),
    Exclusion(
        f"{NODE_GROUP}|{BATCH}",
        "user data comes from its launch template, judged there (no user data of its own)",
        (SECRETS,),
    ),
    NotJudged(
        f"{NODE_GROUP}|{BATCH}",
        "without a launch template in the stack its nodes boot the service's AMI (EKS or ECS-optimized) with the "
        "service's defaults for the root volume, metadata options and public addresses, which the pack cannot see "
        "(with a launch template in the stack, the template is judged)",
        ("disk-encryption-required", "ec2-imdsv2-required", "public-ip-on-vm", "allowed-images"),
        judged_when=fleets.names_template,
    ),
    Exclusion(
        r"aws:ec2/subnetCidrReservation:.*|aws:ec2transitgateway/instance(ConnectEndpoint|State):.*"
        r"|aws:ec2/eipDomainName:.*",
        "network plumbing or instance state: runs, opens or attaches nothing of its own",
    ),
    Exclusion(r"aws:(iam|devicefarm|dms)/instanceProfile:.*", "an instance profile holds an IAM role; it runs nothing"),
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
        r"aws:ec2/(networkInsightsAccessScope|networkInsightsPath|trafficMirrorFilterRule):.*"
        r"|aws:ec2transitgateway/(meteringPolicyEntry|policyTableEntry):.*|aws:(alb|lb)/listenerRule:.*",
        "analyses reachability, mirrors, meters or routes traffic (load-balancer listener rules forward to "
        "targets whose security groups decide): admits nothing to a VM port",
    ),
    NotJudged(
        r"aws:(emr|gamelift|appstream)/(cluster|instanceFleet|instanceGroup|fleet|gameServerGroup|imageBuilder):.*"
        r"|aws:cloud9/environmentEC2:.*|aws:workspaces/(workspace|pool):.*"
        r"|aws:sagemaker/(notebookInstance|endpointConfiguration|space|app|domain|userProfile):.*",
        "VMs another service runs in the account and bills by the hour (EMR clusters, GameLift and AppStream "
        "fleets, Cloud9 environments, WorkSpaces, SageMaker notebooks, endpoints and apps): the service picks "
        "their images, volumes, metadata options and ports, and prices them per service (not in the offerings "
        "catalog), so no rule of this pack judges them",
    ),
    Exclusion(
        r"aws:(codebuild|sagemaker|appstream)/(fleet|deviceFleet|fleetStackAssociation|notebookInstanceLifecycleConfiguration"
        r"|project|algorithm|dataQualityJobDefinition|hyperParameterTuningJob|model|monitoringSchedule"
        r"|trainingJob):.*|aws:codecatalyst/devEnvironment:.*",
        "compute a service runs per job or per build and bills per use (CodeBuild, SageMaker jobs and models, "
        "CodeCatalyst dev environments), or settings for it: no VM the stack keeps running",
    ),
    Exclusion(
        r"aws:(ecs|batch)/(service|taskDefinition|daemonTaskDefinition|expressGatewayService|jobDefinition):.*"
        r"|aws:imagebuilder/(containerRecipe|infrastructureConfiguration):.*|aws:pipes/pipe:.*",
        "containers or jobs placed on compute judged elsewhere (ECS on Fargate or on the cluster's instances, "
        "Batch compute environments), or short-lived build instances Image Builder starts and stops: no VM of "
        "its own",
    ),
    Exclusion(
        r"aws:(rds|docdb|neptune|dms|timestreaminfluxdb|memorydb|redshift|redshiftserverless|fsx|storagegateway"
        r"|finspace|kinesisanalyticsv2|s3control|ssoadmin|connect|servicediscovery|verifiedaccess|route53"
        r"|cloudformation|athena|elasticsearch|opensearch|msk|m2|outposts|pinpoint|lambda|workspacesweb)/.*",
        "a managed service's resource (databases, search, streaming, file systems, mainframe runtimes, "
        "directory and access services, push channels whose bundleId is an app's): no VM, image or port of "
        "the stack's own",
    ),
    Exclusion(
        r"aws:(imagebuilder|lambda|lambdamicrovms|sagemaker|appstream)/.*[iI]mage.*",
        "builds or registers images for a service: a VM is judged by the image it boots",
    ),
)
