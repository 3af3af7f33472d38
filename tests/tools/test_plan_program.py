"""``plan`` runs the project's own program (the ``main`` of Pulumi.yaml) as Pulumi's language host
would: hand-written programs, programs in a folder or a file, and programs that fail."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from components import __main__ as cli
from components.tools.plan import plan_stack
from components.tools.program_runner import locate, run_program
from components.tools.stack_files import PlanError, read_stack
from tests.support.common import ROOT, public_key

EXAMPLE = ROOT / "examples" / "python"
KEY = public_key("ed25519")


def project(folder: Path, program: str, *, main: str | None = None, stack: str = "", name: str = "app") -> Path:
    """A project with one stack (dev) and its program at ``main`` (default ``__main__.py``)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"name: {name}", "runtime: python"] + ([f"main: {main}"] if main else [])
    (folder / "Pulumi.yaml").write_text("\n".join(lines) + "\n")
    (folder / "Pulumi.dev.yaml").write_text("config:\n  gcp:project: test-project\n  aws:region: us-east-1\n" + stack)
    target = folder / (main or "__main__.py")
    if target.suffix != ".py":
        target = target / "__main__.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(textwrap.dedent(program))
    return folder


def plan(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["plan", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_hand_written_program_with_a_shared_network_plans_every_vm(capsys):
    code, out, err = plan(capsys, "--project-dir", str(EXAMPLE), "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["name"], r["cloud"], r["network"]) for r in rows] == [
        ("web-1", "aws", "shop"),
        ("web-2", "aws", "shop"),
        ("web-3", "aws", "shop"),
        ("db", "gcp", None),
    ]
    assert rows[3]["data_disks"] == [{"size_gib": 200, "disk_type": "ssd"}]
    code, out, _ = plan(capsys, "--project-dir", str(EXAMPLE))
    assert "network shop: shared by 3 VMs (web-1, web-2, web-3)" in out and "Total: $227.88/month for 4 VMs" in out


def test_the_program_runs_where_and_as_the_language_host_runs_it(tmp_path):
    program = """
        import os, sys
        import pulumi
        import helpers
        pulumi.export("cwd", os.getcwd())
        pulumi.export("argv", sys.argv)
        pulumi.export("name", __name__)
        pulumi.export("root", pulumi.get_root_directory())
        pulumi.export("project", pulumi.get_project())
        pulumi.export("stack", pulumi.get_stack())
        pulumi.export("helper", helpers.VALUE)
    """
    folder = project(tmp_path / "p", program, main="src")
    (folder / "src" / "helpers.py").write_text("VALUE = 'from src'\n")
    files = read_stack(folder, "dev")
    outputs = run_program(locate(folder, files.project_file), files, "dev").evaluation.outputs
    assert outputs == {
        "cwd": str((folder / "src").resolve()),
        "argv": ["."],
        "name": "__main__",
        "root": str(folder.resolve()),
        "project": "app",
        "stack": "dev",
        "helper": "from src",
    }
    # A file as main: its folder is the working folder, its name the program argument.
    single = project(
        tmp_path / "f", "import os, sys, pulumi\npulumi.export('at', [os.getcwd(), sys.argv])\n", main="app.py"
    )
    files = read_stack(single, "dev")
    outputs = run_program(locate(single, files.project_file), files, "dev").evaluation.outputs
    assert outputs == {"at": [str(single.resolve()), ["app.py"]]}


def test_each_project_imports_its_own_modules(tmp_path, capsys):
    """Two projects in one process, each with its own helpers.py: neither sees the other's."""
    program = """
        import helpers
        from components import VirtualMachine
        VirtualMachine(helpers.NAME, {"cloud": "aws", "cpus": 2, "memory_gib": 4})
    """
    for name in ("alpha", "beta"):
        folder = project(tmp_path / name, program)
        (folder / "helpers.py").write_text(f"NAME = {name!r}\n")
        code, out, err = plan(capsys, "--project-dir", str(folder), "--format", "json")
        assert code == 0, err
        assert [r["name"] for r in json.loads(out)] == [name]


def test_installed_packages_are_never_forgotten_as_the_projects_own(tmp_path):
    """A project with its virtualenv inside (``.venv/``, as on a fresh CI checkout): the provider SDKs the
    program imported from there stay imported (forgetting them made their next import register the
    package twice: "Cannot re-register package aws"); the project's own modules are forgotten."""
    import sys

    import pulumi_aws

    from components.tools.program_runner import _is_users

    venv_project = Path(sys.prefix).resolve().parent
    assert not _is_users(pulumi_aws.__file__, venv_project)
    assert not _is_users(json.__file__, Path(json.__file__).resolve().parents[2])
    assert _is_users(str(venv_project / "helpers.py"), venv_project)


def test_a_program_that_builds_no_vm_plans_to_nothing(tmp_path, capsys):
    folder = project(tmp_path / "p", "import pulumi\npulumi.export('x', 1)\n")
    code, out, _ = plan(capsys, "--project-dir", str(folder))
    assert code == 0 and "Total: $0.00/month for 0 VMs" in out


BAD_PROGRAMS = [
    ("syntax", "def broken(:\n", "__main__.py line 1: syntax error: "),
    (
        "raises",
        "import pulumi\n\nx = 1 / 0\n",
        "the program raised ZeroDivisionError: division by zero (at __main__.py line 3",
    ),
    (
        "spec",
        "from components import VirtualMachine\n\nVirtualMachine('web', {'cloud': 'aws', 'cpus': 0})\n",
        "VM 'web': cpus=0 is invalid: expected a whole number >= 1 (at __main__.py line 3)",
    ),
    (
        "missing-module",
        "import pulumi_random\n",
        "ModuleNotFoundError: No module named 'pulumi_random' (at __main__.py line 1, in <module>); plan runs",
    ),
    ("exits", "import sys\nsys.exit(3)\n", "__main__.py exited with status 3"),
    (
        "run-error",
        "import pulumi\nraise pulumi.RunError('vms is not set')\n",
        "plan: vms is not set",
    ),
    (
        "in-apply",
        "import pulumi\npulumi.export('x', pulumi.Output.from_input(1).apply(lambda v: {}['missing']))\n",
        "the program raised KeyError: 'missing' (at __main__.py line 2, in <lambda>)",
    ),
]


@pytest.mark.parametrize(("case", "program", "words"), BAD_PROGRAMS, ids=[c[0] for c in BAD_PROGRAMS])
def test_a_bad_program_is_the_users_one_line_and_exit_2(tmp_path, capsys, case, program, words):
    folder = project(tmp_path / case, program)
    code, out, err = plan(capsys, "--project-dir", str(folder))
    assert code == 2 and out == "" and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1 and words in err, err


@pytest.mark.parametrize(
    ("yaml", "words"),
    [
        ("name: app\nruntime: nodejs\n", "runtime 'nodejs': plan runs Python programs"),
        ("name: app\nruntime: python\nmain: nowhere/\n", "main 'nowhere/' could not be read"),
        ("name: app\nruntime: python\n", "unable to find main python program `__main__.py`"),
    ],
)
def test_a_project_without_a_python_program_is_named(tmp_path, capsys, yaml, words):
    (tmp_path / "Pulumi.yaml").write_text(yaml)
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    code, _, err = plan(capsys, "--project-dir", str(tmp_path))
    assert code == 2 and words in err and len(err.splitlines()) == 1


def test_a_failure_inside_the_tool_is_a_bug_not_the_users_error(tmp_path, capsys, monkeypatch):
    """The user's program calls the component, whose code fails (here: a builtin where the cost
    function should be): the innermost frame of the user's or the tool's is the tool's."""
    monkeypatch.setattr("components.vm.spec_cost", int)
    folder = project(tmp_path / "p", "from components import VirtualMachine\nVirtualMachine('web', {'cloud': 'aws'})\n")
    code, _, err = plan(capsys, "--project-dir", str(folder))
    assert code == 1 and "internal error (TypeError: int() argument must be" in err and "this is a bug" in err


def test_the_shipped_program_still_fans_the_stack_config_out(tmp_path):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(ROOT / "Pulumi.dev.yaml", tmp_path / "Pulumi.dev.yaml")
    (tmp_path / "__main__.py").write_text((ROOT / "__main__.py").read_text())
    names = [row.name for row in plan_stack(tmp_path, "dev").vms]
    assert names == ["web-aws", "web-azure", "web-gcp"]
    (tmp_path / "__main__.py").unlink()
    with pytest.raises(PlanError, match=r"two-line __main__\.py"):
        plan_stack(tmp_path, "dev")
