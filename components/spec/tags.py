"""Tags per cloud, for VMs and networks alike: counts, key/value lengths, characters and reserved
prefixes (AWS and Azure), GCP labels (lowercase, at most 63 characters, at most 64)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..cloud_rules import aws as aws_rules
from ..cloud_rules import azure as azure_rules
from ..cloud_rules import gcp as gcp_rules
from .model import Checker

MAX_TAG_KEY, MAX_TAG_VALUE = aws_rules.MAX_TAG_KEY, aws_rules.MAX_TAG_VALUE


def check_tags(check: Checker, cloud: str) -> dict[str, str]:
    tags = check.args.get("tags", {}) or {}
    if not isinstance(tags, Mapping):
        raise check.fail("tags", tags, "expected a mapping of string keys to string values")
    for key, value in tags.items():
        if not isinstance(key, str) or not key or not isinstance(value, str):
            raise check.fail(f"tags.{key}", value, "expected string keys and string values")
        reserved = aws_rules.RESERVED_TAG_PREFIX
        if cloud == "aws" and (
            len(key) > MAX_TAG_KEY or len(value) > MAX_TAG_VALUE or key.lower().startswith(reserved)
        ):
            raise check.fail(
                f"tags.{key}",
                value,
                f"AWS tags: key 1-{MAX_TAG_KEY} chars not starting with {reserved!r}, value at most {MAX_TAG_VALUE}",
            )
        if cloud == "aws" and value.lower().startswith(reserved):
            raise check.fail(f"tags.{key}", value, f"AWS reserves the {reserved!r} prefix for tag keys and values")
        if cloud == "azure" and (len(key) > 512 or len(value) > 256 or re.search(r"[<>%&\\?/]", key)):
            raise check.fail(
                f"tags.{key}", value, "Azure tags: key at most 512 chars without <>%&\\?/, value at most 256"
            )
    counted = {"Name": "", **tags} if cloud == "aws" else tags  # the component adds Name on AWS
    limit = {"aws": aws_rules.MAX_TAGS, "azure": azure_rules.MAX_TAGS, "gcp": gcp_rules.MAX_LABELS}[cloud]
    if len(counted) > limit:
        what = {"aws": "tags with Name", "azure": "tags", "gcp": "labels"}[cloud]
        noun = "labels" if cloud == "gcp" else "tags"
        provider = {"aws": "AWS", "azure": "Azure", "gcp": "GCP"}[cloud]
        raise check.fail("tags", f"[{len(counted)} {what}]", f"{provider} resources take at most {limit} {noun}")
    if cloud == "gcp":
        labels = gcp_labels(tags)
        if len(labels) != len(tags):
            colliding = [k for k in tags if sum(gcp_label(other) == gcp_label(k) for other in tags) > 1]
            raise check.fail("tags", dict(tags), "these keys become the same GCP label key: " + ", ".join(colliding))
        for original, key in zip(tags, labels):
            if not re.match(r"^[a-z]", key):
                raise check.fail(f"tags.{original}", tags[original], "GCP label keys must start with a letter")
        return labels
    return dict(tags)


def gcp_label(text: str) -> str:
    """A string made valid for GCP labels: lowercase letters, digits, '_' and '-', at most 63."""
    return re.sub(r"[^a-z0-9_-]", "_", text.lower())[:63]


def gcp_labels(tags: Mapping[str, str]) -> dict[str, str]:
    return {gcp_label(k): gcp_label(v) for k, v in tags.items()}
