"""The policy corpus, continued: AWS through the aws-native provider (CloudFormation's shapes). One
insecure and one secure shape per checked type (see tests/support/policy_corpus.py), written with that
SDK's own classes, plus the bypasses the issue found through it (SSH opened by an aws-native
security group or ingress rule)."""

from __future__ import annotations

import base64

import pulumi
import pulumi_aws_native as aws_native

from tests.support.policy_corpus import BAD_AMI, GOOD_AMI, OWNER, UNPRICED, Case, Shape

ADMIN = "admin-ports-open-to-internet"
NOT_JUDGED = "not-judged-by-this-pack"
CFN_OWNER = [{"key": "owner", "value": "team-a"}]
SECRET_USER_DATA = base64.b64encode(b"#!/bin/bash\nexport DB_PASSWORD=Sup3rS3cretPw\n").decode()
CLEAN_USER_DATA = base64.b64encode(b"#!/bin/bash\necho hello\n").decode()

# --- aws-native ------------------------------------------------------------------------------------


def cfn_ssh(cidr):
    return {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ip": cidr}


def cfn_disks(good):
    return [{"device_name": "/dev/xvda", "ebs": {"volume_size": 8, "encrypted": good}}]


def cfn_instance(name, good):
    if good:
        return aws_native.ec2.Instance(
            name,
            image_id=GOOD_AMI,
            instance_type="t3.micro",
            metadata_options={"http_tokens": "required"},
            block_device_mappings=cfn_disks(True),
            user_data=CLEAN_USER_DATA,
            tags=CFN_OWNER,
        )
    return aws_native.ec2.Instance(
        name,
        image_id=BAD_AMI,
        instance_type=UNPRICED["aws"],
        availability_zone="eu-west-1a",
        metadata_options={"http_tokens": "optional"},
        network_interfaces=[{"device_index": "0", "associate_public_ip_address": True}],
        user_data=SECRET_USER_DATA,
    )


def cfn_template_data(good):
    if good:
        return {
            "image_id": GOOD_AMI,
            "instance_type": "t3.micro",
            "metadata_options": {"http_tokens": "required"},
            "block_device_mappings": cfn_disks(True),
        }
    return {
        "image_id": BAD_AMI,
        "instance_type": UNPRICED["aws"],
        "metadata_options": {"http_tokens": "optional"},
        # one encrypted data volume: the root takes the AMI's unencrypted default
        "block_device_mappings": [{"device_name": "/dev/sdf", "ebs": {"volume_size": 8, "encrypted": True}}],
        "network_interfaces": [{"device_index": 0, "associate_public_ip_address": True}],
        "user_data": SECRET_USER_DATA,
    }


def cfn_template(name, good):
    return aws_native.ec2.LaunchTemplate(name, launch_template_name=name, launch_template_data=cfn_template_data(good))


def cfn_launch_configuration(name, good):
    if good:
        return aws_native.autoscaling.LaunchConfiguration(
            name,
            image_id=GOOD_AMI,
            instance_type="t3.micro",
            metadata_options={"http_tokens": "required"},
            block_device_mappings=cfn_disks(True),
        )
    return aws_native.autoscaling.LaunchConfiguration(
        name,
        image_id=BAD_AMI,
        instance_type=UNPRICED["aws"],
        associate_public_ip_address=True,
        block_device_mappings=cfn_disks(False),
        user_data=SECRET_USER_DATA,
    )


def cfn_group(name, good):
    if good:
        template = cfn_template(f"{name}-lt", True)
        return aws_native.autoscaling.AutoScalingGroup(
            name,
            min_size="1",
            max_size="4",
            desired_capacity="2",
            availability_zones=["us-east-1a"],
            launch_template={"launch_template_id": template.id, "version": "1"},
            tags=[{"key": "owner", "value": "team-a", "propagate_at_launch": True}],
        )
    return aws_native.autoscaling.AutoScalingGroup(
        name,
        min_size="2",
        max_size="4",
        availability_zones=["eu-west-1a"],
        mixed_instances_policy={
            "launch_template": {
                "launch_template_specification": {"launch_template_name": "elsewhere", "version": "1"},
                "overrides": [{"instance_type": UNPRICED["aws"]}],
            }
        },
    )


def cfn_spot_fleet(name, good):
    role = "arn:aws:iam::123456789012:role/fleet"
    if good:
        template = cfn_template(f"{name}-lt", True)
        config = {
            "iam_fleet_role": role,
            "target_capacity": 2,
            "launch_template_configs": [
                {"launch_template_specification": {"launch_template_id": template.id, "version": "1"}}
            ],
        }
    else:
        config = {
            "iam_fleet_role": role,
            "target_capacity": 3,
            "launch_specifications": [
                {
                    "image_id": BAD_AMI,
                    "instance_type": UNPRICED["aws"],
                    "block_device_mappings": cfn_disks(False),
                    "network_interfaces": [{"device_index": 0, "associate_public_ip_address": True}],
                    "user_data": SECRET_USER_DATA,
                }
            ],
        }
    return aws_native.ec2.SpotFleet(name, spot_fleet_request_config_data=config)


def cfn_ec2_fleet(name, good):
    if good:
        template = cfn_template(f"{name}-lt", True)
        spec = {"launch_template_id": template.id, "version": "1"}
        overrides = []
    else:
        spec = {"launch_template_name": "elsewhere", "version": "1"}
        overrides = [{"instance_type": UNPRICED["aws"]}]
    return aws_native.ec2.Ec2Fleet(
        name,
        launch_template_configs=[{"launch_template_specification": spec, "overrides": overrides}],
        target_capacity_specification={"total_target_capacity": 2, "default_target_capacity_type": "on-demand"},
    )


def cfn_capacity(name, good):
    return aws_native.ec2.CapacityReservation(
        name,
        instance_type="t3.micro" if good else UNPRICED["aws"],
        instance_count=1,
        instance_platform="Linux/UNIX",
        availability_zone="us-east-1a" if good else "eu-west-1a",
    )


def cfn_node_group(name, good):
    """CloudFormation node groups take their region from the provider: the insecure one uses eu-west-1's."""
    provider = None if good else aws_native.Provider(f"{name}-eu", region="eu-west-1")
    return aws_native.eks.Nodegroup(
        name,
        opts=pulumi.ResourceOptions(provider=provider),
        cluster_name="eks",
        node_role="arn:aws:iam::123456789012:role/node",
        subnets=["subnet-1"],
        scaling_config={"desired_size": 2, "min_size": 1, "max_size": 4},
        instance_types=["t3.micro"] if good else [UNPRICED["aws"]],
        tags=OWNER if good else None,
    )


def cfn_batch(name, good):
    return aws_native.batch.ComputeEnvironment(
        name,
        type="MANAGED",
        compute_resources={
            "type": "EC2",
            "maxv_cpus": 4096,
            "minv_cpus": 0 if good else 1000,
            "instance_types": ["c5.large"] if good else [UNPRICED["aws"]],
            "subnets": ["subnet-1"],
        },
    )


def cfn_lightsail(name, good):
    ports = [{"protocol": "tcp", "from_port": 22, "to_port": 22, **({"cidrs": ["10.0.0.0/8"]} if good else {})}]
    return aws_native.lightsail.Instance(
        name,
        blueprint_id="ubuntu_22_04",
        bundle_id="nano_3_0",
        networking={"ports": ports},
        user_data=None if good else "#!/bin/bash\nexport API_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
        tags=CFN_OWNER if good else None,
    )


SHAPES = [
    Shape(
        "aws-native:ec2:SecurityGroup",
        lambda n, good: aws_native.ec2.SecurityGroup(
            n, group_description="web", security_group_ingress=[cfn_ssh("10.0.0.0/8" if good else "0.0.0.0/0")]
        ),
    ),
    Shape(
        "aws-native:ec2:SecurityGroupIngress",
        lambda n, good: aws_native.ec2.SecurityGroupIngress(
            n, group_id="sg-1", **cfn_ssh("10.0.0.0/8" if good else "0.0.0.0/1")
        ),
    ),
    Shape("aws-native:lightsail:Instance", cfn_lightsail, never_secure_for=(NOT_JUDGED,)),
    Shape("aws-native:ec2:Instance", cfn_instance),
    Shape("aws-native:ec2:LaunchTemplate", cfn_template),
    Shape("aws-native:autoscaling:LaunchConfiguration", cfn_launch_configuration),
    Shape("aws-native:autoscaling:AutoScalingGroup", cfn_group),
    Shape("aws-native:ec2:SpotFleet", cfn_spot_fleet),
    Shape("aws-native:ec2:Ec2Fleet", cfn_ec2_fleet),
    Shape(
        "aws-native:ec2:Volume",
        lambda n, good: aws_native.ec2.Volume(
            n,
            availability_zone="us-east-1a" if good else "eu-west-1a",
            size=10,
            encrypted=good or None,
            tags=CFN_OWNER if good else None,
        ),
    ),
    Shape(
        "aws-native:ec2:Eip",
        lambda n, good: aws_native.ec2.Eip(n, domain="vpc", **({} if good else {"instance_id": "i-1"})),
    ),
    Shape(
        "aws-native:ec2:EipAssociation",
        lambda n, good: aws_native.ec2.EipAssociation(n, allocation_id="eipalloc-1", instance_id="i-1"),
        secure=False,
    ),
    Shape("aws-native:ec2:CapacityReservation", cfn_capacity),
    Shape(
        "aws-native:ec2:Host",
        lambda n, good: aws_native.ec2.Host(
            n,
            availability_zone="us-east-1a" if good else "eu-west-1a",
            instance_family="m5",
            tags=CFN_OWNER if good else None,
        ),
    ),
    Shape("aws-native:eks:Nodegroup", cfn_node_group, never_secure_for=(NOT_JUDGED,)),
    Shape("aws-native:batch:ComputeEnvironment", cfn_batch, never_secure_for=(NOT_JUDGED,)),
]


# The bypasses the issue found through this provider, as cases.
CASES = [
    Case(
        ADMIN,
        "awsn-sg-ssh-world",
        True,
        lambda n: aws_native.ec2.SecurityGroup(
            n, group_description="web", security_group_ingress=[cfn_ssh("0.0.0.0/0")]
        ),
    ),
    Case(
        ADMIN,
        "awsn-ingress-v6",
        True,
        lambda n: aws_native.ec2.SecurityGroupIngress(n, group_id="sg-1", ip_protocol="-1", cidr_ipv6="::/0"),
    ),
]
