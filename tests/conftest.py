"""Shared fixtures: SSH keys, default provider config, and running VirtualMachine specs under mocks."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_CONFIG = {
    "aws:region": "us-east-1",
    "azure-native:location": "eastus",
    "gcp:region": "us-central1",
    "gcp:project": "test-project",
}


def public_key(name: str) -> str:
    return (FIXTURES / "keys" / f"{name}.pub").read_text().strip()


@pytest.fixture(scope="session")
def ssh_key() -> str:
    return public_key("ed25519")


@pytest.fixture(scope="session")
def rsa_key() -> str:
    return public_key("rsa2048")


def run_vms(
    specs: dict[str, dict], *, preview: bool = False, config: dict | None = None, opts_for: Callable | None = None
):
    """Builds one VirtualMachine per (name, args) under mocks and returns the evaluation and the VMs."""
    import pulumi

    from components import VirtualMachine
    from components.tools.offline import evaluate

    built: dict = {}

    def program():
        for name, args in specs.items():
            opts = opts_for(name) if opts_for else None
            vm = VirtualMachine(name, args, opts)
            built[name] = vm
            pulumi.export(name, vm.outputs())

    evaluation = evaluate(program, config={**DEFAULT_CONFIG, **(config or {})}, preview=preview)
    return evaluation, built


@pytest.fixture(autouse=True)
def no_stack_lock(monkeypatch, tmp_path_factory):
    """Every test starts without a stack lock: the component reads ``vms.<stack>.lock.json`` from the
    working directory, which is this repository (with the dev stack's lock). A test that wants a lock
    writes one and points ``MULTICLOUD_VM_LOCK_DIR`` at it (or deletes the variable for the repo's)."""
    from components.lockfile import LOCK_DIR_ENV

    monkeypatch.setenv(LOCK_DIR_ENV, str(tmp_path_factory.mktemp("no-lock")))


@pytest.fixture(params=[False, True], ids=["up", "preview"])
def preview(request) -> bool:
    return request.param
