"""multicloud-vm stack program: VMs from the stack's `multicloud-vm:vms` config (see README)."""

from components.program import run

run()
