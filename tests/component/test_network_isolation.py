"""VMs of one shared network are not open to each other (issue 19): the rules each cloud is given,
evaluated the way the cloud evaluates them (with its default rules), for traffic from a neighbour.

Azure's NSG default AllowVnetInBound admitted every port from every VM of the virtual network; AWS
security groups and GCP firewalls scoped to the VM's tag admit only their rules. Each evaluator here
takes the registered resources' inputs as the engine would send them."""

from __future__ import annotations

import ipaddress

import pytest

from components import Network, VirtualMachine
from components.offline import evaluate
from tests.support.common import DEFAULT_CONFIG, public_key

KEY = public_key("ed25519")
NEIGHBOUR = "10.42.0.20"  # inside every shared network's 10.42.0.0/16
HEALTH_PROBE = "168.63.129.16"  # Azure's host address, where load balancer probes come from
INTERNET = "198.51.100.9"
# Azure's default inbound rules (https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview).
AZURE_DEFAULTS = [
    {"priority": 65000, "access": "Allow", "sourceAddressPrefix": "VirtualNetwork", "destinationPortRange": "*"},
    {"priority": 65001, "access": "Allow", "sourceAddressPrefix": "AzureLoadBalancer", "destinationPortRange": "*"},
    {"priority": 65500, "access": "Deny", "sourceAddressPrefix": "*", "destinationPortRange": "*"},
]


def _in(address: str, prefix: str, vnet: str) -> bool:
    """Whether a source prefix (CIDR or service tag) covers an address, for a VM in ``vnet``. The
    VirtualNetwork tag covers the virtual network's space and the host's address (168.63.129.16)."""
    if prefix in ("*", "Internet") or prefix == "0.0.0.0/0":
        return prefix != "Internet" or not ipaddress.ip_address(address).is_private
    if prefix == "VirtualNetwork":
        return ipaddress.ip_address(address) in ipaddress.ip_network(vnet) or address == HEALTH_PROBE
    if prefix == "AzureLoadBalancer":
        return address == HEALTH_PROBE
    return ipaddress.ip_address(address) in ipaddress.ip_network(prefix)


def _port_in(port: int, spec: str) -> bool:
    if spec == "*":
        return True
    low, _, high = spec.partition("-")
    return int(low) <= port <= int(high or low)


def azure_admits(nsg_rules: list[dict], source: str, port: int, vnet: str = "10.42.0.0/16") -> bool:
    """The first rule by priority that matches source and port decides (inbound, TCP)."""
    for rule in sorted([*nsg_rules, *AZURE_DEFAULTS], key=lambda r: r["priority"]):
        prefixes = rule.get("sourceAddressPrefixes") or [rule.get("sourceAddressPrefix")]
        if any(_in(source, p, vnet) for p in prefixes) and _port_in(port, rule["destinationPortRange"]):
            return rule["access"] == "Allow"
    return False


def aws_admits(groups: list[dict], source: str, port: int) -> bool:
    """A security group admits what any of its ingress rules admits; nothing else (no default rule)."""
    for group in groups:
        for rule in group.get("ingress") or []:
            if rule.get("securityGroups"):
                return True  # a group reference would admit every member: the VM's own groups have none
            if any(_in(source, c, "10.42.0.0/16") for c in rule.get("cidrBlocks", [])) and (
                rule["protocol"] == "-1" or rule["fromPort"] <= port <= rule["toPort"]
            ):
                return True
    return False


def gcp_admits(firewalls: list[dict], tags: list[str], source: str, port: int) -> bool:
    """An ingress firewall of the network applies to the VM if it targets one of its tags (or has no
    target); the implied rule denies the rest (a custom-mode network has no default-allow-internal)."""
    for rule in firewalls:
        targets = rule.get("targetTags")
        if targets and not set(targets) & set(tags):
            continue
        ports = [p for allow in rule["allows"] for p in allow.get("ports", ["*"])]
        if any(_in(source, s, "10.42.0.0/16") for s in rule["sourceRanges"]) and any(_port_in(port, p) for p in ports):
            return True
    return False


def shared(cloud: str, ingress_of_b: list[dict]):
    """Two VMs in one shared network: ``a`` with no ingress at all, ``b`` with ``ingress_of_b``."""

    def program():
        network = Network("shared", {"cloud": cloud})
        for name, ingress in (("a", []), ("b", ingress_of_b)):
            VirtualMachine(name, {"cloud": cloud, "ssh_public_key": KEY, "network": network, "ingress": ingress})

    return evaluate(program, config=DEFAULT_CONFIG)


PRIVATE_DB = [{"port": 5432, "sources": ["10.42.0.0/16"]}]


def test_azure_vm_with_no_ingress_in_a_shared_vnet_is_unreachable_from_its_neighbours():
    evaluation = shared("azure", PRIVATE_DB)
    nsgs = {r.name: r.inputs["securityRules"] for r in evaluation.of_type("azure-native:network:NetworkSecurityGroup")}
    for port in (22, 3389, 80, 5432, 65535):
        assert not azure_admits(nsgs["a-nsg"], NEIGHBOUR, port), port
        assert not azure_admits(nsgs["a-nsg"], INTERNET, port), port
    # A rule that admits the network's range still works; everything else from it stays out.
    assert azure_admits(nsgs["b-nsg"], NEIGHBOUR, 5432)
    assert not azure_admits(nsgs["b-nsg"], NEIGHBOUR, 22)
    # Azure's health probes keep what the default rule gives them (the VirtualNetwork tag covers them).
    assert azure_admits(nsgs["a-nsg"], HEALTH_PROBE, 80)
    # The isolation rules are below every rule of the VM's own.
    own = [r["priority"] for r in nsgs["b-nsg"] if not r["name"].startswith(("deny-virtual", "allow-azure"))]
    assert max(own) < min(r["priority"] for r in nsgs["b-nsg"] if r["name"] == "allow-azure-load-balancer")


def test_azure_defaults_alone_would_admit_the_neighbour():
    """The evaluator itself: without the component's isolation rules, AllowVnetInBound admits it."""
    assert azure_admits([], NEIGHBOUR, 22)
    assert not azure_admits([], INTERNET, 22)


def test_aws_security_groups_admit_nothing_from_neighbours_beyond_their_rules():
    evaluation = shared("aws", PRIVATE_DB)
    groups = {r.name: r.inputs for r in evaluation.of_type("aws:ec2/securityGroup:SecurityGroup")}
    instances = {r.name: r.inputs for r in evaluation.of_type("aws:ec2/instance:Instance")}
    for port in (22, 80, 5432):
        assert not aws_admits([groups["a-sg"]], NEIGHBOUR, port)
    assert aws_admits([groups["b-sg"]], NEIGHBOUR, 5432) and not aws_admits([groups["b-sg"]], NEIGHBOUR, 22)
    # Each instance has only its own group (never the VPC's default group, which admits its members).
    assert instances["a-vm"]["vpcSecurityGroupIds"] == ["a-sg-id"]
    assert all(not rule.get("securityGroups") for g in groups.values() for rule in g.get("ingress") or [])


def test_gcp_firewalls_admit_nothing_from_neighbours_beyond_the_vms_own_rules():
    evaluation = shared("gcp", PRIVATE_DB)
    firewalls = [r.inputs for r in evaluation.of_type("gcp:compute/firewall:Firewall")]
    tags = {r.name: r.inputs["tags"] for r in evaluation.of_type("gcp:compute/instance:Instance")}
    assert all(rule["targetTags"] for rule in firewalls)  # none applies to every VM of the network
    for port in (22, 80, 5432):
        assert not gcp_admits(firewalls, tags["a-vm"], NEIGHBOUR, port)
    assert gcp_admits(firewalls, tags["b-vm"], NEIGHBOUR, 5432)
    assert not gcp_admits(firewalls, tags["b-vm"], NEIGHBOUR, 22)
    (network,) = evaluation.of_type("gcp:compute/network:Network")
    assert network.inputs["autoCreateSubnetworks"] is False  # custom mode: no default-allow-internal


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_the_networks_page_says_what_each_cloud_allows_between_vms(cloud):
    from tests.support.common import ROOT

    page = (ROOT / "docs" / "networks.md").read_text()
    section = page.split("### What VMs of one network can reach", 1)[1].split("\n## ", 1)[0]
    row = next(
        line
        for line in section.splitlines()
        if line.startswith(f"| {dict(aws='AWS', azure='Azure', gcp='GCP')[cloud]} |")
    )
    assert {"aws": "nothing", "azure": "AllowVnetInBound", "gcp": "nothing"}[cloud] in row
