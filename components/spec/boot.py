"""What a VM boots and stores: the image (alias or native id), OS disk size, data disks, user data."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from ..catalog import Offering
from ..cloud_rules import CLOUDS, rules
from ..images import DEFAULT_IMAGE, IMAGE_ALIASES, AwsImage
from .disks import DISK_TYPES, MAX_DATA_DISK_GIB, MAX_DATA_DISKS, check_data_disks, check_disk_size
from .model import OS_TYPES, Checker, ImageChoice, is_plain

__all__ = ["DISK_TYPES", "MAX_DATA_DISKS", "MAX_DATA_DISK_GIB", "check_data_disks"]


DEFAULT_DISK_GIB = 30


# Read from each cloud's rules (``cloud_rules/<cloud>.py``), where their sources are.
MAX_OS_DISK_GIB = {cloud: rules(cloud).MAX_OS_DISK_GIB for cloud in CLOUDS}
MAX_USER_DATA_BYTES = {cloud: rules(cloud).MAX_USER_DATA_BYTES for cloud in CLOUDS}


def requested_os(args: Mapping[str, Any]) -> str:
    """The OS an image argument asks for, before the size is known (the same reading as
    :func:`check_image`, which then checks it): an alias's, else ``os_type``, else ``windows`` when a
    native image's id says so."""
    image = args.get("image", DEFAULT_IMAGE)
    alias = IMAGE_ALIASES.get(image) if isinstance(image, str) else None
    if alias is not None:
        return alias.os_type
    os_type = args.get("os_type")
    if os_type in OS_TYPES:
        return os_type
    return "windows" if isinstance(image, str) and "windows" in image.lower() else "linux"


def check_image(check: Checker, offering: Offering, pinned_generation: str | None = None) -> ImageChoice:
    """The image for the size; on Azure the alias's Gen1 SKU on sizes that boot only Gen1, or when the VM
    was created from it (``pinned_generation``, from the stack's lock: a VM's generation never changes)."""
    cloud, arch = offering.cloud, offering.arch
    image = check.args.get("image", DEFAULT_IMAGE)
    os_type_arg = check.args.get("os_type")
    if os_type_arg is not None and os_type_arg not in OS_TYPES:
        raise check.fail("os_type", os_type_arg, "expected one of " + ", ".join(OS_TYPES))
    if not isinstance(image, str) or not image:
        raise check.fail("image", image, "expected an alias (" + ", ".join(IMAGE_ALIASES) + ") or a native image id")
    alias = IMAGE_ALIASES.get(image)
    if alias is not None:
        if os_type_arg is not None and os_type_arg != alias.os_type:
            raise check.fail("os_type", os_type_arg, f"{image} is {alias.os_type}")
        entry = alias.for_cloud(cloud).get(arch)
        if entry is None:
            have = ", ".join(alias.for_cloud(cloud)) or "none"
            raise check.fail("image", image, f"no {arch} build of {image} on {cloud} (available: {have})")
        generations = offering.facts.get("generations")
        if rules(cloud).IMAGE_GENERATIONS and (pinned_generation == "V1" or (generations and "V2" not in generations)):
            entry = alias.azure_gen1.get(arch)
            if entry is None:
                raise check.fail("image", image, f"{offering.instance_type} boots only Gen1 images; {image} has none")
        login_user = entry.login_user if isinstance(entry, AwsImage) else None
        secure_boot = rules(cloud).image_secure_boot(entry)
        return ImageChoice(image, entry, alias.os_type, login_user, shielded_vm=True, secure_boot=secure_boot)

    pattern, form = rules(cloud).NATIVE_IMAGE
    if not pattern.fullmatch(image):
        close = difflib.get_close_matches(image, IMAGE_ALIASES, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise check.fail("image", image, f"expected an alias ({', '.join(IMAGE_ALIASES)}) or {form}{hint}")
    os_type = os_type_arg or ("windows" if "windows" in image.lower() else "linux")
    shielded = rules(cloud).native_image_shielded(image)
    secure_boot = shielded and rules(cloud).image_secure_boot(image)
    return ImageChoice(None, image, os_type, None, shielded_vm=shielded, secure_boot=secure_boot)


def check_os_disk_size(check: Checker, cloud: str, image: ImageChoice, disk_type: str) -> int:
    alias = IMAGE_ALIASES.get(image.alias or "")
    minimum = alias.min_disk_gib[cloud] if alias else 1
    if "disk_size_gib" not in check.args:
        return max(DEFAULT_DISK_GIB, minimum)
    size = check_disk_size(check, "disk_size_gib", check.args["disk_size_gib"], cloud, disk_type, os_disk=True)
    if size < minimum:
        raise check.fail("disk_size_gib", size, f"{image.alias} on {cloud} needs an OS disk of at least {minimum} GiB")
    return size


def check_user_data(check: Checker, cloud: str) -> Any:
    user_data = check.args.get("user_data")
    if user_data is None or not is_plain(user_data):
        return user_data
    if not isinstance(user_data, str):
        raise check.fail("user_data", "[secret]", "expected cloud-init text")
    limit = rules(cloud).MAX_USER_DATA_BYTES
    size = len(user_data.encode())
    if size > limit:
        raise check.fail("user_data", f"[{size} bytes]", f"{cloud} accepts at most {limit} bytes of user data")
    return user_data
