"""How long ``python -m components compare`` takes, process start to exit, against a pandas peer that
answers the same query from the same facts the way SkyPilot's catalog does; and what compare imports.

    .venv/bin/pip install -r benchmarks/requirements.txt     # pandas, for the peer
    .venv/bin/python benchmarks/bench_compare.py [--runs 9] [--output benchmarks/results/compare.json]

Each query runs as a fresh process (as a user runs it), compare and peer alternately, so both see
the same load. The peer (``PEER`` below) is SkyPilot's catalog lookup: ``pandas.read_csv`` of one
CSV per cloud (``~/.sky/catalogs/<version>/<cloud>/vms.csv`` there; here the same columns written
from this project's snapshots into a temporary folder, outside the timing), then a filter on
region, vCPUs, memory, arch and GPU, a sort by price and the top K. Both run with Python's bytecode
cache on (a private ``PYTHONPYCACHEPREFIX``, warmed by one untimed run), as an installed package
would. The figure is the ratio of the median wall-clock times (and of CPU times: user + system,
which other load on the machine inflates less); the target is compare / peer <= 0.3.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 0.3
# name: (compare arguments, peer query)
QUERIES = {
    "4 vCPU 16 GiB, 3 clouds, table": (["--cpus", "4", "--memory", "16"], {"cpus": 4, "memory": 16}),
    "eu-central, arch any, top 5, json": (
        ["--cpus", "8", "--memory", "32", "--geo", "eu-central", "--arch", "any", "--top", "5", "--format", "json"],
        {"cpus": 8, "memory": 32, "arch": None, "top": 5, "regions": {"aws": "eu-central-1", "azure": "germanywestcentral", "gcp": "europe-west3"}},
    ),
    "GPU L4:1 spot, 3 clouds": (["--gpu", "L4:1", "--spot"], {"gpu": "L4", "spot": True}),
    "no match (500 vCPU), nearest": (["--cpus", "500", "--memory", "100"], {"cpus": 500, "memory": 100}),
}  # fmt: skip
HEAVY_MODULES = ("pulumi", "pulumi_aws", "pulumi_azure_native", "pulumi_gcp", "boto3", "botocore", "rich", "matplotlib")
CSV_COLUMNS = ("InstanceType", "vCPUs", "MemoryGiB", "Arch", "AcceleratorName", "AcceleratorCount", "Region", "Price", "SpotPrice")  # fmt: skip

PEER = """
import json, sys
import pandas as pd

folder, query = sys.argv[1], json.loads(sys.argv[2])
regions = query.get("regions") or {"aws": "us-east-1", "azure": "eastus", "gcp": "us-east4"}
price = "SpotPrice" if query.get("spot") else "Price"
for cloud, region in regions.items():
    df = pd.read_csv(f"{folder}/{cloud}/vms.csv")
    df = df[(df["Region"] == region) & (df["vCPUs"] >= query.get("cpus", 0)) & (df["MemoryGiB"] >= query.get("memory", 0))]
    if query.get("arch", "x86_64"):
        df = df[df["Arch"] == query.get("arch", "x86_64")]
    if query.get("gpu"):
        df = df[(df["AcceleratorName"] == query["gpu"]) & (df["AcceleratorCount"] >= 1)]
    else:
        df = df[df["AcceleratorName"].isna()]
    df = df[df["Price"] > 0].sort_values([price, "Price", "vCPUs", "MemoryGiB"], na_position="last")
    print(cloud, region)
    print(df.head(query.get("top", 3)).to_string(index=False))
"""


def machine() -> dict:
    model = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(), "system": platform.system()}


def write_peer_catalogs(folder: Path) -> None:
    """The snapshots' offerings as SkyPilot-style CSV catalogs, one per cloud (all regions)."""
    sys.path.insert(0, str(ROOT))
    from components.catalog import CLOUDS, load

    for cloud in CLOUDS:
        catalog = load(cloud)
        (folder / cloud).mkdir(parents=True)
        with (folder / cloud / "vms.csv").open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(CSV_COLUMNS)
            for region in catalog.regions:
                for o in catalog.offerings(region).values():
                    writer.writerow(
                        [o.instance_type, o.vcpus, o.memory_gib, o.arch, o.gpu_name or "", o.gpu_count or "", region,
                         "" if o.price_hourly is None else o.price_hourly,
                         "" if o.spot_price_hourly is None else o.spot_price_hourly]
                    )  # fmt: skip


def time_run(command: list[str], env: dict) -> tuple[float, float]:
    """Wall-clock seconds and the child's CPU seconds (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, check=False, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):  # compare exits 1 when no cloud has a match
        raise SystemExit(f"{' '.join(command[:4])} failed: {result.stderr.decode()[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def imported_heavy_modules(args: list[str], env: dict) -> list[str]:
    probe = (
        "import sys\nfrom components.__main__ import main\nmain(sys.argv[1:])\n"
        f"print('heavy:', *sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY_MODULES!r}), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "compare", *args], cwd=ROOT, capture_output=True, text=True, env=env
    )
    line = next((x for x in reversed(result.stderr.splitlines()) if x.startswith("heavy:")), "heavy:")
    return line.split()[1:]


def measure(args: list[str], peer_query: dict, runs: int, folder: Path, env: dict) -> dict:
    compare = [sys.executable, "-m", "components", "compare", *args]
    peer = [sys.executable, "-c", PEER, str(folder), json.dumps(peer_query)]
    time_run(compare, env), time_run(peer, env)  # warm the page and bytecode caches
    samples = {"compare": [], "peer": []}
    for _ in range(runs):
        samples["compare"].append(time_run(compare, env))
        samples["peer"].append(time_run(peer, env))
    out = {}
    for name, values in samples.items():
        walls = sorted(w for w, _ in values)
        out[name] = {
            "wall_ms_median": statistics.median(walls) * 1000,
            "wall_ms_min": walls[0] * 1000,
            "cpu_ms_median": statistics.median(c for _, c in values) * 1000,
        }
    out["ratio_wall"] = out["compare"]["wall_ms_median"] / out["peer"]["wall_ms_median"]
    out["ratio_cpu"] = out["compare"]["cpu_ms_median"] / out["peer"]["cpu_ms_median"]
    out["heavy_imports"] = imported_heavy_modules(args, env)
    out["args"] = args
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each program per query (median), default 9")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "compare.json")
    options = parser.parse_args()
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("the peer needs pandas: .venv/bin/pip install -r benchmarks/requirements.txt", file=sys.stderr)
        return 2
    host = machine()
    with tempfile.TemporaryDirectory() as tmp:
        folder, cache = Path(tmp) / "catalogs", Path(tmp) / "pycache"
        write_peer_catalogs(folder)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(cache)
        interpreter = statistics.median(time_run([sys.executable, "-c", "pass"], env)[0] for _ in range(options.runs))
        print(f"machine: {host['cpu']}, {host['cores']} cores, Python {host['python']}, {host['system']}")
        print(f"runs per query and program: {options.runs}, fresh process each, alternating; bytecode cache on")
        print(f"bare interpreter start: median {interpreter * 1000:.0f} ms\n")
        print(f"{'query':<36} {'compare':>8} {'peer':>8} {'ratio':>6} {'cpu ratio':>9}  heavy imports")
        results = {}
        for name, (args, peer_query) in QUERIES.items():
            r = results[name] = measure(args, peer_query, options.runs, folder, env)
            print(
                f"{name:<36} {r['compare']['wall_ms_median']:6.0f}ms {r['peer']['wall_ms_median']:6.0f}ms "
                f"{r['ratio_wall']:6.2f} {r['ratio_cpu']:9.2f}  {', '.join(r['heavy_imports']) or 'none'}"
            )
    load = os.getloadavg()
    worst = max(r["ratio_wall"] for r in results.values())
    verdict = "within" if worst <= TARGET_RATIO else "OVER"
    print(f"\nload average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (on {host['cores']} cores)")
    print(f"worst compare / peer (median wall): {worst:.2f}: {verdict} the target of {TARGET_RATIO}")
    options.output.parent.mkdir(parents=True, exist_ok=True)
    record = {"machine": host, "load_average": load, "interpreter_ms": interpreter * 1000, "queries": results}
    options.output.write_text(json.dumps(record, indent=2) + "\n")
    print(f"figures written to {options.output}")
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
