"""The one typed surface of a cloud: every name a ``cloud_rules/<cloud>.py`` module declares.

The cloud-agnostic layers (the spec, the catalog, the components' provider defaults, the policy pack)
ask ``cloud_rules.rules(cloud)`` for a fact or a rule and never which cloud it is. ``CloudRules`` is
that module's type, a ``Protocol`` a module satisfies (PEP 544): the facts stay plain module-level
names with their sources beside them, as in SkyPilot's ``sky/clouds/cloud.py`` a cloud declares its
limits and capabilities in one place. ``missing(module)`` lists what a module lacks or declares with
the wrong type, name by name; ``tests/spec/test_cloud_surface.py`` runs it on every cloud, so a fourth
cloud gets that list (docs/adding-a-cloud.md is the checklist).

A fact a cloud does not have is declared anyway, as ``None``, ``False``, empty, or a function
returning "nothing to say": every cloud answers every question.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from . import Change, DiskLimit, LifecycleSample, Problem, SizeNeeds

if TYPE_CHECKING:
    from ..catalog import Catalog, Offering


class CloudRules(Protocol):
    """What one cloud is and accepts. Upper-case names are data, lower-case ones functions."""

    # --- who it is ---------------------------------------------------------------------------------
    TITLE: str
    """The cloud's name in messages (``AWS``, ``Azure``, ``GCP``)."""
    PULUMI_PACKAGES: tuple[str, ...]
    """The Pulumi packages whose resources are this cloud's (type-token prefixes), the component's first."""

    # --- the stack's configuration -----------------------------------------------------------------
    PROVIDER_CONFIG: Mapping[str, str]
    """``CloudDefaults`` field (region, zone, project) -> the provider's config key it is read from."""
    PROJECT_ENVIRONMENT: tuple[str, ...]
    """Environment variables the provider takes its project from when the config has none, in order."""
    OWN_KEYS: Mapping[str, Callable[[object], str | None]]
    """The spec keys only this cloud takes, each with why a value is not one the cloud accepts (or None)."""

    # --- names -------------------------------------------------------------------------------------
    NAME_RULE: tuple[re.Pattern[str], str]
    """A VM's or network's name: its pattern, and the rule in words."""
    MAX_DISK_RESOURCE_NAME: int | None
    """The longest ``<vm>-data-<name>`` a data disk's resources may be named; None: no limit below 63."""
    SENDS_DISK_NAME: bool
    """Whether the component sends a data disk's name in the cloud, where another name replaces the disk:
    the stack's lock then keeps the name for the disk's life (``spec.disks.cloud_name``)."""

    # --- access ------------------------------------------------------------------------------------
    SSH_KEY_TYPES: tuple[str, ...]
    """The OpenSSH key types the cloud installs."""
    RESERVED_USERNAMES: frozenset[str]
    """Admin user names the cloud refuses (lowercase), besides ``root`` (refused everywhere)."""
    ADMIN_IS_IMAGE_LOGIN_USER: bool
    """Without ``admin_username``, a Linux VM's admin is its image's own login user (the key goes there)."""
    LINUX_NEEDS_SSH_KEY: bool
    """A Linux VM must have an SSH key (the component disables password logins)."""
    MAX_WINDOWS_COMPUTER_NAME: int | None
    """A Windows VM's name is its computer name, of at most this many characters; None: not limited here."""
    SUBNET_ID: tuple[re.Pattern[str], str]
    """An existing subnet's id (``subnet_id``): its pattern and an example."""
    NATIVE_IMAGE: tuple[re.Pattern[str], str]
    """A native image id (``image`` that is no alias): its pattern, and the form in words."""
    ADMIN_ACCESS_ADVICE: str
    """How to reach a VM without opening an admin port to the internet (the policy pack's fix)."""

    # --- images, disks, user data ------------------------------------------------------------------
    IMAGE_GENERATIONS: bool
    """Sizes boot images of one Hyper-V generation: an alias's Gen1 build on sizes that boot only Gen1."""
    IMAGE_NAMES_CASE_SENSITIVE: bool
    """Whether the cloud tells image names apart by case (the policy pack's allowed images)."""
    MAX_OS_DISK_GIB: int
    MAX_DATA_DISK_GIB: int
    STANDARD_DISK_LIMIT: DiskLimit | None
    """A smaller maximum for ``disk_type: standard`` disks, if the cloud has one."""
    MIN_DISK_GIB: Mapping[str, int]
    """Disk type sent -> the smallest disk of it the cloud creates (GiB); a type not listed takes 1 GiB."""
    MAX_USER_DATA_BYTES: int
    """Raw user data the cloud takes (the cloud module may check it again as sent)."""
    DATA_DISK_TYPE_CHANGE: str
    """What a data disk's type change does: ``update``, ``deallocate`` or ``replace`` (refused by the spec)."""

    # --- tags --------------------------------------------------------------------------------------
    TAG_NOUN: str
    """``tags`` or ``labels``: the word, and the name of the resources' property."""
    MAX_TAGS: int
    COMPONENT_TAGS: tuple[str, ...]
    """Tags the component adds itself, counted towards ``MAX_TAGS``."""
    TAG_KEYS_CASE_SENSITIVE: bool

    # --- sizes and placement -----------------------------------------------------------------------
    AUTO_EXCLUDED: re.Pattern[str] | None
    """Families the cheapest-size search never picks by itself (a user may still name them)."""
    BURSTABLE: re.Pattern[str]
    """Burstable (shared-core, CPU-credit) families."""
    LICENCE_NOT_PER_VCPU: re.Pattern[str] | None
    """Sizes whose Windows licence is not the per-vCPU rate times their vCPUs (besides burstable ones)."""
    ZONAL_SUBNETS: bool
    """A network has a subnet per zone, so a VM that joins one lands in one of its zones."""
    REGIONAL_WITHOUT_ZONE: bool
    """A VM without a zone is regional (the cloud places it)."""
    PLACED_WITHOUT_ZONE_DATA: bool
    """A size whose zones the catalog does not know lands in the provider's default zone, else the first."""

    # --- networks ----------------------------------------------------------------------------------
    NETWORK_CIDR_REFUSED: str | None
    """Why a network of this cloud takes no ``cidr``; None: it takes one."""

    # --- billing (components/pricing.py) and how the tools show the cloud ---------------------------
    DISK_TIERS: Mapping[str, tuple[tuple[str, int], ...]]
    """Disk type sent -> its size tiers (tier, largest GiB), smallest first; a type without tiers is billed per GiB."""
    ADMIN_PASSWORD_STORE: tuple[float, str] | None
    """A Windows VM's admin password store: ($ per month, what it is); None where the VM holds it itself."""
    SPOT_PRICES_COMMAND: str
    """The ``catalog refresh`` command that fetches the cloud's spot prices."""
    SIZE_NAMES_CASE_SENSITIVE: bool
    """Whether the cloud tells size names apart by case (the policy pack's lookups)."""
    COLOUR: str
    """The cloud's colour in ``compare --chart``."""

    # --- what a change does ------------------------------------------------------------------------
    LIFECYCLE: Mapping[str, Change]
    """Per user-facing edit (``cloud_rules.ROWS``), what the cloud itself does with it."""
    LIFECYCLE_SAMPLE: LifecycleSample
    """The VM the lifecycle tables of docs/cloud-rules.md deploy and edit (``components/tools/lifecycle.py``)."""
    VM_TYPE: str
    """The provider's resource type of the VM itself (the instance the component creates)."""

    def size_problem(self, offering: Offering, needs: SizeNeeds) -> tuple[str, str] | None:
        """Why a size cannot serve a spec, as (spec field, reason)."""

    def spec_problems(self, spec: Any) -> list[Problem]:
        """Every other rule on a resolved spec, as (field, value, expected)."""

    def resize_problem(self, old_type: str, offering: Offering) -> str | None:
        """Why a VM of ``old_type`` cannot become ``offering`` in place."""

    def sent_disk_type_for(self, kind: str, offering: Offering, boot: bool = True) -> str:
        """The disk type sent for ``ssd``/``standard`` on a size."""

    def password_endpoint(self, spec: Any) -> bool:
        """Whether a Windows VM reads its admin password through an endpoint the component creates (billed)."""

    def auto_selection_problem(self, offering: Offering) -> str | None:
        """Why the size search never picks a size by itself (besides ``size_problem``); None when it may."""

    def image_generation_of(self, image: Any) -> str | None:
        """The Hyper-V generation of an ``ImageChoice``; None where the cloud has none."""

    def image_secure_boot(self, image: Any) -> bool:
        """Whether a shielded VM of this image (an alias entry or native id) boots with Secure Boot."""

    def native_image_shielded(self, image: str) -> bool:
        """Whether a native image id runs as a shielded VM (vTPM, integrity monitoring)."""

    def tag_problem(self, key: str, value: str) -> str | None:
        """Why one tag is not one the cloud takes."""

    def tag_set_problem(self, tags: Mapping[str, str]) -> Problem | None:
        """Why the tags, taken together, cannot be sent (two keys becoming one label, ...)."""

    def sent_tags(self, tags: Mapping[str, str]) -> dict[str, str]:
        """The tags as the cloud receives them."""

    def requested_zone(self, region: str, zone: object, catalog: Catalog) -> str | None:
        """A zone a user named, checked and normalised; ZoneError saying what is valid."""

    def account_zone(self, zone: str) -> bool:
        """Whether a checked zone is a name only the account resolves (not placed by the catalog)."""

    def account_zone_problem(self, offering: Offering, catalog: Catalog, name: str, network: str | None) -> str | None:
        """Why a zone name only the account resolves cannot be taken for this size (or in a network)."""

    def region_of_default_zone(self, zone: str) -> str | None:
        """The region the provider's default zone implies, used when no region is given."""

    def data_disk_scope(self, spec: Any) -> tuple[str, str] | None:
        """Where a VM's data disks live besides region and zone, when another value replaces every disk
        (it is part of the disk's id): the field that decides it and what the stack's lock records;
        None where nothing else places a disk."""

    def network_key(self, region: str, project: str | None, resource_group_name: str | None) -> tuple:
        """What VMs must share to share a network (the stack program's grouping; network names derive from it)."""

    def network_region_problem(self, region: str) -> str | None:
        """Why a network cannot span a region of the catalog."""

    def size_family(self, instance_type: str) -> str:
        """The family sizes are compared within (the catalog's price sanity)."""

    def us_region(self, region: str) -> bool:
        """A commercial US region (the catalog's price sanity)."""

    def region_restriction(self, region: str) -> str | None:
        """Why an ordinary account cannot deploy in a region of the catalog (a partition of its own, an
        access request), None when any account can: ``compare --anywhere`` leaves such regions out."""

    def constrained_vcpus(self, name: str, listed: float) -> tuple[int, float] | None:
        """(active, licensed) vCPUs of a constrained-vCPU size whose source lists ``listed``; else None."""

    def resource_region(self, props: dict, provider: dict) -> list:
        """Where a resource's own properties, then its provider's, say it lives (the policy pack):
        the candidates in order, the first string wins."""

    def region_named(self, text: object) -> str | None:
        """The region a user's text names, as the cloud compares region names (Azure: ``West Europe`` is
        ``westeurope``); None for no region."""

    def resource_zone(self, props: dict) -> Any:
        """The zone a resource's properties name, if any (the policy pack's allowed regions)."""


def _declared() -> dict[str, Any]:
    """The surface's names: data with their types, functions with their parameter names."""
    hints = typing.get_type_hints(CloudRules, localns={"Offering": object, "Catalog": object})
    names: dict[str, Any] = dict(hints)
    for name, member in vars(CloudRules).items():
        if inspect.isfunction(member) and not name.startswith("_"):
            names[name] = [p for p in inspect.signature(member).parameters if p != "self"]
    return names


def missing(module: types.ModuleType) -> list[str]:
    """What ``module`` lacks of the surface, or declares with another type or other parameters: one
    line per name, empty when it satisfies ``CloudRules`` completely."""
    problems = []
    for name, expected in _declared().items():
        if not hasattr(module, name):
            what = f"a function {name}({', '.join(expected)})" if isinstance(expected, list) else str(expected)
            problems.append(f"{name}: missing (expected {what})")
            continue
        value = getattr(module, name)
        if isinstance(expected, list):
            if not callable(value):
                problems.append(f"{name}: expected a function, got {type(value).__name__}")
            else:
                given = list(inspect.signature(value).parameters)
                if given != expected:
                    problems.append(f"{name}: expected parameters ({', '.join(expected)}), got ({', '.join(given)})")
        elif not _is_a(value, expected):
            problems.append(f"{name}: expected {expected}, got {value!r:.60}")
    return problems


def _is_a(value: Any, expected: Any) -> bool:
    """A runtime check of the annotation kinds the surface uses."""
    origin, args = typing.get_origin(expected), typing.get_args(expected)
    if origin in (typing.Union, types.UnionType):
        return any(_is_a(value, arg) for arg in args)
    if expected is type(None):
        return value is None
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_is_a(item, args[0]) for item in value)
        return len(value) == len(args) and all(_is_a(item, arg) for item, arg in zip(value, args))
    if origin is frozenset:
        return isinstance(value, frozenset) and all(_is_a(item, args[0]) for item in value)
    if origin in (Mapping, dict):
        return isinstance(value, Mapping) and all(
            _is_a(key, args[0]) and _is_a(item, args[1]) for key, item in value.items()
        )
    if origin is Callable:
        return callable(value)
    if origin is re.Pattern:
        return isinstance(value, re.Pattern)
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, origin or expected)
