"""The one error bad input raises."""

from __future__ import annotations


class SpecError(ValueError):
    """A VM (or Network) spec the clouds would reject or that contradicts itself.

    The message names the VM, the field, the offending value and what would be valid, e.g.
    ``VM 'web': cpus=0 is invalid: expected a whole number >= 1`` (``Network 'shared': ...`` for a
    network).
    """

    def __init__(self, vm: str, field: str, value: object, expected: str, kind: str = "VM"):
        self.vm = vm
        self.kind = kind
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{kind} {vm!r}: {field}={value!r} is invalid: {expected}")
