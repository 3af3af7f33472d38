"""Value plumbing for every rule: props as plain values that never raise, whatever their shape.

The policy SDK hands a rule proxies that raise on values unknown during preview; :func:`plain`
turns them into plain dicts and lists with each unknown as :data:`UNKNOWN`, so a check reads any
shape (missing keys, wrong types, unknowns at any depth) without raising. Also here: the context a
check gets (:class:`Context`), the resource type as a rule knows it (:func:`canonical_type`, which
folds Azure's versioned API modules into the default one) and small readers shared by the rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Self

from pulumi_policy import Secret
from pulumi_policy import proxy as policy_proxy

from components.cloud_rules import CLOUDS, rules

# The clouds, and the Pulumi packages whose resources are each one's (components/cloud_rules/<cloud>.py).
PACKAGE_CLOUDS = {package: cloud for cloud in CLOUDS for package in rules(cloud).PULUMI_PACKAGES}


class _Unknown:
    """A value the engine does not know yet (preview)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> Self:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown during preview>"

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Unknown()

UNKNOWN_SENTINELS = frozenset(
    getattr(policy_proxy, name) for name in dir(policy_proxy) if name.startswith("UNKNOWN_") and name.endswith("_VALUE")
)


def _item(container: Any, key: Any) -> Any:
    try:
        return container[key]
    except policy_proxy.UnknownValueError:
        return UNKNOWN


def plain(value: Any) -> Any:
    """Props as plain dicts/lists, with every unknown (sentinel or proxy error) as UNKNOWN."""
    if isinstance(value, str):
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if isinstance(value, Secret):
        return plain(value.value)
    if isinstance(value, Mapping):
        return {key: plain(_item(value, key)) for key in value if key != "__target"}
    if isinstance(value, Sequence):
        return [plain(_item(value, i)) for i in range(len(value))]
    return value


def is_known(value: Any) -> bool:
    return value is not None and value is not UNKNOWN


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def dig(value: Any, *path: str) -> Any:
    """value[path[0]][path[1]]...; None when a key is missing, UNKNOWN when a step is unknown."""
    for key in path:
        if value is UNKNOWN:
            return UNKNOWN
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def is_true(value: Any) -> bool:
    """True for true and "true" (launch templates encode booleans as strings)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def strings(value: Any) -> list[str]:
    """A string or list of strings as a list of the known strings in it."""
    if isinstance(value, str):
        return [value]
    return [v for v in as_list(value) if isinstance(v, str)]


def lower(value: Any) -> str | None:
    """A string value folded for the clouds that compare enum values case-insensitively."""
    return value.strip().lower() if isinstance(value, str) else None


def number(value: Any) -> float | None:
    """A finite number from a number or a numeric string ("3", "0.5"); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int):
        value = float(value) if abs(value) < 2**63 else math.inf
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def last_segment(value: Any) -> Any:
    """projects/p/zones/z/machineTypes/n1-standard-8 -> n1-standard-8 (other values unchanged)."""
    return value.rstrip("/").rsplit("/", 1)[-1] if isinstance(value, str) else value


def show(value: Any) -> str:
    """A property value for a message: 22.0 as 22, unknowns and absent values spelled out."""
    if value is UNKNOWN:
        return "<not known until apply>"
    if value is None:
        return "absent"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, (str, bool)) else str(value)


def rules_of(cloud: str | None):
    """A cloud's rules (components/cloud_rules/<cloud>.py); None for a type of no cloud the pack knows."""
    return rules(cloud) if cloud in CLOUDS else None


def cloud_of(resource_type: str) -> str | None:
    return PACKAGE_CLOUDS.get(resource_type.split(":", 1)[0])


# azure-native:compute/v20240701:VirtualMachine (an explicit API version, from a versioned module or
# a locally generated SDK) is the same resource, with the same property names, as
# azure-native:compute:VirtualMachine.
_AZURE_VERSIONED = re.compile(
    r"^azure-native:(?P<module>[A-Za-z0-9]+)/v\d{8}(?:preview|privatepreview)?:(?P<name>\w+)$"
)


def canonical_type(resource_type: str) -> str:
    """The type token a rule is registered under: Azure's versioned tokens fold into the default."""
    match = _AZURE_VERSIONED.match(resource_type)
    return f"azure-native:{match['module']}:{match['name']}" if match else resource_type


def describe(resource_type: str, name: str) -> str:
    return f"{resource_type.rsplit(':', 1)[-1]} '{name}' ({resource_type})"


@dataclass(frozen=True)
class Context:
    """What a check may use besides the props: the policy config and the provider's config.

    ``prefix`` is the path of the part of the props a check was pointed at (a scale set's
    ``virtualMachineProfile.``), for messages; ``inherited`` says absent values come from a template
    or image the resource names (GCP instances from templates), so absence is not a default.
    """

    resource_type: str
    config: Mapping[str, Any] = field(default_factory=dict)
    provider_props: Mapping[str, Any] = field(default_factory=dict)
    prefix: str = ""
    inherited: bool = False

    @property
    def cloud(self) -> str | None:
        return cloud_of(self.resource_type)

    def at(self, path: str) -> str:
        """A property path as the user wrote it (with the prefix of the part being checked)."""
        return f"{self.prefix}{path}"

    def subject(self, name: str) -> str:
        return describe(self.resource_type, name)


Check = Callable[[str, dict, Context], list[str]]


def at_path(path: Sequence[str], check: Check) -> Check:
    """The check applied to the dict at ``path`` (a scale set's VM profile), with paths in its
    messages prefixed; silent when the path holds no dict."""
    prefix = "".join(f"{p}." for p in path)

    def run(name: str, props: dict, ctx: Context) -> list[str]:
        part = dig(props, *path)
        if not isinstance(part, dict):
            return []
        return check(name, part, replace(ctx, prefix=ctx.prefix + prefix))

    return run


def each_at(path: Sequence[str], check: Check) -> Check:
    """The check applied to each dict in the list at ``path`` (a spot fleet's launch specifications)."""
    key = ".".join(path)

    def run(name: str, props: dict, ctx: Context) -> list[str]:
        messages = []
        for i, part in enumerate(as_list(dig(props, *path))):
            if isinstance(part, dict):
                messages += check(name, part, replace(ctx, prefix=f"{ctx.prefix}{key}[{i}]."))
        return messages

    return run


def inheriting(check: Check) -> Check:
    """The check for a resource whose absent values come from a template or image it names."""

    def run(name: str, props: dict, ctx: Context) -> list[str]:
        return check(name, props, replace(ctx, inherited=True))

    return run
