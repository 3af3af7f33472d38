"""How the VirtualMachine component scales: program evaluation under Pulumi mocks of N VMs sharing one
Network (what the stack program builds), against baseline programs that register the very same
provider resources directly (``flat_programs.py``), plus image-lookup invokes, peak memory, and
``plan`` / ``compare`` latency.

    .venv/bin/python benchmarks/bench_program.py              # 10, 100 and 1,000 VMs per cloud
    .venv/bin/python benchmarks/bench_program.py --sizes 10 100 --clouds aws gcp   # quicker

Three programs register the same provider resources (same types, names, inputs, options, invokes;
checked resource by resource before any timing):
- component: one ``Network`` and a ``VirtualMachine`` per VM (validation, catalog resolution,
  placement, adapters, outputs);
- flat: the resources written out by hand at the top of the stack, with the values the component
  resolves looked up once outside the program;
- shell: the flat program's resources under one bare ``ComponentResource`` per VM (and one for the
  network), which is what any component costs by Pulumi's conventions (one more registration, every
  child parented).
component/shell is the cost of this component's own logic; component/flat adds the cost of being a
component at all.

Each (cloud, size) runs in a fresh worker process that imports, warms up (one untimed run of each
program), freezes the import-time heap out of the GC's reach as ``components.program.run`` does, and
then alternates the three programs so that drift in machine load hits each alike. Times are CPU
seconds (``time.process_time``), the best of several runs: the evaluation is single-threaded and CPU
time is far less disturbed by other load than wall time. Peak memory is measured separately, in a
fresh process running the component program once at the largest size.

Targets (issue 7): component logic <= 1.10; time per VM roughly constant (linear growth); one
image-lookup invoke per distinct (cloud, region, image, arch) per run.
Results: printed, and written to benchmarks/results/program-<timestamp>.json (gitignored).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flat_programs import BUILDERS, NETWORK, network_args  # noqa: E402

RESULTS_DIR = ROOT / "benchmarks" / "results"
CLOUDS = ("aws", "azure", "gcp")
DEFAULT_SIZES = (10, 100, 1000)
RATIO_TARGET = 1.10
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINB4VrRPQ1v/2LB9OSaQK4UGrCtSZb+uvIBK7XrERtnD dev@example.com"
TAGS = {"environment": "bench", "owner": "platform-team"}
INGRESS = [
    {"port": 22, "sources": ["203.0.113.0/24"], "description": "SSH from the office"},
    {"port": 443, "sources": ["0.0.0.0/0"], "description": "HTTPS from anywhere"},
]
# The dev stack's spec, per cloud: a small public web VM with SSH from the office.
SPECS: dict[str, dict[str, Any]] = {
    cloud: {
        "cloud": cloud,
        "region": region,
        "cpus": 2,
        "memory_gib": 4,
        "image": "ubuntu-24.04",
        "disk_size_gib": 30,
        "ssh_public_key": SSH_KEY,
        "public_ip": True,
        "ingress": INGRESS,
        "tags": TAGS,
        **extra,
    }
    for cloud, region, extra in (
        ("aws", "eu-west-1", {}),
        ("azure", "westeurope", {}),
        ("gcp", "europe-west1", {"project": "bench-project"}),
    )
}
CONFIG = {"gcp:project": "bench-project"}


def vm_name(index: int) -> str:
    return f"vm{index:04d}"


# --------------------------------------------------------------------------------------------------
# The two programs
# --------------------------------------------------------------------------------------------------


def component_program(cloud: str, count: int):
    """What the stack program builds: one shared Network, and the VMs joining it."""

    def program():
        from components.network import Network
        from components.vm import VirtualMachine

        network = Network(NETWORK, network_args(SPECS[cloud], resolve(cloud)["zone"]))
        for index in range(count):
            VirtualMachine(vm_name(index), {**SPECS[cloud], "network": network})

    return program


def resolve(cloud: str) -> dict:
    """What the component resolves for the benchmark's spec (looked up once, outside any timing)."""
    from components.spec import validate

    spec = validate("vm0000", SPECS[cloud])
    return {"instance_type": spec.instance_type, "image": spec.image.native, "zone": spec.zone}


def baseline_program(cloud: str, count: int):
    """The same provider resources, registered directly with the values the component resolves (the
    instance type, image and zone are looked up once, outside the timed program)."""
    resolved = resolve(cloud)
    build_network, build_vm = BUILDERS[cloud]

    def program(shells=None):
        shared: dict = {}
        if shells is not None:
            shells(None)
        build_network(SPECS[cloud], resolved, shared)
        for index in range(count):
            if shells is not None:
                shells(index)
            build_vm(vm_name(index), SPECS[cloud], resolved, shared)

    return program


def shell_baseline_program(cloud: str, count: int):
    """The baseline's resources, the network's under a bare ComponentResource of the Network's type and
    each VM's under one of the VirtualMachine's type, doing nothing else: what any component costs by
    Pulumi's conventions (one more registration, every child parented), so that the ratio against it is
    the cost of the components' own logic."""
    import pulumi

    class Shell(pulumi.ComponentResource):
        def __init__(self, token: str, name: str):
            super().__init__(token, name, None, None)
            self.register_outputs({})

    flat = baseline_program(cloud, count)

    def program():
        current: dict[str, Any] = {}
        original = pulumi.CustomResource.__init__

        # The baseline builders take no parent; during this program every resource created without
        # one is created under the current shell.
        def adopting_init(self, t, name, props=None, opts=None, *rest, **kwargs):
            if opts is None or opts.parent is None:
                opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(parent=current["shell"]))
            original(self, t, name, props, opts, *rest, **kwargs)

        def open_shell(index: int | None) -> None:
            if index is None:
                current["shell"] = Shell("multicloud:index:Network", NETWORK)
            else:
                current["shell"] = Shell("multicloud:index:VirtualMachine", vm_name(index))

        pulumi.CustomResource.__init__ = adopting_init
        try:
            flat(shells=open_shell)
        finally:
            pulumi.CustomResource.__init__ = original

    return program


# --------------------------------------------------------------------------------------------------
# Equivalence check and worker
# --------------------------------------------------------------------------------------------------


def _stable_mocks():
    from components.offline import RecordingMocks

    class StableMocks(RecordingMocks):
        """Outputs that do not depend on registration order, so two programs compare equal."""

        def resource_outputs(self, type_, name, inputs, serial):
            return super().resource_outputs(type_, name, inputs, 0)

    return StableMocks()


def registrations(cloud: str, variant: str, count: int) -> tuple[list[tuple], list[tuple]]:
    """(type, name, inputs, options) of every provider resource, and the invokes, as JSON text."""
    from components.offline import evaluate

    program = (component_program if variant == "component" else baseline_program)(cloud, count)
    evaluation = evaluate(program, config=CONFIG, mocks=_stable_mocks())
    resources = sorted(
        (
            r.type,
            r.name,
            json.dumps(r.inputs, sort_keys=True),
            tuple(r.ignore_changes),
            tuple(sorted(r.additional_secret_outputs)),
            r.delete_before_replace,
            tuple(r.secret_inputs),
            tuple(r.replace_on_changes),
            json.dumps(r.replacement_trigger),
        )
        for r in evaluation.resources
        if r.custom
    )
    invokes = sorted((i.token, json.dumps(i.args, sort_keys=True)) for i in evaluation.invokes)
    return resources, invokes


def check_equivalent(cloud: str, count: int = 3) -> None:
    component = registrations(cloud, "component", count)
    baseline = registrations(cloud, "baseline", count)
    if component != baseline:
        only_c = sorted(set(component[0]) - set(baseline[0])) + sorted(set(component[1]) - set(baseline[1]))
        only_b = sorted(set(baseline[0]) - set(component[0])) + sorted(set(baseline[1]) - set(component[1]))
        raise SystemExit(
            f"{cloud}: the baseline does not register what the component does.\n"
            f"component only: {only_c[:3]}\nbaseline only: {only_b[:3]}"
        )


def worker(cloud: str, count: int, repeats: int) -> dict:
    """Times both programs in one process, alternating which goes first, so that drift in machine
    load hits both alike; reports the best (least disturbed) and the median CPU time of each."""
    from components.offline import evaluate

    programs = {"component": component_program, "baseline": baseline_program, "shell": shell_baseline_program}
    for make in programs.values():
        evaluate(make(cloud, 1), config=CONFIG)  # warm-up: provider modules, catalog snapshot
    # What components.program.run does after its imports: the import-time heap (provider SDKs are
    # hundreds of thousands of objects) leaves the cyclic GC's reach.
    gc.collect()
    gc.freeze()
    cpu: dict[str, list[float]] = {name: [] for name in programs}
    evaluation = None
    for round_ in range(repeats):
        order = list(programs) if round_ % 2 == 0 else list(programs)[::-1]
        for name in order:
            program = programs[name](cloud, count)
            gc.collect()
            start_cpu = time.process_time()
            evaluation = evaluate(program, config=CONFIG)
            cpu[name].append(time.process_time() - start_cpu)
            if name == "component":
                resources, invokes = len(evaluation.resources), len(evaluation.invokes)
            del evaluation
    return {
        "cloud": cloud,
        "vms": count,
        "cpu_times": cpu,
        "best": {name: min(times) for name, times in cpu.items()},
        "median": {name: statistics.median(times) for name, times in cpu.items()},
        "resources": resources,
        "invokes": invokes,
    }


def memory_worker(cloud: str, count: int) -> dict:
    """Peak resident memory of one component run of ``count`` VMs, in a fresh process."""
    from components.offline import evaluate

    evaluate(component_program(cloud, count), config=CONFIG)
    return {"cloud": cloud, "vms": count, "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_worker(*args: object) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--worker", *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def cli_latency(argv: list[str], runs: int) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "components", *argv], check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return {"command": "python -m components " + " ".join(argv), "median": statistics.median(times), "times": times}


def machine() -> dict:
    model = platform.processor() or platform.machine()
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(), "os": platform.platform()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="VMs per cloud")
    parser.add_argument("--clouds", nargs="+", choices=CLOUDS, default=list(CLOUDS))
    parser.add_argument("--cli-runs", type=int, default=5, help="runs of plan and compare (median reported)")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        kind, cloud, *numbers = options.worker
        result = worker(cloud, *map(int, numbers)) if kind == "time" else memory_worker(cloud, int(numbers[0]))
        print(json.dumps(result))
        return 0

    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}")
    for cloud in options.clouds:
        check_equivalent(cloud)
    print("baseline registers the same resources, inputs, options and invokes as the component: ok\n")

    rows = []
    header = (
        f"{'cloud':<6} {'VMs':>5} {'component s':>12} {'flat s':>8} {'shell s':>8} {'vs flat':>8} {'vs shell':>8} "
        f"{'ms/VM':>7} {'flat ms/VM':>10} {'resources':>9} {'invokes':>7}"
    )
    print(header)
    print("-" * len(header))
    for cloud in options.clouds:
        for count in options.sizes:
            repeats = 6 if count <= 10 else 4 if count <= 100 else 2 if cloud != "azure" else 1
            measured = run_worker("time", cloud, count, repeats)
            best = measured["best"]
            row = {
                "cloud": cloud,
                "vms": count,
                "component_s": best["component"],
                "flat_s": best["baseline"],
                "shell_s": best["shell"],
                "ratio_vs_flat": best["component"] / best["baseline"],
                "ratio_vs_shell": best["component"] / best["shell"],
                "ms_per_vm": 1000 * best["component"] / count,
                "flat_ms_per_vm": 1000 * best["baseline"] / count,
                "resources": measured["resources"],
                "invokes": measured["invokes"],
                "repeats": repeats,
                "cpu_times": measured["cpu_times"],
            }
            rows.append(row)
            print(
                f"{cloud:<6} {count:>5} {row['component_s']:>12.3f} {row['flat_s']:>8.3f} {row['shell_s']:>8.3f} "
                f"{row['ratio_vs_flat']:>8.3f} {row['ratio_vs_shell']:>8.3f} {row['ms_per_vm']:>7.1f} "
                f"{row['flat_ms_per_vm']:>10.1f} {row['resources']:>9} {row['invokes']:>7}",
                flush=True,
            )

    peak = max(options.sizes)
    memory = [run_worker("memory", cloud, peak) for cloud in options.clouds]
    print()
    for entry in memory:
        print(f"peak memory, {entry['cloud']} component with {entry['vms']} VMs: {entry['maxrss_mib']:.0f} MiB RSS")

    print()
    cli = [cli_latency(["plan", "--stack", "dev"], options.cli_runs)]
    try:
        cli.append(cli_latency(["compare", "--cpus", "2", "--memory", "4"], options.cli_runs))
    except subprocess.CalledProcessError as error:
        print(f"compare failed: {error}")
    for entry in cli:
        print(f"{entry['command']:<50} median {entry['median']:.2f} s over {len(entry['times'])} runs")

    misses = [r for r in rows if r["ratio_vs_shell"] > RATIO_TARGET]
    print(
        f"\ncomponent logic (vs shell) within {RATIO_TARGET}: "
        + ("yes" if not misses else "no, at " + ", ".join(f"{r['cloud']}/{r['vms']}" for r in misses))
    )
    flat = [r["ratio_vs_flat"] for r in rows]
    print(f"against the flat program (no component resource at all): {min(flat):.2f} to {max(flat):.2f}")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"program-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"machine": info, "rows": rows, "memory": memory, "cli": cli}, indent=2))
    print(f"results: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
