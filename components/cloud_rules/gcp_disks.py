"""Which disk types, and how many disks, each Compute Engine machine series takes.

Disk types per machine series come from Google's own machine-family configuration for GKE node
auto-provisioning (``supportedBootDiskTypes`` / ``supportedAttachDiskTypes``, k8s.io/gke-autoscaling),
checked against Google's cluster-toolkit validations ("The C4 machine series does not support
pd-ssd", ...) and the Hyperdisk docs ("Hyperdisk Balanced ... the only supported Hyperdisk types"
for boot disks, https://cloud.google.com/compute/docs/disks/hd-types/hyperdisk-balanced). Attached
disk maximums: https://cloud.google.com/compute/docs/disks/persistent-disks (127 secondary disks) and
the GCE PD CSI driver's limits (shared-core 16; Hyperdisk limits by vCPUs for C4, C4D, N4).
"""

from __future__ import annotations

from dataclasses import dataclass

PD = ("pd-standard", "pd-balanced", "pd-ssd")
NO_STANDARD = ("pd-balanced", "pd-ssd")
HYPERDISK = ("hyperdisk-balanced",)


@dataclass(frozen=True)
class Family:
    boot: tuple[str, ...]
    data: tuple[str, ...]
    max_disks: int | tuple[tuple[float, int], ...] = 128
    """Attached disks including the boot disk: a number, or (up to vCPUs, maximum) steps."""


FAMILIES: dict[str, Family] = {
    "a2": Family(PD, PD),
    "a3": Family((*NO_STANDARD, *HYPERDISK), (*NO_STANDARD, *HYPERDISK)),
    "a4": Family(HYPERDISK, HYPERDISK),
    "c2": Family(PD, PD),
    "c2d": Family(PD, PD),
    "c3": Family((*NO_STANDARD, *HYPERDISK), (*NO_STANDARD, *HYPERDISK)),
    "c3d": Family((*NO_STANDARD, *HYPERDISK), (*NO_STANDARD, *HYPERDISK)),
    "c4": Family(HYPERDISK, HYPERDISK, ((2, 8), (4, 16), (24, 32), (48, 64), (float("inf"), 128))),
    "c4d": Family(HYPERDISK, HYPERDISK, ((2, 4), (4, 8), (8, 16), (96, 32), (192, 64), (float("inf"), 128))),
    # C4A (Axion, arm64; in the catalog since issue 20): Hyperdisk only, as every fourth-generation
    # series ("For ... all fourth-generation types like C4, N4, M4, and newer machine series, the
    # default is Hyperdisk Balanced", Compute API AttachedDiskInitializeParams.diskType; "c4a does not
    # accept pd-balanced", https://cloud.google.com/compute/docs/general-purpose-machines#c4a_disks).
    # Its Hyperdisk count per vCPU is not in our sources: N4's, the smallest documented, is assumed.
    "c4a": Family(HYPERDISK, HYPERDISK, ((8, 16), (float("inf"), 32))),
    "e2": Family(PD, PD),
    "f1": Family(PD, PD, 16),
    "g1": Family(PD, PD, 16),
    # G2: no pd-standard boot disk; Google's GKE config lists it attachable, other Google configs say
    # "G2 does not support pd-standard": refused for data disks too, the safe side.
    "g2": Family(NO_STANDARD, NO_STANDARD),
    "m1": Family((*PD, *HYPERDISK), (*PD, *HYPERDISK)),
    "m3": Family((*PD, *HYPERDISK), (*PD, *HYPERDISK)),
    "n1": Family(PD, PD),
    "n2": Family(PD, PD),
    "n2d": Family(PD, PD),
    "n4": Family(HYPERDISK, HYPERDISK, ((8, 16), (float("inf"), 32))),
    "t2a": Family(PD, PD),
    "t2d": Family(PD, PD),
}
SHARED_CORE_16 = frozenset(["e2-micro", "e2-small", "e2-medium"])  # PD CSI driver: "volumeLimitSmall"


def family_of(machine_type: str) -> Family | None:
    return FAMILIES.get(machine_type.split("-")[0])


def disk_type(kind: str, machine_type: str, boot: bool = True) -> str | None:
    """The disk type sent for ``ssd``/``standard``: pd-balanced or pd-standard where the series takes
    it, Hyperdisk Balanced for ``ssd`` on Hyperdisk-only series; None where ``standard`` is refused."""
    family = family_of(machine_type)
    supported = (family.boot if boot else family.data) if family else PD
    if kind == "ssd":
        return "pd-balanced" if "pd-balanced" in supported else "hyperdisk-balanced"
    return "pd-standard" if "pd-standard" in supported else None


def sent_disk_type(kind: str, machine_type: str, boot: bool = True) -> str:
    """``disk_type`` for a validated spec, where validation has refused a ``standard`` disk the series
    cannot take: what the adapter sends and what pricing prices."""
    sent = disk_type(kind, machine_type, boot)
    if sent is None:
        raise ValueError(f"{machine_type} takes no {kind} disk (validation should have refused it)")
    return sent


def max_disks(offering) -> int:
    if offering.instance_type in SHARED_CORE_16:
        return 16
    family = family_of(offering.instance_type)
    limit = family.max_disks if family else 128
    if isinstance(limit, int):
        return limit
    return next(maximum for up_to, maximum in limit if offering.vcpus <= up_to)
