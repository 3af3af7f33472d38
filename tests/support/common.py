"""What many tests share (like httpx's tests/common.py): the repository's paths, the default provider
config, the fixture SSH keys, and running VirtualMachine specs under the offline engine. The pytest
fixtures built on these are in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
SNAPSHOTS = TESTS / "snapshots"

DEFAULT_CONFIG = {
    "aws:region": "us-east-1",
    "azure-native:location": "eastus",
    "gcp:region": "us-central1",
    "gcp:project": "test-project",
}


def public_key(name: str) -> str:
    return (FIXTURES / "keys" / f"{name}.pub").read_text().strip()


def run_vms(
    specs: dict[str, dict], *, preview: bool = False, config: dict | None = None, opts_for: Callable | None = None
):
    """Builds one VirtualMachine per (name, args) under mocks and returns the evaluation and the VMs."""
    import pulumi

    from components import VirtualMachine
    from components.offline import evaluate

    built: dict = {}

    def program():
        for name, args in specs.items():
            opts = opts_for(name) if opts_for else None
            vm = VirtualMachine(name, args, opts)
            built[name] = vm
            pulumi.export(name, vm.outputs())

    evaluation = evaluate(program, config={**DEFAULT_CONFIG, **(config or {})}, preview=preview)
    return evaluation, built
