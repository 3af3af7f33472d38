"""Windows admin passwords travel through the cloud's secret store, never through user data or
metadata (issue 19): what each cloud's VM is registered with, what the store is and who may read it,
what a change does, what it costs, and that a password given as an Output is checked once known."""

from __future__ import annotations

import base64
import json
import re

import pulumi
import pytest

from components import VirtualMachine, pricing
from components.cloud_rules import aws as aws_rules
from components.cloud_rules import gcp as gcp_rules
from components.offline import evaluate
from components.spec import CloudDefaults, validate
from tests.support.common import DEFAULT_CONFIG, run_vms

PASSWORD = "Tr0ub4dor&3-horse"
INSTANCE = {"aws": "aws:ec2/instance:Instance", "gcp": "gcp:compute/instance:Instance"}
# Every Windows image the component knows, per cloud: the alias and native ones (os_type windows).
WINDOWS_IMAGES = {
    "aws": [{"image": "windows-2022"}, {"image": "ami-0123456789abcdef0", "os_type": "windows"}],
    "azure": [
        {"image": "windows-2022"},
        {"image": "MicrosoftWindowsServer:WindowsServer:2019-datacenter-gensecond:latest"},
    ],
    "gcp": [
        {"image": "windows-2022"},
        {"image": "projects/windows-cloud/global/images/family/windows-2019"},
        {"image": "windows-cloud/windows-2022-core", "os_type": "windows"},
    ],
}
HOSTILE_PASSWORDS = [
    "Pa55word\u2019;Start-Process calc;\u2019x",  # typographic quotes end a PowerShell '' string
    "Pa55word\u2018$(Start-Process calc)\u201b",
    "Pa55`word$(calc)'';x",
    "Pa55</powershell><persist>true</persist>",
    "Pa55word\nStart-Process calc",
    "Pa55\u201aw\u201bord-9",
]
HOSTILE_USERS = ["o'brien", "a\u2019b$(calc)", "x`y", "q'')-$(calc)", "d$env.x", "end\u201b"]


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _decoded(text: str) -> list[str]:
    """Everything in ``text`` that decodes as base64 to text: the whole value, each quoted chunk and
    each longer run of base64 characters."""
    found = []
    runs = re.findall(r"'([A-Za-z0-9+/=]*)'", text) + re.findall(r"[A-Za-z0-9+/=]{16,}", text)
    for candidate in [text, *runs]:
        try:
            found.append(base64.b64decode(candidate, validate=True).decode())
        except ValueError:
            continue
    return found


def boot_data(evaluation, cloud: str) -> list[str]:
    """What a VM's processes and describers can read: AWS user data, GCP metadata values, Azure custom
    data and the Custom Script Extension's settings."""
    if cloud == "aws":
        return [r.inputs.get("userData") or "" for r in evaluation.of_type(INSTANCE["aws"])]
    if cloud == "gcp":
        return [s for r in evaluation.of_type(INSTANCE["gcp"]) for s in _strings(r.inputs.get("metadata"))]
    vms = evaluation.of_type("azure-native:compute:VirtualMachine")
    extensions = evaluation.of_type("azure-native:compute:VirtualMachineExtension")
    return [s for r in vms for s in _strings(r.inputs["osProfile"].get("customData"))] + [
        s for r in extensions for s in _strings(r.inputs)
    ]


def _windows(cloud: str, **extra) -> dict:
    return {"cloud": cloud, "image": "windows-2022", "admin_password": PASSWORD, **extra}


@pytest.mark.parametrize(
    ("cloud", "image"), [(cloud, image) for cloud, images in WINDOWS_IMAGES.items() for image in images]
)
@pytest.mark.parametrize("public_ip", [True, False])
def test_no_instance_user_data_or_metadata_holds_the_password_raw_or_base64(cloud, image, public_ip):
    evaluation, _ = run_vms({"win": _windows(cloud, public_ip=public_ip, user_data="Write-Host hello", **image)})
    texts = boot_data(evaluation, cloud)
    assert texts and "Write-Host hello" in " ".join(texts + [d for t in texts for d in _decoded(t)])
    encoded = base64.b64encode(PASSWORD.encode()).decode()
    for text in texts:
        assert PASSWORD not in text and encoded not in text
        for decoded in _decoded(text):
            assert PASSWORD not in decoded
    if cloud != "azure":  # on Azure osProfile.adminPassword holds it, which the platform keeps
        instance = evaluation.of_type(INSTANCE[cloud])[0]
        assert PASSWORD not in json.dumps(instance.inputs)


def _skeleton(script: str) -> str:
    return re.sub(r"FromBase64String\('[A-Za-z0-9+/=]*'\)", "FromBase64String('…')", script)


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_a_hostile_password_or_user_name_never_changes_the_scripts_structure(cloud):
    """The password is not in the script at all (the script is the same byte for byte whatever it is);
    a user name is there only as base64 (the script is the same but for the base64), and decodes back."""

    def script(password: str, username: str) -> str:
        evaluation, _ = run_vms({"win": _windows(cloud, admin_password=password, admin_username=username)})
        (text,) = [t for t in boot_data(evaluation, cloud) if "multicloud-vm" in t]
        return text

    benign = script(PASSWORD, "vmadmin")
    for password in HOSTILE_PASSWORDS:
        assert script(password, "vmadmin") == benign, password
    for username in HOSTILE_USERS:
        text = script(PASSWORD, username)
        assert _skeleton(text) == _skeleton(benign), username
        assert username in _decoded(text) and username not in text.replace(
            base64.b64encode(username.encode()).decode(), ""
        )


# --- AWS: the SSM parameter, the instance profile, the endpoint ---------------------------------------


def only(evaluation, type_token):
    (resource,) = evaluation.of_type(type_token)
    return resource


def test_aws_password_is_an_ssm_securestring_only_the_vms_own_instance_profile_may_read():
    evaluation, vms = run_vms({"win": _windows("aws", image="windows-2022", public_ip=True)})
    parameter = only(evaluation, "aws:ssm/parameter:Parameter")
    assert parameter.inputs["name"] == aws_rules.admin_password_parameter(vms["win"].spec)
    assert parameter.inputs["name"] == "/multicloud-vm/multicloud-vm/dev/win/admin-password"
    assert (parameter.inputs["type"], parameter.inputs["tier"]) == ("SecureString", "Standard")
    # Write-only input, secret; its version too (it is derived from the password).
    assert parameter.inputs["valueWo"] == PASSWORD and "value" not in parameter.inputs
    assert {"valueWo", "valueWoVersion"} <= set(parameter.secret_inputs)
    role = only(evaluation, "aws:iam/role:Role")
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust == [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    policy = only(evaluation, "aws:iam/rolePolicy:RolePolicy")
    assert policy.inputs["role"] == role.id
    # Exactly one action on exactly that parameter: no wildcard, no kms:Decrypt (aws/ssm lets every
    # principal of the account decrypt; see cloud_rules.aws).
    assert json.loads(policy.inputs["policy"])["Statement"] == [
        {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": parameter.outputs["arn"]}
    ]
    profile = only(evaluation, "aws:iam/instanceProfile:InstanceProfile")
    assert profile.inputs["role"] == role.outputs["name"]
    instance = only(evaluation, INSTANCE["aws"])
    assert instance.inputs["iamInstanceProfile"] == profile.outputs["name"]
    # IMDSv2 with hop limit 1 stays: the script runs on the host, one hop from the metadata service.
    assert instance.inputs["metadataOptions"]["httpPutResponseHopLimit"] == 1
    # The instance waits for the parameter, policy and profile, and is replaced with the parameter.
    assert {parameter.urn, policy.urn, profile.urn} <= set(instance.dependencies)
    assert instance.replace_with == [parameter.urn]
    assert parameter.replace_on_changes == ["valueWoVersion"] and parameter.delete_before_replace
    assert not evaluation.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")  # a public VM reaches SSM directly


def test_aws_private_windows_vm_reads_through_its_own_ssm_endpoint():
    evaluation, vms = run_vms({"win": _windows("aws", image="windows-2022")})
    endpoint = only(evaluation, "aws:ec2/vpcEndpoint:VpcEndpoint")
    instance = only(evaluation, INSTANCE["aws"])
    groups = {r.name: r for r in evaluation.of_type("aws:ec2/securityGroup:SecurityGroup")}
    assert endpoint.inputs["vpcEndpointType"] == "Interface"
    assert endpoint.inputs["serviceName"] == "com.amazonaws.us-east-1.ssm"
    assert endpoint.inputs["privateDnsEnabled"] is False  # one per VPC could claim the name; the script names it
    assert endpoint.inputs["subnetIds"] == [instance.inputs["subnetId"]]
    assert endpoint.inputs["securityGroupIds"] == [groups["win-ssm-sg"].id]
    # HTTPS from the VM's own security group only, nothing else.
    assert groups["win-ssm-sg"].inputs["ingress"] == [
        {
            "protocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "securityGroups": [groups["win-sg"].id],
            "description": "HTTPS from the VM",
        }
    ]
    (statement,) = json.loads(endpoint.inputs["policy"])["Statement"]
    assert statement["Action"] == "ssm:GetParameter"
    assert statement["Resource"] == only(evaluation, "aws:ssm/parameter:Parameter").outputs["arn"]
    assert statement["Principal"] == {"AWS": only(evaluation, "aws:iam/role:Role").outputs["arn"]}
    url = f"https://{endpoint.outputs['dnsEntries'][0]['dnsName']}"
    assert url in _decoded(instance.inputs["userData"])
    assert aws_rules.needs_ssm_endpoint(vms["win"].spec)
    # With subnet_id the subnet's own routes apply: no endpoint.
    own, _ = run_vms({"win": _windows("aws", image="windows-2022", subnet_id="subnet-0123456789abcdef0")})
    assert not own.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")


def test_aws_windows_user_data_changes_by_stop_and_start_and_the_vm_is_replaced_with_its_password():
    """Taking the password out of an earlier version's user data must not rebuild the VM: a Windows
    instance no longer replaces on a user-data change (EC2 stops, modifies and starts it); it is
    replaced with its parameter, whose version covers password, admin user and user data. A spot
    instance cannot be stopped, so it keeps replacing on user data."""

    def registered(**extra):
        evaluation, _ = run_vms({"win": _windows("aws", image="windows-2022", public_ip=True, **extra)})
        return only(evaluation, INSTANCE["aws"]), only(evaluation, "aws:ssm/parameter:Parameter")

    instance, parameter = registered()
    assert instance.inputs["userDataReplaceOnChange"] is False
    spot, _ = registered(spot=True, instance_type="m5.large")
    assert spot.inputs["userDataReplaceOnChange"] is True
    linux, _ = run_vms({"web": {"cloud": "aws", "user_data": "#!/bin/sh\n"}})
    assert only(linux, INSTANCE["aws"]).inputs["userDataReplaceOnChange"] is True

    version = parameter.inputs["valueWoVersion"]
    assert registered()[1].inputs["valueWoVersion"] == version  # stable: the next run replaces nothing
    for change in ({"admin_password": "An0ther-Passw0rd!"}, {"admin_username": "ops"}, {"user_data": "Write-Host x"}):
        _, changed = registered(**change)
        assert changed.inputs["valueWoVersion"] != version, change  # -> the parameter, then the VM, replaced

    # The password does not reach the instance: a new one leaves its inputs as they were (but for the
    # instance profile's name, which the mocks number in registration order).
    def unnumbered(inputs: dict) -> dict:
        return {k: v for k, v in inputs.items() if k != "iamInstanceProfile"}

    assert unnumbered(registered(admin_password="An0ther-Passw0rd!")[0].inputs) == unnumbered(instance.inputs)


def test_aws_windows_against_moto_user_data_holds_no_password_and_only_the_role_reads_it(moto_aws_windows):
    """Against moto's EC2, SSM and IAM: what DescribeInstanceAttribute returns (what ReadOnlyAccess and
    every process on the VM could read) holds no password; GetParameter with decryption does; the
    instance's profile role is allowed GetParameter on that parameter only."""
    mocks, evaluation = moto_aws_windows
    from tests.support.moto_mocks import user_data_text

    ec2 = mocks.client("us-east-1")
    instance_id = next(r.id for r in evaluation.resources if r.type == INSTANCE["aws"])
    user_data = user_data_text(ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData"))
    assert user_data.startswith("<powershell>") and PASSWORD not in user_data
    assert all(PASSWORD not in decoded for decoded in _decoded(user_data))
    import boto3

    parameter_name = "/multicloud-vm/multicloud-vm/dev/win/admin-password"
    ssm = boto3.client("ssm", region_name="us-east-1")
    stored = ssm.get_parameter(Name=parameter_name, WithDecryption=True)["Parameter"]
    assert (stored["Value"], stored["Type"]) == (PASSWORD, "SecureString")
    iam = boto3.client("iam")
    (reservation,) = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    profile_arn = reservation["Instances"][0]["IamInstanceProfile"]["Arn"]
    profile = iam.get_instance_profile(InstanceProfileName=profile_arn.rsplit("/", 1)[1])["InstanceProfile"]
    (role,) = profile["Roles"]
    (policy_name,) = iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]
    document = iam.get_role_policy(RoleName=role["RoleName"], PolicyName=policy_name)["PolicyDocument"]
    document = json.loads(document) if isinstance(document, str) else document
    assert document["Statement"] == [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": stored["ARN"]}]


@pytest.fixture
def moto_aws_windows():
    from tests.support.moto_mocks import MotoMocks, evaluate_with_moto, moto_environment

    with moto_environment():
        mocks = MotoMocks()
        evaluation = evaluate_with_moto(
            lambda: VirtualMachine("win", _windows("aws", image="windows-2022", public_ip=True)), mocks, DEFAULT_CONFIG
        )
        yield mocks, evaluation


# --- GCP: the secret, the service account ---------------------------------------------------------------


def test_gcp_password_is_a_secret_only_the_vms_own_service_account_may_read():
    evaluation, vms = run_vms({"win": _windows("gcp", image="windows-2022")})
    spec = vms["win"].spec
    secret = only(evaluation, "gcp:secretmanager/secret:Secret")
    assert secret.inputs["secretId"] == gcp_rules.admin_password_secret_id(spec)
    assert re.fullmatch(r"[a-zA-Z0-9_-]{1,255}", secret.inputs["secretId"])
    assert secret.inputs["replication"] == {"auto": {}}  # billed as one location
    version = only(evaluation, "gcp:secretmanager/secretVersion:SecretVersion")
    assert version.inputs["secret"] == secret.id and version.inputs["secretDataWo"] == PASSWORD
    assert {"secretDataWo", "secretDataWoVersion"} <= set(version.secret_inputs)
    account = only(evaluation, "gcp:serviceaccount/account:Account")
    assert re.fullmatch(r"[a-z][-a-z0-9]{4,28}[a-z0-9]", account.inputs["accountId"])
    reader = only(evaluation, "gcp:secretmanager/secretIamMember:SecretIamMember")
    assert reader.inputs == {
        "secretId": secret.id,
        "role": "roles/secretmanager.secretAccessor",
        "member": f"serviceAccount:{account.outputs['email']}",
        "project": "test-project",
    }
    instance = only(evaluation, INSTANCE["gcp"])
    assert instance.inputs["serviceAccount"] == {
        "email": account.outputs["email"],
        "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
    }
    script = instance.inputs["metadata"]["sysprep-specialize-script-ps1"]
    assert f"{secret.outputs['name']}/versions/latest:access" in _decoded(script)
    assert instance.replace_with == [version.urn]
    assert {version.urn, reader.urn} <= set(instance.dependencies)
    # Taking the password out of an earlier version's metadata updates it in place: the specialize
    # script is not a replacing key (the version is what replaces the VM).
    assert not any("sysprep" in path for path in instance.replace_on_changes)
    # Linux VMs get no service account.
    linux, _ = run_vms({"web": {"cloud": "gcp"}})
    assert "serviceAccount" not in only(linux, INSTANCE["gcp"]).inputs


def test_gcp_names_are_unique_per_stack_and_vm_and_valid_for_the_longest_vm_name():
    long_name = "a" + "b" * 44 + "c"  # 46 characters, the GCP maximum
    for name in ("w", long_name):
        spec = validate(
            name,
            _windows("gcp", image="windows-2022"),
            CloudDefaults(region="us-central1", project="test-project", stack="proj/dev"),
        )
        assert re.fullmatch(r"[a-z][-a-z0-9]{4,28}[a-z0-9]", gcp_rules.admin_service_account_id(spec))
        assert re.fullmatch(r"[a-zA-Z0-9_-]{1,255}", gcp_rules.admin_password_secret_id(spec))
    one = validate(
        "w",
        _windows("gcp", image="windows-2022"),
        CloudDefaults(region="us-central1", project="test-project", stack="a/dev"),
    )
    other = validate(
        "w",
        _windows("gcp", image="windows-2022"),
        CloudDefaults(region="us-central1", project="test-project", stack="a/prod"),
    )
    assert gcp_rules.admin_service_account_id(one) != gcp_rules.admin_service_account_id(other)


# --- what it costs --------------------------------------------------------------------------------------


def test_the_password_store_is_priced_in_plan_and_the_pack_agrees():
    public = {"win": _windows("aws", image="windows-2022", public_ip=True, cpus=2, memory_gib=8, burstable=False)}
    _, vms = run_vms(public)
    assert vms["win"].cost.part("admin password store").cents == 0
    assert vms["win"].cost.part("SSM endpoint") is None
    _, private = run_vms({"win": _windows("aws", image="windows-2022", cpus=2, memory_gib=8, burstable=False)})
    endpoint = private["win"].cost.part("SSM endpoint")
    assert endpoint.cents == 730 and endpoint.hourly == 0.01  # us-east-1: $0.01 an hour
    _, gcp = run_vms({"win": _windows("gcp", image="windows-2022", cpus=2, memory_gib=8, burstable=False)})
    assert gcp["win"].cost.part("admin password store").cents == 6
    _, azure = run_vms({"win": _windows("azure", image="windows-2022", cpus=2, memory_gib=8, burstable=False)})
    assert azure["win"].cost.part("admin password store") is None
    elsewhere = validate("win", _windows("aws", image="windows-2022"), CloudDefaults(region="eu-west-1"))
    unpriced = pricing.spec_cost(elsewhere).part("SSM endpoint")
    assert unpriced.cents is None and "eu-west-1" in unpriced.detail
    # The policy pack prices the same resources with the same parts.
    from tests.support.policy_harness import run_policies

    def pack_total(specs) -> str:
        evaluation, _ = run_vms(specs)
        violations = run_policies(evaluation.resources, {"stack-monthly-budget": {"maxMonthlyBudget": 0.01}}, {})
        (message,) = [v.message for v in violations if v.policy == "stack-monthly-budget"]
        return re.search(r"cost ((?:at least )?\$[\d,.]+)/month", message)[1]

    stack = {
        "awswin": _windows("aws", image="windows-2022", cpus=2, memory_gib=8, burstable=False),
        "gcpwin": _windows("gcp", image="windows-2022", cpus=2, memory_gib=8, burstable=False),
    }
    _, built = run_vms(stack)
    assert pack_total(stack) == f"${sum(vm.cost.cents for vm in built.values()) / 100:,.2f}"


# --- secret inputs, checked once known -------------------------------------------------------------------


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_a_password_given_as_an_output_is_checked_once_known_with_the_same_message(cloud):
    args = {"cloud": cloud, "image": "windows-2022"}
    with pytest.raises(Exception) as plain:
        run_vms({"win": {**args, "admin_password": "abc"}})

    def program():
        VirtualMachine("win", {**args, "admin_password": pulumi.Config().require_secret("password")})

    with pytest.raises(Exception) as deferred:
        evaluate(program, config={**DEFAULT_CONFIG, "multicloud-vm:password": "abc"})
    assert str(plain.value) in str(deferred.value)
    assert "admin_password='[secret]' is invalid: expected 12-123 characters" in str(deferred.value)
    # A good one passes and stays secret.
    evaluate(
        lambda: VirtualMachine("win", {**args, "admin_password": pulumi.Output.secret(PASSWORD)}),
        config=DEFAULT_CONFIG,
    )


@pytest.mark.parametrize(
    ("cloud", "args", "user_data"),
    [
        ("aws", {"image": "windows-2022", "admin_password": PASSWORD}, "Write-Host x\n" * 1500),
        ("aws", {"image": "windows-2022", "admin_password": PASSWORD}, "<script>dir</script>"),
        ("gcp", {"image": "debian-12"}, "#cloud-config\nruncmd: [ls]\n"),
        ("azure", {"ssh_public_key": None}, "x" * 70000),
    ],
    ids=["aws-too-big-as-sent", "aws-batch-block", "gcp-no-cloud-init", "azure-too-big"],
)
def test_user_data_given_as_an_output_is_checked_once_known_with_the_same_message(cloud, args, user_data):
    from tests.support.common import public_key

    args = {"cloud": cloud, **{k: v for k, v in args.items() if v is not None}}
    if cloud == "azure":
        args["ssh_public_key"] = public_key("ed25519")
    with pytest.raises(Exception) as plain:
        run_vms({"vm": {**args, "user_data": user_data}})

    def program():
        VirtualMachine("vm", {**args, "user_data": pulumi.Output.secret(user_data)})

    with pytest.raises(Exception) as deferred:
        evaluate(program, config=DEFAULT_CONFIG)
    assert str(plain.value) in str(deferred.value)
