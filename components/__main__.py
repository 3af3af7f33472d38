"""python -m components {plan,compare,catalog} ...  (see README)."""

from __future__ import annotations

import sys

COMMANDS = {
    "plan": ("components.plan", "Offline plan of a stack: what each VM becomes and costs."),
    "compare": ("components.compare", "Compare VM offerings across AWS, Azure and GCP."),
    "catalog": ("components.catalog.cli", "Build or refresh the embedded offerings snapshot."),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        print("usage: python -m components {" + ",".join(COMMANDS) + "} [options]\n")
        for name, (_, summary) in COMMANDS.items():
            print(f"  {name:<8} {summary}")
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    import importlib

    module = importlib.import_module(COMMANDS[argv[0]][0])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
