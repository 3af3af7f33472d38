"""Size: a named instance type checked against the catalog and cloud rules, or the cheapest offering
that meets cpus, memory, arch, spot and disk needs (in the zones the VM may use)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from .. import catalog, cloud_rules
from ..catalog import Offering
from ..cloud_rules import CLOUDS, SizeNeeds, rules
from ..errors import SpecError

if TYPE_CHECKING:  # the size rules are also what ``compare`` asks, which loads no more than it needs
    from .model import Checker

DEFAULT_CPUS = 2


DEFAULT_MEMORY_GIB = 4


# Families the cheapest-offering search never picks on its own (a user can still name them), per cloud
# (cloud_rules/<cloud>.py: AWS Mac and high-memory types need dedicated hosts).
AUTO_EXCLUDED = {cloud: rules(cloud).AUTO_EXCLUDED for cloud in CLOUDS if rules(cloud).AUTO_EXCLUDED is not None}


def _arch(check: Checker) -> str | None:
    from ..images import ARCHES

    arch = check.args.get("arch")
    if arch is None:
        return None
    if arch not in ARCHES:
        raise check.fail("arch", arch, "expected one of " + ", ".join(ARCHES))
    return arch


def resolve_size(
    check: Checker, cloud: str, region: str, needs: SizeNeeds, zones: frozenset[str] | None
) -> tuple[Offering, str]:
    arch = _arch(check)
    instance_type = check.optional_str("instance_type")
    cat = catalog.load(cloud)
    if instance_type is not None:
        offering = cat.get(instance_type, region)
        if offering is None:
            if instance_type in cat.instance_types:
                elsewhere = cat.regions_offering(instance_type)
                more = f" and {len(elsewhere) - 8} more" if len(elsewhere) > 8 else ""
                raise check.fail(
                    "instance_type",
                    instance_type,
                    f"not offered in {region}; offered in " + ", ".join(elsewhere[:8]) + more,
                )
            similar = sorted(t for t in cat.offerings(region) if t.lower().startswith(instance_type.lower()[:4]))
            hint = ", ".join(similar[:6]) or ", ".join(sorted(cat.offerings(region))[:6])
            raise check.fail("instance_type", instance_type, f"unknown {cloud} size in {region}; e.g. {hint}")
        if arch is not None and offering.arch != arch:
            raise check.fail(
                "arch", arch, f"{instance_type} is {offering.arch}; use arch={offering.arch!r} or another size"
            )
        problem = cloud_rules.size_problem(offering, needs)
        if problem is not None:
            raise _size_problem(check, needs, problem)
        return offering, offering.arch

    arch = arch or "x86_64"
    cpus, memory, burstable = _shape(check)
    offering = choose_offering(cat, region, cpus, memory, arch, burstable, needs, zones)
    if offering is not None:
        return offering, arch
    nearest = catalog.nearest_offerings(cloud, region, cpus=cpus, memory_gib=memory, arch=arch)
    constraint = f"cpus={cpus}, memory_gib={memory:g}, arch={arch}" + ("" if burstable else ", burstable=False")
    constraint += ", spot" if needs.spot else ""
    constraint += f", {needs.data_disks} data disks" if needs.data_disks else ""
    pinned = sorted({needs.pinned_boot, *needs.pinned_data} - {None})
    constraint += f", disks kept as {'/'.join(pinned)}" if pinned else ""
    constraint += f", a {needs.pinned_generation} image" if needs.pinned_generation else ""
    if zones is not None:
        constraint += f" in zone {', '.join(sorted(zones))}"
    raise check.fail(
        "cpus/memory_gib",
        f"{cpus}/{memory:g}",
        f"no {cloud} offering in {region} meets {constraint}; nearest: " + "; ".join(o.shape() for o in nearest),
    )


@lru_cache(maxsize=4096)
def choose_offering(
    cat: catalog.Catalog,
    region: str,
    cpus: int,
    memory: float,
    arch: str,
    burstable: bool,
    needs: SizeNeeds,
    zones: frozenset[str] | None,
) -> Offering | None:
    """The offering a spec resolves to, memoised per loaded snapshot and shape: a fleet of VMs with the
    same shape scans the region's offerings once, not once per VM (a reloaded Catalog is a miss).

    Among the sizes that fit, the cheapest without doubts wins: a Windows VM prefers sizes whose
    licence has a price (an Azure B-series size's Windows licence may have no public one), any VM a price
    the sanity rules do not doubt (likely a data error) and a size whose zones the catalog knows
    (GCP C4A is seeded by region). A doubtful size is taken only when every size that fits has a
    doubt, the one with the fewest first (the type itself is real)."""
    candidates = catalog.find_cheapest(
        cat.cloud,
        region,
        cpus=cpus,
        memory_gib=memory,
        arch=arch,
        burstable=burstable,
        spot=needs.spot,
        zones=zones,
        limit=200,
        catalog=cat,
    )
    if needs.windows:
        candidates = windows_ranked(cat, candidates, needs.spot)
    best, best_doubts = None, None
    for offering in candidates:
        if not auto_selectable(cat.cloud, offering, needs):
            continue
        doubts = size_doubts(cat, offering, needs)
        if not any(doubts):
            return offering
        if best_doubts is None or doubts < best_doubts:
            best, best_doubts = offering, doubts
    return best


def windows_ranked(cat: catalog.Catalog, candidates: list[Offering], spot: bool) -> list[Offering]:
    """A Windows VM pays its size and its licence, so it ranks by both, as ``compare --os windows``
    does: a size with its own licence price (AWS T types, Azure B-series, GCP shared-core) can be
    the cheaper Windows VM though another is cheaper on Linux (ap-south-2: t3.large $0.1172/h with
    its licence, m6a.large $0.1475/h). A licence without a price counts nothing here: that is a doubt
    (``size_doubts``). Ties keep ``find_cheapest``'s order."""

    def price(o: Offering) -> tuple[bool, float]:
        compute = o.hourly_price(spot) if spot else o.price_hourly
        licence = cat.windows_licence(o.region, o.instance_type)[0] or 0.0
        return compute is None, (o.price_hourly if compute is None else compute) + licence

    return sorted(candidates, key=price)


def size_doubts(cat: catalog.Catalog, offering: Offering, needs: SizeNeeds) -> tuple[bool, bool, bool]:
    """Why the size search would rather not take a size that fits, most serious first: its Windows
    licence has no price (for a Windows VM), its price is doubted, its zones are unknown."""
    return (
        needs.windows and cat.windows_licence(offering.region, offering.instance_type)[0] is None,
        _suspect_price(cat, offering, needs.spot),
        offering.zones is None and bool(offering.facts.get("zones_unverified")),
    )


def _suspect_price(cat: catalog.Catalog, offering: Offering, spot: bool) -> bool:
    """Whether the price sanity rules (``catalog/sanity.py``) doubt the offering's price."""
    return bool(cat.findings(offering, spot))


def auto_selectable(cloud: str, offering: Offering, needs: SizeNeeds) -> bool:
    return auto_selection_problem(cloud, offering, needs) is None


def auto_selection_problem(cloud: str, offering: Offering, needs: SizeNeeds) -> str | None:
    """Why the size search never picks a size by itself (a user can still name it as instance_type):
    its cloud's rules exclude it (a family that needs a dedicated host; on Azure a size without premium
    storage) or it cannot serve the spec; None when it may. ``compare`` says the same (``skip_reason``)."""
    problem = rules(cloud).auto_selection_problem(offering)
    if problem is not None:
        return problem
    size_problem = cloud_rules.size_problem(offering, needs)
    return size_problem[1] if size_problem else None


def azure_supports_premium(offering: Offering) -> bool:
    from ..cloud_rules.azure import supports_premium

    return supports_premium(offering)


def _shape(check: Checker) -> tuple[int, float, bool]:
    cpus = check.integer("cpus", check.args.get("cpus", DEFAULT_CPUS), 1)
    memory = check.args.get("memory_gib", DEFAULT_MEMORY_GIB)
    if isinstance(memory, bool) or not isinstance(memory, (int, float)) or memory <= 0:
        raise check.fail("memory_gib", memory, "expected a number of GiB > 0")
    return cpus, memory, check.boolean("burstable", True)


def locked_size(check: Checker, cloud: str, region: str, instance_type: str, needs: SizeNeeds) -> Offering:
    """The size a stack's lock keeps for a VM, checked against what the spec now asks of it (more data
    disks than it takes, spot it cannot run as, ...). The size inputs are checked as ever."""
    arch = _arch(check)
    if check.optional_str("instance_type") is None:
        _shape(check)
    offering = catalog.load(cloud).get(instance_type, region)
    if offering is None:
        raise check.fail(
            "instance_type",
            instance_type,
            f"the stack's lock keeps {instance_type}, which the catalog no longer lists in {region}; re-resolve it "
            f"with `python -m components lock --update {check.vm}` (or name an instance_type)",
        )
    if arch is not None and offering.arch != arch:
        raise check.fail("arch", arch, f"the stack's lock keeps {instance_type}, which is {offering.arch}")
    problem = cloud_rules.size_problem(offering, needs)
    if problem is not None:
        error = _size_problem(check, needs, problem)
        raise check.fail(
            error.field,
            error.value,
            f"{error.expected} (the stack's lock keeps {instance_type}; re-resolve with "
            f"`python -m components lock --update {check.vm}` or name an instance_type)",
        )
    return offering


def _size_problem(check: Checker, needs: SizeNeeds, problem: tuple[str, str]) -> SpecError:
    field_name, reason = problem
    if field_name in ("pinned_disks", "pinned_image"):
        named = check.args.get("instance_type")
        if named is not None:
            return check.fail("instance_type", named, reason)
        return check.fail(
            "cpus/memory_gib",
            f"{check.args.get('cpus', DEFAULT_CPUS)}/{check.args.get('memory_gib', DEFAULT_MEMORY_GIB)}",
            reason,
        )
    if field_name == "data_disks.disk_type":
        index = next(
            i for i, disk in enumerate(check.args.get("data_disks") or []) if disk.get("disk_type") == "standard"
        )
        field_name = f"data_disks[{index}].disk_type"
        return check.fail(field_name, "standard", reason)
    value = {"spot": needs.spot, "disk_type": needs.boot_disk, "data_disks": f"[{needs.data_disks} disks]"}[field_name]
    return check.fail(field_name, value, reason)
