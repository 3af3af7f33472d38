"""AWS: a Windows VM's password store, what its first boot reads the admin password from: an SSM
SecureString, an IAM role and instance profile for this VM alone, and where the VM has no route to SSM
an interface endpoint (see cloud_rules.aws)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..cloud_rules.aws import admin_password_parameter, needs_ssm_endpoint, sent_user_data
from .base import VmBuild, first_boot_version


@dataclass
class WindowsAdmin:
    """What a Windows VM's first boot reads its admin password with: the user data that fetches it,
    the instance profile allowed to, and the resources the instance waits for and is replaced with."""

    user_data: pulumi.Output[str]
    instance_profile: pulumi.Output[str]
    password_store: pulumi.Resource
    depends_on: list[pulumi.Resource]


# What the VM's role (and its SSM endpoint) allows on the one parameter holding its password.
READ_PARAMETER = {"Effect": "Allow", "Action": "ssm:GetParameter"}


def _policy(statement: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def password_store(
    build: VmBuild, subnet_id: pulumi.Input[str], vpc_id: pulumi.Input[str], security_group: aws.ec2.SecurityGroup
) -> WindowsAdmin:
    """A Windows VM's admin password as an SSM SecureString (write-only input), an IAM role and instance
    profile for this VM alone allowed ssm:GetParameter on that one parameter, and for a VM without a
    route to SSM an interface endpoint only its security group reaches (see cloud_rules.aws)."""
    spec = build.spec
    parameter = admin_password(build)
    role, policy, profile = admin_role(build, parameter)
    endpoint_url: pulumi.Output[str | None] = pulumi.Output.from_input(None)
    if needs_ssm_endpoint(spec):
        endpoint_url = ssm_endpoint(build, subnet_id, vpc_id, security_group, parameter, role)
    user_data = pulumi.Output.secret(
        pulumi.Output.all(spec.user_data, endpoint_url).apply(lambda values: sent_user_data(spec, *values))
    )
    return WindowsAdmin(user_data, profile.name, parameter, [parameter, policy, profile])


def admin_password(build: VmBuild) -> aws.ssm.Parameter:
    """The SSM parameter holding the admin password, versioned by what the first boot applies."""
    spec = build.spec
    return aws.ssm.Parameter(
        f"{spec.name}-admin-password",
        name=admin_password_parameter(spec),
        type="SecureString",
        tier="Standard",
        description=f"{spec.name}: Windows admin password, read once at first boot (multicloud-vm)",
        value_wo=pulumi.Output.secret(spec.admin_password),
        value_wo_version=first_boot_version(spec.admin_password, spec.admin_username, spec.user_data),
        region=spec.region,
        tags=build.tags,
        # A new version is a new parameter, and its replacement replaces the VM (replace_with), so the
        # new first boot applies it; the name is fixed, so the old one goes first.
        opts=build.opts(replace_on_changes=["valueWoVersion"], delete_before_replace=True),
    )


def admin_role(build: VmBuild, parameter: aws.ssm.Parameter) -> tuple:
    """The VM's own IAM role, its policy reading ``parameter`` alone, and its instance profile; with
    the parameter, kept as ``admin_password``, ``admin_role``, ``admin_role_policy``, ``instance_profile``."""
    name = build.name
    role = aws.iam.Role(
        f"{name}-admin-role",
        assume_role_policy=_policy(
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ),
        description=f"{name}: reads its own admin password at first boot (multicloud-vm)",
        tags=build.tags,
        opts=build.opts(),
    )
    policy = aws.iam.RolePolicy(
        f"{name}-admin-policy",
        role=role.id,
        policy=parameter.arn.apply(lambda arn: _policy({**READ_PARAMETER, "Resource": arn})),
        opts=build.opts(),
    )
    profile = aws.iam.InstanceProfile(f"{name}-admin-profile", role=role.name, tags=build.tags, opts=build.opts())
    build.resources.update(
        admin_password=parameter, admin_role=role, admin_role_policy=policy, instance_profile=profile
    )
    return role, policy, profile


def ssm_endpoint(
    build: VmBuild,
    subnet_id: pulumi.Input[str],
    vpc_id: pulumi.Input[str],
    security_group: aws.ec2.SecurityGroup,
    parameter: aws.ssm.Parameter,
    role: aws.iam.Role,
) -> pulumi.Output[str | None]:
    """An SSM interface endpoint in the VM's subnet that only the VM's security group reaches and only
    its role may read ``parameter`` through; its URL, for the first boot's script."""
    name, region = build.name, build.spec.region
    endpoint_group = aws.ec2.SecurityGroup(
        f"{name}-ssm-sg",
        vpc_id=vpc_id,
        description=f"{name}: HTTPS from the VM to its SSM endpoint (multicloud-vm)",
        ingress=[
            {
                "protocol": "tcp",
                "from_port": 443,
                "to_port": 443,
                "security_groups": [security_group.id],
                "description": "HTTPS from the VM",
            }
        ],
        egress=[],
        region=region,
        tags=build.tags,
        opts=build.opts(),
    )
    endpoint = aws.ec2.VpcEndpoint(
        f"{name}-ssm",
        vpc_id=vpc_id,
        service_name=f"com.amazonaws.{region}.ssm",
        vpc_endpoint_type="Interface",
        subnet_ids=[subnet_id],
        security_group_ids=[endpoint_group.id],
        # Private DNS would claim ssm.<region>.amazonaws.com for the whole VPC (one per VPC); the
        # script names this endpoint instead.
        private_dns_enabled=False,
        policy=pulumi.Output.all(parameter.arn, role.arn).apply(
            lambda arns: _policy({**READ_PARAMETER, "Resource": arns[0], "Principal": {"AWS": arns[1]}})
        ),
        region=region,
        tags=build.tags,
        opts=build.opts(),
    )
    build.resources.update(ssm_endpoint=endpoint, ssm_endpoint_security_group=endpoint_group)
    return endpoint.dns_entries.apply(
        lambda entries: f"https://{entries[0].dns_name}" if entries and entries[0].dns_name else None
    )
