"""How long ``spec.validate`` takes per VM: the per-VM hot path of the component, ``plan`` and the
property tests (which run it thousands of times).

    .venv/bin/python benchmarks/bench_validate.py            # every case, best of 7 rounds
    .venv/bin/python benchmarks/bench_validate.py --rounds 3 --number 200

Each case validates one spec of a cloud (a small Linux VM; one with named data disks, tags, ingress,
and a lock entry that keeps its size and zone; a Windows VM) ``number`` times per round; a case's
time is the best round's CPU time per call (``time.process_time``: the validation is single-threaded
and CPU time is little disturbed by other load). The catalog is loaded and the size search memoised
before timing, as in a stack with many VMs. Results are printed with the machine they came from.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from components.spec import validate  # noqa: E402
from components.spec.lock import parse  # noqa: E402
from components.spec.model import CloudDefaults  # noqa: E402

KEY = (ROOT / "tests/fixtures/keys/ed25519.pub").read_text().strip()
DISKS = [{"size_gib": 50, "name": "logs"}, {"size_gib": 100, "name": "data", "disk_type": "standard"}]
INGRESS = [{"port": 22, "sources": ["203.0.113.0/24"]}, {"port": 443, "sources": ["198.51.100.0/24"]}]
TAGS = {"owner": "team-a", "env": "prod", "cost-centre": "42"}
FULL = {"data_disks": DISKS, "ingress": INGRESS, "tags": TAGS, "public_ip": True}
GCP = CloudDefaults(project="my-project-123")


def lock_of(name: str, spec) -> object:
    from components.spec.lock import entry_document

    return parse({"version": 1, "vms": {name: entry_document(spec)}}, "bench")[name]


def cases() -> list[tuple[str, dict, CloudDefaults | None, bool]]:
    """(label, args, provider defaults, with a lock entry)."""
    small = {
        "aws": {"cloud": "aws", "region": "us-east-1", "ssh_public_key": KEY},
        "azure": {"cloud": "azure", "region": "westeurope", "ssh_public_key": KEY},
        "gcp": {"cloud": "gcp", "region": "us-central1", "ssh_public_key": KEY},
    }
    windows = {
        "aws": {"cloud": "aws", "region": "us-east-1", "image": "windows-2022", "admin_password": "Corr3ct-Horse!"},
        "azure": {
            "cloud": "azure",
            "region": "westeurope",
            "image": "windows-2022",
            "admin_password": "Corr3ct-Horse!",
        },
        "gcp": {"cloud": "gcp", "region": "us-central1", "image": "windows-2022", "admin_password": "Corr3ct-Horse!"},
    }
    result = []
    for cloud in ("aws", "azure", "gcp"):
        defaults = GCP if cloud == "gcp" else None
        result.append((f"{cloud} small", small[cloud], defaults, False))
        result.append((f"{cloud} full+lock", {**small[cloud], **FULL}, defaults, True))
        result.append((f"{cloud} windows", windows[cloud], defaults, False))
    return result


def time_case(args: dict, defaults, lock, number: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(number):
            validate("web", args, defaults, lock=lock)
        best = min(best, (time.process_time() - start) / number)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--number", type=int, default=300, help="calls per round")
    parser.add_argument("--rounds", type=int, default=7, help="rounds; the best is kept")
    options = parser.parse_args(argv)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    total = 0.0
    for label, args, defaults, locked in cases():
        lock = lock_of("web", validate("web", args, defaults)) if locked else None
        validate("web", args, defaults, lock=lock)  # warm: catalog loaded, size search memoised
        per_call = time_case(args, defaults, lock, options.number, options.rounds)
        total += per_call
        print(f"{label:<18} {per_call * 1e6:8.1f} µs per validate()")
    print(f"{'sum':<18} {total * 1e6:8.1f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
