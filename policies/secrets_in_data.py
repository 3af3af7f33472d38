"""Secrets written into a VM's user data or instance metadata: a password passed to PowerShell's
``ConvertTo-SecureString`` as a literal or written in a command's own syntax (a URL's user:password,
``net user``, ``mysql -p``, chpasswd lines), a ``password:``-like key with a literal value, or a
credential in a well-known format (private key blocks, AWS access keys, GitHub, Slack, Google and
Stripe tokens, Azure storage keys and SAS signatures).

User data and instance metadata are readable by every process on the VM (through the metadata
service) and by anyone allowed to describe the instance, and they stay in its configuration, so a
secret there is exposed whatever the secrecy of the value in Pulumi's state. Base64 (and
gzip-compressed, several layers deep) user data is decoded before it is read, and so are the
encoded parts of a MIME multi-part document (cloud-init's format for several scripts). A finding names the kind and where it is,
never the value.
"""

from __future__ import annotations

import base64
import binascii
import email
import gzip
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .values import UNKNOWN, Context, as_dict, dig

MAX_DECODED = 1 << 20  # gunzip at most 1 MiB (AWS user data is at most 16 KiB compressed)
MAX_LAYERS = 4  # base64 and gzip layers taken off user data, in any order

KEY_FORMATS = (
    (re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----"), "a private key block"),
    (re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])"), "an AWS access key id"),
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})"), "a GitHub token"),
    (re.compile(r"\bglpat-[0-9A-Za-z_-]{20,}"), "a GitLab token"),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (re.compile(r"\bAIza[0-9A-Za-z_-]{35}"), "a Google API key"),
    (re.compile(r"\b[rs]k_live_[0-9a-zA-Z]{24,}"), "a Stripe secret key"),
    (re.compile(r"AccountKey=[A-Za-z0-9+/]{40,}={0,2}"), "an Azure storage account key"),
    (re.compile(r"[?&]sig=[A-Za-z0-9%+/=]{20,}"), "an Azure shared access signature"),
)
SECURE_STRING = re.compile(
    r"ConvertTo-SecureString\s+(?:-String\s+)?(?P<q>['\"])(?P<v>[^'\"\n]+)(?P=q)"
    r"|(?P<q2>['\"])(?P<v2>[^'\"\n]+)(?P=q2)\s*\|\s*ConvertTo-SecureString",
    re.IGNORECASE,
)
SECRET_KEY = re.compile(
    r"(?<![A-Za-z0-9_])(?P<key>[A-Za-z0-9_.-]*(?:password|passwd|passphrase|pwd|secret|api[_-]?key|access[_-]?key"
    r"|private[_-]?key|auth[_-]?token|token)[A-Za-z0-9_.-]*)[\"']?[ \t]*(?::=|=|:)[ \t]*(?P<v>[^\n#;,}]*)",
    re.IGNORECASE,
)
# Passwords written in a command's own syntax: user:password@ in a URL, ``net user NAME PASSWORD``,
# mysql's -pPASSWORD, and the user:password lines chpasswd reads (cloud-init's chpasswd list, echo | chpasswd).
COMMAND_PASSWORDS = (
    (re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:(?P<v>[^@\s/'\"]+)@", re.IGNORECASE), "a password in a URL"),
    (re.compile(r"\bnet\s+user\s+\S+\s+(?P<v>[^\s/]+)", re.IGNORECASE), "a password set with net user"),
    (re.compile(r"\bmysql\w*\b[^\n]*?\s-p(?P<v>[^\s'\"]+)"), "a password passed to mysql with -p"),
)
CHPASSWD_LINE = re.compile(r"(?m)(?<![\w$/.:-])[a-z_][a-z0-9_.-]*:(?P<v>[^\s:'\"$/|{}][^\s:'\"|]{3,})(?=['\"\s]|$)")
NOT_SECRET_KEYS = re.compile(r"(?i)^(nopasswd|lock_passwd|ssh_pwauth|.*_file|.*_path|.*_url|.*_len(gth)?)$")
NOT_LITERAL = ("$", "%", "{", "[", "(", "<", "`", "!", "&", "*", "|", ">", "@")
TEMPLATE_MARKERS = ("{{", "${", "$(", "<%", "%{")
WORDS = frozenset({"true", "false", "yes", "no", "null", "none", "~", "required", "optional", "prompt", "all"})


@dataclass(frozen=True)
class Finding:
    kind: str
    line: int
    key: str = ""

    def describe(self) -> str:
        key = f" '{self.key}'" if self.key else ""
        return f"{self.kind}{key} on line {self.line}"


def _literal(value: str) -> str | None:
    """The literal a value holds, or None for a reference, an expression or a command."""
    text = value.strip().rstrip(",;")
    if any(marker in text for marker in TEMPLATE_MARKERS):
        return None  # filled in by a template engine or the shell when the VM boots
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        return None if text[0] == '"' and "$" in inner else inner
    if not text or text.startswith(NOT_LITERAL) or any(c.isspace() for c in text):
        return None
    return text


def _key_value_findings(text: str, line_of) -> list[Finding]:
    found = []
    for match in SECRET_KEY.finditer(text):
        key = match.group("key").strip(".-_")
        if NOT_SECRET_KEYS.match(key):
            continue
        value = _literal(match.group("v"))
        if value is None or value.lower() in WORDS:
            continue
        passwordish = re.search(r"(?i)pass|pwd", key) is not None
        if len(value) < (4 if passwordish else 8):
            continue
        found.append(Finding("a literal value for a secret-like key", line_of(match.start()), key))
    return found


def _command_findings(text: str, line_of) -> list[Finding]:
    found = [
        Finding(kind, line_of(m.start()))
        for pattern, kind in COMMAND_PASSWORDS
        for m in pattern.finditer(text)
        if _literal(m.group("v")) and m.group("v") not in ("*", "RANDOM")
    ]
    if "chpasswd" in text.lower():
        found += [
            Finding("a user:password line for chpasswd", line_of(m.start()))
            for m in CHPASSWD_LINE.finditer(text)
            if m.group("v") not in ("RANDOM", "R")
        ]
    return found


def find_secrets(text: str) -> list[Finding]:
    """What in ``text`` looks like a secret, one finding per line."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def line_of(position: int) -> int:
        low, high = 0, len(starts)
        while low + 1 < high:
            middle = (low + high) // 2
            low, high = (middle, high) if starts[middle] <= position else (low, middle)
        return low + 1

    found = [Finding(kind, line_of(m.start())) for pattern, kind in KEY_FORMATS for m in pattern.finditer(text)]
    for match in SECURE_STRING.finditer(text):
        value = match.group("v") or match.group("v2") or ""
        if not value.startswith("$"):
            found.append(Finding("a password passed to ConvertTo-SecureString as a literal", line_of(match.start())))
    found += _key_value_findings(text, line_of)
    found += _command_findings(text, line_of)
    by_line: dict[int, Finding] = {}
    for finding in found:
        by_line.setdefault(finding.line, finding)
    return sorted(by_line.values(), key=lambda f: f.line)


def _unwrapped(raw: bytes) -> bytes | None:
    """One layer taken off: gunzipped, or base64 decoded; None when it is neither."""
    try:
        if raw[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as handle:
                return handle.read(MAX_DECODED)
        compact = b"".join(raw.split())
        if len(compact) < 8 or len(compact) % 4 or not re.fullmatch(rb"[A-Za-z0-9+/]+={0,2}", compact):
            return None
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, OSError, EOFError, ValueError):
        return None


def _mime_parts(text: str) -> list[str]:
    """The parts of a MIME multi-part document (cloud-init's user data format), each decoded as its
    Content-Transfer-Encoding says (base64, quoted-printable) and unwrapped like user data."""
    if "multipart/" not in text.lower():
        return []
    message = email.message_from_string(text)
    parts = []
    for part in message.walk() if message.is_multipart() else []:
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            parts.append(decoded(payload.decode("utf-8", "replace")))
    return parts


def decoded(value: str) -> str:
    """User data as the VM sees it: base64 and gzip layers taken off (in any order, several deep),
    and a MIME multi-part document's encoded parts added after it; else as is."""
    raw, text = value.encode("utf-8", "replace"), value
    for _ in range(MAX_LAYERS):
        unwrapped = _unwrapped(raw)
        if unwrapped is None:
            break
        raw = unwrapped
        if raw[:2] != b"\x1f\x8b":
            try:
                text = raw.decode("utf-8")  # the deepest layer that reads as text
            except UnicodeDecodeError:
                break
    parts = _mime_parts(text)
    return "\n".join([text, *parts]) if parts else text


def _messages(ctx: Context, name: str, where: str, findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    listed = "; ".join(f.describe() for f in findings[:5]) + (
        f"; {len(findings) - 5} more" if len(findings) > 5 else ""
    )
    return [
        f"{ctx.subject(name)}: {ctx.at(where)} holds what looks like a secret ({listed}). User data and instance "
        f"metadata can be read by every process on the VM and by anyone allowed to describe it. Fix: have the VM "
        f"fetch the secret at boot with its own identity from a secret store (AWS Secrets Manager or SSM Parameter "
        f"Store, Azure Key Vault, GCP Secret Manager)."
    ]


def user_data_check(*paths: Sequence[str]):
    """The check on the strings at ``paths`` (each a path of keys; base64 decoded when it is)."""

    def check(name: str, props: dict, ctx: Context) -> list[str]:
        messages = []
        for path in paths:
            value = dig(props, *path)
            if isinstance(value, str) and value is not UNKNOWN:
                messages += _messages(ctx, name, ".".join(path), find_secrets(decoded(value)))
        return messages

    return check


def check_gcp_metadata(name: str, props: dict, ctx: Context) -> list[str]:
    """GCP instances and templates: every metadata entry (its key read with its value, so an entry
    named like a password is seen) and metadataStartupScript."""
    messages = []
    for key, value in as_dict(props.get("metadata")).items():
        if isinstance(value, str):
            text = decoded(value)
            findings = find_secrets(f"{key}: {text}") if "\n" not in text else find_secrets(text)
            messages += _messages(ctx, name, f"metadata[{key!r}]", findings)
    script = props.get("metadataStartupScript")
    if isinstance(script, str):
        messages += _messages(ctx, name, "metadataStartupScript", find_secrets(script))
    return messages
