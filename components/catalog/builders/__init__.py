"""Each cloud's part of the snapshot build (``catalog/build.py``), one module per cloud named after it.

Every module holds the same names, which the build asks of each cloud in turn:

- ``KNOWN_SOURCE``: the catalog-source release the shipped snapshot is built from, as (the SHA-256 of
  the cloud's VM file, its prices' date, where they come from);
- ``ACCELERATORS``: the catalog-source file pricing cards attached to machines, or None;
- ``corrected(rows, source)``: the rows with the cloud's corrections and seeded rows, and the
  snapshot's source with a note on them;
- ``zone_data(regions)``: which zones of each region offer each type;
- ``size_facts(names)``: what each size supports (``catalog/size_facts.py``);
- ``gpu_info()``: per type, the GPUs a cloud's own data lists, or None where the source file's name
  is all there is.

Standard library only.
"""

from __future__ import annotations

import importlib
from types import ModuleType

NAMES = ("KNOWN_SOURCE", "ACCELERATORS", "corrected", "zone_data", "size_facts", "gpu_info")


def builder(cloud: str) -> ModuleType:
    """The cloud's build module (``catalog/builders/<cloud>.py``)."""
    return importlib.import_module(f"{__name__}.{cloud}")
