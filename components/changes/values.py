"""Input values as the engine compares them: unknowns, and secrets seen only as digests.

A secret is compared by a salted digest where a plan file holds only that; an unknown value (computed
from another resource, or a secret a stack export holds encrypted) may or may not have changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..property_paths import Path, format_path

# The engine's wire markers (pulumi sdk/go/common/resource/plugin/rpc.go): an unknown value, and the
# signature key of a secret ({SIG: SECRET, "value" | "ciphertext" | "plaintext": ...}).
UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG = "4dabf18193072939515e22adb298388d"
SECRET = "1b47061264138c4ac30d75fd1eb44270"
# PBKDF2 rounds for a secret's digest: a committed plan must not make a weak password cheap to guess.
# The scheme names them, so a digest made otherwise is not compared (it may or may not match).
DIGEST_ROUNDS = 10_000
STRETCHED = f"pbkdf2-sha256-{DIGEST_ROUNDS}"
QUICK = "sha256"


class Unknown:
    """A value not known offline: computed from another resource (``computed``) or a secret the file
    holds only encrypted (``secret``). Two unknowns are equal only when they are the same object (the
    new value resolved to the old one)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str = "computed"):
        self.reason = reason

    def __repr__(self) -> str:
        return f"<unknown: {self.reason}>"


@dataclass(frozen=True)
class Secret:
    """A secret value known only by its digest (a plan file); it matches a value with the same digest."""

    digest: str


def digest(value: Any, salt: str) -> str:
    """A salted digest of a secret value: equal values at the same place give equal digests. Text is
    stretched (PBKDF2) so a committed plan does not make a weak password cheap to guess; a number or
    a boolean, which no stretching would hide, is not."""
    if not isinstance(value, str):
        return quick_digest(value, salt)
    data = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()
    return f"{STRETCHED}:" + hashlib.pbkdf2_hmac("sha256", data, salt.encode(), DIGEST_ROUNDS).hex()[:40]


def quick_digest(value: Any, salt: str) -> str:
    """A fast digest for values that are not secret (a public key, tags), to tell them apart."""
    data = json.dumps([salt, value], sort_keys=True, separators=(",", ":"), default=str).encode()
    return f"{QUICK}:" + hashlib.sha256(data).hexdigest()[:40]


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def from_wire(value: Any, depth: int = 0) -> Any:
    """A JSON value from a plan or a stack export with its markers turned into Unknown and Secret:
    an unknown, a digest, an encrypted secret (unknown: it may have changed), a decrypted one."""
    if depth > 200:
        raise ValueError("nested too deeply")
    if isinstance(value, str) and value == UNKNOWN_WIRE:
        return Unknown()
    if isinstance(value, dict):
        if value.get(SIG) == SECRET:
            if "digest" in value and isinstance(value["digest"], str):
                return Secret(value["digest"])
            if "plaintext" in value and isinstance(value["plaintext"], str):
                try:
                    return from_wire(json.loads(value["plaintext"]), depth + 1)
                except ValueError:
                    return value["plaintext"]
            if "value" in value:
                return from_wire(value["value"], depth + 1)
            return Unknown("secret")
        return {str(k): from_wire(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [from_wire(v, depth + 1) for v in value]
    return value


def to_wire(value: Any, secret_paths: list[Path], salt: str, path: Path = (), secret: bool = False) -> Any:
    """A value for a plan file: unknowns as the wire marker, and each scalar at or under one of
    ``secret_paths`` as a salted digest; maps and lists keep their shape, so a change is still seen
    where it is (``osProfile.customData``, not all of ``osProfile``)."""
    secret = secret or path in secret_paths
    if is_unknown(value):
        return UNKNOWN_WIRE
    if isinstance(value, dict):
        return {k: to_wire(v, secret_paths, salt, (*path, k), secret) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire(v, secret_paths, salt, (*path, i), secret) for i, v in enumerate(value)]
    if secret:
        return {SIG: SECRET, "digest": digest(value, f"{salt}|{format_path(path)}")}
    return value


def same(old: Any, new: Any, salt: str = "", path: Path = ()) -> bool | None:
    """True when equal, False when different, None when one side is unknown (it may have changed)."""
    if old is new:
        return True
    if is_unknown(old) or is_unknown(new):
        return None
    if isinstance(old, Secret) or isinstance(new, Secret):
        secrets = [v for v in (old, new) if isinstance(v, Secret)]
        if any(v.digest.split(":", 1)[0] not in (STRETCHED, QUICK) for v in secrets):
            return None  # made by another version: it may or may not match
        if len(secrets) == 2:
            return old == new
        secret, plain = (old, new) if isinstance(old, Secret) else (new, old)
        return secret.digest == digest(plain, f"{salt}|{format_path(path)}")
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return float(old) == float(new)
    return old == new if type(old) is type(new) and not isinstance(old, (dict, list)) else None


def changes(old: Any, new: Any, salt: str = "", path: Path = ()) -> list[tuple[Path, bool]]:
    """Every place where ``new`` differs from ``old``, as (path, certain): certain is False where a
    secret known only encrypted may or may not differ. Maps and lists are compared member by member."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new)):
            if key not in old or key not in new:
                found.append(((*path, key), True))
            else:
                found += changes(old[key], new[key], salt, (*path, key))
        return found
    if isinstance(old, list) and isinstance(new, list):
        found = []
        for index in range(max(len(old), len(new))):
            if index >= len(old) or index >= len(new):
                found.append(((*path, index), True))
            else:
                found += changes(old[index], new[index], salt, (*path, index))
        return found
    verdict = same(old, new, salt, path)
    if verdict is True:
        return []
    if verdict is False:
        return [(path, True)]
    if is_unknown(old) or is_unknown(new):
        # A value computed from a new or replaced resource changes (its id does); an encrypted one may.
        return [(path, not _secret_unknown(old, new))]
    # A digest made by another version may or may not match; values of different kinds differ.
    return [(path, not (isinstance(old, Secret) or isinstance(new, Secret)))]


def _secret_unknown(*values: Any) -> bool:
    return any(is_unknown(v) and v.reason == "secret" for v in values)


def unknown_paths(value: Any, path: Path = ()) -> list[Path]:
    """The paths of the unknown values within ``value``."""
    if is_unknown(value):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in unknown_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in unknown_paths(v, (*path, i))]
    return []
