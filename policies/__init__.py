"""The multicloud-vm guardrails: a CrossGuard policy pack (``rules.ALL_POLICIES``), one module per
concern (network, disks, identity, public_ip, placement, tags, fleets/pricing/cost), one module per
cloud saying which resource types each rule checks (aws_types, azure_types, gcp_types)."""
