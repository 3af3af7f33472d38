"""Who and what reaches a VM: SSH key, admin user and password, ingress rules, an existing subnet."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from ..cloud_rules import CLOUDS, rules
from .model import Checker, ImageChoice, IngressRule, is_plain

PROTOCOLS = ("tcp", "udp", "icmp")


DEFAULT_ADMIN_USERNAME = "vmadmin"


# Read from each cloud's rules (``cloud_rules/<cloud>.py``), where their sources are.
SSH_KEY_TYPES = {cloud: rules(cloud).SSH_KEY_TYPES for cloud in CLOUDS}
AZURE_RESERVED_USERNAMES = rules("azure").RESERVED_USERNAMES
# Refused as the admin user on every cloud.
RESERVED_EVERYWHERE = frozenset(["root"])
# The system accounts every Linux image of the aliases already has (Debian's and Ubuntu's base-passwd
# passwd.master; RHEL's setup package /etc/passwd): their shell is nologin (sync's is /bin/sync) and
# their home a system directory, so cloud-init or the guest agent would put the key there and the
# admin could never log in.
LINUX_SYSTEM_ACCOUNTS = frozenset((
    "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy", "www-data",
    "backup", "list", "irc", "gnats", "nobody", "_apt", "adm", "shutdown", "halt", "operator", "ftp",
))  # fmt: skip
# Windows' built-in accounts that stay disabled (https://learn.microsoft.com/windows/security/
# identity-protection/access-control/local-accounts): the admin script would set a password on the
# existing account, which can never log in. (The built-in Administrator is enabled and an admin.)
WINDOWS_DISABLED_ACCOUNTS = frozenset(("guest", "defaultaccount", "wdagutilityaccount"))


def check_ssh_key(check: Checker, cloud: str) -> str | None:
    key = check.args.get("ssh_public_key")
    if key is None:
        return None
    allowed = rules(cloud).SSH_KEY_TYPES
    problem = ssh_key_problem(key, allowed)
    if problem:
        raise check.fail("ssh_public_key", _shorten(key), problem)
    return " ".join(key.split())


def ssh_key_problem(key: object, allowed: tuple[str, ...]) -> str | None:
    """Why an OpenSSH public key line is unusable, or None when it is fine."""
    expected = "an OpenSSH public key line '<type> <base64> [comment]' of type " + ", ".join(allowed)
    if not isinstance(key, str):
        return "expected " + expected
    parts = key.split()
    if len(parts) < 2 or parts[0] not in allowed:
        return "expected " + expected
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        return "the key body is not valid base64; expected " + expected
    fields = _ssh_fields(blob)
    if not fields or fields[0] != parts[0].encode():
        return "the key body does not encode a " + parts[0] + " key; expected " + expected
    if parts[0] == "ssh-rsa":
        modulus = fields[2] if len(fields) > 2 else b""
        bits = int.from_bytes(modulus, "big").bit_length()
        if bits < 2048:
            return f"RSA keys must be at least 2048 bits (this one has {bits})"
    if parts[0] == "ssh-ed25519" and (len(fields) < 2 or len(fields[1]) != 32):
        return "the ed25519 key body is malformed"
    return None


def _ssh_fields(blob: bytes) -> list[bytes]:
    fields, offset = [], 0
    while offset + 4 <= len(blob):
        length = int.from_bytes(blob[offset : offset + 4], "big")
        offset += 4
        if offset + length > len(blob):
            return []
        fields.append(blob[offset : offset + length])
        offset += length
    return fields if offset == len(blob) else []


def _shorten(value: object) -> object:
    return value[:40] + "…" if isinstance(value, str) and len(value) > 40 else value


def check_admin_username(check: Checker, cloud: str, image: ImageChoice) -> str:
    username = check.args.get("admin_username")
    if username is None:
        if rules(cloud).ADMIN_IS_IMAGE_LOGIN_USER and image.login_user and image.os_type == "linux":
            return image.login_user
        return DEFAULT_ADMIN_USERNAME
    if image.os_type == "windows":
        # Windows user names: 1-20 characters, none of "/\[]:;|=,+*?<>@ and no control characters
        # (https://learn.microsoft.com/windows/win32/api/lmaccess/ns-lmaccess-user_info_0, usri0_name).
        ok = (
            isinstance(username, str)
            and re.fullmatch(r'^[^"/\\\[\]:;|=,+*?<>@ \x00-\x1f\x7f]{1,20}$', username)
            and not username.endswith(".")
        )
        rule = '1-20 characters without "/\\[]:;|=,+*?<>@, spaces or control characters'
    else:
        ok = isinstance(username, str) and re.fullmatch(r"^[a-z_][a-z0-9_-]{0,31}$", username)
        rule = "a Linux user name: lowercase letters, digits, '_' or '-', starting with a letter or '_', at most 32"
    if not ok:
        raise check.fail("admin_username", username, "expected " + rule)
    if username.lower() in RESERVED_EVERYWHERE or username.lower() in rules(cloud).RESERVED_USERNAMES:
        raise check.fail("admin_username", username, f"{username!r} is reserved on {cloud}; choose another name")
    system = LINUX_SYSTEM_ACCOUNTS if image.os_type == "linux" else WINDOWS_DISABLED_ACCOUNTS
    if username.lower() in system:
        raise check.fail(
            "admin_username",
            username,
            f"{username!r} is a system account of the image that cannot log in (a "
            + ("nologin shell" if image.os_type == "linux" else "disabled built-in account")
            + "); choose another name",
        )
    return username


def check_admin_password(check: Checker, image: ImageChoice, username: str = DEFAULT_ADMIN_USERNAME) -> Any:
    password = check.args.get("admin_password")
    if image.os_type != "windows":
        if password is not None:
            raise check.fail(
                "admin_password", "[secret]", "only for Windows images; Linux VMs log in with ssh_public_key"
            )
        return None
    if password is None:
        raise check.fail("admin_password", None, "Windows images need an admin password (kept secret in state)")
    if is_plain(password):
        classes = (
            sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
            if isinstance(password, str)
            else 0
        )
        if not isinstance(password, str) or not 12 <= len(password) <= 123 or classes < 3:
            raise check.fail(
                "admin_password",
                "[secret]",
                "expected 12-123 characters with 3 of: lowercase, uppercase, digit, symbol",
            )
        # Windows' password complexity (on by default on a stand-alone server) refuses a password that
        # contains the account name, case-insensitively, where the name has 3 or more characters
        # (https://learn.microsoft.com/windows/security/threat-protection/security-policy-settings/
        # password-must-meet-complexity-requirements): the admin user would not be created at first boot.
        if len(username) >= 3 and username.lower() in password.lower():
            raise check.fail(
                "admin_password",
                "[secret]",
                f"a password that does not contain the admin user name ({username}): Windows refuses it",
            )
    return password


def check_ingress(check: Checker) -> tuple[IngressRule, ...]:
    rules = check.args.get("ingress", []) or []
    if not isinstance(rules, (list, tuple)):
        raise check.fail("ingress", rules, "expected a list of {port|from_port,to_port, protocol, sources}")
    return tuple(_ingress_rule(check, f"ingress[{i}]", rule) for i, rule in enumerate(rules))


def _ingress_rule(check: Checker, key: str, rule: object) -> IngressRule:
    if not isinstance(rule, Mapping):
        raise check.fail(key, rule, "expected {port|from_port,to_port, protocol, sources}")
    extra = set(rule) - {"port", "from_port", "to_port", "protocol", "sources", "description"}
    if extra:
        raise check.fail(
            f"{key}.{sorted(extra)[0]}",
            rule[sorted(extra)[0]],
            "unknown key; valid: port, from_port, to_port, protocol, sources, description",
        )
    protocol = rule.get("protocol", "tcp")
    if protocol not in PROTOCOLS:
        raise check.fail(f"{key}.protocol", protocol, "expected one of " + ", ".join(PROTOCOLS))
    has_port, has_range = "port" in rule, "from_port" in rule or "to_port" in rule
    if protocol == "icmp":
        if has_port or has_range:
            raise check.fail(f"{key}.port", rule.get("port", rule.get("from_port")), "icmp rules take no ports")
        from_port = to_port = None
    elif has_port and has_range:
        raise check.fail(f"{key}.port", rule["port"], "give either port or from_port/to_port, not both")
    elif has_port:
        from_port = to_port = check.integer(f"{key}.port", rule["port"], 1, 65535)
    elif "from_port" in rule and "to_port" in rule:
        from_port = check.integer(f"{key}.from_port", rule["from_port"], 1, 65535)
        to_port = check.integer(f"{key}.to_port", rule["to_port"], 1, 65535)
        if from_port > to_port:
            raise check.fail(f"{key}.from_port", from_port, f"expected from_port <= to_port ({to_port})")
    else:
        raise check.fail(key, dict(rule), f"{protocol} rules need port, or from_port and to_port")
    sources = rule.get("sources")
    if not isinstance(sources, (list, tuple)) or not sources:
        raise check.fail(
            f"{key}.sources", sources, "expected a non-empty list of CIDRs (nothing is opened to the world implicitly)"
        )
    description = rule.get("description", "")
    if not isinstance(description, str):
        raise check.fail(f"{key}.description", description, "expected a string")
    cidrs = tuple(_cidr(check, f"{key}.sources", s) for s in sources)
    for index, cidr in enumerate(cidrs):
        if ":" in cidr:
            raise check.fail(f"{key}.sources", cidr, IPV6_REFUSED)
        if cidr in cidrs[:index]:
            # EC2 refuses a CIDR given twice in one rule ("The same permission must not appear multiple
            # times", hashicorp/terraform-provider-aws#29492, #2587); it admits nothing more anywhere.
            raise check.fail(f"{key}.sources", cidr, "each source once: this CIDR is given twice in the rule")
    return IngressRule(protocol, from_port, to_port, cidrs, description)


IPV6_REFUSED = (
    "an IPv4 CIDR: no network the component builds carries IPv6 (its VPCs, virtual networks and subnetworks "
    "get no IPv6 range) and it assigns the VM no IPv6 address, with subnet_id too, so an IPv6 rule would "
    "admit nothing; give IPv4 sources, and for IPv6 clients put a dual-stack load balancer in front of the VM"
)


def _cidr(check: Checker, key: str, source: object) -> str:
    if not isinstance(source, str):
        raise check.fail(key, source, "expected a CIDR such as 203.0.113.0/24")
    try:
        return ipaddress.ip_network(source, strict=True).with_prefixlen
    except ValueError as error:
        hint = ""
        try:
            hint = f"; did you mean {ipaddress.ip_network(source, strict=False).with_prefixlen}?"
        except ValueError:
            pass
        raise check.fail(key, source, f"expected a CIDR such as 203.0.113.0/24 ({error}){hint}") from None


def check_subnet_id(check: Checker, cloud: str) -> str | None:
    subnet_id = check.optional_str("subnet_id")
    if subnet_id is None:
        return None
    pattern, example = rules(cloud).SUBNET_ID
    if not pattern.fullmatch(subnet_id):
        raise check.fail("subnet_id", subnet_id, f"expected a {cloud} subnet id like {example}")
    return subnet_id
