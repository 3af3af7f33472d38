"""What each cloud accepts and what a change does there: one module per cloud, pure Python.

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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..catalog import Offering


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


_modules: dict[str, Any] = {}


def rules(cloud: str):
    module = _modules.get(cloud)
    if module is None:
        module = _modules[cloud] = importlib.import_module(f"{__name__}.{cloud}")
    return module


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


def common_size_problem(offering: Offering, needs: SizeNeeds, spot_source: str) -> tuple[str, str] | None:
    """The per-size facts every cloud's catalog may carry: spot support and the data-disk maximum."""
    facts = offering.facts
    if needs.spot and facts.get("spot") is False:
        return "spot", f"{offering.instance_type} cannot run as spot ({spot_source})"
    limit = facts.get("max_data_disks")
    if limit is not None and needs.data_disks > limit:
        return "data_disks", f"{offering.instance_type} takes at most {limit} data disks, not {needs.data_disks}"
    return None
