"""Pulumi property paths: where in a resource's inputs a value sits (a pure leaf, standard library).

Pulumi names a place in a resource's inputs with a property path (``osProfile.customData``,
``metadata["user-data"]``, ``dataDisks[0].name``, ``*`` for any one element); ``ignoreChanges`` and
``replaceOnChanges`` take them, and so do the cloud rules. A path is held as a tuple of keys (``str``)
and indexes (``int``).
"""

from __future__ import annotations

import re
from typing import Any

Path = tuple[str | int, ...]

_TOKEN = re.compile(r'\.?([A-Za-z_$@][\w$@-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\[\*\]|\.?\*')


def parse_path(text: str) -> Path:
    """``osProfile.customData`` -> ("osProfile", "customData"); ``a[0]`` -> ("a", 0);
    ``metadata["user-data"]`` -> ("metadata", "user-data"); ``*`` and ``[*]`` -> "*"."""
    parts: list[str | int] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position or (position == 0 and text.startswith(".")):
            raise ValueError(f"not a property path: {text!r}")
        name, index, quoted = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        elif quoted is not None:
            parts.append(quoted.replace('\\"', '"'))
        else:
            parts.append("*")
        position = match.end()
    if not parts:
        raise ValueError("an empty property path")
    return tuple(parts)


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_$][\w$]*", part) or part == "*":
            out += f".{part}" if out else part
        else:
            out += f'["{part}"]'
    return out


def contains(pattern: Path, path: Path) -> bool:
    """Whether ``path`` is at or below ``pattern`` ("*" matches any one key or index)."""
    if len(pattern) > len(path):
        return False
    return all(p == "*" or p == q for p, q in zip(pattern, path))


def overlaps(pattern: Path, path: Path) -> bool:
    """Whether ``path`` is at, below or above ``pattern``: a change there may touch the pattern."""
    return all(p == "*" or q == "*" or p == q for p, q in zip(pattern, path))


_MISSING = object()


def get(value: Any, path: Path, default: Any = None) -> Any:
    for part in path:
        in_list = isinstance(part, int) and isinstance(value, list) and 0 <= part < len(value)
        if not (in_list or (isinstance(part, str) and isinstance(value, dict) and part in value)):
            return default
        value = value[part]
    return value


def reset(new: Any, old: Any, path: Path) -> Any:
    """``new`` with the value at ``path`` set back to ``old``'s (removed where ``old`` has none): what
    the engine does for ``ignoreChanges`` (processIgnoreChanges in pkg/resource/deploy)."""
    if not path:
        return old
    head, rest = path[0], path[1:]
    if head == "*":
        keys = range(len(new)) if isinstance(new, list) else list(new) if isinstance(new, dict) else []
        for key in keys:
            new = reset(new, old, (key, *rest))
        return new
    old_child = get(old, (head,), _MISSING)
    if isinstance(new, dict):
        new = dict(new)
        if rest and head in new:
            new[head] = reset(new[head], old_child if old_child is not _MISSING else None, rest)
        elif old_child is _MISSING:
            new.pop(head, None)
        elif not rest:
            new[head] = old_child
    elif isinstance(new, list) and isinstance(head, int) and 0 <= head < len(new):
        new = list(new)
        new[head] = reset(new[head], old_child if old_child is not _MISSING else None, rest) if rest else old_child
    return new


def replace_at(value: Any, path: Path, replacement: Any) -> Any:
    """``value`` with the member at ``path`` (which exists) replaced."""
    if not path:
        return replacement
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: replace_at(value[head], rest, replacement)}
    copy = list(value)
    copy[head] = replace_at(copy[head], rest, replacement)
    return copy
