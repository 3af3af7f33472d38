"""Where a VM or disk runs and what it boots: the region a resource lives in (also what pricing
uses) and the image it boots from, judged against the allowed regions and images.

Image names are matched as the cloud names them: Azure publisher/offer/sku case-insensitively (Azure
compares them so), GCP images also as ``project/image`` or ``project/family`` whatever URL form the
program wrote.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from typing import Any

from components.cloud_rules import aws as aws_rules
from components.cloud_rules import azure as azure_rules
from components.cloud_rules import gcp as gcp_rules

from .values import UNKNOWN, Context, as_dict, as_list, dig, is_true, rules_of, strings

# Each cloud's reading of where a resource lives (components/cloud_rules/<cloud>.py).
aws_region_of_zone = aws_rules.region_of_zone_name
gcp_region_of_zone = gcp_rules.region_of_zone
gcp_region = gcp_rules.region_name
normalize_azure_location = azure_rules.normalize_location


def resource_region(cloud: str | None, props: dict, ctx: Context) -> str | None:
    """The region a resource lives in, from its own region/zone/location, else the provider's
    config, else the pack's defaultRegions; None when nothing says."""
    cloud_rules = rules_of(cloud)
    if cloud_rules is None:
        return None
    defaults = as_dict(ctx.config.get("defaultRegions"))
    candidates = [*cloud_rules.resource_region(props, ctx.provider_props), defaults.get(cloud)]
    return next((c for c in candidates if isinstance(c, str) and c), None)


def check_allowed_region(name: str, props: dict, ctx: Context) -> list[str]:
    allowed = strings(as_dict(ctx.config.get("allowedRegions")).get(ctx.cloud))
    if not allowed:
        return []
    region = resource_region(ctx.cloud, props, ctx)
    if region is None:
        return []
    cloud_rules = rules_of(ctx.cloud)
    places = {region}
    zone = cloud_rules.resource_zone(props)
    if isinstance(zone, str):
        places.add(zone.rsplit("/", 1)[-1])
    if places & set(allowed) or region in {cloud_rules.region_named(a) for a in allowed}:
        return []
    return [
        (
            f"{ctx.subject(name)}: region {region!r} is not allowed. Fix: deploy to one of "
            f"{', '.join(allowed)} (allowedRegions.{ctx.cloud})."
        )
    ]


# --- Images --------------------------------------------------------------------------------------

ImageReader = Callable[[dict, Context], "list[str] | None"]


def azure_image_names(image_reference: Any) -> list[str]:
    """publisher:offer:sku and publisher:offer:sku:version, or the custom/gallery image id."""
    ref = as_dict(image_reference)
    keys = ("id", "sharedGalleryImageId", "communityGalleryImageId")
    names = [ref[k] for k in keys if isinstance(ref.get(k), str)]
    parts = [ref.get(k) for k in ("publisher", "offer", "sku")]
    if all(isinstance(p, str) for p in parts):
        names.append(":".join(parts))
        if isinstance(ref.get("version"), str):
            names.append(":".join([*parts, ref["version"]]))
    return names


GCP_IMAGE_URL = re.compile(r"(?:^|/)projects/(?P<project>[^/]+)/global/images/(?:family/)?(?P<name>[^/]+)$")


def gcp_image_names(image: Any) -> list[str]:
    """An image as written, plus project/name for the URL forms (projects/p/global/images/[family/]n)."""
    names = strings(image)
    for text in list(names):
        match = GCP_IMAGE_URL.search(text)
        if match:
            names.append(f"{match['project']}/{match['name']}")
    return names


def read_field(*path: str, gcp: bool = False) -> ImageReader:
    def read(props: dict, ctx: Context) -> list[str] | None:
        value = dig(props, *path)
        if value is UNKNOWN or (value is None and ctx.inherited):
            return None
        return gcp_image_names(value) if gcp else strings(value)

    return read


def read_azure_profile_image(props: dict, ctx: Context) -> list[str] | None:
    ref = dig(props, "storageProfile", "imageReference")
    return None if ref is UNKNOWN else azure_image_names(ref)


def read_azure_disk_image(props: dict, ctx: Context) -> list[str] | None:
    data = as_dict(props.get("creationData"))
    return azure_image_names(data.get("imageReference")) + azure_image_names(data.get("galleryImageReference"))


def read_gcp_template_image(props: dict, ctx: Context) -> list[str] | None:
    """The boot disk's sourceImage (the disk marked boot, else the first)."""
    disks = [as_dict(d) for d in as_list(props.get("disks"))]
    boot = next((d for d in disks if is_true(d.get("boot"))), disks[0] if disks else {})
    return gcp_image_names(boot.get("sourceImage"))


def image_allowed(cloud: str | None, names: list[str], patterns: list[str]) -> bool:
    cloud_rules = rules_of(cloud)
    if cloud_rules is not None and not cloud_rules.IMAGE_NAMES_CASE_SENSITIVE:
        return any(fnmatch.fnmatch(n.lower(), p.lower()) for n in names for p in patterns)
    return any(fnmatch.fnmatchcase(n, p) for n in names for p in patterns)


def allowed_image(read: ImageReader) -> Callable[[str, dict, Context], list[str]]:
    """The allowed-images check for one way of reading a resource's image."""

    def check(name: str, props: dict, ctx: Context) -> list[str]:
        patterns = strings(as_dict(ctx.config.get("allowedImages")).get(ctx.cloud))
        names = read(props, ctx) if patterns else None
        if not names or image_allowed(ctx.cloud, names, patterns):
            return []
        where = f" ({ctx.prefix.rstrip('.')})" if ctx.prefix else ""
        return [
            (
                f"{ctx.subject(name)}: image {names[0]!r}{where} is not allowed. Fix: use an image "
                f"matching one of {', '.join(patterns)} (allowedImages.{ctx.cloud})."
            )
        ]

    return check
