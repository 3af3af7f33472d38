"""The policy corpus, continued: capacity billed whether VMs use it or not (reservations, dedicated
hosts, sole-tenant nodes, Kubernetes node pools, AWS Batch), and the account-wide defaults the pack
can be told to trust (EBS encryption by default, instance metadata defaults). One insecure and one
secure shape per checked type (see tests/support/policy_corpus.py), with the provider SDK classes."""

from __future__ import annotations

import pulumi_aws as aws
import pulumi_azure_native as azure
import pulumi_gcp as gcp

from tests.support.policy_corpus import OWN_SA, OWNER, UNPRICED, Case, Shape

NOT_JUDGED = "not-judged-by-this-pack"


def aws_reservation(name, good):
    return aws.ec2.CapacityReservation(
        name,
        instance_type="t3.micro" if good else UNPRICED["aws"],
        instance_platform="Linux/UNIX",
        instance_count=1 if good else 100,
        availability_zone="us-east-1a" if good else "eu-west-1a",
    )


def aws_host(name, good):
    return aws.ec2.DedicatedHost(name, instance_family="m5", availability_zone="us-east-1a" if good else "eu-west-1a")


def aws_node_group(name, good):
    return aws.eks.NodeGroup(
        name,
        cluster_name="eks",
        node_role_arn="arn:aws:iam::123456789012:role/node",
        subnet_ids=["subnet-1"],
        scaling_config={"desired_size": 2, "min_size": 1, "max_size": 4},
        instance_types=["t3.micro"] if good else [UNPRICED["aws"]],
        region=None if good else "eu-west-1",
        tags=OWNER if good else None,
    )


def aws_batch(name, good):
    return aws.batch.ComputeEnvironment(
        name,
        type="MANAGED",
        region=None if good else "eu-west-1",
        compute_resources={
            "type": "EC2",
            "max_vcpus": 4096,
            "min_vcpus": 0 if good else 1000,
            "instance_types": ["c5.large"] if good else [UNPRICED["aws"]],
            "subnets": ["subnet-1"],
            "security_group_ids": ["sg-1"],
            "instance_role": "arn:aws:iam::123456789012:instance-profile/ecs",
        },
        tags=OWNER if good else None,
    )


def azure_reservation(name, good):
    return azure.compute.CapacityReservation(
        name,
        resource_group_name="rg",
        capacity_reservation_group_name="crg",
        location="eastus" if good else "westeurope",
        sku={"name": "Standard_B1s" if good else UNPRICED["azure"], "capacity": 1 if good else 100},
    )


def azure_host(name, good):
    return azure.compute.DedicatedHost(
        name,
        resource_group_name="rg",
        host_group_name="hg",
        location="eastus" if good else "westeurope",
        sku={"name": "DSv3-Type1"},
        platform_fault_domain=0,
    )


def aks_pool(good):
    return {
        "count": 2,
        "vm_size": "Standard_B2s" if good else UNPRICED["azure"],
        "enable_node_public_ip": not good,
        "mode": "System",
    }


def azure_agent_pool(name, good):
    return azure.containerservice.AgentPool(
        name, resource_group_name="rg", resource_name_="aks", **aks_pool(good), tags=OWNER if good else None
    )


def azure_managed_cluster(name, good):
    return azure.containerservice.ManagedCluster(
        name,
        resource_group_name="rg",
        location="eastus" if good else "westeurope",
        dns_prefix="aks",
        agent_pool_profiles=[{"name": "system", **aks_pool(good)}],
        tags=OWNER if good else None,
    )


def gcp_reservation(name, good):
    return gcp.compute.Reservation(
        name,
        zone="us-central1-a" if good else "europe-west1-b",
        specific_reservation={
            "count": 1 if good else 100,
            "instance_properties": {"machine_type": "e2-small" if good else UNPRICED["gcp"]},
        },
    )


def gcp_future_reservation(name, good):
    return gcp.compute.FutureReservation(
        name,
        zone="us-central1-a" if good else "europe-west1-b",
        time_window={"start_time": "2030-01-01T00:00:00Z", "end_time": "2030-02-01T00:00:00Z"},
        specific_sku_properties={
            "total_count": "1" if good else "100",
            "instance_properties": {"machine_type": "e2-small" if good else UNPRICED["gcp"]},
        },
    )


def gcp_node_group(name, good):
    return gcp.compute.NodeGroup(
        name, zone="us-central1-a" if good else "europe-west1-b", node_template="tpl", initial_size=1
    )


def gke_node_config(good):
    if good:
        return {
            "machine_type": "e2-small",
            "shielded_instance_config": {"enable_secure_boot": True, "enable_integrity_monitoring": True},
            "service_account": OWN_SA["email"],
            "oauth_scopes": ["https://www.googleapis.com/auth/cloud-platform"],
        }
    return {
        "machine_type": UNPRICED["gcp"],
        "oauth_scopes": ["https://www.googleapis.com/auth/cloud-platform"],
    }


def gcp_node_pool(name, good):
    return gcp.container.NodePool(
        name, cluster="gke", location="us-central1-a", node_count=2, node_config=gke_node_config(good)
    )


def gcp_cluster(name, good):
    return gcp.container.Cluster(
        name, location="us-central1-a", initial_node_count=1, node_config=gke_node_config(good)
    )


SHAPES = [
    Shape("aws:ec2/capacityReservation:CapacityReservation", aws_reservation),
    # Hosts and capacity blocks have no catalog price: never secure for the budget's price (assumed).
    Shape(
        "aws:ec2/capacityBlockReservation:CapacityBlockReservation",
        lambda n, good: aws.ec2.CapacityBlockReservation(
            n, capacity_block_offering_id="cb-1", instance_platform="Linux/UNIX"
        ),
    ),
    Shape("aws:ec2/dedicatedHost:DedicatedHost", aws_host),
    Shape("aws:eks/nodeGroup:NodeGroup", aws_node_group, never_secure_for=(NOT_JUDGED,)),
    Shape("aws:batch/computeEnvironment:ComputeEnvironment", aws_batch, never_secure_for=(NOT_JUDGED,)),
    Shape(
        "aws:ebs/encryptionByDefault:EncryptionByDefault",
        lambda n, good: aws.ebs.EncryptionByDefault(n, enabled=good),
    ),
    Shape(
        "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults",
        lambda n, good: aws.ec2.InstanceMetadataDefaults(n, http_tokens="required" if good else "optional"),
    ),
    Shape("azure-native:compute:CapacityReservation", azure_reservation),
    Shape("azure-native:compute:DedicatedHost", azure_host),
    Shape("azure-native:containerservice:AgentPool", azure_agent_pool),
    Shape("azure-native:containerservice:ManagedCluster", azure_managed_cluster),
    Shape("gcp:compute/reservation:Reservation", gcp_reservation),
    Shape("gcp:compute/futureReservation:FutureReservation", gcp_future_reservation),
    Shape("gcp:compute/nodeGroup:NodeGroup", gcp_node_group),
    Shape("gcp:container/nodePool:NodePool", gcp_node_pool),
    Shape("gcp:container/cluster:Cluster", gcp_cluster),
]

CASES: list[Case] = []
