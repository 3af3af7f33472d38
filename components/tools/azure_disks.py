"""``python -m components azure-disks EXPORT.json``: the ``pulumi import`` file that adopts the data disks
of Azure VMs deployed before data disks were resources of their own.

Such VMs created their data disks inline (``createOption: Empty``, deleted with the VM). This version
makes each a ``compute.Disk`` named ``<vm>-data-<index>`` (the Azure name those disks already have),
attached to the VM. azure-native refuses to create a disk that exists, so the disks are adopted with
``pulumi import --file``: this tool reads a ``pulumi stack export`` and writes that file (each disk's
type, resource name, parent VM component and Azure id), the ``resource_group_name`` the ``import_``
option would need being unknown until the stack runs (docs/lock.md, "Azure data disks").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .command_line import ToolParser
from .inputs import InputFileError, read_text

VM_TYPE = "azure-native:compute:VirtualMachine"
DISK_TYPE = "azure-native:compute:Disk"
COMPONENT_TYPE = "multicloud:index:VirtualMachine"


class ExportError(ValueError):
    """A stack export that cannot be read; one line naming the file and the problem."""


def _resources(document: Any, source: str) -> list[dict]:
    if not isinstance(document, dict):
        raise ExportError(f"{source}: expected the JSON object `pulumi stack export` writes")
    deployment = document.get("deployment", document)
    resources = deployment.get("resources") if isinstance(deployment, dict) else None
    if not isinstance(resources, list) or not all(
        isinstance(r, dict) and isinstance(r.get("urn"), str) for r in resources
    ):
        raise ExportError(
            f"{source}: no deployment.resources list of resources with URNs (is it a `pulumi stack export`?)"
        )
    return resources


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _disk_id(vm: dict, disk: dict) -> str | None:
    """The disk's Azure id: as Azure reported it on the VM, else beside the VM in its resource group."""
    reported = (disk.get("managedDisk") or {}).get("id")
    if isinstance(reported, str) and reported:
        return reported
    vm_id = vm.get("id") or (vm.get("outputs") or {}).get("id")
    if isinstance(vm_id, str) and "/providers/Microsoft.Compute/virtualMachines/" in vm_id:
        return vm_id.split("/providers/", 1)[0] + f"/providers/Microsoft.Compute/disks/{disk['name']}"
    return None


def import_file(document: Any, source: str) -> tuple[dict, list[str]]:
    """The ``pulumi import --file`` document for every inline data disk of the component's Azure VMs
    (disks already adopted are left out), and one line per VM for the user."""
    resources = _resources(document, source)
    by_urn = {r["urn"]: r for r in resources}
    existing = {(r.get("parent"), _name(r["urn"])) for r in resources if r.get("type") == DISK_TYPE}
    name_table: dict[str, str] = {}
    imports: list[dict] = []
    summary: list[str] = []
    for vm in resources:
        parent = by_urn.get(vm.get("parent") or "")
        if vm.get("type") != VM_TYPE or parent is None or parent.get("type") != COMPONENT_TYPE:
            continue
        state = vm.get("outputs") or vm.get("inputs") or {}
        disks = [d for d in (state.get("storageProfile") or {}).get("dataDisks") or [] if isinstance(d, dict)]
        inline = [d for d in disks if d.get("createOption") != "Attach" and isinstance(d.get("name"), str)]
        component = _name(parent["urn"])
        added = []
        for disk in sorted(inline, key=lambda d: d.get("lun", 0)):
            if (parent["urn"], disk["name"]) in existing:
                continue
            disk_id = _disk_id(vm, disk)
            if disk_id is None:
                raise ExportError(
                    f"{source}: {_name(vm['urn'])}: data disk {disk['name']!r} has no Azure id in the export"
                )
            entry = {"type": DISK_TYPE, "name": disk["name"], "id": disk_id, "parent": component}
            provider = vm.get("provider") or ""
            if provider and not _name(provider.rsplit("::", 1)[0]).startswith("default"):
                name_table[_name(provider.rsplit("::", 1)[0])] = provider.rsplit("::", 1)[0]
                entry["provider"] = _name(provider.rsplit("::", 1)[0])
            name_table[component] = parent["urn"]
            imports.append(entry)
            lun = disk.get("lun")
            added.append(f"{disk['name']} (LUN {lun:g})" if isinstance(lun, (int, float)) else disk["name"])
        if added:
            summary.append(f"{component}: {', '.join(added)}")
    return {"nameTable": name_table, "resources": imports}, summary


def main(argv: list[str] | None = None) -> int:
    parser = ToolParser(
        prog="python -m components azure-disks", label="azure-disks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("export", type=Path, help="the output of `pulumi stack export` (a JSON file)")
    parser.add_argument("--out", type=Path, help="write the import file here (default: standard output)")
    try:
        options = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        if options.out is not None and options.out.exists():
            raise ExportError(f"--out {options.out}: exists; name a new file (nothing was written)")
        text = read_text(options.export, "a `pulumi stack export` JSON file")
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ExportError(f"{options.export}: not valid JSON ({error.msg} at line {error.lineno})") from None
        result, summary = import_file(document, str(options.export))
    except (ExportError, InputFileError, RecursionError) as error:
        message = str(error) if not isinstance(error, RecursionError) else f"{options.export}: nested too deeply"
        print(f"azure-disks: {message}", file=sys.stderr)
        return 2
    text = json.dumps(result, indent=2) + "\n"
    if options.out is None:
        sys.stdout.write(text)
    else:
        from ..lockfile import write

        write(options.out, text)
    if not result["resources"]:
        print("azure-disks: no inline Azure data disks to adopt (nothing to do)", file=sys.stderr)
        return 0
    target = options.out or "FILE"
    print(
        f"azure-disks: {len(result['resources'])} disks of {len(summary)} VMs: " + "; ".join(summary) + ". Next: "
        f"`pulumi import --file {target} --generate-code=false --protect=false`, then `pulumi up`",
        file=sys.stderr,
    )
    return 0
