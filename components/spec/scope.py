"""Where a spec's resources live besides their region: the keys only one cloud takes (a GCP project, an
Azure resource group), for VMs and Networks alike.

Each is checked against what its cloud accepts (``cloud_rules/<cloud>.py``, ``OWN_KEYS``), so a mistyped
ID fails here, naming the spec, and not at the cloud's API halfway through an update.
"""

from __future__ import annotations

from ..cloud_rules import rules
from .model import Checker, CloudDefaults


def check_project(check: Checker, cloud: str, defaults: CloudDefaults) -> str | None:
    """A project-scoped cloud's (GCP) project: the spec's own, else the provider's config (``gcp:project``);
    None when the provider will take it from its environment (GOOGLE_PROJECT, ...), as it always has.
    A spec with no project anywhere is refused rather than sent to the API without one."""
    own = check.optional_str("project")
    cloud_rules = rules(cloud)
    problem_of = cloud_rules.OWN_KEYS.get("project")
    if problem_of is None:
        return own
    config_key = cloud_rules.PROVIDER_CONFIG["project"]
    sources = (
        (own, ""),
        (defaults.project, f" (from {config_key})"),
        (defaults.environment_project, " (from the environment)"),
    )
    for value, where in sources:
        if value is None:
            continue
        problem = problem_of(value)
        if problem:
            raise check.fail("project", value, problem + where)
        return None if where == " (from the environment)" else value
    raise check.fail(
        "project",
        None,
        f"{cloud_rules.TITLE} needs a project: give project, or set {config_key} in the stack config "
        f"(pulumi config set {config_key} <project-id>) or {cloud_rules.PROJECT_ENVIRONMENT[0]} in the environment",
    )


def check_resource_group(check: Checker, cloud: str) -> str | None:
    """An Azure spec's existing resource group, if it names one."""
    group = check.optional_str("resource_group_name")
    problem_of = rules(cloud).OWN_KEYS.get("resource_group_name")
    problem = problem_of(group) if group is not None and problem_of is not None else None
    if problem:
        raise check.fail("resource_group_name", group, problem)
    return group
