"""What EC2 itself does with each edit of a running VM (``cloud_rules.ROWS``), with its source: the
``LIFECYCLE`` of ``cloud_rules/aws.py``. What ``pulumi up`` does with the component's resources is
generated from it (``components/tools/lifecycle.py``, the tables of docs/cloud-rules.md), on the sample VM
``LIFECYCLE_SAMPLE`` (``VM_TYPE`` is the resource the VM itself is)."""

from __future__ import annotations

from . import Change, LifecycleSample

EC2 = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide"

# What EC2 itself does with each edit of a running instance (the component's outcome is generated:
# components/tools/lifecycle.py).
LIFECYCLE: dict[str, Change] = {
    "image alias": Change("replace", "RunInstances ImageId: the root volume is made from the AMI at launch"),
    "instance_type (same series)": Change(
        "restart", f"{EC2}/change-instance-type.html: 'You must stop your instance before you can change its type'"
    ),
    "instance_type (another series)": Change(
        "replace",
        f"{EC2}/change-instance-type.html: the new type must support the AMI's architecture (x86_64 to arm64 here)",
        "within one architecture another series is a restart like the same series",
    ),
    "user_data": Change(
        "restart",
        f"{EC2}/user-data.html: user data changes only while the instance is stopped",
        "cloud-init and EC2Launch run it once per instance: only a new instance runs new user data",
    ),
    "ssh_public_key": Change("replace", f"{EC2}/ec2-key-pairs.html: the key pair is set at launch"),
    "admin_username": Change("restart", "the admin user is created by the component's cloud-config, in user data"),
    "admin_password (Windows)": Change(
        "update",
        "the VM's SSM SecureString parameter takes a new value in place (value_wo, when value_wo_version changes: "
        "terraform-provider-aws internal/service/ssm/parameter.go)",
        "EC2Launch reads it at first boot only",
    ),
    "zone": Change("replace", f"{EC2}/using-regions-availability-zones.html: an instance stays in its AZ"),
    "region": Change("replace", "EC2 resources are regional"),
    "spot": Change("replace", f"{EC2}/spot-requests.html: a one-time Spot request cannot become On-Demand"),
    "disk_type": Change("update", "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modify-volume.html"),
    "disk_size_gib (grow)": Change(
        "update",
        "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modify-volume.html: online; a volume cannot shrink",
    ),
    "data_disks (add)": Change("update", f"{EC2}/ebs-attaching-volume.html: attaches to a running instance"),
    "data_disks (remove the first)": Change("update", "a volume detaches from a running instance (unmount it first)"),
    "data_disks (reorder)": Change("update", "a volume keeps its data wherever it is attached"),
    "ingress": Change("update", "security group rules change in place"),
    "public_ip": Change("replace", f"{EC2}/using-instance-addressing.html: a public IPv4 is assigned only at launch"),
    "tags": Change("update", "CreateTags / DeleteTags"),
    "Windows VM deployed by an earlier version": Change(
        "restart",
        f"{EC2}/user-data.html: user data changes only while the instance is stopped; an instance profile is "
        "associated to a running instance (AssociateIamInstanceProfile)",
        "the admin password leaves the user data for the VM's SSM parameter",
    ),
    "Windows spot VM deployed by an earlier version": Change(
        "replace",
        f"{EC2}/spot-requests.html: a one-time Spot instance cannot be stopped, so its user data cannot change",
        "the admin password leaves the user data for the VM's SSM parameter",
    ),
}


# The resource the VM itself is, whose steps the lifecycle tables read.
VM_TYPE = "aws:ec2/instance:Instance"

# The VM the lifecycle tables deploy and then edit (components/tools/lifecycle.py).
LIFECYCLE_SAMPLE = LifecycleSample(
    region="us-east-1",
    zone="use1-az1",
    other_zone="use1-az2",
    other_region="us-west-2",
    instance_type="m6i.large",
    bigger_type="m6i.xlarge",
    other_series_type="m7g.large",
)
