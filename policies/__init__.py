"""The multicloud-vm guardrails: a CrossGuard policy pack (``rules.ALL_POLICIES``), one module per
concern (network, disks, identity, public_ip, placement, tags, secrets_in_data, fleets/capacity/
pricing/cost), one module per provider saying which resource types each rule checks (aws_types,
aws_native_types, azure_types, azure_classic_types, gcp_types)."""
