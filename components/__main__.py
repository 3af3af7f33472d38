"""python -m components {plan,lock,compare,catalog,azure-disks} ...  (see README.md and docs/);
installed, the same commands are ``multicloud-vm {plan,lock,compare,catalog,azure-disks} ...``.

Bad input is each command's business: one clear line on stderr and exit status 2. Anything else that
escapes a command is a bug: one line naming it and exit status 1; the traceback only with ``--debug``
(anywhere on the command line) or ``MULTICLOUD_VM_DEBUG=1``.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "plan": ("components.tools.plan", "Offline plan of a stack: what each VM becomes and costs."),
    "lock": ("components.tools.lock", "Record the sizes, zones and disk types a stack's VMs resolve to."),
    "compare": ("components.tools.compare", "Compare VM offerings across AWS, Azure and GCP."),
    "catalog": ("components.tools.catalog", "Build or refresh the embedded offerings snapshot."),
    "azure-disks": ("components.tools.azure_disks", "The pulumi import file adopting older Azure VMs' data disks."),
}
DEBUG_FLAG = "--debug"
DEBUG_ENV = "MULTICLOUD_VM_DEBUG"


def program_name() -> str:
    """How the user started the tools: the ``multicloud-vm`` command or ``python -m components``."""
    return "multicloud-vm" if os.path.basename(sys.argv[0] or "") == "multicloud-vm" else "python -m components"


def usage() -> str:
    return f"usage: {program_name()} {{{','.join(COMMANDS)}}} [options] [--debug]"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = DEBUG_FLAG in argv or os.environ.get(DEBUG_ENV, "") not in ("", "0")
    argv = [a for a in argv if a != DEBUG_FLAG]
    if argv and argv[0] in ("-h", "--help"):
        print(usage() + "\n")
        width = max(map(len, COMMANDS))
        for name, (_, summary) in COMMANDS.items():
            print(f"  {name:<{width}} {summary}")
        return 0
    if not argv or argv[0] not in COMMANDS:
        # An error: one line on stderr (the help on stdout is for -h), with the nearest command.
        import difflib

        given = f"unknown command {argv[0]!r}" if argv else "no command given"
        close = difflib.get_close_matches(argv[0], COMMANDS, n=1) if argv else []
        print(
            f"{usage()} ({given}{f'; did you mean {close[0]}?' if close else ''}; --help lists the commands)",
            file=sys.stderr,
        )
        return 2
    import importlib

    from .catalog.snapshot import SnapshotError

    command = argv[0]
    try:
        module = importlib.import_module(COMMANDS[command][0])
        return module.main(argv[1:])
    except KeyboardInterrupt:
        print(f"{command}: interrupted", file=sys.stderr)
        return 130
    except SnapshotError as error:
        print(f"{command}: {error}; rebuild it with `python -m components catalog build`", file=sys.stderr)
        return 2
    except Exception as error:
        if debug:
            raise
        detail = str(error).splitlines()[0] if str(error) else ""
        print(
            f"{command}: internal error ({type(error).__name__}{': ' + detail[:300] if detail else ''}); "
            f"this is a bug: rerun with {DEBUG_FLAG} for the traceback and report it",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
