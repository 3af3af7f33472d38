"""Default quotas a stack spends, and a warning for each one a planned stack would exceed.

Mocks accept any number of networks or addresses; the clouds do not. ``plan`` counts what the
program registers per region (or project) and warns before ``pulumi up`` runs into a default quota.
The defaults (and where they come from):

- AWS: 5 VPCs and 5 internet gateways per region (the default VPC counts), 2,500 security groups per
  region: https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html
- Azure: 10 Standard public IP addresses per region on pay-as-you-go subscriptions (other offers
  differ), 1,000 virtual networks per region, 980 resource groups per subscription:
  https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits
- GCP: 15 VPC networks (5 on trial projects) and 200 firewall rules per project:
  https://cloud.google.com/vpc/docs/quota
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Quota:
    type: str
    scope: str  # "region", "subscription" or "project": what the count is per
    default: int
    what: str


QUOTAS = (
    # The account's default VPC takes one of the five.
    Quota("aws:ec2/vpc:Vpc", "region", 4, "VPCs per AWS region (5, one of them the default VPC)"),
    Quota(
        "aws:ec2/internetGateway:InternetGateway",
        "region",
        4,
        "internet gateways per AWS region (5, one on the default VPC)",
    ),
    Quota("aws:ec2/securityGroup:SecurityGroup", "region", 2500, "security groups per AWS region"),
    Quota(
        "azure-native:network:PublicIPAddress",
        "region",
        10,
        "Standard public IP addresses per Azure region (pay-as-you-go)",
    ),
    Quota("azure-native:network:VirtualNetwork", "region", 1000, "virtual networks per Azure region"),
    Quota("azure-native:resources:ResourceGroup", "subscription", 980, "resource groups per Azure subscription"),
    Quota("gcp:compute/network:Network", "project", 15, "VPC networks per GCP project (5 on trial projects)"),
    Quota("gcp:compute/firewall:Firewall", "project", 200, "firewall rules per GCP project"),
)


def _scope(quota: Quota, inputs: dict) -> str:
    if quota.scope == "region":
        return str(inputs.get("region") or inputs.get("location") or "the provider's region")
    if quota.scope == "project":
        return str(inputs.get("project") or "the provider's project")
    return "the subscription"


def quota_warnings(resources: Iterable) -> list[str]:
    """One line per default quota the registered resources (``offline`` registrations) exceed."""
    by_type = {quota.type: quota for quota in QUOTAS}
    counts: Counter[tuple[str, str]] = Counter()
    for resource in resources:
        quota = by_type.get(resource.type)
        if quota is not None:
            counts[(quota.type, _scope(quota, resource.inputs))] += 1
    warnings = []
    for (type_, scope), count in sorted(counts.items()):
        quota = by_type[type_]
        if count > quota.default:
            warnings.append(
                f"{count} {quota.what.split(' per ')[0]} in {scope}: over the default quota of {quota.what} "
                f"({quota.default} available); ask for more before pulumi up, or share (see docs/networks.md)"
            )
    return warnings
