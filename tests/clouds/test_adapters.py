"""The cloud adapters as one interface: every module in components/clouds is a ``CloudAdapter`` (the
same ``provision``/``provision_network`` signatures), every cloud has one, a module that is not one
fails with what differs, and the parts every adapter shares (``base``) are tested directly."""

from __future__ import annotations

import ast
import pkgutil
import types
from pathlib import Path

import pytest

import components.clouds
from components.cloud_rules.azure import trigger_generation
from components.clouds import adapter, adapter_problems
from components.clouds.base import NativeNetwork, NativeVm, VmBuild, image_trigger, ingress_description
from components.spec import CLOUDS, IngressRule
from tests.support.common import public_key
from tests.support.step_harness import run_step, spec_of

CLOUDS_DIR = Path(components.clouds.__file__).parent
KEY = public_key("ed25519")


def adapter_modules() -> list[str]:
    """The modules of components/clouds that are adapters: all but ``base`` and an adapter's helper
    modules (``<cloud>_<topic>``, like ``aws_windows``)."""
    return sorted(m.name for m in pkgutil.iter_modules([str(CLOUDS_DIR)]) if m.name != "base" and "_" not in m.name)


def test_every_cloud_has_an_adapter_and_every_adapter_a_cloud():
    assert adapter_modules() == sorted(CLOUDS), (
        "components/clouds/<cloud>.py for each cloud of components.spec.CLOUDS, and no other adapter: "
        f"modules {adapter_modules()}, clouds {sorted(CLOUDS)}"
    )


@pytest.mark.parametrize("cloud", adapter_modules())
def test_each_adapter_module_is_a_cloud_adapter(cloud):
    module = adapter(cloud)
    assert adapter_problems(module) == []
    assert module.provision.__annotations__["network"] == "NativeNetwork | None"


def test_a_module_that_is_not_an_adapter_fails_with_what_differs(monkeypatch):
    """A fourth cloud whose module has another parameter name and no provision_network."""
    from components.clouds.base import NativeNetwork, NativeVm
    from components.spec import VmSpec

    module = types.ModuleType("components.clouds.oracle")
    vars(module).update(VmSpec=VmSpec, NativeNetwork=NativeNetwork, NativeVm=NativeVm)
    exec(
        "from __future__ import annotations\n"
        "import pulumi\n"
        "def provision(spec: VmSpec, parent: pulumi.ComponentResource, shared: NativeNetwork | None = None)"
        " -> NativeVm: ...\n",
        vars(module),
    )
    problems = adapter_problems(module)
    assert len(problems) == 2
    assert problems[0].startswith("provision(") and "shared:" in problems[0]
    assert "should be provision(" in problems[0] and "network: components.clouds.base.NativeNetwork" in problems[0]
    assert problems[1].startswith("no function provision_network(spec: components.spec.network.NetworkSpec")

    monkeypatch.setitem(__import__("sys").modules, "components.clouds.oracle", module)
    adapter.cache_clear()
    try:
        with pytest.raises(TypeError, match=r"components\.clouds\.oracle is not a cloud adapter .*shared"):
            adapter("oracle")
    finally:
        adapter.cache_clear()


def test_no_function_of_an_adapter_is_over_60_lines():
    long = []
    for path in sorted(CLOUDS_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                if node.end_lineno - start + 1 > 60:
                    long.append(f"{path.name}:{node.lineno} {node.name} ({node.end_lineno - start + 1} lines)")
    assert not long


def test_ingress_description_is_the_users_or_protocol_and_ports():
    assert ingress_description(IngressRule("tcp", 22, 22, ("10.0.0.0/8",), "office")) == "office"
    assert ingress_description(IngressRule("udp", 60000, 61000, ("0.0.0.0/0",))) == "udp 60000-61000"
    assert ingress_description(IngressRule("icmp", None, None, ("10.0.0.0/8",))) == "icmp *"
    assert ingress_description(IngressRule("tcp", 443, 443, ("0.0.0.0/0",)), target="web") == "tcp 443 to web"
    assert ingress_description(IngressRule("tcp", 443, 443, ("0.0.0.0/0",), "HTTPS"), target="web") == "HTTPS"


def test_the_image_trigger_names_the_alias_and_an_azure_gen1_image():
    assert image_trigger(spec_of("aws", ssh_public_key=KEY)) == "ubuntu-24.04"
    assert image_trigger(spec_of("aws", image="ami-0123456789abcdef0", ssh_public_key=KEY)) == "ami-0123456789abcdef0"
    gen1 = spec_of("azure", instance_type="Standard_A2_v2", ssh_public_key=KEY)
    gen2 = spec_of("azure", ssh_public_key=KEY)
    native = spec_of("azure", image="Canonical:ubuntu-24_04-lts:server-gen1:latest", ssh_public_key=KEY)
    assert (trigger_generation(gen1), trigger_generation(gen2), trigger_generation(native)) == ("V1", None, None)
    assert image_trigger(gen1, trigger_generation(gen1)) == "ubuntu-24.04 (V1)"
    assert image_trigger(native, trigger_generation(native)) == "Canonical:ubuntu-24_04-lts:server-gen1:latest"


def test_a_build_keeps_each_resource_under_its_role_parented_to_the_component():
    import pulumi_aws as aws

    def step(build: VmBuild):
        assert build.name == "vm"
        return build.add("key_pair", aws.ec2.KeyPair("vm-key", public_key=KEY, opts=build.opts()))

    run = run_step(spec_of("aws", ssh_public_key=KEY), step)
    assert run.roles == {"key_pair": "vm-key"}
    assert run.registered("vm-key").parent.endswith("multicloud:index:VirtualMachine::vm")


def test_what_adapters_return_is_declared_once():
    assert {f for f in NativeVm.__dataclass_fields__} == {
        "vm_id",
        "private_ip",
        "public_ip",
        "image",
        "zone",
        "resources",
    }
    assert {f for f in NativeNetwork.__dataclass_fields__} == {
        "network_ids",
        "subnet_ids",
        "resource_group_names",
        "resources",
    }
