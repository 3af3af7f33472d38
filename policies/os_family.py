"""Whether a VM runs Windows, from what its props say: for the Linux password rule (a Windows VM's
password is not Linux password login) and for pricing (a Windows VM pays its licence).

Azure marketplace images say it in many ways: the publisher (MicrosoftWindowsServer,
MicrosoftVisualStudio, ...), the offer or SKU (``sql2022-ws2022``, ``vs-2022-ent-latest-ws2022``,
``dsvm-win-2019``, ``win11-23h2-pro``), the purchase plan, the OS disk's osType, a Windows
configuration or a Windows licence type (Azure Hybrid Benefit). SQL Server images run on Windows or
Linux (``sql2019-ubuntupro2004``): the offer says which.
"""

from __future__ import annotations

import re
from typing import Any

from .values import dig, is_known, lower

# Publishers whose every marketplace image is Windows.
WINDOWS_PUBLISHERS = frozenset(
    {
        "microsoftwindowsserver",
        "microsoftwindowsdesktop",
        "microsoftvisualstudio",
        "microsoftsharepoint",
        "microsoftbiztalkserver",
        "microsoftdynamicsax",
        "microsoftdynamicsnav",
        "microsoftdynamicsgp",
        "microsoftwindowsserverhpcpack",
        "microsoftwindowsserveressentials",
    }
)
# "windows" anywhere, or a win/ws token followed by a version or separator (ws2022, win-2019, win11).
WINDOWS_NAME = re.compile(r"windows|visualstudio|(?:^|[^a-z])(?:win|ws)(?:\d|-|_|$)")
WINDOWS_LICENCES = frozenset({"windows_server", "windows_client"})


def names_windows(*names: Any) -> bool:
    """Image names (publisher, offer, SKU, plan name or product) that say Windows."""
    texts = [lower(n) for n in names if isinstance(n, str)]
    return any(t in WINDOWS_PUBLISHERS or WINDOWS_NAME.search(t) for t in texts if t)


def azure_image_windows(image: Any, plan: Any = None) -> bool:
    """An Azure image reference (publisher/offer/sku, native or classic) or purchase plan that is Windows."""
    return names_windows(
        dig(image, "publisher"),
        dig(image, "offer"),
        dig(image, "sku"),
        dig(plan, "publisher"),
        dig(plan, "product"),
        dig(plan, "name"),
    )


def azure_profile_windows(profile: dict) -> bool:
    """An azure-native VM, scale-set VM profile or fleet VM profile that boots Windows."""
    storage = dig(profile, "storageProfile")
    return (
        lower(dig(storage, "osDisk", "osType")) == "windows"
        or azure_image_windows(
            dig(storage, "imageReference"), profile.get("plan") if isinstance(profile, dict) else None
        )
        or is_known(dig(profile, "osProfile", "windowsConfiguration"))
        or lower(dig(profile, "licenseType")) in WINDOWS_LICENCES
    )


def azure_classic_windows(props: dict) -> bool:
    """A classic-provider VM or scale set: its image, plan, licence or OS disk type says Windows."""
    image = (
        props.get("sourceImageReference")
        or props.get("storageImageReference")
        or props.get("storageProfileImageReference")
    )
    return (
        azure_image_windows(image, props.get("plan"))
        or lower(props.get("licenseType")) in WINDOWS_LICENCES
        or lower(dig(props, "storageOsDisk", "osType")) == "windows"
        or lower(dig(props, "storageProfileOsDisk", "osType")) == "windows"
        or is_known(props.get("osProfileWindowsConfig"))
        or is_known(dig(props, "osProfile", "windowsConfiguration"))
    )
