"""The README's examples stay true: its Python example runs, its config example plans."""

from __future__ import annotations

import re

from conftest import DEFAULT_CONFIG, ROOT, public_key

from components.tools.offline import evaluate
from components.tools.plan import plan_stack

README = (ROOT / "README.md").read_text()


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def test_the_component_example_runs_under_mocks(tmp_path, monkeypatch):
    (example,) = [block for block in code_blocks("python") if "VirtualMachineArgs(" in block]
    (tmp_path / "id_ed25519.pub").write_text(public_key("ed25519"))
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    evaluation = evaluate(lambda: exec(example, namespace), config=DEFAULT_CONFIG)
    web = namespace["web"]
    assert web.spec.arch == "arm64" and web.spec.instance_type.startswith("t2a-")
    assert evaluation.outputs["ssh"].startswith("ssh vmadmin@")


def test_the_stack_config_example_plans(tmp_path):
    """The example goes through the real program, as `plan` runs it (with the project's defaults)."""
    (example,) = [block for block in code_blocks("yaml") if "multicloud-vm:vms" in block and "clouds:" in block]
    text = example.replace("ssh-ed25519 AAAA... me@example.com", public_key("ed25519"))
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "Pulumi.example.yaml").write_text(text)
    rows = plan_stack(tmp_path, "example")
    assert [row["name"] for row in rows] == ["web-aws", "web-azure", "web-gcp", "build", "win"]
    build = rows[3]
    assert (build["cloud"], build["region"], build["instance_type"], build["spot"]) == (
        "aws",
        "us-east-1",
        "c7g.xlarge",
        True,
    )
    assert rows[4]["os_type"] == "windows"
