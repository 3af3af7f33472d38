"""What the pack cannot judge, said out loud rather than passed in silence:

- ``not-judged-by-this-pack``: a resource of a type the per-cloud modules name as :class:`NotJudged`
  (VMs another service runs, shapes the pack does not model), with the reason and the rules;
- ``launch-template-not-in-stack``: a VM, group or fleet whose launch template (or launch
  configuration, or GCP instance template) is not in the stack, so its metadata options, volume
  encryption, image and addresses are set somewhere the pack cannot see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .cost import Reader, StackEntry, StackIndex
from .exclusions import NotJudged
from .values import describe

TEMPLATE_WORDS = {
    "aws-launch-template": "launch template",
    "aws-launch-configuration": "launch configuration",
    "gcp-instance-template": "instance template",
}


@dataclass(frozen=True)
class NotJudgedIndex:
    """The not-judged entries, matched by type token."""

    entries: tuple[NotJudged, ...]

    def reasons(self, resource_type: str, props: dict) -> list[tuple[str, tuple[str, ...]]]:
        return [
            (e.reason, e.rules)
            for e in self.entries
            if re.fullmatch(e.pattern, resource_type) and not (e.judged_when and e.judged_when(props))
        ]

    def messages(self, resource_type: str, name: str, props: dict) -> list[str]:
        found = self.reasons(resource_type, props)
        if not found:
            return []
        parts = []
        for reason, rules in found:
            scope = f" (for {', '.join(rules)})" if rules else ""
            parts.append(f"{reason}{scope}")
        return [
            f"{describe(resource_type, name)}: not judged by this pack: {'; '.join(parts)}. Fix: review it "
            f"yourself; make not-judged-by-this-pack mandatory to keep such resources out of the stack."
        ]


def templates_outside_stack(
    entries: list[StackEntry], readers: Mapping[str, Reader], scalers: Mapping[str, Callable]
) -> Iterable[tuple[str, str]]:
    """(URN, message) for each resource whose template is neither found through the engine's property
    dependencies nor by id or name among the stack's templates."""
    index = StackIndex(entries, readers, scalers)
    for entry in entries:
        reader = readers.get(entry.type)
        if reader is None:
            continue
        for ref in index.outside(entry, [ref for run in reader(entry.props) for ref in run.templates]):
            what = TEMPLATE_WORDS.get(ref.kind, "template")
            written = ", ".join(ref.keys) or "a value not known until apply"
            yield (
                entry.urn,
                (
                    f"{describe(entry.type, entry.name)}: takes its VM settings from the {what} in {ref.prop} "
                    f"({written}), which is not in this stack, so the pack cannot judge what it launches: "
                    f"metadata options (IMDSv2), root and data volume encryption, image, public addresses, user "
                    f"data and size. Fix: define the {what} in this stack (it is then judged as the VMs it "
                    f"launches), or make this advisory mandatory to refuse templates from elsewhere."
                ),
            )
