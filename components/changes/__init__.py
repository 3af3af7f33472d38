"""The change engine: what ``pulumi up`` would do to a stack, from its resources before and after an
edit, offline and Pulumi-free (it reads plan files and stack exports as JSON).

``state`` reads resources (a registration run, a plan file, a stack export); ``engine`` decides each
resource's step the way Pulumi's step generator and the providers do, with the providers' facts
from the cloud rules; ``vms`` tells it per VM, in the user's words, with the data at risk.
"""

from __future__ import annotations

from .engine import PathChange, Step, plan_steps
from .state import ChangesFileError, Resource, from_registrations, parse_before
from .vms import VmChange, vm_changes

__all__ = [
    "ChangesFileError",
    "PathChange",
    "Resource",
    "Step",
    "VmChange",
    "compare",
    "from_registrations",
    "parse_before",
    "plan_steps",
    "vm_changes",
]


def compare(
    before: list[Resource], after: list[Resource], changed_fields: dict[str, set[str]] | None = None
) -> list[VmChange]:
    """Each VM's change between two runs of a stack (``changed_fields``: per VM, the fields known to
    have changed, to tell apart inputs that carry several)."""
    return vm_changes(before, after, plan_steps(before, after), changed_fields)
