"""Who can log into a VM or act as it: EC2 instance metadata (IMDSv2), Azure Linux password login,
GCP Shielded VM boot integrity and the GCP default service account.

Each check reads one VM description (an instance, a template, a scale set's VM profile); the
per-cloud type modules point it at the right part of each resource type.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .os_family import azure_profile_windows
from .values import UNKNOWN, Context, as_dict, as_list, dig, is_known, is_true, lower, show, strings

# --- EC2 instance metadata -------------------------------------------------------------------------


def _imds_messages(subject: str, options: Any, ctx: Context) -> list[str]:
    if options is UNKNOWN:
        return []
    if options is None and ctx.config.get("accountRequiresImdsv2") is True:
        return []
    tokens = dig(options, "httpTokens")
    endpoint = dig(options, "httpEndpoint")
    if tokens is UNKNOWN or lower(tokens) == "required" or lower(endpoint) == "disabled":
        return []
    return [
        (
            f"{subject}: instance metadata accepts IMDSv1 ({ctx.at('metadataOptions.httpTokens')}={show(tokens)}; "
            f'absent means "optional"). Fix: set {ctx.at("metadataOptions.httpTokens")}: "required".'
        )
    ]


def check_aws_imds(name: str, props: dict, ctx: Context) -> list[str]:
    """Instance, SpotInstanceRequest, LaunchTemplate, LaunchConfiguration: metadataOptions. An
    instance that names a launch template and no options of its own takes the template's."""
    options = props.get("metadataOptions")
    if options is None and is_known(props.get("launchTemplate")):
        return []
    return _imds_messages(ctx.subject(name), options, ctx)


def check_aws_metadata_defaults(name: str, props: dict, ctx: Context) -> list[str]:
    """InstanceMetadataDefaults: httpTokens optional makes IMDSv1 the account's default for every new
    instance in the region; where the pack trusts the account to require IMDSv2
    (accountRequiresImdsv2), anything but required (no-preference or absent: each AMI's own default,
    usually optional) breaks that trust too."""
    tokens = props.get("httpTokens")
    trusted = ctx.config.get("accountRequiresImdsv2") is True
    if tokens is UNKNOWN or lower(tokens) == "required" or lower(props.get("httpEndpoint")) == "disabled":
        return []
    if lower(tokens) != "optional" and not trusted:
        return []
    trust = (
        " while this pack is configured to trust that the account requires IMDSv2 (accountRequiresImdsv2), so "
        "instances without metadataOptions would pass with IMDSv1"
        if trusted
        else ""
    )
    fix = ", or unset accountRequiresImdsv2 so every instance is judged on its own metadataOptions" if trusted else ""
    return [
        f"{ctx.subject(name)}: sets the account's instance metadata default to httpTokens={show(tokens)} (IMDSv1 "
        f'accepted unless an instance says otherwise){trust}. Fix: set httpTokens: "required"{fix}.'
    ]


def check_aws_launch_spec_imds(name: str, props: dict, ctx: Context) -> list[str]:
    """A spot fleet launch specification cannot set metadata options: its instances accept IMDSv1
    unless the account default requires IMDSv2."""
    if ctx.config.get("accountRequiresImdsv2") is True:
        return []
    return [
        f"{ctx.subject(name)}: {ctx.prefix.rstrip('.')} launches instances that accept IMDSv1 (launch "
        f"specifications cannot set metadataOptions). Fix: use launchTemplateConfigs with a launch template "
        f'whose metadataOptions.httpTokens is "required" (or set accountRequiresImdsv2 if the account '
        f"default requires IMDSv2)."
    ]


# --- Azure Linux password login ------------------------------------------------------------------


def is_windows(profile: dict) -> bool:
    """A VM profile that boots Windows (os_family: osType, a Windows image or plan, a Windows
    configuration, a Windows licence type)."""
    return azure_profile_windows(profile)


def check_azure_password_login(name: str, props: dict, ctx: Context) -> list[str]:
    """A VM, scale-set VM profile or fleet VM profile: a Linux VM must disable password
    authentication. An adminPassword counts even when its value is not known until apply."""
    os_profile = props.get("osProfile")
    if not isinstance(os_profile, dict):
        return []
    linux = os_profile.get("linuxConfiguration")
    if linux is UNKNOWN or os_profile.get("windowsConfiguration") is UNKNOWN or is_windows(props):
        return []
    password = os_profile.get("adminPassword") is not None
    if linux is None and not password:
        return []  # no Linux configuration and no password: nothing says how it logs in
    disabled = dig(linux, "disablePasswordAuthentication")
    if disabled is True or disabled is UNKNOWN or lower(disabled) == "true":
        return []
    where = ctx.at("osProfile.linuxConfiguration.disablePasswordAuthentication")
    return [
        (
            f"{ctx.subject(name)}: Linux VM allows password login ({where}={show(disabled)}"
            f"{', with an adminPassword' if password else ''}). Fix: set "
            f"disablePasswordAuthentication: true, add an SSH public key under linuxConfiguration.ssh and "
            f"drop adminPassword."
        )
    ]


# --- GCP Shielded VM and the default service account -------------------------------------------

# Provider defaults when shieldedInstanceConfig (or a field of it) is absent.
SHIELDED_DEFAULTS = {
    "enableSecureBoot": False,
    "enableVtpm": True,
    "enableIntegrityMonitoring": True,
}
CLOUD_PLATFORM_SCOPES = frozenset({"cloud-platform", "https://www.googleapis.com/auth/cloud-platform"})


def check_gcp_shielded_vm(name: str, props: dict, ctx: Context) -> list[str]:
    """Instances and templates; an instance from a template or machine image without its own
    shieldedInstanceConfig takes the source's."""
    config = props.get("shieldedInstanceConfig")
    if config is UNKNOWN or (config is None and ctx.inherited):
        return []
    settings = {k: dig(config, k) for k in SHIELDED_DEFAULTS}
    off = [
        f"{k}={show(v)}" + (" (default false)" if v is None else "")
        for k, v in settings.items()
        if v is not UNKNOWN and (SHIELDED_DEFAULTS[k] if v is None else v) is not True
    ]
    if not off:
        return []
    return [
        (
            f"{ctx.subject(name)}: not a Shielded VM (shieldedInstanceConfig: {', '.join(off)}). "
            f"Fix: set shieldedInstanceConfig enableSecureBoot, enableVtpm and enableIntegrityMonitoring to "
            f"true (with a Shielded VM image)."
        )
    ]


def is_default_service_account(email: Any) -> bool:
    return (
        email is None
        or lower(email) == "default"
        or (isinstance(email, str) and email.lower().endswith("-compute@developer.gserviceaccount.com"))
    )


def check_gcp_default_service_account(name: str, props: dict, ctx: Context) -> list[str]:
    account = props.get("serviceAccount")
    if not isinstance(account, dict):
        return []  # no service account attached, inherited, or not known yet
    email = account.get("email")
    scopes = {s.strip() for s in strings(account.get("scopes"))}
    if email is UNKNOWN or not is_default_service_account(email) or not scopes & CLOUD_PLATFORM_SCOPES:
        return []
    return [
        (
            f"{ctx.subject(name)}: runs as the default compute service account "
            f"({email or 'default'}) with the cloud-platform scope, i.e. project-wide Editor. Fix: attach a "
            f"dedicated least-privilege service account (serviceAccount.email) or narrow the scopes."
        )
    ]


def _gke_node_configs(props: dict) -> list[tuple[str, dict]]:
    """A GKE node pool's nodeConfig, or a cluster's default pool's (unless removed) and its inline
    nodePools' (with the property path, for messages)."""
    if "nodePools" not in props and "removeDefaultNodePool" not in props and "enableAutopilot" not in props:
        return [("nodeConfig.", as_dict(props.get("nodeConfig")))]
    configs = [
        (f"nodePools[{i}].nodeConfig.", as_dict(dig(p, "nodeConfig")))
        for i, p in enumerate(as_list(props.get("nodePools")))
    ]
    if not is_true(props.get("removeDefaultNodePool")) and not configs:
        configs.append(("nodeConfig.", as_dict(props.get("nodeConfig"))))
    return configs


def check_gke_shielded_nodes(name: str, props: dict, ctx: Context) -> list[str]:
    """GKE nodes: nodeConfig.shieldedInstanceConfig (secure boot off by default; vTPM is always on for
    Shielded GKE nodes)."""
    messages = []
    for prefix, config in _gke_node_configs(props):
        shielded = config.get("shieldedInstanceConfig")
        shielded = {**as_dict(shielded), "enableVtpm": True} if shielded is not UNKNOWN else UNKNOWN
        messages += check_gcp_shielded_vm(
            name, {"shieldedInstanceConfig": shielded}, replace(ctx, prefix=ctx.prefix + prefix)
        )
    return messages


def check_gke_default_service_account(name: str, props: dict, ctx: Context) -> list[str]:
    """GKE nodes: nodeConfig.serviceAccount (absent: the default compute service account) with
    oauthScopes including cloud-platform."""
    messages = []
    for _, config in _gke_node_configs(props):
        account = {"email": config.get("serviceAccount"), "scopes": config.get("oauthScopes")}
        messages += check_gcp_default_service_account(name, {"serviceAccount": account}, ctx)
    return messages
