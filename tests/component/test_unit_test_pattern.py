"""The component in a user's own unit tests, written the way Pulumi's unit-testing docs teach
(https://www.pulumi.com/docs/iac/guides/testing/unit/): ``set_mocks`` once at module level, then
several ``@pulumi.runtime.test`` functions in the same module, each returning the Output it checks.

Pulumi keeps one monitor and one root stack for all of them, so a memo of the component's that
outlived a test would hand the next test the previous test's AMI. Each test here mocks a different
AMI id for the same image and must see its own.

This module runs in its own process (``runpy`` in a subprocess), because ``set_mocks`` at module level
replaces the engine for everything else in the process, as it would in a user's test suite."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.support.common import ROOT

PROGRAM = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[1])
    import pulumi

    CURRENT_AMI = {"id": "ami-00000000000000001"}
    LOOKUPS = []


    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return f"{args.name}-id", dict(args.inputs)

        def call(self, args):
            if args.token == "aws:ec2/getAmi:getAmi":
                LOOKUPS.append(CURRENT_AMI["id"])
                return {"id": CURRENT_AMI["id"], "architecture": "x86_64"}
            return {}


    pulumi.runtime.set_mocks(Mocks(), preview=False)
    pulumi.runtime.set_all_config({"aws:region": "us-east-1"})

    from components import VirtualMachine

    KEY = open(sys.argv[2]).read().strip()


    @pulumi.runtime.test
    def test_first_ami():
        CURRENT_AMI["id"] = "ami-00000000000000001"
        vm = VirtualMachine("one", {"cloud": "aws", "ssh_public_key": KEY})
        return vm.image.apply(lambda ami: print("first", ami))


    @pulumi.runtime.test
    def test_second_ami():
        CURRENT_AMI["id"] = "ami-00000000000000002"
        vm = VirtualMachine("two", {"cloud": "aws", "ssh_public_key": KEY})
        return vm.image.apply(lambda ami: print("second", ami))


    test_first_ami()
    test_second_ami()
    print("lookups", len(LOOKUPS))
    """
)


def test_each_unit_test_sees_its_own_ami_lookup(tmp_path):
    script = tmp_path / "user_tests.py"
    script.write_text(PROGRAM)
    result = subprocess.run(
        [sys.executable, str(script), str(ROOT), str(ROOT / "tests" / "fixtures" / "keys" / "ed25519.pub")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.split("\n")
    assert "first ami-00000000000000001" in lines
    assert "second ami-00000000000000002" in lines, result.stdout
    assert "lookups 2" in lines
