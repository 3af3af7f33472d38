"""The file a snapshot is stored in: one per cloud, readable a region at a time.

A query needs one region of each cloud, not all 34-58; reading and parsing a whole gzip-JSON
document cost most of a ``compare`` run. So a snapshot file is a short header and independently
compressed blocks:

    multicloud-vm snapshot\\n
    {"format": 3, "cloud": "aws", ..., "blocks": {"meta": [0, 812], "region/us-east-1": [812, 9433], ...}}\\n
    <zlib-compressed JSON of each block, back to back>

``blocks`` gives each block's offset (from the end of the header line) and length. ``meta`` holds
what every query needs (the types, the region list, dates, sources, GPU prices); ``region/<name>``
holds that region's offerings, zones and part prices. Standard library only (``zlib``, ``json``).
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

SIGNATURE = b"multicloud-vm snapshot\n"
GZIP_MAGIC = b"\x1f\x8b"


class ContainerError(ValueError):
    """Bytes that are not a snapshot container (the message says what is wrong)."""


def encode(header: dict, blocks: dict[str, object]) -> bytes:
    """The file's bytes: the header (with the block index) and each block compressed on its own.
    Deterministic: the same header and blocks give the same bytes."""
    payloads = {
        name: zlib.compress(json.dumps(value, separators=(",", ":"), allow_nan=False).encode(), 6)
        for name, value in blocks.items()
    }
    index, offset = {}, 0
    for name, payload in payloads.items():
        index[name] = [offset, len(payload)]
        offset += len(payload)
    head = json.dumps({**header, "blocks": index}, separators=(",", ":"), allow_nan=False).encode()
    return SIGNATURE + head + b"\n" + b"".join(payloads.values())


class Container:
    """A snapshot file read into memory; blocks are decompressed and parsed only when asked for."""

    def __init__(self, data: bytes, path: Path | None = None):
        self.path = path
        if not data.startswith(SIGNATURE):
            raise ContainerError("not a snapshot container (no signature)")
        end = data.find(b"\n", len(SIGNATURE))
        if end < 0:
            raise ContainerError("truncated header")
        try:
            self.header: dict = json.loads(data[len(SIGNATURE) : end])
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise ContainerError(f"unreadable header ({error})") from None
        if not isinstance(self.header, dict) or not isinstance(self.header.get("blocks"), dict):
            raise ContainerError("header without a block index")
        self._data = memoryview(data)[end + 1 :]
        self._blocks: dict[str, object] = {}

    @property
    def names(self) -> list[str]:
        return list(self.header["blocks"])

    def has(self, name: str) -> bool:
        return name in self.header["blocks"]

    def block(self, name: str):
        """A block's JSON value; ContainerError if it is missing or damaged."""
        if name in self._blocks:
            return self._blocks[name]
        where = self.header["blocks"].get(name)
        if not (isinstance(where, list) and len(where) == 2 and all(isinstance(n, int) for n in where)):
            raise ContainerError(f"no block {name!r}")
        start, length = where
        if start < 0 or length < 0 or start + length > len(self._data):
            raise ContainerError(f"block {name!r} is truncated")
        try:
            value = json.loads(zlib.decompress(self._data[start : start + length]))
        except (zlib.error, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise ContainerError(f"block {name!r} is damaged ({type(error).__name__})") from None
        self._blocks[name] = value
        return value
