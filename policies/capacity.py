"""Capacity billed whether VMs use it or not, read as :class:`~.fleets.Run` values like any fleet:
capacity reservations (AWS, Azure, GCP), dedicated hosts and sole-tenant nodes, Kubernetes node
pools (EKS, AKS, GKE) at their desired or minimum size, and AWS Batch compute environments at their
minimum vCPUs.

An unused reservation is billed in full, so a reservation is counted; the single VMs that would run
in it (:func:`consumes`) are taken off its count, so a reserved VM is not counted twice. What the
catalog cannot price (dedicated hosts, capacity blocks, licence surcharges) is a machine with
``unpriced`` set: the cost rules fail closed on it, as on any VM they cannot price.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .fleets import Machine, Run, TemplateRef, aws_template, aws_windows, count_of, spot_cap
from .values import UNKNOWN, as_dict, as_list, cloud_of, dig, is_true, last_segment, lower, number, strings

# --- Reservations --------------------------------------------------------------------------------

# AWS capacity reservation platforms the catalog prices (Linux and Windows on-demand rates); the
# others add a licence (RHEL, SUSE, SQL Server) the catalog does not hold.
AWS_PLATFORMS = {"linux/unix": False, "windows": True}
HOSTS = "dedicated hosts are billed per host, a price the offerings catalog does not hold"


def aws_capacity_reservation(props: dict) -> list[Run]:
    """instanceCount x instanceType on instancePlatform (dedicated tenancy costs more: unpriced)."""
    platform = lower(props.get("instancePlatform"))
    machine = Machine(props.get("instanceType"), False, where="instanceType", windows=bool(AWS_PLATFORMS.get(platform)))
    if platform is not None and platform not in AWS_PLATFORMS:
        machine = Machine(props.get("instanceType"), unpriced=f"the catalog has no price for platform {platform!r}")
    elif lower(props.get("tenancy")) == "dedicated":
        machine = Machine(
            props.get("instanceType"), unpriced="dedicated-tenancy capacity costs more than the catalog's"
        )
    return [Run(count_of(props.get("instanceCount")), (machine,), label="reserved")]


def aws_capacity_block(props: dict) -> list[Run]:
    why = "a capacity block is paid up front for its offering (capacityBlockOfferingId), a price the catalog lacks"
    return [Run(1.0, (Machine(None, unpriced=why),), label="capacity block")]


def aws_dedicated_host(props: dict) -> list[Run]:
    size = props.get("instanceType") or props.get("instanceFamily")
    return [Run(1.0, (Machine(size, unpriced=HOSTS),), label="dedicated host")]


def azure_capacity_reservation(props: dict) -> list[Run]:
    """sku.capacity VMs of sku.name, billed at the size's pay-as-you-go (Linux) rate."""
    machine = Machine(dig(props, "sku", "name"), False, where="sku.name")
    return [Run(count_of(dig(props, "sku", "capacity")), (machine,), label="reserved")]


def azure_dedicated_host(props: dict) -> list[Run]:
    return [
        Run(1.0, (Machine(dig(props, "sku", "name") or props.get("skuName"), unpriced=HOSTS),), label="dedicated host")
    ]


def _gcp_accelerators(properties: Any) -> tuple:
    return tuple(
        (dig(a, "acceleratorType"), dig(a, "acceleratorCount")) for a in as_list(dig(properties, "guestAccelerators"))
    )


def gcp_reservation(props: dict) -> list[Run]:
    """specificReservation.count VMs of instanceProperties (or of its sourceInstanceTemplate)."""
    specific = as_dict(props.get("specificReservation"))
    count = count_of(specific.get("count"))
    template = specific.get("sourceInstanceTemplate")
    if template is not None:
        keys = tuple(strings(template)) + tuple(strings(last_segment(template)))
        ref = TemplateRef("gcp-instance-template", "specificReservation", keys)
        return [Run(count, (Machine(None, None, None, None),), (ref,), label="reserved")]
    properties = specific.get("instanceProperties")
    machine = Machine(
        last_segment(dig(properties, "machineType")),
        False,
        accelerators=_gcp_accelerators(properties),
        where="machineType",
    )
    return [Run(count, (machine,), label="reserved")]


def gcp_future_reservation(props: dict) -> list[Run]:
    """specificSkuProperties.totalCount VMs, billed from the start of its time window."""
    sku = as_dict(props.get("specificSkuProperties"))
    properties = sku.get("instanceProperties")
    if properties is None:
        why = "an aggregate (TPU/GPU) future reservation is priced by its reserved resources, which the catalog lacks"
        return [Run(1.0, (Machine(None, unpriced=why),), label="reserved")]
    machine = Machine(
        last_segment(dig(properties, "machineType")),
        False,
        accelerators=_gcp_accelerators(properties),
        where="machineType",
    )
    return [Run(count_of(sku.get("totalCount")), (machine,), label="reserved")]


def gcp_node_group(props: dict) -> list[Run]:
    """Sole-tenant nodes: initialSize, or the autoscaler's minNodes."""
    count = count_of(props.get("initialSize"), None)
    minimum = count_of(dig(props, "autoscalingPolicy", "minNodes"), None)
    if isinstance(minimum, float) and (count is None or (isinstance(count, float) and minimum > count)):
        count = minimum
    return [
        Run(
            count if count is not None else 1.0,
            (Machine(props.get("nodeTemplate"), unpriced=HOSTS),),
            label="sole-tenant node",
        )
    ]


# --- Which single VMs run in a reservation -------------------------------------------------------------


@dataclass(frozen=True)
class Reservation:
    """What a reservation holds, for matching the single VMs that run in it."""

    cloud: str
    size: str
    zone: str | None  # None: any zone of the region
    count: float
    windows: bool = False
    targeted: bool = False  # AWS: only instances that target it; GCP: specificReservationRequired


def reservation_of(resource_type: str, props: dict) -> Reservation | None:
    if resource_type in ("aws:ec2/capacityReservation:CapacityReservation", "aws-native:ec2:CapacityReservation"):
        size, count = props.get("instanceType"), number(props.get("instanceCount"))
        targeted = lower(props.get("instanceMatchCriteria")) == "targeted"
        windows = lower(props.get("instancePlatform")) == "windows"
        zone = props.get("availabilityZone")
        cloud = "aws"
    elif resource_type == "azure-native:compute:CapacityReservation":
        size, count, zone, targeted, windows, cloud = (
            dig(props, "sku", "name"),
            number(dig(props, "sku", "capacity")),
            None,
            True,
            False,
            "azure",
        )
    elif resource_type == "gcp:compute/reservation:Reservation":
        specific = as_dict(props.get("specificReservation"))
        size = last_segment(dig(specific, "instanceProperties", "machineType"))
        count, zone, windows, cloud = number(specific.get("count")), last_segment(props.get("zone")), False, "gcp"
        targeted = is_true(props.get("specificReservationRequired"))
    else:
        return None
    if not isinstance(size, str) or count is None:
        return None
    return Reservation(cloud, size.lower(), zone if isinstance(zone, str) else None, count, windows, targeted)


def consumes(resource_type: str, props: dict, reservation: Reservation) -> bool:
    """Whether a single on-demand VM runs in the reservation (its capacity then is the reservation's):
    same size, zone (when the reservation has one), platform; AWS open reservations take any
    matching instance, targeted ones only those that name a reservation; an Azure VM only when it
    names a capacity reservation group; a GCP VM unless it asks for no reservation."""
    if cloud_of(resource_type) != reservation.cloud:
        return False
    if resource_type == "aws:ec2/instance:Instance":
        size, zone, spot = (
            props.get("instanceType"),
            props.get("availabilityZone"),
            lower(dig(props, "instanceMarketOptions", "marketType")) == "spot",
        )
        target = dig(props, "capacityReservationSpecification", "capacityReservationTarget")
        if (reservation.targeted and not target) or aws_windows(props) != reservation.windows:
            return False
    elif resource_type == "azure-native:compute:VirtualMachine":
        size, zone = dig(props, "hardwareProfile", "vmSize"), None
        spot = lower(props.get("priority")) in ("spot", "low")
        if dig(props, "capacityReservation", "capacityReservationGroup", "id") is None:
            return False
    elif resource_type == "gcp:compute/instance:Instance":
        size, zone = last_segment(props.get("machineType")), last_segment(props.get("zone"))
        scheduling = as_dict(props.get("scheduling"))
        spot = lower(scheduling.get("provisioningModel")) == "spot" or scheduling.get("preemptible") is True
        affinity = lower(dig(props, "reservationAffinity", "type"))
        wanted = "specific_reservation" if reservation.targeted else None
        if affinity == "no_reservation" or (wanted and affinity != wanted):
            return False
    else:
        return False
    if spot or not isinstance(size, str) or size.lower() != reservation.size:
        return False
    return reservation.zone is None or zone == reservation.zone


# --- Kubernetes node pools -----------------------------------------------------------------------------

# A node group with no instanceTypes and no template type runs t3.medium (EKS CreateNodegroup,
# instanceTypes: https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html).
EKS_DEFAULT_TYPE = "t3.medium"
# GKE nodes without a machine type are e2-medium, and a regional cluster's pools run in three of the
# region's zones unless nodeLocations says otherwise
# (https://cloud.google.com/kubernetes-engine/docs/concepts/regional-clusters).
GKE_DEFAULT_MACHINE = "e2-medium"
GKE_REGIONAL_ZONES = 3


def aws_eks_node_group(props: dict) -> list[Run]:
    """scalingConfig.desiredSize nodes of instanceTypes (the dearest), spot when capacityType SPOT;
    the size comes from the launch template when instanceTypes is not set."""
    scaling = as_dict(props.get("scalingConfig"))
    count = count_of(scaling.get("desiredSize"), None)
    if count is None:
        count = count_of(scaling.get("minSize"))
    spot = lower(props.get("capacityType")) == "spot"
    templates = aws_template("launchTemplate", props.get("launchTemplate"))
    types = props.get("instanceTypes")
    if types is None and templates:
        return [Run(count, (Machine(None, spot),), templates, label="node group")]
    names = [UNKNOWN] if types is UNKNOWN else strings(types) or [EKS_DEFAULT_TYPE]
    machines = tuple(Machine(t, spot, where="instanceTypes") for t in names)
    return [Run(count, machines, templates, label="node group")]


def aws_batch_compute_environment(props: dict) -> list[Run]:
    """A managed EC2/SPOT compute environment keeps minVcpus running: counted in vCPUs at the dearest
    vCPU of its instance types (or families, or "optimal"). Fargate and unmanaged environments keep
    nothing running."""
    resources = as_dict(props.get("computeResources"))
    kind = lower(resources.get("type"))
    if lower(props.get("type")) == "unmanaged" or kind in ("fargate", "fargate_spot") or not resources:
        return []
    minimum = count_of(resources.get("minVcpus") if "minVcpus" in resources else resources.get("minvCpus"), 0.0)
    names = strings(resources.get("instanceTypes")) or ["optimal"]
    machines = tuple(Machine(n, kind == "spot", where="computeResources.instanceTypes", per_vcpu=True) for n in names)
    templates = aws_template("computeResources", resources.get("launchTemplate"))
    return [Run(minimum, machines, templates, label="minimum vCPUs")]


def _aks_count(pool: dict) -> Any:
    """An AKS pool's node count: count (default 1, ManagedClusterAgentPoolProfile.count in the AKS REST
    API), at least minCount when autoscaling; a stopped pool (powerState Stopped) runs none."""
    if lower(dig(pool, "powerState", "code")) == "stopped":
        return 0.0
    count = count_of(pool.get("count"), 1.0)
    minimum = count_of(pool.get("minCount"), None)
    if is_true(pool.get("enableAutoScaling")) and isinstance(minimum, float) and isinstance(count, float):
        count = max(count, minimum)
    return count


def _aks_machine(pool: dict, where: str) -> Machine:
    spot = lower(pool.get("scaleSetPriority")) == "spot"
    size = pool.get("vmSize")
    note = "" if size is not None else "AKS picks the size when vmSize is not set"
    return Machine(
        size,
        spot,
        spot_cap(pool.get("spotMaxPrice")) if spot else None,
        where=where,
        note=note,
        windows=lower(pool.get("osType")) == "windows",
    )


def azure_agent_pool(props: dict) -> list[Run]:
    return [Run(_aks_count(props), (_aks_machine(props, "vmSize"),), label="node pool")]


def azure_managed_cluster(props: dict) -> list[Run]:
    """Each inline agentPoolProfiles entry is a node pool."""
    return [
        Run(
            _aks_count(as_dict(pool)),
            (_aks_machine(as_dict(pool), f"agentPoolProfiles[{i}].vmSize"),),
            label="node pool",
        )
        for i, pool in enumerate(as_list(props.get("agentPoolProfiles")))
    ]


def _gke_zones(pool: dict, location: Any) -> float:
    zones = strings(pool.get("nodeLocations"))
    if zones:
        return float(len(zones))
    name = last_segment(location)
    return 1.0 if isinstance(name, str) and name.count("-") >= 2 else float(GKE_REGIONAL_ZONES)


def _gke_pool(pool: dict, location: Any, label: str) -> Run:
    """nodeCount per zone (else initialNodeCount), at least the autoscaler's minimum, x its zones."""
    per_zone = count_of(pool.get("nodeCount"), None)
    if per_zone is None:
        per_zone = count_of(pool.get("initialNodeCount"), None)
    autoscaling = as_dict(pool.get("autoscaling"))
    zones = _gke_zones(pool, location)
    total_min = count_of(autoscaling.get("totalMinNodeCount"), None)
    per_zone_min = count_of(autoscaling.get("minNodeCount"), None)
    if per_zone is UNKNOWN:
        count: Any = UNKNOWN
    else:
        count = (per_zone or 0.0) * zones
        if isinstance(per_zone_min, float):
            count = max(count, per_zone_min * zones)
        if isinstance(total_min, float):
            count = max(count, total_min)
    config = as_dict(pool.get("nodeConfig"))
    spot = is_true(config.get("spot")) or is_true(config.get("preemptible"))
    gpus = tuple((dig(a, "type"), dig(a, "count")) for a in as_list(config.get("guestAccelerators")))
    windows = "windows" in (lower(config.get("imageType")) or "")
    size = last_segment(config.get("machineType")) or GKE_DEFAULT_MACHINE
    return Run(
        count,
        (Machine(size, spot, accelerators=gpus, where=f"{label}nodeConfig.machineType", windows=windows),),
        label="node pool",
    )


def gcp_node_pool(props: dict) -> list[Run]:
    return [_gke_pool(props, props.get("location"), "")]


def gcp_cluster(props: dict) -> list[Run]:
    """The default pool (initialNodeCount x nodeConfig) unless removed, and inline nodePools;
    Autopilot clusters bill pods, not nodes."""
    if is_true(props.get("enableAutopilot")):
        return []
    location = props.get("location")
    runs = [_gke_pool(as_dict(p), location, f"nodePools[{i}].") for i, p in enumerate(as_list(props.get("nodePools")))]
    if not is_true(props.get("removeDefaultNodePool")) and not as_list(props.get("nodePools")):
        runs.append(_gke_pool({**props, "nodeCount": None}, location, ""))
    return runs
