"""Runs a project's own Pulumi program in-process under the offline engine, as Pulumi would.

Pulumi's Python language host runs ``pulumi-language-python-exec --pwd PWD ... PROGRAM``, which
changes to PWD and calls ``runpy.run_path(PROGRAM, run_name="__main__")``; the engine picks PWD and
PROGRAM from ``main`` in ``Pulumi.yaml`` (pulumi/pulumi ``pkg/engine/project.go`` ``getPwdMain``):

- no ``main``: PWD is the project folder and PROGRAM is ``.`` (its ``__main__.py``, with the folder
  put first on ``sys.path`` by runpy);
- ``main`` a folder: PWD is that folder and PROGRAM ``.``;
- ``main`` a file: PWD is its folder and PROGRAM the file's name (runpy runs it as a script and adds
  nothing to ``sys.path``).

This module does the same in this process, with ``sys.argv = [PROGRAM]``, ``__name__ ==
"__main__"``, Pulumi's project, stack and root directory set, and the stack's config. The project's
virtualenv is not needed: the engine is in-process, so the program imports what is installed next to
multicloud-vm. Every ``VirtualMachine`` the program builds is collected for the plan. A program that
fails is reported as the user's (their file and line), never as a bug of the tool.
"""

from __future__ import annotations

import contextlib
import functools
import os
import runpy
import sys
import sysconfig
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from ..errors import SpecError
from ..offline import Evaluation, evaluate
from .stack_files import PlanError, StackFiles

TOOL_PACKAGE = Path(__file__).resolve().parent.parent
"""The ``components`` package itself: frames there are the tool's, not the user's."""
# Where installed packages live: never the user's own modules, even in a virtualenv inside the project
# (``.venv/``): forgetting a provider SDK there would make its next import register it twice.
INSTALLED = tuple({Path(p).resolve() for p in (sys.prefix, sys.base_prefix, *sysconfig.get_paths().values()) if p})


@dataclass(frozen=True)
class Program:
    """Where Pulumi would run a project's program: the working folder and the program argument."""

    root: Path
    pwd: Path
    argument: str

    @property
    def path(self) -> Path:
        return self.pwd / ("__main__.py" if self.argument == "." else self.argument)


@dataclass
class ProgramRun:
    evaluation: Evaluation
    vms: list
    """The ``VirtualMachine`` components the program built, in the order it built them."""


def locate(
    project_dir: Path, project: dict[str, Any], definition: str = "Pulumi.yaml", error: type = PlanError
) -> Program:
    """The program of a project (or of a policy pack, whose ``PulumiPolicy.yaml`` has the same
    ``runtime`` and ``main``); ``error`` when Pulumi would not find one."""
    where = project_dir / definition
    runtime = project.get("runtime")
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if name != "python":
        raise error(f"{where}: runtime {name!r}: plan runs Python programs (runtime: python)")
    main = project.get("main")
    root = project_dir.resolve()
    if main is None or main == "":
        pwd, argument = root, "."
    else:
        if not isinstance(main, str):
            raise error(f"{where}: main={main!r} is invalid: expected the path of a folder or a .py file")
        target = (root / main).resolve()
        if target.is_dir():
            pwd, argument = target, "."
        elif target.is_file():
            pwd, argument = target.parent, target.name
        else:
            raise error(f"{where}: main {main!r} could not be read: no such file or folder")
    if argument == "." and not (pwd / "__main__.py").is_file():
        hint = (
            "; a stack that lists its VMs in config needs a two-line __main__.py: "
            "`from components.program import run` and `run()`"
        )
        raise error(f"unable to find main python program `__main__.py` in `{pwd}`{hint if error is PlanError else ''}")
    return Program(root, pwd, argument)


@contextlib.contextmanager
def _collecting_vms() -> Iterator[list]:
    """Every VirtualMachine whose construction completes while the block runs."""
    from ..vm import VirtualMachine

    built: list = []
    original = VirtualMachine.__init__

    @functools.wraps(original)
    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        built.append(self)

    VirtualMachine.__init__ = init
    try:
        yield built
    finally:
        VirtualMachine.__init__ = original


@contextlib.contextmanager
def as_the_language_host(program: Program, forget_modules: bool = True) -> Iterator[None]:
    """The working folder and ``sys.argv`` of the program; the modules it imported from its project
    are forgotten afterwards (unless ``forget_modules`` is false: a policy pack's policies import
    lazily while they judge), so that the next project's ``helpers.py`` is its own."""
    cwd, argv, before = os.getcwd(), sys.argv, set(sys.modules)
    os.chdir(program.pwd)
    sys.argv = [program.argument]
    forget_relative_finders()
    try:
        yield
    finally:
        os.chdir(cwd)
        sys.argv = argv
        forget_relative_finders()
        for name in set(sys.modules) - before if forget_modules else ():
            if _is_users(getattr(sys.modules[name], "__file__", None), program.root):
                del sys.modules[name]


def forget_relative_finders() -> None:
    """Drops the import system's finders for ``.`` and ``""``: each is bound to the folder that was
    current when it was made, so after a ``chdir`` runpy would find the previous folder's
    ``__main__.py``."""
    for entry in (".", ""):
        sys.path_importer_cache.pop(entry, None)


def run_program(program: Program, files: StackFiles, stack: str, *, preview: bool = True) -> ProgramRun:
    """Runs the program against the stack's config under the offline engine (a preview by default).
    Bad input (a SpecError, a failing or syntactically wrong program, a RunError) is a PlanError
    whose message says where in the user's files it comes from; anything raised from inside the
    tool itself propagates as a bug."""
    from pulumi.runtime import settings

    def main() -> None:
        settings.SETTINGS.root_directory = str(program.root)
        settings.SETTINGS.organization = "organization"
        try:
            runpy.run_path(program.argument, run_name="__main__")
        except SystemExit as exit_:
            if exit_.code not in (None, 0):
                raise PlanError(f"{_shown(program.path, program.root)} exited with status {exit_.code!r}") from None

    with _collecting_vms() as built, as_the_language_host(program):
        try:
            evaluation = evaluate(
                main,
                config=files.config,
                secret_config_keys=files.secret_keys,
                project=files.project,
                stack=stack,
                preview=preview,
            )
        except PlanError:
            raise
        except pulumi.RunError as error:
            raise PlanError(str(error)) from None
        except SpecError as error:
            raise PlanError(f"{error}{_at(error, program.root)}") from None
        except SyntaxError as error:
            raise PlanError(_syntax_message(error, program.root)) from None
        except Exception as error:
            message = users_error(error, program.root)
            if message is None:
                raise
            raise PlanError(message) from None
    return ProgramRun(evaluation, list(built))


def users_error(error: BaseException, root: Path) -> str | None:
    """One line for an exception raised by the user's own code (in the project, outside the tool's
    package), or None when it comes from inside the tool (a bug)."""
    # The innermost frame that is the user's or the tool's decides whose error it is (a library
    # raising, json.loads or a provider SDK, raises for whoever called it). The VM-collecting wrapper
    # above is not where anything goes wrong: its frame is skipped.
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if f.filename != __file__ and (_is_users(f.filename, root) or _in_tool(f.filename))
    ]
    if not frames or _in_tool(frames[-1].filename):
        return None
    frame = frames[-1]
    detail = str(error).splitlines()[0] if str(error) else ""
    text = f"the program raised {type(error).__name__}{': ' + detail[:300] if detail else ''}"
    location = f" (at {_shown(Path(frame.filename), root)} line {frame.lineno}, in {frame.name})"
    if isinstance(error, ModuleNotFoundError) and error.name:
        location += (
            f"; plan runs the program with the packages installed next to multicloud-vm, so install "
            f"{error.name.split('.')[0]} there"
        )
    return text + location


def _at(error: BaseException, root: Path) -> str:
    """`` (at main.py line 12)``: where the user's code raised (or called what raised) an error."""
    users = [f for f in traceback.extract_tb(error.__traceback__) if _is_users(f.filename, root)]
    return f" (at {_shown(Path(users[-1].filename), root)} line {users[-1].lineno})" if users else ""


def _syntax_message(error: SyntaxError, root: Path) -> str:
    where = _shown(Path(error.filename), root) if error.filename else "the program"
    return f"{where} line {error.lineno}: syntax error: {error.msg}"


def _is_users(filename: str | None, root: Path) -> bool:
    if not filename or filename.startswith("<"):
        return False
    path = Path(filename).resolve()
    return (
        path.is_relative_to(root)
        and not path.is_relative_to(TOOL_PACKAGE)
        and not any(path.is_relative_to(place) for place in INSTALLED)
    )


def _in_tool(filename: str) -> bool:
    return not filename.startswith("<") and Path(filename).resolve().is_relative_to(TOOL_PACKAGE)


def _shown(path: Path, root: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(root)) if resolved.is_relative_to(root) else str(path)
