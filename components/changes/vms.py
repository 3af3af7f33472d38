"""Per VM, in the user's words: what ``pulumi up`` does to it, which fields cause it, and the data at
risk. A VM is a ``VirtualMachine`` component and the resources under it; it is

- ``create`` / ``delete`` when the component is new or gone;
- ``replace`` when its VM resource is replaced (its OS disk's contents are lost);
- ``restart`` when the VM resource is updated with a stop and start;
- ``update in place`` when anything under it changes otherwise (a data disk replaced this way still
  loses its data: it is named in ``data_lost``);
- ``no change`` otherwise.

Data disks are the resources whose type holds a disk (``cloud_rules/*_resources.py``) and, on Azure,
the VM's inline ``storageProfile.dataDisks`` (gone with their VM when their ``deleteOption`` is
``Delete``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..cloud_rules.resource_rules import type_rules
from ..property_paths import get
from .engine import Step
from .fields import FIELDS, fields_of, fields_of_resource
from .state import Resource

VM_TYPE = "multicloud:index:VirtualMachine"
OS_DISK = "OS disk"
VM_OP_ORDER = ("replace", "delete", "update", "same", "create")
KEPT = ("kept", "updated", "new", "detached", "retained", "protected")


@dataclass
class VmChange:
    name: str
    change: str
    because: list[str] = field(default_factory=list)
    data_lost: list[str] = field(default_factory=list)
    data: dict[str, str] = field(default_factory=dict)
    """Each disk (the OS disk first) -> ``kept``, ``updated``, ``lost``, ``new``, ``detached``,
    ``retained`` (deleted from the stack, kept in the cloud: retain_on_delete) or ``protected``
    (pulumi up refuses to delete it)."""
    notes: list[str] = field(default_factory=list)
    certain: bool = True
    refused: list[str] = field(default_factory=list)
    """``resource: input`` for each update the cloud will refuse (the ``pulumi up`` fails there)."""

    def as_dict(self) -> dict:
        return {"name": self.name, "change": self.change, "because": self.because, "data_lost": self.data_lost,
                "data": self.data, "certain": self.certain, "refused": self.refused, "notes": self.notes}  # fmt: skip

    def summary(self) -> str:
        """``db: replace (user_data); OS disk lost; data disks kept``."""
        text = f"{self.name}: {self.change}" + (f" ({', '.join(self.because)})" if self.because else "")
        return "; ".join([text, *data_phrases(self.data)])


def data_phrases(data: dict[str, str]) -> list[str]:
    phrases = []
    if data.get(OS_DISK) == "lost":
        phrases.append("OS disk lost")
    disks = {name: state for name, state in data.items() if name != OS_DISK}
    lost = [name for name, state in disks.items() if state == "lost"]
    if lost:
        phrases.append(f"data lost: {', '.join(lost)}")
    elif disks and all(state in KEPT for state in disks.values()):
        kept = [s for s in disks.values() if s != "new"]
        if kept:
            phrases.append("data disks kept" + (" (some detached)" if {"detached", "retained"} & set(kept) else ""))
    return phrases


def _descendants(root: str, resources: list[Resource]) -> list[Resource]:
    parents = {r.urn: r.parent for r in resources}
    out = []
    for resource in resources:
        parent, seen = resource.parent, 0
        while parent and parent != root and seen < 64:
            parent, seen = parents.get(parent), seen + 1
        if parent == root and resource.urn != root:
            out.append(resource)
    return out


def causes(step: Step, steps: dict[str, Step], depth: int = 0) -> tuple[list[tuple[str, ...]], bool]:
    """The candidate fields behind a step (one tuple per cause) and whether it is certain."""
    resource = step.resource
    if depth > 8:
        return [], step.certain
    if step.op in ("create", "delete"):
        whole = fields_of_resource(resource.type)
        return ([whole] if whole else []), True
    if step.cause in ("dependent", "replace_with") and step.root in steps:
        found, _ = causes(steps[step.root], steps, depth + 1)
        return found, True
    relevant = [c for c in step.changes if step.op != "replace" or c.effect == "replace"]
    found: list[tuple[str, ...]] = []
    for change in relevant:
        if change.path == "replacement trigger":
            found.append(("image",))
        elif change.via:
            for urn in change.via:
                if urn in steps:
                    found += causes(steps[urn], steps, depth + 1)[0]
        else:
            candidates = fields_of(resource.type, change.path)
            if candidates:
                found.append(candidates)
    return found, step.certain


def narrow(candidates: list[tuple[str, ...]], changed: set[str] | None) -> list[str]:
    """One field per cause: those known to have changed, else the usual one (the first)."""
    names: list[str] = []
    for options in candidates:
        picked = [f for f in options if changed and f in changed] or [options[0]]
        names += [f for f in picked if f not in names]
    order = {name: i for i, name in enumerate(FIELDS)}
    return sorted(names, key=lambda name: order.get(name, len(order)))


def _inline_disks(resource: Resource | None) -> dict[str, dict]:
    """The data disks a VM holds itself (Azure ``dataDisks``), by name. A disk it only attaches
    (``createOption: Attach``) is a resource of its own, whose step says what happens to it: listed here
    too it would be "kept" under the name it has in the cloud while its resource is replaced."""
    if resource is None:
        return {}
    disks = get(resource.inputs, ("storageProfile", "dataDisks")) or []
    return {
        d.get("name") or f"LUN {d.get('lun')}": d
        for d in disks
        if isinstance(d, dict) and str(d.get("createOption", "")) != "Attach"
    }


def disk_states(vm_step: Step | None, children: list[Resource], steps: dict[str, Step]) -> dict[str, str]:
    """What happens to each disk of a VM: the OS disk, disk resources, inline (Azure) data disks."""
    states: dict[str, str] = {}
    if vm_step is not None:
        resource = vm_step.resource
        vm_rules = type_rules(resource.type)  # where the VM keeps its OS disk's settings, what keeps the disk
        keep_path, keep_value = (vm_rules and vm_rules.keeps_os_disk) or ("", None)
        keeps = bool(keep_path) and get(resource.inputs, tuple(keep_path.split("."))) == keep_value
        os_prefix = (vm_rules and vm_rules.os_disk) or "\0"
        if vm_step.op in ("replace", "delete"):
            states[OS_DISK] = "detached" if keeps else "lost"
        elif vm_step.op == "create":
            states[OS_DISK] = "new"
        else:
            touched = any(c.path.startswith(os_prefix) for c in vm_step.changes)
            states[OS_DISK] = "updated" if touched else "kept"
        old_disks, new_disks = _inline_disks(vm_step.old), _inline_disks(vm_step.new)
        for name in [*old_disks, *[n for n in new_disks if n not in old_disks]]:
            before, after = old_disks.get(name), new_disks.get(name)
            if before is None:
                states[name] = "new"
            elif vm_step.op in ("replace", "delete"):
                states[name] = "lost" if str(before.get("deleteOption", "Detach")) == "Delete" else "kept"
            elif after is None:
                states[name] = "detached"
            else:
                states[name] = "updated" if before != after else "kept"
    for child in children:
        rules = type_rules(child.type)
        step = steps.get(child.urn)
        if rules is None or rules.holds != "disk" or step is None:
            continue
        old = step.old
        if step.op in ("delete", "replace") and old is not None and old.protect:
            states[child.name] = "protected"
        elif step.op in ("delete", "replace") and old is not None and old.retain_on_delete:
            states[child.name] = "retained"
        else:
            states[child.name] = {"same": "kept", "update": "updated", "create": "new"}.get(step.op, "lost")
    disks = sorted((name for name in states if name != OS_DISK), key=natural)
    return {name: states[name] for name in ([OS_DISK] if OS_DISK in states else []) + disks}


def natural(name: str) -> tuple:
    """``db-data-2`` before ``db-data-10``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def vm_changes(
    before: list[Resource],
    after: list[Resource],
    steps: dict[str, Step],
    changed_fields: dict[str, set[str]] | None = None,
) -> list[VmChange]:
    """Every VM of either run, by name, with its change, its causes and its data at risk."""
    carried = {s.old.urn for s in steps.values() if s.old is not None and s.new is not None}
    components = {r.urn: r for r in after if r.type == VM_TYPE}
    components |= {r.urn: r for r in before if r.type == VM_TYPE and r.urn not in carried}
    everything = {r.urn: r for r in [*before, *after]}
    out = []
    for urn, component in sorted(components.items(), key=lambda item: item[1].name):
        children = _descendants(urn, list(everything.values()))
        child_steps = [steps[c.urn] for c in children if c.urn in steps]
        vm_steps = [s for s in child_steps if (type_rules(s.resource.type) or _NONE).holds == "vm"]
        # A VM resource renamed without an alias is one deleted and one created: the deletion counts.
        vm_step = min(vm_steps, key=lambda s: VM_OP_ORDER.index(s.op), default=None)
        own = steps.get(urn)
        known = (changed_fields or {}).get(component.name)
        change = _change(own, vm_step, child_steps)
        result = VmChange(component.name, change)
        result.data = disk_states(vm_step, children, steps)
        if change in ("create", "delete"):
            result.data_lost = [n for n, s in result.data.items() if s == "lost"]
            out.append(result)
            continue
        if change in ("replace", "restart"):
            determining = [vm_step] if vm_step else []
        else:
            determining = [s for s in child_steps if s.op != "same"]
        candidates, certain = [], bool(determining)
        for step in determining:
            found, sure = causes(step, steps)
            candidates += found
            certain = certain and sure
        result.because = narrow(candidates, known)
        result.certain = certain or change == "no change"
        if not result.certain:
            result.because = [f"{name} (may change)" for name in result.because]
        result.data_lost = [n for n, s in result.data.items() if s == "lost"]
        result.notes = _notes(child_steps, vm_step)
        result.refused = [f"{s.resource.name}: {c.path}" for s in child_steps for c in s.fails]
        out.append(result)
    return out


class _NoRules:
    holds = ""


_NONE = _NoRules()


def _change(own: Step | None, vm_step: Step | None, child_steps: list[Step]) -> str:
    if own is not None and own.op in ("create", "delete"):
        return own.op
    if vm_step is not None and vm_step.op in ("replace", "create", "delete"):
        return "replace"
    if vm_step is not None and vm_step.restart:
        return "restart"
    if any(s.op != "same" for s in child_steps):
        return "update in place"
    return "no change"


def _notes(child_steps: list[Step], vm_step: Step | None = None) -> list[str]:
    notes = []
    replaced = {s.resource.type for s in child_steps if s.op == "replace"}
    vm_goes = vm_step is not None and vm_step.op in ("replace", "delete")
    side_effects: dict[str, list[str]] = {}
    for step in child_steps:
        rules = type_rules(step.resource.type)
        old = step.old
        if old is not None and step.op in ("delete", "replace") and old.protect:
            notes.append(f"{old.name}: protected: pulumi up refuses to {step.op} it and stops there")
        # What deleting it does to the VM matters only to a VM that stays (detaching stops it).
        if rules and rules.delete_note and old is not None and step.op in ("delete", "replace") and not vm_goes:
            condition, note = rules.delete_note
            if old.inputs.get(condition) is True:
                side_effects.setdefault(note, []).append(old.name)
        if rules and rules.deleted_with in replaced and step.op in ("same", "update"):
            notes.append(
                f"{step.resource.name}: the cloud deletes it with the replaced {rules.deleted_with.rsplit(':', 1)[-1]} "
                "and pulumi up does not create it again (it does not depend on it)"
            )
        for change in step.fails:
            notes.append(f"{step.resource.name}: {change.path}: the cloud refuses this update ({change.source})")
        for path in step.ignored if step.op != "replace" else ():
            notes.append(
                f"{step.resource.name}: {path}: changed, not applied (the component ignores it after creation)"
            )
        if step.unknown_type and step.op != "same":
            notes.append(f"{step.resource.name}: {step.resource.type} is not in the cloud rules: effect not known")
    notes += [f"{', '.join(sorted(names, key=natural))}: {note}" for note, names in side_effects.items()]
    return notes
