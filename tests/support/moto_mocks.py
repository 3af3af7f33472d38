"""Pulumi mocks whose AWS answers come from moto: the EC2 API emulated in-process.

Plain mocks (``components.offline.RecordingMocks``) echo what the program sends, so a wrong AMI owner,
a name pattern that matches nothing, an instance type a region does not offer or a malformed key all
pass them. :class:`MotoMocks` instead creates every AWS resource the program registers in moto, from
the inputs the program sends, the way the Terraform-based AWS provider calls the EC2 API, and
returns moto's ids, IPs and attributes as the resources' outputs. Later resources receive those ids
(a subnet gets the VPC id moto returned), so references between resources are resolved by moto too.

Use it inside an active :func:`moto_environment` (``mock_aws`` plus moto's validation switches and the
AMI fixture), and read moto's state back through :meth:`MotoMocks.client`.

What moto does not emulate is answered like plain mocks and recorded in ``MotoMocks.unmodelled``
(resource types and invoke tokens) and ``MotoMocks.ignored_inputs`` (inputs moto accepts but keeps
nothing of); the tests print and assert both.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import moto.settings
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ec2.models import ec2_backends

from components.offline import Evaluation, RecordingMocks, evaluate, fake_invoke_result, unwrap_secrets
from tests.support.common import FIXTURES

AMI_FIXTURE = FIXTURES / "moto_amis.json"
# moto loads every MOTO_AMIS_PATH image into every region; this tag says which region an image is
# really in (AMI ids are regional on AWS), and MotoMocks removes it from the other regions.
AMI_REGION_TAG = "moto-fixture:region"
DEFAULT_REGION = "us-east-1"

# moto reads these when moto.settings is imported (bool(os.environ.get(...)): any non-empty value,
# even "false", turns them on), so setting the environment afterwards changes nothing: the
# attributes are patched as well.
VALIDATION_SETTINGS = {
    "MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION": "EC2_ENABLE_INSTANCE_TYPE_VALIDATION",
    "MOTO_ENABLE_AMI_VALIDATION": "ENABLE_AMI_VALIDATION",
    "MOTO_ENABLE_KEYPAIR_VALIDATION": "ENABLE_KEYPAIR_VALIDATION",
}
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": DEFAULT_REGION,
}

# Inputs moto accepts (or that have no EC2 API counterpart in moto) but does not keep: they cannot be
# read back, so the tests cannot check them against moto.
IGNORED_INPUTS = {
    "aws:ec2/instance:Instance": {
        "creditSpecification": "moto ignores CreditSpecification (DescribeInstanceCreditSpecifications is always 'standard')",
        "instanceMarketOptions.spotOptions": "moto keeps only the market type (InstanceLifecycle 'spot')",
    },
}


@contextlib.contextmanager
def moto_environment(amis_path: Path = AMI_FIXTURE) -> Iterator[None]:
    """Fake credentials, moto's instance-type/AMI/key-pair validation on, the AMI fixture loaded
    through MOTO_AMIS_PATH, and ``mock_aws`` active. Restores everything on exit.

    moto reads MOTO_AMIS_PATH into ``moto.ec2.models.amis.AMIS`` when that module is first imported;
    another test may have imported it before, so the module attribute is replaced too. Each region's
    backend loads the list when it is first used (the same images in every region)."""
    from moto.ec2.models import amis as moto_amis

    with pytest.MonkeyPatch.context() as patch:
        for key, value in FAKE_CREDENTIALS.items():
            patch.setenv(key, value)
        for env, attribute in VALIDATION_SETTINGS.items():
            patch.setenv(env, "true")
            patch.setattr(moto.settings, attribute, True)
        patch.setenv("MOTO_AMIS_PATH", str(amis_path))
        patch.setattr(moto_amis, "AMIS", json.loads(amis_path.read_text()))
        with mock_aws():
            yield


def evaluate_with_moto(program, mocks: MotoMocks, config: dict | None = None) -> Evaluation:
    """``components.offline.evaluate`` against moto."""
    return evaluate(program, config=config, mocks=mocks)


class MotoError(Exception):
    """An EC2 API error from moto (or from an AWS check the mocks emulate), as the provider reports it."""


def _int(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _tag_specs(resource_type: str, tags: dict | None) -> list[dict]:
    if not tags:
        return []
    return [{"ResourceType": resource_type, "Tags": [{"Key": k, "Value": str(v)} for k, v in tags.items()]}]


class MotoMocks(RecordingMocks):
    """Pulumi mocks backed by moto. Construct inside :func:`moto_environment`."""

    def __init__(self, default_region: str = DEFAULT_REGION, preview: bool = False):
        super().__init__(preview=preview)
        self.default_region = default_region
        self.unmodelled: list[str] = []
        self.ignored_inputs: list[str] = []
        self.created: list[tuple[str, str, str]] = []  # (type, name, moto id)
        self._clients: dict[str, Any] = {}
        self._moto_lock = threading.RLock()
        self._handlers = {
            "aws:ec2/vpc:Vpc": self._vpc,
            "aws:ec2/subnet:Subnet": self._subnet,
            "aws:ec2/internetGateway:InternetGateway": self._internet_gateway,
            "aws:ec2/routeTable:RouteTable": self._route_table,
            "aws:ec2/routeTableAssociation:RouteTableAssociation": self._route_table_association,
            "aws:ec2/securityGroup:SecurityGroup": self._security_group,
            "aws:ec2/keyPair:KeyPair": self._key_pair,
            "aws:ec2/instance:Instance": self._instance,
            "aws:ebs/volume:Volume": self._volume,
            "aws:ec2/volumeAttachment:VolumeAttachment": self._volume_attachment,
            "aws:ec2/vpcEndpoint:VpcEndpoint": self._vpc_endpoint,
            "aws:ssm/parameter:Parameter": self._ssm_parameter,
            "aws:iam/role:Role": self._iam_role,
            "aws:iam/rolePolicy:RolePolicy": self._iam_role_policy,
            "aws:iam/instanceProfile:InstanceProfile": self._iam_instance_profile,
        }
        self._invokes = {
            "aws:ec2/getAmi:getAmi": self._get_ami,
            "aws:ec2/getSubnet:getSubnet": self._get_subnet,
            "aws:index/getAvailabilityZone:getAvailabilityZone": self._get_availability_zone,
        }

    # --- moto access -------------------------------------------------------------------------------

    def client(self, region: str | None = None):
        """The boto3 EC2 client for a region (moto answers it). The fixture's images tagged for
        other regions are removed from this region the first time it is used."""
        region = region or self.default_region
        with self._moto_lock:
            if region not in self._clients:
                ec2 = boto3.client("ec2", region_name=region)
                images = ec2.describe_images(Filters=[{"Name": "tag-key", "Values": [AMI_REGION_TAG]}])["Images"]
                foreign = [
                    image["ImageId"]
                    for image in images
                    if {t["Key"]: t["Value"] for t in image.get("Tags", [])}[AMI_REGION_TAG] != region
                ]
                # Dropped from the backend, not deregistered: moto answers a deregistered id with an
                # empty list, AWS (and moto, for an id it never had) with InvalidAMIID.NotFound.
                backend = ec2_backends[DEFAULT_ACCOUNT_ID][region]
                for image_id in foreign:
                    backend.amis.pop(image_id)
                self._clients[region] = ec2
            return self._clients[region]

    def _region(self, values: dict) -> str:
        return values.get("region") or self.default_region

    # --- resources ---------------------------------------------------------------------------------

    def resource_outputs(self, type_: str, name: str, inputs: dict, serial: int) -> tuple[str, dict]:
        handler = self._handlers.get(type_)
        if handler is None:
            if type_.startswith(("aws:", "azure-native:", "gcp:")):
                with self._lock:
                    self.unmodelled.append(f"resource {type_} ({name})")
            return super().resource_outputs(type_, name, inputs, serial)
        plain, _ = unwrap_secrets(inputs)
        for path, reason in IGNORED_INPUTS.get(type_, {}).items():
            if _lookup(plain, path) is not None:
                with self._lock:
                    self.ignored_inputs.append(f"{type_} {path}: {reason}")
        with self._moto_lock:
            try:
                resource_id, outputs = handler(self.client(self._region(plain)), name, plain, serial)
            except ClientError as error:
                raise MotoError(f"creating {type_} {name!r}: {error}") from error
            self.created.append((type_, name, resource_id))
        return resource_id, {**inputs, **outputs, "id": resource_id}

    def _vpc(self, ec2, name, inputs, serial):
        vpc = ec2.create_vpc(CidrBlock=inputs["cidrBlock"], TagSpecifications=_tag_specs("vpc", inputs.get("tags")))[
            "Vpc"
        ]
        vpc_id = vpc["VpcId"]
        for attribute in ("enableDnsSupport", "enableDnsHostnames"):
            if attribute in inputs:
                key = attribute[0].upper() + attribute[1:]
                ec2.modify_vpc_attribute(VpcId=vpc_id, **{key: {"Value": bool(inputs[attribute])}})
        main = ec2.describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
        )["RouteTables"]
        default_sg = ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"]
        return vpc_id, {
            "cidrBlock": vpc["CidrBlock"],
            "ownerId": vpc["OwnerId"],
            "mainRouteTableId": main[0]["RouteTableId"] if main else None,
            "defaultSecurityGroupId": default_sg[0]["GroupId"] if default_sg else None,
            "arn": f"arn:aws:ec2:{self._region(inputs)}:{vpc['OwnerId']}:vpc/{vpc_id}",
        }

    def _subnet(self, ec2, name, inputs, serial):
        kwargs = {"VpcId": inputs["vpcId"], "CidrBlock": inputs["cidrBlock"]}
        if inputs.get("availabilityZone"):
            kwargs["AvailabilityZone"] = inputs["availabilityZone"]
        if inputs.get("availabilityZoneId"):
            kwargs["AvailabilityZoneId"] = inputs["availabilityZoneId"]
        subnet = ec2.create_subnet(**kwargs, TagSpecifications=_tag_specs("subnet", inputs.get("tags")))["Subnet"]
        if "mapPublicIpOnLaunch" in inputs:
            ec2.modify_subnet_attribute(
                SubnetId=subnet["SubnetId"], MapPublicIpOnLaunch={"Value": bool(inputs["mapPublicIpOnLaunch"])}
            )
        return subnet["SubnetId"], {
            "availabilityZone": subnet["AvailabilityZone"],
            "availabilityZoneId": subnet.get("AvailabilityZoneId"),
            "ownerId": subnet.get("OwnerId"),
            "arn": subnet.get("SubnetArn"),
        }

    def _internet_gateway(self, ec2, name, inputs, serial):
        gateway = ec2.create_internet_gateway(TagSpecifications=_tag_specs("internet-gateway", inputs.get("tags")))[
            "InternetGateway"
        ]
        if inputs.get("vpcId"):
            ec2.attach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=inputs["vpcId"])
        return gateway["InternetGatewayId"], {"ownerId": gateway.get("OwnerId")}

    def _route_table(self, ec2, name, inputs, serial):
        table = ec2.create_route_table(
            VpcId=inputs["vpcId"], TagSpecifications=_tag_specs("route-table", inputs.get("tags"))
        )["RouteTable"]
        for route in inputs.get("routes") or []:
            kwargs: dict[str, Any] = {"RouteTableId": table["RouteTableId"]}
            if route.get("cidrBlock"):
                kwargs["DestinationCidrBlock"] = route["cidrBlock"]
            if route.get("ipv6CidrBlock"):
                kwargs["DestinationIpv6CidrBlock"] = route["ipv6CidrBlock"]
            if route.get("gatewayId"):
                kwargs["GatewayId"] = route["gatewayId"]
            if route.get("natGatewayId"):
                kwargs["NatGatewayId"] = route["natGatewayId"]
            ec2.create_route(**kwargs)
        return table["RouteTableId"], {"ownerId": table.get("OwnerId")}

    def _route_table_association(self, ec2, name, inputs, serial):
        response = ec2.associate_route_table(SubnetId=inputs["subnetId"], RouteTableId=inputs["routeTableId"])
        return response["AssociationId"], {}

    def _security_group(self, ec2, name, inputs, serial):
        # Pulumi auto-names the group <logical name>-<random hex>; the provider then removes the
        # default allow-all egress rule and authorizes exactly the inline rules.
        group_name = inputs.get("name") or f"{name}-{serial:07x}"
        kwargs = {"GroupName": group_name, "Description": inputs.get("description") or "Managed by Pulumi"}
        if inputs.get("vpcId"):
            kwargs["VpcId"] = inputs["vpcId"]
        group_id = ec2.create_security_group(
            **kwargs, TagSpecifications=_tag_specs("security-group", inputs.get("tags"))
        )["GroupId"]
        default_egress = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissionsEgress"]
        if default_egress:
            ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=default_egress)
        ingress = [_ip_permission(rule) for rule in inputs.get("ingress") or []]
        egress = [_ip_permission(rule) for rule in inputs.get("egress") or []]
        if ingress:
            ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=ingress)
        if egress:
            ec2.authorize_security_group_egress(GroupId=group_id, IpPermissions=egress)
        group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
        return group_id, {
            "name": group["GroupName"],
            "ownerId": group["OwnerId"],
            "arn": f"arn:aws:ec2:{self._region(inputs)}:{group['OwnerId']}:security-group/{group_id}",
        }

    def _vpc_endpoint(self, ec2, name, inputs, serial):
        kwargs: dict[str, Any] = {
            "VpcId": inputs["vpcId"],
            "ServiceName": inputs["serviceName"],
            "VpcEndpointType": inputs.get("vpcEndpointType", "Gateway"),
            "TagSpecifications": _tag_specs("vpc-endpoint", inputs.get("tags")),
        }
        for key, field in (("SubnetIds", "subnetIds"), ("SecurityGroupIds", "securityGroupIds")):
            if inputs.get(field):
                kwargs[key] = inputs[field]
        if "privateDnsEnabled" in inputs:
            kwargs["PrivateDnsEnabled"] = bool(inputs["privateDnsEnabled"])
        if inputs.get("policy"):
            kwargs["PolicyDocument"] = inputs["policy"]
        endpoint = ec2.create_vpc_endpoint(**kwargs)["VpcEndpoint"]
        entries = [{"dnsName": e["DnsName"], "hostedZoneId": e["HostedZoneId"]} for e in endpoint.get("DnsEntries", [])]
        return endpoint["VpcEndpointId"], {"dnsEntries": entries, "state": endpoint.get("State")}

    # SSM and IAM: the providers' own API calls, in moto's SSM and IAM backends (IAM is global).

    def _ssm_parameter(self, ec2, name, inputs, serial):
        ssm = boto3.client("ssm", region_name=self._region(inputs))
        value = inputs.get("valueWo") or inputs.get("value") or inputs.get("insecureValue")
        kwargs = {
            "Name": inputs["name"],
            "Value": value,
            "Type": inputs["type"],
            "Tier": inputs.get("tier", "Standard"),
        }
        if inputs.get("description"):
            kwargs["Description"] = inputs["description"]
        if inputs.get("tags"):
            kwargs["Tags"] = [{"Key": k, "Value": v} for k, v in inputs["tags"].items()]
        ssm.put_parameter(**kwargs)
        parameter = ssm.get_parameter(Name=inputs["name"])["Parameter"]
        return inputs["name"], {"arn": parameter["ARN"], "version": parameter["Version"]}

    def _iam_role(self, ec2, name, inputs, serial):
        iam = boto3.client("iam")
        role = iam.create_role(
            RoleName=inputs.get("name") or f"{name}-{serial:07x}",
            AssumeRolePolicyDocument=inputs["assumeRolePolicy"],
            Description=inputs.get("description", ""),
            Tags=[{"Key": k, "Value": v} for k, v in (inputs.get("tags") or {}).items()],
        )["Role"]
        return role["RoleName"], {"name": role["RoleName"], "arn": role["Arn"], "uniqueId": role["RoleId"]}

    def _iam_role_policy(self, ec2, name, inputs, serial):
        iam = boto3.client("iam")
        policy_name = inputs.get("name") or f"{name}-{serial:07x}"
        iam.put_role_policy(RoleName=inputs["role"], PolicyName=policy_name, PolicyDocument=inputs["policy"])
        return f"{inputs['role']}:{policy_name}", {"name": policy_name}

    def _iam_instance_profile(self, ec2, name, inputs, serial):
        iam = boto3.client("iam")
        profile = iam.create_instance_profile(
            InstanceProfileName=inputs.get("name") or f"{name}-{serial:07x}",
            Tags=[{"Key": k, "Value": v} for k, v in (inputs.get("tags") or {}).items()],
        )["InstanceProfile"]
        if inputs.get("role"):
            iam.add_role_to_instance_profile(
                InstanceProfileName=profile["InstanceProfileName"], RoleName=inputs["role"]
            )
        return profile["InstanceProfileName"], {"name": profile["InstanceProfileName"], "arn": profile["Arn"]}

    def _key_pair(self, ec2, name, inputs, serial):
        key_name = inputs.get("keyName") or f"{name}-{serial:08x}"
        key = ec2.import_key_pair(
            KeyName=key_name,
            PublicKeyMaterial=inputs["publicKey"].encode(),
            TagSpecifications=_tag_specs("key-pair", inputs.get("tags")),
        )
        return key["KeyPairId"], {
            "keyName": key["KeyName"],
            "keyPairId": key["KeyPairId"],
            "fingerprint": key["KeyFingerprint"],
            "arn": f"arn:aws:ec2:{self._region(inputs)}:123456789012:key-pair/{key['KeyName']}",
        }

    def _instance(self, ec2, name, inputs, serial):
        image_id = inputs["ami"]
        instance_type = inputs["instanceType"]
        image = _describe_image(ec2, image_id)
        check_architecture(ec2, image, instance_type)
        if inputs.get("subnetId"):
            check_zone_offers_type(ec2, inputs["subnetId"], instance_type)
        root_size = (inputs.get("rootBlockDevice") or {}).get("volumeSize")
        if root_size is not None:
            check_volume_size(_int(root_size), (inputs.get("rootBlockDevice") or {}).get("volumeType") or "gp2")
        kwargs: dict[str, Any] = {
            "ImageId": image_id,
            "InstanceType": instance_type,
            "MinCount": 1,
            "MaxCount": 1,
        }
        groups = list(inputs.get("vpcSecurityGroupIds") or [])
        if inputs.get("associatePublicIpAddress") is not None and inputs.get("subnetId"):
            # The provider sets an explicit public-IP choice on the primary network interface.
            kwargs["NetworkInterfaces"] = [
                {
                    "DeviceIndex": 0,
                    "SubnetId": inputs["subnetId"],
                    "Groups": groups,
                    "AssociatePublicIpAddress": bool(inputs["associatePublicIpAddress"]),
                    "DeleteOnTermination": True,
                }
            ]
        else:
            if inputs.get("subnetId"):
                kwargs["SubnetId"] = inputs["subnetId"]
            if groups:
                kwargs["SecurityGroupIds"] = groups
        if inputs.get("availabilityZone"):
            kwargs["Placement"] = {"AvailabilityZone": inputs["availabilityZone"]}
        if inputs.get("keyName"):
            kwargs["KeyName"] = inputs["keyName"]
        if inputs.get("userData"):
            kwargs["UserData"] = inputs["userData"]
        if inputs.get("iamInstanceProfile"):
            kwargs["IamInstanceProfile"] = {"Name": inputs["iamInstanceProfile"]}
        metadata = inputs.get("metadataOptions") or {}
        if metadata:
            kwargs["MetadataOptions"] = _api_fields(
                metadata, "httpEndpoint", "httpTokens", "httpPutResponseHopLimit", "instanceMetadataTags"
            )
        root = inputs.get("rootBlockDevice") or {}
        if root:
            ebs = _api_fields(
                root, "volumeSize", "volumeType", "encrypted", "deleteOnTermination", "iops", "throughput", "kmsKeyId"
            )
            # The provider maps root_block_device onto the AMI's root device name.
            kwargs["BlockDeviceMappings"] = [{"DeviceName": image["RootDeviceName"], "Ebs": ebs}]
        market = inputs.get("instanceMarketOptions") or {}
        if market.get("marketType"):
            spot = market.get("spotOptions") or {}
            kwargs["InstanceMarketOptions"] = {
                "MarketType": market["marketType"],
                "SpotOptions": _api_fields(spot, "spotInstanceType", "instanceInterruptionBehavior", "maxPrice"),
            }
        credits = (inputs.get("creditSpecification") or {}).get("cpuCredits")
        if credits:
            kwargs["CreditSpecification"] = {"CpuCredits": credits}
        specs = _tag_specs("instance", inputs.get("tags")) + _tag_specs("volume", inputs.get("volumeTags"))
        if specs:
            kwargs["TagSpecifications"] = specs
        instance = ec2.run_instances(**kwargs)["Instances"][0]
        instance = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"][0]["Instances"][0]
        root_mapping = next(
            (m for m in instance.get("BlockDeviceMappings", []) if m["DeviceName"] == instance.get("RootDeviceName")),
            None,
        )
        root_tags = (inputs.get("rootBlockDevice") or {}).get("tags")
        if root_mapping and root_tags:
            # The provider tags the root volume after RunInstances (CreateTags), from root_block_device.tags.
            ec2.create_tags(
                Resources=[root_mapping["Ebs"]["VolumeId"]],
                Tags=[{"Key": k, "Value": str(v)} for k, v in root_tags.items()],
            )
        metadata_out = instance.get("MetadataOptions", {})
        outputs = {
            "arn": f"arn:aws:ec2:{self._region(inputs)}:123456789012:instance/{instance['InstanceId']}",
            "availabilityZone": instance["Placement"]["AvailabilityZone"],
            "privateIp": instance.get("PrivateIpAddress"),
            "privateDns": instance.get("PrivateDnsName"),
            "publicIp": instance.get("PublicIpAddress") or "",
            "publicDns": instance.get("PublicDnsName") or "",
            "subnetId": instance.get("SubnetId"),
            "primaryNetworkInterfaceId": (instance.get("NetworkInterfaces") or [{}])[0].get("NetworkInterfaceId"),
            "instanceState": instance["State"]["Name"],
            "instanceLifecycle": instance.get("InstanceLifecycle", ""),
            "keyName": instance.get("KeyName", ""),
            "vpcSecurityGroupIds": [g["GroupId"] for g in instance.get("SecurityGroups", [])],
            "metadataOptions": {
                "httpEndpoint": metadata_out.get("HttpEndpoint"),
                "httpTokens": metadata_out.get("HttpTokens"),
                "httpPutResponseHopLimit": metadata_out.get("HttpPutResponseHopLimit"),
            },
        }
        if root_mapping:
            outputs["rootBlockDevice"] = {
                **root,
                "volumeId": root_mapping["Ebs"]["VolumeId"],
                "deviceName": root_mapping["DeviceName"],
            }
        return instance["InstanceId"], outputs

    def _volume(self, ec2, name, inputs, serial):
        check_volume_size(_int(inputs.get("size")), inputs.get("type") or "gp2")
        kwargs: dict[str, Any] = {
            "AvailabilityZone": inputs["availabilityZone"],
            **_api_fields(inputs, "size", "encrypted", "iops", "throughput", "snapshotId", "kmsKeyId"),
        }
        if inputs.get("type"):
            kwargs["VolumeType"] = inputs["type"]
        volume = ec2.create_volume(**kwargs, TagSpecifications=_tag_specs("volume", inputs.get("tags")))
        return volume["VolumeId"], {
            "arn": f"arn:aws:ec2:{self._region(inputs)}:123456789012:volume/{volume['VolumeId']}",
            "availabilityZone": volume["AvailabilityZone"],
            "size": volume["Size"],
            "type": volume["VolumeType"],
            "encrypted": volume["Encrypted"],
        }

    def _volume_attachment(self, ec2, name, inputs, serial):
        attachment = ec2.attach_volume(
            Device=inputs["deviceName"], InstanceId=inputs["instanceId"], VolumeId=inputs["volumeId"]
        )
        # The provider's id for an attachment: "vai-" and a hash of device, instance and volume.
        digest = hashlib.sha1(f"{inputs['deviceName']}-{inputs['instanceId']}-{inputs['volumeId']}-".encode())
        return f"vai-{int(digest.hexdigest()[:8], 16)}", {"deviceName": attachment["Device"]}

    # --- invokes -----------------------------------------------------------------------------------

    def call_result(self, token: str, args: dict, provider: str | None) -> dict:
        handler = self._invokes.get(token)
        if handler is None:
            if token.startswith(("aws:", "azure-native:", "gcp:")):
                with self._lock:
                    self.unmodelled.append(f"invoke {token}")
            return fake_invoke_result(token, args)
        with self._moto_lock:
            try:
                return handler(self.client(self._region(args)), args)
            except ClientError as error:
                raise MotoError(f"invoking {token}: {error}") from error

    def _get_ami(self, ec2, args: dict) -> dict:
        """``aws.ec2.get_ami`` as the provider does it: DescribeImages with the owners, filters and
        executable users, then ``name_regex``, then the newest CreationDate when ``most_recent``."""
        kwargs: dict[str, Any] = {}
        if args.get("owners"):
            kwargs["Owners"] = list(args["owners"])
        if args.get("executableUsers"):
            kwargs["ExecutableUsers"] = list(args["executableUsers"])
        if args.get("filters"):
            kwargs["Filters"] = [{"Name": f["name"], "Values": list(f["values"])} for f in args["filters"]]
        images = ec2.describe_images(**kwargs)["Images"]
        if args.get("nameRegex"):
            pattern = re.compile(args["nameRegex"])
            images = [i for i in images if pattern.search(i.get("Name", ""))]
        if not images:
            raise MotoError("Your query returned no results. Please change your search criteria and try again.")
        if len(images) > 1 and not args.get("mostRecent"):
            raise MotoError(
                "Your query returned more than one result. Please try more specific search criteria, "
                "or set `most_recent` attribute to true."
            )
        image = max(images, key=lambda i: i["CreationDate"])
        return {
            "id": image["ImageId"],
            "imageId": image["ImageId"],
            "name": image.get("Name"),
            "architecture": image.get("Architecture"),
            "ownerId": image.get("OwnerId"),
            "creationDate": image.get("CreationDate"),
            "platform": image.get("Platform", ""),
            "rootDeviceName": image.get("RootDeviceName"),
            "rootDeviceType": image.get("RootDeviceType"),
            "virtualizationType": image.get("VirtualizationType"),
            "state": image.get("State"),
            "region": self._region(args),
        }

    def _get_availability_zone(self, ec2, args: dict) -> dict:
        """``aws.get_availability_zone`` by ``zone_id`` or ``name``: DescribeAvailabilityZones, from moto's
        per-region zone data (its AZ names and IDs)."""
        kwargs: dict[str, Any] = {}
        if args.get("zoneId"):
            kwargs["ZoneIds"] = [args["zoneId"]]
        if args.get("name"):
            kwargs["ZoneNames"] = [args["name"]]
        try:
            zones = ec2.describe_availability_zones(**kwargs)["AvailabilityZones"]
        except ClientError:
            zones = []
        zone = _the_one(zones, "Availability Zone")
        return {
            "id": zone["ZoneName"],
            "name": zone["ZoneName"],
            "zoneId": zone["ZoneId"],
            "state": zone["State"],
            "region": zone["RegionName"],
            "nameSuffix": zone["ZoneName"][len(zone["RegionName"]) :],
        }

    def _get_subnet(self, ec2, args: dict) -> dict:
        kwargs: dict[str, Any] = {}
        if args.get("id"):
            kwargs["SubnetIds"] = [args["id"]]
        if args.get("filters"):
            kwargs["Filters"] = [{"Name": f["name"], "Values": list(f["values"])} for f in args["filters"]]
        subnet = _the_one(ec2.describe_subnets(**kwargs)["Subnets"], "Subnet")
        return {
            "id": subnet["SubnetId"],
            "vpcId": subnet["VpcId"],
            "cidrBlock": subnet["CidrBlock"],
            "availabilityZone": subnet["AvailabilityZone"],
            "availabilityZoneId": subnet.get("AvailabilityZoneId"),
            "mapPublicIpOnLaunch": subnet.get("MapPublicIpOnLaunch", False),
            "ownerId": subnet.get("OwnerId"),
            "region": self._region(args),
        }


def _the_one(found: list[dict], what: str) -> dict:
    """The single match of a data source's query, or the provider's error for none or several."""
    if len(found) != 1:
        raise MotoError(f"no matching EC2 {what} found ({len(found)} matched)")
    return found[0]


def _api_fields(values: dict, *fields: str) -> dict:
    """The given camelCase Pulumi inputs that are set, as EC2 API (PascalCase) parameters."""
    return {field[0].upper() + field[1:]: _int(values[field]) for field in fields if values.get(field) is not None}


def _lookup(values: dict, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(values, dict):
            return None
        values = values.get(part)
    return values


def _ip_permission(rule: dict) -> dict:
    permission: dict[str, Any] = {
        "IpProtocol": rule["protocol"],
        "FromPort": _int(rule.get("fromPort", 0)),
        "ToPort": _int(rule.get("toPort", 0)),
    }
    description = {"Description": rule["description"]} if rule.get("description") else {}
    if rule.get("cidrBlocks"):
        permission["IpRanges"] = [{"CidrIp": c, **description} for c in rule["cidrBlocks"]]
    if rule.get("ipv6CidrBlocks"):
        permission["Ipv6Ranges"] = [{"CidrIpv6": c, **description} for c in rule["ipv6CidrBlocks"]]
    if rule.get("securityGroups"):
        permission["UserIdGroupPairs"] = [{"GroupId": g, **description} for g in rule["securityGroups"]]
    return permission


def _describe_image(ec2, image_id: str) -> dict:
    try:
        return ec2.describe_images(ImageIds=[image_id])["Images"][0]
    except ClientError as error:
        raise MotoError(f"creating aws:ec2/instance:Instance: {error}") from error


# EBS size limits per volume type, in GiB (AWS EBS volume types documentation).
EBS_SIZE_GIB = {
    "standard": (1, 1024),
    "gp2": (1, 16384),
    "gp3": (1, 16384),
    "io1": (4, 16384),
    "io2": (4, 65536),
    "st1": (125, 16384),
    "sc1": (125, 16384),
}


def check_volume_size(size: int | None, volume_type: str) -> None:
    """AWS rejects an EBS volume (root or data) outside its type's size range; moto 5.2.5 does not
    check this, so the mocks emulate it."""
    low, high = EBS_SIZE_GIB.get(volume_type, (1, 65536))
    if size is not None and not low <= size <= high:
        raise MotoError(
            f"InvalidParameterValue: Volume of {size}GiB is outside the range {low}-{high}GiB for volume type "
            f"{volume_type} (emulated by MotoMocks; moto does not check this)"
        )


def check_architecture(ec2, image: dict, instance_type: str) -> None:
    """AWS's RunInstances rejects an AMI whose architecture the instance type does not support;
    moto 5.2.5 does not check this, so the mocks emulate it (same wording as AWS's error)."""
    types = ec2.describe_instance_types(InstanceTypes=[instance_type])["InstanceTypes"]
    supported = types[0]["ProcessorInfo"]["SupportedArchitectures"] if types else []
    if image["Architecture"] not in supported:
        type_arch = supported[0] if supported else "unknown"
        raise MotoError(
            "InvalidParameterValue: The architecture '"
            f"{type_arch}' of the specified instance type does not match the architecture "
            f"'{image['Architecture']}' of the specified AMI. Specify an instance type and an AMI that have "
            "matching architectures, and try again. (emulated by MotoMocks; moto does not check this)"
        )


def zone_offerings(ec2, zone_id: str) -> set[str]:
    """The instance types moto's per-AZ-ID offering data lists for a zone."""
    pages = ec2.get_paginator("describe_instance_type_offerings").paginate(
        LocationType="availability-zone-id", Filters=[{"Name": "location", "Values": [zone_id]}]
    )
    return {o["InstanceType"] for page in pages for o in page["InstanceTypeOfferings"]}


def check_zone_offers_type(ec2, subnet_id: str, instance_type: str) -> None:
    """AWS's RunInstances rejects a type its subnet's zone does not offer; moto 5.2.5 checks only the
    region (EC2_ENABLE_INSTANCE_TYPE_VALIDATION), so the mocks emulate the zone check from moto's own
    per-AZ-ID offering data (same wording as AWS's error)."""
    subnets = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"]
    if not subnets:
        return  # moto raises InvalidSubnetID.NotFound itself
    zone_id, zone_name = subnets[0]["AvailabilityZoneId"], subnets[0]["AvailabilityZone"]
    region_types = ec2.describe_instance_type_offerings(
        LocationType="region", Filters=[{"Name": "instance-type", "Values": [instance_type]}]
    )["InstanceTypeOfferings"]
    if region_types and instance_type not in zone_offerings(ec2, zone_id):
        raise MotoError(
            f"Unsupported: Your requested instance type ({instance_type}) is not supported in your requested "
            f"Availability Zone ({zone_name}, {zone_id}). (emulated by MotoMocks from moto's per-AZ offering data; "
            "moto checks only the region)"
        )


def user_data_text(instance_attribute: dict) -> str:
    """Decodes DescribeInstanceAttribute(userData)."""
    value = instance_attribute.get("UserData", {}).get("Value")
    return base64.b64decode(value).decode() if value else ""
