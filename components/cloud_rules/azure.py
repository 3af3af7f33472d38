"""What Azure accepts, and what a change of an Azure VM does (azure-native v3, compute API
2024-11-01, network API 2024-05-01). Each fact names its source.

azure-native replaces a resource only when a URL path parameter (resource group, name) or a
property in its hand-kept ``forceNewMap`` changes; it has no entry for Compute, so a VM property
Azure refuses to change (``PropertyChangeNotAllowed``) previews as an update and then fails
(pulumi/pulumi-azure-native#577, provider/pkg/gen/replacement.go). The component therefore lists
those properties in ``replace_on_changes`` (the workaround the maintainers give in #959), as
``REPLACE_ON_CHANGES`` below.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from . import SizeNeeds, ZoneError, common_size_problem, listed
from .azure_billing import ADMIN_PASSWORD_STORE as ADMIN_PASSWORD_STORE  # how pricing bills a VM
from .azure_billing import DISK_TIERS as DISK_TIERS
from .azure_billing import SIZE_NAMES_CASE_SENSITIVE as SIZE_NAMES_CASE_SENSITIVE
from .azure_billing import SPOT_PRICES_COMMAND as SPOT_PRICES_COMMAND
from .azure_billing import password_endpoint as password_endpoint
from .azure_disks import MAX_DATA_DISK_GIB as MAX_DATA_DISK_GIB  # disk sizes
from .azure_disks import MAX_GEN1_OS_DISK_GIB as MAX_GEN1_OS_DISK_GIB
from .azure_disks import MAX_OS_DISK_GIB as MAX_OS_DISK_GIB
from .azure_disks import MIN_DISK_GIB as MIN_DISK_GIB
from .azure_disks import SENDS_DISK_NAME as SENDS_DISK_NAME
from .azure_disks import STANDARD_DISK_LIMIT as STANDARD_DISK_LIMIT
from .azure_disks import data_disk_scope as data_disk_scope  # where the disks live
from .azure_lifecycle import LIFECYCLE as LIFECYCLE  # what the cloud does with each edit of a running VM
from .azure_lifecycle import LIFECYCLE_SAMPLE as LIFECYCLE_SAMPLE
from .azure_lifecycle import VM_TYPE as VM_TYPE
from .azure_regions import region_restriction as region_restriction  # who may use a region

# Microsoft Learn, "Azure Spot Virtual Machines" (https://learn.microsoft.com/azure/virtual-machines/spot-vms):
# "The following VM sizes aren't supported for Azure Spot Virtual Machines: B-series; Promo versions
# of any size". The catalog's per-size ``spot`` fact carries this; sizes without facts fall back here.
SPOT_EXCLUDED = re.compile(r"^Standard_B|_Promo$")
SPOT_SOURCE = (
    "Azure Spot does not support the B-series or Promo sizes (learn.microsoft.com/azure/virtual-machines/spot-vms)"
)
# Security rules: priority 100-4096, unique per direction; at most 1,000 rules per NSG; at most 4,000
# source addresses/ranges per NSG; description at most 140 characters. (One rule cannot mix IPv4 and
# IPv6 prefixes, ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies; the component sends
# IPv4 only, see spec.access.IPV6_REFUSED.)
# https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview,
# https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits#networking-limits
FIRST_RULE_PRIORITY = 100
RULE_PRIORITY_STEP = 10
MAX_RULE_PRIORITY = 4096
MAX_RULES = 1000
MAX_SOURCE_PREFIXES = 4000
MAX_RULE_DESCRIPTION = 140
# Azure's default inbound rules: AllowVnetInBound (65000, source VirtualNetwork), AllowAzureLoadBalancerInBound
# (65001, source AzureLoadBalancer), DenyAllInBound (65500); a VM's own rules come before them
# (https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules).
# AllowVnetInBound admits every port from every VM of the virtual network, so a VM in a shared network
# gets a rule denying VirtualNetwork below all of its own rules. The VirtualNetwork tag also covers "the
# virtual IP address of the host" (168.63.129.16, where Azure's health probes come from:
# https://learn.microsoft.com/azure/virtual-network/service-tags-overview,
# https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16), so the
# AzureLoadBalancer allow is restated just above the deny, keeping probes working as by default.
ALLOW_LOAD_BALANCER_PRIORITY = MAX_RULE_PRIORITY - 1
DENY_VNET_PRIORITY = MAX_RULE_PRIORITY
ISOLATION_RULES = 2
# Ingress rule i takes priority 100 + 10 i, below the isolation rules at 4095-4096: rules 0-399 (the
# steps of 10 leave room to insert rules by hand), one NSG rule each, within the 1,000 per NSG.
MAX_INGRESS_RULES = min(
    (ALLOW_LOAD_BALANCER_PRIORITY - 1 - FIRST_RULE_PRIORITY) // RULE_PRIORITY_STEP + 1,
    MAX_RULES - ISOLATION_RULES,
)
# "Each resource, resource group, and subscription can have a maximum of 50 tag name-value pairs"
# (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations).
MAX_TAGS = 50
# Windows Server has no Arm64 build on Azure: Arm64 sizes run Linux and Windows 11 client images
# (https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dpsv5-series, "Supported
# OS"; the marketplace publisher MicrosoftWindowsServer offers x64 SKUs only).
WINDOWS_SERVER_PUBLISHER = "MicrosoftWindowsServer"
# OSProfile.customData: "The maximum length of the binary array is 65535 bytes" (spec
# Microsoft.Compute 2024-11-01 computeRPCommon.json).
MAX_CUSTOM_DATA_BYTES = 65535
# Windows computer names: 1-15 characters, not digits only.
# https://learn.microsoft.com/troubleshoot/windows-server/active-directory/naming-conventions-for-computer-domain-site-ou
# (Azure's list of disallowed admin passwords, such as "P@ssw0rd" or "Password1", holds only values
# under 12 characters, which the 12-123 character rule in components/spec/access.py already refuses.)


PREMIUM_SKU = "Premium_LRS"
# A VM with Premium SSD disks can only run on sizes with premium storage ("s" sizes, PremiumIO), and a
# managed disk's SKU changes only while the disk is unattached or its VM deallocated
# (https://learn.microsoft.com/azure/virtual-machines/disks-convert-types), which azure-native never does.
PREMIUM_RESIZE = (
    "Azure refuses to run Premium SSD disks on it, and a disk's SKU changes only while its VM is deallocated; "
    "pick a size with premium storage (an 's' size), or snapshot the disks and restore them as Standard SSD"
)
# Managed disk names: 1-80 characters (https://learn.microsoft.com/azure/azure-resource-manager/management/
# resource-name-rules#microsoftcompute, "disks").
MAX_DISK_NAME = 80


def supports_premium(offering) -> bool:
    """Premium SSD: the size's ``PremiumIO`` fact, else the ``s`` feature letter in its name."""
    known = offering.facts.get("premium_io")
    if known is not None:
        return known
    match = re.match(r"^Standard_[A-Z]+\d+(?:-\d+)?([a-z]*)", offering.instance_type)
    return bool(match and "s" in match.group(1))


def managed_disk_sku(disk_type: str, offering) -> str:
    """The managed disk SKU for the component's disk_type: Premium SSD where the size supports premium
    storage, else Standard SSD; Standard HDD for ``standard``."""
    if disk_type == "standard":
        return "Standard_LRS"
    return "Premium_LRS" if supports_premium(offering) else "StandardSSD_LRS"


def sent_disk_type_for(kind: str, offering, boot: bool = True) -> str:
    return managed_disk_sku(kind, offering)


def size_problem(offering, needs: SizeNeeds) -> tuple[str, str] | None:
    if needs.spot and "spot" not in offering.facts and SPOT_EXCLUDED.search(offering.instance_type):
        return "spot", f"{offering.instance_type} cannot run as Spot ({SPOT_SOURCE})"
    generations = offering.facts.get("generations")
    if needs.pinned_generation and generations and needs.pinned_generation not in generations:
        return (
            "pinned_image",
            f"{offering.instance_type} boots only {'/'.join(generations)} images and the VM was created from a "
            f"{needs.pinned_generation} image: Azure cannot change a VM's Hyper-V generation (it would be a new VM, "
            "its OS disk lost); pick a size that boots it",
        )
    pinned = {needs.pinned_boot, *needs.pinned_data}
    if PREMIUM_SKU in pinned and not supports_premium(offering):
        return (
            "pinned_disks",
            f"{offering.instance_type} takes no Premium SSD, and the VM's disks are {PREMIUM_SKU}: {PREMIUM_RESIZE}",
        )
    return common_size_problem(offering, needs, SPOT_SOURCE)


def resize_problem(old_type: str, offering) -> str | None:
    """Resizes Azure refuses in place are caught by the pinned disk SKUs (above) and the pinned image
    generation (``spec.boot.check_image``)."""
    return None


def image_generation(spec: Any) -> str | None:
    """The Hyper-V generation of the image that is sent: the alias entry's, or what a native URN's SKU
    name says (``...gen2``/``-g2`` is V2, ``...gen1`` is V1); None when unknown."""
    return image_generation_of(spec.image)


def image_generation_of(image: Any) -> str | None:
    """``image_generation`` of an ``ImageChoice``."""
    native = image.native
    generation = getattr(native, "generation", None)
    if generation:
        return generation
    sku = str(native).split(":")[2].lower() if str(native).count(":") == 3 else ""
    if re.search(r"gen2|-g2$|arm64", sku):
        return "V2"
    if "gen1" in sku:
        return "V1"
    return None


def trigger_generation(spec: Any) -> str | None:
    """What the VM's replacement trigger names beside the image alias (``clouds.base.image_trigger``):
    "V1" for an alias's Gen1 entry, which is another image (a VM cannot change generation in place),
    else nothing: the trigger of a Gen2 image, and of a native URN, is the alias or URN alone, as VMs
    were deployed with before aliases had Gen1 entries (a changed trigger replaces the VM)."""
    generation = getattr(spec.image.native, "generation", None)
    return generation if generation == "V1" else None


def spec_problems(spec: Any) -> list[tuple[str, object, str]]:
    problems = []
    sizes = spec.offering.facts.get("generations")
    generation = image_generation(spec)
    if sizes and generation and generation not in sizes:
        problems.append(
            (
                "image",
                spec.image.alias or str(spec.image.native),
                f"a Hyper-V {generation} image; {spec.instance_type} boots only {', '.join(sizes)} images",
            )
        )
    if generation == "V1" and spec.disk_size_gib > MAX_GEN1_OS_DISK_GIB:
        problems.append(
            (
                "disk_size_gib",
                spec.disk_size_gib,
                f"Generation 1 VMs boot OS disks of at most {MAX_GEN1_OS_DISK_GIB} GiB",
            )
        )
    if len(spec.ingress) > MAX_INGRESS_RULES:
        problems.append(
            (
                "ingress",
                f"[{len(spec.ingress)} rules]",
                f"at most {MAX_INGRESS_RULES} rules (NSG priorities run 100-4096; 4095-4096 isolate the VM "
                "from its network's other VMs)",
            )
        )
    prefixes = sum(len(rule.sources) for rule in spec.ingress)
    if prefixes > MAX_SOURCE_PREFIXES:
        problems.append(
            ("ingress", f"[{prefixes} sources]", f"an NSG takes at most {MAX_SOURCE_PREFIXES} source prefixes")
        )
    for index, rule in enumerate(spec.ingress):
        if len(rule.description) > MAX_RULE_DESCRIPTION:
            problems.append(
                (
                    f"ingress[{index}].description",
                    rule.description[:40] + "…",
                    f"at most {MAX_RULE_DESCRIPTION} characters on Azure",
                )
            )
    if spec.is_windows and spec.name.isdigit():
        problems.append(("name", spec.name, "a Windows computer name cannot be digits only"))
    publisher = getattr(spec.image.native, "publisher", None) or str(spec.image.native).split(":")[0]
    if spec.arch == "arm64" and publisher.lower() == WINDOWS_SERVER_PUBLISHER.lower():
        problems.append(
            (
                "instance_type",
                spec.instance_type,
                "Windows Server runs on Azure only on x64 sizes (Arm64 sizes run Linux and Windows 11); "
                "choose an x64 size",
            )
        )
    return problems


# Windows does not run custom data: "Custom data is placed in %SYSTEMDRIVE%\AzureData\CustomData.bin
# as a binary file, but it isn't processed." (https://learn.microsoft.com/azure/virtual-machines/custom-data).
# The component runs it once with the Custom Script Extension for Windows
# (https://learn.microsoft.com/azure/virtual-machines/extensions/custom-script-windows).
WINDOWS_RUN_CUSTOM_DATA = (
    "powershell -ExecutionPolicy Unrestricted -NoProfile -Command "
    '"& ([scriptblock]::Create([IO.File]::ReadAllText(\\"$env:SystemDrive\\AzureData\\CustomData.bin\\")))"'
)

# A managed disk's SKU changes only while it is unattached or its VM deallocated
# (https://learn.microsoft.com/azure/virtual-machines/disks-convert-types): pulumi up fails until then.
DATA_DISK_TYPE_CHANGE = "deallocate"

# ATTACHED_DISKS: data disks are compute.Disk resources attached through the VM's
# storageProfile.dataDisks with createOption Attach (managedDisk.id) and deleteOption Detach: "Detach":
# the data disk is retained after the VM is deleted (spec Microsoft.Compute 2024-11-01 DataDisk.deleteOption,
# https://learn.microsoft.com/azure/virtual-machines/delete). Replacing the VM (delete before replace: its
# name is fixed) detaches them and the new VM attaches them at creation. Inline disks (createOption Empty,
# deleteOption Delete, as the component made them before) were deleted with every replaced VM. A stack
# deployed then adopts its disks with `pulumi import` (docs/lock.md, "Azure data disks"): azure-native
# refuses to create a resource that exists ("cannot create already existing resource",
# pulumi-azure-native provider/pkg/resources/crud), so an upgrade without the import fails, touching nothing.
# EXTENSION_FOLLOWS_VM: a VM extension's vmName is a path parameter (replace on change); taking it from the
# VM's output makes the extension a dependent the engine replaces with a delete-before-replace VM
# (calculateDependentReplacements), so the new VM gets the Custom Script Extension and runs its user data.

# compute.VirtualMachine input paths (camelCase: nested replace_on_changes paths are not translated by
# the Python SDK) the component replaces on, because Azure refuses to change them in place.
REPLACE_ON_CHANGES = (
    "location",
    "zones",
    "priority",
    "evictionPolicy",
    "osProfile.computerName",
    "osProfile.adminUsername",
    "osProfile.adminPassword",
    "osProfile.customData",
    "osProfile.linuxConfiguration.ssh.publicKeys",
    "osProfile.linuxConfiguration.disablePasswordAuthentication",
    "storageProfile.osDisk.managedDisk.storageAccountType",
)


# Resource group names: 1-90 characters, "Underscores, hyphens, periods, parentheses, and letters or
# digits. Can't end with period" (Microsoft Learn, "Naming rules and restrictions for Azure resources",
# Microsoft.Resources/resourcegroups, https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources).
# Letters and digits are Unicode ones (the ARM API's pattern ^[-\w\._\(\)]+$, and Char.IsLetterOrDigit
# in the SDKs' docs): categories L* and Nd.
MAX_RESOURCE_GROUP_NAME = 90
RESOURCE_GROUP_RULE = (
    "an Azure resource group name: 1-90 letters, digits, underscores, hyphens, periods or parentheses, "
    "not ending with a period"
)


def resource_group_problem(value: object) -> str | None:
    """Why a value is not a resource group name Azure accepts, or None."""
    import unicodedata

    if (
        isinstance(value, str)
        and 0 < len(value) <= MAX_RESOURCE_GROUP_NAME
        and not value.endswith(".")
        and all(c in "_-.()" or unicodedata.category(c) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd") for c in value)
    ):
        return None
    return "expected " + RESOURCE_GROUP_RULE


# --- What the cloud-agnostic layers ask of Azure (the names of surface.CloudRules) -----------------

TITLE = "Azure"
# pulumi-azure-native (the component's) and the classic pulumi-azure (azurerm) resources.
PULUMI_PACKAGES = ("azure-native", "azure")
# azure-native reads its location from ``azure-native:location``
# (https://www.pulumi.com/registry/packages/azure-native/installation-configuration/).
PROVIDER_CONFIG = {"region": "azure-native:location"}
PROJECT_ENVIRONMENT: tuple[str, ...] = ()
OWN_KEYS = {"resource_group_name": resource_group_problem}

# Virtual machine names: 1-64 characters on Linux (15 on Windows, below), no spaces or punctuation but '-',
# not ending in '-' or '.' (resource-name-rules#microsoftcompute, as above); the component keeps to
# letters, digits and '-'.
NAME_RULE = (
    re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$"),
    "letters, digits and '-', starting and ending with a letter or digit, at most 64 characters",
)
MAX_DISK_RESOURCE_NAME = MAX_DISK_NAME

# "Azure currently supports SSH protocol 2 (SSH-2) RSA public-private key pairs with a minimum length of
# 2048 bits" and ED25519 keys (https://learn.microsoft.com/azure/virtual-machines/linux/mac-create-ssh-keys).
SSH_KEY_TYPES = ("ssh-rsa", "ssh-ed25519")
# OSProfile.adminUsername: "Disallowed values" (spec Microsoft.Compute 2024-11-01 computeRPCommon.json).
RESERVED_USERNAMES = frozenset((
    "administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a",
    "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root",
    "server", "sql", "support", "support_388945a0", "sys", "test2", "test3", "user4", "user5",
))  # fmt: skip
ADMIN_IS_IMAGE_LOGIN_USER = False
# The component sets disablePasswordAuthentication on Linux VMs: without a key nobody could log in.
LINUX_NEEDS_SSH_KEY = True
MAX_WINDOWS_COMPUTER_NAME = 15
# An Azure resource ID of a virtual network's subnet (ARM resource IDs compare case-insensitively).
SUBNET_ID = (
    re.compile(
        r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$",
        re.IGNORECASE,
    ),
    "/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/VNET/subnets/SUBNET",
)
# A native image: a marketplace image URN, publisher:offer:sku:version
# (https://learn.microsoft.com/azure/virtual-machines/linux/cli-ps-findimage).
NATIVE_IMAGE = (
    re.compile(r"^[A-Za-z0-9][\w.-]*:[\w.-]+:[\w.-]+:[\w.-]+$"),
    "a marketplace URN publisher:offer:sku:version",
)
ADMIN_ACCESS_ADVICE = (
    "set the source to a trusted CIDR or service tag (not *, Internet, Any or CIDRs that add up to "
    "the internet), or use Azure Bastion or just-in-time VM access"
)

IMAGE_GENERATIONS = True
# Azure compares image publisher, offer and SKU names case-insensitively.
IMAGE_NAMES_CASE_SENSITIVE = False
MAX_USER_DATA_BYTES = MAX_CUSTOM_DATA_BYTES

TAG_NOUN = "tags"
COMPONENT_TAGS: tuple[str, ...] = ()
# "The tag name has a limit of 512 characters and the tag value has a limit of 256 characters ... Tag
# names can't contain these characters: <, >, %, &, \, ?, /"; "Tag names are case-insensitive for
# operations" (tag-resources#limitations, as MAX_TAGS).
MAX_TAG_KEY, MAX_TAG_VALUE = 512, 256
TAG_KEY_REFUSED = re.compile(r"[<>%&\\?/]")
TAG_KEYS_CASE_SENSITIVE = False

AUTO_EXCLUDED = None
# B-series sizes are burstable (https://learn.microsoft.com/azure/virtual-machines/sizes-b-series-burstable).
BURSTABLE = re.compile(r"^Standard_B")
# A v2 and D v1/DS v1 sizes: Windows minus Linux price is not $0.046 per vCPU (e.g. A2_v2 $0.0439/h for
# 2 vCPUs, D2 $0.129/h in polandcentral; components/catalog/sources/part_prices.json).
LICENCE_NOT_PER_VCPU = re.compile(r"^Standard_(A\d+m?_v2|DS?\d+)$")
ZONAL_SUBNETS = False
# A VM without zones is regional: Azure places it (regions-list, see spec/placement.py).
REGIONAL_WITHOUT_ZONE = True
PLACED_WITHOUT_ZONE_DATA = False
NETWORK_CIDR_REFUSED = None

# Commercial US regions (the catalog's price sanity compares GPU sizes with them).
US_REGIONS = frozenset((
    "eastus", "eastus2", "westus", "westus2", "westus3", "centralus", "northcentralus", "southcentralus",
    "westcentralus",
))  # fmt: skip
# Size names: Standard_<series letters><number>[-<active vCPUs>]<feature letters>[_<accelerator>][_v<n>]
# (https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions).
SIZE_NAME = re.compile(r"^Standard_([A-Z]+)\d+(?:-\d+)?([a-z]*)(_.*)?$")
# Constrained-vCPU sizes (Standard_E8-2as_v5): "The number after the dash is the number of active vCPUs"
# (https://learn.microsoft.com/azure/virtual-machines/constrained-vcpu); the number before it is the full
# size's vCPUs, except in the DS v2 and GS series, whose size numbers are not vCPU counts (DS11_v2 has 2,
# GS4 16): there the listed vCPUs are the full count.
CONSTRAINED_SIZE = re.compile(r"^Standard_(?P<series>[A-Z]+)(?P<full>\d+)-(?P<active>\d+)[a-z]*(_|$)")
NUMBERED_NOT_BY_VCPUS = ("DS", "GS")


def auto_selection_problem(offering) -> str | None:
    """Only sizes with premium storage, which take Premium SSD (and Gen2 images)."""
    if supports_premium(offering):
        return None
    return "the size has no premium storage, and the component gives every Azure VM Premium SSD"


def image_secure_boot(image: Any) -> bool:
    return True


def native_image_shielded(image: str) -> bool:
    return False


def tag_problem(key: str, value: str) -> str | None:
    if len(key) > MAX_TAG_KEY or len(value) > MAX_TAG_VALUE or TAG_KEY_REFUSED.search(key):
        return f"Azure tags: key at most {MAX_TAG_KEY} chars without <>%&\\?/, value at most {MAX_TAG_VALUE}"
    return None


def tag_set_problem(tags) -> tuple[str, object, str] | None:
    return None


def sent_tags(tags) -> dict[str, str]:
    return dict(tags)


def requested_zone(region: str, zone: object, catalog) -> str | None:
    """A logical zone ("1"-"3") of a region with availability zones."""
    zones = catalog.zones(region)
    if not zones:
        raise ZoneError(f"{region} has no availability zones; leave zone out (the VM is then regional)")
    if zone not in zones:
        raise ZoneError("expected an availability zone of " + region + ": " + listed(zones))
    return zone


def account_zone(zone: str) -> bool:
    return False


def region_of_default_zone(zone: str) -> str | None:
    return None


def network_key(region: str, project: str | None, resource_group_name: str | None) -> tuple:
    """One network per region and resource group (the network's own group when None)."""
    return ("azure", region, resource_group_name)


def network_region_problem(region: str) -> str | None:
    return None


def subnet_cidr(network_cidr: str) -> str:
    """The one subnet of an Azure network: the first quarter of its address space."""
    return str(next(ipaddress.ip_network(network_cidr).subnets(prefixlen_diff=2)))


def size_family(instance_type: str) -> str:
    """The series letters, feature letters and version (``NC|ads|_A100_v4``)."""
    match = SIZE_NAME.match(instance_type)
    return "|".join(part or "" for part in match.groups()) if match else instance_type


def us_region(region: str) -> bool:
    return region in US_REGIONS


def constrained_vcpus(name: str, listed: float) -> tuple[int, float] | None:
    match = CONSTRAINED_SIZE.match(name)
    if not match:
        return None
    full = float(listed) if match["series"] in NUMBERED_NOT_BY_VCPUS else int(match["full"])
    return int(match["active"]), int(full) if float(full).is_integer() else full


def normalize_location(location: Any) -> str | None:
    """``West Europe`` and ``westeurope`` are one location."""
    return re.sub(r"\s+", "", location).lower() if isinstance(location, str) and location else None


def resource_region(props: dict, provider: dict) -> list:
    return [normalize_location(props.get("location")), normalize_location(provider.get("location"))]


def resource_zone(props: dict) -> Any:
    """Azure's zones are logical numbers per subscription, not places an allowed list names."""
    return None


def account_zone_problem(offering, catalog, name: str, network: str | None) -> str | None:
    return None


def region_named(text: object) -> str | None:
    return normalize_location(text)


COLOUR = "#0078d4"  # Azure's blue, for compare --chart
