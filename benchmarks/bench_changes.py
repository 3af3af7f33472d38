"""How fast the change engine answers: ``plan --changes`` and the cost comment's pulumi-up column on
stacks of N VMs, and the generation of docs/cloud-rules.md's lifecycle tables.

    .venv/bin/python benchmarks/bench_changes.py                 # 10 and 100 VMs per cloud
    .venv/bin/python benchmarks/bench_changes.py --sizes 10 --clouds gcp

For each (cloud, N): N VMs with two data disks and user data are registered under the offline engine
(preview) before and after a user-data edit (not timed); then, timed in CPU seconds (the best of
three): writing the before run as plan-file records (secrets as PBKDF2 digests), reading them back,
and comparing them with the after run (every resource's step and every VM's change). The lifecycle
tables are timed once per cloud (each ~20 registrations under the offline engine and the engine).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CLOUDS = ("aws", "azure", "gcp")
CONFIG = {"aws:region": "us-east-1", "azure-native:location": "eastus", "gcp:region": "us-central1",
          "gcp:project": "bench-project"}  # fmt: skip
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINB4VrRPQ1v/2LB9OSaQK4UGrCtSZb+uvIBK7XrERtnD dev@example.com"


def register(cloud: str, count: int, user_data: str):
    from components.changes import from_registrations
    from components.offline import evaluate
    from components.vm import VirtualMachine

    args = {"cloud": cloud, "ssh_public_key": KEY, "user_data": user_data,
            "data_disks": [{"size_gib": 100}, {"size_gib": 200}]}  # fmt: skip
    evaluation = evaluate(lambda: [VirtualMachine(f"vm-{i}", args) for i in range(count)], config=CONFIG, preview=True)
    return from_registrations(evaluation.resources)


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def bench_stack(cloud: str, count: int) -> dict:
    from components.changes import compare
    from components.changes.state import from_plan, to_record

    before = register(cloud, count, "#!/bin/sh\necho 1\n")
    after = register(cloud, count, "#!/bin/sh\necho 2\n")
    rows = [{"name": "stack", "registrations": [to_record(r, i) for i, r in enumerate(before)]}]
    text = json.dumps(rows)
    changes = compare(from_plan(json.loads(text), "plan"), after)
    assert len(changes) == count and {c.change for c in changes} == {"replace"}
    return {
        "cloud": cloud,
        "vms": count,
        "resources": len(before),
        "write plan records s": best_of(3, lambda: [to_record(r, i) for i, r in enumerate(before)]),
        "read plan records s": best_of(3, lambda: from_plan(json.loads(text), "plan")),
        "compare s": best_of(3, lambda: compare(before, after)),
        "plan file bytes": len(text),
    }


def bench_tables(cloud: str) -> float:
    from components.tools import lifecycle

    lifecycle.registered(cloud, lifecycle._key(lifecycle.base_args(cloud)))  # imports, warm-up
    start = time.process_time()
    lifecycle.table(cloud)
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--clouds", nargs="+", choices=CLOUDS, default=list(CLOUDS))
    options = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {platform.system()}, Python {platform.python_version()}"
    )
    for cloud in options.clouds:
        for count in options.sizes:
            result = bench_stack(cloud, count)
            per_vm = result["compare s"] / count * 1000
            print(
                f"{cloud:5} {count:4} VMs ({result['resources']} resources): write {result['write plan records s']:.3f} s, "
                f"read {result['read plan records s']:.3f} s, compare {result['compare s']:.3f} s "
                f"({per_vm:.2f} ms/VM), plan file {result['plan file bytes'] / 1e6:.2f} MB"
            )
    for cloud in options.clouds:
        print(f"{cloud:5} lifecycle table: {bench_tables(cloud):.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
