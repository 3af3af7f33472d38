"""Compute Engine's limits on the VPC firewall rules a VM's ingress becomes (one firewall rule per
ingress rule, ``components/clouds/gcp.py``): part of GCP's cloud rules (``cloud_rules/gcp.py`` calls
``firewall_problems``; a module of its own to keep that one under 500 lines)."""

from __future__ import annotations

from typing import Any

# Source IP ranges per firewall rule: 5,000 (Cloud NGFW "Quotas and limits", system limits per firewall
# rule, https://cloud.google.com/firewall/docs/quotas; the Compute API states the same maximum for a
# firewall policy rule, FirewallPolicyRuleMatcher.srcIpRanges "Maximum number of source CIDR IP ranges
# allowed is 5000").
MAX_SOURCE_RANGES_PER_RULE = 5000


def firewall_problems(spec: Any) -> list[tuple[str, object, str]]:
    return [
        (
            f"ingress[{index}].sources",
            f"[{len(rule.sources)} sources]",
            f"a GCP firewall rule takes at most {MAX_SOURCE_RANGES_PER_RULE} source ranges; split the rule",
        )
        for index, rule in enumerate(spec.ingress)
        if len(rule.sources) > MAX_SOURCE_RANGES_PER_RULE
    ]
