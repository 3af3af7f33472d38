"""Day two under mocks: register a VM, lock what it resolved to, edit it, register it again, and compare
what the engine would receive for its data disks (URNs, inputs, options, dependencies)."""

from __future__ import annotations

import json
from pathlib import Path

from components.lockfile import LOCK_DIR_ENV, file_name
from components.offline import Evaluation, evaluate
from components.spec.lock import entry_document, render
from tests.support.common import DEFAULT_CONFIG
from tests.support.plugin_harness import (
    StableMocks,  # outputs independent of registration order: ids compare across runs
)

VM_TYPES = {
    "aws": "aws:ec2/instance:Instance",
    "azure": "azure-native:compute:VirtualMachine",
    "gcp": "gcp:compute/instance:Instance",
}
# The resources that hold a disk's data: they must never take an input from the VM.
DISK_TYPES = {"aws": "aws:ebs/volume:Volume", "azure": "azure-native:compute:Disk", "gcp": "gcp:compute/disk:Disk"}
ATTACHMENT = "aws:ec2/volumeAttachment:VolumeAttachment"


def register(name: str, args: dict, monkeypatch, lock_dir: Path | None = None, opts=None) -> tuple[Evaluation, object]:
    """One ``pulumi up`` of a program holding one VM (with resource options ``opts``), against the lock
    in ``lock_dir`` (none if None)."""
    import pulumi

    from components import VirtualMachine

    if lock_dir is not None:
        monkeypatch.setenv(LOCK_DIR_ENV, str(lock_dir))
    built = {}

    def program():
        built["vm"] = VirtualMachine(name, args, opts)
        pulumi.export(name, built["vm"].outputs())

    return evaluate(program, config=DEFAULT_CONFIG, mocks=StableMocks()), built["vm"]


def write_lock(directory: Path, *vms, stack: str = "dev") -> Path:
    """What ``python -m components lock`` writes after the VMs were deployed."""
    path = directory / file_name(stack)
    path.write_text(render({vm.spec.name: entry_document(vm.spec) for vm in vms}, stack))
    return path


def disks_of(evaluation: Evaluation, cloud: str, attachments: bool = True) -> dict[str, object]:
    types = {DISK_TYPES[cloud], ATTACHMENT} if attachments else {DISK_TYPES[cloud]}
    return {r.urn: r for r in evaluation.resources if r.type in types}


def the_vm(evaluation: Evaluation, cloud: str):
    (vm,) = evaluation.of_type(VM_TYPES[cloud])
    return vm


def depends_on(resource, urn: str) -> bool:
    return urn in resource.dependencies or any(urn in urns for urns in resource.property_dependencies.values())


def options(resource) -> dict:
    return {
        "protect": resource.protect,
        "retain_on_delete": resource.retain_on_delete,
        "delete_before_replace": resource.delete_before_replace,
        "aliases": resource.aliases,
    }


def slots(evaluation: Evaluation, cloud: str) -> dict[str, object]:
    """Each disk's slot as the cloud sees it: AWS device name, Azure LUN, GCP device name, by disk id."""
    if cloud == "aws":
        return {a.inputs["volumeId"]: a.inputs["deviceName"] for a in evaluation.of_type(ATTACHMENT)}
    vm = the_vm(evaluation, cloud).inputs
    if cloud == "azure":
        return {d["managedDisk"]["id"]: d["lun"] for d in vm["storageProfile"].get("dataDisks", [])}
    return {d["source"]: d["deviceName"] for d in vm.get("attachedDisks", [])}


def without(inputs: dict, *keys: str) -> dict:
    return {k: v for k, v in json.loads(json.dumps(inputs)).items() if k not in keys}
