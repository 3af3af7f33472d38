"""The multicloud-vm guardrails: cross-cloud security and cost rules for AWS, Azure and GCP.

Each rule is a small pure check ``(name, props, context) -> [message, ...]`` per resource type, over
plain dicts; :func:`plain` first turns the policy SDK's props (proxies that raise on values unknown
during preview) into plain values, with unknown values replaced by :data:`UNKNOWN`, so no check
ever raises on an unknown. A check that cannot judge an unknown value stays silent, except pricing,
which reports an unknown price (``vm-price-unknown``) instead of passing it. The stack budget prices
every resource with the shared pricing of ``components/pricing.py`` (via ``resource_cost.py``).

Importable without starting the pack server: ``policies/__main__.py`` does only the wiring.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import proxy as policy_proxy

# The pack runs from policies/ in its own virtualenv: put the repo root on the path so the
# stdlib-only offerings catalog (components.catalog) is importable there.
REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from components.catalog import HOURS_PER_MONTH  # noqa: E402
from components.catalog import load as load_catalog  # noqa: E402
from components.pricing import Part, VmCost, licence_part  # noqa: E402
from policies.resource_cost import other_resource_cost, vm_resource_cost  # noqa: E402

CLOUDS = ("aws", "azure", "gcp")

# ---------------------------------------------------------------------------------------------
# Plain values: unknowns, missing keys and wrong types never raise.
# ---------------------------------------------------------------------------------------------


class _Unknown:
    """A value the engine does not know yet (preview)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> Self:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown during preview>"

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Unknown()

UNKNOWN_SENTINELS = frozenset(
    getattr(policy_proxy, name) for name in dir(policy_proxy) if name.startswith("UNKNOWN_") and name.endswith("_VALUE")
)


def _item(container: Any, key: Any) -> Any:
    try:
        return container[key]
    except policy_proxy.UnknownValueError:
        return UNKNOWN


def plain(value: Any) -> Any:
    """Props as plain dicts/lists, with every unknown (sentinel or proxy error) as UNKNOWN."""
    if isinstance(value, str):
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if isinstance(value, Secret):
        return plain(value.value)
    if isinstance(value, Mapping):
        return {key: plain(_item(value, key)) for key in value if key != "__target"}
    if isinstance(value, Sequence):
        return [plain(_item(value, i)) for i in range(len(value))]
    return value


def is_known(value: Any) -> bool:
    return value is not None and value is not UNKNOWN


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def dig(value: Any, *path: str) -> Any:
    """value[path[0]][path[1]]...; None when a key is missing, UNKNOWN when a step is unknown."""
    for key in path:
        if value is UNKNOWN:
            return UNKNOWN
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def is_true(value: Any) -> bool:
    """True for true and "true" (launch templates encode booleans as strings)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def strings(value: Any) -> list[str]:
    """A string or list of strings as a list of the known strings in it."""
    if isinstance(value, str):
        return [value]
    return [v for v in as_list(value) if isinstance(v, str)]


def show(value: Any) -> str:
    """A property value for a message: 22.0 as 22, unknowns and absent values spelled out."""
    if value is UNKNOWN:
        return "<not known until apply>"
    if value is None:
        return "absent"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, (str, bool)) else str(value)


def cloud_of(resource_type: str) -> str | None:
    prefix = resource_type.split(":", 1)[0]
    return {"aws": "aws", "azure-native": "azure", "gcp": "gcp"}.get(prefix)


def describe(resource_type: str, name: str) -> str:
    return f"{resource_type.rsplit(':', 1)[-1]} '{name}' ({resource_type})"


@dataclass(frozen=True)
class Context:
    """What a check may use besides the props: the policy config and the provider's config."""

    resource_type: str
    config: Mapping[str, Any] = field(default_factory=dict)
    provider_props: Mapping[str, Any] = field(default_factory=dict)

    @property
    def cloud(self) -> str | None:
        return cloud_of(self.resource_type)


Check = Callable[[str, dict, Context], list[str]]

# ---------------------------------------------------------------------------------------------
# Admin ports open to the world
# ---------------------------------------------------------------------------------------------

ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
ALL_PORTS = (0, 65535)
WORLD_SOURCES = frozenset({"*", "internet", "any", "0.0.0.0/0", "::/0"})
ALL_PROTOCOLS = frozenset({"-1", "all", "*"})
TCP_PROTOCOLS = frozenset({"tcp", "6"})


def is_world(source: Any) -> bool:
    """0.0.0.0/0, ::/0 (in any spelling), `*`, `Internet`, `Any`."""
    if not isinstance(source, str):
        return False
    text = source.strip().lower()
    if text in WORLD_SOURCES:
        return True
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False


def carries_admin_traffic(protocol: Any) -> bool:
    """SSH and RDP listen on TCP; "all" protocols include it."""
    text = str(protocol).strip().lower() if is_known(protocol) else ""
    text = text.removesuffix(".0")
    return text in TCP_PROTOCOLS or text in ALL_PROTOCOLS


def port_range_covers(from_port: int, to_port: int, port: int) -> bool:
    return from_port <= port <= to_port


def parse_port_range(spec: Any) -> tuple[int, int] | None:
    """ "22", 22, 22.0, "20-25", "*" -> (low, high); None when unknown or not a port range."""
    if isinstance(spec, bool) or not is_known(spec):
        return None
    if isinstance(spec, (int, float)):
        return (int(spec), int(spec))
    text = str(spec).strip()
    if text == "*":
        return ALL_PORTS
    match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", text)
    if not match:
        return None
    low = int(match.group(1))
    return (low, int(match.group(2) or low))


def admin_ports_in(port_ranges: Iterable[tuple[int, int]]) -> list[int]:
    port_ranges = list(port_ranges)
    return sorted(port for port in ADMIN_PORTS if any(port_range_covers(lo, hi, port) for lo, hi in port_ranges))


def world_sources(sources: Iterable[Any]) -> list[str]:
    return [s for s in sources if is_world(s)]


def aws_port_range(protocol: Any, from_port: Any, to_port: Any) -> tuple[int, int] | None:
    """An AWS rule's port range: every port for protocol -1/all, else fromPort..toPort."""
    if str(protocol).strip().lower() in ALL_PROTOCOLS:
        return ALL_PORTS
    low, high = parse_port_range(from_port), parse_port_range(to_port)
    if low is None or high is None:
        return None
    return (low[0], high[1])


def exposure_message(subject: str, where: str, ports: list[int], sources: list[str], fix: str) -> str:
    services = ", ".join(f"{ADMIN_PORTS[p]} ({p})" for p in ports)
    return f"{subject}: {where} opens {services} to {', '.join(sources)}. Fix: {fix}."


ADMIN_FIX = {
    "aws": "allow the port only from a trusted CIDR (VPN or office range), or drop the rule and reach "
    "the VM with SSM Session Manager or EC2 Instance Connect Endpoint",
    "azure": "set the source to a trusted CIDR or service tag (not *, Internet or Any), or use Azure "
    "Bastion or just-in-time VM access",
    "gcp": "set sourceRanges to a trusted CIDR, or allow only IAP (35.235.240.0/20) and connect with "
    "IAP TCP forwarding",
}


AWS_CIDR_KEYS = ("cidrBlocks", "ipv6CidrBlocks")


def _aws_rule_exposure(
    subject: str, label: str, rule: dict, protocol_key: str, source_keys: Sequence[str]
) -> list[str]:
    """One AWS ingress rule (inline entry, SecurityGroupRule or SecurityGroupIngressRule)."""
    protocol, from_port, to_port = rule.get(protocol_key), rule.get("fromPort"), rule.get("toPort")
    if not carries_admin_traffic(protocol):
        return []
    port_range = aws_port_range(protocol, from_port, to_port)
    ports = admin_ports_in([port_range] if port_range else [])
    open_to = world_sources(s for key in source_keys for s in strings(rule.get(key)))
    if not (ports and open_to):
        return []
    where = f"{label} ({protocol_key} {show(protocol)}, ports {show(from_port)}-{show(to_port)})"
    return [exposure_message(subject, where, ports, open_to, ADMIN_FIX["aws"])]


def check_aws_security_group(name: str, props: dict, ctx: Context) -> list[str]:
    subject = describe(ctx.resource_type, name)
    messages = []
    for i, rule in enumerate(as_list(props.get("ingress"))):
        messages += _aws_rule_exposure(subject, f"ingress[{i}]", as_dict(rule), "protocol", AWS_CIDR_KEYS)
    return messages


def check_aws_security_group_rule(name: str, props: dict, ctx: Context) -> list[str]:
    if props.get("type") != "ingress":
        return []
    return _aws_rule_exposure(describe(ctx.resource_type, name), "the ingress rule", props, "protocol", AWS_CIDR_KEYS)


def check_aws_ingress_rule(name: str, props: dict, ctx: Context) -> list[str]:
    subject = describe(ctx.resource_type, name)
    return _aws_rule_exposure(subject, "the ingress rule", props, "ipProtocol", ("cidrIpv4", "cidrIpv6"))


def _azure_rule_exposure(subject: str, where: str, rule: dict) -> list[str]:
    direction = rule.get("direction")
    access = rule.get("access")
    # direction and access are required by Azure; absent means the spec is incomplete: judge it
    # as the most permissive reading.
    if is_known(direction) and str(direction).lower() != "inbound":
        return []
    if is_known(access) and str(access).lower() != "allow":
        return []
    if direction is UNKNOWN or access is UNKNOWN:
        return []
    if not carries_admin_traffic(rule.get("protocol", "*")):
        return []
    port_specs = strings(rule.get("destinationPortRange")) + strings(rule.get("destinationPortRanges"))
    ports = admin_ports_in(r for r in map(parse_port_range, port_specs) if r)
    sources = strings(rule.get("sourceAddressPrefix")) + strings(rule.get("sourceAddressPrefixes"))
    open_to = world_sources(sources)
    if ports and open_to:
        return [exposure_message(subject, where, ports, open_to, ADMIN_FIX["azure"])]
    return []


def check_azure_nsg(name: str, props: dict, ctx: Context) -> list[str]:
    subject = describe(ctx.resource_type, name)
    messages = []
    for i, rule in enumerate(as_list(props.get("securityRules"))):
        rule = as_dict(rule)
        label = rule.get("name") if isinstance(rule.get("name"), str) else str(i)
        messages += _azure_rule_exposure(subject, f"securityRules[{i}] '{label}'", rule)
    return messages


def check_azure_security_rule(name: str, props: dict, ctx: Context) -> list[str]:
    return _azure_rule_exposure(describe(ctx.resource_type, name), "the security rule", props)


def check_gcp_firewall(name: str, props: dict, ctx: Context) -> list[str]:
    direction = props.get("direction")
    if direction is None:
        direction = "INGRESS"
    if direction is UNKNOWN or str(direction).upper() != "INGRESS" or props.get("disabled") is True:
        return []
    sources = strings(props.get("sourceRanges"))
    has_other_source = any(props.get(k) is not None for k in ("sourceTags", "sourceServiceAccounts"))
    if props.get("sourceRanges") is None and not has_other_source:
        open_to = ["0.0.0.0/0 (the default when a firewall names no source)"]
    else:
        open_to = world_sources(sources)
    if not open_to:
        return []
    messages = []
    for i, allow in enumerate(as_list(props.get("allows"))):
        allow = as_dict(allow)
        if not carries_admin_traffic(allow.get("protocol")):
            continue
        port_specs = allow.get("ports")
        if port_specs is UNKNOWN:
            continue
        ranges = [r for r in map(parse_port_range, strings(port_specs)) if r] if port_specs else [ALL_PORTS]
        ports = admin_ports_in(ranges)
        if ports:
            where = (
                f"allows[{i}] (protocol {show(allow.get('protocol'))}, ports {', '.join(strings(port_specs)) or 'all'})"
            )
            messages.append(
                exposure_message(
                    describe(ctx.resource_type, name),
                    where,
                    ports,
                    open_to,
                    ADMIN_FIX["gcp"],
                )
            )
    return messages


# ---------------------------------------------------------------------------------------------
# Disk encryption
# ---------------------------------------------------------------------------------------------

AZURE_ENCRYPTION_TYPES = (
    "EncryptionAtRestWithPlatformKey",
    "EncryptionAtRestWithCustomerKey",
    "EncryptionAtRestWithPlatformAndCustomerKeys",
)
EBS_FIX = "encrypted: true (optionally with kmsKeyId)"


def unencrypted(value: Any) -> bool:
    """An EBS encrypted flag that is not true; unknown values cannot be judged."""
    return value is not UNKNOWN and not is_true(value)


def check_aws_instance_disks(name: str, props: dict, ctx: Context) -> list[str]:
    subject = describe(ctx.resource_type, name)
    messages = []
    root = props.get("rootBlockDevice")
    from_template = is_known(props.get("launchTemplate"))
    if root is not UNKNOWN and not (root is None and from_template):
        encrypted = dig(root, "encrypted")
        if unencrypted(encrypted):
            messages.append(
                f"{subject}: root volume is not encrypted (rootBlockDevice.encrypted={show(encrypted)}; "
                f"absent means unencrypted unless the account enables EBS encryption by default). "
                f"Fix: set rootBlockDevice {EBS_FIX}."
            )
    for i, device in enumerate(as_list(props.get("ebsBlockDevices"))):
        encrypted = dig(device, "encrypted")
        if unencrypted(encrypted):
            messages.append(
                f"{subject}: data volume ebsBlockDevices[{i}] ({show(dig(device, 'deviceName'))}) is not "
                f"encrypted (encrypted={show(encrypted)}). Fix: set ebsBlockDevices[{i}] {EBS_FIX}."
            )
    return messages


def check_aws_volume(name: str, props: dict, ctx: Context) -> list[str]:
    encrypted = props.get("encrypted")
    if unencrypted(encrypted):
        return [
            (
                f"{describe(ctx.resource_type, name)}: volume is not encrypted (encrypted={show(encrypted)}). "
                f"Fix: set {EBS_FIX}."
            )
        ]
    return []


def check_aws_launch_template_disks(name: str, props: dict, ctx: Context) -> list[str]:
    subject = describe(ctx.resource_type, name)
    mappings = props.get("blockDeviceMappings")
    if mappings is UNKNOWN:
        return []
    ebs_mappings = [(i, as_dict(dig(m, "ebs"))) for i, m in enumerate(as_list(mappings)) if dig(m, "ebs")]
    if not ebs_mappings:
        return [
            (
                f"{subject}: no blockDeviceMappings with ebs, so the root volume takes the AMI's default "
                f"(unencrypted) mapping. Fix: add a blockDeviceMappings entry for the root device with "
                f'ebs.encrypted: "true".'
            )
        ]
    return [
        f"{subject}: blockDeviceMappings[{i}] ({show(dig(mappings[i], 'deviceName'))}) is not encrypted "
        f'(ebs.encrypted={show(ebs.get("encrypted"))}). Fix: set ebs.encrypted: "true".'
        for i, ebs in ebs_mappings
        if unencrypted(ebs.get("encrypted"))
    ]


def check_azure_disk(name: str, props: dict, ctx: Context) -> list[str]:
    encryption_type = dig(props, "encryption", "type")
    if not is_known(encryption_type) or encryption_type in AZURE_ENCRYPTION_TYPES:
        return []
    return [
        (
            f"{describe(ctx.resource_type, name)}: encryption.type={show(encryption_type)} is not encryption at "
            f"rest. Fix: set encryption.type to one of {', '.join(AZURE_ENCRYPTION_TYPES)} (or omit it: "
            f"platform-key encryption is the default)."
        )
    ]


# ---------------------------------------------------------------------------------------------
# IMDSv2
# ---------------------------------------------------------------------------------------------


def _imds_messages(subject: str, metadata_options: Any) -> list[str]:
    if metadata_options is UNKNOWN:
        return []
    tokens = dig(metadata_options, "httpTokens")
    endpoint = dig(metadata_options, "httpEndpoint")
    if tokens is UNKNOWN or tokens == "required" or endpoint == "disabled":
        return []
    return [
        (
            f"{subject}: instance metadata accepts IMDSv1 (metadataOptions.httpTokens={show(tokens)}; absent "
            f'means "optional"). Fix: set metadataOptions.httpTokens: "required".'
        )
    ]


def check_aws_instance_imds(name: str, props: dict, ctx: Context) -> list[str]:
    options = props.get("metadataOptions")
    if options is None and is_known(props.get("launchTemplate")):
        return []  # the launch template decides, and is checked itself
    return _imds_messages(describe(ctx.resource_type, name), options)


def check_aws_launch_template_imds(name: str, props: dict, ctx: Context) -> list[str]:
    return _imds_messages(describe(ctx.resource_type, name), props.get("metadataOptions"))


# ---------------------------------------------------------------------------------------------
# Azure Linux password login
# ---------------------------------------------------------------------------------------------


def is_windows_vm(props: dict) -> bool:
    os_type = dig(props, "storageProfile", "osDisk", "osType")
    publisher = dig(props, "storageProfile", "imageReference", "publisher")
    return (isinstance(os_type, str) and os_type.lower() == "windows") or (
        isinstance(publisher, str) and "windows" in publisher.lower()
    )


def check_azure_password_login(name: str, props: dict, ctx: Context) -> list[str]:
    os_profile = props.get("osProfile")
    if not isinstance(os_profile, dict):
        return []
    linux = os_profile.get("linuxConfiguration")
    windows = os_profile.get("windowsConfiguration")
    if linux is UNKNOWN or windows is UNKNOWN:
        return []
    if linux is None:
        password_only_linux = windows is None and is_known(os_profile.get("adminPassword")) and not is_windows_vm(props)
        if not password_only_linux:
            return []
    disabled = dig(linux, "disablePasswordAuthentication")
    if disabled is True or disabled is UNKNOWN:
        return []
    return [
        (
            f"{describe(ctx.resource_type, name)}: Linux VM allows password login "
            f"(osProfile.linuxConfiguration.disablePasswordAuthentication={show(disabled)}). Fix: set "
            f"disablePasswordAuthentication: true, add an SSH public key under linuxConfiguration.ssh and "
            f"drop adminPassword."
        )
    ]


# ---------------------------------------------------------------------------------------------
# Public IPs on VMs
# ---------------------------------------------------------------------------------------------

PUBLIC_IP_FIX = "reach the VM through a bastion, VPN, SSM/IAP or a load balancer instead"


def check_aws_instance_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    if props.get("associatePublicIpAddress") is True:
        return [
            (
                f"{describe(ctx.resource_type, name)}: associatePublicIpAddress=true gives the VM a public "
                f"IP. Fix: set associatePublicIpAddress: false and {PUBLIC_IP_FIX}."
            )
        ]
    return []


def check_aws_launch_template_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    return [
        f"{describe(ctx.resource_type, name)}: networkInterfaces[{i}].associatePublicIpAddress=true "
        f"gives every VM launched from it a public IP. Fix: set it to false and {PUBLIC_IP_FIX}."
        for i, nic in enumerate(as_list(props.get("networkInterfaces")))
        if is_true(dig(nic, "associatePublicIpAddress"))
    ]


def check_aws_eip(name: str, props: dict, ctx: Context) -> list[str]:
    attached = [k for k in ("instance", "networkInterface") if props.get(k) is not None]
    if not attached:
        return []
    return [
        (
            f"{describe(ctx.resource_type, name)}: an Elastic IP attached to a VM "
            f"({attached[0]}={show(props.get(attached[0]))}). "
            f"Fix: remove the Elastic IP and {PUBLIC_IP_FIX}."
        )
    ]


def check_azure_public_ip_address(name: str, props: dict, ctx: Context) -> list[str]:
    return [
        (
            f"{describe(ctx.resource_type, name)}: a public IP address (sku "
            f"{dig(props, 'sku', 'name') or 'default'}) for a VM. Fix: delete it and {PUBLIC_IP_FIX}."
        )
    ]


def check_azure_nic_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    return [
        f"{describe(ctx.resource_type, name)}: ipConfigurations[{i}] attaches a public IP "
        f"(publicIPAddress.id={show(dig(cfg, 'publicIPAddress', 'id'))}). "
        f"Fix: remove publicIPAddress and {PUBLIC_IP_FIX}."
        for i, cfg in enumerate(as_list(props.get("ipConfigurations")))
        if dig(cfg, "publicIPAddress") is not None
    ]


def check_gcp_instance_public_ip(name: str, props: dict, ctx: Context) -> list[str]:
    messages = []
    for i, nic in enumerate(as_list(props.get("networkInterfaces"))):
        for key in ("accessConfigs", "ipv6AccessConfigs"):
            if as_list(dig(nic, key)):
                messages.append(
                    f"{describe(ctx.resource_type, name)}: networkInterfaces[{i}].{key} gives the VM an "
                    f"external IP. Fix: remove {key} and {PUBLIC_IP_FIX} (Cloud NAT for egress)."
                )
    return messages


# ---------------------------------------------------------------------------------------------
# Required tags / labels
# ---------------------------------------------------------------------------------------------

DEFAULT_REQUIRED_TAGS = ["owner"]


def provider_default_tags(provider_props: Mapping[str, Any]) -> dict:
    """The AWS provider's defaultTags.tags (a JSON string when it comes from stack config)."""
    default_tags = provider_props.get("defaultTags")
    if isinstance(default_tags, str):
        try:
            default_tags = json.loads(default_tags)
        except ValueError:
            return {}
    tags = dig(default_tags, "tags")
    return tags if isinstance(tags, dict) else {}


def missing_tags(tags: dict, required: Iterable[str], case_sensitive: bool = True) -> list[str]:
    """Required keys absent or with an empty value."""
    fold = (lambda s: s) if case_sensitive else str.casefold
    present = {fold(k) for k, v in tags.items() if v is UNKNOWN or (isinstance(v, str) and v.strip())}
    return [key for key in required if fold(key) not in present]


def check_required_tags(name: str, props: dict, ctx: Context) -> list[str]:
    required = strings(ctx.config.get("requiredTags", DEFAULT_REQUIRED_TAGS))
    field_name = "labels" if ctx.cloud == "gcp" else "tags"
    tags = props.get(field_name)
    if tags is UNKNOWN or not required:
        return []
    tags = {
        **(provider_default_tags(ctx.provider_props) if ctx.cloud == "aws" else {}),
        **as_dict(tags),
    }
    missing = missing_tags(tags, required, case_sensitive=ctx.cloud != "azure")
    if not missing:
        return []
    return [
        (
            f"{describe(ctx.resource_type, name)}: missing required {field_name} {', '.join(missing)}. Fix: "
            f"set {field_name} {', '.join(f'{k}=<value>' for k in missing)} (on the VirtualMachine spec's "
            f"tags, or the provider's default tags)."
        )
    ]


# ---------------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------------

AWS_ZONE = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$")
GCP_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")


def aws_region_of_zone(zone: Any) -> str | None:
    match = AWS_ZONE.match(zone) if isinstance(zone, str) else None
    return match.group(1) if match else None


def gcp_region_of_zone(zone: Any) -> str | None:
    """us-central1-a -> us-central1 (also for zones given as URLs or zones/... paths)."""
    if not isinstance(zone, str):
        return None
    match = GCP_ZONE.match(zone.rsplit("/", 1)[-1])
    return match.group(1) if match else None


def normalize_azure_location(location: Any) -> str | None:
    return re.sub(r"\s+", "", location).lower() if isinstance(location, str) and location else None


def resource_region(cloud: str | None, props: dict, ctx: Context) -> str | None:
    """The region a resource lives in, from its own zone/location, else the provider's config,
    else the pack's defaultRegions; None when nothing says."""
    defaults = as_dict(ctx.config.get("defaultRegions"))
    provider = ctx.provider_props
    if cloud == "aws":
        # pulumi-aws 7 resources take their own `region`, else the zone's, else the provider's
        candidates = [
            props.get("region"),
            aws_region_of_zone(props.get("availabilityZone")),
            provider.get("region"),
        ]
    elif cloud == "azure":
        candidates = [
            normalize_azure_location(props.get("location")),
            normalize_azure_location(provider.get("location")),
        ]
    elif cloud == "gcp":
        candidates = [
            gcp_region_of_zone(props.get("zone")),
            gcp_region_of_zone(provider.get("zone")),
            provider.get("region"),
        ]
    else:
        return None
    candidates.append(defaults.get(cloud))
    return next((c for c in candidates if isinstance(c, str) and c), None)


def check_allowed_region(name: str, props: dict, ctx: Context) -> list[str]:
    allowed = strings(as_dict(ctx.config.get("allowedRegions")).get(ctx.cloud))
    if not allowed:
        return []
    region = resource_region(ctx.cloud, props, ctx)
    if region is None:
        return []
    places = {region}
    zone = props.get("zone") if ctx.cloud == "gcp" else props.get("availabilityZone")
    if isinstance(zone, str):
        places.add(zone.rsplit("/", 1)[-1])
    if places & set(allowed) or (ctx.cloud == "azure" and region in {normalize_azure_location(a) for a in allowed}):
        return []
    return [
        (
            f"{describe(ctx.resource_type, name)}: region {region!r} is not allowed. Fix: deploy to one of "
            f"{', '.join(allowed)} (allowedRegions.{ctx.cloud})."
        )
    ]


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------


def azure_image_names(image_reference: Any) -> list[str]:
    """publisher:offer:sku and publisher:offer:sku:version, or the custom/gallery image id."""
    ref = as_dict(image_reference)
    names = [ref[k] for k in ("id", "sharedGalleryImageId", "communityGalleryImageId") if isinstance(ref.get(k), str)]
    parts = [ref.get(k) for k in ("publisher", "offer", "sku")]
    if all(isinstance(p, str) for p in parts):
        names.append(":".join(parts))
        if isinstance(ref.get("version"), str):
            names.append(":".join([*parts, ref["version"]]))
    return names


def image_names(resource_type: str, props: dict) -> list[str]:
    if resource_type == "aws:ec2/instance:Instance":
        return strings(props.get("ami"))
    if resource_type == "aws:ec2/launchTemplate:LaunchTemplate":
        return strings(props.get("imageId"))
    if resource_type == "azure-native:compute:VirtualMachine":
        return azure_image_names(dig(props, "storageProfile", "imageReference"))
    if resource_type == "gcp:compute/instance:Instance":
        return strings(dig(props, "bootDisk", "initializeParams", "image"))
    if resource_type == "gcp:compute/disk:Disk":
        return strings(props.get("image"))
    return []


def image_allowed(names: list[str], patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(n, p) for n in names for p in patterns)


def check_allowed_image(name: str, props: dict, ctx: Context) -> list[str]:
    patterns = strings(as_dict(ctx.config.get("allowedImages")).get(ctx.cloud))
    names = image_names(ctx.resource_type, props)
    if not patterns or not names or image_allowed(names, patterns):
        return []
    return [
        (
            f"{describe(ctx.resource_type, name)}: image {names[0]!r} is not allowed. Fix: use an image "
            f"matching one of {', '.join(patterns)} (allowedImages.{ctx.cloud})."
        )
    ]


# ---------------------------------------------------------------------------------------------
# GCP Shielded VM and the default service account
# ---------------------------------------------------------------------------------------------

# Provider defaults when shieldedInstanceConfig (or a field of it) is absent.
SHIELDED_DEFAULTS = {
    "enableSecureBoot": False,
    "enableVtpm": True,
    "enableIntegrityMonitoring": True,
}
CLOUD_PLATFORM_SCOPES = frozenset({"cloud-platform", "https://www.googleapis.com/auth/cloud-platform"})


def check_gcp_shielded_vm(name: str, props: dict, ctx: Context) -> list[str]:
    config = props.get("shieldedInstanceConfig")
    if config is UNKNOWN:
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
            f"{describe(ctx.resource_type, name)}: not a Shielded VM (shieldedInstanceConfig: {', '.join(off)}). "
            f"Fix: set shieldedInstanceConfig enableSecureBoot, enableVtpm and enableIntegrityMonitoring to "
            f"true (with a Shielded VM image)."
        )
    ]


def is_default_service_account(email: Any) -> bool:
    return (
        email is None
        or email == "default"
        or (isinstance(email, str) and email.endswith("-compute@developer.gserviceaccount.com"))
    )


def check_gcp_default_service_account(name: str, props: dict, ctx: Context) -> list[str]:
    account = props.get("serviceAccount")
    if not isinstance(account, dict):
        return []  # no service account attached (or not known yet)
    email = account.get("email")
    scopes = set(strings(account.get("scopes")))
    if email is UNKNOWN or not is_default_service_account(email) or not scopes & CLOUD_PLATFORM_SCOPES:
        return []
    return [
        (
            f"{describe(ctx.resource_type, name)}: runs as the default compute service account "
            f"({email or 'default'}) with the cloud-platform scope, i.e. project-wide Editor. Fix: attach a "
            f"dedicated least-privilege service account (serviceAccount.email) or narrow the scopes."
        )
    ]


# ---------------------------------------------------------------------------------------------
# Cost
# ---------------------------------------------------------------------------------------------

DEFAULT_MAX_HOURLY_PRICE = 2.0
DEFAULT_MAX_MONTHLY_BUDGET = 1000.0
VM_TYPES = (
    "aws:ec2/instance:Instance",
    "azure-native:compute:VirtualMachine",
    "gcp:compute/instance:Instance",
)


@dataclass(frozen=True)
class VmPrice:
    """What a VM costs per hour; ``hourly`` is None when the price is unknown (``reason`` says why)."""

    cloud: str
    instance_type: str | None
    region: str | None
    spot: bool
    hourly: float | None
    basis: str = ""
    reason: str = ""

    @property
    def monthly(self) -> float | None:
        return None if self.hourly is None else self.hourly * HOURS_PER_MONTH

    def label(self) -> str:
        return f"{self.instance_type or '?'} in {self.region or '?'}{' (spot)' if self.spot else ''}"


def vm_size(resource_type: str, props: dict) -> Any:
    if resource_type == "aws:ec2/instance:Instance":
        return props.get("instanceType")
    if resource_type == "azure-native:compute:VirtualMachine":
        return dig(props, "hardwareProfile", "vmSize")
    if resource_type == "gcp:compute/instance:Instance":
        machine_type = props.get("machineType")
        return machine_type.rsplit("/", 1)[-1] if isinstance(machine_type, str) else machine_type
    return None


def is_spot(resource_type: str, props: dict) -> bool:
    if resource_type == "aws:ec2/instance:Instance":
        return str(dig(props, "instanceMarketOptions", "marketType")).lower() == "spot"
    if resource_type == "azure-native:compute:VirtualMachine":
        return str(props.get("priority")).lower() in ("spot", "low")
    if resource_type == "gcp:compute/instance:Instance":
        scheduling = as_dict(props.get("scheduling"))
        return str(scheduling.get("provisioningModel")).upper() == "SPOT" or scheduling.get("preemptible") is True
    return False


def price_vm(resource_type: str, props: dict, ctx: Context) -> VmPrice | None:
    """The VM's hourly price from the offerings catalog; None for resources that are not VMs."""
    cloud = cloud_of(resource_type)
    if resource_type not in VM_TYPES or cloud is None:
        return None
    size = vm_size(resource_type, props)
    region = resource_region(cloud, props, ctx)
    spot = is_spot(resource_type, props)
    size_name = size if isinstance(size, str) and size else None
    unknown = VmPrice(cloud, size_name, region, spot, None)
    if size_name is None:
        state = "not known until apply" if size is UNKNOWN else "not set"
        return _with_reason(unknown, f"the VM size is {state}")
    if region is None:
        return _with_reason(
            unknown,
            f"the region is unknown (set the provider region or defaultRegions.{cloud})",
        )
    offering = load_catalog(cloud).get(size_name, region)
    if offering is None:
        return _with_reason(unknown, f"the offerings catalog has no {size_name} in {region}")
    if spot and offering.hourly_price(spot=True) is not None:
        price = VmPrice(cloud, size_name, region, spot, offering.hourly_price(spot=True), "spot price")
    elif offering.hourly_price() is None:
        return _with_reason(unknown, f"the offerings catalog has no price for {size_name} in {region}")
    else:
        basis = "on-demand price (spot price unknown)" if spot else "on-demand price"
        price = VmPrice(cloud, size_name, region, spot, offering.hourly_price(), basis)
    if vm_resource_cost(cloud, resource_type, props, region, size_name, spot).part("Windows licence"):
        # The catalog's compute prices are Linux prices: a Windows VM also pays its licence.
        licence = licence_part(cloud, region, size_name, load_catalog(cloud))
        if licence.hourly is None:
            return _with_reason(unknown, f"the Windows licence price is unknown ({licence.detail})")
        return VmPrice(
            cloud, size_name, region, spot, price.hourly + licence.hourly, f"{price.basis} + Windows licence"
        )
    return price


def _with_reason(price: VmPrice, reason: str) -> VmPrice:
    return VmPrice(price.cloud, price.instance_type, price.region, price.spot, None, reason=reason)


def check_price_ceiling(name: str, props: dict, ctx: Context) -> list[str]:
    price = price_vm(ctx.resource_type, props, ctx)
    ceiling = ctx.config.get("maxHourlyPrice", DEFAULT_MAX_HOURLY_PRICE)
    if price is None or price.hourly is None or not isinstance(ceiling, (int, float)) or price.hourly <= ceiling:
        return []
    return [
        (
            f"{describe(ctx.resource_type, name)}: {price.label()} costs ${price.hourly:.4f}/h ({price.basis}), "
            f"over the ceiling of ${ceiling:g}/h (maxHourlyPrice). Fix: choose a smaller size, use spot, or "
            f"raise maxHourlyPrice."
        )
    ]


def check_price_known(name: str, props: dict, ctx: Context) -> list[str]:
    price = price_vm(ctx.resource_type, props, ctx)
    if price is None or price.hourly is not None:
        return []
    return [
        (
            f"{describe(ctx.resource_type, name)}: price unknown for {price.label()}: {price.reason}, so the "
            f"price ceiling and the stack budget cannot count it. Fix: use a size and region the offerings "
            f"catalog prices (python -m components compare), or refresh the catalog."
        )
    ]


def resource_cost(resource_type: str, props: dict, ctx: Context) -> VmCost | Part | None:
    """What a resource costs a month with the shared pricing (``components/pricing.py``): a VM's
    full cost, a disk's or public IP's; None for resources that cost nothing here."""
    cloud = cloud_of(resource_type)
    region = resource_region(cloud, props, ctx) if cloud else None
    if resource_type in VM_TYPES:
        size = vm_size(resource_type, props)
        if not isinstance(size, str) or not size or region is None:
            return VmCost((Part("compute", None, "size or region not known"),))
        return vm_resource_cost(cloud, resource_type, props, region, size, is_spot(resource_type, props))
    if region is None:
        cost = other_resource_cost(resource_type, props, "")
        return None if cost is None else Part(cost.name, None, "region not known")
    return other_resource_cost(resource_type, props, region)


def stack_budget_messages(costs: list[tuple[str, VmCost | Part]], budget: float) -> list[str]:
    """The over-budget message for a stack's resources ([(name, cost)]), if over budget. Unpriced
    parts count as nothing and are named: the total is then a lower bound."""
    total = sum(c.cents or 0 for _, c in costs) / 100
    if total <= budget:
        return []
    unknown = [n for n, c in costs if isinstance(c, VmCost) and c.part("compute").cents is None]
    partial = [
        f"{n} ({', '.join(c.unpriced)})" for n, c in costs if isinstance(c, VmCost) and c.unpriced and n not in unknown
    ]
    partial += [f"{n} ({c.detail})" for n, c in costs if isinstance(c, Part) and c.cents is None]
    biggest = sorted(((n, c) for n, c in costs if c.cents), key=lambda item: -item[1].cents)[:5]
    breakdown = ", ".join(f"{n} ${c.cents / 100:,.2f}" for n, c in biggest)
    return [
        f"stack VMs cost {'at least ' if partial or unknown else ''}${total:,.2f}/month ({HOURS_PER_MONTH} h), "
        f"over the budget of ${budget:,.2f} (maxMonthlyBudget); biggest: {breakdown}"
        + (f"; {len(unknown)} more VM(s) with unknown price not counted" if unknown else "")
        + (f"; unpriced parts: {'; '.join(partial)}" if partial else "")
        + ". Fix: remove or shrink VMs, use spot, or raise maxMonthlyBudget."
    ]


def stack_monthly_cost(resources, config: dict) -> list[tuple[str, VmCost | Part]]:
    """Every costed resource of a stack with its cost (resources as the stack policy gets them)."""
    costs = []
    for resource in resources:
        ctx = Context(resource.resource_type, config, provider_props(resource.provider))
        cost = resource_cost(resource.resource_type, as_dict(plain(resource.props)), ctx)
        if cost is not None:
            costs.append((resource.name, cost))
    return costs


# ---------------------------------------------------------------------------------------------
# Policies
# ---------------------------------------------------------------------------------------------

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

VM_AND_DISK_TYPES = (
    "aws:ec2/instance:Instance",
    "aws:ebs/volume:Volume",
    "azure-native:compute:VirtualMachine",
    "azure-native:compute:Disk",
    "gcp:compute/instance:Instance",
    "gcp:compute/disk:Disk",
)
IMAGE_TYPES = (
    "aws:ec2/instance:Instance",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "azure-native:compute:VirtualMachine",
    "gcp:compute/instance:Instance",
    "gcp:compute/disk:Disk",
)


def resource_policy(
    name: str,
    description: str,
    level: EnforcementLevel,
    checks: Mapping[str, Check],
    config_properties: dict | None = None,
) -> ResourceValidationPolicy:
    """A policy that runs the check registered for the resource's type on its plain props."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        check = checks.get(args.resource_type)
        if check is None:
            return
        ctx = Context(
            args.resource_type,
            config_with_defaults(args.get_config(), config_properties),
            provider_props(args.provider),
        )
        for message in check(args.name, as_dict(plain(args.props)), ctx):
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


def validate_stack_budget(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    config = config_with_defaults(args.get_config(), BUDGET_CONFIG)
    budget = config.get("maxMonthlyBudget")
    if not isinstance(budget, (int, float)):
        return
    for message in stack_budget_messages(stack_monthly_cost(args.resources, config), float(budget)):
        report_violation(message, None)


ADMIN_PORT_CHECKS: dict[str, Check] = {
    "aws:ec2/securityGroup:SecurityGroup": check_aws_security_group,
    "aws:ec2/securityGroupRule:SecurityGroupRule": check_aws_security_group_rule,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": check_aws_ingress_rule,
    "azure-native:network:NetworkSecurityGroup": check_azure_nsg,
    "azure-native:network:SecurityRule": check_azure_security_rule,
    "gcp:compute/firewall:Firewall": check_gcp_firewall,
}
ENCRYPTION_CHECKS: dict[str, Check] = {
    "aws:ec2/instance:Instance": check_aws_instance_disks,
    "aws:ebs/volume:Volume": check_aws_volume,
    "aws:ec2/launchTemplate:LaunchTemplate": check_aws_launch_template_disks,
    "azure-native:compute:Disk": check_azure_disk,
}
PUBLIC_IP_CHECKS: dict[str, Check] = {
    "aws:ec2/instance:Instance": check_aws_instance_public_ip,
    "aws:ec2/launchTemplate:LaunchTemplate": check_aws_launch_template_public_ip,
    "aws:ec2/eip:Eip": check_aws_eip,
    "azure-native:network:PublicIPAddress": check_azure_public_ip_address,
    "azure-native:network:NetworkInterface": check_azure_nic_public_ip,
    "gcp:compute/instance:Instance": check_gcp_instance_public_ip,
}
PRICE_CONFIG = {
    "maxHourlyPrice": {
        "type": "number",
        "minimum": 0,
        "default": DEFAULT_MAX_HOURLY_PRICE,
        "description": "Highest on-demand (or spot, for spot VMs) price per hour a VM may cost, USD.",
    },
    "defaultRegions": DEFAULT_REGIONS_SCHEMA,
}
BUDGET_CONFIG = {
    "maxMonthlyBudget": {
        "type": "number",
        "minimum": 0,
        "default": DEFAULT_MAX_MONTHLY_BUDGET,
        "description": f"Most the stack's VMs may cost together per month ({HOURS_PER_MONTH} h), USD.",
    },
    "defaultRegions": DEFAULT_REGIONS_SCHEMA,
}

ALL_POLICIES = [
    resource_policy(
        "admin-ports-open-to-internet",
        "SSH (22) and RDP (3389) must not be open to the internet.",
        EnforcementLevel.MANDATORY,
        ADMIN_PORT_CHECKS,
    ),
    resource_policy(
        "disk-encryption-required",
        "Root and data disks must be encrypted at rest.",
        EnforcementLevel.MANDATORY,
        ENCRYPTION_CHECKS,
    ),
    resource_policy(
        "ec2-imdsv2-required",
        "EC2 instances and launch templates must require IMDSv2 (httpTokens: required).",
        EnforcementLevel.MANDATORY,
        {
            "aws:ec2/instance:Instance": check_aws_instance_imds,
            "aws:ec2/launchTemplate:LaunchTemplate": check_aws_launch_template_imds,
        },
    ),
    resource_policy(
        "azure-linux-password-login",
        "Azure Linux VMs must disable password authentication and use SSH keys.",
        EnforcementLevel.MANDATORY,
        {"azure-native:compute:VirtualMachine": check_azure_password_login},
    ),
    resource_policy(
        "public-ip-on-vm",
        "VMs should not have public IP addresses.",
        EnforcementLevel.ADVISORY,
        PUBLIC_IP_CHECKS,
    ),
    resource_policy(
        "required-tags",
        "VMs and disks must carry the required tags (AWS, Azure) or labels (GCP).",
        EnforcementLevel.ADVISORY,
        dict.fromkeys(VM_AND_DISK_TYPES, check_required_tags),
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
        "VMs and disks must be in an allowed region.",
        EnforcementLevel.ADVISORY,
        dict.fromkeys(VM_AND_DISK_TYPES, check_allowed_region),
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
        dict.fromkeys(IMAGE_TYPES, check_allowed_image),
        {
            "allowedImages": {
                **PER_CLOUD_LIST,
                "default": {c: [] for c in CLOUDS},
                "description": "Allowed image patterns per cloud (fnmatch: AWS AMI id, Azure "
                "publisher:offer:sku[:version] or image id, GCP image as written); empty allows all.",
            }
        },
    ),
    resource_policy(
        "gcp-shielded-vm",
        "GCP VMs should be Shielded VMs (secure boot, vTPM, integrity monitoring).",
        EnforcementLevel.ADVISORY,
        {"gcp:compute/instance:Instance": check_gcp_shielded_vm},
    ),
    resource_policy(
        "gcp-default-service-account",
        "GCP VMs should not run as the default compute service account with the cloud-platform scope.",
        EnforcementLevel.ADVISORY,
        {"gcp:compute/instance:Instance": check_gcp_default_service_account},
    ),
    resource_policy(
        "vm-hourly-price-ceiling",
        "A VM must not cost more per hour than maxHourlyPrice.",
        EnforcementLevel.MANDATORY,
        dict.fromkeys(VM_TYPES, check_price_ceiling),
        PRICE_CONFIG,
    ),
    resource_policy(
        "vm-price-unknown",
        "Every VM's price must be known to the offerings catalog.",
        EnforcementLevel.ADVISORY,
        dict.fromkeys(VM_TYPES, check_price_known),
        {"defaultRegions": DEFAULT_REGIONS_SCHEMA},
    ),
    StackValidationPolicy(
        name="stack-monthly-budget",
        description="The stack's VMs together must not cost more per month than maxMonthlyBudget.",
        validate=validate_stack_budget,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=PolicyConfigSchema(properties=BUDGET_CONFIG),
    ),
]

POLICIES_BY_NAME = {policy.name: policy for policy in ALL_POLICIES}
