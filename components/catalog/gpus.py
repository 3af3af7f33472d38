"""GPU names: one name per card on every cloud, and the card's memory as a fact of its own.

The clouds label the same card differently (AWS calls p4de's 80 GB card plain ``A100``, Azure and GCP
call it ``A100-80GB``; Azure's ND40rs_v2 says ``V100-32GB``, GCP's a3-megagpu ``H100-MEGA``), so a
search by the clouds' labels means different cards on each. The catalog stores the card (``A100``)
as a type's ``gpu_name`` and the memory of one card in GB, as the card is sold (40 or 80 for an A100),
as the type's ``gpu_memory_gb`` fact. A query names a card (``A100``: every A100) or a card and
its memory (``A100-80GB``: only the 80 GB card). Where each size's card memory comes from is in
``sources/gpus.json``.
"""

from __future__ import annotations

import re

# The memory variants (GB) sold under each card name; a card with more than one is always shown
# with its memory (``A100-40GB``), one with a single variant by its name alone (``L4``).
# NVIDIA data sheets: A100 40/80 GB, V100 16/32 GB, H100 SXM 80 GB and H100 NVL 94 GB.
CARD_MEMORY_GB: dict[str, tuple[int, ...]] = {
    "A100": (40, 80),
    "V100": (16, 32),
    "H100": (80, 94),
    "H200": (141,),
    "B200": (180,),
    "L4": (24,),
    "L40S": (48,),
    "A10": (24,),
    "A10G": (24,),
    "T4": (16,),
    "T4g": (16,),
    "P4": (8,),
    "P100": (16,),
    "K80": (12,),
    "M60": (8,),
    "K520": (4,),
    "MI25": (16,),
    "MI300X": (192,),
    "Radeon Pro V520": (8,),
}
# Labels the clouds or earlier snapshots use for a card with its memory (lower case).
ALIASES: dict[str, tuple[str, int]] = {
    "h100-mega": ("H100", 80),  # GCP a3-megagpu: H100 80GB with GPUDirect-TCPXO networking
    "h100-nvl": ("H100", 94),
}
# GCP accelerator types (``acceleratorTypes/<name>``: a machine type's guestAccelerators, an
# instance's guestAccelerators[].acceleratorType) -> the GPU label the catalog's GCP rows and attachable
# accelerators carry. https://cloud.google.com/compute/docs/gpus (the accelerator type of each GPU).
GCP_ACCELERATOR_TYPES: dict[str, str] = {
    "nvidia-tesla-t4": "T4", "nvidia-tesla-p4": "P4", "nvidia-tesla-p100": "P100", "nvidia-tesla-v100": "V100",
    "nvidia-tesla-k80": "K80", "nvidia-l4": "L4", "nvidia-tesla-a100": "A100", "nvidia-a100-80gb": "A100-80GB",
    "nvidia-h100-80gb": "H100", "nvidia-h100-mega-80gb": "H100-MEGA", "nvidia-h200-141gb": "H200",
    "nvidia-b200": "B200",
}  # fmt: skip
_WITH_MEMORY = re.compile(r"^(?P<card>.+?)[-_ ](?P<memory>\d+)\s*g(?:i?b)?$", re.IGNORECASE)
_BY_LOWER = {name.lower(): name for name in CARD_MEMORY_GB}


def parse(text: str) -> tuple[str, int | None]:
    """(card, memory GB or None) of a GPU name as a user or a cloud writes it: ``A100`` is every
    A100, ``A100-80GB`` (or ``a100 80gb``, ``A100-80G``) only the 80 GB one. An unknown name comes
    back as given, with no memory."""
    cleaned = text.strip()
    lowered = cleaned.lower()
    if lowered in ALIASES:
        return ALIASES[lowered]
    if lowered in _BY_LOWER:
        return _BY_LOWER[lowered], None
    match = _WITH_MEMORY.match(cleaned)
    if match and match["card"].lower() in _BY_LOWER:
        return _BY_LOWER[match["card"].lower()], int(match["memory"])
    return cleaned, None


def label(card: str | None, memory_gb: int | float | None) -> str | None:
    """How a card is shown: with its memory where the name alone is ambiguous (``A100-80GB``)."""
    if not card:
        return None
    if memory_gb and len(CARD_MEMORY_GB.get(card, ())) > 1:
        return f"{card}-{memory_gb:g}GB"
    return card


def memory_from_mib(card: str, mib: float) -> int:
    """The marketed memory (GB) of a card reported in MiB (AWS ``GpuInfo``: an A10G's 22,888 MiB is
    the 24 GB card, an A100's 81,920 MiB the 80 GB one): the nearest variant of the card."""
    variants = CARD_MEMORY_GB.get(card)
    gib = mib / 1024
    if not variants:
        return round(gib)
    return min(variants, key=lambda gb: abs(gb - gib))


def normalise(name: str | None, memory_gb: int | float | None = None) -> tuple[str | None, int | None]:
    """A stored (card, memory) from a cloud's label and a memory fact, if any: ``A100-80GB`` ->
    (``A100``, 80); ``H100-MEGA`` -> (``H100``, 80); a card with one variant gets that variant."""
    if not name:
        return None, None
    card, memory = parse(name)
    memory = memory or (int(memory_gb) if memory_gb else None)
    variants = CARD_MEMORY_GB.get(card, ())
    if memory is None and len(variants) == 1:
        memory = variants[0]
    return card, memory


def matches(card: str | None, memory_gb: int | float | None, want_card: str, want_memory: int | None) -> bool:
    """Whether a type's GPU is the one asked for (any memory when the query names none)."""
    if not card or card.lower() != want_card.lower():
        return False
    return want_memory is None or memory_gb == want_memory
