"""Tags per cloud, for VMs and networks alike: counts, key/value lengths, characters and reserved
prefixes, GCP labels; each cloud's rules are in ``cloud_rules/<cloud>.py`` (``tag_problem``,
``MAX_TAGS``, ``tag_set_problem``, ``sent_tags``)."""

from __future__ import annotations

from collections.abc import Mapping

from ..cloud_rules import rules
from ..cloud_rules.gcp import label as gcp_label
from .model import Checker

__all__ = ["check_tags", "gcp_label", "gcp_labels"]


def check_tags(check: Checker, cloud: str) -> dict[str, str]:
    """The tags as the cloud receives them (GCP: as labels), each and all checked against its rules."""
    tags = check.args.get("tags", {}) or {}
    if not isinstance(tags, Mapping):
        raise check.fail("tags", tags, "expected a mapping of string keys to string values")
    cloud_rules = rules(cloud)
    for key, value in tags.items():
        if not isinstance(key, str) or not key or not isinstance(value, str):
            raise check.fail(f"tags.{key}", value, "expected string keys and string values")
        problem = cloud_rules.tag_problem(key, value)
        if problem is not None:
            raise check.fail(f"tags.{key}", value, problem)
    added = cloud_rules.COMPONENT_TAGS
    count = len(set(added) | set(tags))
    if count > cloud_rules.MAX_TAGS:
        noun = cloud_rules.TAG_NOUN
        what = f"{noun} with {', '.join(added)}" if added else noun
        raise check.fail(
            "tags", f"[{count} {what}]", f"{cloud_rules.TITLE} resources take at most {cloud_rules.MAX_TAGS} {noun}"
        )
    problem = cloud_rules.tag_set_problem(tags)
    if problem is not None:
        raise check.fail(*problem)
    return cloud_rules.sent_tags(tags)


def gcp_labels(tags: Mapping[str, str]) -> dict[str, str]:
    return rules("gcp").sent_tags(tags)
