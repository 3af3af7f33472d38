"""What a firewall rule admits, as the clouds evaluate it: source address sets, port ranges,
protocols, and rule lists evaluated first-match-wins (priorities and Deny rules).

Sources are sets of addresses, not strings: ``0.0.0.0/1`` plus ``128.0.0.0/1`` is the whole
internet, as is ``*``, ``Internet``, ``::/0`` or ``0.0.0.0/0`` minus the private ranges. "Open to the
internet" means the addresses a rule list lets through (after the Deny rules above each Allow) are
too many for anyone to list who is in them: every public IPv4 address (0.0.0.0/0 without the IANA
special-purpose ranges) or every global unicast IPv6 address (2000::/3 without the documentation
prefixes), or more of them than a :class:`Threshold` allows (by default more public IPv4 addresses
than one /8 holds, or more global IPv6 addresses than one /16), or a source named by what it is
rather than by its addresses (a country's address space, a threat-intelligence list, Azure's
AzureCloud tag) that is not shadowed by a Deny.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .values import UNKNOWN, is_known, lower

ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
ALL_PORTS = (0, 65535)
TCP_PROTOCOLS = frozenset({"tcp", "6", "-1", "all", "*", "any"})

Intervals = tuple[tuple[int, int], ...]


def _merge(intervals: Iterable[tuple[int, int]]) -> Intervals:
    merged: list[list[int]] = []
    for low, high in sorted(intervals):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return tuple((low, high) for low, high in merged)


def _subtract(intervals: Intervals, removed: Intervals) -> Intervals:
    out = []
    for low, high in intervals:
        pieces = [(low, high)]
        for r_low, r_high in removed:
            next_pieces = []
            for p_low, p_high in pieces:
                if r_high < p_low or r_low > p_high:
                    next_pieces.append((p_low, p_high))
                    continue
                if p_low < r_low:
                    next_pieces.append((p_low, r_low - 1))
                if r_high < p_high:
                    next_pieces.append((r_high + 1, p_high))
            pieces = next_pieces
        out += pieces
    return _merge(out)


def _net(text: str) -> tuple[int, tuple[int, int]]:
    network = ipaddress.ip_network(text, strict=False)
    return network.version, (int(network.network_address), int(network.broadcast_address))


@dataclass(frozen=True)
class Addresses:
    """A set of IPv4 and IPv6 addresses (merged intervals)."""

    v4: Intervals = ()
    v6: Intervals = ()

    def __or__(self, other: Addresses) -> Addresses:
        return Addresses(_merge(self.v4 + other.v4), _merge(self.v6 + other.v6))

    def __sub__(self, other: Addresses) -> Addresses:
        return Addresses(_subtract(self.v4, other.v4), _subtract(self.v6, other.v6))

    def __and__(self, other: Addresses) -> Addresses:
        return self - (self - other)

    def __bool__(self) -> bool:
        return bool(self.v4 or self.v6)

    def covers(self, other: Addresses) -> bool:
        return not (other - self)

    def count_v4(self) -> int:
        return sum(high - low + 1 for low, high in self.v4)

    def count_v6(self) -> int:
        return sum(high - low + 1 for low, high in self.v6)


def addresses(*cidrs: str) -> Addresses:
    v4, v6 = [], []
    for cidr in cidrs:
        version, interval = _net(cidr)
        (v4 if version == 4 else v6).append(interval)
    return Addresses(_merge(v4), _merge(v6))


EVERYWHERE = addresses("0.0.0.0/0", "::/0")
# IANA special-purpose IPv4 ranges (RFC 6890 and successors): not reachable from the internet.
NOT_PUBLIC_V4 = addresses(
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
)
PUBLIC_V4 = addresses("0.0.0.0/0") - NOT_PUBLIC_V4
# Global unicast IPv6 without the documentation prefixes (RFC 3849, RFC 9637).
GLOBAL_V6 = addresses("2000::/3") - addresses("2001:db8::/32", "3fff::/20")
INTERNET = PUBLIC_V4 | GLOBAL_V6

# Sources that mean "any address": Azure's * and Any, GCP/AWS CIDRs of length 0 in any spelling.
ANY_WORDS = frozenset({"*", "any", "0.0.0.0/0", "::/0"})
# Azure's Internet service tag: the public address space outside the virtual network.
INTERNET_WORDS = frozenset({"internet"})
# Azure service tags for every Azure datacenter address, cloud-wide or in one region (AzureCloud,
# AzureCloud.WestEurope): any Azure customer's VM has one, so anyone who rents a VM is in the set.
RENTABLE = re.compile(r"(?i)azurecloud(\.[a-z0-9]+)?")


@dataclass(frozen=True)
class Threshold:
    """How broad a source may be before it counts as the internet: more public IPv4 addresses than
    one /``v4_prefix`` holds, or more global IPv6 addresses than one /``v6_prefix`` (0: only the
    whole internet)."""

    v4_prefix: int = 8
    v6_prefix: int = 16

    def public_counts(self, allowed: Addresses) -> tuple[int, int]:
        return (allowed & PUBLIC_V4).count_v4(), (allowed & GLOBAL_V6).count_v6()

    def too_broad(self, allowed: Addresses) -> bool:
        if reaches_internet(allowed):
            return True
        v4, v6 = self.public_counts(allowed)
        return v4 > 2 ** (32 - self.v4_prefix) or v6 > 2 ** (128 - self.v6_prefix)

    def describe(self, allowed: Addresses) -> str:
        """Why the set counts as the internet, for messages."""
        if reaches_internet(allowed):
            return "the whole internet"
        v4, _ = self.public_counts(allowed)
        if v4 > 2 ** (32 - self.v4_prefix):
            return f"{v4:,} public IPv4 addresses, more than a /{self.v4_prefix} holds: as good as the internet"
        return f"a global IPv6 space broader than a /{self.v6_prefix}: as good as the internet"


DEFAULT_THRESHOLD = Threshold()


def parse_source(source: str) -> Addresses | None:
    """One source as written: CIDR or IP, *, Any, Internet; None for names (service tags,
    security groups, address groups) whose addresses the pack cannot know."""
    text = source.strip().lower()
    if text in ANY_WORDS:
        return EVERYWHERE
    if text in INTERNET_WORDS:
        return INTERNET
    try:
        return addresses(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Sources:
    """The sources of one rule: the addresses they cover, the entries as written, and the entries
    that name a set of public addresses nobody could list (a country, a threat-intelligence list)."""

    addresses: Addresses
    written: tuple[str, ...]
    named_broad: tuple[str, ...] = ()

    @classmethod
    def of(cls, entries: Iterable[str]) -> Sources:
        written = tuple(e for e in entries if isinstance(e, str) and e.strip())
        parsed = [parse_source(e) for e in written]
        total = Addresses()
        for a in parsed:
            if a is not None:
                total = total | a
        rentable = [e for e in written if RENTABLE.fullmatch(e.strip())]
        return cls(total, tuple(e for e in written if e not in rentable)).with_named(
            f"{e.strip()} (every Azure datacenter address: anyone who rents an Azure VM)" for e in rentable
        )

    def with_named(self, named: Iterable[str]) -> Sources:
        named = tuple(named)
        return Sources(self.addresses, (*self.written, *named), (*self.named_broad, *named))

    def broad(self) -> list[str]:
        """The entries that reach into the internet (for messages)."""
        return [
            e
            for e in self.written
            if e in self.named_broad or ((a := parse_source(e.split(" ")[0])) is not None and a & INTERNET)
        ]


def reaches_internet(allowed: Addresses) -> bool:
    """Every public IPv4 address, or every global IPv6 address, is in the set."""
    return allowed.covers(PUBLIC_V4) or allowed.covers(GLOBAL_V6)


def carries_tcp(protocol: Any) -> bool | None:
    """SSH and RDP listen on TCP; "all" protocols include it. None when unknown."""
    if protocol is UNKNOWN:
        return None
    if isinstance(protocol, (int, float)) and not isinstance(protocol, bool):
        return protocol in (6, -1)
    text = lower(protocol)
    if text is None:
        return False
    return text.removesuffix(".0") in TCP_PROTOCOLS


def parse_port_range(spec: Any) -> tuple[int, int] | None:
    """ "22", 22, 22.0, "20-25", "*" -> (low, high); None when unknown or not a port range."""
    if isinstance(spec, bool) or not is_known(spec):
        return None
    if isinstance(spec, float) and not spec.is_integer():
        return None
    if isinstance(spec, (int, float)):
        return (int(spec), int(spec)) if 0 <= spec <= ALL_PORTS[1] else None
    text = str(spec).strip()
    if text in ("*", "any"):
        return ALL_PORTS
    match = re.fullmatch(r"(\d{1,5})(?:\s*-\s*(\d{1,5}))?", text)
    if not match:
        return None
    low = int(match.group(1))
    return (low, int(match.group(2) or low))


def port_ranges(specs: Iterable[Any]) -> tuple[tuple[int, int], ...] | None:
    """Several port specs; None when any of them is unknown (so the whole rule is unreadable)."""
    ranges = []
    for spec in specs:
        if spec is UNKNOWN:
            return None
        parsed = parse_port_range(spec)
        if parsed:
            ranges.append(parsed)
    return tuple(ranges)


@dataclass(frozen=True)
class Rule:
    """One rule as the cloud evaluates it. ``ports``/``sources`` None: not known until apply."""

    allow: bool
    ports: tuple[tuple[int, int], ...] | None
    sources: Sources | None
    label: str


@dataclass(frozen=True)
class Opening:
    """An admin port the rules open to the internet: the Allow rules that let it in, and why what
    they let in counts as the internet."""

    openers: tuple[Rule, ...]
    why: str
    shadowed: bool  # Deny rules above took part of what the openers name


def open_admin_ports(rules: Sequence[Rule], threshold: Threshold = DEFAULT_THRESHOLD) -> dict[int, Opening]:
    """The admin ports the rules, evaluated in order with the first match deciding, let the internet
    reach (see :class:`Threshold`): port -> the opening. A Deny rule that cannot be read (unknown
    sources or ports) may shadow every rule after it, so evaluation stops there for that port."""
    result = {}
    for port in ADMIN_PORTS:
        undecided, allowed, denied, openers, named = EVERYWHERE, Addresses(), Addresses(), [], []
        shadowed = False
        for rule in rules:
            if rule.ports is None or rule.sources is None:
                if rule.allow:
                    continue
                break
            if not any(low <= port <= high for low, high in rule.ports):
                continue
            hit = rule.sources.addresses & undecided
            # A named source set (a country) counts while the internet is not already decided.
            open_named = rule.allow and rule.sources.named_broad and threshold.too_broad(undecided & INTERNET)
            if rule.allow and (hit & INTERNET or open_named):
                allowed = allowed | hit
                openers.append(rule)
                named += list(rule.sources.named_broad) if open_named else []
                shadowed = shadowed or bool(rule.sources.addresses & INTERNET & denied)
            if not rule.allow:
                denied = denied | rule.sources.addresses
            undecided = undecided - rule.sources.addresses
        if openers and (named or threshold.too_broad(allowed)):
            why = (
                threshold.describe(allowed)
                if threshold.too_broad(allowed)
                else (f"{', '.join(named)}: address sets named by what they are, which no one can list")
            )
            result[port] = Opening(tuple(openers), why, shadowed)
    return result


def exposure_messages(
    subject: str, rules: Sequence[Rule], fix: str, threshold: Threshold = DEFAULT_THRESHOLD
) -> list[str]:
    """One message per group of Allow rules that together open admin ports to the internet."""
    by_openers: dict[tuple[str, ...], list[int]] = {}
    openings: dict[tuple[str, ...], Opening] = {}
    for port, opening in open_admin_ports(rules, threshold).items():
        key = tuple(r.label for r in opening.openers)
        by_openers.setdefault(key, []).append(port)
        openings[key] = opening
    messages = []
    for labels, ports in by_openers.items():
        opening = openings[labels]
        written = list(dict.fromkeys(s for r in opening.openers for s in (r.sources.broad() if r.sources else [])))
        services = ", ".join(f"{ADMIN_PORTS[p]} ({p})" for p in ports)
        verb = "open" if len(labels) > 1 else "opens"
        why = ("together " if len(labels) > 1 and opening.why == "the whole internet" else "") + opening.why
        after = "; what Deny rules above take out still leaves that" if opening.shadowed else ""
        messages.append(
            f"{subject}: {' + '.join(labels)} {verb} {services} to {', '.join(written) or 'any address'} "
            f"({why}{after}). Fix: {fix}."
        )
    return messages
