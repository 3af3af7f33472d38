"""Shape facts that mean what a user thinks they mean, the same on every cloud: applied by the build
to catalog-source rows and by the refreshers to what the APIs return.

- **GPUs**: the card and one card's memory (``catalog/gpus.py``): AWS from ``GpuInfo`` (the vendored
  moto data, or the live ``DescribeInstanceTypes``), the other sizes from ``sources/gpus.json``.
- **Constrained-vCPU Azure sizes** (``Standard_E8-2as_v5``): the size runs 2 vCPUs of the 8 of
  ``Standard_E8as_v5``, to cut per-core software licences, and costs the same as the full size.
  Its ``vcpus`` are the active ones, what a VM gets and what a search for "8 vCPUs" must count; the
  full count is the ``licensed_vcpus`` fact, what the Windows licence is billed on (Windows minus
  Linux pay-as-you-go of these sizes is $0.046 x the full count, ``sources/part_prices.json``).
  Microsoft Learn, "Constrained vCPU capable VM sizes"
  (https://learn.microsoft.com/azure/virtual-machines/constrained-vcpu): "The number after the
  dash is the number of active vCPUs", e.g. Standard_E32-8s_v3 has 8 active of 32. The number
  before the dash is the full size's vCPUs, except in the DS v2 and GS series, whose size numbers
  are not vCPU counts (DS11 has 2): there the listed vCPUs are the full count. (catalog-source
  lists Standard_F64-16ams_v7 with 80 vCPUs, Standard_F64ams_v7 with 64: the name wins.)
"""

from __future__ import annotations

import json
import re
from functools import cache

from ..cloud_rules import rules
from . import gpus
from .zones import SOURCES_DIR

GPU_SOURCES = SOURCES_DIR / "gpus.json"


@cache
def _gpu_rules() -> dict[str, list[tuple[re.Pattern, str, int]]]:
    document = json.loads(GPU_SOURCES.read_text())
    return {
        scope: [(re.compile(rule["pattern"]), rule["card"], rule["memory_gb"]) for rule in rules]
        for scope, rules in document["sizes"].items()
    }


def gpu_of(scope: str, name: str, label: str | None, gpu_info: list | None = None) -> tuple[str | None, int | None]:
    """(card, memory GB) of a size's GPU: from ``GpuInfo`` entries ``[name, count, MiB]`` where given,
    else the rule of ``sources/gpus.json`` for the size, else what its label says (``A100-80GB``)."""
    if not label and not gpu_info:
        return None, None
    if gpu_info:
        card_name, _count, mib = gpu_info[0]
        card, _memory = gpus.normalise(card_name)
        if mib:
            return card, gpus.memory_from_mib(card, mib)
    for pattern, card, memory in _gpu_rules().get(scope, ()):
        if pattern.search(name):
            return card, memory
    return gpus.normalise(label)


def constrained_vcpus(cloud: str, name: str, listed: float) -> tuple[int, float] | None:
    """(active, licensed) vCPUs of a constrained-vCPU size whose source lists ``listed`` vCPUs; None
    for any other size (``constrained_vcpus`` of ``cloud_rules/<cloud>.py``: Azure's naming)."""
    return rules(cloud).constrained_vcpus(name, listed)


def normalise_shape(cloud: str, shape: dict, gpu_info: list | None = None) -> dict:
    """A shape row (``instance_type, vcpus, ..., gpu_name, facts``) with its GPU as card + memory and,
    for a constrained-vCPU size, its active vCPUs (the full count as ``licensed_vcpus``)."""
    name = str(shape["instance_type"])
    facts = dict(shape.get("facts") or {})
    out = dict(shape)
    card, memory = gpu_of(cloud, name, shape.get("gpu_name") or None, gpu_info)
    if card:
        out["gpu_name"] = card
        if memory:
            facts["gpu_memory_gb"] = memory
    constrained = constrained_vcpus(cloud, name, shape["vcpus"]) if not facts.get("licensed_vcpus") else None
    if constrained:
        out["vcpus"], facts["licensed_vcpus"] = constrained
    out["facts"] = facts or None
    return out
