"""A VM as ``plan`` describes it, typed: one :class:`PlanRow` per VM.

``plan --format json`` writes each row as one JSON object (a published format: docs/plan.md lists its
keys, in this order); ``plan --diff`` and ``plan --changes`` read rows back from such files, older ones
too (a key a file lacks takes its default, and :meth:`PlanRow.has` tells the diff it was absent); the
stack program exports the price fields of the same rows as its ``comparison`` output. Pure Python: the
spec and pricing layers only.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .pricing import VmCost, instance_hourly

COMPARISON_FIELDS = ("name", "cloud", "region", "instance_type", "hourly_price", "monthly_price", "unpriced")
"""The fields of the stack's ``comparison`` output, in its order."""
RECORD_FIELDS = ("registrations", "network_registrations", "fields")
"""Written only when recorded (``plan --format json``, ``--changes``): what the change engine compares."""


@dataclass(frozen=True, kw_only=True)
class PlanRow:
    """One VM of a plan: where it runs, what it is, what it costs and what it registers."""

    name: str
    cloud: str
    region: str
    zone: str | None = None
    network: str | None = None
    """The shared network it joins, by name; None for a network of its own or an existing subnet."""
    instance_type: str
    vcpus: float | None = None
    memory_gib: float | None = None
    arch: str | None = None
    gpu: str | None = None
    image: str | None = None
    os_type: str | None = None
    disk_size_gib: float | None = None
    disk_type: str | None = None
    data_disks: tuple[dict, ...] = ()
    public_ip: bool = False
    spot: bool = False
    hourly_price: float | None = None
    monthly_price: float | None = None
    """The full month in dollars (a lower bound when ``unpriced`` names parts); None when unknown."""
    unpriced: tuple[str, ...] = ()
    cost: Mapping[str, float | None] = field(default_factory=dict)
    cost_detail: str = ""
    resources: tuple[dict, ...] = ()
    lock: Mapping[str, Any] | None = None
    registrations: list | None = None
    network_registrations: list | None = None
    fields: Mapping[str, str | None] | None = None
    document: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    """The JSON object the row was read from (rows read from a file are written back as they were)."""

    @classmethod
    def of(cls, spec, cost: VmCost, resources=(), lock: Mapping[str, Any] | None = None, **records) -> PlanRow:
        """The row of a validated ``VmSpec`` priced ``cost``, with its resources (each ``type`` and
        ``name``) and what the stack's lock did for it; ``records``: :data:`RECORD_FIELDS`."""
        offering = spec.offering
        return cls(
            name=spec.name,
            cloud=spec.cloud,
            region=spec.region,
            zone=spec.zone,
            network=spec.network.name if spec.network else None,
            instance_type=spec.instance_type,
            vcpus=offering.vcpus,
            memory_gib=offering.memory_gib,
            arch=spec.arch,
            gpu=f"{offering.gpu_count:g}x {offering.gpu_name}" if offering.gpu_name else None,
            image=image_description(spec.image),
            os_type=spec.image.os_type,
            disk_size_gib=spec.disk_size_gib,
            disk_type=spec.disk_type,
            data_disks=tuple({"size_gib": d.size_gib, "disk_type": d.disk_type} for d in spec.data_disks),
            public_ip=spec.public_ip,
            spot=spec.spot,
            hourly_price=instance_hourly(cost),
            monthly_price=cost.monthly,
            unpriced=cost.unpriced,
            cost=cost.breakdown(),
            cost_detail=cost.describe(),
            resources=tuple(resources),
            lock=lock,
            **records,
        )

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> PlanRow:
        """A row from a plan file's object (checked first: ``plandiff.check_vm``); the keys an older
        plan lacks take their defaults."""
        values = {key: tuple(v) if type(v) is list else v for key, v in document.items() if key in _FIELD_SET}
        return cls(**values, document=document)

    def has(self, name: str) -> bool:
        """Whether the row's plan format has the field (always, for a row ``plan`` built)."""
        return self.document is None or name in self.document

    def to_json(self) -> dict[str, Any]:
        """The row as ``plan --format json`` writes it (a row read from a file: as it was read)."""
        if self.document is not None:
            return dict(self.document)
        out = dict(zip(_FIELDS, _field_values(self)))
        for name in _CONTAINER_FIELDS:
            out[name] = _to_json(out[name])
        for name in RECORD_FIELDS:
            if out[name] is None:
                del out[name]
        return out

    def comparison(self) -> dict[str, Any]:
        """The row's entry in the stack's ``comparison`` output."""
        return {name: _to_json(getattr(self, name)) for name in COMPARISON_FIELDS}

    def with_records(self, **records) -> PlanRow:
        return dataclasses.replace(self, **records)


_FIELDS = tuple(f.name for f in dataclasses.fields(PlanRow) if f.name != "document")
_FIELD_SET = frozenset(_FIELDS)
_field_values = operator.attrgetter(*_FIELDS)
_SCALAR_TYPES = {"str", "str | None", "float | None", "bool"}
_CONTAINER_FIELDS = tuple(
    f.name for f in dataclasses.fields(PlanRow) if f.name in _FIELD_SET and f.type not in _SCALAR_TYPES
)
"""The fields whose values :func:`_to_json` converts (tuples, mappings); the others are JSON as they are."""


def image_description(image) -> str:
    """``ubuntu-24.04 (Canonical:ubuntu-24_04-lts:server:latest)`` for an alias (with what the cloud
    looks up), else the native image as given."""
    if not image.is_alias:
        return str(image.native)
    return f"{image.alias} ({image.native.describe()})"


def _to_json(value: Any) -> Any:
    """A field as JSON holds it: tuples as lists, mappings as dicts."""
    if type(value) is tuple:
        return list(value)
    if value is None or type(value) in (str, int, float, bool, dict):
        return value
    return dict(value) if isinstance(value, Mapping) else value
