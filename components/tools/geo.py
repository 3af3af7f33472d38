"""Geographies: one region per cloud for each place a user names, nearest metro to nearest metro.

``compare --geo eu-central`` looks up this table and prints the regions it chose, so a reader can
see (and override with ``--aws-region`` and friends) what was compared.
"""

from __future__ import annotations

from typing import NamedTuple


class Geo(NamedTuple):
    place: str
    aws: str
    azure: str
    gcp: str


GEOS: dict[str, Geo] = {
    "us-east": Geo("N. Virginia (GCP: Ashburn)", "us-east-1", "eastus", "us-east4"),
    "us-west": Geo("Oregon / Washington", "us-west-2", "westus2", "us-west1"),
    "eu-west": Geo("Ireland (GCP: Belgium)", "eu-west-1", "northeurope", "europe-west1"),
    "eu-central": Geo("Frankfurt", "eu-central-1", "germanywestcentral", "europe-west3"),
    "uk": Geo("London", "eu-west-2", "uksouth", "europe-west2"),
    "asia-northeast": Geo("Tokyo", "ap-northeast-1", "japaneast", "asia-northeast1"),
    "asia-southeast": Geo("Singapore", "ap-southeast-1", "southeastasia", "asia-southeast1"),
    "australia": Geo("Sydney", "ap-southeast-2", "australiaeast", "australia-southeast1"),
    "india": Geo("Mumbai (Azure: Pune)", "ap-south-1", "centralindia", "asia-south1"),
    "brazil": Geo("Sao Paulo", "sa-east-1", "brazilsouth", "southamerica-east1"),
    "canada": Geo(
        "Montreal (Azure: Toronto)",
        "ca-central-1",
        "canadacentral",
        "northamerica-northeast1",
    ),
}

DEFAULT_GEO = "us-east"


def region_for(geo: str, cloud: str) -> str:
    """The region of ``cloud`` that stands for ``geo``; KeyError naming the valid geos if unknown."""
    if geo not in GEOS:
        raise KeyError(f"unknown geo {geo!r}; expected one of: {', '.join(GEOS)}")
    return getattr(GEOS[geo], cloud)
