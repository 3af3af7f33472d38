"""Shared fixtures: SSH keys and no stack lock. The helpers they use (paths, default provider config,
running VirtualMachine specs under mocks) are in tests/support/common.py; the harnesses beside it."""

from __future__ import annotations

import pytest

from tests.support.common import public_key


@pytest.fixture(scope="session")
def ssh_key() -> str:
    return public_key("ed25519")


@pytest.fixture(scope="session")
def rsa_key() -> str:
    return public_key("rsa2048")


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
