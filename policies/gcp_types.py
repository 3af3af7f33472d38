"""GCP (pulumi-gcp): which resource types each rule checks, how, and which it leaves out and why.

Instances and instance templates share one shape; an instance made from a template or machine image
takes what it does not set from its source, so its checks treat absent values as inherited (the
template is checked itself).
"""

from __future__ import annotations

from . import fleets, identity, network, public_ip
from .placement import allowed_image, check_allowed_region, read_field, read_gcp_template_image
from .tags import check_required_tags
from .type_coverage import Exclusion
from .values import inheriting

INSTANCE = "gcp:compute/instance:Instance"
FROM_TEMPLATE = "gcp:compute/instanceFromTemplate:InstanceFromTemplate"
FROM_MACHINE_IMAGE = "gcp:compute/instanceFromMachineImage:InstanceFromMachineImage"
TEMPLATE = "gcp:compute/instanceTemplate:InstanceTemplate"
REGION_TEMPLATE = "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"
IGM = "gcp:compute/instanceGroupManager:InstanceGroupManager"
REGION_IGM = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
DISK = "gcp:compute/disk:Disk"
REGION_DISK = "gcp:compute/regionDisk:RegionDisk"
TEMPLATES = (TEMPLATE, REGION_TEMPLATE)


def on_vms(check):
    """The check on instances and templates, absent values inherited for instances from a source."""
    return {
        INSTANCE: check,
        **dict.fromkeys(TEMPLATES, check),
        FROM_TEMPLATE: inheriting(check),
        FROM_MACHINE_IMAGE: inheriting(check),
    }


FLEETS = {
    INSTANCE: fleets.gcp_instance,
    TEMPLATE: fleets.gcp_instance_template,
    REGION_TEMPLATE: fleets.gcp_instance_template,
    FROM_TEMPLATE: fleets.gcp_instance_from_template,
    FROM_MACHINE_IMAGE: fleets.gcp_instance_from_machine_image,
    IGM: fleets.gcp_instance_group_manager,
    REGION_IGM: fleets.gcp_instance_group_manager,
}
# Fleets whose sizes always come from templates: judged by the ceiling on the templates, counted by the budget.
BUDGET_ONLY = (IGM, REGION_IGM)
SCALERS = {
    "gcp:compute/autoscaler:Autoscaler": fleets.gcp_autoscaler,
    "gcp:compute/regionAutoscaler:RegionAutoscaler": fleets.gcp_autoscaler,
}
INSTANCE_IMAGE = allowed_image(read_field("bootDisk", "initializeParams", "image", gcp=True))

CHECKS = {
    "admin-ports-open-to-internet": {
        "gcp:compute/firewall:Firewall": network.check_gcp_firewall,
        "gcp:compute/firewallPolicyRule:FirewallPolicyRule": network.check_gcp_policy_rule,
        "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule": network.check_gcp_policy_rule,
        "gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule": network.check_gcp_policy_rule,
        "gcp:compute/firewallPolicyWithRules:FirewallPolicyWithRules": network.check_gcp_policy_with_rules,
        "gcp:compute/networkFirewallPolicyWithRules:NetworkFirewallPolicyWithRules": network.check_gcp_policy_with_rules,
        "gcp:compute/regionNetworkFirewallPolicyWithRules:RegionNetworkFirewallPolicyWithRules": (
            network.check_gcp_policy_with_rules
        ),
    },
    "public-ip-on-vm": on_vms(public_ip.check_gcp_access_configs),
    "required-tags": {**on_vms(check_required_tags), DISK: check_required_tags, REGION_DISK: check_required_tags},
    "allowed-regions": {
        **dict.fromkeys((INSTANCE, FROM_TEMPLATE, FROM_MACHINE_IMAGE, REGION_TEMPLATE), check_allowed_region),
        **dict.fromkeys((IGM, REGION_IGM, DISK, REGION_DISK), check_allowed_region),
    },
    "allowed-images": {
        INSTANCE: INSTANCE_IMAGE,
        FROM_TEMPLATE: inheriting(INSTANCE_IMAGE),
        **dict.fromkeys(TEMPLATES, allowed_image(read_gcp_template_image)),
        DISK: allowed_image(read_field("image", gcp=True)),
        REGION_DISK: allowed_image(read_field("image", gcp=True)),
    },
    "gcp-shielded-vm": on_vms(identity.check_gcp_shielded_vm),
    "gcp-default-service-account": on_vms(identity.check_gcp_default_service_account),
}

EXCLUDED = (
    Exclusion(
        r"gcp:.*",
        "GCP encrypts every persistent disk, image and snapshot at rest and no property turns that off "
        "(diskEncryptionKey only chooses customer-managed keys)",
        ("disk-encryption-required",),
    ),
    Exclusion(r"gcp:.*I[aA][mM](Binding|Member|Policy)", "grants IAM on a resource: runs, opens or holds nothing"),
    Exclusion(
        f"{IGM}|{REGION_IGM}",
        "an instance group manager launches VMs from instance templates, which are checked (it has no labels, "
        "image, network or service account of its own)",
        ("public-ip-on-vm", "required-tags", "allowed-images", "gcp-shielded-vm", "gcp-default-service-account"),
    ),
    Exclusion(
        f"{IGM}|{REGION_IGM}",
        "its VM sizes come from its instance templates, which the ceiling judges (the budget counts the group: "
        "targetSize, or an autoscaler's minReplicas, x the template's price)",
        ("vm-hourly-price-ceiling", "vm-price-unknown"),
    ),
    Exclusion(
        TEMPLATE,
        "a global template has no region; the VMs made from it are judged where they run (groups, instances)",
        ("allowed-regions",),
    ),
    Exclusion(
        FROM_MACHINE_IMAGE,
        "boots the machine image it names (not an image name the allow-list can judge)",
        ("allowed-images",),
    ),
    Exclusion(
        r"gcp:compute/(instanceGroup|instanceGroupMembership|instanceGroupNamedPort|perInstanceConfig"
        r"|regionPerInstanceConfig|bulkPerInstanceConfig|instanceSettings|targetInstance|attachedDisk"
        r"|diskAsyncReplication|diskResourcePolicyAttachment|regionDiskResourcePolicyAttachment):.*",
        "groups, configures or attaches existing VMs and disks (which are checked and counted themselves)",
    ),
    Exclusion(
        r"gcp:compute/(reservation|futureReservation|nodeGroup):.*",
        "capacity, not VMs: reservations are billed instead of (not on top of) the VMs that use them, which are "
        "counted; sole-tenant nodes are priced per node type, which the catalog does not hold",
    ),
    Exclusion(
        r"gcp:compute/(snapshot|instantSnapshot|regionInstantSnapshot|snapshotSettings|snapshotRecycleBinPolicy"
        r"|organizationSnapshotRecycleBinPolicy):.*",
        "snapshots are copies of disks (or settings for them), not disks a VM runs on",
    ),
    Exclusion(
        r"gcp:compute/(image|machineImage):.*",
        "makes an image or machine image: a VM is judged by the image it boots",
    ),
    Exclusion(
        r"gcp:compute/(address|globalAddress):.*",
        "reserves an address: it reaches a VM only through an access config (natIp), which is checked",
    ),
    Exclusion(
        r"gcp:compute/(firewallPolicy|networkFirewallPolicy|regionNetworkFirewallPolicy)(Association)?:.*"
        r"|gcp:compute/networkFirewallPolicyPacketMirroringRule:.*|gcp:networksecurity/firewallEndpoint\w*:.*",
        "a firewall policy container or its attachment (its rules are separate resources, checked), packet "
        "mirroring, or a Cloud NGFW endpoint inspecting what the rules allow: admits nothing itself",
    ),
    Exclusion(
        r"gcp:tpu/v2Vm:V2Vm",
        "TPU VMs are priced per TPU slice and configured by the TPU service; their network is the VPC's "
        "(firewalls checked); not priced by this pack (a known gap)",
    ),
    Exclusion(
        r"gcp:(container|gkeonprem|edgecontainer|gkehub)/.*",
        "Kubernetes node pools and fleets: nodes are governed by the cluster service; not priced by this pack",
    ),
    Exclusion(
        r"gcp:(alloydb|apigee|apihub|bigtable|datafusion|dataproc|filestore|firebase|looker|lustre|memcache"
        r"|memorystore|parallelstore|redis|securesourcemanager|spanner|sql|bigquery|pubsub|appengine|netapp"
        r"|storage|workbench|securitycenter|iap)/.*",
        "a managed service's resource (databases, caches, file systems, notebooks, App Engine's HTTP firewall): "
        "no VM, image or SSH/RDP port of the stack's own",
    ),
)
