"""python -m components catalog {build,refresh,info}: make or update the offerings snapshot.

    python -m components catalog build --source ../shared/catalog-source
    python -m components catalog refresh aws --regions us-east-1 eu-central-1
    python -m components catalog refresh azure
    python -m components catalog refresh gcp --api-key KEY [--project PROJECT]
    python -m components catalog info

A refresh writes the new snapshot beside the old one and renames it into place, so a failed or
interrupted refresh leaves the previous snapshot as it was.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .snapshot import CLOUDS, read_document, snapshot_path


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m components catalog", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = commands.add_parser("build", help="rebuild all three snapshots from catalog-source CSVs")
    build.add_argument("--source", type=Path, required=True, metavar="DIR")
    build.add_argument("--data-dir", type=Path, help="write here instead of the package's data folder")

    refresh = commands.add_parser("refresh", help="fetch current shapes and prices from a cloud")
    refresh.add_argument("cloud", choices=CLOUDS)
    refresh.add_argument(
        "--regions",
        nargs="+",
        metavar="REGION",
        help="only these regions (space or comma separated), merged into the current snapshot",
    )
    refresh.add_argument("--data-dir", type=Path, help="snapshot folder to update (default: the package's)")
    refresh.add_argument("--api-key", default=os.environ.get("GOOGLE_API_KEY"), help="gcp: Cloud Billing API key")
    refresh.add_argument(
        "--project", default=os.environ.get("GOOGLE_CLOUD_PROJECT"), help="gcp: project for machine-type shapes"
    )
    refresh.add_argument("--no-progress", action="store_true", help="no progress bar")

    info = commands.add_parser("info", help="what each snapshot holds and how old it is")
    info.add_argument("--data-dir", type=Path)
    return parser


def split_regions(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return list(dict.fromkeys(r.strip() for v in values for r in v.split(",") if r.strip()))


def run_refresh(args: argparse.Namespace) -> int:
    from .refresh.common import Progress, RichProgress

    regions = split_regions(args.regions)
    progress = Progress() if args.no_progress else RichProgress()
    if args.cloud == "gcp" and not args.api_key:
        print("catalog refresh gcp: an API key is needed: --api-key KEY or GOOGLE_API_KEY", file=sys.stderr)
        return 2
    try:
        if args.cloud == "aws":
            from .refresh import aws

            report = aws.refresh(regions, data_dir=args.data_dir, progress=progress)
        elif args.cloud == "azure":
            from .refresh import azure

            report = azure.refresh(regions, data_dir=args.data_dir, progress=progress)
        else:
            from .refresh import gcp

            report = gcp.refresh(
                regions, api_key=args.api_key, project=args.project, data_dir=args.data_dir, progress=progress
            )
    except Exception as error:  # any failure: say what, and that the old snapshot stays
        print(f"catalog refresh {args.cloud} failed: {type(error).__name__}: {error}", file=sys.stderr)
        print(f"the snapshot {snapshot_path(args.cloud, args.data_dir)} was not changed", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def run_build(args: argparse.Namespace) -> int:
    from .build import build_from_source

    if not (args.source / "aws_vms.csv.gz").exists():
        print(f"catalog build: {args.source} has no aws_vms.csv.gz (expected a catalog-source folder)", file=sys.stderr)
        return 2
    for path in build_from_source(args.source, args.data_dir):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


def run_info(args: argparse.Namespace) -> int:
    for cloud in CLOUDS:
        path = snapshot_path(cloud, args.data_dir)
        if not path.exists():
            print(f"{cloud}: no snapshot at {path}")
            continue
        document = read_document(path)
        rows = sum(len(r) for r in document["regions"].values())
        print(
            f"{cloud}: {document['snapshot_date']}, {len(document['types'])} types, "
            f"{len(document['regions'])} regions, {rows} offerings; {document['source']}"
        )
        for region, date in document.get("region_dates", {}).items():
            if date != document["snapshot_date"]:
                print(f"  {region}: refreshed {date}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return {"build": run_build, "refresh": run_refresh, "info": run_info}[args.command](args)
