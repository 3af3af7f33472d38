"""The multicloud-vm guardrails policy pack: only the wiring. The rules live in rules.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pulumi_policy import EnforcementLevel, PolicyPack
from rules import ALL_POLICIES

PolicyPack(
    name="multicloud-vm-guardrails",
    policies=ALL_POLICIES,
    enforcement_level=EnforcementLevel.ADVISORY,
)
