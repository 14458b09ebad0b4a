"""Hardening (docs/security.md): which browsers and proxies are believed, and how failed
credential checks are throttled."""

from __future__ import annotations

import ipaddress
import re
from functools import cached_property
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator

from app.networks import IPNetwork, parse_networks
from app.settings.base import GROUP_CONFIG

# What tracing and monitoring add to a storefront's requests: W3C Trace Context and Baggage
# (OpenTelemetry), Sentry's trace header, Apollo Client's client awareness.
MONITORING_HEADERS = (
    "traceparent",
    "tracestate",
    "baggage",
    "sentry-trace",
    "apollographql-client-name",
    "apollographql-client-version",
)
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
_HOST_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def normalize_host(host: str) -> str:
    """A host as Host headers and settings write it, compared: lower case, no brackets around
    an IPv6 address, no trailing dot."""
    return host.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(_HOST_NAME.match(host))
    return True


class SecuritySettings(BaseModel):
    model_config = GROUP_CONFIG

    # Storefront origins that may call /graphql from a browser with cookies (comma-separated,
    # e.g. https://shop.example.com); none by default.
    cors_allowed_origins: str = Field(default="", validation_alias="cors_allowed_origins")
    # Request headers that allowed origins may send besides the service's own (comma-separated;
    # replaces the default list, empty for none).
    cors_allowed_headers: str = Field(
        default=",".join(MONITORING_HEADERS), validation_alias="cors_allowed_headers"
    )
    # Host names the service answers for, besides PUBLIC_URL's and HOST (Settings.allowed_hosts);
    # "*" for any.
    allowed_hosts: str = Field(default="", validation_alias="allowed_hosts")
    # Proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed; none by default.
    trusted_proxies: str = Field(default="", validation_alias="trusted_proxies")
    # Failed credential checks: this many within THROTTLE_WINDOW_SECONDS lock the e-mail
    # address (or client address) for THROTTLE_LOCKOUT_SECONDS.
    throttle_window_seconds: int = Field(
        default=900, gt=0, validation_alias="throttle_window_seconds"
    )
    throttle_lockout_seconds: int = Field(
        default=300, gt=0, validation_alias="throttle_lockout_seconds"
    )
    throttle_max_failures_per_email: int = Field(
        default=5, ge=1, validation_alias="throttle_max_failures_per_email"
    )
    throttle_max_failures_per_address: int = Field(
        default=30, ge=1, validation_alias="throttle_max_failures_per_address"
    )
    # Failed sign-ins take at least this long, whatever failed (no timing says if an account
    # exists).
    credential_failure_min_seconds: float = Field(
        default=0.3, ge=0, le=5, validation_alias="credential_failure_min_seconds"
    )
    # Password reset requests: their own budget per client address (window and lockout as
    # above), and at most one mail per e-mail address per interval, however often it is asked.
    password_reset_max_requests_per_address: int = Field(
        default=30, ge=1, validation_alias="password_reset_max_requests_per_address"
    )
    password_reset_mail_interval_seconds: int = Field(
        default=300, ge=1, validation_alias="password_reset_mail_interval_seconds"
    )
    # New guest sessions (an anonymous token, then a cart upstream) per client address within
    # the window: far above what the shoppers behind one address start, far below a flood.
    anonymous_sessions_per_address: int = Field(
        default=100, ge=1, validation_alias="anonymous_sessions_per_address"
    )
    anonymous_sessions_window_seconds: int = Field(
        default=600, gt=0, validation_alias="anonymous_sessions_window_seconds"
    )
    # A request's whole body must arrive within this many seconds of its headers: a client
    # trickling bytes cannot hold a connection and its task open.
    request_body_timeout_seconds: float = Field(
        default=10.0, gt=0, validation_alias="request_body_timeout_seconds"
    )

    @field_validator("cors_allowed_origins")
    @classmethod
    def _origins_are_exact(cls, value: str) -> str:
        for origin in (part.strip() for part in value.split(",")):
            if not origin:
                continue
            parts = urlsplit(origin)
            # Credentials are allowed for these origins: never a wildcard, never a path.
            exact = f"{parts.scheme}://{parts.netloc}" == origin
            if parts.scheme not in ("http", "https") or not parts.netloc or not exact:
                raise ValueError(
                    "CORS_ALLOWED_ORIGINS lists exact origins such as https://shop.example.com "
                    "(scheme and host, optional port; no '*', no path)"
                )
        return value

    @field_validator("cors_allowed_headers")
    @classmethod
    def _headers_are_names(cls, value: str) -> str:
        if not all(_HEADER_NAME.match(name) for name in _split(value)):
            raise ValueError(
                "CORS_ALLOWED_HEADERS lists header names, comma-separated, e.g. traceparent,baggage"
            )
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _hosts_are_names(cls, value: str) -> str:
        for host in _split(value):
            if host != "*" and not _is_host(normalize_host(host)):
                raise ValueError(
                    "ALLOWED_HOSTS lists host names or addresses such as api.example.com or "
                    "10.0.0.5 (no scheme, port or path), or * for any"
                )
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: str) -> str:
        try:
            parse_networks(value)
        except ValueError:
            raise ValueError(
                "TRUSTED_PROXIES lists IP addresses or CIDR ranges, e.g. 10.0.0.0/8,192.0.2.7"
            ) from None
        return value

    @property
    def cors_origins(self) -> list[str]:
        return _split(self.cors_allowed_origins)

    @property
    def cors_extra_headers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name.lower() for name in _split(self.cors_allowed_headers)))

    @property
    def allowed_host_names(self) -> list[str]:
        """ALLOWED_HOSTS normalized; `*` stays `*`."""
        return [normalize_host(host) for host in _split(self.allowed_hosts)]

    @cached_property
    def trusted_proxy_networks(self) -> list[IPNetwork]:
        return parse_networks(self.trusted_proxies)
