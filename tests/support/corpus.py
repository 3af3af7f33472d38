"""The whole policy corpus: the shapes and cases of tests/support/policy_corpus.py and of the modules that
extend it (aws-native, classic azure, capacity, the rules' newer semantics), named and recorded once per
process as two programs (every insecure shape and blocked case; every secure shape and passing
case) under Pulumi mocks."""

from __future__ import annotations

import functools

from tests.support.policy_corpus import CASES as BASE_CASES
from tests.support.policy_corpus import PACK_CONFIG, STACK_CONFIG, Case, Shape
from tests.support.policy_corpus import SHAPES as BASE_SHAPES
from tests.support.policy_corpus_aws_native import CASES as AWS_NATIVE_CASES
from tests.support.policy_corpus_aws_native import SHAPES as AWS_NATIVE_SHAPES
from tests.support.policy_corpus_azure_classic import CASES as AZURE_CLASSIC_CASES
from tests.support.policy_corpus_azure_classic import SHAPES as AZURE_CLASSIC_SHAPES
from tests.support.policy_corpus_capacity import CASES as CAPACITY_CASES
from tests.support.policy_corpus_capacity import SHAPES as CAPACITY_SHAPES
from tests.support.policy_corpus_hunt2 import CASES as HUNT2_CASES
from tests.support.policy_corpus_hunt2 import SHAPES as HUNT2_SHAPES
from tests.support.policy_corpus_rules import CASES as RULE_CASES
from tests.support.policy_corpus_rules import SHAPES as RULE_SHAPES

SHAPES: list[Shape] = (
    BASE_SHAPES + AWS_NATIVE_SHAPES + AZURE_CLASSIC_SHAPES + CAPACITY_SHAPES + RULE_SHAPES + HUNT2_SHAPES
)
CASES: list[Case] = BASE_CASES + AWS_NATIVE_CASES + AZURE_CLASSIC_CASES + CAPACITY_CASES + RULE_CASES + HUNT2_CASES
PREFIXES = {"aws": "aws", "aws-native": "awsn", "azure-native": "az", "azure": "azc", "gcp": "gcp"}

__all__ = ["CASES", "PACK_CONFIG", "SHAPES", "STACK_CONFIG", "record", "shape_name"]


def shape_name(shape: Shape, good: bool) -> str:
    """A resource name per type: its provider and resource name, e.g. aws-ec2-instance-bad."""
    cloud = PREFIXES[shape.type.split(":")[0]]
    module = shape.type.split(":")[1].split("/")[0]
    return f"{cloud}-{module}-{shape.type.rsplit(':', 1)[-1].lower()}-{'ok' if good else 'bad'}"


@functools.cache
def record(good: bool):
    """Runs every shape (and the cases of that direction) as one program under mocks (once per
    process: the corpus tests and the property tests share it)."""
    from components.offline import evaluate

    def program():
        for shape in SHAPES:
            if good and not shape.secure:
                continue
            shape.build(shape_name(shape, good), good)
        for case in CASES:
            if case.blocked is not good:
                case.build(case.name)

    return evaluate(program, config=STACK_CONFIG)
