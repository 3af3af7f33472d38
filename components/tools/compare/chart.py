"""``compare --chart``: the results as a bar chart (matplotlib, imported only here)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ...cloud_rules import rules
from ...money import HOURS_PER_MONTH, usd
from .query import Query, UsageError
from .render import gpu_summary
from .search import CloudResult, Row, cloud_title


@dataclass(frozen=True)
class Bar:
    """One offering's bar: its label, its month (the most it can cost: ``Row.monthly_ceiling``), its cloud."""

    label: str
    monthly: float
    cloud: str
    row: Row


def bar_positions(clouds: list[str]) -> list[float]:
    """Top-to-bottom y positions with a gap between clouds."""
    positions, y = [], 0.0
    for i, cloud in enumerate(clouds):
        if i and cloud != clouds[i - 1]:
            y += 0.6
        positions.append(-y)
        y += 1
    return positions


def chart_bars(results: list[CloudResult], q: Query) -> list[Bar]:
    """Every offering shown, top to bottom: a spot query's bar is the spot month where the spot price
    is known, else the on-demand month (said on the bar: :func:`bar_text`)."""
    bars = []
    for res in results:
        for row in res.rows:
            o = row.offering
            shape = f"{o.vcpus:g} vCPU, {o.memory_gib:g} GiB" + (f", {gpu_summary(row)}" if row.gpu_name else "")
            label = f"{cloud_title(res.cloud)} {row.region}\n{row.label} ({shape})"
            bars.append(Bar(label, row.monthly_ceiling(q.spot), res.cloud, row))
    return bars


def bar_text(bar: Bar, q: Query) -> str:
    """The text at a bar's end: its month, and whether it is the cheapest, flagged or on-demand."""
    row = bar.row
    return (
        f" {usd(bar.monthly)}/mo"
        + ("  * cheapest" if row.cheapest else "")
        + ("  ! price flagged" if row.outlier else "")
        + ("  (spot price unknown: on-demand price)" if q.spot and row.spot_price_hourly is None else "")
    )


def chart_title(results: list[CloudResult], q: Query) -> str:
    dates = ", ".join(f"{cloud_title(r.cloud)} {r.snapshot_date}" for r in results)
    return f"Cheapest offerings with {q.describe()}\nlist prices as of {dates}"


def write_chart(results: list[CloudResult], q: Query, path: Path) -> None:
    """Horizontal bars of the monthly price of every offering shown, grouped and coloured by cloud,
    cheapest at the top of each group; flagged prices hatched, the overall cheapest starred."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bars = chart_bars(results, q)
    fig, ax = plt.subplots(figsize=(11, 1.6 + 0.55 * max(len(bars), 1)), dpi=110)
    try:
        draw_bars(ax, bars, q)
        draw_frame(fig, ax, bars, results, q)
        fig.tight_layout()
        fig.savefig(path, format=path.suffix.lower().lstrip("."))  # the file named, never path + ".png"
    finally:
        plt.close(fig)


def draw_bars(ax, bars: list[Bar], q: Query) -> None:
    """The bars, each with its text; a flagged price hatched."""
    positions = bar_positions([b.cloud for b in bars])
    ax.barh(
        positions,
        [b.monthly for b in bars],
        color=[rules(b.cloud).COLOUR for b in bars],
        hatch=None,
        edgecolor="white",
    )
    for y, bar in zip(positions, bars):
        cheapest = bar.row.cheapest
        ax.text(bar.monthly, y, bar_text(bar, q), va="center", fontsize=9, fontweight="bold" if cheapest else "normal")
        if bar.row.outlier:
            ax.barh([y], [bar.monthly], color="none", hatch="//", edgecolor="black", linewidth=0)
    ax.set_yticks(positions, [b.label for b in bars], fontsize=8.5)


def draw_frame(fig, ax, bars: list[Bar], results: list[CloudResult], q: Query) -> None:
    """Axes, title, the legend of clouds, and the clouds with no match."""
    from matplotlib.patches import Patch

    ax.set_xlabel(f"{'spot' if q.spot else 'on-demand'} $ per month ({HOURS_PER_MONTH} h)")
    ax.set_xlim(0, max((b.monthly for b in bars), default=1) * 1.35)
    ax.xaxis.set_major_formatter(lambda x, _pos: usd(x, 0))
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(chart_title(results, q), fontsize=10, loc="left")
    legend = [Patch(color=rules(r.cloud).COLOUR, label=cloud_title(r.cloud)) for r in results if r.rows]
    ax.legend(handles=legend, loc="lower right", fontsize=8)
    missing = [cloud_title(r.cloud) for r in results if not r.rows]
    if missing:
        fig.text(0.01, 0.01, "no match: " + ", ".join(missing), fontsize=8)


CHART_FORMATS = ("png", "pdf", "svg", "jpg", "jpeg")


def check_chart_path(text: str) -> Path:
    """The chart file to write, checked before anything is computed: a known extension and a
    writable folder (UsageError otherwise)."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise UsageError(f"--chart {text!r}: is a folder")
    extension = path.suffix.lower().lstrip(".")
    if extension not in CHART_FORMATS:
        raise UsageError(f"--chart {text!r}: expected a file name ending in .{', .'.join(CHART_FORMATS)}")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"--chart {text!r}: no folder {folder}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--chart {text!r}: not writable")
    return path
