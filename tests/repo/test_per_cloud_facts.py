"""Where a cloud's facts may live (issue 23, docs/adding-a-cloud.md): in its module of the cloud rules
(``components/cloud_rules/<cloud>.py``, read through ``cloud_rules.rules(cloud)``) and its adapter
(``components/clouds/<cloud>.py``), and in modules that are one cloud's by their name (a catalog
fetcher ``catalog/refresh/<cloud>*.py`` or builder ``catalog/builders/<cloud>.py``, the pack's
``policies/<cloud>_*.py`` type tables).

Anywhere else, code that branches on a cloud's name (``cloud == "azure"``, ``cloud in ("aws",
"gcp")``, ``case "gcp":``), keys a dict by cloud names (``{"aws": ..., "azure": ...}``) or looks one
up by a cloud's name (``TABLE["gcp"]``) is a fact out of place: a fourth cloud would have to find it.
The few places left are listed in ALLOWED with how many such places they hold and why; the test
fails when a file has more (move the fact behind ``rules(cloud)``) and when it has fewer (the list
is stale: lower or remove its entry)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from components.cloud_rules import CLOUDS
from tests.support.common import ROOT

PER_CLOUD_PACKAGES = ("components/clouds/", "components/cloud_rules/")

# path -> (places, why they stay)
ALLOWED: dict[str, tuple[int, str]] = {
    "components/images.py": (
        5,
        "the image aliases: each alias's smallest OS disk on each cloud (an alias is a row per cloud)",
    ),
}


def is_per_cloud(relative: str) -> bool:
    """A module that is one cloud's by where it is or by its name."""
    if relative.startswith(PER_CLOUD_PACKAGES):
        return True
    stem = Path(relative).stem
    return any(stem == cloud or stem.startswith(f"{cloud}_") for cloud in CLOUDS)


def is_cloud_name(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in CLOUDS


def is_cloud_names(node: ast.AST) -> bool:
    return isinstance(node, (ast.Tuple, ast.List, ast.Set)) and any(is_cloud_name(e) for e in node.elts)


def cloud_facts(source: str) -> list[tuple[int, str]]:
    """(line, what) for each place the source branches on, or keys by, a cloud's name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            for left, op, right in zip([node.left, *node.comparators], node.ops, node.comparators):
                if isinstance(op, (ast.Eq, ast.NotEq)) and (is_cloud_name(left) or is_cloud_name(right)):
                    found.append((node.lineno, "compares with a cloud's name"))
                elif isinstance(op, (ast.In, ast.NotIn)) and is_cloud_names(right):
                    found.append((node.lineno, "tests membership in cloud names"))
        elif isinstance(node, ast.Dict) and any(key is not None and is_cloud_name(key) for key in node.keys):
            found.append((node.lineno, "a dict keyed by cloud names"))
        elif isinstance(node, ast.MatchValue) and is_cloud_name(node.value):
            found.append((node.lineno, "a case of a cloud's name"))
        elif isinstance(node, ast.Subscript) and is_cloud_name(node.slice):
            found.append((node.lineno, "a lookup by a cloud's name"))
    return sorted(found)


SOURCES = sorted(
    str(path.relative_to(ROOT))
    for path in [*(ROOT / "components").rglob("*.py"), *(ROOT / "policies").rglob("*.py")]
    if not is_per_cloud(str(path.relative_to(ROOT)))
)


@pytest.mark.parametrize("relative", SOURCES)
def test_cloud_facts_live_in_the_cloud_modules(relative):
    found = cloud_facts((ROOT / relative).read_text())
    allowed, why = ALLOWED.get(relative, (0, ""))
    listed = "\n".join(f"  line {line}: {what}" for line, what in found)
    assert len(found) <= allowed, (
        f"{relative} holds a cloud's facts outside components/cloud_rules/<cloud>.py (read them through "
        f"cloud_rules.rules(cloud); docs/adding-a-cloud.md):\n{listed}"
    )
    assert len(found) == allowed, (
        f"{relative} now has {len(found)} such places, ALLOWED says {allowed} ({why}): lower it"
    )


def test_the_allow_list_names_files_that_exist():
    assert not [path for path in ALLOWED if not (ROOT / path).exists() or is_per_cloud(path)]


@pytest.mark.parametrize(
    ("source", "count"),
    [
        ('if cloud == "azure":\n    pass', 1),
        ('ok = "gcp" != spec.cloud', 1),
        ('ok = cloud in ("aws", "gcp")', 1),
        ('LIMITS = {"aws": 1, "azure": 2}', 1),
        ('x = TABLE["gcp"]', 1),
        ('match cloud:\n    case "aws":\n        pass', 1),
        ('if cloud == other:\n    pass\nx = {"region": 1}\ny = rules(cloud).TITLE', 0),
    ],
)
def test_the_rule_sees_each_form_of_a_cloud_fact(source, count):
    assert len(cloud_facts(source)) == count
