"""Per-request GraphQL context: the request and who is shopping where."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo
from starlette.requests import Request

from app.models import Shopper
from app.settings import Settings
from app.web.client_address import client_ip as resolve_client_ip

ResolveInfo = GraphQLResolveInfo[dict[str, Any]]


def preferred_locale(accept_language: str | None, default: str) -> str:
    """The first language of an Accept-Language header, e.g. "de-DE,de;q=0.9" -> "de-DE"."""
    if not accept_language:
        return default
    best, best_q = default, -1.0
    for part in accept_language.split(",")[:10]:
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        if q > best_q:
            best, best_q = tag, q
    return best


def build_context(settings: Settings) -> Any:
    def context_value(request: Request, _data: Any = None) -> dict[str, Any]:
        locale = preferred_locale(request.headers.get("accept-language"), settings.default_locale)
        shopper = Shopper(
            locale=locale,
            currency=settings.default_currency,
            country=settings.default_country,
        )
        # A plain string for the services (they know no Starlette): failed sign-ins are
        # counted per client address.
        client_ip = resolve_client_ip(request.scope, settings.trusted_proxy_networks)
        return {"request": request, "shopper": shopper, "client_ip": client_ip}

    return context_value


def shopper(info: ResolveInfo) -> Shopper:
    value: Shopper = info.context["shopper"]
    return value


def client_ip(info: ResolveInfo) -> str | None:
    value: str | None = info.context.get("client_ip")
    return value
