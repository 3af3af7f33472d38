"""Everything the engine receives from the cloud adapters, for a broad set of specs, as canonical JSON.

A refactor of ``components/clouds`` must not change what the engine receives: each resource's type,
name, parent, provider, inputs, secret paths, options (ignore_changes, replace_on_changes,
delete_before_replace, replace_with, depends_on, aliases, protect, retain_on_delete, the replacement
trigger, additional secret outputs) and property dependencies; the invokes; the outputs each
component exports; and the roles of ``vm.resources`` (the escape hatch). ``dump()`` registers every
case below (every cloud; Linux and Windows; spot; public IP; a shared ``Network``, ``subnet_id`` and
dedicated networks; data disks named and unnamed, protected, retained and renamed; several ingress
rules; secrets given as Outputs; the dev stack), as ``pulumi up`` and as ``pulumi preview``, and
renders it sorted, so that registration order (which varies between runs for independent resources)
does not show. The mocks' outputs do not depend on that order either (``StableMocks``: no serial
numbers in ids, names or addresses).

tests/clouds/test_adapter_registrations.py compares it with tests/snapshots/registrations.json. By hand:

    .venv/bin/python tests/support/adapter_registrations.py > /tmp/after.json   # then diff with a saved dump
    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/clouds/test_adapter_registrations.py   # after an intended change
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]  # run as a script: the repository, for `tests.support`
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.support.common import DEFAULT_CONFIG, ROOT, public_key  # noqa: E402

KEY = public_key("ed25519")
PASSWORD = "Correct-Horse-Battery-9"
INGRESS = [
    {"port": 22, "sources": ["203.0.113.0/24"], "description": "SSH from the office"},
    {"from_port": 60000, "to_port": 61000, "protocol": "udp", "sources": ["0.0.0.0/0", "10.0.0.0/8"]},
    {"protocol": "icmp", "sources": ["10.0.0.0/8"]},
    {"port": 443, "sources": ["0.0.0.0/0"]},
]
DISKS = [
    {"name": "kept", "size_gib": 10, "protect": True},
    {"name": "retained", "size_gib": 20, "retain_on_delete": True, "disk_type": "standard"},
    {"size_gib": 30},
    {"name": "logs", "size_gib": 40, "renamed_from": "old-logs", "lun": 5},
]
LINUX_SCRIPT = "#!/bin/sh\necho hello\n"
WINDOWS_SCRIPT = "Write-Host hello"

# One VM per entry: name -> VirtualMachineArgs (a callable: built inside the program, for Outputs).
VMS: dict[str, Callable[[], dict]] = {
    "aws-min": lambda: {"cloud": "aws", "ssh_public_key": KEY},
    "aws-public": lambda: {
        "cloud": "aws",
        "zone": "use1-az2",
        "arch": "arm64",
        "image": "debian-12",
        "admin_username": "deploy",
        "ssh_public_key": KEY,
        "user_data": LINUX_SCRIPT,
        "public_ip": True,
        "ingress": INGRESS,
        "tags": {"owner": "data-team"},
    },
    "aws-spot": lambda: {
        "cloud": "aws",
        "ssh_public_key": KEY,
        "spot": True,
        "disk_type": "standard",
        "data_disks": DISKS,
    },
    "aws-subnet": lambda: {
        "cloud": "aws",
        "ssh_public_key": KEY,
        "subnet_id": "subnet-0123456789abcdef0",
        "data_disks": [{"size_gib": 50}],
        "ingress": INGRESS[:1],
    },
    "aws-zone-name": lambda: {
        "cloud": "aws",
        "ssh_public_key": KEY,
        "region": "eu-west-1",
        "zone": "eu-west-1a",
        "data_disks": [{"size_gib": 8}],
    },
    "aws-native": lambda: {
        "cloud": "aws",
        "image": "ami-0123456789abcdef0",
        "instance_type": "m5.large",
        "replace_on_image_change": True,
        "ssh_public_key": KEY,
    },
    "aws-win": lambda: {
        "cloud": "aws",
        "image": "windows-2022",
        "admin_password": PASSWORD,
        "user_data": WINDOWS_SCRIPT,
        "data_disks": [{"name": "data", "size_gib": 64}],
        "tags": {"owner": "apps-team"},
    },
    "aws-win-public-spot": lambda: {
        "cloud": "aws",
        "image": "windows-2022",
        "admin_password": PASSWORD,
        "public_ip": True,
        "spot": True,
        "ingress": [{"port": 3389, "sources": ["203.0.113.0/24"]}],
    },
    "aws-win-subnet": lambda: {
        "cloud": "aws",
        "image": "windows-2022",
        "admin_password": PASSWORD,
        "subnet_id": "subnet-0fedcba9876543210",
    },
    "aws-win-outputs": lambda: {
        "cloud": "aws",
        "region": "eu-west-1",
        "image": "windows-2022",
        "admin_password": _secret(PASSWORD),
        "user_data": _secret(WINDOWS_SCRIPT),
    },
    "azure-min": lambda: {"cloud": "azure", "ssh_public_key": KEY},
    "azure-full": lambda: {
        "cloud": "azure",
        "zone": "2",
        "ssh_public_key": KEY,
        "public_ip": True,
        "spot": True,
        "user_data": "#cloud-config\npackages: [nginx]\n",
        "ingress": INGRESS,
        "data_disks": DISKS,
        "tags": {"owner": "apps-team"},
    },
    "azure-given": lambda: {
        "cloud": "azure",
        "ssh_public_key": KEY,
        "resource_group_name": "existing-rg",
        "subnet_id": "/subscriptions/0000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/s",
        "public_ip": True,
    },
    "azure-win": lambda: {
        "cloud": "azure",
        "image": "windows-2022",
        "admin_password": PASSWORD,
        "user_data": WINDOWS_SCRIPT,
        "data_disks": [{"size_gib": 256}],
    },
    "azure-native": lambda: {
        "cloud": "azure",
        "image": "Debian:debian-11:11-gen2:0.20240101.1",
        "replace_on_image_change": True,
        "ssh_public_key": KEY,
        "user_data": _secret(LINUX_SCRIPT),
    },
    "azure-gen1": lambda: {"cloud": "azure", "instance_type": "Standard_A2_v2", "ssh_public_key": KEY},
    "gcp-min": lambda: {"cloud": "gcp", "ssh_public_key": KEY},
    "gcp-full": lambda: {
        "cloud": "gcp",
        "zone": "us-central1-c",
        "ssh_public_key": KEY,
        "public_ip": True,
        "spot": True,
        "user_data": LINUX_SCRIPT,
        "ingress": INGRESS,
        "data_disks": DISKS,
        "tags": {"Team": "Data Eng"},
    },
    "gcp-subnet": lambda: {
        "cloud": "gcp",
        "ssh_public_key": KEY,
        "subnet_id": "projects/shared-vpc/regions/us-central1/subnetworks/apps",
        "ingress": INGRESS[:2],
    },
    "gcp-win": lambda: {
        "cloud": "gcp",
        "image": "windows-2022",
        "admin_password": PASSWORD,
        "user_data": WINDOWS_SCRIPT,
        "public_ip": True,
        "data_disks": [{"size_gib": 100}],
    },
    "gcp-gpu": lambda: {
        "cloud": "gcp",
        "instance_type": "g2-standard-4",
        "image": "projects/my-images/global/images/golden-1",
        "replace_on_image_change": True,
        "ssh_public_key": KEY,
    },
}

# Shared networks and the VMs that join them: network name -> (NetworkArgs, {vm name: args}).
NETWORKS: dict[str, tuple[dict, dict[str, Callable[[], dict]]]] = {
    "net-aws": (
        {"cloud": "aws", "regions": ["us-east-1", "us-west-2"], "zones": ["use1-az2", "use1-az4", "usw2-az1"]},
        {
            "aws-joined": lambda: {
                "cloud": "aws",
                "zone": "use1-az4",
                "ssh_public_key": KEY,
                "public_ip": True,
                "data_disks": [{"name": "data", "size_gib": 16}],
                "ingress": INGRESS[:2],
            },
            "aws-joined-win": lambda: {
                "cloud": "aws",
                "region": "us-west-2",
                "image": "windows-2022",
                "admin_password": PASSWORD,
            },
        },
    ),
    "net-azure": (
        {"cloud": "azure", "regions": ["eastus", "westeurope"], "cidr": "10.8.0.0/16"},
        {
            "azure-joined": lambda: {"cloud": "azure", "ssh_public_key": KEY, "data_disks": [{"size_gib": 32}]},
            "azure-joined-rg": lambda: {
                "cloud": "azure",
                "region": "westeurope",
                "ssh_public_key": KEY,
                "resource_group_name": "apps-rg",
                "public_ip": True,
            },
        },
    ),
    "net-azure-rg": ({"cloud": "azure", "resource_group_name": "network-rg"}, {}),
    "net-gcp": (
        {"cloud": "gcp", "regions": ["us-central1", "europe-west1"]},
        {
            "gcp-joined": lambda: {"cloud": "gcp", "ssh_public_key": KEY, "ingress": INGRESS[:1]},
            "gcp-joined-win": lambda: {
                "cloud": "gcp",
                "region": "europe-west1",
                "image": "windows-2022",
                "admin_password": PASSWORD,
            },
        },
    ),
}


def _secret(value: str) -> Any:
    import pulumi

    return pulumi.Output.secret(value)


def _export(name: str, component) -> None:
    import pulumi

    pulumi.export(name, component.outputs())
    # The escape hatch: each role and the resource it names (the roles come in registration order, which
    # may change for independent resources).
    pulumi.export(f"{name}.resources", {role: resource.urn for role, resource in component.resources.items()})


def program() -> None:
    from components import Network, VirtualMachine

    for name, args in VMS.items():
        _export(name, VirtualMachine(name, args()))
    for network_name, (network_args, members) in NETWORKS.items():
        network = Network(network_name, network_args)
        _export(network_name, network)
        for name, args in members.items():
            _export(name, VirtualMachine(name, {**args(), "network": network}))


def _canonical_resource(r) -> dict:
    return {
        "type": r.type,
        "name": r.name,
        "parent": r.parent,
        "provider": r.provider,
        "custom": r.custom,
        "inputs": r.inputs,
        "secret_inputs": sorted(r.secret_inputs),
        "ignore_changes": r.ignore_changes,
        "replace_on_changes": r.replace_on_changes,
        "additional_secret_outputs": r.additional_secret_outputs,
        "aliases": r.aliases,
        "replace_with": sorted(r.replace_with),
        "protect": r.protect,
        "retain_on_delete": r.retain_on_delete,
        "delete_before_replace": r.delete_before_replace,
        "replacement_trigger": r.replacement_trigger,
        "dependencies": sorted(r.dependencies),
        "property_dependencies": {k: sorted(v) for k, v in sorted(r.property_dependencies.items())},
    }


def canonical(evaluation) -> dict:
    """What the engine received, keyed and sorted so that registration order does not show."""
    resources = {r.urn: _canonical_resource(r) for r in evaluation.resources}
    if len(resources) != len(evaluation.resources):
        raise AssertionError("two registrations with one URN")
    invokes = sorted(
        ({"token": i.token, "args": i.args, "provider": i.provider} for i in evaluation.invokes),
        key=lambda invoke: json.dumps(invoke, sort_keys=True),
    )
    return {
        "resources": dict(sorted(resources.items())),
        "invokes": invokes,
        "outputs": evaluation.outputs,
        "secret_outputs": sorted(evaluation.secret_outputs),
        "warnings": sorted(evaluation.warnings),
    }


def _dev_stack(preview: bool):
    from components.offline import evaluate
    from components.program import run
    from components.tools.plan import stack_config
    from tests.support.plugin_harness import StableMocks

    project, config, secret_keys = stack_config(ROOT, "dev")
    return evaluate(
        run,
        config=config,
        secret_config_keys=secret_keys,
        project=project,
        stack="dev",
        preview=preview,
        mocks=StableMocks(),
    )


def _cases(preview: bool):
    from components.offline import evaluate
    from tests.support.plugin_harness import StableMocks

    return evaluate(program, config=DEFAULT_CONFIG, preview=preview, mocks=StableMocks())


RUNS: dict[str, Callable[[], Any]] = {
    "cases-up": lambda: _cases(False),
    "cases-preview": lambda: _cases(True),
    "dev-stack-up": lambda: _dev_stack(False),
    "dev-stack-preview": lambda: _dev_stack(True),
}


def dump(runs: list[str] | None = None) -> dict:
    """The runs named (default: all), without the stack's lock file, each as canonical JSON."""
    from components.lockfile import LOCK_DIR_ENV

    saved = os.environ.get(LOCK_DIR_ENV)
    with tempfile.TemporaryDirectory() as no_lock:
        os.environ[LOCK_DIR_ENV] = no_lock
        try:
            return {name: canonical(RUNS[name]()) for name in runs or RUNS}
        finally:
            if saved is None:
                os.environ.pop(LOCK_DIR_ENV, None)
            else:
                os.environ[LOCK_DIR_ENV] = saved


def _hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=_unknown)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


OPTION_FIELDS = (
    "type",
    "name",
    "parent",
    "provider",
    "custom",
    "ignore_changes",
    "replace_on_changes",
    "additional_secret_outputs",
    "aliases",
    "replace_with",
    "protect",
    "retain_on_delete",
    "delete_before_replace",
    "replacement_trigger",
)


def digest(run: dict) -> dict:
    """A run's canonical JSON in short: per resource (by URN less the stack and project) a hash of
    its inputs with their secret paths, of its options, and of its dependencies; a hash of the
    invokes, of the stack outputs and of the warnings. Small enough to commit; the full JSON (the
    script's output) shows what a changed hash stands for."""
    resources = {}
    for urn, r in run["resources"].items():
        resources[urn.split("::", 2)[2]] = {
            "inputs": _hash([r["inputs"], r["secret_inputs"]]),
            "options": _hash({field: r[field] for field in OPTION_FIELDS}),
            "dependencies": _hash([r["dependencies"], r["property_dependencies"]]),
        }
    return {
        "resources": resources,
        "invokes": _hash(run["invokes"]),
        "outputs": _hash([run["outputs"], run["secret_outputs"]]),
        "warnings": _hash(run["warnings"]),
    }


def differences(old: dict, new: dict) -> list[str]:
    """What changed between two digests of one run, one line per resource and part."""
    problems = []
    before, after = old["resources"], new["resources"]
    problems += [f"no longer registered: {key}" for key in sorted(before.keys() - after.keys())]
    problems += [f"newly registered: {key}" for key in sorted(after.keys() - before.keys())]
    for key in sorted(before.keys() & after.keys()):
        changed = [part for part in before[key] if before[key][part] != after[key].get(part)]
        if changed:
            problems.append(f"{', '.join(changed)} changed: {key}")
    problems += [f"{part} changed" for part in ("invokes", "outputs", "warnings") if old[part] != new[part]]
    return problems


def _unknown(value: Any) -> str:
    """Preview: an input not known until its dependency exists (``pulumi.output.Unknown``)."""
    if type(value).__name__ == "Unknown":
        return "<unknown>"
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def render(document: dict) -> str:
    return json.dumps(document, indent=1, sort_keys=True, default=_unknown) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render(dump()))
