"""Runs one step of a cloud adapter's ``provision`` on its own under the offline engine.

A step takes a ``VmBuild`` (the spec, the component its resources are children of, the tags) and
registers resources or returns a mapping; ``run_step`` gives it a component to parent them to, runs it
as ``pulumi up`` would, and returns what the engine received with what the step returned and the
roles it kept (``build.resources``). The tests of the steps (test_<cloud>_steps.py) assert on these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi

from components.clouds.base import NativeNetwork, VmBuild
from components.offline import Evaluation, RegisteredResource, evaluate
from components.spec import CloudDefaults, VmSpec, validate
from components.vm import TYPE_TOKEN
from tests.support.common import DEFAULT_CONFIG
from tests.support.plugin_harness import StableMocks  # ids like "<name>-id", whatever the registration order

DEFAULTS = {
    "aws": CloudDefaults(region="us-east-1", stack="multicloud-vm/dev"),
    "azure": CloudDefaults(region="eastus", stack="multicloud-vm/dev"),
    "gcp": CloudDefaults(region="us-central1", project="test-project", stack="multicloud-vm/dev"),
}
COMPONENT_URN = "urn:pulumi:dev::multicloud-vm::multicloud:index:VirtualMachine::{}"


def spec_of(cloud: str, name: str = "vm", **args: Any) -> VmSpec:
    return validate(name, {"cloud": cloud, **args}, DEFAULTS[cloud])


@dataclass
class StepRun:
    evaluation: Evaluation
    result: Any
    """What the step returned (Outputs in it are not resolved)."""
    roles: dict[str, str]
    """The escape hatch the step filled: role -> resource name."""

    def registered(self, name: str) -> RegisteredResource:
        return self.evaluation.by_name(name)

    @property
    def names(self) -> set[str]:
        return {r.name for r in self.evaluation.resources if r.type != TYPE_TOKEN}


def run_step(spec: VmSpec, step: Callable[[VmBuild], Any], tags: dict | None = None, preview: bool = False) -> StepRun:
    """Runs ``step(build)`` for ``spec`` under a component named after the VM; ``tags`` default to the
    spec's. The step may export what it needs resolved (``pulumi.export``)."""
    captured: dict[str, Any] = {}

    def program() -> None:
        parent = pulumi.ComponentResource(TYPE_TOKEN, spec.name)
        build = VmBuild(spec, parent, tags=dict(spec.tags) if tags is None else tags)
        captured["result"] = step(build)
        captured["build"] = build

    evaluation = evaluate(program, config=DEFAULT_CONFIG, preview=preview, mocks=StableMocks())
    roles = {role: resource._name for role, resource in captured["build"].resources.items()}
    return StepRun(evaluation, captured["result"], roles)


def shared_network(**ids: dict[str, str]) -> NativeNetwork:
    """A shared network's native side as a VM receives it, with the ids given (inside a program)."""
    outputs = {key: {k: pulumi.Output.from_input(v) for k, v in value.items()} for key, value in ids.items()}
    return NativeNetwork(**outputs)
