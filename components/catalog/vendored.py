"""The AWS facts the build takes from moto's bundled EC2 data, kept in the repository.

``catalog build`` must give the same snapshot on any machine from the repository's files and a
catalog-source folder. It used to read AWS zones and size facts from whatever moto was installed,
and moto's data changes between releases (5.2.6 moved me-central-1's per-AZ offerings), so the
committed snapshot depended on the installed moto. These facts are now vendored in
``sources/aws_moto.json.gz``, with the moto version they came from:

- per instance type, what EC2 ``DescribeInstanceTypes`` says (``moto/ec2/resources/
  instance_types.json``): spot support, boot modes, EBS attachments (``size_facts.aws_facts``) and
  each GPU's name, count and memory (``GpuInfo``);
- per region, which AZ IDs offer each type (``DescribeInstanceTypeOfferings`` by
  ``availability-zone-id``, ``moto/ec2/resources/instance_type_offerings/availability-zone-id/``).

``python -m components catalog vendor-aws`` (a maintainer's step, with the dev requirements, which
include moto) regenerates the file from the installed moto; the build then reads only this file.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from .zones import SOURCES_DIR

VENDORED = SOURCES_DIR / "aws_moto.json.gz"


def collect(regions: list[str]) -> dict:
    """The vendored document from the installed moto (imports moto)."""
    import moto
    from moto.ec2.models.instance_types import INSTANCE_TYPES

    from .size_facts import aws_facts

    types = {}
    for name in sorted(INSTANCE_TYPES):
        description = INSTANCE_TYPES[name]
        entry = {"facts": aws_facts(description)}
        gpus = description.get("GpuInfo", {}).get("Gpus", [])
        if gpus:
            entry["gpus"] = [[g["Name"], g["Count"], g.get("MemoryInfo", {}).get("SizeInMiB")] for g in gpus]
        types[name] = entry
    offerings_dir = Path(moto.__file__).parent / "ec2" / "resources" / "instance_type_offerings"
    offerings = {}
    for region in sorted(regions):
        path = offerings_dir / "availability-zone-id" / f"{region}.json.gz"
        if not path.exists():
            continue
        by_type: dict[str, list[str]] = {}
        with gzip.open(path, "rt") as f:
            for entry in json.load(f):
                by_type.setdefault(entry["InstanceType"], []).append(entry["Location"])
        offerings[region] = {name: sorted(set(zones)) for name, zones in sorted(by_type.items())}
    return {
        "what": "AWS instance-type facts and per-AZ-ID offerings, as bundled by moto; see catalog/vendored.py",
        "source": f"moto {moto.__version__}: moto/ec2/resources/instance_types.json and "
        "instance_type_offerings/availability-zone-id/<region>.json.gz",
        "moto": moto.__version__,
        "types": types,
        "offerings": offerings,
    }


def encode(document: dict) -> bytes:
    return gzip.compress(json.dumps(document, sort_keys=True, separators=(",", ":")).encode(), mtime=0)


def write(path: Path | None = None) -> Path:
    """Regenerates the vendored file from the installed moto, for the regions of ``aws_zones.json``."""
    regions = sorted(json.loads((SOURCES_DIR / "aws_zones.json").read_text())["regions"])
    path = path or VENDORED
    path.write_bytes(encode(collect(regions)))
    return path


def read(path: Path | None = None) -> dict:
    with gzip.open(path or VENDORED, "rt") as f:
        return json.load(f)
