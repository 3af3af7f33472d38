"""What azure-native does when an input changes, per resource type the component registers (or may).

azure-native replaces a resource only when a URL path parameter of its PUT changes (its resource
group, its own name) or a property its generator marks force-new: the hand-kept ``forceNewMap`` or
a property the API spec marks create-only (``x-ms-mutability`` without ``update``)
(pulumi/pulumi-azure-native provider/pkg/provider/diff.go calculateDetailedDiff,
provider/pkg/gen/replacement.go forceNewMap, provider/pkg/gen/properties.go forceNew). Everything
else is sent as an update, which Azure may refuse (pulumi/pulumi-azure-native#577, #959): those are
``fails`` here, and the component turns the VM's into replacements with ``replace_on_changes``.
"""

from __future__ import annotations

from .azure import REPLACE_ON_CHANGES
from .resource_rules import Rule, TypeRules, rules_for

DIFF = "azure-native provider/pkg/provider/diff.go: a URL path parameter"
FORCE_NEW = "azure-native provider/pkg/gen/replacement.go forceNewMap"
REFUSED = "Azure answers PropertyChangeNotAllowed to an update"
LOCATION = Rule(
    "location",
    "fails",
    "azure-native sends a new location as an update; Azure answers InvalidResourceLocation "
    "(pulumi/pulumi-azure-native#3053)",
)
LEARN = "https://learn.microsoft.com/azure/virtual-machines"


def path_params(*names: str) -> tuple[Rule, ...]:
    return tuple(Rule(name, "replace", f"{DIFF} ({name})") for name in names)


# Beyond what the component replaces on (azure.REPLACE_ON_CHANGES, all refused the same way).
VM_REFUSED = (
    *REPLACE_ON_CHANGES,
    "storageProfile.imageReference",
    "storageProfile.osDisk.name",
    "storageProfile.osDisk.createOption",
    "storageProfile.dataDisks[*].name",
    "storageProfile.dataDisks[*].createOption",
    "storageProfile.dataDisks[*].managedDisk.id",
)
# Changes Azure makes only with the VM deallocated, which azure-native never does.
DEALLOCATE = {
    "storageProfile.osDisk.managedDisk.storageAccountType": f"{LEARN}/disks-convert-types: 'deallocate the VM'",
    "storageProfile.dataDisks[*].managedDisk.storageAccountType": f"{LEARN}/disks-convert-types: 'deallocate the VM'",
    "storageProfile.osDisk.diskSizeGB": f"{LEARN}/linux/expand-disks: an OS disk grows only with the VM deallocated",
}

TYPES = rules_for(
    [
        TypeRules(
            "azure-native:resources:ResourceGroup",
            "Microsoft.Resources resourceGroups PUT /subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}",
            (*path_params("resourceGroupName"), Rule("location", "replace", f"{FORCE_NEW}: Resources/ResourceGroup")),
        ),
        TypeRules(
            "azure-native:network:VirtualNetwork",
            "Microsoft.Network virtualNetworks PUT .../virtualNetworks/{virtualNetworkName}",
            (
                *path_params("resourceGroupName", "virtualNetworkName"),
                Rule("location", "replace", f"{FORCE_NEW}: Network/VirtualNetwork"),
            ),
        ),
        TypeRules(
            "azure-native:network:Subnet",
            f"Microsoft.Network subnets PUT .../subnets/{{subnetName}}; {FORCE_NEW}: Network/Subnet has none",
            path_params("resourceGroupName", "virtualNetworkName", "subnetName"),
        ),
        TypeRules(
            "azure-native:network:NetworkSecurityGroup",
            "Microsoft.Network networkSecurityGroups PUT .../networkSecurityGroups/{networkSecurityGroupName}",
            (*path_params("resourceGroupName", "networkSecurityGroupName"), LOCATION),
        ),
        TypeRules(
            "azure-native:network:PublicIPAddress",
            "Microsoft.Network publicIPAddresses PUT .../publicIPAddresses/{publicIpAddressName}",
            (
                *path_params("resourceGroupName", "publicIpAddressName"),
                *(
                    Rule(name, "replace", f"{FORCE_NEW}: Network/PublicIPAddress {name}")
                    for name in ("location", "publicIPAddressVersion", "publicIPPrefix", "sku")
                ),
                Rule("zones", "fails", f"{REFUSED}: a public IP cannot move between zones"),
            ),
        ),
        TypeRules(
            "azure-native:network:NetworkInterface",
            "Microsoft.Network networkInterfaces PUT .../networkInterfaces/{networkInterfaceName}",
            (*path_params("resourceGroupName", "networkInterfaceName"), LOCATION),
        ),
        TypeRules(
            "azure-native:compute:VirtualMachine",
            f"Microsoft.Compute virtualMachines PUT .../virtualMachines/{{vmName}}; {FORCE_NEW}: no Compute entry",
            (
                *path_params("resourceGroupName", "vmName"),
                LOCATION,
                *(Rule(path, "fails", source) for path, source in DEALLOCATE.items()),
                *(Rule(path, "fails", f"{REFUSED} ({path})") for path in VM_REFUSED),
                Rule(
                    "hardwareProfile.vmSize",
                    "restart",
                    f"{LEARN}/sizes/resize-vm: 'resizing a running VM restarts it'",
                ),
            ),
            holds="vm",
            os_disk="storageProfile.osDisk",
            keeps_os_disk=("storageProfile.osDisk.deleteOption", "Detach"),
            # DataDisk.lun: "Specifies the logical unit number of the data disk ... must be unique for
            # each data disk attached to a VM" (Microsoft.Compute 2024-11-01): a disk is its LUN.
            keyed=(("storageProfile.dataDisks", "lun"),),
        ),
        TypeRules(
            "azure-native:compute:VirtualMachineExtension",
            "Microsoft.Compute extensions PUT .../virtualMachines/{vmName}/extensions/{vmExtensionName}",
            (
                *path_params("resourceGroupName", "vmName", "vmExtensionName"),
                LOCATION,
                *(Rule(path, "fails", f"{REFUSED} ({path})") for path in ("publisher", "type")),
            ),
            # An extension is a child resource of its VM in Azure: deleting the VM deletes it.
            # https://learn.microsoft.com/azure/virtual-machines/extensions/overview
            deleted_with="azure-native:compute:VirtualMachine",
        ),
        TypeRules(
            "azure-native:compute:Disk",
            "Microsoft.Compute disks PUT .../disks/{diskName}",
            (
                *path_params("resourceGroupName", "diskName"),
                LOCATION,
                Rule(
                    "creationData",
                    "fails",
                    "Disk API: 'CreationData information cannot be changed after the disk has been created'",
                ),
                Rule("zones", "fails", f"{REFUSED}: a managed disk cannot move between zones"),
                Rule(
                    "sku",
                    "fails",
                    f"{LEARN}/disks-convert-types: an attached disk's type changes only with the VM deallocated",
                ),
            ),
            holds="disk",
        ),
    ]
)
