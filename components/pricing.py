"""What a VM costs a month: compute + Windows licence + OS disk + data disks + public IPv4.

The one pricing function that ``plan``, the cost diff and the policy pack share, so that they agree
to the cent. Pure Python (standard library and ``components.catalog``): it takes plain values, so a
``VmSpec`` (:func:`spec_cost`) and the raw properties a policy pack sees can both be priced.

Prices come from the offerings snapshot: compute from its VM rows, everything else from its
``prices`` document key (per region, a part name -> price). The part vocabulary and units:

============================== ===============================================================
part                           price
============================== ===============================================================
``disk:<type>``                $ per GiB-month of a disk type billed by provisioned size: AWS
                               ``gp3``, ``gp2``, ``io1``, ``io2``, ``st1``, ``sc1``, ``standard``
                               (magnetic); GCP ``pd-balanced``, ``pd-standard``, ``pd-ssd``,
                               ``hyperdisk-balanced``
``disk:<sku>:<tier>``          $ per disk-month of an Azure managed disk tier, e.g.
                               ``disk:Premium_LRS:P4``, ``disk:StandardSSD_LRS:E10``,
                               ``disk:Standard_LRS:S4`` (a disk is billed as the smallest tier that
                               holds it, :data:`AZURE_DISK_TIERS`)
``ipv4:public``                $ per hour of one public IPv4 address on a VM
``ipv4:public:spot``           the same on a spot VM, where the cloud charges less (GCP)
``licence:windows``            $ per vCPU-hour of a Windows Server licence (not burstable types,
                               nor Azure A v2 and D v1 sizes: ``catalog.licence_per_vcpu``)
``licence:windows:<type>``     $ per hour of the licence on that instance type (wins over the
                               per-vCPU rate; the types above have only this)
============================== ===============================================================

A Windows VM's admin password store is a part of its own: free on AWS (an SSM standard parameter),
$0.06 a month on GCP (a Secret Manager version); on AWS a Windows VM without a route to SSM also pays
for its SSM interface endpoint (:data:`ADMIN_PASSWORD_STORE`, :data:`AWS_INTERFACE_ENDPOINT_HOURLY`:
prices that are the same in every region, or known only for the regions cited, kept here until the
snapshot's ``prices`` carry them).

A part the snapshot has no price for is *unpriced*: it is listed by name and the total is a lower
bound ("at least"), never a silent zero. Usage charges (I/O requests, traffic) and provisioned disk
performance (io1/io2 IOPS, gp3 and Hyperdisk IOPS/throughput beyond the included baseline) are not
part of a VM's price.

Every part is rounded to the cent on its own and totals add cents, so any grouping of the same
parts (per VM in ``plan``, per resource in the policy pack) gives the same total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import catalog as _catalog
from .catalog import HOURS_PER_MONTH, Catalog

# Azure managed disk tiers and the largest size (GiB) each holds, smallest first; a disk is billed as
# the first tier it fits. https://learn.microsoft.com/azure/virtual-machines/disks-types (Premium
# SSD, Standard SSD and Standard HDD size tables; read 2026-05).
_SIZES = (4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767)
_NUMBERS = (1, 2, 3, 4, 6, 10, 15, 20, 30, 40, 50, 60, 70, 80)
AZURE_DISK_TIERS: dict[str, tuple[tuple[str, int], ...]] = {
    "Premium_LRS": tuple((f"P{n}", size) for n, size in zip(_NUMBERS, _SIZES)),
    "StandardSSD_LRS": tuple((f"E{n}", size) for n, size in zip(_NUMBERS, _SIZES)),
    "Standard_LRS": tuple((f"S{n}", size) for n, size in zip(_NUMBERS, _SIZES) if size >= 32),
}


# What holding a Windows VM's admin password costs a month, per cloud (Azure keeps it in the VM's
# osProfile: nothing to pay).
ADMIN_PASSWORD_STORE: dict[str, tuple[float, str]] = {
    # "Standard parameters: no additional charge" (storage and standard throughput API calls),
    # https://aws.amazon.com/systems-manager/pricing/ (Parameter Store).
    "aws": (0.0, "SSM Parameter Store standard SecureString: no charge"),
    # "$0.06 per version per location" for active secret versions; automatic replication is billed as one
    # location (https://cloud.google.com/secret-manager/pricing,
    # https://cloud.google.com/secret-manager/docs/choosing-replication); access operations ($0.03 per
    # 10,000) are one read at first boot. The first 6 active versions of a billing account are free,
    # shared with everything else in it, which a VM cannot see: each VM's version is counted at list price.
    "gcp": (0.06, "Secret Manager: 1 active secret version at $0.06/month (6 free per billing account, not deducted)"),
}
# An AWS PrivateLink interface endpoint in one AZ, $ per hour: "$0.01 per VPC endpoint per AZ ($/hour)"
# in US East (N. Virginia) (https://aws.amazon.com/privatelink/pricing/) and the same in us-west-2
# (usage type USW2-VpcEndpoint-Hours, AWS Price List). Other regions charge differently and no cited
# figure is seeded: unpriced there (named, and the total a lower bound). Data processing ($0.01/GB) is
# usage, not part of a VM's price.
AWS_INTERFACE_ENDPOINT_HOURLY: dict[str, float] = {"us-east-1": 0.01, "us-west-2": 0.01}


@dataclass(frozen=True)
class Part:
    """One priced (or unpriced) part of a VM's monthly cost."""

    name: str  # "compute", "Windows licence", "OS disk", "data disk 1", "public IPv4"
    cents: int | None  # per month; None when the snapshot has no price for it
    detail: str  # what it is and how it was priced, or why it is unpriced
    hourly: float | None = None  # the hourly rate of a part billed by the hour

    @property
    def monthly(self) -> float | None:
        return None if self.cents is None else self.cents / 100


@dataclass(frozen=True)
class VmCost:
    """A VM's parts; ``monthly`` adds the priced ones (a lower bound when any is unpriced)."""

    parts: tuple[Part, ...]

    @property
    def cents(self) -> int:
        return sum(p.cents for p in self.parts if p.cents is not None)

    @property
    def monthly(self) -> float:
        return self.cents / 100

    @property
    def unpriced(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parts if p.cents is None)

    @property
    def complete(self) -> bool:
        return not self.unpriced

    def part(self, name: str) -> Part | None:
        return next((p for p in self.parts if p.name == name), None)

    def breakdown(self) -> dict[str, float | None]:
        """Part name -> $ per month (None when unpriced), for JSON."""
        return {p.name: p.monthly for p in self.parts}

    def describe(self) -> str:
        """``$29.78 compute + $2.64 OS disk (30 GiB gp3) + ...``, unpriced parts named."""
        priced = [f"${p.monthly:,.2f} {p.name} ({p.detail})" for p in self.parts if p.cents is not None]
        unpriced = [f"{p.name} unpriced ({p.detail})" for p in self.parts if p.cents is None]
        return " + ".join(priced) + ("; " + "; ".join(unpriced) if unpriced else "")


def to_cents(monthly: float) -> int:
    """A monthly amount in whole cents, half up (the same in every tool)."""
    return int(Decimal(repr(monthly)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


def azure_disk_tier(sku: str, size_gib: float) -> str | None:
    """The tier an Azure managed disk of that size is billed as; None past the largest."""
    return next((tier for tier, size in AZURE_DISK_TIERS.get(sku, ()) if size_gib <= size), None)


def disk_part(name: str, cloud: str, region: str, size_gib: float, native_type: str, cat: Catalog) -> Part:
    """A disk of ``size_gib`` of a native type (``gp3``, ``Premium_LRS``, ``pd-balanced``, ...)."""
    what = f"{size_gib:g} GiB {native_type}"
    if cloud == "azure":
        tier = azure_disk_tier(native_type, size_gib)
        price = cat.part_price(region, f"disk:{native_type}:{tier}") if tier else None
        if price is None:
            return Part(name, None, f"{what}: no price for tier {tier or '?'} in {region}")
        return Part(name, to_cents(price), f"{what}, tier {tier} at ${price:g}/month")
    price = cat.part_price(region, f"disk:{native_type}")
    if price is None:
        return Part(name, None, f"{what}: no {native_type} price in {region}")
    return Part(name, to_cents(size_gib * price), f"{what} at ${price:g}/GiB-month")


def public_ip_part(region: str, spot: bool, cat: Catalog) -> Part:
    price = cat.part_price(region, "ipv4:public:spot") if spot else None
    price = price if price is not None else cat.part_price(region, "ipv4:public")
    if price is None:
        return Part("public IPv4", None, f"no public IPv4 price in {region}")
    return Part("public IPv4", to_cents(price * HOURS_PER_MONTH), f"${price:g}/h", price)


def compute_part(cloud: str, region: str, instance_type: str, spot: bool, cat: Catalog) -> Part:
    offering = cat.get(instance_type, region)
    if offering is None:
        return Part("compute", None, f"the catalog has no {instance_type} in {region}")
    hourly = offering.hourly_price(spot)
    if hourly is None and spot and offering.has_price:
        # Said, not silently replaced: a size search without spot prices ranks by the on-demand price.
        return Part(
            "compute",
            None,
            f"no spot price for {instance_type} in {region} (on-demand ${offering.price_hourly:g}/h; "
            f"catalog refresh {cloud}{' --spot-feed' if cloud == 'aws' else ''} fetches spot prices)",
        )
    if hourly is None:
        missing = "spot price" if spot else "price"
        return Part("compute", None, f"no {missing} for {instance_type} in {region}")
    label = f"{instance_type}{' spot' if spot else ''} ${hourly:g}/h"
    return Part("compute", to_cents(hourly * HOURS_PER_MONTH), label, hourly)


def licence_part(cloud: str, region: str, instance_type: str, cat: Catalog) -> Part:
    """The Windows Server licence: the type's own price, else the per-vCPU rate times its licensed
    vCPUs (``Catalog.windows_licence``: not for burstable types nor Azure A v2/D v1 sizes, whose
    licence is not proportional to vCPUs)."""
    hourly, detail = cat.windows_licence(region, instance_type)
    if hourly is None:
        return Part("Windows licence", None, detail)
    return Part("Windows licence", to_cents(hourly * HOURS_PER_MONTH), detail, hourly)


def admin_password_store_part(cloud: str) -> Part | None:
    """A Windows VM's admin password in the cloud's secret store (None on Azure: the VM holds it)."""
    if cloud not in ADMIN_PASSWORD_STORE:
        return None
    monthly, detail = ADMIN_PASSWORD_STORE[cloud]
    return Part("admin password store", to_cents(monthly), detail)


def interface_endpoint_part(region: str, zones: int = 1, name: str = "SSM endpoint") -> Part:
    """An AWS interface VPC endpoint with an ENI in ``zones`` AZs."""
    hourly = AWS_INTERFACE_ENDPOINT_HOURLY.get(region)
    if hourly is None:
        return Part(name, None, f"no interface endpoint price seeded for {region}")
    total = hourly * zones
    return Part(name, to_cents(total * HOURS_PER_MONTH), f"interface endpoint in {zones} AZ at ${hourly:g}/h", total)


def vm_cost(
    cloud: str,
    region: str,
    instance_type: str,
    *,
    spot: bool = False,
    os_type: str = "linux",
    os_disk: tuple[float, str] | None = None,
    data_disks: Iterable[tuple[float, str]] = (),
    public_ip: bool = False,
    catalog: Catalog | None = None,
) -> VmCost:
    """A VM's monthly cost by part. Disks are ``(size_gib, native type)`` pairs (native types as the
    cloud names them: ``gp3``, ``Premium_LRS``, ``pd-balanced``, ...)."""
    cat = catalog or _catalog.load(cloud)
    parts = [compute_part(cloud, region, instance_type, spot, cat)]
    if os_type == "windows":
        parts.append(licence_part(cloud, region, instance_type, cat))
    if os_disk is not None:
        parts.append(disk_part("OS disk", cloud, region, os_disk[0], os_disk[1], cat))
    for index, (size, native_type) in enumerate(data_disks, 1):
        parts.append(disk_part(f"data disk {index}", cloud, region, size, native_type, cat))
    if public_ip:
        parts.append(public_ip_part(region, spot, cat))
    return VmCost(tuple(parts))


def spec_cost(spec, catalog: Catalog | None = None) -> VmCost:
    """The monthly cost of a validated ``VmSpec`` (what the component creates for it)."""
    from .cloud_rules.aws import needs_ssm_endpoint

    cloud, size = spec.cloud, spec.instance_type
    extra = []
    if spec.is_windows:
        extra.append(admin_password_store_part(cloud))
        if cloud == "aws" and needs_ssm_endpoint(spec):
            extra.append(interface_endpoint_part(spec.region))
    cost = vm_cost(
        cloud,
        spec.region,
        size,
        spot=spec.spot,
        os_type=spec.image.os_type,
        # The types as sent (kept from the stack's lock, or decided for the size: cloud_rules.sent_disk_type).
        os_disk=(spec.disk_size_gib, spec.os_disk_sent),
        data_disks=[(d.size_gib, d.sent_type) for d in spec.data_disks],
        public_ip=spec.public_ip,
        catalog=catalog,
    )
    return VmCost(cost.parts + tuple(part for part in extra if part is not None))


def instance_hourly(cost: VmCost) -> float | None:
    """What the instance itself costs per hour (compute + Windows licence); None when either is
    unpriced. The component's ``hourly_price`` output, and ``plan``'s."""
    parts = [p for p in (cost.part("compute"), cost.part("Windows licence")) if p is not None]
    if any(p.hourly is None for p in parts):
        return None
    return round(sum(p.hourly for p in parts), 6)
