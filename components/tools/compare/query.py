"""What ``compare`` is asked: its command line parsed into a ``Query`` (shape, GPUs, spot, arch, OS),
with one clear usage error for anything invalid."""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path

from ...catalog import CLOUDS
from ..command_line import ToolParser
from ..geo import DEFAULT_GEO, GEOS

ARCHES = ("x86_64", "arm64", "any")
OPERATING_SYSTEMS = ("linux", "windows")
ANYWHERE = "any"  # --geo any (or --anywhere): every region of each cloud

FORMATS = ("table", "json", "markdown", "csv")


class UsageError(Exception):
    """A bad option: printed with the valid choices, exit status 2."""


@dataclass(frozen=True)
class Query:
    cpus: float = 0
    memory_gib: float = 0
    arch: str | None = "x86_64"
    gpu_name: str | None = None
    gpu_count: float = 1
    burstable: bool = True
    spot: bool = False
    top: int = 3
    os: str = "linux"

    @property
    def windows(self) -> bool:
        return self.os == "windows"

    def describe(self) -> str:
        parts = []
        if self.cpus:
            parts.append(f">= {self.cpus:g} vCPU")
        if self.memory_gib:
            parts.append(f">= {self.memory_gib:g} GiB")
        parts.append(self.arch or "any arch")
        if self.gpu_name:
            parts.append(f">= {self.gpu_count:g}x {self.gpu_name}")
        if not self.burstable:
            parts.append("no burstable")
        if self.windows:
            parts.append("Windows (licence included)")
        parts.append("spot prices" if self.spot else "on-demand prices")
        return ", ".join(parts)


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter with the width from ``COLUMNS`` or the terminal: argparse's own asks
    ``shutil`` for it and every ``add_argument`` makes a formatter, ~10 ms of imports per run."""

    def __init__(self, prog: str, **kwargs):
        import os

        try:
            width = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
        except (ValueError, OSError):
            width = 100
        super().__init__(prog, width=max(width - 2, 40), **kwargs)


def build_parser() -> argparse.ArgumentParser:
    p = ToolParser(
        prog="python -m components compare",
        raise_as=UsageError,
        formatter_class=_Formatter,
        description="Compare the cheapest VM offerings for a shape across AWS, Azure and GCP.",
    )
    p.add_argument("--cpus", type=float, default=0, help="minimum vCPUs")
    p.add_argument("--memory", type=float, default=0, metavar="GIB", help="minimum memory, GiB")
    p.add_argument("--arch", choices=ARCHES, default="x86_64", help="default x86_64")
    p.add_argument("--gpu", metavar="NAME[:COUNT]", help="e.g. T4 (one), L4:1, A100:8 (any A100), A100-80GB:1")
    p.add_argument(
        "--no-burstable",
        action="store_true",
        help="leave out t*/B*/e2 shared-core types",
    )
    p.add_argument("--spot", action="store_true", help="rank by spot price")
    p.add_argument("--os", choices=OPERATING_SYSTEMS, default="linux", help="windows: prices include the licence")
    p.add_argument("--clouds", default=",".join(CLOUDS), help="comma-separated, default all")
    p.add_argument(
        "--geo", choices=[*GEOS, ANYWHERE], help=f"default {DEFAULT_GEO}; {ANYWHERE}: every region of each cloud"
    )
    p.add_argument("--anywhere", action="store_true", help=f"every region of each cloud (--geo {ANYWHERE})")
    for cloud in CLOUDS:
        p.add_argument(
            f"--{cloud}-region",
            metavar="REGION",
            help=f"{cloud} region (overrides --geo)",
        )
    p.add_argument(
        "--top",
        type=int,
        default=3,
        metavar="K",
        help="cheapest K per cloud, default 3",
    )
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--chart", metavar="FILE.png", help="also write a bar chart of monthly prices")
    p.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)  # tests, refreshed copies
    return p


def parse_gpu(text: str) -> tuple[str, float]:
    """``NAME:COUNT``, or ``NAME`` for one GPU (as SkyPilot's ``--gpus A100`` means one A100)."""
    name, sep, count = text.rpartition(":") if ":" in text else (text, ":", "1")
    try:
        number = float(count)
    except ValueError:
        number = 0
    if not sep or not name.strip() or not math.isfinite(number) or number <= 0:
        raise UsageError(f"--gpu {text!r}: expected NAME[:COUNT] with a positive COUNT, e.g. T4, L4:1 or A100:8")
    return name.strip(), number


def parse_clouds(text: str) -> list[str]:
    clouds = [c.strip().lower() for c in text.split(",") if c.strip()]
    unknown = [c for c in clouds if c not in CLOUDS]
    if unknown or not clouds:
        raise UsageError(f"--clouds {text!r}: expected a comma-separated subset of {', '.join(CLOUDS)}")
    return list(dict.fromkeys(clouds))


def parse_query(args: argparse.Namespace) -> Query:
    for option, value in (("--cpus", args.cpus), ("--memory", args.memory)):
        if not math.isfinite(value) or value < 0:
            raise UsageError(f"{option} {value:g}: expected a finite number >= 0")
    if args.top < 1:
        raise UsageError(f"--top {args.top}: expected a whole number >= 1")
    if args.anywhere:
        if args.geo not in (None, ANYWHERE):
            raise UsageError(f"--anywhere and --geo {args.geo}: give one of them")
        args.geo = ANYWHERE
    if args.os == "windows" and args.arch == "arm64":
        raise UsageError("--os windows --arch arm64: the Windows images have no arm64 build on any cloud")
    gpu_name, gpu_count = parse_gpu(args.gpu) if args.gpu else (None, 1)
    return Query(
        cpus=args.cpus,
        memory_gib=args.memory,
        # Windows images are x86_64 only on every cloud (components/images.py), so Windows means x86_64.
        arch="x86_64" if args.os == "windows" else None if args.arch == "any" else args.arch,
        gpu_name=gpu_name,
        gpu_count=gpu_count,
        burstable=not args.no_burstable,
        spot=args.spot,
        top=args.top,
        os=args.os,
    )
