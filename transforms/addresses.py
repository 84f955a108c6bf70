"""Which IP addresses a fetch may connect to: globally routable ones, with IPv4 addresses inside IPv6 unwrapped.

Python's `is_global` (3.11) calls several IPv6 forms that carry an IPv4 address global, so `[64:ff9b::a9fe:a9fe]`
would pass while a NAT64 gateway turns it into 169.254.169.254, the cloud metadata service. Every transition form
is therefore recognised first: forms hosts really use to reach IPv4 sites are judged by the IPv4 address inside,
the others are refused whatever they carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

Address = IPv4Address | IPv6Address


@dataclass(frozen=True)
class Wrapped:
    """An IPv6 address in a transition range: the range's name and the IPv4 address it carries, if knowable."""

    form: str
    ipv4: IPv4Address | None
    unwrapped: bool  # True: judged by `ipv4`; False: refused whatever it carries


# (range, name, how to read the IPv4 address, judged by it?) in the order they are tried: the narrower ranges first,
# since ::ffff:0:0/96 and ::ffff:0:0:0/96 sit inside ::/96 and 64:ff9b:1::/48 beside 64:ff9b::/96.
TRANSITION_FORMS: tuple[tuple[IPv6Network, str, bool], ...] = (
    (IPv6Network("::ffff:0:0/96"), "IPv4-mapped", True),  # RFC 4291: a dual-stack socket's view of IPv4
    (IPv6Network("::ffff:0:0:0/96"), "IPv4-translated", True),  # RFC 2765 (SIIT)
    (IPv6Network("64:ff9b::/96"), "NAT64", True),  # RFC 6052 well-known prefix: DNS64 answers for IPv4 sites
    (IPv6Network("2002::/16"), "6to4", True),  # RFC 3056: bits 16-47
    # RFC 8215 local-use NAT64: the operator picks the prefix length, so where the IPv4 address sits is unknowable.
    (IPv6Network("64:ff9b:1::/48"), "local-use NAT64", False),
    (IPv6Network("2001::/32"), "Teredo", False),  # RFC 4380: a NAT traversal tunnel, never a publisher's server
    (IPv6Network("::/96"), "IPv4-compatible", False),  # deprecated by RFC 4291
)
# Ranges Python 3.11 calls global that no publisher can be reached on.
NOT_GLOBAL_V6 = (
    IPv6Network("fec0::/10"),  # site-local (deprecated, still routed inside some sites)
    IPv6Network("3fff::/20"),  # documentation (RFC 9637)
    IPv6Network("5f00::/16"),  # SRv6 segment identifiers (RFC 9602)
)
NOT_GLOBAL_V4 = (IPv4Network("192.88.99.0/24"),)  # the retired 6to4 relay anycast (RFC 7526)
NOT_PUBLIC = "not a public address"


def unwrap(address: IPv6Address) -> Wrapped | None:
    """The transition form `address` is in and the IPv4 address it carries; None for plain IPv6 (and :: or ::1)."""
    for network, form, judged_inside in TRANSITION_FORMS:
        if address in network:
            if form == "IPv4-compatible" and int(address) <= 1:
                return None  # :: and ::1 are the unspecified and loopback addresses, not wrapped IPv4
            return Wrapped(form, _carried(address, form), judged_inside)
    return None


def _carried(address: IPv6Address, form: str) -> IPv4Address | None:
    if form == "6to4":
        return address.sixtofour
    if form == "Teredo":
        teredo = address.teredo
        return teredo[1] if teredo else None  # the client, stored complemented in the low 32 bits
    if form == "local-use NAT64":
        return None
    return IPv4Address(int(address) & 0xFFFFFFFF)


def address_problem(address: Address) -> str | None:
    """None when `address` is globally routable; otherwise what it is, worded to follow "<address> is "."""
    if isinstance(address, IPv6Address):
        address = IPv6Address(int(address))  # without its zone id, which changes nothing about routability
        wrapped = unwrap(address)
        if wrapped is not None:
            if not wrapped.unwrapped or wrapped.ipv4 is None:
                carried = f" (carrying {wrapped.ipv4})" if wrapped.ipv4 is not None else ""
                return f"in the {wrapped.form} range{carried}, refused whatever it carries"
            if address_problem(wrapped.ipv4) is None:
                return None
            return f"{wrapped.form} for {wrapped.ipv4}, not a public address"
        if any(address in network for network in NOT_GLOBAL_V6):
            return NOT_PUBLIC
    elif any(address in network for network in NOT_GLOBAL_V4):
        return NOT_PUBLIC
    if not address.is_global or address.is_multicast:
        return NOT_PUBLIC
    return None


def is_public_address(address: Address) -> bool:
    """True when an address is globally routable (not loopback, private, link-local, metadata, or wrapping one)."""
    return address_problem(address) is None
