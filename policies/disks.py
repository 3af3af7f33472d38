"""Disk encryption at rest: EBS volumes (standalone and in launch specs and templates) and Azure
disks and snapshots. GCP persistent disks and Azure managed disks are always encrypted at rest and
no property turns that off, so neither has anything to flag (see the coverage tables).
"""

from __future__ import annotations

from typing import Any

from .values import UNKNOWN, Context, as_dict, as_list, dig, is_known, is_true, show

AZURE_ENCRYPTION_TYPES = (
    "EncryptionAtRestWithPlatformKey",
    "EncryptionAtRestWithCustomerKey",
    "EncryptionAtRestWithPlatformAndCustomerKeys",
)
EBS_FIX = "encrypted: true (optionally with kmsKeyId)"


def unencrypted(value: Any, ctx: Context) -> bool:
    """An EBS encrypted flag that is not true. Absent counts as unencrypted unless the pack is told
    the account encrypts new EBS volumes by default (accountEncryptsEbsByDefault); unknown values
    cannot be judged."""
    if value is None and ctx.config.get("accountEncryptsEbsByDefault") is True:
        return False
    return value is not UNKNOWN and not is_true(value)


def _absent_note(value: Any) -> str:
    return (
        "; absent means unencrypted unless the account enables EBS encryption by default "
        "(then set accountEncryptsEbsByDefault)"
        if value is None
        else ""
    )


def check_aws_block_devices(name: str, props: dict, ctx: Context) -> list[str]:
    """Instance, SpotInstanceRequest, LaunchConfiguration and spot fleet launch specifications:
    rootBlockDevice (rootBlockDevices[] in launch specifications) and ebsBlockDevices[]."""
    subject = ctx.subject(name)
    messages = []
    roots = props.get("rootBlockDevices")
    root_entries = [(f"rootBlockDevices[{i}]", r) for i, r in enumerate(as_list(roots))]
    root = props.get("rootBlockDevice")
    from_template = is_known(props.get("launchTemplate"))
    if roots is None and root is not UNKNOWN and not (root is None and from_template):
        root_entries = [("rootBlockDevice", root)]
    for where, device in root_entries:
        encrypted = dig(device, "encrypted")
        if unencrypted(encrypted, ctx):
            messages.append(
                f"{subject}: root volume is not encrypted ({ctx.at(where)}.encrypted={show(encrypted)}"
                f"{_absent_note(encrypted)}). Fix: set {ctx.at(where)} {EBS_FIX}."
            )
    for i, device in enumerate(as_list(props.get("ebsBlockDevices"))):
        encrypted = dig(device, "encrypted")
        if unencrypted(encrypted, ctx):
            where = ctx.at(f"ebsBlockDevices[{i}]")
            messages.append(
                f"{subject}: data volume {where} ({show(dig(device, 'deviceName'))}) is not "
                f"encrypted (encrypted={show(encrypted)}{_absent_note(encrypted)}). Fix: set {where} {EBS_FIX}."
            )
    return messages


def check_aws_volume(name: str, props: dict, ctx: Context) -> list[str]:
    encrypted = props.get("encrypted")
    if not unencrypted(encrypted, ctx):
        return []
    return [
        f"{ctx.subject(name)}: volume is not encrypted (encrypted={show(encrypted)}{_absent_note(encrypted)}). "
        f"Fix: set {EBS_FIX}."
    ]


# The device names AMIs give their root volume: /dev/xvda (Amazon Linux and other HVM AMIs) or
# /dev/sda1 (Ubuntu, Windows and others), https://docs.aws.amazon.com/ebs/latest/userguide/device_naming.html
ROOT_DEVICES = frozenset({"/dev/xvda", "/dev/sda1", "/dev/sda", "xvda", "sda1", "/dev/nvme0n1"})


def check_aws_launch_template_disks(name: str, props: dict, ctx: Context) -> list[str]:
    """A launch template judged as the instances it launches: every EBS mapping encrypted, and a
    mapping for the root device (else the root volume takes the AMI's own, unencrypted, mapping)."""
    subject = ctx.subject(name)
    mappings = props.get("blockDeviceMappings")
    if mappings is UNKNOWN:
        return []
    ebs_mappings = [(i, as_dict(dig(m, "ebs"))) for i, m in enumerate(as_list(mappings)) if dig(m, "ebs")]
    names = [dig(mappings[i], "deviceName") for i, _ in ebs_mappings]
    root_mapped = UNKNOWN in names or any(isinstance(n, str) and n.strip() in ROOT_DEVICES for n in names)
    messages = []
    if not root_mapped and ctx.config.get("accountEncryptsEbsByDefault") is not True:
        mapped = ", ".join(show(n) for n in names) or "no EBS device"
        messages.append(
            f"{subject}: {ctx.at('blockDeviceMappings')} map {mapped} but no root device (/dev/xvda or "
            f"/dev/sda1), so the root volume takes the AMI's default (unencrypted) mapping. Fix: add a blockDeviceMappings entry for the AMI's root device with ebs.encrypted: "
            f'"true" (or set accountEncryptsEbsByDefault if the account encrypts by default).'
        )
    return messages + [
        f"{subject}: blockDeviceMappings[{i}] ({show(dig(mappings[i], 'deviceName'))}) is not encrypted "
        f'(ebs.encrypted={show(ebs.get("encrypted"))}). Fix: set ebs.encrypted: "true".'
        for i, ebs in ebs_mappings
        if unencrypted(ebs.get("encrypted"), ctx)
    ]


def check_aws_encryption_by_default(name: str, props: dict, ctx: Context) -> list[str]:
    """EncryptionByDefault enabled=false turns encryption off for every volume the account creates in
    the region, in this stack or not; where the pack trusts that default (accountEncryptsEbsByDefault)
    the trust no longer holds either."""
    enabled = props.get("enabled")
    if enabled is None or enabled is UNKNOWN or is_true(enabled):
        return []  # the provider's default is enabled: true
    trusted = ctx.config.get("accountEncryptsEbsByDefault") is True
    trust = (
        " while this pack is configured to trust it (accountEncryptsEbsByDefault), so volumes without encrypted: "
        "true would pass unencrypted"
        if trusted
        else ""
    )
    fix = " or unset accountEncryptsEbsByDefault so every volume is judged on its own setting" if trusted else ""
    return [
        f"{ctx.subject(name)}: turns EBS encryption by default off for the account's region (enabled="
        f"{show(enabled)}){trust}: every volume created there without encrypted: true is unencrypted. Fix: keep "
        f"enabled: true{fix}."
    ]


def check_azure_disk(name: str, props: dict, ctx: Context) -> list[str]:
    """Disk and Snapshot: encryption.type must be one of the encryption-at-rest types (absent is
    platform-key encryption, the default). Azure compares enum values case-insensitively."""
    encryption_type = dig(props, "encryption", "type")
    if not is_known(encryption_type) or (
        isinstance(encryption_type, str) and encryption_type.lower() in {t.lower() for t in AZURE_ENCRYPTION_TYPES}
    ):
        return []
    return [
        (
            f"{ctx.subject(name)}: encryption.type={show(encryption_type)} is not encryption at "
            f"rest. Fix: set encryption.type to one of {', '.join(AZURE_ENCRYPTION_TYPES)} (or omit it: "
            f"platform-key encryption is the default)."
        )
    ]
