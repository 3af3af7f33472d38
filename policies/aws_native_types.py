"""AWS through the aws-native provider (CloudFormation's resource shapes): which resource types each
rule checks, how, and which it leaves out and why.

The shapes differ from pulumi-aws's: a security group's rules are ``securityGroupIngress`` with
``ipProtocol``/``cidrIp``, tags are ``[{key, value}]`` lists, a launch template's settings sit under
``launchTemplateData``, block devices are ``blockDeviceMappings`` (no ``rootBlockDevice``), user data
is base64. Each check here points a shared check at the right part.
"""

from __future__ import annotations

from dataclasses import replace

from . import capacity, disks, fleets, identity, network_other, public_ip
from .exclusions import Exclusion, NotJudged
from .placement import allowed_image, check_allowed_region, read_field
from .secrets_in_data import user_data_check
from .tags import check_required_tags
from .values import Context, at_path, each_at, is_known

INSTANCE = "aws-native:ec2:Instance"
LAUNCH_TEMPLATE = "aws-native:ec2:LaunchTemplate"
LAUNCH_CONFIGURATION = "aws-native:autoscaling:LaunchConfiguration"
GROUP = "aws-native:autoscaling:AutoScalingGroup"
SPOT_FLEET = "aws-native:ec2:SpotFleet"
EC2_FLEET = "aws-native:ec2:Ec2Fleet"
VOLUME = "aws-native:ec2:Volume"
RESERVATION = "aws-native:ec2:CapacityReservation"
HOST = "aws-native:ec2:Host"
NODE_GROUP = "aws-native:eks:Nodegroup"
BATCH = "aws-native:batch:ComputeEnvironment"
LIGHTSAIL = "aws-native:lightsail:Instance"
TEMPLATE_DATA = ("launchTemplateData",)
FLEET_CONFIG = ("spotFleetRequestConfigData",)
SPECS = ("spotFleetRequestConfigData", "launchSpecifications")
# AWS::EC2::Instance's InstanceType defaults to m1.small
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-instance.html).
CFN_DEFAULT_INSTANCE_TYPE = "m1.small"


def instance_disks(name: str, props: dict, ctx: Context) -> list[str]:
    """An instance's blockDeviceMappings, read as a launch template's (a root mapping, every EBS
    mapping encrypted); an instance from a launch template without mappings of its own takes the
    template's (judged there)."""
    if props.get("blockDeviceMappings") is None and is_known(props.get("launchTemplate")):
        return []
    return disks.check_aws_launch_template_disks(name, props, ctx)


def instance_reader(props: dict) -> list[fleets.Run]:
    size = props.get("instanceType")
    if size is None and props.get("launchTemplate") is None:
        size = CFN_DEFAULT_INSTANCE_TYPE
    return fleets.aws_instance({**props, "instanceType": size})


def group_reader(props: dict) -> list[fleets.Run]:
    """The group as pulumi-aws's, its launch configuration named by launchConfigurationName."""
    runs = fleets.aws_autoscaling_group({**props, "launchConfiguration": props.get("launchConfigurationName")})
    renamed = {"launchConfiguration": "launchConfigurationName"}
    return [
        replace(run, templates=tuple(replace(t, prop=renamed.get(t.prop, t.prop)) for t in run.templates))
        for run in runs
    ]


def template_reader(props: dict) -> list[fleets.Run]:
    data = props.get("launchTemplateData")
    return fleets.aws_launch_template(data if isinstance(data, dict) else {})


def spot_fleet_reader(props: dict) -> list[fleets.Run]:
    """The fleet's config, its templates named by the top-level property (whose dependencies the
    engine sends)."""
    config = props.get("spotFleetRequestConfigData")
    runs = fleets.aws_spot_fleet_request(config if isinstance(config, dict) else {})
    return [replace(run, templates=tuple(replace(t, prop=FLEET_CONFIG[0]) for t in run.templates)) for run in runs]


def eip_association(name: str, props: dict, ctx: Context) -> list[str]:
    return public_ip.check_aws_eip(name, {k: v for k, v in props.items() if k != "eip"}, ctx)


USER_DATA = user_data_check(("userData",))
FLEETS = {
    INSTANCE: instance_reader,
    LAUNCH_TEMPLATE: template_reader,
    LAUNCH_CONFIGURATION: fleets.aws_launch_configuration,
    GROUP: group_reader,
    SPOT_FLEET: spot_fleet_reader,
    EC2_FLEET: fleets.aws_ec2_fleet,
    RESERVATION: capacity.aws_capacity_reservation,
    HOST: capacity.aws_dedicated_host,
    NODE_GROUP: capacity.aws_eks_node_group,
    BATCH: capacity.aws_batch_compute_environment,
}
BUDGET_ONLY = (RESERVATION, HOST, BATCH)
TAGGED = (INSTANCE, GROUP, VOLUME, NODE_GROUP, HOST, LIGHTSAIL)

CHECKS = {
    "admin-ports-open-to-internet": {
        "aws-native:ec2:SecurityGroup": network_other.check_aws_native_security_group,
        "aws-native:ec2:SecurityGroupIngress": network_other.check_aws_native_ingress,
        LIGHTSAIL: network_other.check_aws_native_lightsail_instance,
    },
    "disk-encryption-required": {
        INSTANCE: instance_disks,
        LAUNCH_TEMPLATE: at_path(TEMPLATE_DATA, disks.check_aws_launch_template_disks),
        LAUNCH_CONFIGURATION: disks.check_aws_launch_template_disks,
        SPOT_FLEET: each_at(SPECS, disks.check_aws_launch_template_disks),
        VOLUME: disks.check_aws_volume,
    },
    "ec2-imdsv2-required": {
        INSTANCE: identity.check_aws_imds,
        LAUNCH_TEMPLATE: at_path(TEMPLATE_DATA, identity.check_aws_imds),
        LAUNCH_CONFIGURATION: identity.check_aws_imds,
        SPOT_FLEET: each_at(SPECS, identity.check_aws_launch_spec_imds),
    },
    "public-ip-on-vm": {
        INSTANCE: public_ip.check_aws_launch_template_public_ip,
        LAUNCH_TEMPLATE: at_path(TEMPLATE_DATA, public_ip.check_aws_launch_template_public_ip),
        LAUNCH_CONFIGURATION: public_ip.check_aws_public_ip,
        SPOT_FLEET: each_at(SPECS, public_ip.check_aws_launch_template_public_ip),
        "aws-native:ec2:Eip": public_ip.check_aws_eip,
        "aws-native:ec2:EipAssociation": eip_association,
        "aws-native:ec2:Subnet": public_ip.subnet_public_ip(default=False),
    },
    "required-tags": dict.fromkeys(TAGGED, check_required_tags),
    "allowed-regions": dict.fromkeys((INSTANCE, GROUP, VOLUME, NODE_GROUP, HOST, RESERVATION), check_allowed_region),
    "allowed-images": {
        INSTANCE: allowed_image(read_field("imageId")),
        LAUNCH_TEMPLATE: at_path(TEMPLATE_DATA, allowed_image(read_field("imageId"))),
        LAUNCH_CONFIGURATION: allowed_image(read_field("imageId")),
        SPOT_FLEET: each_at(SPECS, allowed_image(read_field("imageId"))),
    },
    "no-secrets-in-user-data": {
        INSTANCE: USER_DATA,
        LAUNCH_TEMPLATE: at_path(TEMPLATE_DATA, USER_DATA),
        LAUNCH_CONFIGURATION: USER_DATA,
        SPOT_FLEET: each_at(SPECS, USER_DATA),
        LIGHTSAIL: USER_DATA,
    },
}

SECRETS = "no-secrets-in-user-data"
TEMPLATED = "launches VMs from launch templates (or a launch configuration), which are checked themselves"
CAPACITY = f"{RESERVATION}|{HOST}|aws-native:ec2:CapacityReservationFleet"

EXCLUDED = (
    Exclusion(
        f"{GROUP}|{EC2_FLEET}",
        TEMPLATED,
        ("disk-encryption-required", "ec2-imdsv2-required", "public-ip-on-vm", "allowed-images", SECRETS),
    ),
    Exclusion(
        f"{LAUNCH_TEMPLATE}|{LAUNCH_CONFIGURATION}|{SPOT_FLEET}|{EC2_FLEET}",
        "a template (or a fleet that tags what it launches through tagSpecifications): the VMs it launches are "
        "tagged by what launches them; a template's region is its provider's",
        ("required-tags", "allowed-regions"),
    ),
    Exclusion(
        f"{CAPACITY}|{BATCH}",
        "not one VM the ceiling could judge (reserved capacity, a host, or sizes Batch picks per job): the stack "
        "budget counts reservations, hosts and Batch's minimum vCPUs",
        ("vm-hourly-price-ceiling",),
    ),
    Exclusion(
        CAPACITY,
        "capacity, not a VM: it holds no disk, image, metadata options, user data or address (the VMs placed in "
        "it are judged themselves)",
        ("disk-encryption-required", "ec2-imdsv2-required", "public-ip-on-vm", "allowed-images", SECRETS),
    ),
    Exclusion(
        RESERVATION,
        "CloudFormation's capacity reservation takes tags only through tagSpecifications",
        ("required-tags",),
    ),
    Exclusion(f"{NODE_GROUP}|{BATCH}", "user data comes from its launch template, judged there", (SECRETS,)),
    NotJudged(
        f"{NODE_GROUP}|{BATCH}",
        "without a launch template in the stack its nodes boot the service's AMI with the service's defaults for "
        "the root volume, metadata options and public addresses, which the pack cannot see",
        ("disk-encryption-required", "ec2-imdsv2-required", "public-ip-on-vm", "allowed-images"),
        judged_when=fleets.names_template,
    ),
    Exclusion(
        BATCH,
        "tags go to computeResources.tags and placement follows its subnets",
        ("required-tags", "allowed-regions"),
    ),
    NotJudged(
        r"aws-native:ec2:CapacityReservationFleet",
        "a capacity reservation fleet reserves capacity across instance types by weight, which this pack does "
        "not price; it is not counted by the stack budget",
        ("stack-monthly-budget", "vm-price-unknown", "required-tags", "allowed-regions"),
    ),
    Exclusion(
        LIGHTSAIL,
        "Lightsail instances boot a blueprint, have no encryption or metadata-options property and are always "
        "public; their bundles have no catalog price (see the pulumi-aws Lightsail instance, judged and priced "
        "by assumption)",
        ("disk-encryption-required", "ec2-imdsv2-required", "public-ip-on-vm", "allowed-images", "allowed-regions"),
    ),
    NotJudged(
        LIGHTSAIL,
        "Lightsail bundles are priced per bundle, which the offerings catalog does not hold",
        ("vm-hourly-price-ceiling", "vm-price-unknown", "stack-monthly-budget"),
    ),
    Exclusion(VOLUME, "an EBS volume is made empty or from a snapshot, not from an image", ("allowed-images",)),
    Exclusion(
        r"aws-native:ec2:(VolumeAttachment|SnapshotBlockPublicAccess|NetworkInterface|SecurityGroupEgress"
        r"|SecurityGroupVpcAssociation|NetworkAcl|SubnetNetworkAclAssociation|NetworkInsightsAccessScope"
        r"|NetworkInsightsPath|TrafficMirrorFilterRule|TransitGatewayMeteringPolicyEntry"
        r"|TransitGatewayPolicyTableEntry|SubnetCidrReservation|InstanceConnectEndpoint|InstanceEventWindow"
        r"|SqlHaStandbyDetectedInstance|VerifiedAccessInstance|FpgaImage)",
        "attaches, associates or schedules what is judged elsewhere (volumes, security groups, instances), "
        "allows outbound traffic, filters in a subnet what security groups admit (network ACLs), analyses or "
        "mirrors traffic, or makes an FPGA image: runs, holds or opens nothing of its own",
    ),
    NotJudged(
        r"aws-native:(emr|gamelift|appstream|deadline|robomaker|pcs|cloud9|workspaces|workspacesinstances|evs"
        r"|opsworkscm)"
        r":(InstanceFleetConfig|InstanceGroupConfig|Fleet|ContainerFleet|GameServerGroup|ImageBuilder|AppBlockBuilder"
        r"|ComputeNodeGroup|EnvironmentEc2|Workspace|WorkspacesPool|WorkspaceInstance|Environment|Server"
        r"|ApplicationFleetAssociation|StackFleetAssociation|QueueFleetAssociation|Volume|VolumeAssociation)"
        r"|aws-native:sagemaker:(NotebookInstance|EndpointConfig|InferenceComponent|InferenceExperiment|Space|App"
        r"|Domain|UserProfile|Cluster|ComputeQuota)",
        "VMs another service runs in the account and bills by the hour (EMR, GameLift, AppStream, Deadline, "
        "RoboMaker, Parallel Computing, Cloud9, WorkSpaces, VMware on EVS, OpsWorks, SageMaker): the service picks "
        "their images, volumes, metadata options and ports, and prices them per service (not in the offerings "
        "catalog), so no rule of this pack judges them",
    ),
    Exclusion(
        r"aws-native:(autoscaling|ec2|iam|devicefarm|dms|drs|mgn|servicecatalog):(LaunchConfigurationTemplate"
        r"|InstanceProfile|LaunchTemplateConstraint)",
        "an instance profile (an IAM role), a replication service's launch settings for recovered VMs, or a "
        "catalog constraint: runs nothing",
    ),
    Exclusion(
        r"aws-native:(batch|ecs|codebuild|sagemaker|imagebuilder|elasticbeanstalk|omics|iotanalytics|lightsail"
        r"|lambda|bedrock|bedrockagentcore|pipes|pcaconnectorad|location|panorama|iot|s3|sso|ses|servicediscovery"
        r"|connect|athena|rds|neptune|docdbelastic|elasticache|memorydb|redshift|redshiftserverless|fsx"
        r"|storagegateway|neptunegraph|timestream|opensearchservice|msk|m2|networkfirewall|route53resolver"
        r"|route53globalresolver|medialive|mediaconnect|fms|workspacesweb|nimblestudio):.*",
        "a managed service's resource: containers, jobs and builds billed per use (ECS, Batch jobs, CodeBuild, "
        "SageMaker jobs and models), images it builds, databases, caches, file systems, search, streaming, "
        "managed firewalls filtering what security groups admit, media inputs, Lightsail's managed services: no "
        "VM, image or port of the stack's own",
    ),
)
