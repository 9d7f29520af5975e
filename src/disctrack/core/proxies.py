"""Which connecting addresses are the operator's own proxies (DISCTRACK_TRUSTED_PROXIES).

Behind a TLS proxy every request connects from the proxy's address. The client's address is
then in the X-Forwarded-For header the proxy adds, but anyone can send that header: it is
believed only from an address the operator declared as a proxy, and only for the hops the
declared proxies added. Read at start-up (no Django here), so a malformed value stops the
server with a message instead of silently trusting nobody, or everybody.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(name: str, raw: str) -> tuple[Network, ...]:
    """'10.0.0.5, 192.168.0.0/24, ::1' as networks; ValueError naming the bad entry."""
    networks = []
    for entry in (part.strip() for part in raw.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{name}: {entry!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)") from None
    return tuple(networks)


def _trusted(address: str, proxies: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(remote_addr: str, forwarded_for: str, proxies: tuple[Network, ...]) -> str:
    """The client's address: the connecting one, or, when that is a declared proxy, the
    right-most X-Forwarded-For hop that is not itself a declared proxy."""
    remote = remote_addr or "unknown"
    if not proxies or not _trusted(remote, proxies):
        return remote
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a garbled header: count the proxy rather than a made-up name
    return hops[0] if hops else remote
