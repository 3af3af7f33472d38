"""How long ``python -m components compare`` takes, process start to exit, and what it imports.

    .venv/bin/python benchmarks/bench_compare.py [--runs 15] [--output benchmarks/results/compare.json]

Each query runs as a fresh process (as a user runs it), so the figures include interpreter start,
imports and loading the three snapshots. The budget is 0.5 s wall-clock for a three-cloud query.
CPU time (user + system) is printed too: unlike wall-clock time it is not inflated by other load
on the machine, which the load average shows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_SECONDS = 0.5
QUERIES = {
    "4 vCPU 16 GiB, 3 clouds, table": ["--cpus", "4", "--memory", "16"],
    "eu-central, arch any, top 5, json": ["--cpus", "8", "--memory", "32", "--geo", "eu-central", "--arch", "any", "--top", "5", "--format", "json"],
    "GPU L4:1 spot, 3 clouds": ["--gpu", "L4:1", "--spot"],
    "no match (500 vCPU), nearest": ["--cpus", "500", "--memory", "100"],
}  # fmt: skip
HEAVY_MODULES = ("pulumi", "pulumi_aws", "pulumi_azure_native", "pulumi_gcp", "boto3", "botocore", "rich", "matplotlib")


def machine() -> dict:
    model = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.system(),
        "bytecode_cache": not os.environ.get("PYTHONDONTWRITEBYTECODE"),
    }


def time_run(command: list[str]) -> tuple[float, float]:
    """Wall-clock seconds and the child's CPU seconds (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=False, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def imported_heavy_modules(args: list[str]) -> list[str]:
    probe = (
        "import sys\nfrom components.__main__ import main\nmain(sys.argv[1:])\n"
        f"print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY_MODULES!r})), file=sys.stderr)"
    )
    command = [sys.executable, "-c", probe, "compare", *args]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    return result.stderr.strip().split()


def measure(args: list[str], runs: int) -> dict:
    command = [sys.executable, "-m", "components", "compare", *args]
    time_run(command)  # warm the page cache
    samples = [time_run(command) for _ in range(runs)]
    walls = sorted(w for w, _ in samples)
    return {
        "args": args,
        "wall_ms": {"min": walls[0] * 1000, "median": statistics.median(walls) * 1000, "max": walls[-1] * 1000},
        "cpu_ms_median": statistics.median(c for _, c in samples) * 1000,
        "heavy_imports": imported_heavy_modules(args),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "compare.json")
    options = parser.parse_args()
    host = machine()
    interpreter = statistics.median(time_run([sys.executable, "-c", "pass"])[0] for _ in range(options.runs))
    print(f"machine: {host['cpu']}, {host['cores']} cores, Python {host['python']}, {host['system']}")
    print(
        f"bytecode cache: {'on' if host['bytecode_cache'] else 'off (PYTHONDONTWRITEBYTECODE: sources compile every run)'}"
    )
    print(f"runs per query: {options.runs}, fresh process each; budget {BUDGET_SECONDS * 1000:.0f} ms wall")
    print(f"bare interpreter start: median {interpreter * 1000:.0f} ms\n")
    print(f"{'query':<36} {'wall min':>8} {'median':>7} {'max':>6} {'cpu median':>10}  heavy imports")
    results = {}
    for name, args in QUERIES.items():
        result = results[name] = measure(args, options.runs)
        wall = result["wall_ms"]
        print(
            f"{name:<36} {wall['min']:6.0f}ms {wall['median']:5.0f}ms {wall['max']:4.0f}ms "
            f"{result['cpu_ms_median']:8.0f}ms  {', '.join(result['heavy_imports']) or 'none'}"
        )
    load = os.getloadavg()
    worst = max(r["wall_ms"]["median"] for r in results.values())
    verdict = "within" if worst < BUDGET_SECONDS * 1000 else "OVER"
    print(f"\nload average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (on {host['cores']} cores)")
    print(f"worst median {worst:.0f} ms: {verdict} the {BUDGET_SECONDS * 1000:.0f} ms budget")
    options.output.parent.mkdir(parents=True, exist_ok=True)
    record = {"machine": host, "load_average": load, "interpreter_ms": interpreter * 1000, "queries": results}
    options.output.write_text(json.dumps(record, indent=2) + "\n")
    print(f"figures written to {options.output}")
    return 0 if worst < BUDGET_SECONDS * 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
