"""Each cloud's refresh module says what ``catalog refresh <cloud>`` needs from the command line
(``refresh_options(args, environ)``): the function it runs, its options, the secrets no message shows."""

from __future__ import annotations

import importlib
from argparse import Namespace
from pathlib import Path

import pytest

from components.catalog.refresh import aws_spot
from components.catalog.refresh.common import UsageError
from components.catalog.snapshot import CLOUDS


def args(**given) -> Namespace:
    defaults = {"spot_feed": False, "api_key": None, "project": None, "subscription": None}
    return Namespace(data_dir=Path("data"), allow_fewer_types=False, **{**defaults, **given})


def options(cloud: str, environ=None, **given):
    module = importlib.import_module(f"components.catalog.refresh.{cloud}")
    return module.refresh_options(args(**given), environ or {})


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_cloud_runs_its_own_refresh_with_the_common_options(cloud):
    call = options(cloud, api_key="KEY")
    assert call.refresh.__module__ == f"components.catalog.refresh.{cloud}"
    assert call.options["data_dir"] == Path("data") and call.options["allow_fewer_types"] is False


def test_aws_spot_feed_runs_the_feed_refresh_without_credentials():
    call = options("aws", spot_feed=True)
    assert (call.refresh, call.options, call.secrets) == (aws_spot.refresh, {"data_dir": Path("data")}, ())


@pytest.mark.parametrize("cloud", [c for c in CLOUDS if c != "aws"])
def test_only_aws_takes_the_spot_feed(cloud):
    with pytest.raises(UsageError, match=r"^--spot-feed is for aws only$"):
        options(cloud, spot_feed=True, api_key="KEY")


def test_gcp_needs_an_api_key_and_keeps_it_secret():
    with pytest.raises(UsageError, match="an API key is needed: --api-key KEY or GOOGLE_API_KEY"):
        options("gcp")
    call = options("gcp", api_key="KEY", project="p")
    assert (call.options["api_key"], call.options["project"], call.secrets) == ("KEY", "p", ("KEY",))


def test_azure_subscription_needs_a_token_and_keeps_it_secret():
    with pytest.raises(UsageError, match="--subscription needs a bearer token in AZURE_ACCESS_TOKEN"):
        options("azure", subscription="sub")
    call = options("azure", {"AZURE_ACCESS_TOKEN": "TOKEN"}, subscription="sub")
    assert (call.options["subscription"], call.options["token"], call.secrets) == ("sub", "TOKEN", ("TOKEN",))
    assert options("azure").options["token"] is None
