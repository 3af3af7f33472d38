"""AWS's part of the snapshot build (``catalog/builders/__init__.py`` says what each name is)."""

from __future__ import annotations

from collections.abc import Iterable

from ..vendored import read as read_vendored
from ..zones import ZoneData, aws_zone_data

KNOWN_SOURCE = (
    "38f52c54b6d6a093f6a522a3bc82c4e9bd903b01e1903ce837b3421f90ded399",
    "2025-04-04",
    "AWS Price List (publication 2025-04-04), Linux on-demand, shared tenancy; shapes from DescribeInstanceTypes",
)
ACCELERATORS = None


def corrected(rows: list[dict], source: str) -> tuple[list[dict], str]:
    return rows, source


def zone_data(regions: set[str]) -> ZoneData:
    return aws_zone_data(sorted(regions))


def size_facts(names: Iterable[str]) -> dict[str, dict]:
    """DescribeInstanceTypes' facts (``size_facts.aws_facts``), as vendored from moto."""
    types = read_vendored()["types"]
    return {name: dict(types[name]["facts"]) for name in names if name in types}


def gpu_info() -> dict[str, list]:
    """DescribeInstanceTypes' ``GpuInfo`` per type, as vendored from moto."""
    return {name: entry["gpus"] for name, entry in read_vendored()["types"].items() if "gpus" in entry}
