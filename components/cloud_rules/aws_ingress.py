"""What EC2 refuses in a security group's inbound rules beyond their count and descriptions (checked in
``cloud_rules/aws.py``): part of AWS's cloud rules, a module of its own to keep that one under 500 lines."""

from __future__ import annotations


def duplicate_permissions(ingress) -> list[tuple[str, object, str]]:
    """A protocol, port range and CIDR in two rules: one request authorizes every rule of the group, and
    EC2 answers "The same permission must not appear multiple times" (hashicorp/terraform-provider-aws#29492)."""
    seen: dict[tuple, int] = {}
    for index, rule in enumerate(ingress):
        for cidr in rule.sources:
            first = seen.setdefault((rule.protocol, rule.from_port, rule.to_port, cidr), index)
            if first != index:
                return [
                    (
                        f"ingress[{index}].sources",
                        cidr,
                        f"{cidr} on these ports is in ingress[{first}] already: "
                        "EC2 refuses the same permission twice in a security group; give each CIDR once",
                    )
                ]
    return []
