"""python -m components catalog {build,refresh,info,vendor-aws,seed-gcp}: make or update the offerings snapshot.

    python -m components catalog build --source ../shared/catalog-source
    python -m components catalog refresh aws --regions us-east-1 eu-central-1
    python -m components catalog refresh aws --spot-feed            # spot prices only, no credentials
    python -m components catalog refresh azure [--subscription ID]   # token in AZURE_ACCESS_TOKEN
    python -m components catalog refresh gcp --api-key KEY [--project PROJECT]
    python -m components catalog info
    python -m components catalog vendor-aws                          # maintainers: sources/aws_moto.json.gz from moto
    python -m components catalog seed-gcp --pricing pricing.yml --machine-types machinetyperegion.csv --date D --origin T

A refresh or build checks everything it fetched or read before it writes, and writes the new
snapshot(s) beside the old ones and renames them into place, so a failed, empty or interrupted run
leaves every snapshot byte for byte as it was. Bad input exits 2, a failed fetch 1; secrets (the GCP
API key) never appear in a message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path

from ..catalog.snapshot import CLOUDS, SnapshotError, read_document, snapshot_path
from .command_line import ToolParser


def build_parser() -> argparse.ArgumentParser:
    parser = ToolParser(prog="python -m components catalog", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=ToolParser)

    build = commands.add_parser("build", help="rebuild all three snapshots from catalog-source CSVs")
    build.add_argument("--source", type=Path, required=True, metavar="DIR")
    build.add_argument("--data-dir", type=Path, help="write here instead of the package's data folder")
    build.add_argument("--date", type=iso_date, help="date of the input's prices (needed for unknown input)")
    build.add_argument("--origin", help="where the input's prices come from (needed for unknown input)")

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
    refresh.add_argument(
        "--subscription",
        default=os.environ.get("AZURE_SUBSCRIPTION_ID"),
        help="azure: also read sizes' facts and zones from the Resource SKUs API with this subscription "
        "(bearer token in AZURE_ACCESS_TOKEN: az account get-access-token --query accessToken -o tsv)",
    )
    refresh.add_argument(
        "--spot-feed",
        action="store_true",
        help="aws: only spot prices, from the public feed of the EC2 Spot pricing page (no credentials)",
    )
    refresh.add_argument("--no-progress", action="store_true", help="no progress bar")
    refresh.add_argument(
        "--allow-fewer-types",
        action="store_true",
        help="accept a region that lost more than half of its types since the snapshot",
    )

    info = commands.add_parser("info", help="what each snapshot holds and how old it is")
    info.add_argument("--data-dir", type=Path)

    commands.add_parser(
        "vendor-aws",
        help="regenerate sources/aws_moto.json.gz (AWS size facts, per-AZ offerings) from the installed moto",
    )
    seed = commands.add_parser("seed-gcp", help="regenerate sources/gcp_seeded.json.gz from a Cyclenerd pricing.yml")
    seed.add_argument("--pricing", type=Path, required=True, metavar="pricing.yml")
    seed.add_argument("--machine-types", type=Path, required=True, metavar="machinetyperegion.csv")
    seed.add_argument("--date", type=iso_date, required=True, help="the date pricing.yml was generated")
    seed.add_argument("--origin", required=True, help="where the files come from (repository, commit)")
    seed.add_argument("--output", type=Path, help=argparse.SUPPRESS)  # tests
    return parser


def iso_date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-05-20") from None


def redact(text: str, secrets: list[str | None] = ()) -> str:
    """``text`` with API keys (``key=...`` in URLs, and the given secrets) replaced by ``***``."""
    text = re.sub(r"(?i)([?&](?:key|api_key|apikey|token)=)[^&\s'\"]+", r"\1***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def split_regions(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return list(dict.fromkeys(r.strip() for v in values for r in v.split(",") if r.strip()))


def run_refresh(args: argparse.Namespace) -> int:
    """``catalog refresh <cloud>``: the cloud's refresh module says what its command line needs
    (``refresh_options``), in one line and exit 2 when something is missing."""
    import importlib

    from ..catalog.refresh.common import Progress, RefreshError, RichProgress, UsageError

    regions = split_regions(args.regions)
    progress = Progress() if args.no_progress else RichProgress()
    unchanged = f"the snapshot {snapshot_path(args.cloud, args.data_dir)} was not changed"
    try:
        call = importlib.import_module(f"..catalog.refresh.{args.cloud}", __package__).refresh_options(args, os.environ)
    except UsageError as error:
        print(f"catalog refresh {args.cloud}: {error}", file=sys.stderr)
        return 2
    if args.regions is not None and not regions:
        print("catalog refresh: --regions names no region", file=sys.stderr)
        return 2
    try:
        report = call.refresh(regions, progress=progress, **call.options)
    except (RefreshError, SnapshotError) as error:
        print(f"catalog refresh {args.cloud}: {redact(str(error), call.secrets)}; {unchanged}", file=sys.stderr)
        return 1
    except Exception as error:  # any failure to fetch: say what, and that the old snapshot stays
        message = redact(f"{type(error).__name__}: {error}", call.secrets)
        print(f"catalog refresh {args.cloud} failed: {message}", file=sys.stderr)
        print(unchanged, file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def run_build(args: argparse.Namespace) -> int:
    from ..catalog.build import BuildError, build_from_source

    if bool(args.date) != bool(args.origin):
        print("catalog build: give --date and --origin together", file=sys.stderr)
        return 2
    try:
        written = build_from_source(args.source, args.data_dir, args.date, args.origin)
    except (BuildError, SnapshotError) as error:
        print(f"catalog build: {error}; no snapshot was changed", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"catalog build: cannot write the snapshots ({error}); no snapshot was changed", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


def run_info(args: argparse.Namespace) -> int:
    if not any(snapshot_path(cloud, args.data_dir).exists() for cloud in CLOUDS):
        where = snapshot_path(CLOUDS[0], args.data_dir).parent
        print(
            f"catalog info: no snapshot in {where} (expected {', '.join(f'{c}.snapshot' for c in CLOUDS)})",
            file=sys.stderr,
        )
        return 2
    corrupt = []
    for cloud in CLOUDS:
        path = snapshot_path(cloud, args.data_dir)
        if not path.exists():
            print(f"{cloud}: no snapshot at {path}")
            continue
        try:
            document = read_document(path)
        except SnapshotError as error:
            corrupt.append(str(error))
            continue
        rows = sum(len(r) for r in document["regions"].values())
        print(
            f"{cloud}: {document['snapshot_date']}, {len(document['types'])} types, "
            f"{len(document['regions'])} regions, {rows} offerings; {document['source']}"
        )
        prices = document.get("prices", {})
        if prices:
            count = sum(len(p) for p in prices.values())
            print(f"  disk, IPv4 and licence prices: {count} in {len(prices)} regions ({document.get('prices_date')})")
        else:
            print("  no disk, IPv4 or licence prices (those parts of a VM's cost show as unpriced)")
        for region, date in document.get("region_dates", {}).items():
            if date != document["snapshot_date"]:
                print(f"  {region}: refreshed {date}")
        spot_dates = document.get("spot_dates", {})
        if spot_dates:
            print(
                f"  spot prices of {len(spot_dates)} regions fetched apart, on {', '.join(sorted(set(spot_dates.values())))}"
            )
        seeded = sorted({row[4] for rows in document["regions"].values() for row in rows if len(row) > 4})
        if seeded:
            print(f"  some sizes priced from a second source, of {', '.join(seeded)} (see catalog/sources/README.md)")
    if corrupt:
        print(f"catalog info: {'; '.join(corrupt)}; rebuild with catalog build or catalog refresh", file=sys.stderr)
        return 2
    return 0


def run_vendor_aws(args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("moto") is None:
        print(
            "catalog vendor-aws: reads AWS size facts and zones from the data bundled with moto, which is not "
            "installed: pip install -r requirements-dev.txt",
            file=sys.stderr,
        )
        return 2
    from ..catalog import vendored

    path = vendored.write()
    print(f"wrote {path} from moto {vendored.read(path)['moto']}; rebuild the snapshots with catalog build")
    return 0


def run_seed_gcp(args: argparse.Namespace) -> int:
    from ..catalog import seeds

    for option, path in (("--pricing", args.pricing), ("--machine-types", args.machine_types)):
        if not path.is_file():
            print(f"catalog seed-gcp: {option} {path}: no such file", file=sys.stderr)
            return 2
    try:
        import yaml

        with args.pricing.open() as f:
            pricing = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        path = seeds.write(pricing, args.machine_types, date=args.date, origin=args.origin, path=args.output)
    except Exception as error:  # a YAML or CSV file that is not what it should be: one line, exit 2
        reason = " ".join(str(error).split())
        print(f"catalog seed-gcp: cannot read the inputs ({type(error).__name__}: {reason})", file=sys.stderr)
        return 2
    print(f"wrote {path} ({len(seeds.read(path)['types'])} machine types); rebuild the snapshots with catalog build")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    commands = {"build": run_build, "refresh": run_refresh, "info": run_info}
    commands.update({"vendor-aws": run_vendor_aws, "seed-gcp": run_seed_gcp})
    return commands[args.command](args)
