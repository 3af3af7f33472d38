"""How the VirtualMachine component scales: program evaluation under Pulumi mocks, against a baseline
program that registers the very same provider resources directly, plus image-lookup invokes, peak
memory, and ``plan`` / ``compare`` latency.

    .venv/bin/python benchmarks/bench_program.py              # 10, 100 and 1,000 VMs per cloud
    .venv/bin/python benchmarks/bench_program.py --sizes 10 100 --clouds aws gcp   # quicker

Every (cloud, program, size) measurement runs in a fresh worker process: the interpreter, imports
and the first (warm-up) evaluation are not timed, so the figures are the program's own cost, and the
worker's peak RSS (``resource.getrusage``) is the memory one ``pulumi up`` of that stack would need
on the language-host side. The baseline is hand-written to register exactly what the component's
adapters register for the benchmark spec (same types, names, inputs, options, invokes); before any
timing the script checks that equivalence resource by resource, so the ratio compares the same
work with and without the component (validation, catalog resolution, component resource, outputs).

Times are CPU seconds of the worker (``time.process_time``, best of several runs; wall time is kept in
the JSON too): the evaluation is single-threaded, and CPU time is far less disturbed by other load on
the machine than wall time.

Targets (issue 7): ratio component/baseline <= 1.10 at every size; time per VM roughly constant
(linear growth); one image-lookup invoke per distinct (cloud, region, image, arch) per run.
Results: printed as a table and written to benchmarks/results/program-<timestamp>.json (gitignored).
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
    def program():
        from components.vm import VirtualMachine

        for index in range(count):
            VirtualMachine(vm_name(index), SPECS[cloud])

    return program


def baseline_program(cloud: str, count: int):
    """The same provider resources, registered directly with the values the component resolves (the
    instance type and image are looked up once, outside the timed program: no per-VM validation)."""
    from components.spec import validate

    spec = validate("vm0000", SPECS[cloud])
    resolved = {
        "instance_type": spec.instance_type,
        "image": spec.image.native,
        "login_user": spec.image.login_user,
        "zone": spec.zone,
    }
    build = {"aws": _baseline_aws, "azure": _baseline_azure, "gcp": _baseline_gcp}[cloud]

    def program():
        shared: dict = {}
        for index in range(count):
            build(vm_name(index), SPECS[cloud], resolved, shared)

    return program


def _baseline_aws(name: str, args: dict, resolved: dict, shared: dict) -> None:
    import pulumi
    import pulumi_aws as aws

    region, tags = args["region"], {"Name": name, **args["tags"]}
    vpc = aws.ec2.Vpc(
        f"{name}-vpc",
        cidr_block="10.42.0.0/16",
        enable_dns_hostnames=True,
        enable_dns_support=True,
        region=region,
        tags=tags,
    )
    subnet = aws.ec2.Subnet(
        f"{name}-subnet",
        vpc_id=vpc.id,
        cidr_block="10.42.1.0/24",
        availability_zone=None,
        map_public_ip_on_launch=False,
        region=region,
        tags=tags,
    )
    gateway = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, region=region, tags=tags)
    route_table = aws.ec2.RouteTable(
        f"{name}-rt",
        vpc_id=vpc.id,
        routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": gateway.id}],
        region=region,
        tags=tags,
    )
    aws.ec2.RouteTableAssociation(f"{name}-rta", subnet_id=subnet.id, route_table_id=route_table.id, region=region)
    security_group = aws.ec2.SecurityGroup(
        f"{name}-sg",
        vpc_id=vpc.id,
        description=f"{name}: managed by multicloud-vm",
        ingress=[
            {
                "protocol": "tcp",
                "from_port": rule["port"],
                "to_port": rule["port"],
                "description": rule["description"],
                "cidr_blocks": rule["sources"],
            }
            for rule in args["ingress"]
        ],
        egress=[
            {"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]}
        ],
        region=region,
        tags=tags,
    )
    key_pair = aws.ec2.KeyPair(f"{name}-key", public_key=args["ssh_public_key"], region=region, tags=tags)
    if "ami" not in shared:
        image = resolved["image"]
        shared["ami"] = aws.ec2.get_ami_output(
            owners=[image.owner],
            most_recent=True,
            filters=[
                {"name": "name", "values": [image.name_pattern]},
                {"name": "architecture", "values": ["x86_64"]},
                {"name": "virtualization-type", "values": ["hvm"]},
                {"name": "root-device-type", "values": ["ebs"]},
                {"name": "state", "values": ["available"]},
            ],
            region=region,
        ).id
    aws.ec2.Instance(
        f"{name}-vm",
        ami=shared["ami"],
        instance_type=resolved["instance_type"],
        subnet_id=subnet.id,
        availability_zone=None,
        vpc_security_group_ids=[security_group.id],
        key_name=key_pair.key_name,
        associate_public_ip_address=True,
        metadata_options={"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1},
        root_block_device={
            "volume_size": args["disk_size_gib"],
            "volume_type": "gp3",
            "encrypted": True,
            "delete_on_termination": True,
        },
        credit_specification={"cpu_credits": "standard"},
        region=region,
        tags=tags,
        volume_tags=tags,
        opts=pulumi.ResourceOptions(ignore_changes=["ami"], additional_secret_outputs=["userData"]),
    )


def _baseline_azure(name: str, args: dict, resolved: dict, shared: dict) -> None:
    import pulumi
    from pulumi_azure_native import compute, network
    from pulumi_azure_native import resources as azure_resources

    location, tags = args["region"], dict(args["tags"])
    group = azure_resources.ResourceGroup(f"{name}-rg", location=location, tags=tags)
    vnet = network.VirtualNetwork(
        f"{name}-vnet",
        resource_group_name=group.name,
        location=location,
        address_space={"address_prefixes": ["10.42.0.0/16"]},
        tags=tags,
    )
    subnet = network.Subnet(
        f"{name}-subnet", resource_group_name=group.name, virtual_network_name=vnet.name, address_prefix="10.42.1.0/24"
    )
    nsg = network.NetworkSecurityGroup(
        f"{name}-nsg",
        resource_group_name=group.name,
        location=location,
        security_rules=[
            {
                "name": f"allow-tcp-{rule['port']}-{index}",
                "priority": 100 + 10 * index,
                "direction": "Inbound",
                "access": "Allow",
                "protocol": "Tcp",
                "source_address_prefixes": rule["sources"],
                "source_port_range": "*",
                "destination_address_prefix": "*",
                "destination_port_range": str(rule["port"]),
                "description": rule["description"],
            }
            for index, rule in enumerate(args["ingress"])
        ],
        tags=tags,
    )
    public_ip = network.PublicIPAddress(
        f"{name}-pip",
        resource_group_name=group.name,
        location=location,
        sku={"name": "Standard", "tier": "Regional"},
        public_ip_allocation_method="Static",
        public_ip_address_version="IPv4",
        zones=None,
        tags=tags,
    )
    nic = network.NetworkInterface(
        f"{name}-nic",
        resource_group_name=group.name,
        location=location,
        ip_configurations=[
            {
                "name": "ipconfig",
                "subnet": {"id": subnet.id},
                "private_ip_allocation_method": "Dynamic",
                "primary": True,
                "public_ip_address": {"id": public_ip.id},
            }
        ],
        network_security_group={"id": nsg.id},
        tags=tags,
    )
    image = resolved["image"]
    compute.VirtualMachine(
        f"{name}-vm",
        vm_name=name,
        resource_group_name=group.name,
        location=location,
        zones=None,
        hardware_profile={"vm_size": resolved["instance_type"]},
        network_profile={"network_interfaces": [{"id": nic.id, "primary": True}]},
        os_profile={
            "computer_name": name,
            "admin_username": "vmadmin",
            "linux_configuration": {
                "disable_password_authentication": True,
                "provision_vm_agent": True,
                "ssh": {
                    "public_keys": [{"path": "/home/vmadmin/.ssh/authorized_keys", "key_data": args["ssh_public_key"]}]
                },
            },
        },
        storage_profile={
            "image_reference": {
                "publisher": image.publisher,
                "offer": image.offer,
                "sku": image.sku,
                "version": image.version,
            },
            "os_disk": {
                "name": f"{name}-osdisk",
                "create_option": "FromImage",
                "caching": "ReadWrite",
                "disk_size_gb": args["disk_size_gib"],
                "delete_option": "Delete",
                "managed_disk": {"storage_account_type": "Premium_LRS"},
            },
            "data_disks": [],
        },
        diagnostics_profile={"boot_diagnostics": {"enabled": True}},
        tags=tags,
        opts=pulumi.ResourceOptions(
            ignore_changes=["storageProfile.imageReference"],
            additional_secret_outputs=["osProfile"],
            delete_before_replace=True,
        ),
    )


def _baseline_gcp(name: str, args: dict, resolved: dict, shared: dict) -> None:
    import pulumi
    import pulumi_gcp as gcp

    project, labels = args["project"], dict(args["tags"])
    net = gcp.compute.Network(f"{name}-net", auto_create_subnetworks=False, project=project)
    subnet = gcp.compute.Subnetwork(
        f"{name}-subnet",
        network=net.id,
        region=args["region"],
        ip_cidr_range="10.42.1.0/24",
        private_ip_google_access=True,
        project=project,
    )
    for index, rule in enumerate(args["ingress"]):
        gcp.compute.Firewall(
            f"{name}-fw-{index}",
            network=net.id,
            project=project,
            direction="INGRESS",
            source_ranges=rule["sources"],
            allows=[{"protocol": "tcp", "ports": [str(rule["port"])]}],
            target_tags=[f"{name}-vm"],
            description=rule["description"],
        )
    gcp.compute.Instance(
        f"{name}-vm",
        name=name,
        machine_type=resolved["instance_type"],
        zone=resolved["zone"],
        project=project,
        boot_disk={
            "auto_delete": True,
            "initialize_params": {
                "image": resolved["image"].path,
                "size": args["disk_size_gib"],
                "type": "pd-balanced",
                "labels": labels,
            },
        },
        attached_disks=[],
        network_interfaces=[{"subnetwork": subnet.id, "access_configs": [{"network_tier": "PREMIUM"}]}],
        metadata={"block-project-ssh-keys": "TRUE", "ssh-keys": f"vmadmin:{args['ssh_public_key']}"},
        tags=[f"{name}-vm"],
        labels=labels,
        shielded_instance_config={"enable_secure_boot": True, "enable_vtpm": True, "enable_integrity_monitoring": True},
        scheduling={"provisioning_model": "STANDARD", "automatic_restart": True, "on_host_maintenance": "MIGRATE"},
        allow_stopping_for_update=True,
        opts=pulumi.ResourceOptions(
            ignore_changes=["bootDisk.initializeParams.image"],
            additional_secret_outputs=["metadata"],
            delete_before_replace=True,
        ),
    )


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


def worker(cloud: str, variant: str, count: int, repeats: int) -> dict:
    from components.offline import evaluate

    make = component_program if variant == "component" else baseline_program
    evaluate(make(cloud, 1), config=CONFIG)  # warm-up: provider modules, catalog snapshot
    times, cpu, evaluation = [], [], None
    for _ in range(repeats):
        program = make(cloud, count)
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        evaluation = evaluate(program, config=CONFIG)
        cpu.append(time.process_time() - start_cpu)
        times.append(time.perf_counter() - start)
    assert evaluation is not None
    return {
        "cloud": cloud,
        "variant": variant,
        "vms": count,
        "times": times,
        "cpu_times": cpu,
        "best": min(cpu),
        "best_wall": min(times),
        "resources": len(evaluation.resources),
        "invokes": len(evaluation.invokes),
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_worker(cloud: str, variant: str, count: int, repeats: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--worker", cloud, variant, str(count), str(repeats)],
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
    parser.add_argument("--worker", nargs=4, metavar=("CLOUD", "VARIANT", "N", "REPEATS"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        cloud, variant, count, repeats = options.worker
        print(json.dumps(worker(cloud, variant, int(count), int(repeats))))
        return 0

    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}")
    for cloud in options.clouds:
        check_equivalent(cloud)
    print("baseline registers the same resources, inputs, options and invokes as the component: ok\n")

    rows = []
    header = f"{'cloud':<6} {'VMs':>5} {'component s':>12} {'baseline s':>11} {'ratio':>6} {'ms/VM':>7} {'resources':>9} {'invokes':>7} {'RSS MiB':>8}"
    print(header)
    print("-" * len(header))
    for cloud in options.clouds:
        for count in options.sizes:
            repeats = 5 if count <= 10 else 3 if count <= 100 else 1
            measured = {}
            # Alternate the two programs so drift in machine load hits both alike.
            for variant in ("baseline", "component"):
                measured[variant] = run_worker(cloud, variant, count, repeats)
            component, baseline = measured["component"], measured["baseline"]
            row = {
                "cloud": cloud,
                "vms": count,
                "component_s": component["best"],
                "baseline_s": baseline["best"],
                "ratio": component["best"] / baseline["best"],
                "ms_per_vm": 1000 * component["best"] / count,
                "baseline_ms_per_vm": 1000 * baseline["best"] / count,
                "resources": component["resources"],
                "invokes": component["invokes"],
                "component_maxrss_mib": component["maxrss_mib"],
                "baseline_maxrss_mib": baseline["maxrss_mib"],
                "repeats": repeats,
            }
            rows.append(row)
            print(
                f"{cloud:<6} {count:>5} {row['component_s']:>12.3f} {row['baseline_s']:>11.3f} {row['ratio']:>6.3f} "
                f"{row['ms_per_vm']:>7.1f} {row['resources']:>9} {row['invokes']:>7} {row['component_maxrss_mib']:>8.0f}",
                flush=True,
            )

    print()
    cli = [cli_latency(["plan", "--stack", "dev"], options.cli_runs)]
    try:
        cli.append(cli_latency(["compare", "--cpus", "2", "--memory", "4"], options.cli_runs))
    except subprocess.CalledProcessError as error:
        print(f"compare failed: {error}")
    for entry in cli:
        print(f"{entry['command']:<50} median {entry['median']:.2f} s over {len(entry['times'])} runs")

    misses = [r for r in rows if r["ratio"] > RATIO_TARGET]
    print(
        f"\nratio target <= {RATIO_TARGET}: "
        + ("met" if not misses else "missed at " + ", ".join(f"{r['cloud']}/{r['vms']}" for r in misses))
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"program-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"machine": info, "rows": rows, "cli": cli}, indent=2))
    print(f"results: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
