"""The multicloud-vm guardrails policy pack: only the wiring. The rules live in the modules of this
package (rules.py lists them)."""

import sys
from pathlib import Path

# Pulumi runs this file as a script from policies/: import the rules as the `policies` package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, PolicyPack

from policies.rules import ALL_POLICIES

PolicyPack(
    name="multicloud-vm-guardrails",
    policies=ALL_POLICIES,
    enforcement_level=EnforcementLevel.ADVISORY,
)
