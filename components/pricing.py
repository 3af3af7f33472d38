"""What a VM costs a month: compute + Windows licence + OS disk + data disks + public IPv4.

The one pricing function that ``plan``, the cost diff and the policy pack share, so that they agree
to the cent. Pure Python (the catalog, the cloud rules and ``components.money``): it takes plain values, so a
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
                               holds it, ``cloud_rules.azure.DISK_TIERS``)
``ipv4:public``                $ per hour of one public IPv4 address on a VM
``ipv4:public:spot``           the same on a spot VM, where the cloud charges less (GCP)
``licence:windows``            $ per vCPU-hour of a Windows Server licence (not burstable types,
                               nor Azure A v2 and D v1 sizes: ``catalog.licence_per_vcpu``)
``licence:windows:<type>``     $ per hour of the licence on that instance type (wins over the
                               per-vCPU rate; the types above have only this)
``endpoint:interface``         $ per hour of an interface endpoint in one zone (AWS PrivateLink:
                               the SSM endpoint of a private Windows VM)
============================== ===============================================================

A Windows VM's admin password store is a part of its own (free on AWS, $0.06 a month on GCP), the same
in every region: its price sits with the cloud's facts (``cloud_rules.<cloud>.ADMIN_PASSWORD_STORE``).
On AWS a Windows VM without a route to SSM also pays for its SSM interface endpoint
(``endpoint:interface``, per zone).

A part the snapshot has no price for is *unpriced*: it is listed by name and the total is a lower
bound ("at least"), never a silent zero. Usage charges (I/O requests, traffic) and provisioned disk
performance (io1/io2 IOPS, gp3 and Hyperdisk IOPS/throughput beyond the included baseline) are not
part of a VM's price.

Money is ``components/money.py``'s: every part in whole cents, half up on its exact value, each part
rounded on its own and totals adding cents, so any grouping of the same parts (per VM in ``plan``, per
resource in the policy pack) gives the same total; a spot VM without a spot price has an unpriced
compute part here (``money.hourly_estimate``: what it costs is unknown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import catalog as _catalog
from .catalog import Catalog
from .cloud_rules import rules
from .money import HOURS_PER_MONTH, cents, monthly_cents, usd


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
        priced = [f"{usd(p.monthly)} {p.name} ({p.detail})" for p in self.parts if p.cents is not None]
        unpriced = [f"{p.name} unpriced ({p.detail})" for p in self.parts if p.cents is None]
        return " + ".join(priced) + ("; " + "; ".join(unpriced) if unpriced else "")


def disk_tier(cloud: str, native_type: str, size_gib: float) -> str | None:
    """The tier a disk of that size is billed as where its cloud bills the type by tier
    (``cloud_rules.<cloud>.DISK_TIERS``); None past the largest, or where it is billed per GiB."""
    return next((tier for tier, size in rules(cloud).DISK_TIERS.get(native_type, ()) if size_gib <= size), None)


def disk_part(name: str, cloud: str, region: str, size_gib: float, native_type: str, cat: Catalog) -> Part:
    """A disk of ``size_gib`` of a native type (``gp3``, ``Premium_LRS``, ``pd-balanced``, ...): a tier's
    monthly price where the cloud bills the type by tier, else its price per GiB-month times the size."""
    what = f"{size_gib:g} GiB {native_type}"
    if native_type in rules(cloud).DISK_TIERS:
        tier = disk_tier(cloud, native_type, size_gib)
        price = cat.part_price(region, f"disk:{native_type}:{tier}") if tier else None
        if price is None:
            return Part(name, None, f"{what}: no price for tier {tier or '?'} in {region}")
        return Part(name, cents(price), f"{what}, tier {tier} at ${price:g}/month")
    price = cat.part_price(region, f"disk:{native_type}")
    if price is None:
        return Part(name, None, f"{what}: no {native_type} price in {region}")
    return Part(name, cents(size_gib, price), f"{what} at ${price:g}/GiB-month")


def public_ip_part(region: str, spot: bool, cat: Catalog) -> Part:
    price = cat.part_price(region, "ipv4:public:spot") if spot else None
    price = price if price is not None else cat.part_price(region, "ipv4:public")
    if price is None:
        return Part("public IPv4", None, f"no public IPv4 price in {region}")
    return Part("public IPv4", monthly_cents(price), f"${price:g}/h", price)


def compute_part(cloud: str, region: str, instance_type: str, spot: bool, cat: Catalog) -> Part:
    """The instance at its price (``money.hourly_estimate``: for spot its spot price, unpriced without
    one, naming the on-demand price)."""
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
            f"{rules(cloud).SPOT_PRICES_COMMAND} fetches spot prices)",
        )
    if hourly is None:
        missing = "spot price" if spot else "price"
        return Part("compute", None, f"no {missing} for {instance_type} in {region}")
    label = f"{instance_type}{' spot' if spot else ''} ${hourly:g}/h"
    return Part("compute", monthly_cents(hourly), label, hourly)


def licence_part(cloud: str, region: str, instance_type: str, cat: Catalog) -> Part:
    """The Windows Server licence: the type's own price, else the per-vCPU rate times its licensed
    vCPUs (``Catalog.windows_licence``: not for burstable types nor Azure A v2/D v1 sizes, whose
    licence is not proportional to vCPUs)."""
    hourly, detail = cat.windows_licence(region, instance_type)
    if hourly is None:
        return Part("Windows licence", None, detail)
    return Part("Windows licence", monthly_cents(hourly), detail, hourly)


def admin_password_store_part(cloud: str) -> Part | None:
    """A Windows VM's admin password in the cloud's secret store (None where the VM holds it: Azure)."""
    store = rules(cloud).ADMIN_PASSWORD_STORE
    if store is None:
        return None
    monthly, detail = store
    return Part("admin password store", cents(monthly), detail)


def interface_endpoint_part(region: str, cat: Catalog, zones: int = 1, name: str = "SSM endpoint") -> Part:
    """An interface endpoint with a network interface in ``zones`` zones (an AWS VPC endpoint)."""
    hourly = cat.part_price(region, "endpoint:interface")
    if hourly is None:
        return Part(
            name,
            None,
            f"no interface endpoint price for {region} in the snapshot (catalog refresh {cat.cloud} fetches it)",
        )
    return Part(
        name,
        cents(hourly, zones, HOURS_PER_MONTH),
        f"interface endpoint in {zones} AZ at ${hourly:g}/h",
        hourly * zones,
    )


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
    cloud = spec.cloud
    extra = []
    if spec.is_windows:
        extra.append(admin_password_store_part(cloud))
        if rules(cloud).password_endpoint(spec):
            extra.append(interface_endpoint_part(spec.region, catalog or _catalog.load(cloud)))
    cost = vm_cost(
        cloud,
        spec.region,
        spec.instance_type,
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
