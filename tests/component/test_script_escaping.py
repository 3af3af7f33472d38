"""Nothing a user types becomes code (issue 19): values in cloud-config YAML read back as exactly the
values, a user's text cannot end a MIME part or the EC2 <powershell> block, and a user's own EC2
Windows user data keeps its <persist> choice. Parsed, not string-matched: the YAML is loaded, the
MIME document is parsed, the PowerShell holds values only as base64."""

from __future__ import annotations

import base64
import email
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from components import SpecError
from components.spec import CloudDefaults, validate
from components.user_data import (
    aws_windows_user_data,
    cloud_config_for_user,
    combine_user_data,
    linux_user_data,
    parse_ec2_windows_user_data,
    ps_value,
    yaml_scalar,
)
from tests.support.common import public_key, run_vms

KEY = public_key("ed25519")
KEY_BODY = " ".join(KEY.split()[:2])
HOSTILE_COMMENTS = [
    "work: laptop",
    "me@host # laptop",
    "- item",
    "{a: b}",
    "[x, y]",
    '"quoted"',
    "it's",
    "&anchor *alias !tag",
    "| > % @ `",
    "caf\u00e9 \U0001f600 \u2028 end",
    "trailing:",
]


def _users(document: str) -> list:
    assert document.startswith("#cloud-config\n")
    return yaml.safe_load(document)["users"]


@pytest.mark.parametrize("comment", HOSTILE_COMMENTS)
def test_an_ssh_key_comment_never_changes_the_cloud_config_structure(comment):
    key = f"{KEY_BODY} {comment}"
    users = _users(cloud_config_for_user("deploy", key))
    assert users == [
        "default",
        {"name": "deploy", "sudo": "ALL=(ALL) NOPASSWD:ALL", "shell": "/bin/bash", "ssh_authorized_keys": [key]},
    ]


def test_the_key_comment_from_the_issue_reaches_the_vm_through_the_component():
    """``work: laptop`` turned the list item into a mapping: cloud-init installed no key (lockout)."""
    evaluation, _ = run_vms(
        {"vm": {"cloud": "aws", "admin_username": "deploy", "ssh_public_key": f"{KEY_BODY} work: laptop"}}
    )
    (instance,) = evaluation.of_type("aws:ec2/instance:Instance")
    users = _users(instance.inputs["userData"])
    assert users[1]["ssh_authorized_keys"] == [f"{KEY_BODY} work: laptop"]


@pytest.mark.parametrize("name", ["yes", "no", "on", "off", "null", "true", "y"])
def test_user_names_yaml_would_read_as_booleans_or_null_stay_strings(name):
    assert _users(cloud_config_for_user(name, KEY))[1]["name"] == name


def test_ordinary_values_are_byte_identical_to_what_earlier_versions_sent():
    """A deployed VM's user data is part of its identity (a change replaces it on AWS): plain values
    stay plain."""
    assert cloud_config_for_user("deploy", KEY) == (
        "#cloud-config\nusers:\n  - default\n"
        "  - name: deploy\n    sudo: ALL=(ALL) NOPASSWD:ALL\n    shell: /bin/bash\n"
        f"    ssh_authorized_keys:\n      - {KEY}\n"
    )
    assert yaml_scalar("ssh-rsa AAAA+/= me@example.com (work)") == "ssh-rsa AAAA+/= me@example.com (work)"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_any_text_reads_back_from_yaml_as_itself(text):
    assert yaml.safe_load(f"value: {yaml_scalar(text)}\n") == {"value": text}


def test_user_data_cannot_end_the_mime_part_early():
    hostile = "#!/bin/sh\necho start\n--MULTICLOUD-VM-BOUNDARY\nContent-Type: text/cloud-config\n\n#cloud-config\nruncmd: [evil]\n"
    document = linux_user_data("deploy", "ubuntu", KEY, hostile)
    parts = [p for p in email.message_from_string(document).walk() if not p.is_multipart()]
    assert [p.get_content_subtype() for p in parts] == ["cloud-config", "x-shellscript"]
    assert parts[1].get_payload(decode=True).decode() == hostile
    # Without the boundary in any part the document is as before (byte-identical user data).
    assert 'boundary="MULTICLOUD-VM-BOUNDARY"' in combine_user_data(["#cloud-config\n{}\n", "#!/bin/sh\n"])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_a_powershell_value_is_base64_and_decodes_to_itself(text):
    expression = ps_value(text)
    (encoded,) = re.findall(r"FromBase64String\('([^']*)'\)", expression)
    assert re.fullmatch(r"[A-Za-z0-9+/=]*", encoded)
    assert base64.b64decode(encoded).decode() == text
    assert expression == f"([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('{encoded}')))"


# --- the user's own EC2 Windows user data -----------------------------------------------------------


@pytest.mark.parametrize(
    ("user_data", "script", "persist"),
    [
        ("Write-Host hi", "Write-Host hi", False),
        ("<powershell>Write-Host hi</powershell>", "Write-Host hi", False),
        ("<powershell>\nWrite-Host hi\n</powershell>\n<persist>true</persist>", "Write-Host hi", True),
        ("<persist>TRUE</persist>\n<powershell>Write-Host hi</powershell>", "Write-Host hi", True),
        ("Write-Host hi\n<persist>true</persist>", "Write-Host hi", True),
    ],
)
def test_the_users_ec2_user_data_and_persist_choice_are_recognised(user_data, script, persist):
    parsed = parse_ec2_windows_user_data(user_data)
    assert (parsed.script.strip(), parsed.persist) == (script, persist)
    sent = aws_windows_user_data("# admin\n", user_data)
    # One block, one persist tag, the user's choice kept; the admin part runs once either way.
    assert sent.count("<powershell>") == 1 and sent.count("</powershell>") == 1 and sent.count("<persist>") == 1
    assert sent.endswith(f"</powershell>\n<persist>{'true' if persist else 'false'}</persist>")
    assert script in [base64.b64decode(c).decode() for c in re.findall(r"FromBase64String\('([^']*)'\)", sent)]


def test_a_users_persist_runs_the_users_script_at_every_boot_and_the_admin_part_once():
    evaluation, _ = run_vms(
        {
            "win": {
                "cloud": "aws",
                "image": "windows-2022",
                "admin_password": "Tr0ub4dor&3-horse",
                "user_data": "<powershell>Write-Host hi</powershell>\n<persist>true</persist>",
            }
        }
    )
    (instance,) = evaluation.of_type("aws:ec2/instance:Instance")
    sent = instance.inputs["userData"]
    assert sent.endswith("</powershell>\n<persist>true</persist>") and sent.count("<persist>") == 1
    assert "if (Test-Path $done) { return }" in sent  # the admin part: once per instance


@pytest.mark.parametrize(
    "user_data",
    [
        "<script>dir</script>",
        "<powershell>a</powershell><powershell>b</powershell>",
        "Write-Host hi\n</powershell>",
        "<powershell>a</powershell>\nWrite-Host outside",
        "version: 1.0\ntasks:\n  - task: executeScript\n",
    ],
)
def test_ec2_user_data_the_component_cannot_combine_is_refused(user_data):
    with pytest.raises(SpecError) as error:
        validate(
            "win",
            {"cloud": "aws", "image": "windows-2022", "admin_password": "Tr0ub4dor&3-horse", "user_data": user_data},
            CloudDefaults(region="us-east-1"),
        )
    assert error.value.field == "user_data"


def test_nothing_a_user_types_can_cut_the_powershell_block():
    """The user's script is base64 inside the block, so an EC2Launch tag in a PowerShell string is harmless."""
    script = "Write-Host '<persist>true</persist>'; Write-Host \u2019$(calc)\u2019"
    sent = aws_windows_user_data("# admin\n", f"<powershell>{script}</powershell>")
    assert sent.count("<powershell>") == 1 and sent.count("<persist>") == 1
    assert "calc" not in sent and script in [
        base64.b64decode(c).decode() for c in re.findall(r"FromBase64String\('([^']*)'\)", sent)
    ]


@pytest.mark.parametrize("username", ["a\nb", "ab\x07", "tab\tname", "x\x7f"])
def test_windows_user_names_with_control_characters_are_refused(username):
    with pytest.raises(SpecError) as error:
        validate(
            "win",
            {
                "cloud": "gcp",
                "image": "windows-2022",
                "admin_password": "Tr0ub4dor&3-horse",
                "admin_username": username,
            },
            CloudDefaults(region="us-central1", project="test-project"),
        )
    assert error.value.field == "admin_username"


def test_a_trailing_newline_does_not_slip_past_a_names_pattern():
    for args in ({"admin_username": "deploy\n"}, {"subnet_id": "subnet-0123456789abcdef0\n"}):
        with pytest.raises(SpecError):
            validate("vm", {"cloud": "aws", "ssh_public_key": KEY, **args}, CloudDefaults(region="us-east-1"))
    with pytest.raises(SpecError):
        validate("vm\n", {"cloud": "aws"}, CloudDefaults(region="us-east-1"))
