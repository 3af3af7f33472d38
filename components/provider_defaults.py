"""What a stack's provider configuration supplies when a spec leaves it out: each cloud's region, zone
and project as its Pulumi provider reads them, and the stack's name.

Which config key and environment variable holds what is the cloud's fact (``PROVIDER_CONFIG`` and
``PROJECT_ENVIRONMENT`` of ``cloud_rules/<cloud>.py``); reading them is Pulumi's, so it lives here,
beside the components that use it (``VirtualMachine``, ``Network``, the stack program).
"""

import os
from typing import Any

import pulumi

from .cloud_rules import CLOUDS, rules
from .spec.model import CloudDefaults

__all__ = ["cloud_defaults"]


def cloud_defaults(cloud: Any) -> CloudDefaults:
    """The provider configuration a spec falls back on for region, zone and project, and the stack
    (names unique per stack). Without a known cloud, only the stack (validation then names the cloud)."""
    stack = f"{pulumi.get_project()}/{pulumi.get_stack()}"
    if cloud not in CLOUDS:
        return CloudDefaults(stack=stack)
    cloud_rules = rules(cloud)
    configured = {field: _configured(key) for field, key in cloud_rules.PROVIDER_CONFIG.items()}
    # The provider's own fallback for a project it is not configured with (pulumi_gcp/config/vars.py).
    environment = next((os.environ[v] for v in cloud_rules.PROJECT_ENVIRONMENT if os.environ.get(v)), None)
    return CloudDefaults(**configured, environment_project=environment, stack=stack)


def _configured(key: str) -> str | None:
    """A provider's config value by its full key (``gcp:project``)."""
    namespace, name = key.split(":", 1)
    return pulumi.Config(namespace).get(name)
