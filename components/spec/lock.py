"""The stack's lock, pure: what a stack's VMs were resolved to (size, zone, the disk types sent, the
disk slots), and the inputs each was resolved from. Pure Python, no Pulumi and no file I/O (the file
is ``components/lockfile.py``; the command that writes it, ``components/tools/lock.py``).

A VM whose inputs still match its entry keeps the entry's size and zone whatever today's catalog
says, so a refreshed catalog or an upgraded package never resizes or moves a VM that exists. A user's
own edit of those inputs (``cpus: 2`` -> ``4``, another ``instance_type``) re-resolves it. Disk types
are kept per disk as long as that disk's ``disk_type`` (``ssd``/``standard``) is unchanged, even when
the size is re-resolved: a disk's type never changes behind the user's back.

The document (JSON, ``vms.<stack>.lock.json``)::

    {"version": 1, "vms": {"web-aws": {
        "resolved_from": {"cloud": "aws", "region": "eu-west-1", "cpus": 2, "memory_gib": 4},
        "instance_type": "t3a.medium", "zone": "euw1-az1",
        "os_disk": {"disk_type": "ssd", "sent": "gp3"},
        "data_disks": {"logs": {"size_gib": 50, "disk_type": "ssd", "sent": "gp3", "slot": 0, "origin": "logs"}}}}}

An Azure data disk also records its name in the cloud (``"cloud_name": "web-data-logs"``), the name it
keeps for its life. A VM with data disks also records where they live besides region and zone
(``"disk_scope": "project my-project"``: Azure resource group, GCP project, AWS subnet): moving them
elsewhere would replace them (``disks.check_disk_scope``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..cloud_rules import rules

LOCK_VERSION = 1
# The inputs a size is resolved from (besides cloud, region and a requested zone).
SIZE_INPUT_KEYS = ("instance_type", "cpus", "memory_gib", "arch", "burstable", "spot")
# Values equal to these defaults are left out, so writing a default explicitly re-resolves nothing.
DEFAULT_INPUTS = {"spot": False, "burstable": True, "arch": "x86_64"}
RESOLVED_FROM_KEYS = frozenset(["cloud", "region", "zone", *SIZE_INPUT_KEYS])
DISK_KEY = re.compile(r"^(?:[a-z](?:[a-z0-9-]*[a-z0-9])?|\d{1,2})$")
MAX_SLOT = 15
STATUSES = ("kept", "new", "changed", "update")


class LockError(ValueError):
    """A lock file that cannot be used; the message is one line naming the file and the entry."""


@dataclass(frozen=True)
class LockedDisk:
    size_gib: int
    disk_type: str
    """``ssd`` or ``standard``: what the user asked for when the type was decided."""
    sent: str
    """The cloud's disk type as sent (``gp3``, ``Premium_LRS``, ``pd-balanced``, ...)."""
    slot: int
    """AWS device ``/dev/sd[f+slot]``, Azure LUN."""
    origin: str
    """The disk's key when it was created: its Azure disk name and GCP device name derive from it."""
    cloud_name: str | None = None
    """Its name in the cloud where the component sends one (Azure ``diskName``, part of the disk's id:
    ``cloud_rules.<cloud>.SENDS_DISK_NAME``), kept for the disk's life: a VM renamed with an alias keeps
    its disks. None in a lock written before it was recorded (``disks.cloud_name`` derives it)."""


@dataclass(frozen=True)
class LockEntry:
    resolved_from: Mapping[str, Any]
    instance_type: str
    zone: str | None
    os_disk: tuple[str, str]
    """(``ssd``/``standard``, the type sent)."""
    data_disks: Mapping[str, LockedDisk] = field(default_factory=dict)
    image_generation: str | None = None
    """Azure: the Hyper-V generation of the image the VM was created from."""
    disk_scope: str | None = None
    """Where the data disks live besides region and zone (Azure resource group, GCP project), where
    another would replace them (``cloud_rules.<cloud>.data_disk_scope``); None when not recorded."""
    vm: str = ""
    """The name of the VM the entry is recorded under (a VM renamed with an alias finds it under its
    old name: ``lockfile.entry_for``)."""


@dataclass(frozen=True)
class LockUse:
    """How a spec used its lock entry."""

    status: str
    """``kept`` (the entry's size and zone), ``new`` (no entry), ``changed`` (the inputs differ from
    the entry's: re-resolved), ``update`` (re-resolved on request: ``lock --update``)."""
    resolved_from: Mapping[str, Any]
    previous: LockEntry | None = None
    catalog_pick: str | None = None
    """For a kept entry: the size today's catalog would pick instead, when it differs."""


def _plain_number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def resolution_inputs(cloud: str, region: str, zone: str | None, args: Mapping[str, Any]) -> dict[str, Any]:
    """What a VM's size and zone are resolved from: cloud, region, the zone asked for, and the size
    inputs the user gave (defaults left out, numbers as plain as JSON keeps them)."""
    inputs: dict[str, Any] = {"cloud": cloud, "region": region}
    if zone is not None:
        inputs["zone"] = zone
    for key in SIZE_INPUT_KEYS:
        value = args.get(key)
        if value is None or (key in DEFAULT_INPUTS and value == DEFAULT_INPUTS[key]):
            continue
        inputs[key] = _plain_number(value)
    return inputs


def use_of(entry: LockEntry | None, inputs: Mapping[str, Any], reresolve: bool) -> LockUse:
    if entry is None:
        return LockUse("new", dict(inputs))
    if reresolve:
        return LockUse("update", dict(inputs), entry)
    if dict(entry.resolved_from) != dict(inputs):
        return LockUse("changed", dict(inputs), entry)
    return LockUse("kept", dict(inputs), entry)


# --- the document -----------------------------------------------------------------------------------


FIX = "restore it from version control (or remove it and run `python -m components lock`, which re-resolves every VM)"


def _fail(source: str, where: str, problem: str) -> LockError:
    return LockError(f"{source}: {where}: {problem}; {FIX}")


def _mapping(value: Any, source: str, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(source, where, f"expected a mapping, got {type(value).__name__}")
    return value


def _string(value: Any, source: str, where: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise _fail(source, where, f"expected a non-empty string, got {value!r}")
    return value


def _integer(value: Any, source: str, where: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bounds = f"{low}-{high}" if high is not None else f">= {low}"
        raise _fail(source, where, f"expected a whole number {bounds}, got {value!r}")
    return value


def _keys(value: Mapping[str, Any], allowed: set[str], required: set[str], source: str, where: str) -> None:
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _fail(source, where, f"unknown key {unknown[0]!r}")
    missing = sorted(required - set(value))
    if missing:
        raise _fail(source, where, f"missing {missing[0]!r}")


def _disk_type(value: Any, source: str, where: str) -> str:
    if value not in ("ssd", "standard"):
        raise _fail(source, where, f"expected ssd or standard, got {value!r}")
    return value


def _locked_disk(value: Any, source: str, where: str) -> LockedDisk:
    disk = _mapping(value, source, where)
    keys = {"size_gib", "disk_type", "sent", "slot", "origin"}
    _keys(disk, keys | {"cloud_name"}, keys, source, where)
    origin = _string(disk["origin"], source, f"{where}.origin")
    if not DISK_KEY.match(origin):
        raise _fail(source, f"{where}.origin", f"expected a disk name or index, got {origin!r}")
    return LockedDisk(
        size_gib=_integer(disk["size_gib"], source, f"{where}.size_gib", 1),
        disk_type=_disk_type(disk["disk_type"], source, f"{where}.disk_type"),
        sent=_string(disk["sent"], source, f"{where}.sent"),
        slot=_integer(disk["slot"], source, f"{where}.slot", 0, MAX_SLOT),
        origin=origin,
        cloud_name=_string(disk.get("cloud_name"), source, f"{where}.cloud_name", optional=True),
    )


def _entry(value: Any, source: str, where: str, vm: str = "") -> LockEntry:
    entry = _mapping(value, source, where)
    allowed = {"resolved_from", "instance_type", "zone", "os_disk", "data_disks", "image_generation", "disk_scope"}
    _keys(entry, allowed, {"resolved_from", "instance_type", "os_disk"}, source, where)
    resolved = dict(_mapping(entry["resolved_from"], source, f"{where}.resolved_from"))
    _keys(resolved, set(RESOLVED_FROM_KEYS), {"cloud", "region"}, source, f"{where}.resolved_from")
    os_disk = _mapping(entry["os_disk"], source, f"{where}.os_disk")
    _keys(os_disk, {"disk_type", "sent"}, {"disk_type", "sent"}, source, f"{where}.os_disk")
    disks = _mapping(entry.get("data_disks") or {}, source, f"{where}.data_disks")
    locked = {}
    for key, disk in disks.items():
        if not isinstance(key, str) or not DISK_KEY.match(key):
            raise _fail(source, f"{where}.data_disks", f"{key!r} is not a disk name or index")
        locked[key] = _locked_disk(disk, source, f"{where}.data_disks.{key}")
    slots = [d.slot for d in locked.values()]
    if len(slots) != len(set(slots)):
        raise _fail(source, f"{where}.data_disks", "two disks hold the same slot")
    generation = _string(entry.get("image_generation"), source, f"{where}.image_generation", optional=True)
    if generation not in (None, "V1", "V2"):
        raise _fail(source, f"{where}.image_generation", f"expected V1 or V2, got {generation!r}")
    return LockEntry(
        resolved_from=resolved,
        instance_type=_string(entry["instance_type"], source, f"{where}.instance_type"),
        zone=_string(entry.get("zone"), source, f"{where}.zone", optional=True),
        os_disk=(
            _disk_type(os_disk["disk_type"], source, f"{where}.os_disk.disk_type"),
            _string(os_disk["sent"], source, f"{where}.os_disk.sent"),
        ),
        data_disks=locked,
        image_generation=generation,
        disk_scope=_string(entry.get("disk_scope"), source, f"{where}.disk_scope", optional=True),
        vm=vm,
    )


def parse(document: Any, source: str) -> dict[str, LockEntry]:
    """The entries of a lock document by VM name; LockError (one line) for anything malformed."""
    top = _mapping(document, source, "top level")
    _keys(top, {"version", "about", "vms"}, {"version", "vms"}, source, "top level")
    if top["version"] != LOCK_VERSION:
        raise LockError(
            f"{source}: version {top['version']!r} is not one this version of multicloud-vm reads "
            f"({LOCK_VERSION}); upgrade multicloud-vm, or {FIX}"
        )
    vms = _mapping(top["vms"], source, "vms")
    return {name: _entry(entry, source, f"vms.{name}", name) for name, entry in vms.items()}


def parse_text(text: str, source: str) -> dict[str, LockEntry]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise LockError(f"{source}: not valid JSON ({error.msg} at line {error.lineno}); {FIX}") from None
    except RecursionError:
        raise LockError(f"{source}: nested too deeply; {FIX}") from None
    return parse(document, source)


def entry_document(spec: Any) -> dict[str, Any]:
    """The lock entry for a resolved spec, as JSON-ready data."""
    entry: dict[str, Any] = {
        "resolved_from": dict(spec.lock.resolved_from),
        "instance_type": spec.instance_type,
        "zone": spec.zone,
        "os_disk": {"disk_type": spec.disk_type, "sent": spec.os_disk_sent},
    }
    if spec.image_generation:  # only a cloud with Hyper-V generations (Azure) has one
        entry["image_generation"] = spec.image_generation
    scope = rules(spec.cloud).data_disk_scope(spec) if spec.data_disks else None
    if scope is not None:
        entry["disk_scope"] = scope[1]
    if spec.data_disks:
        entry["data_disks"] = {
            disk.key: {
                "size_gib": disk.size_gib,
                "disk_type": disk.disk_type,
                "sent": disk.sent_type,
                "slot": disk.slot,
                "origin": disk.origin,
                **({"cloud_name": disk.cloud_name} if disk.cloud_name else {}),
            }
            for disk in spec.data_disks
        }
    return entry


def render(entries: Mapping[str, Mapping[str, Any]], stack: str) -> str:
    """The lock file's text: sorted, indented, one trailing newline (diffs stay small)."""
    document = {
        "version": LOCK_VERSION,
        "about": (
            f"What the VMs of stack {stack} were resolved to (size, zone, disk types and slots). Written by "
            f"`python -m components lock --stack {stack}`; commit it beside Pulumi.{stack}.yaml. See docs/lock.md."
        ),
        "vms": {name: entries[name] for name in sorted(entries)},
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
