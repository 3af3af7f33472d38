"""``compare --chart``: the results as a bar chart (matplotlib, imported only here)."""

from __future__ import annotations

import os
from pathlib import Path

from ...catalog import (
    HOURS_PER_MONTH,
    monthly_price,
)
from .query import Query, UsageError
from .render import gpu_summary
from .search import CLOUD_TITLES, CloudResult

CLOUD_COLOURS = {"aws": "#ff9900", "azure": "#0078d4", "gcp": "#34a853"}


def bar_positions(clouds: list[str]) -> list[float]:
    """Top-to-bottom y positions with a gap between clouds."""
    positions, y = [], 0.0
    for i, cloud in enumerate(clouds):
        if i and cloud != clouds[i - 1]:
            y += 0.6
        positions.append(-y)
        y += 1
    return positions


def write_chart(results: list[CloudResult], q: Query, path: Path) -> None:
    """Horizontal bars of the monthly price of every offering shown, grouped and coloured by cloud,
    cheapest at the top of each group; flagged prices hatched, the overall cheapest starred."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    bars = []  # (label, monthly, cloud, row), top to bottom
    for res in results:
        for row in res.rows:
            price = row.ranking_price(q.spot) or row.price_hourly
            o = row.offering
            shape = f"{o.vcpus:g} vCPU, {o.memory_gib:g} GiB" + (f", {gpu_summary(row)}" if row.gpu_name else "")
            label = f"{CLOUD_TITLES[res.cloud]} {row.region}\n{row.label} ({shape})"
            bars.append((label, monthly_price(price), res.cloud, row))
    height = 1.6 + 0.55 * max(len(bars), 1)
    fig, ax = plt.subplots(figsize=(11, height), dpi=110)
    positions = bar_positions([b[2] for b in bars])
    ax.barh(
        positions,
        [b[1] for b in bars],
        color=[CLOUD_COLOURS[b[2]] for b in bars],
        hatch=None,
        edgecolor="white",
    )
    for y, (_, value, _, row) in zip(positions, bars):
        text = (
            f" ${value:,.2f}/mo"
            + ("  * cheapest" if row.cheapest else "")
            + ("  ! price flagged" if row.outlier else "")
            + ("  (spot price unknown: on-demand price)" if q.spot and row.spot_price_hourly is None else "")
        )
        ax.text(
            value,
            y,
            text,
            va="center",
            fontsize=9,
            fontweight="bold" if row.cheapest else "normal",
        )
        if row.outlier:
            ax.barh([y], [value], color="none", hatch="//", edgecolor="black", linewidth=0)
    ax.set_yticks(positions, [b[0] for b in bars], fontsize=8.5)
    ax.set_xlabel(f"{'spot' if q.spot else 'on-demand'} $ per month ({HOURS_PER_MONTH} h)")
    ax.set_xlim(0, max((b[1] for b in bars), default=1) * 1.35)
    ax.xaxis.set_major_formatter(lambda x, _pos: f"${x:,.0f}")
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    dates = ", ".join(f"{CLOUD_TITLES[r.cloud]} {r.snapshot_date}" for r in results)
    ax.set_title(
        f"Cheapest offerings with {q.describe()}\nlist prices as of {dates}",
        fontsize=10,
        loc="left",
    )
    missing = [CLOUD_TITLES[r.cloud] for r in results if not r.rows]
    legend = [Patch(color=CLOUD_COLOURS[r.cloud], label=CLOUD_TITLES[r.cloud]) for r in results if r.rows]
    ax.legend(handles=legend, loc="lower right", fontsize=8)
    if missing:
        fig.text(0.01, 0.01, "no match: " + ", ".join(missing), fontsize=8)
    fig.tight_layout()
    try:
        fig.savefig(path, format=path.suffix.lower().lstrip("."))  # the file named, never path + ".png"
    finally:
        plt.close(fig)


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
