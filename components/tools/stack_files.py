"""Reading ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml`` the way the Pulumi CLI reads them.

The CLI (since v3.50.0) parses both with Go's ``gopkg.in/yaml.v3`` (pulumi/pulumi
``sdk/go/common/encoding/marshal.go``), which is neither PyYAML's YAML 1.1 nor plain YAML 1.2:

- a key given twice in one mapping is an error (``mapping key "cloud" already defined at line 5``);
- only ``true``/``false`` (any case form the spec lists) are booleans: ``yes``, ``no``, ``on``,
  ``off``, ``y`` and ``n`` are text (PyYAML reads them as booleans);
- an integer with a leading zero is octal, as in YAML 1.1 (``022`` is 18), where YAML 1.2 reads 22;
  ``0o22``, ``0x16`` and ``0b10110`` are read by both as what they say;
- ``2025-01-01`` is a timestamp, which Pulumi's config turns into the text
  ``2025-01-01 00:00:00 +0000 UTC`` (``sdk/go/common/resource/config/object.go``);
- numbers reach a program through JSON, so ``4.0`` arrives as ``4``.

(go-yaml ``resolve.go`` and ``decode.go``, v3.0.1.) Where the same text means something else to a
YAML 1.1 reader, or is easy to misread, the reader keeps a ``Note`` with the file and line: a
leading-zero number whose octal and decimal values differ is refused (write the number you mean),
and the others are offered as hints when the plan fails on that value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

SECRET_PLACEHOLDER = "Offline-Secret-Placeholder-0"
# A well-formed ed25519 public key that is nobody's (stands in for a secret ssh_public_key).
STAND_IN_SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f offline-secret"
STAND_IN_TEXT = "offline-secret"
# What a secret stands in as, by the name of the field (or of its parent mapping) that holds it.
STAND_INS = {
    "admin_password": SECRET_PLACEHOLDER,
    "ssh_public_key": STAND_IN_SSH_KEY,
    "user_data": "#cloud-config\n",
    "tags": STAND_IN_TEXT,
    "description": STAND_IN_TEXT,
    "gcp:project": "offline-secret-project",
    "project": "offline-secret-project",
    "resource_group_name": "offline-secret-rg",
}
# Config the component reads (``<project>:vms`` and these providers' keys): a secret there that has no
# stand-in is named (the plan needs its value). Any other secret (a hand-written program's own
# settings) stands in as SECRET_PLACEHOLDER, kept secret: the program cannot be asked what it needs.
PROVIDER_NAMESPACES = ("aws", "azure-native", "gcp")
# Past this many values built from one file, aliases are expanding it (go-yaml refuses such files too).
MAX_VALUES = 1_000_000


class PlanError(Exception):
    """Stack files or config that stop a plan, with a message for the user."""


@dataclass(frozen=True)
class Note:
    """A value whose YAML spelling reads differently elsewhere; ``path`` as the config key and
    entries (``multicloud-vm:vms[0].spot``), ``hint`` the sentence a user needs."""

    file: str
    line: int
    path: str
    text: str
    value: Any
    hint: str
    warn: bool = False
    """Shown even when the plan succeeds (the value reaches the program changed)."""

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.hint}"


@dataclass
class StackFiles:
    """What a program sees of a stack: its project name, the full config map, the secret keys, and
    the notes on values spelled ambiguously."""

    project: str
    config: dict[str, Any]
    secret_keys: list[str]
    notes: list[Note] = field(default_factory=list)
    project_file: dict[str, Any] = field(default_factory=dict)

    def hints_for(self, message: str) -> list[Note]:
        """The notes whose value the message shows as ``key=value`` (what a SpecError prints)."""
        found = []
        for note in self.notes:
            leaf = re.split(r"[.:\]\[]", note.path.rstrip("]"))[-1]
            if f"{leaf}={note.value!r}" in message or f"={note.value!r} is invalid" in message:
                found.append(note)
        return found


# --- YAML as go-yaml v3 resolves it ----------------------------------------------------------------

_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9]+$")
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[Tt ](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[-+]\d{2}:\d{2})?)?$"
)
_YAML11_BOOLS = {
    **dict.fromkeys(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"], True),
    **dict.fromkeys(["n", "N", "no", "No", "NO", "off", "Off", "OFF"], False),
}
_KEYWORDS = {
    **dict.fromkeys(["true", "True", "TRUE"], True),
    **dict.fromkeys(["false", "False", "FALSE"], False),
    **dict.fromkeys(["", "~", "null", "Null", "NULL"], None),
    **dict.fromkeys([".nan", ".NaN", ".NAN"], math.nan),
    **dict.fromkeys([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"], math.inf),
    **dict.fromkeys(["-.inf", "-.Inf", "-.INF"], -math.inf),
}


def _go_int(text: str) -> int | None:
    """``strconv.ParseInt(text, 0, 64)`` (then ParseUint): Go's base prefixes, a leading 0 is octal."""
    if not _GO_INT.match(text):
        return None
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if len(digits) > 1 and digits[0] == "0" and digits[1] in "xXoObB":
        value = int(digits[2:], {"x": 16, "o": 8, "b": 2}[digits[1].lower()])
    elif len(digits) > 1 and digits[0] == "0":
        value = int(digits, 8)
    else:
        value = int(digits)
    value *= sign
    return value if -(2**63) <= value < 2**64 else None


def _go_time_text(match: re.Match) -> str:
    """A YAML timestamp as Pulumi's config hands it over: Go's ``time.Time.String()``."""
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if fraction and fraction.strip("0"):
        text += "." + fraction.rstrip("0")
    if zone in (None, "Z"):
        return text + " +0000 UTC"
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])) * (-1 if zone[0] == "-" else 1)
    numeric = datetime(2000, 1, 1, tzinfo=timezone(offset)).strftime("%z")
    return f"{text} {numeric} {numeric}"


def resolve_plain(text: str) -> Any:
    """What go-yaml v3 makes of an unquoted scalar decoded into ``interface{}``."""
    if text in _KEYWORDS:
        return _KEYWORDS[text]
    first = text[0]
    if first == ".":
        try:
            return float(text) if _YAML_FLOAT.match(text) else text
        except ValueError:
            return text
    if not (first.isdigit() or first in "+-"):
        return text
    stamp = _TIMESTAMP.match(text)
    if stamp:
        try:
            return _go_time_text(stamp)
        except ValueError:
            pass
    plain = text.replace("_", "")
    number = _go_int(plain)
    if number is not None:
        return number
    if _YAML_FLOAT.match(plain):
        return float(plain)
    return text


class _Reader:
    """Builds plain values from a composed YAML node tree, as Pulumi's loader would."""

    def __init__(self, file: str):
        self.file = file
        self.notes: list[Note] = []
        self.budget = MAX_VALUES

    def value(self, node, path: str) -> Any:
        import yaml

        self.budget -= 1
        if self.budget < 0:
            raise PlanError(f"{self.file}: too many values (aliases expand it beyond {MAX_VALUES:,})")
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def scalar(self, node, path: str) -> Any:
        text = node.value
        line = node.start_mark.line + 1
        shown = path.removeprefix("config.")
        if node.tag == _PLAIN:
            value = resolve_plain(text)
        elif node.tag in ("tag:yaml.org,2002:str", "!"):
            return text
        else:
            value = _explicit(node.tag, text, f"{self.file} line {line}: {shown}")
        if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 2**63:
            value = int(value)  # through JSON, Go's 4.0 is 4
        if node.tag != _PLAIN:
            return value
        if text in _YAML11_BOOLS:
            word = "true" if _YAML11_BOOLS[text] else "false"
            hint = (
                f"{shown}: the unquoted {text} is the text {text!r} to Pulumi (YAML 1.2), though YAML 1.1 "
                f"tools read it as {word}; write {word} for a boolean, or quote it as text"
            )
            self.notes.append(Note(self.file, line, path, text, value, hint))
        elif _LEADING_ZERO.match(text.replace("_", "")) and isinstance(value, int):
            decimal = int(text.replace("_", ""), 10)
            if decimal != value:
                raise PlanError(
                    f"{self.file} line {line}: {shown}: {text} is octal to Pulumi ({value}), decimal "
                    f"{decimal} to YAML 1.2 readers; write {value} or {decimal} without the leading "
                    f"zero (or quote it as text)"
                )
        elif isinstance(value, str) and value != text:
            hint = (
                f"{shown}: the unquoted {text} is a timestamp to Pulumi and reaches the program as "
                f"{value!r}; quote it to keep the text"
            )
            self.notes.append(Note(self.file, line, path, text, value, hint, warn=True))
        return value

    def key(self, node) -> Any:
        """A mapping key: resolved like a value, without notes (keys are names, not settings)."""
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            raise PlanError(f"{self.file} line {node.start_mark.line + 1}: a mapping key must be a plain value")
        if node.tag == _PLAIN:
            return resolve_plain(node.value)
        if node.tag in ("tag:yaml.org,2002:str", "!"):
            return node.value
        return _explicit(node.tag, node.value, f"{self.file} line {node.start_mark.line + 1}")

    def mapping(self, node, path: str) -> dict[str, Any]:
        import yaml

        seen: dict[str, int] = {}
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                line = key.start_mark.line + 1
                if key.value in seen:
                    where = _join(path, key.value).removeprefix("config.")
                    raise PlanError(
                        f"{self.file} line {line}: {where} is given twice (first at line {seen[key.value]}); "
                        "Pulumi refuses duplicate keys: keep one"
                    )
                seen[key.value] = line
        result: dict[str, Any] = {}
        merges = []
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<" and key_node.tag in (_PLAIN, _MERGE):
                merges.append(value_node)
                continue
            key = _go_key(self.key(key_node))
            result[key] = self.value(value_node, _join(path, key))
        for merge in merges:
            sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise PlanError(f"{self.file}: {path or 'a'} merge (<<) must name mappings")
                for key, value in self.mapping(source, path).items():
                    result.setdefault(key, value)
        return result


_PLAIN = "!multicloud-vm/plain"
_MERGE = "tag:yaml.org,2002:merge"


def _explicit(tag: str, text: str, where: str) -> Any:
    """A scalar with an explicit core tag (``!!int 22``); other tags keep the text, as go-yaml does."""
    core = tag.removeprefix("tag:yaml.org,2002:")
    resolved = resolve_plain(text)
    if core == "null":
        return None
    if core == "bool" and isinstance(resolved, bool):
        return resolved
    if core == "int" and isinstance(resolved, int) and not isinstance(resolved, bool):
        return resolved
    if core == "float" and isinstance(resolved, int | float) and not isinstance(resolved, bool):
        return float(resolved)
    if core in ("bool", "int", "float"):
        raise PlanError(f"{where}: {text!r} is not a valid !!{core}")
    return text


def _go_key(key: Any) -> str:
    """A mapping key as Pulumi's config stores it: Go's ``fmt.Sprintf("%v", key)``."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "<nil>"
    return str(key)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _loader():
    """A PyYAML loader that composes nodes and marks every unquoted scalar for ``resolve_plain``."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {}
    Loader.add_implicit_resolver(_PLAIN, re.compile(r".*", re.S), None)
    return Loader


def read_yaml(path: Path) -> tuple[Any, list[Note]]:
    """The file's value as Pulumi reads it, and the notes on ambiguous spellings; PlanError names
    the file (and the line) for every way it can be wrong."""
    import yaml

    from .inputs import InputFileError, read_text

    try:
        text = read_text(path, "a YAML file")
    except InputFileError as error:
        raise PlanError(str(error)) from None
    reader = _Reader(path.name)
    try:
        node = yaml.compose(text.removeprefix("\ufeff"), Loader=_loader())
        return (reader.value(node, "") if node is not None else None), reader.notes
    except yaml.YAMLError as error:
        raise PlanError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None
    except RecursionError:
        raise PlanError(f"{path}: nested too deeply") from None


# --- the config a program sees -----------------------------------------------------------------------


def mapping(value: Any, where: str) -> dict:
    """A YAML mapping (None is empty); PlanError naming what is not one."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise PlanError(f"{where} must be a mapping with string keys, got {type(value).__name__} {_short(value)}")
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _replace_secure(value: Any, path: str, secret_paths: list[str], field: str = "", unknown: list[str] = ()) -> Any:
    """``value`` with each ``{secure: ...}`` replaced by a stand-in valid for its field; the paths of
    secrets there is no stand-in for (the plan needs their value) go to ``unknown``."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            secret_paths.append(path)
            if field in STAND_INS:
                return STAND_INS[field]
            unknown.append(path)
            return SECRET_PLACEHOLDER
        parent = "tags" if field == "tags" else ""
        return {k: _replace_secure(v, f"{path}.{k}", secret_paths, parent or str(k), unknown) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_secure(v, f"{path}[{i}]", secret_paths, "", unknown) for i, v in enumerate(value)]
    return value


def stack_file_path(project_dir: Path, project: dict, stack: str) -> Path:
    """``Pulumi.<stack>.yaml``, in the project's ``stackConfigDir`` when it names one."""
    folder = project.get("stackConfigDir")
    base = project_dir / folder if isinstance(folder, str) and folder else project_dir
    return base / f"Pulumi.{stack}.yaml"


def read_stack(project_dir: Path, stack: str) -> StackFiles:
    """The project name, the full config map the program would see, the keys holding secrets, and
    the notes on ambiguous values, from ``Pulumi.yaml`` and the stack's file."""
    project_path = project_dir / "Pulumi.yaml"
    raw_project, notes = read_yaml(project_path)
    project = mapping(raw_project, str(project_path))
    name = project.get("name")
    if not isinstance(name, str) or not name:
        raise PlanError(f"{project_path}: no project name")
    stack_file = stack_file_path(project_dir, project, stack)
    if not stack_file.exists():
        stacks = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack_file.parent.glob("Pulumi.*.yaml"))
        raise PlanError(f"no stack file {stack_file.name}; stacks here: {', '.join(stacks) or 'none'}")

    def full_key(key: str) -> str:
        return key if ":" in key else f"{name}:{key}"

    config: dict[str, Any] = {}
    for key, declared in mapping(project.get("config"), f"{project_path}: config").items():
        if isinstance(declared, dict) and ("type" in declared or "default" in declared or "description" in declared):
            if "default" in declared:
                config[full_key(key)] = declared["default"]
        else:
            config[full_key(key)] = (
                declared.get("value") if isinstance(declared, dict) and "value" in declared else declared
            )
    secret_keys: list[str] = []
    unknown: list[str] = []
    raw_stack, stack_notes = read_yaml(stack_file)
    stack_doc = mapping(raw_stack, str(stack_file))
    for key, value in mapping(stack_doc.get("config"), f"{stack_file}: config").items():
        paths: list[str] = []
        own = []
        config[full_key(key)] = _replace_secure(value, full_key(key), paths, full_key(key), own)
        if full_key(key) == f"{name}:vms" or full_key(key).split(":", 1)[0] in PROVIDER_NAMESPACES:
            unknown += own
        if paths:
            secret_keys.append(full_key(key))
    if unknown:
        raise PlanError(
            f"{stack_file}: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} encrypted (secure:) and "
            "plan cannot decrypt secrets offline, but needs the value to plan the VM; only passwords, SSH keys, "
            "user data, tags and project/resource group names can stay secret for a plan"
        )
    notes = [*notes, *(_namespaced(note, name) for note in stack_notes)]
    if stack_doc.get("environment"):
        notes.append(
            Note(stack_file.name, 1, "environment", "", None, "environment: plan cannot open Pulumi ESC "
                 "environments offline; config they supply is missing from this plan", warn=True)
        )  # fmt: skip
    return StackFiles(name, config, secret_keys, notes, project)


def _namespaced(note: Note, project: str) -> Note:
    """A stack-file note with its path as the config key the program reads (``config.vms`` ->
    ``<project>:vms``)."""
    if not note.path.startswith("config."):
        return note
    shown = note.path.removeprefix("config.")
    head = re.match(r"^[^.\[]*", shown).group(0)
    path = shown if ":" in head else f"{project}:{shown}"
    return Note(note.file, note.line, path, note.text, note.value, note.hint.replace(shown, path, 1), note.warn)


def stack_config(project_dir: Path, stack: str) -> tuple[str, dict[str, Any], list[str]]:
    """The project name, the full config map the program would see, and the keys holding secrets."""
    files = read_stack(project_dir, stack)
    return files.project, files.config, files.secret_keys
