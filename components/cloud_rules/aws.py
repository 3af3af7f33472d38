"""What EC2 accepts, and what a change of an EC2 VM does. Each fact names its source.

Checked and found nothing to enforce for the image aliases (kept here so nobody re-checks):
- Boot modes (DescribeInstanceTypes ``SupportedBootModes``): every arm64 type is UEFI-only and every
  arm64 AMI boots UEFI; no x86 type is UEFI-only, and the x86 alias AMIs boot legacy BIOS where UEFI is
  missing (``uefi-preferred``) or are legacy-BIOS images. A native AMI's boot mode is not known offline.
- IMDSv2 hop limit 1 is within 1-64 (botocore ``HttpPutResponseHopLimit``).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from typing import Any

from . import DiskLimit, Problem, SizeNeeds, ZoneError, common_size_problem, first_string, listed
from .aws_iam import iam_name_problems
from .aws_ingress import duplicate_permissions
from .aws_lifecycle import LIFECYCLE as LIFECYCLE  # what the cloud does with each edit of a running VM
from .aws_lifecycle import LIFECYCLE_SAMPLE as LIFECYCLE_SAMPLE
from .aws_lifecycle import VM_TYPE as VM_TYPE
from .aws_regions import region_restriction as region_restriction  # regions: GovCloud, US
from .aws_regions import us_region as us_region

# botocore CreateKeyPairRequest.KeyType: "ED25519 keys are not supported for Windows instances."
# (also https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/create-key-pairs.html)
WINDOWS_KEY_TYPES = ("ssh-rsa",)
# Security group rules: 60 inbound rules per group, counted per CIDR and separately for IPv4 and IPv6
# (quota L-0EA8095F). https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html
INBOUND_RULES_PER_FAMILY = 60
# CreateTags: "Each resource can have a maximum of 50 tags"; keys up to 127, values up to 256 characters.
MAX_TAGS = 50
MAX_TAG_KEY = 127
MAX_TAG_VALUE = 256
# "Don't use the aws: prefix in your tag names or values because it's reserved for AWS use"
# (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions): keys and values.
RESERVED_TAG_PREFIX = "aws:"
# EC2 takes any character in tags, but IAM and Systems Manager take only "letters, numbers, and spaces
# representable in UTF-8, and the following characters: + - = . _ : / @" (IAM: "Tagging IAM
# resources" > "Tag naming rules"; SSM: AddTagsToResource, Tag.Key/Value pattern
# ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$). A Windows VM's role, instance profile and admin-password
# parameter carry the VM's tags, so its tags must keep to that set.
IAM_SSM_TAG_PUNCTUATION = frozenset("+-=._:/@")


def iam_ssm_tag_text_ok(text: str) -> bool:
    return all(unicodedata.category(c)[0] in "LZN" or c in IAM_SSM_TAG_PUNCTUATION for c in text)


# Mac instances run only macOS, and only on an EC2 Dedicated Host ("Mac instances are available only
# as bare metal instances on Dedicated Hosts", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-mac-instances.html),
# which the component does not allocate: RunInstances would fail.
MAC_TYPES = re.compile(r"^mac")
# Windows Server runs on EC2 only on x86_64: every AWS Windows AMI is x86_64 ("AWS Windows AMI
# reference", https://docs.aws.amazon.com/ec2/latest/windows-ami-reference/windows-amis.html), and a
# Graviton (arm64) type boots only arm64 AMIs (DescribeInstanceTypes SupportedArchitectures).
WINDOWS_ARCHES = ("x86_64",)

# The Windows admin password is an SSM Parameter Store SecureString (standard tier: no charge,
# https://aws.amazon.com/systems-manager/pricing/) read at first boot with the VM's own instance
# profile, whose inline policy allows ssm:GetParameter on that one parameter ARN. No kms:Decrypt grant
# is needed: the AWS managed key aws/ssm "grants Decrypt permission to all IAM principals in the AWS
# account" (https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-restrict-decryption.html),
# so the ssm:GetParameter permission is what limits who reads it (any principal holding a broader
# ssm:GetParameter, e.g. ssm:Get* on *, can too; a customer managed key would narrow that).
ADMIN_PARAMETER_ROOT = "/multicloud-vm"


def admin_password_parameter(spec: Any) -> str:
    """The SSM parameter holding a Windows VM's admin password: unique per stack and VM, with the
    characters SSM names take (a-zA-Z0-9_.- and /; Pulumi project, stack and AWS VM names keep to
    them), not starting with the reserved aws/ssm prefixes."""
    return f"{ADMIN_PARAMETER_ROOT}/{spec.stack or 'project/stack'}/{spec.name}/admin-password"


def needs_ssm_endpoint(spec: Any) -> bool:
    """A Windows VM without a public IP in a network the component builds has no route to SSM's public
    endpoint (the internet gateway translates only public addresses; there is no NAT gateway), so it
    gets an SSM interface endpoint. With ``subnet_id`` the subnet's own routes (NAT, endpoints) apply."""
    return spec.is_windows and not spec.public_ip and spec.subnet_id is None


def ssm_endpoint_placeholder(region: str) -> str:
    """An interface endpoint's regional DNS name has this length (vpce-<17 hex>-<8>.ssm.<region>...)."""
    return f"https://vpce-0123456789abcdef0-abcdefgh.ssm.{region}.vpce.amazonaws.com"


def sent_user_data(spec: Any, user_data: str | None, endpoint: str | None = None) -> str | None:
    """The user data EC2 receives: on Windows the admin script (reading the password parameter, through
    ``endpoint`` where the VM needs one) then the user's script; on Linux the user's data, with a
    cloud-config creating the admin user where the image's login user differs."""
    # The boot scripts' MIME code is loaded only here (the size rules are loaded by ``compare`` too,
    # which has no use for it).
    from ..user_data import aws_windows_admin_script, aws_windows_user_data, linux_user_data

    if spec.is_windows:
        if endpoint is None and needs_ssm_endpoint(spec):
            endpoint = ssm_endpoint_placeholder(spec.region)
        admin = aws_windows_admin_script(spec.admin_username, admin_password_parameter(spec), spec.region, endpoint)
        return aws_windows_user_data(admin, user_data)
    return linux_user_data(spec.admin_username, spec.image.login_user, spec.ssh_public_key, user_data)


# IpRange.Description / SecurityGroup description (botocore): up to 255 characters of
# "a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*".
RULE_DESCRIPTION = re.compile(r"^[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{0,255}$")
# "User data is limited to 16 KB, in raw form, before it is base64-encoded."
# https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-add-user-data.html
MAX_USER_DATA_BYTES = 16384

SPOT_SOURCE = "DescribeInstanceTypes SupportedUsageClasses has no 'spot'"

TF_ATTACHMENT = "terraform-provider-aws internal/service/ec2/ebs_volume_attachment.go"
# Data volumes are aws.ebs.Volume + aws.ec2.VolumeAttachment, never inputs taken from the instance:
# - VOLUME_ZONE: aws_ebs_volume ``availability_zone`` is ForceNew (terraform-provider-aws
#   internal/service/ec2/ebs_volume.go), and when the engine replaces a resource delete-before-replace it
#   re-diffs every resource whose inputs depend on it with those inputs unknown
#   (``calculateDependentReplacements``, pulumi/pulumi pkg/resource/deploy/step_generator.go): a volume
#   zoned by ``instance.availability_zone`` was replaced, its data lost (issue #214 and PR #469 of
#   terraform-aws-modules/terraform-aws-ec2-instance). The zone is the spec's placement instead: an AZ ID
#   translated to the account's AZ name by ``aws.get_availability_zone`` (an invoke: no dependency).
VOLUME_ZONE = "the spec's zone, by aws.get_availability_zone(zone_id=...) (an invoke, no resource dependency)"
# - ATTACHMENT_REPLACE: ``device_name``, ``instance_id`` and ``volume_id`` are ForceNew on
#   aws_volume_attachment (TF_ATTACHMENT), so a replaced instance replaces its attachments. Deleted first
#   (delete_before_replace), the old attachment frees the volume before the new one attaches it to the new
#   instance (created first: the instance needs no delete_before_replace; pulumi/pulumi-aws#2769 was the
#   VolumeInUse error of the other order).
# - STOP_BEFORE_DETACHING: ``stop_instance_before_detaching`` makes the provider stop the instance
#   (StopInstances, waiting for ``stopped``) before DetachVolume (TF_ATTACHMENT, resourceVolumeAttachmentDelete):
#   the OS shuts down and unmounts cleanly. ``force_detach`` is never set ("can result in data loss"). An
#   instance from a one-time spot request cannot be stopped ("UnsupportedOperation: You can't stop the
#   Spot Instance ... associated with a one-time Spot Instance request"), so spot VMs detach without it.
#   Removing a data disk therefore stops its (on-demand) VM, which stays stopped until started again.
# - VOLUME_TAGS: the instance's ``volume_tags`` would fight the volumes' own tags ("Do not use volume_tags
#   if you plan to manage block device tags outside the aws_instance configuration ... resource cycling",
#   the pulumi_aws ec2.Instance docstring); the root volume is tagged by ``root_block_device.tags``
#   (ConflictsWith volume_tags). On an instance deployed with volume_tags this is an update in place, no
#   restart: the provider deletes the old volume_tags keys from every volume attached to the instance
#   (resourceInstanceUpdate: updateTags on getInstanceVolIDs), data volumes included, then tags the root
#   volume; the data volumes get their tags back at the next ``pulumi up --refresh``.


def stop_before_detaching(spec: Any) -> bool:
    """Whether the instance is stopped before a data volume is detached (not spot: see above)."""
    return not spec.spot


# The EBS volume type for the component's disk_type: General Purpose SSD gp3, or magnetic standard.
EBS_VOLUME_TYPE = {"ssd": "gp3", "standard": "standard"}


def sent_disk_type_for(kind: str, offering, boot: bool = True) -> str:
    """gp3 or standard on every size: EBS volume types do not depend on the instance type."""
    return EBS_VOLUME_TYPE[kind]


def resize_problem(old_type: str, offering) -> str | None:
    """EC2 changes the type with a stop and start (ModifyInstanceAttribute), and across architectures
    the provider replaces the instance (its data volumes are kept: they are resources of their own)."""
    return None


def size_problem(offering, needs: SizeNeeds) -> tuple[str, str] | None:
    """Spot support and the EBS attachment maximum (``MaximumEbsAttachments`` less the root volume)."""
    return common_size_problem(offering, needs, SPOT_SOURCE)


def spec_problems(spec: Any) -> list[tuple[str, object, str]]:
    problems = []
    key = spec.ssh_public_key
    if spec.is_windows and key and key.split()[0] not in WINDOWS_KEY_TYPES:
        problems.append(("ssh_public_key", key[:40], "Windows instances on AWS take only RSA keys (ssh-rsa)"))
    count = sum(len(rule.sources) for rule in spec.ingress)
    if count > INBOUND_RULES_PER_FAMILY:
        problems.append(
            (
                "ingress",
                f"[{count} IPv4 sources]",
                f"a security group takes at most {INBOUND_RULES_PER_FAMILY} inbound IPv4 rules (one per CIDR)",
            )
        )
    problems.extend(duplicate_permissions(spec.ingress))
    for index, rule in enumerate(spec.ingress):
        if rule.description and not RULE_DESCRIPTION.match(rule.description):
            problems.append(
                (
                    f"ingress[{index}].description",
                    rule.description,
                    "AWS rule descriptions take up to 255 of: letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
                )
            )
    problems.extend(tag_problems(spec))
    problems.extend(iam_name_problems(spec))
    if MAC_TYPES.match(spec.instance_type):
        problems.append(
            (
                "instance_type",
                spec.instance_type,
                "Mac instances run only macOS on an EC2 Dedicated Host, which the component does not allocate; "
                "choose another type",
            )
        )
    if spec.is_windows and spec.arch not in WINDOWS_ARCHES:
        problems.append(
            (
                "instance_type",
                spec.instance_type,
                f"Windows runs on EC2 only on x86_64 types; {spec.instance_type} is {spec.arch}",
            )
        )
    problems.extend(user_data_problems(spec, spec.user_data))
    return problems


def tag_problems(spec: Any) -> list[tuple[str, object, str]]:
    """Beyond the EC2 tag rules (components/spec/tags.py): a Windows VM's tags also go on IAM and SSM."""
    problems = []
    for key, value in spec.tags.items():
        if spec.is_windows and not (iam_ssm_tag_text_ok(key) and iam_ssm_tag_text_ok(value)):
            problems.append(
                (
                    f"tags.{key}",
                    value,
                    "a Windows VM's IAM role and SSM parameter carry its tags, and IAM and SSM tags take only "
                    "letters, digits, spaces and + - = . _ : / @",
                )
            )
    return problems


def user_data_problems(spec: Any, user_data: Any) -> list[tuple[str, object, str]]:
    """The user data as EC2 receives it: a form the component can combine with its admin script, within
    16 KB. Runs on plain values (from validation, or on secret inputs once they are known)."""
    if not isinstance(user_data, (str, type(None))):
        return []
    if spec.is_windows and user_data:
        from ..user_data import parse_ec2_windows_user_data

        parsed = parse_ec2_windows_user_data(user_data)
        if isinstance(parsed, str):
            return [("user_data", "[" + user_data.strip()[:30] + "]", parsed)]
    size = len((sent_user_data(spec, user_data) or "").encode())
    if size > MAX_USER_DATA_BYTES:
        return [
            (
                "user_data",
                f"[{size} bytes as sent]",
                f"EC2 takes at most {MAX_USER_DATA_BYTES} bytes of user data, including the parts the "
                "component adds (the admin user's cloud-config or Windows admin script)",
            )
        ]
    return []


# An EBS volume changes type in place (ModifyVolume; aws_ebs_volume ``type`` is not ForceNew).
DATA_DISK_TYPE_CHANGE = "update"


# --- What the cloud-agnostic layers ask of AWS (the names of surface.CloudRules) -------------------

TITLE = "AWS"
# pulumi-aws (the component's) and pulumi-aws-native (Cloud Control) resources.
PULUMI_PACKAGES = ("aws", "aws-native")
# pulumi-aws reads its region from ``aws:region`` (https://www.pulumi.com/registry/packages/aws/installation-configuration/).
PROVIDER_CONFIG = {"region": "aws:region"}
PROJECT_ENVIRONMENT: tuple[str, ...] = ()
OWN_KEYS: dict[str, Any] = {}

# The component's rule for a VM's (or network's) name, from which its resources' names and Name tags derive.
NAME_RULE = (re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"), "letters, digits, '-', '_' or '.', 1-128 characters")
# A data volume's name is a tag value: nothing below the component's own 63.
MAX_DISK_RESOURCE_NAME = None
# A volume's name is its Name tag, updated in place (tags are not ForceNew on aws_ebs_volume).
SENDS_DISK_NAME = False

# "Amazon EC2 supports ED25519 and 2048-bit SSH-2 RSA keys for Linux instances"
# (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/create-key-pairs.html).
SSH_KEY_TYPES = ("ssh-rsa", "ssh-ed25519")
RESERVED_USERNAMES: frozenset[str] = frozenset()
# EC2 puts the key pair's key in the AMI's default user's authorized_keys (ec2-user, ubuntu, ...):
# https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/managing-users.html.
ADMIN_IS_IMAGE_LOGIN_USER = True
LINUX_NEEDS_SSH_KEY = False
MAX_WINDOWS_COMPUTER_NAME = None
# Resource IDs: "subnet-" and 8 or 17 hexadecimal characters
# (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html).
SUBNET_ID = (re.compile(r"^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$"), "subnet-0123456789abcdef0")
# A native image: an AMI id, "ami-" and 8 or 17 hexadecimal characters (the same page).
NATIVE_IMAGE = (re.compile(r"^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$"), "an AMI id like ami-0abcdef1234567890")
ADMIN_ACCESS_ADVICE = (
    "allow the port only from a trusted CIDR (VPN or office range), or drop the rule and reach "
    "the VM with SSM Session Manager or EC2 Instance Connect Endpoint"
)

IMAGE_GENERATIONS = False
IMAGE_NAMES_CASE_SENSITIVE = True
# EBS volume sizes: SSD (gp3) 1 GiB - 16 TiB; magnetic (standard) 1 GiB - 1 TiB
# (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html).
MAX_OS_DISK_GIB = 16384
MAX_DATA_DISK_GIB = 16384
STANDARD_DISK_LIMIT = DiskLimit(1024, "EBS standard (magnetic) volumes")
# gp3 volumes hold 1 GiB to 16 TiB, standard (magnetic) 1 GiB to 1 TiB
# (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html): no minimum above 1 GiB.
MIN_DISK_GIB: dict[str, int] = {}

TAG_NOUN = "tags"
# The component tags every resource with Name (the console's name column).
COMPONENT_TAGS = ("Name",)
# "Tag keys and values are case-sensitive" (Using_Tags.html#tag-restrictions, as above).
TAG_KEYS_CASE_SENSITIVE = True

# Mac and High Memory (u-, u7) instances run only on Dedicated Hosts (MAC_TYPES above;
# https://docs.aws.amazon.com/ec2/latest/instancetypes/mem.html), which the component does not allocate.
AUTO_EXCLUDED = re.compile(r"^(mac\d|mac-|u-|u7)")
# T instances are burstable performance instances (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html).
BURSTABLE = re.compile(r"^t\d")
LICENCE_NOT_PER_VCPU = None  # every size's Windows licence is its vCPUs times the per-vCPU rate
# "Each subnet must reside entirely within one Availability Zone"
# (https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html).
ZONAL_SUBNETS = True
REGIONAL_WITHOUT_ZONE = False
PLACED_WITHOUT_ZONE_DATA = False
NETWORK_CIDR_REFUSED = None

# An AZ ID (``use1-az4``) is the same physical zone in every account; an AZ name (``us-east-1a``) is mapped
# per account in the oldest regions (https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html).
AZ_ID = re.compile(r"^[a-z]+\d+-az\d+$")
# A zone name: the region and a letter (us-east-1a).
ZONE_NAME = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$")


def auto_selection_problem(offering) -> str | None:
    if AUTO_EXCLUDED.match(offering.instance_type):
        return "AWS Mac and high-memory types run on dedicated hosts only"
    return None


def image_generation_of(image: Any) -> str | None:
    return None


def image_secure_boot(image: Any) -> bool:
    return True


def native_image_shielded(image: str) -> bool:
    return False


def tag_problem(key: str, value: str) -> str | None:
    if len(key) > MAX_TAG_KEY or len(value) > MAX_TAG_VALUE or key.lower().startswith(RESERVED_TAG_PREFIX):
        return (
            f"AWS tags: key 1-{MAX_TAG_KEY} chars not starting with {RESERVED_TAG_PREFIX!r}, "
            f"value at most {MAX_TAG_VALUE}"
        )
    if value.lower().startswith(RESERVED_TAG_PREFIX):
        return f"AWS reserves the {RESERVED_TAG_PREFIX!r} prefix for tag keys and values"
    return None


def tag_set_problem(tags) -> Problem | None:
    return None


def sent_tags(tags) -> dict[str, str]:
    return dict(tags)


def requested_zone(region: str, zone: object, catalog) -> str | None:
    """An AZ ID of the region, or an AZ name: translated to its ID where the catalog knows the mapping
    is the same in every account, else kept (only the account resolves it; see ``spec.placement``)."""
    zones, names = catalog.zones(region), catalog.zone_names(region)
    valid = f"an AZ ID of {region} ({listed(zones)})" + (f" or AZ name ({listed(names)})" if names else "")
    if not isinstance(zone, str):
        raise ZoneError(f"expected {valid}")
    if AZ_ID.fullmatch(zone):
        if zones and zone not in zones:
            raise ZoneError(f"no such AZ ID in {region}; expected {valid}")
        return zone
    if not re.fullmatch(re.escape(region) + r"[a-z]", zone):
        raise ZoneError(f"expected {valid}")
    if names and zone not in names:
        raise ZoneError(f"{region} has no zone {zone}; expected {valid}")
    return names.get(zone) or zone


def account_zone(zone: str) -> bool:
    """An AZ name without a known ID: which physical zone it is depends on the account."""
    return not AZ_ID.match(zone)


def region_of_default_zone(zone: str) -> str | None:
    return None


def data_disk_scope(spec: Any) -> tuple[str, str] | None:
    """Where a VM's EBS volumes are placed. In the component's network (shared or dedicated) they are in
    the zone the lock keeps (checked apart). With ``subnet_id`` they take the subnet's zone, which only
    the account knows (looked up at deploy time: clouds/aws.py volume_zone): another subnet, or a move
    between ``subnet_id`` and the component's network, may be another zone, and an EBS volume's
    availability_zone is ForceNew (VOLUME_ZONE), so every volume would be replaced."""
    if spec.subnet_id:
        return "subnet_id", f"subnet {spec.subnet_id}"
    return "network", "the component's network, in the zone the lock keeps"


def network_key(region: str, project: str | None, resource_group_name: str | None) -> tuple:
    """One network per region (the trailing None keeps the key, and the names derived from it, as they were)."""
    return ("aws", region, None)


def network_region_problem(region: str) -> str | None:
    return None


def subnet_cidr(network_cidr: str, zone_id: str) -> str:
    """An AZ's subnet: the /(n+4) of the VPC block numbered by the AZ ID's number (``use1-az4`` ->
    the 4th), so a subnet never moves when zones are added or removed."""
    number = int(zone_id.rsplit("az", 1)[1])
    return str(list(ipaddress.ip_network(network_cidr).subnets(prefixlen_diff=4))[number])


def size_family(instance_type: str) -> str:
    """``m6i`` of ``m6i.large``."""
    return instance_type.split(".")[0]


def constrained_vcpus(name: str, listed: float) -> tuple[int, float] | None:
    return None


def resource_region(props: dict, provider: dict) -> list:
    """pulumi-aws 7 resources take their own ``region``, else their zone's, else the provider's."""
    return [
        props.get("region"),
        region_of_zone_name(props.get("availabilityZone")),
        region_of_zone_name(first_string(props.get("availabilityZones"))),
        provider.get("region"),
    ]


def resource_zone(props: dict) -> Any:
    return props.get("availabilityZone")


def region_of_zone_name(zone: Any) -> str | None:
    """us-east-1a -> us-east-1."""
    match = ZONE_NAME.match(zone) if isinstance(zone, str) else None
    return match.group(1) if match else None


def account_zone_problem(offering, catalog, name: str, network: str | None) -> str | None:
    """Why an AZ name only the account resolves cannot be taken: in a network, whose subnets are placed by AZ
    ID; for a size some zone of the region does not offer (the name could be that zone)."""
    region, size = offering.region, offering.instance_type
    if network is not None:
        return (
            f"which physical zone {name} is depends on the AWS account in {region}, and a network's subnets "
            f"are placed by AZ ID; give an AZ ID ({listed(offering.zones or catalog.zones(region))})"
        )
    missing = [z for z in catalog.zones(region) if z not in (offering.zones or ())]
    if catalog.zone_offerings_known(region) and missing:
        return (
            f"which physical zone {name} is depends on the AWS account in {region}, and {size} is not "
            f"offered in every zone (not in {listed(missing)}); give the AZ ID instead: "
            f"{listed(offering.zones or ())} offer it"
        )
    return None


def region_named(text: object) -> str | None:
    """Region names compare as they are written."""
    return text if isinstance(text, str) and text else None


# --- Billing, as components/pricing.py prices a VM -------------------------------------------------
# EBS volumes are billed per GiB-month of provisioned size, with no size tiers
# (https://aws.amazon.com/ebs/pricing/): the part ``disk:<type>`` times the size.
DISK_TIERS: dict[str, tuple[tuple[str, int], ...]] = {}
# A Windows VM's admin password: "Standard parameters: no additional charge" (storage and standard
# throughput API calls), https://aws.amazon.com/systems-manager/pricing/ (Parameter Store).
ADMIN_PASSWORD_STORE: tuple[float, str] | None = (0.0, "SSM Parameter Store standard SecureString: no charge")
# The shipped snapshot has no AWS spot prices; the public feed behind the EC2 Spot pricing page has them.
SPOT_PRICES_COMMAND = "catalog refresh aws --spot-feed"

# Instance type names are matched as written ("m5.large"; EC2 answers InvalidParameterValue to another case).
SIZE_NAMES_CASE_SENSITIVE = True


def password_endpoint(spec: Any) -> bool:
    """Whether a Windows VM reads its admin password through an interface endpoint the component
    creates (and its stack pays for): the SSM endpoint of :func:`needs_ssm_endpoint`."""
    return needs_ssm_endpoint(spec)


COLOUR = "#ff9900"  # AWS's orange, for compare --chart
