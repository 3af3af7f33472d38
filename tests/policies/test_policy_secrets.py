"""What no-secrets-in-user-data reads as a secret (policies/secrets_in_data.py), on the texts users put
in user data and metadata: literals are found, references (variables, commands, templates, secret
store lookups) are not, and base64 or gzip user data is decoded first."""

from __future__ import annotations

import base64
import gzip

import pytest

from components.user_data import (
    aws_windows_admin_script,
    aws_windows_user_data,
    cloud_config_for_user,
    gcp_windows_admin_script,
)
from policies.secrets_in_data import decoded, find_secrets

SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINB4VrRPQ1v/2LB9OSaQK4UGrCtSZb+uvIBK7XrERtnD dev@example.com"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # what the component sent before issue 19 moved the password to the clouds' secret stores
        (
            "<powershell>\n$password = ConvertTo-SecureString 'Corr3ct-Horse-Battery!' -AsPlainText -Force\n</powershell>",
            "ConvertTo-SecureString as a literal",
        ),
        ("'P@ssw0rd!' | ConvertTo-SecureString -AsPlainText -Force", "ConvertTo-SecureString as a literal"),
        ("#cloud-config\nusers:\n  - name: u\n    plain_text_passwd: hunter22\n", "'plain_text_passwd'"),
        ("export DB_PASSWORD=s3cr3tpw\n", "'DB_PASSWORD'"),
        ('{"user": "x", "password": "abcd1234"}', "'password'"),
        ("aws configure set aws_access_key_id AKIAABCDEFGHIJKLMNOP", "an AWS access key id"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----", "a private key block"),
        ("git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r", "a GitHub token"),
        ("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=" + "A" * 86 + "==", "an Azure storage account key"),
        # passwords in a command's own syntax (the second bypass hunt)
        ("curl -fsSL https://admin:S3cretPassw0rd@repo.internal/setup.sh | sh", "a password in a URL"),
        ("<powershell>\nnet user deploy Corr3ct-Horse! /add\n</powershell>", "a password set with net user"),
        ("mysql -uroot -pS3cretPassw0rd -e 'select 1'", "a password passed to mysql with -p"),
        ("#!/bin/bash\necho 'ubuntu:S3cretPassw0rd' | chpasswd\n", "a user:password line for chpasswd"),
        ("#cloud-config\nchpasswd:\n  expire: false\n  list: |\n    ubuntu:S3cretPassw0rd\n", "for chpasswd"),
    ],
)
def test_literal_secrets_are_found(text, kind):
    (finding,) = find_secrets(text)
    assert kind in finding.describe()


@pytest.mark.parametrize(
    "text",
    [
        cloud_config_for_user("admin", SSH_KEY),  # the component's Linux cloud-config: a public key, NOPASSWD sudo
        # the component's Windows first-boot scripts: the password is fetched from the secret store
        aws_windows_user_data(aws_windows_admin_script("admin", "/multicloud-vm/dev/admin", "us-east-1"), None),
        gcp_windows_admin_script("admin", "projects/demo/secrets/vm-admin"),
        "$s = (Get-SECSecretValue -SecretId admin).SecretString\n$p = ConvertTo-SecureString $s -AsPlainText -Force",
        "export DB_PASSWORD=$(gcloud secrets versions access latest --secret=db)",
        'password: "{{ vault_db_password }}"',
        "password: '${DB_PASSWORD}'",
        "#cloud-config\nssh_pwauth: false\nchpasswd: {expire: false}\nusers:\n  - lock_passwd: true\n",
        "max_tokens: 1000\ntoken_url: https://login.example.com/token\nhttp_tokens: required",
        f"ssh-keys: admin:{SSH_KEY}",
        "git clone https://oauth2:${GITLAB_TOKEN}@gitlab.example.com/o/r.git",
        "net user deploy /add\nnet user deploy *\nnet user deploy $password",
        "mysql -uroot -p -e 'select 1'\nmysql -uroot -p$MYSQL_PASSWORD",
        "#cloud-config\nchpasswd:\n  list: |\n    ubuntu:RANDOM\n    admin:$6$rounds=4096$salt$hash\n",
    ],
)
def test_references_and_public_material_are_not_secrets(text):
    assert find_secrets(text) == []


def test_base64_and_gzip_user_data_is_read_as_the_vm_reads_it():
    script = "#!/bin/bash\nexport API_TOKEN=abcdefgh12345678\n"
    assert find_secrets(decoded(base64.b64encode(script.encode()).decode()))
    assert find_secrets(decoded(base64.b64encode(gzip.compress(script.encode())).decode()))
    assert decoded("not base64 at all") == "not base64 at all"


def test_a_finding_names_the_line_never_the_value():
    (finding,) = find_secrets("#!/bin/bash\necho start\nexport DB_PASSWORD=s3cr3tpw\n")
    assert finding.line == 3
    assert "s3cr3tpw" not in finding.describe()


def test_user_data_is_unwrapped_however_deep_and_mime_parts_are_decoded():
    """base64 of gzip of base64, base64 of base64, and a cloud-init MIME multi-part document whose parts
    are base64 encoded: all read as the VM reads them (each used to pass unread)."""
    script = b"#!/bin/bash\nexport API_TOKEN=abcdefgh12345678\n"
    b64 = base64.b64encode
    assert find_secrets(decoded(b64(gzip.compress(b64(script))).decode()))
    assert find_secrets(decoded(b64(b64(script)).decode()))
    mime = (
        'Content-Type: multipart/mixed; boundary="//"\nMIME-Version: 1.0\n\n--//\n'
        "Content-Type: text/x-shellscript\nContent-Transfer-Encoding: base64\n\n"
        f"{b64(script).decode()}\n--//--\n"
    )
    assert find_secrets(decoded(mime))
    assert find_secrets(decoded(b64(gzip.compress(mime.encode())).decode()))
    assert decoded(b64(b"abcdefgh").decode()) == "abcdefgh"
