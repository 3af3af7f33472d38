"""Which AWS regions an account can use, and which are the commercial US ones: part of AWS's cloud rules
(``cloud_rules/aws.py`` imports each name)."""

from __future__ import annotations


def region_restriction(region: str) -> str | None:
    """The GovCloud (US) regions are a partition of their own: "AWS GovCloud (US) accounts are separate
    from standard AWS accounts" and need their own sign-up
    (https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/getting-started-sign-up.html)."""
    return "AWS GovCloud (US): a GovCloud account of its own" if region.startswith("us-gov-") else None


def us_region(region: str) -> bool:
    """us-east-1, ...; not the GovCloud regions (us-gov-west-1)."""
    return region.startswith("us-") and region_restriction(region) is None
