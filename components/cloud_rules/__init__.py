"""What each cloud is and accepts, and what a change does there: one module per cloud, pure Python.

``CLOUDS`` names the clouds; ``rules(cloud)`` is a cloud's module, typed by ``surface.CloudRules``:
its limits, formats and name rules, config keys and defaults, key types, disk maxima, tag rules,
zone and network rules, as the spec, the catalog, the components and the policy pack read them
(docs/adding-a-cloud.md: what a fourth cloud declares). The facts below the surface stay plain
module-level names of that module, used by its adapter (``components/clouds/<cloud>.py``).

Mocks accept anything, so these facts are written down here, each with its source beside it, and
checked by ``spec.validate`` on what is actually sent to the cloud (the resolved size, image, disk
SKUs, rules), before anything is registered:

- ``size_problem(offering, needs)``: why a size cannot serve a spec (no spot, too few data disks,
  a disk type the family refuses, ...) as ``(field, reason)``: the spec field the size cannot serve
  (``spot``, ``data_disks``, ``disk_type`` or ``data_disks.disk_type``). The size search skips such
  sizes; a size the user names fails with the reason.
- ``spec_problems(spec)``: every other rule on the resolved spec, as ``(field, value, expected)``.
- ``resize_problem(old_type, offering)``: why a VM of ``old_type`` cannot become ``offering`` in
  place (a new VM, losing its OS disk, would be needed), or None.
- ``sent_disk_type(cloud, kind, offering, boot)``: the cloud's disk type for ``ssd``/``standard`` on a
  size, as the adapters send it when nothing is pinned.
- ``LIFECYCLE``: per user-facing edit (``ROWS``), what the cloud itself does with it (update in place,
  stop/start, replace, refused, or only with the VM deallocated), with its source. What ``pulumi up``
  does with the component's resources, and to the data, is not kept by hand: the lifecycle tables
  (``components/tools/lifecycle.py``) run each edit through the component and the change engine.
- ``*_resources``: per resource type, what the provider does when an input changes (replace,
  restart, refused, update), the facts the change engine (``components/changes``) runs on.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..catalog import Offering
    from .surface import CloudRules

# The clouds, declared once: each has its module here (``rules``), its adapter in ``components/clouds``
# and its catalog snapshot in ``components/catalog/data``.
CLOUDS = ("aws", "azure", "gcp")

Problem = tuple[str, object, str]
"""(spec field, value, what is expected): a rule a resolved spec breaks."""


class ZoneError(ValueError):
    """A zone that does not exist, does not offer the size or is not in the network: the message
    says what would be valid."""


@dataclass(frozen=True)
class DiskLimit:
    """A disk type's own size maximum, and what the cloud calls such disks in a message."""

    max_gib: int
    what: str


@dataclass(frozen=True)
class SizeNeeds:
    """What a spec asks of its size, known before the size is chosen."""

    spot: bool = False
    boot_disk: str = "ssd"
    data_disk_types: frozenset[str] = frozenset()
    data_disks: int = 0
    windows: bool = False  # the image is Windows: the size search prefers sizes whose licence is priced
    pinned_boot: str | None = None
    """The OS disk's type as sent when the VM was created (from the stack's lock): the size must take it."""
    pinned_data: frozenset[str] = frozenset()
    """The types, as sent, of the data disks that exist (from the stack's lock): the size must take them."""
    pinned_generation: str | None = None
    """Azure: the Hyper-V generation of the image the VM was created from (from the stack's lock)."""


# The edits every cloud's lifecycle table covers, in this order.
ROWS = (
    "image alias",
    "instance_type (same series)",
    "instance_type (another series)",
    "user_data",
    "ssh_public_key",
    "admin_username",
    "admin_password (Windows)",
    "zone",
    "region",
    "spot",
    "disk_type",
    "disk_size_gib (grow)",
    "data_disks (add)",
    "data_disks (remove the first)",
    "data_disks (reorder)",
    "ingress",
    "public_ip",
    "tags",
)
CLOUD_EFFECTS = ("update", "restart", "replace", "refused", "deallocate")


@dataclass(frozen=True)
class Change:
    """What the cloud itself does with an edit of a running VM."""

    cloud_does: str
    """``update`` (in place, running), ``restart`` (only while stopped: stop, change, start),
    ``replace`` (it cannot change: a new VM), ``refused`` (the API rejects an in-place change),
    ``deallocate`` (only with the VM deallocated, which no provider does)."""
    source: str
    note: str = ""


@dataclass(frozen=True)
class LifecycleSample:
    """The VM the lifecycle tables (``components/tools/lifecycle.py``) deploy and edit on a cloud:
    where it runs, and the zone, region and sizes the edits move it to."""

    region: str
    zone: str
    other_zone: str
    other_region: str
    instance_type: str
    bigger_type: str
    """A bigger size of the same series."""
    other_series_type: str
    """A size of another series (of another architecture where the cloud has one)."""


def size_problem(offering: Offering, needs: SizeNeeds) -> tuple[str, str] | None:
    return rules(offering.cloud).size_problem(offering, needs)


def spec_problems(spec: Any) -> list[tuple[str, object, str]]:
    return rules(spec.cloud).spec_problems(spec)


def resize_problem(old_type: str, offering: Offering) -> str | None:
    return rules(offering.cloud).resize_problem(old_type, offering)


def sent_disk_type(cloud: str, kind: str, offering: Offering, boot: bool = True) -> str:
    """The disk type the adapters send for ``ssd``/``standard`` on this size (one mapping per cloud)."""
    return rules(cloud).sent_disk_type_for(kind, offering, boot)


def lifecycle(cloud: str) -> Mapping[str, Change]:
    return rules(cloud).LIFECYCLE


def listed(zones, limit: int = 8) -> str:
    """Zones for a message: the first ``limit``, and how many there are in all."""
    ordered = list(zones)
    more = f", ... ({len(ordered)} in all)" if len(ordered) > limit else ""
    return ", ".join(ordered[:limit]) + more if ordered else "none"


def first_string(value: Any) -> str | None:
    """A property value that is a string, or the first string of a list (the policy pack's property bags)."""
    if isinstance(value, str):
        return value
    return next((item for item in value if isinstance(item, str)), None) if isinstance(value, list) else None


def common_size_problem(offering: Offering, needs: SizeNeeds, spot_source: str) -> tuple[str, str] | None:
    """The per-size facts every cloud's catalog may carry: spot support and the data-disk maximum."""
    facts = offering.facts
    if needs.spot and facts.get("spot") is False:
        return "spot", f"{offering.instance_type} cannot run as spot ({spot_source})"
    limit = facts.get("max_data_disks")
    if limit is not None and needs.data_disks > limit:
        return "data_disks", f"{offering.instance_type} takes at most {limit} data disks, not {needs.data_disks}"
    return None


# Each cloud's module (``cloud_rules/<cloud>.py``), loaded with the package (they import the names above):
# the spec asks them several times per VM, so ``rules(cloud)`` is a plain lookup, KeyError for no cloud.
RULES: Mapping[str, CloudRules] = MappingProxyType(
    {cloud: importlib.import_module(f"{__name__}.{cloud}") for cloud in CLOUDS}
)
rules: Callable[[str], CloudRules] = RULES.__getitem__
