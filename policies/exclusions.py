"""The two ways a rule leaves a resource type out, written down per cloud (``aws_types`` and friends):

- :class:`Exclusion`: nothing is lost. The type cannot do what the rule guards, or what it does is
  judged on another resource (a rule attachment, a snapshot copy of a checked disk).
- :class:`NotJudged`: the type can do what the rule guards and this pack cannot judge it (another
  service decides, or its shape is not modelled). Such a resource is never passed in silence: the
  advisory policy ``not-judged-by-this-pack`` names it with the reason, so a reviewer sees it.

A leaf module: the per-cloud modules import it, and it imports nothing of the pack.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Exclusion:
    """Types (a regex, full match on the token) a rule leaves out on purpose, and why. ``rules``
    empty: every rule whose kinds the types fall in."""

    pattern: str
    reason: str
    rules: tuple[str, ...] = ()

    def matches(self, token: str) -> bool:
        return re.fullmatch(self.pattern, token) is not None

    def applies(self, token: str, rule: str) -> bool:
        return (not self.rules or rule in self.rules) and self.matches(token)


@dataclass(frozen=True)
class NotJudged(Exclusion):
    """Types this pack cannot judge for ``rules`` (empty: for any rule): a resource of them gets the
    advisory ``not-judged-by-this-pack`` violation with ``reason``, unless ``judged_when`` says its
    props make it judged after all (a node group whose launch template carries its settings)."""

    judged_when: Callable[[dict[str, Any]], bool] | None = None
