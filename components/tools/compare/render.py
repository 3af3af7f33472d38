"""How ``compare`` shows its results: a text table, Markdown, JSON records or CSV."""

from __future__ import annotations

from ...money import usd
from .notes import date_note, row_dates
from .query import Query
from .search import CloudResult, Row, cloud_title

RECORD_FIELDS = (
    "cloud", "region", "instance_type", "vcpus", "memory_gib", "arch", "gpu_name", "gpu_count",
    "gpu_attached", "price_hourly", "spot_price_hourly", "monthly_price", "spot_monthly_price",
    "cheapest", "price_flag", "snapshot_date", "price_date", "spot_price_date", "os", "licence_hourly",
    "spot_allowed", "notices",
)  # fmt: skip


def row_record(row: Row, result: CloudResult) -> dict:
    o = row.offering
    spot = row.spot_price_hourly
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
        "spot_price_hourly": spot,
        "monthly_price": row.monthly_price(),
        "spot_monthly_price": row.monthly_price(spot=True),
        "cheapest": row.cheapest,
        "price_flag": row.price_flag,
        "snapshot_date": result.snapshot_date,
        "price_date": row.price_date,
        "spot_price_date": row.spot_date if spot is not None else None,
        "os": "windows" if row.windows else "linux",
        "licence_hourly": row.licence if row.windows else None,
        "spot_allowed": row.spot_allowed,
        "notices": "; ".join(row.notices) or None,
    }


def records(results: list[CloudResult]) -> list[dict]:
    return [row_record(row, res) for res in results for row in res.rows]


def _money(value: float | None, digits: int = 4) -> str:
    """A price in a table cell (the column says it is $): ``0.1504``, ``1,234.56``, ``-`` when unknown."""
    return usd(value, digits, unknown="-", symbol="")


def gpu_summary(row: Row) -> str:
    return f"{row.gpu_count:g}x {row.gpu_name}" if row.gpu_name else "-"


def spot_cell(row: Row, monthly: bool = False) -> str:
    """The spot price (per hour, or a month's); ``unknown`` where the size runs as spot but the
    snapshot has no price, ``-`` where the component does not run it as spot (cloud_rules.size_problem)."""
    if row.spot_price_hourly is not None:
        return _money(row.monthly_price(spot=True), 2) if monthly else _money(row.spot_price_hourly)
    return "unknown" if row.spot_allowed and not row.attached else "-"


TABLE_HEADERS = ("", "type", "vCPUs", "GiB", "arch", "GPU", "$/h", "$/month", "spot $/h")
RIGHT_ALIGNED = {2, 3, 6, 7, 8}


def columns(res: CloudResult, spot: bool) -> tuple[tuple[str, ...], set[int], bool, bool]:
    """The headers of a section's table: a spot month beside the spot price when spot prices are asked
    for, a region column when several regions were searched, a date column when its rows' prices are of
    different dates."""
    with_region = res.regions_searched > 1
    with_date = len({row_dates(r, spot) for r in res.rows}) > 1
    headers = list(TABLE_HEADERS) + (["spot $/month"] if spot else [])
    right = set(RIGHT_ALIGNED) | ({len(TABLE_HEADERS)} if spot else set())
    if with_region:
        headers.insert(2, "region")
        right = {i + 1 if i >= 2 else i for i in right}
    if with_date:
        headers.append("prices of")
    return tuple(headers), right, with_region, with_date


def table_cells(row: Row, spot: bool = False, with_region: bool = False, with_date: bool = False) -> list[str]:
    mark = "*" if row.cheapest else ("!" if row.outlier else "")
    o = row.offering
    cells = [
        mark,
        row.label,
        f"{o.vcpus:g}",
        f"{round(o.memory_gib, 2):g}",
        o.arch,
        gpu_summary(row),
        _money(row.price_hourly) + ("" if row.licence_known else "+"),
        _money(row.monthly_price(), 2),
        spot_cell(row),
        *([spot_cell(row, monthly=True)] if spot else []),
    ]
    if with_region:
        cells.insert(2, o.region)
    if with_date:
        cells.append(row_dates(row, spot))
    return cells


def text_table(headers: tuple[str, ...], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
        return "  ".join(padded).rstrip()

    rule = ["-" * w if h else " " * w for h, w in zip(headers, widths)]
    return [line(headers), line(rule), *(line(r) for r in rows)]


def section_title(res: CloudResult) -> str:
    if not res.region:
        return f"{cloud_title(res.cloud)} ({res.region_choice})"
    return f"{cloud_title(res.cloud)} {res.region} ({res.region_choice})"


def snapshot_line(res: CloudResult, spot: bool = False) -> str:
    dates = sorted({row_dates(r, spot) for r in res.rows}) or [res.snapshot_date]
    shown = " and ".join(dates)
    return f"prices as of {shown}: {res.source}"


def winner_line(results: list[CloudResult], q: Query) -> str:
    winners = [(res, row) for res in results for row in res.rows if row.cheapest]
    if not winners:
        return "no offering meets the query on any cloud compared"
    row = winners[0][1]
    by_spot = q.spot and row.spot_price_hourly is not None
    price = row.ranking_price(by_spot)
    kind = "spot" if by_spot else "on-demand" + (" (no offering shown has a known spot price)" if q.spot else "")
    names = " = ".join(f"{cloud_title(res.cloud)} {r.label} in {r.region}" for res, r in winners)
    tie = " (tie)" if len(winners) > 1 else ""
    windows = " with Windows licence" if q.windows else ""
    monthly = usd(row.monthly_price(by_spot))
    return f"* cheapest overall{tie}: {names}, {usd(price, 4)}/h {kind}{windows} ({monthly}/month)"


def render_table(results: list[CloudResult], q: Query) -> str:
    out = [f"Cheapest offerings with {q.describe()}", ""]
    for res in results:
        out.append(section_title(res))
        if res.rows:
            headers, right, with_region, with_date = columns(res, q.spot)
            cells = [table_cells(r, q.spot, with_region, with_date) for r in res.rows]
            out.extend("  " + line for line in text_table(headers, cells, right))
        else:
            out.append(f"  {res.no_match}; nearest that exist:")
            out.extend(f"    - {n}" for n in res.nearest)
        out.extend(f"  {note}" for note in res.notes)
        out.append(f"  {snapshot_line(res, q.spot)}")
        out.append("")
    out.append(winner_line(results, q))
    note = date_note(results, q.spot)
    if note:
        out.append(note)
    return "\n".join(out) + "\n"


def render_markdown(results: list[CloudResult], q: Query) -> str:
    out = [f"**Cheapest offerings with {q.describe()}**", ""]
    for res in results:
        out.append(f"### {section_title(res)}")
        out.append("")
        if res.rows:
            headers, right, with_region, with_date = columns(res, q.spot)
            out.append("| " + " | ".join(h or " " for h in headers) + " |")
            out.append("|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|")
            for row in res.rows:
                cells = table_cells(row, q.spot, with_region, with_date)
                cells[1] = f"`{cells[1]}`"
                out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        else:
            out.append(f"{res.no_match}; nearest that exist:")
            out.append("")
            out.extend(f"- {n}" for n in res.nearest)
        out.append("")
        out.extend(f"{note}  " for note in res.notes)
        out.append(f"_{snapshot_line(res, q.spot)}_")
        out.append("")
    out.append(winner_line(results, q).replace("* ", "**", 1).replace(":", ":**", 1))
    note = date_note(results, q.spot)
    if note:
        out.append("")
        out.append(note)
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


def no_match_report(results: list[CloudResult], q: Query | None = None) -> str:
    """For machine-readable formats: what found nothing, and the notes that are not row flags, on stderr."""
    lines = []
    for res in results:
        if not res.rows:
            lines.append(f"{res.no_match}; nearest that exist:")
            lines.extend(f"  - {n}" for n in res.nearest)
        lines.extend(note for note in res.notes if not note.startswith(("!", "~")))
    note = date_note(results, bool(q and q.spot))
    if note:
        lines.append(note)
    return "\n".join(lines) + ("\n" if lines else "")
