"""``catalog refresh aws --spot-feed``: AWS spot prices from the public feed of the EC2 Spot pricing
page, served here by ``responses`` from a page in the feed's format (tests/fixtures/refresh/aws/spot.js)."""

from __future__ import annotations

import json
import shutil

import pytest
import responses

from components.catalog import load, load_cache_clear
from components.catalog.refresh import aws_spot
from components.catalog.refresh.common import RefreshError
from components.catalog.snapshot import read_document, snapshot_path
from components.tools import catalog as cli
from components.tools import compare
from tests.support.common import FIXTURES

FEED = (FIXTURES / "refresh" / "aws" / "spot.js").read_text()


@pytest.fixture
def data_dir(tmp_path):
    shutil.copy(snapshot_path("aws"), snapshot_path("aws", tmp_path))
    yield tmp_path
    load_cache_clear()


def test_the_feed_parses_to_linux_spot_prices_by_region():
    prices = aws_spot.parse_feed(FEED)
    assert prices["us-east-1"] == {"m5.large": 0.0386, "t3a.large": 0.0301, "t3a.xlarge": 0.9999, "m9.imaginary": 0.05}
    assert prices["eu-west-1"] == {"a1.xlarge": 0.0396, "t4g.xlarge": 0.0473}  # eu-ireland
    assert "c6g.xlarge" not in prices["us-east-1"]  # N/A*
    with pytest.raises(ValueError, match="no callback"):
        aws_spot.parse_feed('{"config": {}}')


@responses.activate
def test_a_refresh_sets_spot_prices_and_their_date(data_dir):
    responses.get(aws_spot.FEED, body=FEED)
    report = aws_spot.refresh(["us-east-1", "eu-west-1"], data_dir=data_dir, date="2026-12-01")
    assert "with 4 spot prices of 4 types in 2 refreshed regions" in report.summary()
    assert "1 spot prices over the on-demand price left out, e.g. t3a.xlarge in us-east-1" in report.summary()
    catalog = load("aws", data_dir)
    assert catalog.get("m5.large", "us-east-1").spot_price_hourly == 0.0386
    assert catalog.get("t3a.xlarge", "us-east-1").spot_price_hourly is None  # over on-demand: not a spot price
    assert catalog.get("m5.large", "eu-central-1").spot_price_hourly is None  # not refreshed
    assert catalog.spot_date(catalog.get("m5.large", "us-east-1")) == "2026-12-01"
    assert catalog.price_date(catalog.get("m5.large", "us-east-1")) == "2025-04-04"  # on-demand unchanged
    assert read_document(snapshot_path("aws", data_dir))["spot_dates"] == {
        "eu-west-1": "2026-12-01",
        "us-east-1": "2026-12-01",
    }


@responses.activate
def test_after_a_spot_refresh_compare_ranks_aws_by_its_dated_spot_prices(data_dir, capsys):
    responses.get(aws_spot.FEED, body=FEED)
    aws_spot.refresh(["eu-west-1"], data_dir=data_dir, date="2026-12-01")
    args = ["--cpus", "4", "--memory", "8", "--arch", "arm64", "--spot", "--clouds", "aws", "--geo", "eu-west"]
    assert compare.main([*args, "--data-dir", str(data_dir), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert (rows[0]["instance_type"], rows[0]["spot_price_hourly"], rows[0]["spot_price_date"]) == (
        "a1.xlarge",
        0.0396,
        "2026-12-01",
    )
    assert rows[0]["cheapest"] and all(r["spot_price_hourly"] is None for r in rows[2:])


@responses.activate
def test_the_cli_refreshes_spot_prices_without_credentials(data_dir, capsys, monkeypatch):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    responses.get(aws_spot.FEED, body=FEED)
    code = cli.main(
        ["refresh", "aws", "--spot-feed", "--regions", "us-east-1", "--data-dir", str(data_dir), "--no-progress"]
    )
    assert code == 0 and "spot prices" in capsys.readouterr().out


@responses.activate
def test_a_failed_or_useless_fetch_leaves_the_snapshot_alone(data_dir, capsys):
    original = snapshot_path("aws", data_dir).read_bytes()
    responses.get(aws_spot.FEED, status=503)
    assert cli.main(["refresh", "aws", "--spot-feed", "--data-dir", str(data_dir), "--no-progress"]) == 1
    assert "503" in capsys.readouterr().err
    responses.replace(responses.GET, aws_spot.FEED, body="<html>maintenance</html>")
    with pytest.raises(RefreshError, match="could not be read"):
        aws_spot.refresh(data_dir=data_dir)
    responses.replace(responses.GET, aws_spot.FEED, body='callback({"config": {"regions": []}});')
    with pytest.raises(RefreshError, match="prices no type of the snapshot"):
        aws_spot.refresh(data_dir=data_dir)
    with pytest.raises(RefreshError, match="no such region in the AWS snapshot: moon-1"):
        aws_spot.refresh(["moon-1"], data_dir=data_dir)
    assert snapshot_path("aws", data_dir).read_bytes() == original
    assert cli.main(["refresh", "azure", "--spot-feed", "--data-dir", str(data_dir)]) == 2
    capsys.readouterr()
    assert cli.main(["refresh", "gcp", "--spot-feed", "--data-dir", str(data_dir)]) == 2
    assert capsys.readouterr().err == "catalog refresh gcp: --spot-feed is for aws only\n"  # not "needs an API key"


def test_a_partial_refresh_keeps_the_dates_of_the_regions_it_keeps(tmp_path):
    """Spot prices fetched apart and rows priced from a second source keep their own dates when
    another region is refreshed."""
    from components.catalog.refresh.common import write_refreshed
    from components.catalog.snapshot import build_document, write_document

    def row(region, price, **extra):
        return {"instance_type": "m.x", "vcpus": 2, "memory_gib": 8, "arch": "x86_64", "region": region,
                "price_hourly": price, "spot_price_hourly": price / 3, **extra}  # fmt: skip

    document = build_document(
        "aws", [row("r1", 0.1, price_date="2026-07-30"), row("r2", 0.1)], snapshot_date="2026-01-01", source="t"
    )
    document["spot_dates"] = {"r1": "2026-11-01", "r2": "2026-11-01"}
    write_document(document, snapshot_path("aws", tmp_path))
    write_refreshed("aws", [row("r2", 0.11)], ["r2"], source="t", partial=True, data_dir=tmp_path, date="2026-12-01")
    catalog = load("aws", tmp_path)
    kept, fresh = catalog.get("m.x", "r1"), catalog.get("m.x", "r2")
    assert (catalog.price_date(kept), catalog.spot_date(kept)) == ("2026-07-30", "2026-11-01")
    assert (catalog.price_date(fresh), catalog.spot_date(fresh)) == ("2026-12-01", "2026-12-01")
