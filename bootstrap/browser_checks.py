"""Start-up warnings about how browsers will treat the storefront's calls (docs/deployment.md).

A storefront page on another *site* than the API (site: scheme and registrable domain, see
app/sites.py) gets no SameSite=Lax or Strict cookie on its calls: every request then starts a
new session, a new cart, and nothing says why. The settings cannot refuse this (the origin may
serve pages that never need a session), so the service says it at start-up.
"""

from __future__ import annotations

from app.settings import Settings
from app.sites import same_site, site_of


def browser_warnings(settings: Settings) -> list[str]:
    warnings = _allowed_origin_warnings(settings)
    if settings.serves_demo_storefront:
        page, api = settings.shop.storefront_url, settings.demo_storefront_api_url
        if not same_site(page, api):
            warnings.append(
                f"The demo storefront at {page} calls the API at {api} ({site_of(page)} vs "
                f"{site_of(api)}): {_consequence(settings)}. Give STOREFRONT_URL and PUBLIC_URL "
                "one host name (see docs/deployment.md)."
            )
    return warnings


def _allowed_origin_warnings(settings: Settings) -> list[str]:
    origins = settings.security.cors_origins
    api_url = settings.api_url
    if not origins:
        return []
    if api_url is None:
        return [
            "PUBLIC_URL is not set and HOST listens on every interface: the service cannot "
            "tell whether CORS_ALLOWED_ORIGINS are the same site as the API, which the session "
            "cookie needs (docs/deployment.md). Set PUBLIC_URL to the API's address."
        ]
    warnings = []
    for origin in origins:
        if same_site(origin, api_url):
            continue
        sites = f"{site_of(origin)} vs {site_of(api_url)}"
        warnings.append(
            f"CORS_ALLOWED_ORIGINS has {origin}, another site than the API at {api_url} "
            f"({sites}): {_consequence(settings)}. Serve storefront and API on one site (in "
            "development: both on localhost, or both on 127.0.0.1); see docs/deployment.md."
        )
    return warnings


def _consequence(settings: Settings) -> str:
    same_site_mode = settings.session.cookie_samesite
    if same_site_mode == "none":
        return (
            "the session cookie (SameSite=None) reaches the API from its pages only in "
            "browsers that allow third-party cookies (Safari never does)"
        )
    return (
        f"browsers leave the session cookie (SameSite={same_site_mode.capitalize()}) "
        "off its requests, so every request from its pages starts a new session and a "
        "new cart"
    )
