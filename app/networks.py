"""IP networks as settings name them (`TRUSTED_PROXIES`)."""

from __future__ import annotations

import ipaddress

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str) -> list[IPNetwork]:
    """Comma-separated addresses or CIDR ranges; ValueError when malformed."""
    parts = [part.strip() for part in value.split(",")]
    return [ipaddress.ip_network(part, strict=False) for part in parts if part]
