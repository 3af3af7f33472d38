"""Data disks: each a resource of its own with a stable identity, a pinned slot and a pinned type.

A disk is identified by its ``name`` (its resources are ``<vm>-data-<name>``), or without one by its
position, as every disk was before names existed (``<vm>-data-0``), so stacks deployed then keep
their URNs. A named disk keeps its slot (AWS device name, Azure LUN) and its GCP device name whatever
other disks are added, removed or reordered: from ``lun`` when given, else from the stack's lock,
else the lowest slot no other disk holds. Renaming is explicit (``renamed_from``), never guessed from
positions: a disk inserted at position 0 is a new disk, not the old disk 0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from ..cloud_rules import CLOUDS, rules, sent_disk_type
from ..errors import SpecError
from .lock import MAX_SLOT, LockedDisk, LockEntry
from .model import Checker, DataDisk

DISK_TYPES = ("ssd", "standard")
# The component's own limit on every cloud: its AWS data volumes take the device names /dev/sdf to
# /dev/sdu. Each size may allow fewer (cloud rules).
MAX_DATA_DISKS = 16
MAX_DATA_DISK_GIB = {cloud: rules(cloud).MAX_DATA_DISK_GIB for cloud in CLOUDS}  # sources: cloud_rules/<cloud>.py
DISK_KEYS = ("size_gib", "disk_type", "name", "renamed_from", "lun", "protect", "retain_on_delete")
DISK_NAME = re.compile(r"^[a-z](?:[a-z0-9-]*[a-z0-9])?$")
# Names a disk cannot take: GCP device names of disks without a name (data-0 ...).
RESERVED_NAME = re.compile(r"^data-\d+$")
MAX_DISK_NAME = 63  # the component's own limit on a disk's name


def max_name_length(cloud: str, vm: str) -> int:
    """How long a disk's name may be once ``<vm>-data-`` is prefixed: within the longest resource
    name the cloud takes (Azure disk names 80 characters, GCP names 63 less Pulumi's 8-character
    suffix), and at most 63 (on AWS it is only a tag value)."""
    longest = rules(cloud).MAX_DISK_RESOURCE_NAME
    return MAX_DISK_NAME if longest is None else min(MAX_DISK_NAME, longest - len(f"{vm}-data-"))


def check_disk_size(check: Checker, key: str, value: object, cloud: str, disk_type: str, *, os_disk: bool) -> int:
    """A disk's size in GiB: a whole number within the cloud's maximum for the disk and its type."""
    cloud_rules = rules(cloud)
    size = check.integer(key, value, 1, cloud_rules.MAX_OS_DISK_GIB if os_disk else cloud_rules.MAX_DATA_DISK_GIB)
    limit = cloud_rules.STANDARD_DISK_LIMIT
    if limit is not None and disk_type == "standard" and size > limit.max_gib:
        raise check.fail(key, size, f"{limit.what} hold at most {limit.max_gib} GiB; use disk_type='ssd'")
    return size


def _check_name(check: Checker, cloud: str, key: str, value: object) -> str | None:
    if value is None:
        return None
    limit = max_name_length(cloud, check.vm)
    if not isinstance(value, str) or not DISK_NAME.match(value) or len(value) > limit:
        raise check.fail(
            key,
            value,
            f"expected lowercase letters, digits and '-', starting with a letter and not ending in '-', at most "
            f"{limit} characters (its resources are named {check.vm}-data-<name>)",
        )
    if RESERVED_NAME.match(value):
        raise check.fail(key, value, "names data-<n> are the device names of disks without a name; choose another")
    return value


def _check_renamed_from(check: Checker, key: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit() and int(value) < MAX_DATA_DISKS:
        return str(int(value))
    if isinstance(value, str) and DISK_NAME.match(value):
        return value
    raise check.fail(key, value, "expected the disk's previous name, or its index ('0') from before it had a name")


def _flag(check: Checker, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise check.fail(key, value, "expected true or false")
    return value


class DiskArgs(NamedTuple):
    """A data disk as given and checked, before its slot, origin and sent type are decided."""

    size_gib: int
    disk_type: str
    name: str | None
    index: int
    lun: int | None
    renamed_from: str | None
    protect: bool
    retain_on_delete: bool

    @property
    def key(self) -> str:
        return self.name or str(self.index)


def check_data_disks(check: Checker, cloud: str) -> tuple[DiskArgs, ...]:
    """The data disks as given: sizes, types, names, renames, pinned slots and protection checked;
    slots, origins and sent types are decided by ``finish_disks``."""
    disks = check.args.get("data_disks", []) or []
    if not isinstance(disks, (list, tuple)):
        raise check.fail("data_disks", disks, f"expected a list of at most {MAX_DATA_DISKS} {{size_gib, disk_type}}")
    if len(disks) > MAX_DATA_DISKS:
        raise check.fail(
            "data_disks",
            f"[{len(disks)} disks]",
            f"the component attaches at most {MAX_DATA_DISKS} data disks on every cloud (AWS device names "
            "/dev/sdf-/dev/sdu); use fewer, larger disks",
        )
    result: list[DiskArgs] = []
    for i, disk in enumerate(disks):
        key = f"data_disks[{i}]"
        if not isinstance(disk, Mapping) or "size_gib" not in disk or set(disk) - set(DISK_KEYS):
            raise check.fail(
                key, disk, "expected {size_gib, disk_type, name, renamed_from, lun, protect, retain_on_delete}"
            )
        disk_type = disk.get("disk_type", "ssd")
        if disk_type not in DISK_TYPES:
            raise check.fail(f"{key}.disk_type", disk_type, "expected one of " + ", ".join(DISK_TYPES))
        lun = disk.get("lun")
        if lun is not None:
            lun = check.integer(f"{key}.lun", lun, 0, MAX_SLOT)
        result.append(
            DiskArgs(
                check_disk_size(check, f"{key}.size_gib", disk["size_gib"], cloud, disk_type, os_disk=False),
                disk_type,
                _check_name(check, cloud, f"{key}.name", disk.get("name")),
                i,
                lun,
                _check_renamed_from(check, f"{key}.renamed_from", disk.get("renamed_from")),
                _flag(check, f"{key}.protect", disk.get("protect", False)),
                _flag(check, f"{key}.retain_on_delete", disk.get("retain_on_delete", False)),
            )
        )
    _check_identities(check, result)
    return tuple(result)


def _check_identities(check: Checker, disks: list[DiskArgs]) -> None:
    """Keys, renames and pinned slots are unique; a disk cannot be renamed from another's key."""
    keys: dict[str, int] = {}
    for disk in disks:
        if disk.key in keys:
            raise check.fail(
                f"data_disks[{disk.index}].name", disk.name, f"data_disks[{keys[disk.key]}] has the same name"
            )
        keys[disk.key] = disk.index
    renamed: dict[str, int] = {}
    for disk in disks:
        old = disk.renamed_from
        if old is None:
            continue
        field_name = f"data_disks[{disk.index}].renamed_from"
        if disk.name is None:
            raise check.fail(field_name, old, "give the disk its new name too (renamed_from says what it was called)")
        if old in keys and keys[old] != disk.index:
            raise check.fail(field_name, old, f"data_disks[{keys[old]}] is still called {old!r}")
        if old in renamed:
            raise check.fail(field_name, old, f"data_disks[{renamed[old]}] is renamed from it too")
        renamed[old] = disk.index
    luns: dict[int, int] = {}
    for disk in disks:
        taken = [d for d in disks if d.name is None and d.index == disk.lun and d is not disk]
        if disk.lun is not None and (disk.lun in luns or taken):
            other = luns.get(disk.lun, taken[0].index if taken else None)
            raise check.fail(f"data_disks[{disk.index}].lun", disk.lun, f"data_disks[{other}] holds that slot")
        if disk.lun is not None:
            luns[disk.lun] = disk.index


def previous(disk: DiskArgs | DataDisk, entry: LockEntry | None) -> LockedDisk | None:
    """The disk's record in the lock: under its key, else under the key it was renamed from."""
    if entry is None:
        return None
    locked = entry.data_disks.get(disk.key)
    if locked is None and disk.renamed_from is not None:
        locked = entry.data_disks.get(disk.renamed_from)
    return locked


def pinned_types(entry: LockEntry | None, os_kind: str, disks: tuple[DiskArgs, ...]) -> tuple[str | None, frozenset]:
    """The sent types that must not change: the OS disk's and each existing data disk's, as long as
    the user has not changed that disk's ``disk_type``."""
    if entry is None:
        return None, frozenset()
    boot = entry.os_disk[1] if entry.os_disk[0] == os_kind else None
    data = set()
    for disk in disks:
        locked = previous(disk, entry)
        if locked is not None and locked.disk_type == disk.disk_type:
            data.add(locked.sent)
    return boot, frozenset(data)


def _referenced(disks: tuple[DiskArgs, ...]) -> set[str]:
    """The lock keys the spec's disks are, or are renamed from."""
    return {d.key for d in disks} | {d.renamed_from for d in disks if d.renamed_from}


def _check_unnamed_removals(check: Checker, disks: tuple[DiskArgs, ...], entry: LockEntry | None) -> None:
    """Disks without a name are identified by position, so removing one while others without a name
    stay is ambiguous (the disks after it would take its place, and its resources): refused."""
    if entry is None:
        return
    referenced = _referenced(disks)
    removed = sorted(k for k in entry.data_disks if k.isdigit() and k not in referenced)
    unnamed = [d for d in disks if d.name is None]
    if removed and unnamed:
        raise check.fail(
            "data_disks",
            f"[{len(disks)} disks]",
            f"a disk without a name is gone (the lock has one at position {removed[0]}) and disks without a name are "
            "identified by position, so which disk you removed cannot be told (another would take its place and "
            "lose its data); name the disks you keep (name, and renamed_from: the index each had) and remove the other",
        )


def _check_renames_known(check: Checker, disks: tuple[DiskArgs, ...], entry: LockEntry | None) -> None:
    """A rename the lock cannot follow is refused while the lock still has a disk no disk of the spec is
    (or is renamed from): the disk was renamed before, and the lock not rewritten since, so what it was
    created as (its slot, Azure name, GCP device name) is that unreferenced record's, which one cannot
    be told, and deriving them afresh would move or replace it. ``renamed_from`` takes one name rather
    than the chain of names a disk had: with the lock rewritten after each deployed rename (one command)
    one name is all it needs, and a chain would have to be kept right by hand forever (docs/lock.md)."""
    if entry is None:
        return
    referenced = _referenced(disks)
    unreferenced = sorted(k for k in entry.data_disks if k not in referenced)
    for disk in disks:
        old = disk.renamed_from
        if old is None or not unreferenced or old in entry.data_disks or disk.key in entry.data_disks:
            continue
        raise check.fail(
            f"data_disks[{disk.index}].renamed_from",
            old,
            f"the stack's lock has no disk {old!r} and still has {', '.join(map(repr, unreferenced))}, which no disk "
            "here is or is renamed from: the lock was not rewritten after the disks were last renamed, so what "
            f"{old!r} was created as (its slot, Azure disk name, GCP device name) cannot be told and the disk could "
            "be moved or replaced; put back the data_disks that were deployed, run `python -m components lock`, "
            "then rename",
        )


class DecidedDisk(NamedTuple):
    """A data disk with what is decided for it before the free slots are handed out."""

    disk: DiskArgs
    slot: int
    """Its slot, or -1 for a disk that takes the lowest free one."""
    origin: str
    sent: str


def finish_disks(
    check: Checker, disks: tuple[DiskArgs, ...], entry: LockEntry | None, offering
) -> tuple[DataDisk, ...]:
    """Slots, origins and sent types: from the lock where the disk is in it, else decided now. A disk
    cannot shrink (no cloud shrinks a disk), which also catches an unnamed disk that moved position."""
    if not disks:
        return ()
    cloud = offering.cloud
    sent_for = {kind: sent_disk_type(cloud, kind, offering, boot=False) for kind in {d.disk_type for d in disks}}
    decided = [decided_disk(check, disk, previous(disk, entry), cloud, sent_for) for disk in disks]
    for disk, _, _, sent in decided:
        check_smallest_size(check, disk, cloud, sent)
    _check_unnamed_removals(check, disks, entry)
    _check_renames_known(check, disks, entry)
    slots = claimed_slots(check, disks, decided)
    held_by_lock = {d.slot for d in (entry.data_disks.values() if entry else ())}
    result = []
    for disk, slot, origin, sent in decided:
        if slot < 0:
            slot = free_slot(slots, held_by_lock)
            slots[slot] = disk.index
        name = cloud_name(check.vm, cloud, origin, previous(disk, entry), entry)
        result.append(DataDisk(*disk, slot, origin, sent, name))
    return tuple(result)


def cloud_name(vm: str, cloud: str, origin: str, locked: LockedDisk | None, entry: LockEntry | None) -> str | None:
    """A data disk's name in the cloud where the component sends one (``SENDS_DISK_NAME``: Azure, where it
    is part of the disk's id), fixed for the disk's life: its lock record's; for a disk in a lock written
    before the name was recorded, ``<vm>-data-<origin>`` of the VM the entry was written for (a VM renamed
    with an alias finds its entry under its old name); for a new disk, ``<vm>-data-<origin>`` (the name the
    VM's inline disks had before data disks were resources, so stacks deployed then keep them)."""
    if not rules(cloud).SENDS_DISK_NAME:
        return None
    if locked is not None:
        return locked.cloud_name or f"{entry.vm if entry is not None and entry.vm else vm}-data-{origin}"
    return f"{vm}-data-{origin}"


def decided_disk(
    check: Checker, disk: DiskArgs, locked: LockedDisk | None, cloud: str, sent_for: Mapping[str, str]
) -> DecidedDisk:
    """A disk's slot, origin and sent type: kept from its lock record (``locked``) where it has one,
    once it is checked that the disk can stay what it is."""
    if locked is not None:
        check_kept_disk(check, disk, locked, cloud)
    origin = locked.origin if locked is not None else (disk.renamed_from or disk.key)
    sent = locked.sent if locked is not None and locked.disk_type == disk.disk_type else sent_for[disk.disk_type]
    return DecidedDisk(disk, pinned_slot(disk, locked), origin, sent)


def check_smallest_size(check: Checker, disk: DiskArgs, cloud: str, sent: str) -> None:
    """A disk at least as large as the smallest its type sent takes (GCP: Persistent Disk 10 GiB)."""
    smallest = rules(cloud).MIN_DISK_GIB.get(sent, 1)
    if disk.size_gib < smallest:
        raise check.fail(
            f"data_disks[{disk.index}].size_gib",
            disk.size_gib,
            f"{rules(cloud).TITLE} creates {sent} disks of at least {smallest} GiB (the disk type sent for "
            f"disk_type={disk.disk_type!r} on this size)",
        )


def check_kept_disk(check: Checker, disk: DiskArgs, locked: LockedDisk, cloud: str) -> None:
    """A disk that exists does not shrink, nor change type where its cloud would replace it."""
    if disk.size_gib < locked.size_gib:
        raise check.fail(
            f"data_disks[{disk.index}].size_gib",
            disk.size_gib,
            f"the disk {disk.key!r} holds {locked.size_gib} GiB and no cloud shrinks a disk"
            + (
                "; disks without a name are identified by position: if you removed or reordered disks, name "
                "them (name, and renamed_from: the index each had)"
                if disk.name is None
                else ""
            ),
        )
    if locked.disk_type != disk.disk_type and rules(cloud).DATA_DISK_TYPE_CHANGE == "replace":
        raise check.fail(
            f"data_disks[{disk.index}].disk_type",
            disk.disk_type,
            f"the disk {disk.key!r} is {locked.sent} and {cloud} cannot change a disk's type: it would be replaced "
            f"and its data lost; add a disk of the new type (another name), copy the data, then remove this one",
        )


def pinned_slot(disk: DiskArgs, locked: LockedDisk | None) -> int:
    """The slot a disk must have: its position without a name, its ``lun``, its lock record's, or the
    index it had before it was named; -1 when it may take any free slot."""
    if disk.name is None:
        return disk.index
    if disk.lun is not None:
        return disk.lun
    if locked is not None:
        return locked.slot
    if disk.renamed_from is not None and disk.renamed_from.isdigit():
        return int(disk.renamed_from)
    return -1


def claimed_slots(check: Checker, disks: tuple[DiskArgs, ...], decided: list[DecidedDisk]) -> dict[int, int]:
    """Slot -> disk index of the disks whose slot is decided (positions first: they are fixed); two
    disks wanting one slot are refused, naming the one that must move."""
    slots: dict[int, int] = {}
    for disk, slot, _, _ in sorted(decided, key=lambda d: d.disk.name is not None):
        if slot < 0:
            continue
        if slot in slots:
            holder = disks[slots[slot]]
            if disk.name is not None and disk.lun is None:
                disk, holder = holder, disk
            if disk.name is None:
                raise check.fail(
                    f"data_disks[{disk.index}]",
                    f"[{disk.size_gib} GiB, no name]",
                    f"a disk without a name takes the slot of its position ({slot}), which disk "
                    f"{holder.key!r} holds; give this disk a name",
                )
            raise check.fail(f"data_disks[{disk.index}].lun", slot, f"disk {holder.key!r} holds that slot")
        slots[slot] = disk.index
    return slots


def free_slot(slots: Mapping[int, int], held_by_lock: set[int]) -> int:
    """The lowest slot no disk holds, preferring those no disk of the lock held (a disk just removed: its
    detach and the new disk's attach may overlap, docs/lock.md)."""
    free = [s for s in range(MAX_SLOT + 1) if s not in slots and s not in held_by_lock]
    return (free or [s for s in range(MAX_SLOT + 1) if s not in slots])[0]


def check_disk_scope(spec) -> None:
    """A VM whose data disks exist stays where they live besides region and zone (Azure resource group,
    GCP project: ``data_disk_scope``), as its stack's lock recorded it: elsewhere every disk would be
    replaced and its data lost. Checked on the spec as built (a stack's VM joins its shared network
    only after it is validated alone)."""
    entry = spec.lock.previous
    scope = rules(spec.cloud).data_disk_scope(spec)
    if entry is None or entry.disk_scope is None or scope is None or scope[1] == entry.disk_scope:
        return
    kept = [disk.key for disk in spec.data_disks if previous(disk, entry) is not None]
    if not kept:
        return
    field_name, where = scope
    value = {"resource_group_name": spec.resource_group_name, "project": spec.project, "subnet_id": spec.subnet_id}.get(
        field_name, spec.network.name if spec.network is not None else None
    )
    raise SpecError(
        spec.name,
        field_name,
        value,
        f"the data disks {', '.join(map(repr, kept))} are in {entry.disk_scope} (the stack's lock), and in {where} "
        "they would be replaced and their data lost; keep the VM where it was (network: dedicated or the same "
        "network, subnet_id, resource_group_name, project), or snapshot the disks and restore them there",
    )
