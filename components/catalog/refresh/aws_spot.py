"""AWS spot prices without credentials: the public feed behind the EC2 Spot pricing page.

``https://website.spot.ec2.aws.a2z.com/spot.js`` (served before as ``spot-price.s3.amazonaws.com/
spot.js``) is a JSONP file, ``callback({...});``, that the Spot Instance pricing page
(https://aws.amazon.com/ec2/spot/pricing/) loads: per region and instance type the current Linux
(``linux``) and Windows (``mswin``) spot price in USD per hour, as strings (``"N/A*"`` where there is
none). A few regions still carry their old codes (``us-east`` for us-east-1, ``apac-sin`` for
ap-southeast-1, ...). Readers of the same feed: yeo/ec2.shop ``finder/ec2/spot.go``,
alexei-led/spotinfo ``public/spot/price.go``.

``catalog refresh aws --spot-feed`` sets the Linux spot price of every (type, region) row of the AWS
snapshot the feed prices and clears it where the feed has none, so no spot price is older than the
date it is shown with (``spot_dates``: the regions refreshed, the day of the refresh). It checks
before it writes (all or nothing): the feed must price some types of the snapshot, and a spot price
over the type's on-demand price is not one (EC2 caps spot at on-demand) and is left out.
``catalog refresh aws`` with credentials reads spot prices from ``DescribeSpotPriceHistory`` instead.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..snapshot import read_document, snapshot_path, write_document
from .common import Progress, RefreshError, RefreshReport, today

FEED = "https://website.spot.ec2.aws.a2z.com/spot.js"
TIMEOUT_SECONDS = 60
LEGACY_REGIONS = {
    "us-east": "us-east-1",
    "us-west": "us-west-1",
    "eu-ireland": "eu-west-1",
    "apac-sin": "ap-southeast-1",
    "apac-syd": "ap-southeast-2",
    "apac-tokyo": "ap-northeast-1",
}
SOURCE = "EC2 Spot pricing page feed (website.spot.ec2.aws.a2z.com/spot.js), Linux"


def parse_feed(text: str) -> dict[str, dict[str, float]]:
    """{region: {instance type: Linux spot $/h}} from the feed's JSONP text; ValueError if it is not
    the feed."""
    body = text.strip()
    start, end = body.find("("), body.rfind(")")
    if not body.startswith("callback") or start < 0 or end < start:
        raise ValueError("not the spot price feed (no callback(...) wrapper)")
    document = json.loads(body[start + 1 : end])
    prices: dict[str, dict[str, float]] = {}
    for region in document["config"]["regions"]:
        code = LEGACY_REGIONS.get(region["region"], region["region"])
        for family in region.get("instanceTypes", ()):
            for size in family.get("sizes", ()):
                for column in size.get("valueColumns", ()):
                    if column.get("name") != "linux":
                        continue
                    try:
                        price = float(column["prices"]["USD"])
                    except (KeyError, TypeError, ValueError):  # "N/A*": no spot price
                        continue
                    if price > 0:
                        prices.setdefault(code, {})[size["size"]] = price
    return prices


def refresh(
    regions: list[str] | None = None,
    *,
    data_dir: Path | None = None,
    progress: Progress | None = None,
    session=None,
    date: str | None = None,
) -> RefreshReport:
    import requests

    session = session or requests.Session()
    progress = progress or Progress()
    with progress.task("aws: spot price feed", 1) as advance:
        response = session.get(FEED, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        advance()
    try:
        feed = parse_feed(response.text)
    except (ValueError, KeyError, TypeError) as error:
        raise RefreshError(f"the spot price feed could not be read ({type(error).__name__}: {error})") from None
    path = snapshot_path("aws", data_dir)
    document = read_document(path)
    names = [t[0] for t in document["types"]]
    wanted = [r for r in (regions or document["regions"]) if r in document["regions"]]
    unknown = sorted(set(regions or ()) - set(document["regions"]))
    if unknown:
        raise RefreshError(f"no such region in the AWS snapshot: {', '.join(unknown)}")
    date = date or today()
    priced, above = 0, []
    for region in wanted:
        offered = feed.get(region, {})
        for row in document["regions"][region]:
            spot = offered.get(names[row[0]])
            if spot is not None and row[1] and spot > row[1] * 1.001:
                above.append(f"{names[row[0]]} in {region}")
                spot = None
            row[2] = spot
            priced += spot is not None
    if not priced:
        raise RefreshError(f"the spot price feed prices no type of the snapshot in {', '.join(wanted) or 'any region'}")
    document["spot_dates"] = {**document.get("spot_dates", {}), **dict.fromkeys(wanted, date)}
    document["spot_dates"] = dict(sorted(document["spot_dates"].items()))
    write_document(document, path)
    types = len({names[row[0]] for r in wanted for row in document["regions"][r] if row[2] is not None})
    report = RefreshReport("aws", path, sorted(wanted), priced, types, what="spot prices")
    report.notes.append(f"spot prices from {SOURCE} as of {date}; rows without one in the feed have no spot price")
    if above:
        report.notes.append(f"{len(above)} spot prices over the on-demand price left out, e.g. {above[0]}")
    return report
