"""The stack's lock file, ``vms.<stack>.lock.json``: where it is, reading it, writing it atomically.

Standard library only (the document itself is ``spec/lock.py``). A Pulumi program runs in its
project directory (or in the subfolder Pulumi.yaml's ``main`` names), so the component finds the lock
of the running stack (``pulumi.get_stack()``) in the nearest directory holding ``Pulumi.yaml``, in a
config-driven stack and in a hand-written program alike. ``MULTICLOUD_VM_LOCK_DIR`` names another directory. The name is not
``Pulumi.<x>.yaml``: tools take every ``Pulumi.*.yaml`` for a stack.

The offline tools (``plan``, ``lock``) run the program in-process: ``session`` tells the component
which project directory to read and which VMs to re-resolve.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from .spec.lock import LockEntry, LockError, parse_text

LOCK_DIR_ENV = "MULTICLOUD_VM_LOCK_DIR"
EVERY_VM = "*"

_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[int, int], dict[str, LockEntry]]] = {}
_session: dict[str, object] = {"directory": None, "reresolve": frozenset()}


def file_name(stack: str) -> str:
    return f"vms.{stack}.lock.json"


def project_directory(start: Path) -> Path:
    """The Pulumi project ``start`` is in: the nearest directory holding ``Pulumi.yaml`` (Pulumi runs a
    program whose ``main`` names a subfolder in that subfolder), else ``start`` itself."""
    for directory in (start, *start.parents):
        if (directory / "Pulumi.yaml").is_file():
            return directory
    return start


def lock_directory() -> Path:
    """``MULTICLOUD_VM_LOCK_DIR``, else the directory a tool's session names, else the project directory
    of the working directory (where ``plan`` and ``lock`` write it, beside ``Pulumi.yaml``)."""
    env = os.environ.get(LOCK_DIR_ENV)
    if env:
        return Path(env)
    return Path(_session["directory"] or project_directory(Path.cwd()))  # type: ignore[arg-type]


def lock_path(stack: str, directory: Path | None = None) -> Path:
    return (directory or lock_directory()) / file_name(stack)


def read(path: Path) -> dict[str, LockEntry]:
    """The lock's entries by VM name ({} when there is no lock); LockError for a lock that cannot be read.
    Parsed once per file version, however many VMs ask."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise LockError(f"{path}: cannot be read ({error.strerror})") from None
    version = (stat.st_mtime_ns, stat.st_size)
    with _lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == version:
            return cached[1]
    if not path.is_file():
        raise LockError(f"{path}: is not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LockError(f"{path}: cannot be read ({getattr(error, 'strerror', None) or error})") from None
    entries = parse_text(text, str(path))
    with _lock:
        _cache[path] = (version, entries)
    return entries


def entry_for(stack: str, vm: str, former_names: Iterable[str] = ()) -> tuple[LockEntry | None, bool]:
    """The VM's entry in the running stack's lock, and whether a tool asked to re-resolve it. A VM
    without an entry of its own takes the entry of a name it had (``former_names``: its Pulumi
    aliases), so a VM renamed with an alias keeps its size, zone and disks (docs/lock.md)."""
    entries = read(lock_path(stack))
    reresolve = _session["reresolve"]
    entry = entries.get(vm)
    for name in former_names:
        entry = entry or entries.get(name)
    return entry, (EVERY_VM in reresolve or vm in reresolve)  # type: ignore[operator]


@contextlib.contextmanager
def session(directory: Path, reresolve: frozenset[str] = frozenset()) -> Iterator[None]:
    """While a tool runs the program in-process: read the lock from ``directory`` (the project's, as
    ``pulumi up`` would), and re-resolve the VMs named (``EVERY_VM`` for all)."""
    before = dict(_session)
    _session.update(directory=directory, reresolve=frozenset(reresolve))
    try:
        yield
    finally:
        _session.update(before)


def write(path: Path, text: str) -> None:
    """Writes the lock atomically: a temporary file beside it, then a rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
