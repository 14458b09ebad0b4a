"""Who is calling: the client's IP address, for throttling.

The TCP peer is the client unless it is one of our own proxies (`TRUSTED_PROXIES`). Only then is
`X-Forwarded-For` read, from the right: each trusted proxy appended the address it saw, so the
first address from the right that is not a trusted proxy is the client. Anything left of it was
written by the client and is ignored — trusting it would let anyone pick the address their
failed sign-ins are counted against.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Sequence

from app.asgi import Scope
from app.networks import IPNetwork

# A header longer than this is not a proxy chain; reading it would only cost time.
_MAX_HOPS = 20


# Parsing an address is ~2 us; a busy worker sees the same few peers (its proxies) again and
# again.
@functools.lru_cache(maxsize=1024)
def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Sequence[IPNetwork]
) -> bool:
    return any(address in network for network in networks)


def client_ip(scope: Scope, trusted_proxies: Sequence[IPNetwork]) -> str | None:
    client = scope.get("client")
    peer = _address(str(client[0])) if client else None
    if peer is None:
        return None
    if not trusted_proxies or not _trusted(peer, trusted_proxies):
        return str(peer)
    hops: list[str] = []
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-for":
            hops.extend(value.decode("latin-1").split(","))
    nearest = peer
    for hop in reversed(hops[-_MAX_HOPS:]):
        address = _address(hop)
        if address is None:
            # Garbage is never written by our proxies: it came from the client's side.
            break
        nearest = address
        if not _trusted(address, trusted_proxies):
            break
    return str(nearest)
