"""Where a spec's resources live besides their region: the GCP project and the Azure resource group.

Both are checked against what the cloud accepts (``cloud_rules``), for VMs and Networks alike, so a
mistyped ID fails here, naming the spec, and not at the cloud's API halfway through an update.
"""

from __future__ import annotations

from .. import cloud_rules
from .model import Checker, CloudDefaults

NO_PROJECT = (
    "GCP needs a project: give project, or set gcp:project in the stack config "
    "(pulumi config set gcp:project <project-id>) or GOOGLE_PROJECT in the environment"
)


def check_project(check: Checker, cloud: str, defaults: CloudDefaults) -> str | None:
    """A GCP spec's project: its own, else ``gcp:project``; None when the provider will take it from
    its environment (GOOGLE_PROJECT, ...), as it always has. A GCP spec with no project anywhere is
    refused rather than sent to the API without one."""
    own = check.optional_str("project")
    if cloud != "gcp":
        return own
    sources = (
        (own, ""),
        (defaults.project, " (from gcp:project)"),
        (defaults.environment_project, " (from the environment)"),
    )
    for value, where in sources:
        if value is None:
            continue
        problem = cloud_rules.rules("gcp").project_id_problem(value)
        if problem:
            raise check.fail("project", value, problem + where)
        return None if where == " (from the environment)" else value
    raise check.fail("project", None, NO_PROJECT)


def check_resource_group(check: Checker) -> str | None:
    """An Azure spec's existing resource group, if it names one."""
    group = check.optional_str("resource_group_name")
    problem = cloud_rules.rules("azure").resource_group_problem(group) if group is not None else None
    if problem:
        raise check.fail("resource_group_name", group, problem)
    return group
