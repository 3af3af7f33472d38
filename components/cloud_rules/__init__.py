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
- ``LIFECYCLE``: per VM property, what a change does on that cloud (update in place, stop/start,
  replace, or refused by the cloud) and what the component's resource options make of it.
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


@dataclass(frozen=True)
class Change:
    """What changing one VM property does."""

    cloud_does: str
    """``update`` (in place, running), ``restart`` (the provider stops and starts the VM),
    ``replace`` (the provider replaces it), ``refused`` (the cloud rejects an in-place change),
    ``deallocate`` (the cloud needs the VM deallocated first, which no provider does)."""
    component_does: str
    """What ``pulumi up`` does with the component's options: ``update``, ``restart``, ``replace``,
    ``fails`` (documented: the update is tried and the cloud refuses), ``ignored``."""
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


def lifecycle_markdown(cloud: str) -> str:
    """The lifecycle table of a cloud as Markdown (docs/cloud-rules.md holds it; a test compares)."""
    rows = ["| change of | the cloud | `pulumi up` with the component | source / note |", "|---|---|---|---|"]
    for prop, change in lifecycle(cloud).items():
        note = f"{change.source}" + (f"; {change.note}" if change.note else "")
        rows.append(f"| {prop} | {change.cloud_does} | {change.component_does} | {note} |")
    return "\n".join(rows)
