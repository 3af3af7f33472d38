"""The policy corpus, continued: the cases the second bypass hunt found (after issue 22), each one
that failed on the pack before its fix (a bypass the rule must block, or a secure setup it must pass):

- an auto-scaling group's mixed-instances override that launches from a template of its own outside
  the stack (aws and aws-native);
"""

from __future__ import annotations

import pulumi_aws as aws
import pulumi_aws_native as aws_native

from tests.support.policy_corpus import Case
from tests.support.policy_corpus_rules import TEMPLATES, lt, root_volume


def mixed_group(name, template, override_template):
    return aws.autoscaling.Group(
        name,
        min_size=1,
        max_size=2,
        availability_zones=["us-east-1a"],
        mixed_instances_policy={
            "launch_template": {
                "launch_template_specification": template,
                "overrides": [
                    {"instance_type": "t3.micro"},
                    {"instance_type": "t3.small", "launch_template_specification": override_template},
                ],
            }
        },
        tags=[{"key": "owner", "value": "team-a", "propagate_at_launch": True}],
    )


def native_mixed_group(name, template, override_template):
    return aws_native.autoscaling.AutoScalingGroup(
        name,
        min_size="1",
        max_size="2",
        availability_zones=["us-east-1a"],
        mixed_instances_policy={
            "launch_template": {
                "launch_template_specification": template,
                "overrides": [{"instance_type": "t3.small", "launch_template_specification": override_template}],
            }
        },
        tags=[{"key": "owner", "value": "team-a", "propagate_at_launch": True}],
    )


def _in_stack(name):
    return {"launch_template_id": lt(name, root_volume()).id}


OVERRIDE_TEMPLATES = [
    Case(
        TEMPLATES,
        "group-override-template-elsewhere",
        True,
        lambda n: mixed_group(n, _in_stack(f"{n}-lt"), {"launch_template_id": "lt-0123456789abcdef0"}),
    ),
    Case(
        TEMPLATES,
        "group-override-template-in-stack",
        False,
        lambda n: mixed_group(n, _in_stack(f"{n}-lt"), _in_stack(f"{n}-lt2")),
    ),
    Case(
        TEMPLATES,
        "native-group-override-template-elsewhere",
        True,
        lambda n: native_mixed_group(
            n, {**_in_stack(f"{n}-lt"), "version": "1"}, {"launch_template_name": "shared", "version": "1"}
        ),
    ),
]

CASES = OVERRIDE_TEMPLATES
SHAPES: list = []
