"""The policy list: every rule of the multicloud-vm guardrails as a CrossGuard policy, wired to the
checks the per-cloud modules register (``aws_types``, ``aws_native_types``, ``azure_types``,
``azure_classic_types``, ``gcp_types``: one per provider).

Each resource policy runs the check registered for the resource's type (Azure's versioned type
tokens folded into the default one) on its plain props (see ``values``), so no check ever raises on
a value unknown during preview. Importable without starting the pack server: ``policies/__main__.py``
does only the wiring.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from components.money import HOURS_PER_MONTH

from . import aws_native_types, aws_types, azure_classic_types, azure_types, gcp_types
from .cost import (
    DEFAULT_MAX_HOURLY_PRICE,
    DEFAULT_MAX_MONTHLY_BUDGET,
    StackEntry,
    assumed_price,
    price_ceiling,
    price_known,
    stack_budget_messages,
    stack_costs,
)
from .exclusions import NotJudged
from .tags import DEFAULT_REQUIRED_TAGS
from .unjudged import NotJudgedIndex, templates_outside_stack
from .values import CLOUDS, Check, Context, as_dict, canonical_type, number, plain

CLOUD_MODULES = (aws_types, aws_native_types, azure_types, azure_classic_types, gcp_types)
FLEETS = {t: reader for module in CLOUD_MODULES for t, reader in module.FLEETS.items()}
SCALERS = dict(gcp_types.SCALERS)
BUDGET_ONLY = frozenset(t for module in CLOUD_MODULES for t in module.BUDGET_ONLY)
PRICED = {t: reader for t, reader in FLEETS.items() if t not in BUDGET_ONLY}  # one VM the ceiling can judge
EXCLUDED = tuple(e for module in CLOUD_MODULES for e in module.EXCLUDED)
NOT_JUDGED = NotJudgedIndex(tuple(e for e in EXCLUDED if isinstance(e, NotJudged)))


def checks_for(rule: str) -> dict[str, Check]:
    """Every cloud's checks for one rule, by type token."""
    return {t: check for module in CLOUD_MODULES for t, check in module.CHECKS.get(rule, {}).items()}


def resource_policy(
    name: str,
    description: str,
    level: EnforcementLevel,
    checks: Mapping[str, Check],
    config_properties: dict | None = None,
) -> ResourceValidationPolicy:
    """A policy that runs the check registered for the resource's type on its plain props."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        resource_type = canonical_type(args.resource_type)
        check = checks.get(resource_type)
        if check is None:
            return
        props = as_dict(plain(args.props))
        config = config_with_defaults(args.get_config(), config_properties)
        ctx = Context(resource_type, config, provider_props(args.provider))
        for message in check(args.name, props, ctx):
            report_violation(message, args.urn)

    policy = ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=level,
        config_schema=PolicyConfigSchema(properties=config_properties) if config_properties else None,
    )
    policy.checked_types = tuple(checks)  # the resource types it judges (for docs and tests)
    return policy


def config_with_defaults(config: Mapping[str, Any] | None, schema_properties: dict | None) -> dict:
    """The policy's config with each absent key set to its schema default."""
    defaults = {k: v["default"] for k, v in (schema_properties or {}).items() if "default" in v}
    return {**defaults, **as_dict(plain(config or {}))}


def provider_props(provider: Any) -> dict:
    return as_dict(plain(getattr(provider, "props", None) or {}))


def stack_entries(args: StackValidationArgs, config: dict) -> list[StackEntry]:
    """The stack's resources as plain props with their context and property dependencies."""
    entries = []
    for resource in args.resources:
        resource_type = canonical_type(resource.resource_type)
        deps = {k: [d.urn for d in v] for k, v in (getattr(resource, "property_dependencies", None) or {}).items()}
        ctx = Context(resource_type, config, provider_props(resource.provider))
        entries.append(
            StackEntry(resource_type, resource.name, resource.urn, as_dict(plain(resource.props)), ctx, deps)
        )
    return entries


def validate_stack_budget(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    config = config_with_defaults(args.get_config(), BUDGET_CONFIG)
    budget = number(config.get("maxMonthlyBudget"))
    if budget is None:
        return
    costs = stack_costs(stack_entries(args, config), FLEETS, SCALERS)
    for message in stack_budget_messages(costs, budget, assumed_price(Context("", config))):
        report_violation(message, None)


PER_CLOUD_LIST = {
    "type": "object",
    "properties": {c: {"type": "array", "items": {"type": "string"}} for c in CLOUDS},
    "additionalProperties": False,
}
DEFAULT_REGIONS_SCHEMA = {
    "type": "object",
    "description": "Region per cloud for resources whose own properties and provider config name "
    'none (e.g. {"aws": "us-east-1"} when AWS_REGION comes from the environment).',
    "properties": {c: {"type": "string"} for c in CLOUDS},
    "additionalProperties": False,
    "default": {},
}
UNPRICED_SCHEMA = {
    "type": ["number", "null"],
    "minimum": 0,
    "default": None,
    "description": "Hourly price (USD) to assume for a VM the offerings catalog cannot price. Unset (null), such "
    "a VM fails the rule: its price cannot be shown to be within the limit.",
}
PRICE_CONFIG = {
    "maxHourlyPrice": {
        "type": "number",
        "minimum": 0,
        "default": DEFAULT_MAX_HOURLY_PRICE,
        "description": "Highest price per hour one VM may cost (compute plus attached GPUs; spot VMs at the spot "
        "price, never above their price cap), USD.",
    },
    "defaultRegions": DEFAULT_REGIONS_SCHEMA,
    "unpricedHourlyPrice": UNPRICED_SCHEMA,
}
BUDGET_CONFIG = {
    "maxMonthlyBudget": {
        "type": "number",
        "minimum": 0,
        "default": DEFAULT_MAX_MONTHLY_BUDGET,
        "description": f"Most the stack's VMs and fleets may cost together per month ({HOURS_PER_MONTH} h), USD.",
    },
    "defaultRegions": DEFAULT_REGIONS_SCHEMA,
    "unpricedHourlyPrice": UNPRICED_SCHEMA,
}


def validate_templates_in_stack(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    for urn, message in templates_outside_stack(stack_entries(args, {}), FLEETS, SCALERS):
        report_violation(message, urn)


def validate_not_judged(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = as_dict(plain(args.props))
    for message in NOT_JUDGED.messages(canonical_type(args.resource_type), args.name, props):
        report_violation(message, args.urn)


INTERNET_CONFIG = {
    "internetIpv4Prefix": {
        "type": "integer",
        "minimum": 0,
        "maximum": 32,
        "default": 8,
        "description": "Sources that let in more public IPv4 addresses than one /N holds count as the internet "
        "(default 8: more than 16,777,216 addresses); 0 counts only the whole internet.",
    },
    "internetIpv6Prefix": {
        "type": "integer",
        "minimum": 0,
        "maximum": 128,
        "default": 16,
        "description": "Sources that let in more global unicast IPv6 addresses than one /N holds count as the "
        "internet (default 16); 0 counts only the whole internet.",
    },
}


def flag(name: str, description: str) -> dict:
    return {name: {"type": "boolean", "default": False, "description": description}}


ALL_POLICIES = [
    resource_policy(
        "admin-ports-open-to-internet",
        "SSH (22) and RDP (3389) must not be open to the internet, nor to sources too broad for anyone to list.",
        EnforcementLevel.MANDATORY,
        checks_for("admin-ports-open-to-internet"),
        INTERNET_CONFIG,
    ),
    resource_policy(
        "disk-encryption-required",
        "Root and data disks must be encrypted at rest.",
        EnforcementLevel.MANDATORY,
        checks_for("disk-encryption-required"),
        flag(
            "accountEncryptsEbsByDefault",
            "The AWS account encrypts new EBS volumes by default: an absent `encrypted` passes (false still fails).",
        ),
    ),
    resource_policy(
        "ec2-imdsv2-required",
        "EC2 instances, launch templates and launch configurations must require IMDSv2 (httpTokens: required).",
        EnforcementLevel.MANDATORY,
        checks_for("ec2-imdsv2-required"),
        flag(
            "accountRequiresImdsv2",
            "The AWS account's instance metadata defaults require IMDSv2: absent metadataOptions pass.",
        ),
    ),
    resource_policy(
        "azure-linux-password-login",
        "Azure Linux VMs, scale sets and fleets must disable password authentication and use SSH keys.",
        EnforcementLevel.MANDATORY,
        checks_for("azure-linux-password-login"),
    ),
    resource_policy(
        "public-ip-on-vm",
        "VMs should not have public IP addresses.",
        EnforcementLevel.ADVISORY,
        checks_for("public-ip-on-vm"),
    ),
    resource_policy(
        "required-tags",
        "VMs, fleets and disks must carry the required tags (AWS, Azure) or labels (GCP).",
        EnforcementLevel.ADVISORY,
        checks_for("required-tags"),
        {
            "requiredTags": {
                "type": "array",
                "items": {"type": "string"},
                "default": DEFAULT_REQUIRED_TAGS,
                "description": "Tag/label keys every VM and disk must have with a non-empty value.",
            }
        },
    ),
    resource_policy(
        "allowed-regions",
        "VMs, fleets and disks must be in an allowed region.",
        EnforcementLevel.ADVISORY,
        checks_for("allowed-regions"),
        {
            "allowedRegions": {
                **PER_CLOUD_LIST,
                "default": {c: [] for c in CLOUDS},
                "description": "Allowed regions per cloud (GCP: regions or zones); an empty list allows all.",
            },
            "defaultRegions": DEFAULT_REGIONS_SCHEMA,
        },
    ),
    resource_policy(
        "allowed-images",
        "VMs must boot from an allowed image.",
        EnforcementLevel.ADVISORY,
        checks_for("allowed-images"),
        {
            "allowedImages": {
                **PER_CLOUD_LIST,
                "default": {c: [] for c in CLOUDS},
                "description": "Allowed image patterns per cloud (fnmatch: AWS AMI id, Azure "
                "publisher:offer:sku[:version] or image id, GCP image as written or project/image); empty "
                "allows all.",
            }
        },
    ),
    resource_policy(
        "gcp-shielded-vm",
        "GCP VMs should be Shielded VMs (secure boot, vTPM, integrity monitoring).",
        EnforcementLevel.ADVISORY,
        checks_for("gcp-shielded-vm"),
    ),
    resource_policy(
        "gcp-default-service-account",
        "GCP VMs should not run as the default compute service account with the cloud-platform scope.",
        EnforcementLevel.ADVISORY,
        checks_for("gcp-default-service-account"),
    ),
    resource_policy(
        "vm-hourly-price-ceiling",
        "A VM must not cost more per hour than maxHourlyPrice, and must have a known (or assumed) price.",
        EnforcementLevel.MANDATORY,
        {t: price_ceiling(reader) for t, reader in PRICED.items()},
        PRICE_CONFIG,
    ),
    resource_policy(
        "vm-price-unknown",
        "Every VM's price should be known to the offerings catalog.",
        EnforcementLevel.ADVISORY,
        {t: price_known(reader, sizes=t in PRICED) for t, reader in FLEETS.items()},
        {"defaultRegions": DEFAULT_REGIONS_SCHEMA},
    ),
    resource_policy(
        "no-secrets-in-user-data",
        "User data and instance metadata must not hold secrets (passwords, keys, tokens): every process on the VM "
        "can read them.",
        EnforcementLevel.ADVISORY,
        checks_for("no-secrets-in-user-data"),
    ),
    StackValidationPolicy(
        name="launch-template-not-in-stack",
        description="A VM, group or fleet whose launch template is not in the stack cannot be judged (its "
        "metadata options, volume encryption and image are set elsewhere).",
        validate=validate_templates_in_stack,
        enforcement_level=EnforcementLevel.ADVISORY,
    ),
    StackValidationPolicy(
        name="stack-monthly-budget",
        description="The stack's VMs and fleets together must not cost more per month than maxMonthlyBudget, "
        "and every one must have a known (or assumed) price.",
        validate=validate_stack_budget,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=PolicyConfigSchema(properties=BUDGET_CONFIG),
    ),
]

NOT_JUDGED_POLICY = ResourceValidationPolicy(
    name="not-judged-by-this-pack",
    description="Resources this pack cannot judge (VMs another service runs, shapes it does not model) are named, "
    "never passed in silence.",
    validate=validate_not_judged,
    enforcement_level=EnforcementLevel.ADVISORY,
)
NOT_JUDGED_POLICY.checked_types = ()  # it judges nothing: it names what the others do not
ALL_POLICIES.append(NOT_JUDGED_POLICY)

POLICIES_BY_NAME = {policy.name: policy for policy in ALL_POLICIES}
# Rules that judge resource types (the coverage report's rules): not the one that names the rest, nor
# the stack policy on templates (it reads what the fleets and VMs name).
JUDGING = tuple(
    p.name for p in ALL_POLICIES if p.name not in ("not-judged-by-this-pack", "launch-template-not-in-stack")
)


def covered_types() -> dict[str, set[str]]:
    """The type tokens each rule checks (the stack budget: every type whose VMs it counts)."""
    covered = {p.name: set(getattr(p, "checked_types", ())) for p in ALL_POLICIES if p.name in JUDGING}
    covered["stack-monthly-budget"] = set(FLEETS)
    return covered
