"""What pulumi-gcp does when an input changes, per resource type the component registers (or may).

pulumi-gcp v9+ bridges terraform-provider-google v7: an attribute marked ``ForceNew`` in the
resource's schema replaces the resource, ``CustomizeDiff`` may force it case by case, anything else is
an update. Files are in hashicorp/terraform-provider-google, ``google/services/<service>/``; the
mmv1 resources are generated from GoogleCloudPlatform/magic-modules ``mmv1/products/<product>``.
"""

from __future__ import annotations

from .resource_rules import Rule, TypeRules, count_changes, force_new, is_true, rules_for, shrinks

TF = "terraform-provider-google google/services"
INSTANCE = f"{TF}/compute/resource_compute_instance.go ResourceComputeInstance()"
STOPPING = "allowStoppingForUpdate"
# Instance inputs the provider changes only with the VM stopped, and only with allow_stopping_for_update
# (else it fails: "Changing the machine_type ... requires stopping it. To acknowledge this, please set
# allow_stopping_for_update = true"): resourceComputeInstanceUpdate.
_NEEDS_STOP = (
    "machineType", "minCpuPlatform", "serviceAccount", "enableDisplay", "shieldedInstanceConfig",
    "advancedMachineFeatures", "guestAccelerators", "networkInterfaces[*].network",
    "networkInterfaces[*].subnetwork", "networkInterfaces[*].subnetworkProject",
)  # fmt: skip
_INSTANCE_FORCE_NEW = (
    "name", "zone", "project", "bootDisk.initializeParams", "bootDisk.deviceName", "bootDisk.diskEncryptionKeyRaw",
    "bootDisk.kmsKeySelfLink", "bootDisk.mode", "bootDisk.source", "bootDisk.guestOsFeatures",
    "networkInterfaces[*].nicType", "networkInterfaces[*].networkAttachment", "metadataStartupScript",
    "scheduling.preemptible", "scheduling.provisioningModel", "scratchDisks", "confidentialInstanceConfig",
    "hostname", "canIpForward",
)  # fmt: skip


TYPES = rules_for(
    [
        TypeRules(
            "gcp:compute/instance:Instance",
            INSTANCE,
            (
                *force_new(INSTANCE, *_INSTANCE_FORCE_NEW),
                Rule(
                    "networkInterfaces",
                    "replace",
                    f"{INSTANCE}: network_interface ForceNew (its count)",
                    when=count_changes("networkInterfaces"),
                ),
                *(
                    Rule(path, "restart", f"{INSTANCE} update: stops and starts the VM", when=is_true(STOPPING))
                    for path in _NEEDS_STOP
                ),
                *(
                    Rule(path, "fails", f"{INSTANCE} update: needs allow_stopping_for_update to stop the VM")
                    for path in _NEEDS_STOP
                ),
            ),
            holds="vm",
            os_disk="bootDisk",
            keeps_os_disk=("bootDisk.autoDelete", False),
        ),
        TypeRules(
            "gcp:compute/disk:Disk",
            f"{TF}/compute/resource_compute_disk.go (magic-modules mmv1/products/compute/Disk.yaml)",
            (
                *force_new(
                    f"{TF}/compute/resource_compute_disk.go",
                    "name",
                    "zone",
                    "project",
                    "type",
                    "image",
                    "snapshot",
                    "sourceDisk",
                    "diskEncryptionKey",
                    "physicalBlockSizeBytes",
                    "storagePool",
                    "architecture",
                    "interface",
                ),
                Rule(
                    "size",
                    "replace",
                    "resource_compute_disk.go CustomizeDiff: a smaller size forces a new disk "
                    "(hashicorp/terraform-provider-google#8614); a larger one resizes in place",
                    when=shrinks("size"),
                ),
            ),
            holds="disk",
        ),
        TypeRules(
            "gcp:compute/firewall:Firewall",
            f"{TF}/compute/resource_compute_firewall.go",
            force_new(f"{TF}/compute/resource_compute_firewall.go", "name", "network", "project", "direction"),
        ),
        TypeRules(
            "gcp:compute/network:Network",
            f"{TF}/compute/resource_compute_network.go",
            force_new(
                f"{TF}/compute/resource_compute_network.go",
                "name",
                "project",
                "autoCreateSubnetworks",
                "description",
                "enableUlaInternalIpv6",
                "internalIpv6Range",
            ),
        ),
        TypeRules(
            "gcp:compute/subnetwork:Subnetwork",
            f"{TF}/compute/resource_compute_subnetwork.go: ip_cidr_range expands in place",
            (
                *force_new(
                    f"{TF}/compute/resource_compute_subnetwork.go", "name", "network", "region", "project", "purpose"
                ),
                Rule(
                    "ipCidrRange",
                    "replace",
                    "resource_compute_subnetwork.go CustomizeDiff IsShrinkageIpCidr: a smaller range forces a new "
                    "subnetwork",
                    when=lambda old, new: (
                        old.get("ipCidrRange") != new.get("ipCidrRange")
                        and not _expands(old.get("ipCidrRange"), new.get("ipCidrRange"))
                    ),
                ),
            ),
        ),
        TypeRules(
            "gcp:serviceaccount/account:Account",
            f"{TF}/resourcemanager/resource_google_service_account.go",
            force_new(f"{TF}/resourcemanager/resource_google_service_account.go", "accountId", "project"),
        ),
        TypeRules(
            "gcp:secretmanager/secret:Secret",
            f"{TF}/secretmanager/resource_secret_manager_secret.go (mmv1 products/secretmanager/Secret.yaml)",
            force_new(f"{TF}/secretmanager/resource_secret_manager_secret.go", "secretId", "project", "replication"),
        ),
        TypeRules(
            "gcp:secretmanager/secretVersion:SecretVersion",
            f"{TF}/secretmanager/resource_secret_manager_secret_version.go",
            force_new(
                "magic-modules mmv1/products/secretmanager/SecretVersion.yaml (immutable: ForceNew)",
                "secret",
                "secretData",
                "secretDataWoVersion",
                "isSecretDataBase64",
            ),
        ),
        TypeRules(
            "gcp:secretmanager/secretIamMember:SecretIamMember",
            f"{TF}/secretmanager/iam_secret_manager_secret.go (tpgiamresource IamMember)",
            force_new("tpgiamresource/resource_iam_member.go", "secretId", "project", "role", "member", "condition"),
        ),
        TypeRules(
            "gcp:projects/iAMMember:IAMMember",
            f"{TF}/resourcemanager/iam_project.go (tpgiamresource IamMember)",
            force_new("tpgiamresource/resource_iam_member.go", "project", "role", "member", "condition"),
        ),
    ]
)


def _expands(before, after) -> bool:
    """Whether CIDR ``after`` contains ``before`` (a subnetwork's range may only grow in place)."""
    import ipaddress

    try:
        return ipaddress.ip_network(before).subnet_of(ipaddress.ip_network(after))
    except (TypeError, ValueError):
        return False
