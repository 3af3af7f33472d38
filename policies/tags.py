"""Required tags (AWS, Azure) and labels (GCP) on VMs, fleets and disks, as each cloud applies
them: AWS merges the provider's default tags (except into auto-scaling groups, which the provider
does not default-tag) and reads a group's tags as a list; Azure compares tag names
case-insensitively; a GCP instance made from a template without labels of its own takes the
template's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .values import UNKNOWN, Context, as_dict, as_list, dig, rules_of, strings

DEFAULT_REQUIRED_TAGS = ["owner"]


def provider_default_tags(provider_props: Mapping[str, Any]) -> dict:
    """The AWS provider's defaultTags.tags (a JSON string when it comes from stack config)."""
    default_tags = provider_props.get("defaultTags")
    if isinstance(default_tags, str):
        try:
            default_tags = json.loads(default_tags)
        except ValueError:
            return {}
    tags = dig(default_tags, "tags")
    return tags if isinstance(tags, dict) else {}


def missing_tags(tags: dict, required: Iterable[str], case_sensitive: bool = True) -> list[str]:
    """Required keys absent or with an empty value."""
    fold = (lambda s: s) if case_sensitive else str.casefold
    present = {fold(k) for k, v in tags.items() if v is UNKNOWN or (isinstance(v, str) and v.strip())}
    return [key for key in required if fold(key) not in present]


def _tag_list(value: Any) -> dict | Any:
    """An auto-scaling group's tags: [{key, value, propagateAtLaunch}] as a dict."""
    if value is UNKNOWN:
        return UNKNOWN
    return {dig(t, "key"): dig(t, "value") for t in as_list(value) if isinstance(dig(t, "key"), str)}


def check_required_tags(name: str, props: dict, ctx: Context) -> list[str]:
    required = strings(ctx.config.get("requiredTags", DEFAULT_REQUIRED_TAGS))
    cloud = rules_of(ctx.cloud)
    field_name = cloud.TAG_NOUN if cloud else "tags"
    tags = props.get(field_name)
    group = ctx.resource_type == "aws:autoscaling/group:Group"
    if isinstance(tags, list):  # groups and CloudFormation (aws-native) shapes: [{key, value}]
        tags = _tag_list(tags)
    if tags is UNKNOWN or not required or (tags is None and ctx.inherited):
        return []
    defaults = provider_default_tags(ctx.provider_props) if ctx.resource_type.startswith("aws:") and not group else {}
    case_sensitive = cloud.TAG_KEYS_CASE_SENSITIVE if cloud else True
    missing = missing_tags({**defaults, **as_dict(tags)}, required, case_sensitive=case_sensitive)
    if not missing:
        return []
    return [
        (
            f"{ctx.subject(name)}: missing required {field_name} {', '.join(missing)}. Fix: "
            f"set {field_name} {', '.join(f'{k}=<value>' for k in missing)} (on the VirtualMachine spec's "
            f"tags, or the provider's default tags{'; a group takes no default tags' if group else ''})."
        )
    ]
