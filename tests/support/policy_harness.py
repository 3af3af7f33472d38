"""The policy pack's tests judge what they register with the tool's own analyzer: the code behind
``plan --policy-pack`` (``components/tools/policy_check.py``), which feeds resources captured by
``components.offline.evaluate`` to the pack the way the Pulumi engine does: through the policy
SDK's own analyzer servicer (Configure, Analyze per resource, AnalyzeStack), so props are deserialized
and wrapped in the SDK's unknown-checking proxies, config and enforcement levels come from a pack config
file as the CLI reconciles it, and violations come back as the diagnostics the engine would print.

The pack is the one ``policies/`` declares, loaded from its folder as ``plan --policy-pack policies``
loads it. This module only adds the defaults the tests share.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from components.offline import Evaluation, RegisteredResource  # noqa: E402
from components.tools import policy_check  # noqa: E402
from components.tools.policy_check import (  # noqa: E402, F401  (the names the tests use)
    UNKNOWN,
    Violation,
    _struct,
    provider_for,
    summary,
    wire_value,
)

PACK_CONFIG_FILE = REPO_ROOT / "policies" / "config.json"
PACK = policy_check.load_pack(REPO_ROOT / "policies")
PACK_NAME = PACK.name


def _pack(policies: Iterable | None) -> policy_check.Pack:
    return PACK if policies is None else dataclasses.replace(PACK, policies=list(policies))


def reconcile_config(pack_config: Mapping[str, Any] | None, policies=None) -> dict[str, tuple[str, dict]]:
    return policy_check.reconcile_config(pack_config, _pack(policies))


def load_pack_config(path: Path = PACK_CONFIG_FILE) -> dict:
    return json.loads(path.read_text())


def run_policies(
    resources: Iterable[RegisteredResource],
    pack_config: Mapping[str, Any] | None = None,
    stack_config: Mapping[str, Any] | None = None,
    policies=None,
) -> list[Violation]:
    """Every violation the pack reports for these resources (each resource, then the stack)."""
    return policy_check.run_policies(resources, pack_config, stack_config, _pack(policies))


def run_on_evaluation(
    evaluation: Evaluation,
    pack_config: Mapping[str, Any] | None = None,
    stack_config: Mapping[str, Any] | None = None,
) -> list[Violation]:
    return run_policies(evaluation.resources, pack_config, stack_config)


def raw_resource(type_: str, name: str, props: Mapping[str, Any], *, provider: str | None = None) -> RegisteredResource:
    """A resource as if registered by a program, for props the tests write by hand (e.g. with
    unknown sentinels or missing keys)."""
    urn = f"urn:pulumi:dev::multicloud-vm::{type_}::{name}"
    return RegisteredResource(urn, type_, name, dict(props), dict(props), None, True, None, provider)


def not_run(violations: Iterable[Violation]) -> list[Violation]:
    """Diagnostics saying a policy could not run (an unknown value reached the SDK's proxy)."""
    return [v for v in violations if "can't run policy" in v.message]
