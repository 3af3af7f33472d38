"""The multicloud plugin's entry point. Pulumi's Python language host runs ``python plugin <engine
address>``; this serves ``VirtualMachine`` and ``Network`` over gRPC and prints the port it listens on.

The components live in ``components/`` at the repository root (a git URL or local path gives Pulumi the
whole repository), so the root goes on ``sys.path`` first.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.hosting import serve

if __name__ == "__main__":
    serve(sys.argv[1:])
