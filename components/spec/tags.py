"""Tags per cloud: AWS and Azure key/value limits, GCP labels (lowercase, at most 63 characters)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..cloud_rules.aws import MAX_TAG_KEY, MAX_TAG_VALUE
from .model import Checker


def check_tags(check: Checker, cloud: str) -> dict[str, str]:
    tags = check.args.get("tags", {}) or {}
    if not isinstance(tags, Mapping):
        raise check.fail("tags", tags, "expected a mapping of string keys to string values")
    for key, value in tags.items():
        if not isinstance(key, str) or not key or not isinstance(value, str):
            raise check.fail(f"tags.{key}", value, "expected string keys and string values")
        if cloud == "aws" and (len(key) > MAX_TAG_KEY or len(value) > MAX_TAG_VALUE or key.lower().startswith("aws:")):
            raise check.fail(
                f"tags.{key}",
                value,
                f"AWS tags: key 1-{MAX_TAG_KEY} chars not starting with 'aws:', value at most {MAX_TAG_VALUE}",
            )
        if cloud == "azure" and (len(key) > 512 or len(value) > 256 or re.search(r"[<>%&\\?/]", key)):
            raise check.fail(
                f"tags.{key}", value, "Azure tags: key at most 512 chars without <>%&\\?/, value at most 256"
            )
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
