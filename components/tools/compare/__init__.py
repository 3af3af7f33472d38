"""python -m components compare: the cheapest VM offerings for one shape on AWS, Azure and GCP.

    python -m components compare --cpus 4 --memory 16 --geo eu-central
    python -m components compare --gpu L4:1 --spot --format json
    python -m components compare --cpus 64 --memory 512 --arch any --chart prices.png

Answers from the embedded snapshot only (no network). Kept light on purpose: the standard library,
``components.catalog`` (one region per cloud, unless ``--geo any``) and the size rules of the cloud
rules and spec layers; the chart code and matplotlib only for ``--chart``; never Pulumi or any SDK.
"""

from __future__ import annotations

import sys

from ...catalog import CLOUDS
from .notes import skip_reason
from .query import FORMATS, Query, UsageError, build_parser, parse_clouds, parse_query
from .render import RECORD_FIELDS, no_match_report, records, render_csv, render_json, render_markdown, render_table
from .search import CloudResult, Row, compare

__all__ = [
    "FORMATS",
    "RECORD_FIELDS",
    "CloudResult",
    "Query",
    "Row",
    "UsageError",
    "compare",
    "main",
    "records",
    "skip_reason",
]


def main(argv: list[str] | None = None) -> int:
    from ...catalog.snapshot import SnapshotError

    try:
        args = build_parser().parse_args(argv)
        query = parse_query(args)
        clouds = parse_clouds(args.clouds)
        chart = None
        if args.chart:
            from .chart import check_chart_path

            chart = check_chart_path(args.chart)
        regions = {c: getattr(args, f"{c}_region") for c in CLOUDS}
        unused = [f"--{c}-region" for c, region in regions.items() if region and c not in clouds]
        if unused:
            raise UsageError(f"{', '.join(unused)} given, but --clouds {','.join(clouds)} leaves that cloud out")
        results = compare(query, clouds, geo=args.geo, regions=regions, data_dir=args.data_dir)
    except UsageError as error:
        print(f"compare: error: {error}", file=sys.stderr)
        return 2
    except SnapshotError as error:
        print(f"compare: error: {error}; rebuild it with `python -m components catalog build`", file=sys.stderr)
        return 2
    if args.format == "table":
        sys.stdout.write(render_table(results, query))
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(results, query))
    else:
        sys.stdout.write(render_json(results) if args.format == "json" else render_csv(results))
        sys.stderr.write(no_match_report(results, query))
    if chart:
        from .chart import write_chart

        try:
            write_chart(results, query, chart)
        except OSError as error:
            print(f"compare: error: --chart {args.chart!r}: {error.strerror or error}", file=sys.stderr)
            return 2
        print(f"chart written to {chart}", file=sys.stderr)
    return 0 if any(res.rows for res in results) else 1
