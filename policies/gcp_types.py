"""GCP (pulumi-gcp): which resource types each rule checks, how, and which it leaves out and why.

Instances and instance templates share one shape; an instance made from a template or machine image
takes what it does not set from its source, so its checks treat absent values as inherited (the
template is checked itself).
"""

from __future__ import annotations

from . import capacity, fleets, identity, network, network_other, public_ip
from .exclusions import Exclusion, NotJudged
from .placement import allowed_image, check_allowed_region, read_field, read_gcp_template_image
from .secrets_in_data import check_gcp_metadata
from .tags import check_required_tags
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
RESERVATION = "gcp:compute/reservation:Reservation"
FUTURE_RESERVATION = "gcp:compute/futureReservation:FutureReservation"
NODE_GROUP = "gcp:compute/nodeGroup:NodeGroup"
NODE_POOL = "gcp:container/nodePool:NodePool"
CLUSTER = "gcp:container/cluster:Cluster"


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
    RESERVATION: capacity.gcp_reservation,
    FUTURE_RESERVATION: capacity.gcp_future_reservation,
    NODE_GROUP: capacity.gcp_node_group,
    NODE_POOL: capacity.gcp_node_pool,
    CLUSTER: capacity.gcp_cluster,
}
# Counted by the budget, not judged one VM at a time by the ceiling: fleets whose sizes come from
# templates (judged there), reserved capacity and sole-tenant nodes.
BUDGET_ONLY = (IGM, REGION_IGM, RESERVATION, FUTURE_RESERVATION, NODE_GROUP)
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
        "gcp:compute/organizationSecurityPolicyRule:OrganizationSecurityPolicyRule": (
            network_other.check_gcp_org_security_policy_rule
        ),
        "gcp:vmwareengine/externalAccessRule:ExternalAccessRule": network_other.check_vmware_external_access_rule,
    },
    "public-ip-on-vm": on_vms(public_ip.check_gcp_access_configs),
    "required-tags": {
        **on_vms(check_required_tags),
        **dict.fromkeys((DISK, REGION_DISK), check_required_tags),
    },
    "allowed-regions": {
        **dict.fromkeys((INSTANCE, FROM_TEMPLATE, FROM_MACHINE_IMAGE, REGION_TEMPLATE), check_allowed_region),
        **dict.fromkeys((IGM, REGION_IGM, DISK, REGION_DISK), check_allowed_region),
        **dict.fromkeys((RESERVATION, FUTURE_RESERVATION, NODE_GROUP), check_allowed_region),
    },
    "allowed-images": {
        INSTANCE: INSTANCE_IMAGE,
        FROM_TEMPLATE: inheriting(INSTANCE_IMAGE),
        **dict.fromkeys(TEMPLATES, allowed_image(read_gcp_template_image)),
        DISK: allowed_image(read_field("image", gcp=True)),
        REGION_DISK: allowed_image(read_field("image", gcp=True)),
    },
    "gcp-shielded-vm": {
        **on_vms(identity.check_gcp_shielded_vm),
        **dict.fromkeys((NODE_POOL, CLUSTER), identity.check_gke_shielded_nodes),
    },
    "gcp-default-service-account": {
        **on_vms(identity.check_gcp_default_service_account),
        **dict.fromkeys((NODE_POOL, CLUSTER), identity.check_gke_default_service_account),
    },
    "no-secrets-in-user-data": on_vms(check_gcp_metadata),
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
        (
            "public-ip-on-vm",
            "required-tags",
            "allowed-images",
            "gcp-shielded-vm",
            "gcp-default-service-account",
            "no-secrets-in-user-data",
        ),
    ),
    Exclusion(
        f"{IGM}|{REGION_IGM}",
        "its VM sizes come from its instance templates, which the ceiling judges (the budget counts the group: "
        "targetSize, or an autoscaler's minReplicas, x the template's price)",
        ("vm-hourly-price-ceiling",),
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
        f"{RESERVATION}|{FUTURE_RESERVATION}|{NODE_GROUP}",
        "capacity, not a VM: it holds no disk, image, address, identity or metadata (VMs placed in it are judged "
        "themselves); the budget counts it, less the VMs running in it",
        (
            "public-ip-on-vm",
            "allowed-images",
            "gcp-shielded-vm",
            "gcp-default-service-account",
            "no-secrets-in-user-data",
            "vm-hourly-price-ceiling",
        ),
    ),
    Exclusion(f"{RESERVATION}|{FUTURE_RESERVATION}|{NODE_GROUP}", "takes no labels", ("required-tags",)),
    Exclusion(
        f"{NODE_POOL}|{CLUSTER}",
        "GKE nodes: a pool is placed and labelled by its cluster's location and resource labels, GKE picks the node "
        "image for imageType, nodes take no user metadata startup scripts the pack reads, and node access is "
        "the cluster's",
        ("required-tags", "allowed-regions", "allowed-images", "no-secrets-in-user-data", "public-ip-on-vm"),
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
    NotJudged(
        r"gcp:tpu/v2Vm:V2Vm|gcp:container/(awsNodePool|azureNodePool|awsCluster|azureCluster):.*"
        r"|gcp:(dataflow/(job|flexTemplateJob|pipeline)|composer/environment|vertex/(aiPersistentResource"
        r"|aiDeploymentResourcePool|aiEndpointWithModelGardenDeployment|aiIndexEndpointDeployedIndex)"
        r"|workstations/workstationConfig|hypercomputecluster/cluster|vpcaccess/connector|dataproc/cluster"
        r"|workbench/instance):.*",
        "VMs a Google service runs and bills by the hour (TPU VMs, GKE on AWS/Azure node pools, Dataflow workers, "
        "Composer environments, Vertex AI resources and Workbench instances, Cloud Workstations, Hypercompute "
        "clusters, Serverless VPC Access connectors, Dataproc clusters): the service picks their images and identities and prices them "
        "per service, so no rule of this pack judges them",
    ),
    Exclusion(
        r"gcp:(container|gkeonprem|edgecontainer|gkehub)/(?!nodePool:|cluster:|awsNodePool:|azureNodePool:"
        r"|awsCluster:|azureCluster:).*|gcp:(gkeonprem|edgecontainer)/.*",
        "Kubernetes fleets and clusters on customers' own hardware (GKE on-prem, Distributed Cloud Edge) or "
        "settings for clusters: no VM billed in Google Cloud by the hour",
    ),
    Exclusion(
        r"gcp:(cloudbuild/(trigger|workerPool)|ces/(evaluation|example)|clouddeploy/(customTargetType|deliveryPipeline)"
        r"|cloudrun/service|cloudrunv2/(job|service|workerPool)|colab/(notebookExecution|runtimeTemplate|schedule)"
        r"|dataplex/task|transcoder/(job|jobTemplate)|dataproc/workflowTemplate|backupdisasterrecovery/restoreWorkload"
        r"|appengine/flexibleAppVersion|firebase/(appleApp|appHostingBuild)):.*",
        "containers, builds or jobs a service runs and bills per use (Cloud Run, Cloud Build, Colab, Dataplex, "
        "Transcoder, Cloud Deploy), templates for them, app identifiers, or restores the backup service "
        "performs: no VM the stack keeps running",
    ),
    Exclusion(
        r"gcp:compute/(forwardingRule|globalForwardingRule|regionNetworkPolicyTrafficClassificationRule):.*",
        "forwards load-balanced traffic to VMs whose firewall rules still decide who reaches them (checked), or "
        "classifies traffic for QoS: admits nothing itself",
    ),
    Exclusion(
        f"{DISK}|{REGION_DISK}",
        "a disk (its image is judged by allowed-images): runs no VM",
        (
            "public-ip-on-vm",
            "gcp-shielded-vm",
            "gcp-default-service-account",
            "vm-hourly-price-ceiling",
            "vm-price-unknown",
            "stack-monthly-budget",
            "no-secrets-in-user-data",
        ),
    ),
    Exclusion(
        r"gcp:(alloydb|apigee|apihub|bigtable|datafusion|dataproc|filestore|firebase|looker|lustre|memcache"
        r"|memorystore|parallelstore|redis|securesourcemanager|spanner|sql|bigquery|pubsub|appengine|netapp"
        r"|storage|workbench|securitycenter|iap)/.*",
        "a managed service's resource (databases, caches, file systems, notebooks, App Engine's HTTP firewall): "
        "no VM, image or SSH/RDP port of the stack's own",
    ),
)
