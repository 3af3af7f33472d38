"""The README and the docs pages stay true: links resolve, and every example runs.

- ``console`` blocks: each ``$ python -m components ...`` runs in-process; its output must match the
  block line by line (a line ``...`` stands for any number of lines, a line ending in ``...`` for any
  line starting with what precedes it). A last line ``(exit status N)`` gives the expected status.
- ``python`` blocks run under Pulumi's mocks and must register at least one component.
- ``yaml`` blocks holding ``multicloud-vm:vms`` are planned as a stack's config.
- ``json`` blocks of the policy pages that name policies are validated as pack config, as the CLI does.
"""

from __future__ import annotations

import io
import json
import re
import shlex
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from components.__main__ import main as components_main
from components.lockfile import LOCK_DIR_ENV
from components.offline import evaluate
from components.tools.plan import plan_stack
from tests.support.common import DEFAULT_CONFIG, ROOT, public_key
from tests.support.policy_harness import reconcile_config

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
KEY = public_key("ed25519")
EXIT_STATUS = re.compile(r"^\(exit status (\d+)\)$")


def page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"^(?:```|````){language}\n(.*?)^(?:```|````)$", path.read_text(), re.S | re.M)


def examples(language: str) -> list:
    return [
        pytest.param(path, block, id=f"{page_id(path)}#{i}")
        for path in PAGES
        for i, block in enumerate(blocks(path, language))
    ]


def heading_anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a page's headings (lowercase, punctuation dropped, spaces to '-')."""
    text = re.sub(r"^(```|````).*?^\1$", "", path.read_text(), flags=re.S | re.M)
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.M):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-"))
    return anchors


def relative_links(path: Path) -> list[tuple[str, str]]:
    text = re.sub(r"^(```|````).*?^\1$", "", path.read_text(), flags=re.S | re.M)
    text = re.sub(r"`[^`\n]*`", "", text)
    return [
        (target, anchor)
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", text)
        if not re.match(r"[a-z]+:", target)
    ]


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_every_relative_link_and_anchor_resolves(path):
    for target, anchor in relative_links(path):
        resolved = (path.parent / target).resolve() if target else path
        assert resolved.exists(), f"{page_id(path)} links to missing {target}"
        if anchor:
            assert resolved.suffix == ".md", f"{page_id(path)}: anchor on a non-page {target}"
            assert anchor in heading_anchors(resolved), f"{page_id(path)}: no heading #{anchor} in {target or 'itself'}"


def test_the_readme_links_every_docs_page_and_stays_short():
    text = README.read_text()
    linked = {(README.parent / target).resolve() for target, _ in relative_links(README)}
    assert [page_id(p) for p in DOCS if p.resolve() not in linked] == []
    assert len(text.splitlines()) < 300


def match_output(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` fits ``expected``, where a ``...`` line is any lines and a trailing ``...``
    is any rest of a line."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == "...":
        return any(match_output(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    if head.endswith("...") and head.strip() != "...":
        fits = actual[0].startswith(head[:-3].rstrip()) or actual[0].startswith(head[:-3])
    else:
        fits = actual[0].rstrip() == head.rstrip()
    return fits and match_output(rest, actual[1:])


def test_output_matching_treats_ellipses_as_wildcards():
    assert match_output(["a", "...", "z"], ["a", "b", "c", "z"])
    assert match_output(["a", "...", "z"], ["a", "z"])
    assert match_output(["Prices: list ..."], ["Prices: list prices, 730 h"])
    assert not match_output(["a", "z"], ["a", "b", "z"])
    assert not match_output(["a b"], ["a c"])


@pytest.mark.parametrize(("path", "block"), examples("console"))
def test_console_examples_print_what_the_docs_show(path, block, monkeypatch):
    lines = block.rstrip("\n").splitlines()
    assert lines[0].startswith("$ "), f"a console block starts with '$ command': {lines[0]!r}"
    argv = shlex.split(lines[0][2:])
    program = argv.index("-m")
    assert argv[program + 1] == "components", f"only python -m components commands run here: {lines[0]}"
    expected, status = lines[1:], 0
    if expected and EXIT_STATUS.match(expected[-1]):
        status = int(EXIT_STATUS.match(expected.pop()).group(1))
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv(LOCK_DIR_ENV, raising=False)  # as a user runs it: with the repository's stack lock
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = components_main(argv[program + 2 :])
    actual = stdout.getvalue().rstrip("\n").splitlines()
    assert code == status, stderr.getvalue()
    assert match_output(expected, actual), "\n".join(["the command now prints:", *actual])


@pytest.mark.parametrize(("path", "block"), examples("python"))
def test_python_examples_run_under_mocks(path, block, tmp_path, monkeypatch):
    (tmp_path / "id_ed25519.pub").write_text(KEY)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"key": KEY}
    evaluation = evaluate(lambda: exec(block, namespace), config=DEFAULT_CONFIG)
    assert [r for r in evaluation.resources if r.type.startswith("multicloud:index:")]


@pytest.mark.parametrize(("path", "block"), [p for p in examples("yaml") if "multicloud-vm:vms" in p.values[1]])
def test_stack_config_examples_plan(path, block, tmp_path):
    text = block.replace("ssh-ed25519 AAAA... me@example.com", KEY)
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "__main__.py").write_text((ROOT / "__main__.py").read_text())
    (tmp_path / "Pulumi.example.yaml").write_text(text)
    assert plan_stack(tmp_path, "example").vms


POLICY_PAGES = [ROOT / "docs" / "policies.md"]


@pytest.mark.parametrize("block", [b for path in POLICY_PAGES for b in blocks(path, "json") if '"Statement"' not in b])
def test_policy_config_examples_are_valid_pack_config(block):
    config = json.loads(block)
    assert reconcile_config(config)


def test_the_readme_component_example_resolves_an_arm_machine(tmp_path, monkeypatch):
    (example,) = [block for block in blocks(README, "python") if "VirtualMachineArgs(" in block]
    (tmp_path / "id_ed25519.pub").write_text(KEY)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    evaluation = evaluate(lambda: exec(example, namespace), config=DEFAULT_CONFIG)
    web = namespace["web"]
    assert web.spec.arch == "arm64" and web.spec.instance_type.startswith("t2a-")
    assert evaluation.outputs["ssh"].startswith("ssh vmadmin@")


def test_the_stack_config_example_becomes_the_vms_it_describes(tmp_path):
    """The config page's example goes through the real program, as `plan` runs it."""
    (example,) = [b for b in blocks(ROOT / "docs" / "config.md", "yaml") if "clouds:" in b]
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "__main__.py").write_text((ROOT / "__main__.py").read_text())
    (tmp_path / "Pulumi.example.yaml").write_text(example.replace("ssh-ed25519 AAAA... me@example.com", KEY))
    rows = plan_stack(tmp_path, "example").vms
    assert [row.name for row in rows] == ["web-aws", "web-azure", "web-gcp", "build", "win"]
    build = rows[3]
    assert (build.cloud, build.region, build.instance_type, build.spot) == (
        "aws",
        "us-east-1",
        "c7g.xlarge",
        True,
    )
    assert rows[4].os_type == "windows"
