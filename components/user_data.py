"""What the component adds to a VM's boot-time data, as plain text: the admin user's cloud-config on
AWS Linux images whose login user differs, and the Windows script that creates the admin user.

Pure functions without Pulumi, so the cloud rules can check the size of what is actually sent."""

from __future__ import annotations

from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText


def windows_admin_script(username: str, password: str) -> str:
    """PowerShell run at first boot that creates (or resets) the admin user from the spec."""
    escaped = password.replace("'", "''")
    return (
        f"$password = ConvertTo-SecureString '{escaped}' -AsPlainText -Force\n"
        f"if (Get-LocalUser -Name '{username}' -ErrorAction SilentlyContinue) "
        f"{{ Set-LocalUser -Name '{username}' -Password $password }} "
        f"else {{ New-LocalUser -Name '{username}' -Password $password -PasswordNeverExpires; "
        f"Add-LocalGroupMember -Group Administrators -Member '{username}' }}\n"
    )


def cloud_config_for_user(username: str, ssh_key: str) -> str:
    return (
        "#cloud-config\nusers:\n  - default\n"
        f"  - name: {username}\n    sudo: ALL=(ALL) NOPASSWD:ALL\n    shell: /bin/bash\n"
        f"    ssh_authorized_keys:\n      - {ssh_key}\n"
    )


def combine_user_data(parts: list[str]) -> str:
    """Several cloud-init parts as one MIME multipart document, as cloud-init expects."""
    if len(parts) == 1:
        return parts[0]
    message = MIMEMultipart(boundary="MULTICLOUD-VM-BOUNDARY")
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


def windows_user_data(username: str, password: str, user_data: str | None) -> str:
    """AWS Windows: one PowerShell block (EC2Launch runs it once) creating the admin user, then the
    user's script."""
    script = windows_admin_script(username, password)
    body = user_data.removeprefix("<powershell>").removesuffix("</powershell>") if user_data else ""
    return f"<powershell>\n{script}{body}\n</powershell>\n<persist>false</persist>"
