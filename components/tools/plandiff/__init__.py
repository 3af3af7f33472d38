"""The cost diff of two offline plans: ``python -m components plan --diff BASE.json HEAD.json``.

A plan is the JSON list that ``plan --format json`` prints, one object per VM with at least
``name``, ``cloud``, ``region``, ``instance_type`` and ``monthly_price`` (a number, or null when the
price is unknown). VMs are matched by name. Each is classified as added, removed, moved (cloud or
region changed), resized (instance type changed), changed (zone, image, spot, disk, public IP or
only the price changed) or unchanged. A fan-out VM is named ``<name>-<cloud>``, so moving it to
another cloud renames it: a removed ``web-aws`` and an added ``web-gcp`` that are the only two VMs
of base name ``web`` on either side count as one move.

A VM's ``monthly_price`` is its full cost (compute, Windows licence, disks, public IPv4); a VM whose
``unpriced`` list names parts without a price has a lower bound there, shown as "at least" (≥).
Totals add up known prices only; unpriced parts and VMs with an unknown price are named, never taken
as $0. A plan from before ``unpriced`` existed (no such key) still reads: its prices are exact or null.
Everything here is a pure function of its arguments except ``main_diff``, which reads the two files
and prints.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from .model import FORMATS, MARKER, PlanDiff, PlanFileError, VmChange, diff_plans, parse_plan, read_plan_file
from .render import RENDERERS, render_markdown, render_table, to_json

__all__ = [
    "MARKER",
    "PlanDiff",
    "PlanFileError",
    "VmChange",
    "diff_plans",
    "main_diff",
    "parse_plan",
    "read_plan_file",
    "render_markdown",
    "render_table",
    "to_json",
]


def main_diff(
    base_path: str | Path,
    head_path: str | Path,
    fmt: str = "table",
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """``plan --diff BASE.json HEAD.json --format FMT``: prints the diff; 0, or 2 on a bad file.

    A missing or empty BASE is an empty plan (the pull request adding the stack); HEAD must exist.
    """
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    if fmt not in RENDERERS:
        print(
            f"plan --diff: unknown format {fmt!r}; expected one of {', '.join(FORMATS)}",
            file=stderr,
        )
        return 2
    try:
        base = read_plan_file(base_path, missing_ok=True)
        head = read_plan_file(head_path)
    except PlanFileError as exc:
        print(f"plan --diff: {exc}", file=stderr)
        return 2
    if not head:
        print(
            f"plan --diff: {head_path} has no VMs; a stack's plan always lists its VMs, so the head plan "
            "step most likely failed (run `python -m components plan --format json` there)",
            file=stderr,
        )
        return 2
    if not base:
        print(
            f"plan --diff: {base_path} is missing, empty or has no VMs: every VM counts as added",
            file=stderr,
        )
    try:
        diff = diff_plans(base, head)
    except PlanFileError as exc:
        print(f"plan --diff: {exc}", file=stderr)
        return 2
    stdout.write(RENDERERS[fmt](diff))
    return 0
