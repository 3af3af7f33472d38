"""The layers of docs/design.md, enforced: which package may import which.

Statically, every import in every module (also those inside functions, which still run) must fall in
its layer's allowed set. At run time, in fresh interpreters: the pure layers and the offline tools
load no Pulumi or provider SDK, and a VM of one cloud loads only that cloud's SDK.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.common import ROOT

PROVIDER_SDKS = ("pulumi_aws", "pulumi_azure_native", "pulumi_gcp")
PULUMI = ("pulumi", "pulumi_policy", *PROVIDER_SDKS)
STDLIB = sys.stdlib_module_names

# layer -> (components/policies packages it may import, third-party packages it may import)
CHANGE_FACTS = "components.cloud_rules (change facts)"
PURE_LEAVES = {
    "components.errors",
    "components.version",
    "components.images",
    "components.user_data",
    "components.property_paths",
    "components.money",
}
LAYERS: dict[str, tuple[set[str], set[str]]] = {
    "components.errors": (set(), set()),
    "components.version": (set(), set()),
    "components.images": (set(), set()),
    "components.user_data": (set(), set()),
    "components.property_paths": (set(), set()),
    "components.money": (set(), set()),
    # refresh (boto3, requests, rich) and build (the data bundled with moto) import these lazily
    "components.catalog": (
        {"components.cloud_rules", "components.money"},
        {"boto3", "botocore", "requests", "rich", "moto"},
    ),
    # Each cloud's facts (cloud_rules/<cloud>.py and its surface), below the catalog that reads them ...
    "components.cloud_rules": (PURE_LEAVES, set()),
    # ... and what a provider does when an input changes (cloud_rules/*_resources.py), which asks the catalog.
    CHANGE_FACTS: ({"components.catalog", "components.cloud_rules"} | PURE_LEAVES, set()),
    "components.spec": ({"components.catalog", "components.cloud_rules"} | PURE_LEAVES, set()),
    "components.pricing": ({"components.catalog", "components.cloud_rules", "components.money"}, set()),
    # A VM as plan describes it (and the stack's comparison output): pure, as pricing.
    "components.plan_row": ({"components.pricing"}, set()),
    "components.changes": ({"components.cloud_rules", CHANGE_FACTS, "components.catalog"} | PURE_LEAVES, set()),
    "components.clouds": (
        {"components.spec", "components.cloud_rules", "components.catalog"} | PURE_LEAVES,
        {"pulumi", *PROVIDER_SDKS},
    ),
    "components.args": (set(), {"pulumi"}),
    # The stack's lock file: where it is, read and written atomically (standard library only).
    "components.lockfile": ({"components.spec"}, set()),
    # The provider configuration a spec falls back on: the config keys are the cloud rules', reading them Pulumi's.
    "components.provider_defaults": ({"components.cloud_rules", "components.spec"} | PURE_LEAVES, {"pulumi"}),
    "components.vm": (
        {
            "components.args",
            "components.clouds",
            "components.spec",
            "components.pricing",
            "components.lockfile",
            "components.provider_defaults",
        }
        | PURE_LEAVES,
        {"pulumi"},
    ),
    "components.network": (
        {"components.args", "components.clouds", "components.spec", "components.provider_defaults"} | PURE_LEAVES,
        {"pulumi"},
    ),
    "components.program": (
        {
            "components.vm",
            "components.network",
            "components.spec",
            "components.pricing",
            "components.plan_row",
            "components.lockfile",
            "components.provider_defaults",
        }
        | PURE_LEAVES,
        {"pulumi"},
    ),
    "components.hosting": (
        {"components.args", "components.vm", "components.network"} | PURE_LEAVES,
        {"pulumi"},
    ),
    # The offline engine: Pulumi's mocks runtime recording what a program registers (protobuf for the
    # engine's messages); the catalog for the zone names an account would give.
    "components.offline": ({"components.catalog"}, {"pulumi", "google"}),
    "components.tools": (
        {
            "components.offline",
            "components.catalog",
            "components.cloud_rules",
            CHANGE_FACTS,
            "components.spec",
            "components.pricing",
            "components.plan_row",
            "components.changes",
            "components.program",
            "components.vm",
            "components.network",
            "components.lockfile",
        }
        | PURE_LEAVES,
        {"pulumi", "pulumi_policy", "google", "yaml", "jsonschema", "matplotlib"},
    ),
    "components.__main__": ({"components.catalog"}, set()),
    "components": ({"components.vm", "components.network"} | PURE_LEAVES, set()),
    "policies": (
        {"components.catalog", "components.cloud_rules", "components.pricing", "components.money"},
        {"pulumi", "pulumi_policy"},
    ),
}
# Within the tools, only these modules may import these packages.
TOOLS_ONLY_IN = {
    "pulumi": {
        "components.tools.plan",
        "components.tools.program_runner",
        "components.tools.policy_check",
    },
    # the policy SDK, and the schema check of its config, only where `plan --policy-pack` runs a pack
    "pulumi_policy": {"components.tools.policy_check"},
    "jsonschema": {"components.tools.policy_check"},
    "google": {"components.tools.policy_check"},  # protobuf: the analyzer's messages
    "yaml": {"components.tools.stack_files", "components.tools.catalog"},  # catalog seed-gcp: pricing.yml
    "matplotlib": {"components.tools.compare.chart"},
}
# Each adapter imports its own cloud's SDK, never another's.
ADAPTER_SDK = {"aws": "pulumi_aws", "azure": "pulumi_azure_native", "gcp": "pulumi_gcp"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "policies":
        return "policies"
    if parts[:2] == ["components", "cloud_rules"] and parts[-1].endswith(("_resources", "resource_rules")):
        return CHANGE_FACTS
    return ".".join(parts[:2]) if len(parts) > 1 else module


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every import statement in the file, at any depth; for
    ``from package import name`` the submodule when ``name`` is one."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.append((node.lineno, submodule if is_module(submodule) else target))
    return found


SOURCES = sorted([*(ROOT / "components").rglob("*.py"), *(ROOT / "policies").rglob("*.py")])


def is_type_checking_only(path: Path, line: int) -> bool:
    """Whether the import on ``line`` sits under ``if TYPE_CHECKING:`` (never runs)."""
    for node in ast.walk(ast.parse(path.read_text())):
        guarded = isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        if guarded and any(getattr(child, "lineno", None) == line for stmt in node.body for child in ast.walk(stmt)):
            return True
    return False


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_import_stays_within_its_layer(path):
    module = module_name(path)
    layer = layer_of(module)
    assert layer in LAYERS, f"{module} is in no layer of docs/design.md; add it there and here"
    allowed_local, allowed_third_party = LAYERS[layer]
    problems = []
    for line, target in imports(path):
        top = target.split(".")[0]
        if top in ("components", "policies"):
            target_layer = layer_of(target)
            if target_layer == layer or target_layer in allowed_local:
                continue
        elif top in STDLIB or top == "__future__" or top in allowed_third_party:
            if layer == "components.tools" and top in TOOLS_ONLY_IN and module not in TOOLS_ONLY_IN[top]:
                problems.append(f"line {line}: {target} (in the tools only {sorted(TOOLS_ONLY_IN[top])})")
            if layer == "components.clouds" and top in PROVIDER_SDKS:
                # An adapter's helper modules are named after it: clouds/aws_windows.py is AWS's.
                own = ADAPTER_SDK.get(module.rsplit(".", 1)[-1].split("_")[0])
                if top != own:
                    problems.append(f"line {line}: {target} (an adapter imports only its own cloud's SDK)")
            continue
        if is_type_checking_only(path, line):
            continue
        problems.append(f"line {line}: {target}")
    assert not problems, f"{module} ({layer}) imports outside its layer:\n" + "\n".join(problems)


def loaded_after(code: str) -> set[str]:
    """The top-level packages a fresh interpreter has loaded after running ``code``."""
    script = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


HEAVY = {*PULUMI, "boto3", "botocore", "rich", "matplotlib", "grpc", "yaml", "requests"}


def test_the_pure_layers_and_the_offline_tools_load_no_pulumi_or_sdk():
    loaded = loaded_after(
        "import components, components.spec, components.cloud_rules.aws, components.cloud_rules.azure, "
        "components.cloud_rules.gcp, components.catalog, components.pricing, components.tools.compare, "
        "components.changes, components.cloud_rules.resource_rules, components.tools.plan_changes, "
        "components.tools.catalog, components.__main__\n"
        "from components.spec import validate\n"
        "validate('web', {'cloud': 'azure', 'region': 'westeurope', 'ssh_public_key': "
        f"{(ROOT / 'tests/fixtures/keys/ed25519.pub').read_text().strip()!r}}})\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert components.__main__.main(['compare', '--cpus', '2', '--memory', '4']) == 0\n"
        "    assert components.__main__.main(['catalog', 'info']) == 0\n"
        "from components.cloud_rules.resource_rules import known_types\n"
        "assert known_types()"
    )
    assert loaded & HEAVY == set()


def test_plan_without_a_policy_pack_loads_no_policy_sdk():
    loaded = loaded_after(
        "import contextlib, io, components.__main__\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert components.__main__.main(['plan', '--format', 'json']) == 0"
    )
    assert "pulumi" in loaded and loaded & {"pulumi_policy", "jsonschema"} == set()


def test_the_policy_pack_loads_no_provider_sdk():
    loaded = loaded_after("import sys; sys.path.insert(0, 'policies'); import policies.rules")
    assert "pulumi_policy" in loaded
    assert loaded & set(PROVIDER_SDKS) == set()


def test_a_vm_of_one_cloud_loads_only_that_clouds_sdk():
    loaded = loaded_after(
        "from components.offline import evaluate\n"
        "from components import VirtualMachine\n"
        "evaluate(lambda: VirtualMachine('web', {'cloud': 'gcp', 'region': 'us-central1'}), "
        "config={'gcp:project': 'test-project'})"
    )
    assert "pulumi_gcp" in loaded
    assert loaded & {"pulumi_aws", "pulumi_azure_native"} == set()
