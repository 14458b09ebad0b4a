"""Sites, as browsers decide what `SameSite` cookies go with: the scheme and the registrable
domain of a URL (its public suffix plus one label, from the Public Suffix List), or the host
itself when that is an IP address or a name with no registrable part (`localhost`).

`https://shop.example.com` and `https://api.example.com` are one site (`https://example.com`);
`http://localhost:3000` and `http://127.0.0.1:8000` are two, and so are `http://` and
`https://` of one host. Ports never matter.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList


@dataclass(frozen=True)
class Site:
    scheme: str
    domain: str

    def __str__(self) -> str:
        return f"{self.scheme}://{self.domain}"


@cache
def _suffixes() -> PublicSuffixList:
    # The list ships with the package (no download); reading it takes ~30 ms, once.
    return PublicSuffixList()


def host_of(url: str) -> str:
    """The URL's host name, lower case, without a trailing dot or IPv6 brackets."""
    return (urlsplit(url).hostname or "").rstrip(".").lower()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def site_of(url: str) -> Site:
    host = host_of(url)
    domain = host if _is_ip(host) else (_suffixes().privatesuffix(host) or host)
    return Site(urlsplit(url).scheme.lower(), domain)


def same_site(first: str, second: str) -> bool:
    return site_of(first) == site_of(second)


def is_loopback_host(host: str) -> bool:
    """`localhost` (and names under it) or a loopback address: browsers treat such http URLs
    as secure contexts, so they keep `Secure` cookies from them."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
