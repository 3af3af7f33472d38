"""The one error bad input raises."""

from __future__ import annotations


class SpecError(ValueError):
    """A VM spec the clouds would reject or that contradicts itself.

    The message names the VM, the field, the offending value and what would be valid, e.g.
    ``VM 'web': cpus=0 is invalid: expected a whole number >= 1``.
    """

    def __init__(self, vm: str, field: str, value: object, expected: str):
        self.vm = vm
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"VM {vm!r}: {field}={value!r} is invalid: {expected}")
