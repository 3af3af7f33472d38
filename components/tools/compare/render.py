"""How ``compare`` shows its results: a text table, Markdown, JSON records or CSV."""

from __future__ import annotations

from ...catalog import (
    monthly_price,
)
from .query import Query
from .search import CLOUD_TITLES, CloudResult, Row

RECORD_FIELDS = (
    "cloud", "region", "instance_type", "vcpus", "memory_gib", "arch", "gpu_name", "gpu_count",
    "gpu_attached", "price_hourly", "spot_price_hourly", "monthly_price", "spot_monthly_price",
    "cheapest", "price_flag", "snapshot_date",
)  # fmt: skip


def row_record(row: Row, result: CloudResult) -> dict:
    o = row.offering
    return {
        "cloud": o.cloud,
        "region": o.region,
        "instance_type": o.instance_type,
        "vcpus": o.vcpus,
        "memory_gib": o.memory_gib,
        "arch": o.arch,
        "gpu_name": row.gpu_name,
        "gpu_count": row.gpu_count,
        "gpu_attached": row.attached is not None,
        "price_hourly": row.price_hourly,
        "spot_price_hourly": row.spot_price_hourly,
        "monthly_price": monthly_price(row.price_hourly),
        "spot_monthly_price": monthly_price(row.spot_price_hourly),
        "cheapest": row.cheapest,
        "price_flag": row.outlier.describe() if row.outlier else None,
        "snapshot_date": result.snapshot_date,
    }


def records(results: list[CloudResult]) -> list[dict]:
    return [row_record(row, res) for res in results for row in res.rows]


def _money(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def gpu_summary(row: Row) -> str:
    return f"{row.gpu_count:g}x {row.gpu_name}" if row.gpu_name else "-"


TABLE_HEADERS = (
    "",
    "type",
    "vCPUs",
    "GiB",
    "arch",
    "GPU",
    "$/h",
    "$/month",
    "spot $/h",
)

RIGHT_ALIGNED = {2, 3, 6, 7, 8}


def table_cells(row: Row) -> list[str]:
    mark = "*" if row.cheapest else ("!" if row.outlier else "")
    o = row.offering
    return [
        mark,
        row.label,
        f"{o.vcpus:g}",
        f"{round(o.memory_gib, 2):g}",
        o.arch,
        gpu_summary(row),
        _money(row.price_hourly),
        _money(monthly_price(row.price_hourly), 2),
        _money(row.spot_price_hourly),
    ]


def text_table(headers: tuple[str, ...], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
        return "  ".join(padded).rstrip()

    rule = ["-" * w if h else " " * w for h, w in zip(headers, widths)]
    return [line(headers), line(rule), *(line(r) for r in rows)]


def section_title(res: CloudResult) -> str:
    return f"{CLOUD_TITLES[res.cloud]} {res.region} ({res.region_choice})"


def snapshot_line(res: CloudResult) -> str:
    return f"prices as of {res.snapshot_date}: {res.source}"


def winner_line(results: list[CloudResult], spot: bool) -> str:
    winners = [(res, row) for res in results for row in res.rows if row.cheapest]
    if not winners:
        return "no offering meets the query on any cloud compared"
    row = winners[0][1]
    price = row.ranking_price(spot) or row.price_hourly
    kind = "spot" if spot and row.spot_price_hourly is not None else "on-demand"
    names = " = ".join(f"{CLOUD_TITLES[res.cloud]} {r.label} in {res.region}" for res, r in winners)
    tie = " (tie)" if len(winners) > 1 else ""
    return f"* cheapest overall{tie}: {names}, ${price:.4f}/h {kind} (${monthly_price(price):,.2f}/month)"


def render_table(results: list[CloudResult], q: Query) -> str:
    out = [f"Cheapest offerings with {q.describe()}", ""]
    for res in results:
        out.append(section_title(res))
        if res.rows:
            out.extend(
                "  " + line for line in text_table(TABLE_HEADERS, [table_cells(r) for r in res.rows], RIGHT_ALIGNED)
            )
        else:
            out.append(f"  {res.no_match}; nearest that exist:")
            out.extend(f"    - {n}" for n in res.nearest)
        out.extend(f"  {note}" for note in res.notes)
        out.append(f"  {snapshot_line(res)}")
        out.append("")
    out.append(winner_line(results, q.spot))
    return "\n".join(out) + "\n"


def render_markdown(results: list[CloudResult], q: Query) -> str:
    out = [f"**Cheapest offerings with {q.describe()}**", ""]
    for res in results:
        out.append(f"### {section_title(res)}")
        out.append("")
        if res.rows:
            out.append("| " + " | ".join(h or " " for h in TABLE_HEADERS) + " |")
            out.append("|" + "|".join("---:" if i in RIGHT_ALIGNED else "---" for i in range(len(TABLE_HEADERS))) + "|")
            for row in res.rows:
                cells = table_cells(row)
                cells[1] = f"`{cells[1]}`"
                out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        else:
            out.append(f"{res.no_match}; nearest that exist:")
            out.append("")
            out.extend(f"- {n}" for n in res.nearest)
        out.append("")
        out.extend(f"{note}  " for note in res.notes)
        out.append(f"_{snapshot_line(res)}_")
        out.append("")
    out.append(winner_line(results, q.spot).replace("* ", "**", 1).replace(":", ":**", 1))
    return "\n".join(out) + "\n"


def render_json(results: list[CloudResult]) -> str:
    import json

    return json.dumps(records(results), indent=2) + "\n"


def render_csv(results: list[CloudResult]) -> str:
    import csv
    import io

    rows = records(results)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=RECORD_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def no_match_report(results: list[CloudResult]) -> str:
    """For machine-readable formats: what found nothing, on stderr."""
    lines = []
    for res in results:
        if not res.rows:
            lines.append(f"{res.no_match}; nearest that exist:")
            lines.extend(f"  - {n}" for n in res.nearest)
        lines.extend(note for note in res.notes if not note.startswith("!"))
    return "\n".join(lines) + ("\n" if lines else "")
