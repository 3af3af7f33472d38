"""The installed provider SDKs as schemas: every resource type token, its aliases, and the names of
the input properties it takes at any depth (its own and those of the nested input types it refers
to), read from the generated Python sources.

For the coverage test and the generated coverage page only: the pack itself never reads an SDK. The
sources are read with regexes rather than imported (importing azure-native whole takes minutes):
every generated resource module holds its ``<Name>Args`` input class, whose getters name each
property (``@pulumi.getter(name="cidrBlocks")``) and whose annotations name the nested input
classes (``pulumi.Input['SecurityGroupIngressArgs']``), defined in the module's ``_inputs.py``.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Every provider a user of the three clouds would use, by the cloud it reaches.
SDK_PACKAGES = {
    "pulumi_aws": "aws",
    "pulumi_aws_native": "aws",
    "pulumi_azure_native": "azure",
    "pulumi_azure": "azure",
    "pulumi_gcp": "gcp",
}

_TOKEN = re.compile(rb"super\(\w+, __self__\)\.__init__\(\s*'([^']+)'")
_TYPE_TOKEN = re.compile(rb'@pulumi\.type_token\("([^"]+)"\)\s*\nclass \w+\(pulumi\.CustomResource\)')
_ALIAS = re.compile(rb'Alias\(type_="([^"]+)"\)')
_CLASS = re.compile(rb"^class (\w+)\b[^\n]*:", re.M)
_GETTER = re.compile(rb'@pulumi\.getter(?:\(name="(\w+)"\))?[ \t]*\n[ \t]+def (\w+)\(self\)[ \t]*->[ \t]*([^\n]+)')
_QUOTED = re.compile(rb"'([\w.]+)'")

Fields = tuple[tuple[str, tuple[str, ...]], ...]  # (property, nested input classes it refers to)


@dataclass(frozen=True)
class SdkTypes:
    tokens: frozenset[str]  # every resource type token the SDKs register
    aliases: Mapping[str, frozenset[str]]  # token -> the other tokens the engine may know it by
    properties: Mapping[str, frozenset[str]]  # token -> input property names at any depth
    versions: Mapping[str, str]  # package -> installed version


def _fields(text: bytes, start: int, end: int) -> Fields:
    out = []
    for match in _GETTER.finditer(text, start, end):
        name = (match.group(1) or match.group(2)).decode()
        refs = tuple(r.decode().rsplit(".", 1)[-1] for r in _QUOTED.findall(match.group(3)))
        out.append((name, refs))
    return tuple(out)


def _classes(text: bytes) -> dict[str, Fields]:
    """Each top-level class of a module (the input classes) with its getters."""
    heads = list(_CLASS.finditer(text))
    classes = {}
    for i, head in enumerate(heads):
        name = head.group(1).decode()
        if name.endswith("Args"):
            end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
            classes[name] = _fields(text, head.end(), end)
    return classes


def _token(text: bytes) -> str | None:
    match = _TYPE_TOKEN.search(text)
    if match:
        return match.group(1).decode()
    end = text.rfind(b"__self__).__init__(")
    match = _TOKEN.search(text, max(0, end - 200)) if end >= 0 else None
    return match.group(1).decode() if match else None


def _reachable(own: Fields, classes: Mapping[str, Fields], fallback: Mapping[str, Fields]) -> frozenset[str]:
    names: set[str] = set()
    seen: set[str] = set()
    pending = [own]
    while pending:
        for name, refs in pending.pop():
            names.add(name)
            for ref in refs:
                if ref in seen:
                    continue
                seen.add(ref)
                found = classes.get(ref) or fallback.get(ref)
                if found:
                    pending.append(found)
    return frozenset(names)


def _package_dir(package: str) -> str | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return spec.submodule_search_locations[0]


def scan_package(root: str) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(token -> property names, token -> aliases) for one SDK's source tree."""
    resources: list[tuple[str, str, Fields]] = []  # (directory, token, own fields)
    inputs: dict[str, dict[str, Fields]] = {}
    aliases: dict[str, frozenset[str]] = {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for file in sorted(files):
            if not file.endswith(".py") or file == "outputs.py" or file.startswith("get_"):
                continue
            with open(os.path.join(directory, file), "rb") as handle:
                text = handle.read()
            if file == "_inputs.py":
                inputs[directory] = _classes(text)
                continue
            if file.startswith("_"):
                continue
            token = _token(text)
            if token is None:
                continue
            cut = text.find(b"(pulumi.CustomResource)")
            own = next(iter(_classes(text[: cut if cut > 0 else len(text)]).values()), ())
            resources.append((directory, token, own))
            end = text.rfind(b"__self__).__init__(")
            start = text.find(b"Alias(type_=", max(0, end - 30000))
            if start >= 0:
                aliases[token] = frozenset(a.decode() for a in _ALIAS.findall(text, start, end))
    everything: dict[str, Fields] = {}
    for classes in inputs.values():
        for name, fields in classes.items():
            everything.setdefault(name, fields)
    properties = {}
    for directory, token, own in resources:
        local = inputs.get(directory, {})
        parent = inputs.get(os.path.dirname(directory), {})
        properties[token] = _reachable(own, {**parent, **local}, everything)
    return properties, aliases


def scan_sdks(packages: Iterable[str] = tuple(SDK_PACKAGES)) -> SdkTypes:
    """Every installed SDK of ``packages`` (those not installed are skipped: see ``versions``)."""
    properties: dict[str, frozenset[str]] = {}
    aliases: dict[str, frozenset[str]] = {}
    versions = {}
    for package in packages:
        root = _package_dir(package)
        if root is None:
            continue
        versions[package] = importlib.metadata.version(package.replace("_", "-"))
        found, found_aliases = scan_package(root)
        properties.update(found)
        aliases.update(found_aliases)
    return SdkTypes(frozenset(properties), aliases, properties, versions)
