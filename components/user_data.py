"""What the component adds to a VM's boot-time data, as plain text: the admin user's cloud-config on
AWS Linux images whose login user differs, and the Windows first-boot scripts that create the admin
user with the password they fetch from the cloud's secret store (AWS SSM Parameter Store, GCP Secret
Manager). The password itself is never part of any script.

Nothing a user types becomes code. Every value the component puts into a PowerShell script (user
name, parameter or secret name, region, endpoint, the user's own script) is embedded as base64 of its
UTF-8, whose alphabet has no quote, ``$``, backtick or line break, and decoded by the script at run
time. Values in cloud-config YAML are plain scalars only where that is provably the same string,
else double-quoted with every character outside printable ASCII escaped (JSON-compatible).

Pure functions without Pulumi, so the cloud rules can check the size of what is actually sent."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

# --- PowerShell -------------------------------------------------------------------------------------


def ps_value(value: str) -> str:
    """A PowerShell expression whose value is ``value``: base64 of its UTF-8 in single quotes, decoded
    at run time. Nothing in ``value`` can end the quoted string or start a subexpression."""
    encoded = base64.b64encode(value.encode()).decode()
    return f"([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('{encoded}')))"


# Creates the admin user, or resets its password when it exists; $user and $password are set before.
_CREATE_ADMIN = (
    "  $password = ConvertTo-SecureString $value -AsPlainText -Force\n"
    "  Remove-Variable value\n"
    "  if (Get-LocalUser -Name $user -ErrorAction SilentlyContinue) { Set-LocalUser -Name $user -Password $password }\n"
    "  else { New-LocalUser -Name $user -Password $password -PasswordNeverExpires | Out-Null; "
    "Add-LocalGroupMember -Group Administrators -Member $user }\n"
)
_DONE_MARKER = "Join-Path $env:ProgramData 'multicloud-vm\\admin-user-created'"


def _admin_block(assignments: list[str], fetch: str) -> str:
    """Runs once per instance (a marker file), in its own scope, and reports instead of stopping the
    script when it fails, so the user's own script still runs."""
    body = (
        "  $ErrorActionPreference = 'Stop'\n"
        f"  $done = {_DONE_MARKER}\n"
        "  if (Test-Path $done) { return }\n"
        + "".join(f"  {line}\n" for line in assignments)
        # Retries while the instance's credentials or the secret store are not reachable yet.
        + "  $value = $null\n"
        + "  for ($try = 1; $null -eq $value; $try++) {\n"
        + f"    try {{ {fetch} }}\n"
        + "    catch { if ($try -ge 30) { throw }; Start-Sleep -Seconds 10 }\n"
        + "  }\n"
        + _CREATE_ADMIN
        + "  New-Item -ItemType File -Force -Path $done | Out-Null\n"
    )
    return (
        "# multicloud-vm: the admin user, with the password from the cloud's secret store\n"
        f'try {{ & {{\n{body}}} }} catch {{ Write-Output "multicloud-vm: admin user not created: $_" }}\n'
    )


def aws_windows_admin_script(username: str, parameter: str, region: str, endpoint: str | None = None) -> str:
    """PowerShell that creates the admin user with the SecureString ``parameter`` of SSM Parameter
    Store, read with the AWS Tools for PowerShell (on every AWS Windows AMI) and the instance profile's
    credentials (IMDSv2; hop limit 1 reaches the host). ``endpoint`` is the URL of an SSM interface
    endpoint for a VM without a route to the public one."""
    assignments = [
        f"$user = {ps_value(username)}",
        f"$parameter = @{{ Name = {ps_value(parameter)}; WithDecryption = $true; Region = {ps_value(region)} }}",
    ]
    if endpoint:
        assignments.append(f"$parameter.EndpointUrl = {ps_value(endpoint)}")
    return _admin_block(assignments, "$value = (Get-SSMParameter @parameter).Value")


GCP_TOKEN_URL = "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"


def gcp_windows_admin_script(username: str, secret: str) -> str:
    """PowerShell that creates the admin user with the latest version of the Secret Manager secret
    ``secret`` (``projects/P/secrets/S``), read with the metadata server's token for the VM's own
    service account (``versions/latest:access``)."""
    assignments = [
        f"$user = {ps_value(username)}",
        f"$secret = {ps_value(secret + '/versions/latest:access')}",
    ]
    fetch = (
        f"$token = (Invoke-RestMethod -UseBasicParsing -Headers @{{ 'Metadata-Flavor' = 'Google' }} -Uri '{GCP_TOKEN_URL}').access_token; "
        '$answer = Invoke-RestMethod -UseBasicParsing -Headers @{ Authorization = "Bearer $token" } '
        '-Uri "https://secretmanager.googleapis.com/v1/$secret"; '
        "$value = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($answer.payload.data))"
    )
    return _admin_block(assignments, fetch)


# --- EC2 Windows user data --------------------------------------------------------------------------

_PERSIST = re.compile(r"<persist>\s*(true|false)\s*</persist>", re.IGNORECASE)
_POWERSHELL = re.compile(r"<powershell>(.*?)</powershell>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?(powershell|script|persist|powershellArguments|runAsLocalSystem)\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Ec2WindowsUserData:
    """A user's EC2 Windows user data: the PowerShell to run, and whether it runs at every boot."""

    script: str
    persist: bool


def parse_ec2_windows_user_data(text: str) -> Ec2WindowsUserData | str:
    """The user's PowerShell and ``<persist>`` choice, or why the component cannot combine it with its
    own script: EC2Launch formats other than one ``<powershell>`` block (or bare PowerShell) and an
    optional ``<persist>`` tag (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2launch-v2.html,
    "User data scripts"). A block's content is the user's PowerShell as written, tags in its strings
    included; around it, or in bare PowerShell, other EC2Launch tags are refused."""
    if re.match(r"version:\s", text.strip()):
        return "EC2Launch v2 YAML user data cannot be combined with the component's admin script; give PowerShell"
    blocks = list(_POWERSHELL.finditer(text))
    if len(blocks) > 1:
        return "give one <powershell> block (and optionally <persist>), nothing else around it"
    outside = text[: blocks[0].start()] + "\n" + text[blocks[0].end() :] if blocks else text
    persist_tags = _PERSIST.findall(outside)
    if len(persist_tags) > 1:
        return "give <persist> at most once"
    persist = bool(persist_tags) and persist_tags[0].lower() == "true"
    rest = _PERSIST.sub("", outside)
    if blocks and rest.strip():
        return "give one <powershell> block (and optionally <persist>), nothing else around it"
    tag = None if blocks else _TAG.search(rest)
    if tag:
        return (
            f"user data tag {tag.group(0)!r} is not supported here: give PowerShell, optionally in one "
            "<powershell> block, and <persist>true</persist> to run it at every boot"
        )
    return Ec2WindowsUserData((blocks[0].group(1) if blocks else rest).strip("\n"), persist)


def aws_windows_user_data(admin_script: str, user_data: str | None) -> str:
    """EC2 Windows user data: one ``<powershell>`` block (EC2Launch runs it once, or at every boot with
    the user's ``<persist>true</persist>``) with the admin script (which runs once per instance either
    way) and then the user's own script, decoded at run time so nothing in it can end the block."""
    parsed = parse_ec2_windows_user_data(user_data) if user_data else Ec2WindowsUserData("", False)
    if isinstance(parsed, str):
        raise ValueError(parsed)  # validation refuses such user data before anything is registered
    user_part = (
        f"# the VM's user_data\n. ([scriptblock]::Create({ps_value(parsed.script)}))\n" if parsed.script.strip() else ""
    )
    persist = "true" if parsed.persist else "false"
    return f"<powershell>\n{admin_script}{user_part}</powershell>\n<persist>{persist}</persist>"


# --- cloud-config -----------------------------------------------------------------------------------

# YAML 1.1 (PyYAML, which cloud-init uses) reads these plain scalars as booleans or null.
_YAML_SPECIAL_WORDS = frozenset(["y", "yes", "n", "no", "true", "false", "on", "off", "null"])
_YAML_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.@+/=,() -]*$")


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as exactly that string. Plain where that is provably
    so (starts with a letter or ``_``; only letters, digits, space and ``_.@+/=,()-``, which cannot
    start a comment, a mapping or another token; not a word YAML 1.1 reads as a boolean or null),
    which keeps the user data of deployed VMs byte-identical; else double-quoted, with ``\\``, ``"``
    and every character outside printable ASCII escaped."""
    if _YAML_PLAIN.fullmatch(value) and not value.endswith(" ") and value.lower() not in _YAML_SPECIAL_WORDS:
        return value
    out = []
    for char in value:
        code = ord(char)
        if char in '\\"':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def cloud_config_for_user(username: str, ssh_key: str) -> str:
    return (
        "#cloud-config\nusers:\n  - default\n"
        f"  - name: {yaml_scalar(username)}\n    sudo: ALL=(ALL) NOPASSWD:ALL\n    shell: /bin/bash\n"
        f"    ssh_authorized_keys:\n      - {yaml_scalar(ssh_key)}\n"
    )


BOUNDARY = "MULTICLOUD-VM-BOUNDARY"


def combine_user_data(parts: list[str]) -> str:
    """Several cloud-init parts as one MIME multipart document, as cloud-init expects. The boundary is
    the fixed one unless a part contains it (then one derived from the parts that none contains), so
    nothing in a part can end it early."""
    if len(parts) == 1:
        return parts[0]
    boundary = BOUNDARY
    while any(boundary in part for part in parts):
        boundary = f"{BOUNDARY}-{hashlib.sha256((boundary + ''.join(parts)).encode()).hexdigest()[:24]}"
    message = MIMEMultipart(boundary=boundary)
    for part in parts:
        subtype = "cloud-config" if part.startswith("#cloud-config") else "x-shellscript"
        message.attach(MIMEText(part, subtype))
    return message.as_string()


def linux_user_data(username: str, login_user: str | None, ssh_key: str | None, user_data: str | None) -> str | None:
    """AWS Linux: the user's data, plus a cloud-config creating ``username`` with the key when the
    image's own login user is another."""
    parts = []
    if ssh_key and login_user and username != login_user:
        parts.append(cloud_config_for_user(username, ssh_key))
    if user_data:
        parts.append(user_data)
    return combine_user_data(parts) if parts else None
