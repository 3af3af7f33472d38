"""multicloud-vm installs as a package (pyproject.toml) and works from any folder: the console script,
``python -m components``, the catalog data it ships, and ``plan`` of another project's program.

The package is built from a copy of this checkout with pip (``--no-deps --target``: the
dependencies are the ones this suite already runs with) and run from another folder with only the
install target on PYTHONPATH, so nothing of the checkout can be picked up by accident.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from components import __main__ as cli
from components.version import __version__
from tests.support.common import ROOT

COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "__pycache__", "*.egg-info", "build", "node_modules", ".hypothesis", "results"
)


def install(work: Path) -> Path:
    """The package installed into a fresh target folder from a copy of the checkout."""
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=COPY_IGNORE)
    target = work / "target"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-input",
            "--target",
            str(target),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def run(installed: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    env.pop("MULTICLOUD_VM_DEBUG", None)
    return subprocess.run(list(argv), cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False)


def test_the_installed_package_works_from_another_folder(tmp_path):
    """One test, so that the package is built once: what it ships, its metadata, the console script
    and ``plan`` of another project's program, all from a folder that is not the checkout."""
    installed = install(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    check_contents(installed, elsewhere)
    check_metadata(installed)
    check_compare(installed, elsewhere)
    check_plan(installed, elsewhere, tmp_path / "my-project")
    script = run(installed, elsewhere, str(installed / "bin" / "multicloud-vm"), "nonsense")
    assert (script.returncode, script.stdout) == (2, "")
    assert script.stderr.startswith("usage: multicloud-vm {plan,") and "unknown command 'nonsense'" in script.stderr


def check_contents(installed: Path, elsewhere: Path) -> None:
    result = run(installed, elsewhere, sys.executable, "-c", "import components; print(components.__file__)")
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(installed)
    shipped = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "components").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    missing = sorted(f for f in shipped if not (installed / f).is_file())
    assert missing == []


def check_metadata(installed: Path) -> None:
    (dist_info,) = installed.glob("multicloud_vm-*.dist-info")
    metadata = (dist_info / "METADATA").read_text()
    assert f"Version: {__version__}\n" in metadata and "Name: multicloud-vm\n" in metadata
    requires = {
        line.split(": ", 1)[1].replace(" ", "") for line in metadata.splitlines() if line.startswith("Requires-Dist:")
    }
    wanted = {
        line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines() if line.strip()[:1].isalpha()
    }
    assert {normalized(r) for r in requires} == {normalized(w) for w in wanted}
    assert "multicloud-vm = components.__main__:main" in (dist_info / "entry_points.txt").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"] == {"multicloud-vm": "components.__main__:main"}


def normalized(requirement: str) -> tuple[str, frozenset[str]]:
    """A requirement's name and its set of version specifiers (pip writes them in its own order)."""
    cut = next(i for i, c in enumerate(requirement) if c in "<>=!~")
    return requirement[:cut].lower().replace("_", "-"), frozenset(requirement[cut:].split(","))


def check_compare(installed: Path, elsewhere: Path) -> None:
    result = run(
        installed, elsewhere, str(installed / "bin" / "multicloud-vm"), "compare", "--cpus", "2", "--memory", "8"
    )
    assert result.returncode == 0, result.stderr
    headings = {line.split()[0] for line in result.stdout.splitlines() if line[:1].isupper()}
    assert {"AWS", "Azure", "GCP"} <= headings, result.stdout
    assert "* cheapest overall" in result.stdout


def check_plan(installed: Path, elsewhere: Path, project: Path) -> None:
    shutil.copytree(ROOT / "examples" / "python", project)
    result = run(
        installed,
        elsewhere,
        sys.executable,
        "-m",
        "components",
        "plan",
        "--project-dir",
        str(project),
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    # Only notes (the example commits no lock file): no traceback, no error.
    assert all(line.startswith(("plan: lock: ", "plan: warning: ")) for line in result.stderr.splitlines())
    rows = json.loads(result.stdout)
    assert [(r["name"], r["cloud"], r["network"]) for r in rows] == [
        ("web-1", "aws", "shop"),
        ("web-2", "aws", "shop"),
        ("web-3", "aws", "shop"),
        ("db", "gcp", None),
    ]
    table = run(installed, project, str(installed / "bin" / "multicloud-vm"), "plan")
    assert table.returncode == 0 and "network shop: shared by 3 VMs (web-1, web-2, web-3)" in table.stdout


def test_a_mistyped_command_prints_usage_on_stderr_and_exits_2(capsys):
    assert cli.main(["plna"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("usage: ") and "unknown command 'plna'; did you mean plan?" in err
    assert len(err.splitlines()) == 1
    assert cli.main([]) == 2 and "no command given" in capsys.readouterr().err
    assert cli.main(["--help"]) == 0 and re.search(r"\n  plan +Offline plan", capsys.readouterr().out)
