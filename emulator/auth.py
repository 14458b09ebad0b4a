"""OAuth 2.0 endpoints of the auth URL, and the bearer check every API route uses.

Flows (commercetools' oauth.raml): client credentials and refresh at `POST /oauth/token`,
anonymous sessions at `POST /oauth/{projectKey}/anonymous/token`, the password flow at
`POST /oauth/{projectKey}/customers/token`, and `POST /oauth/introspect`. Parameters are read
from the query string and from a form-encoded body, as commercetools accepts both.

API routes call `require_token(request)` first; it answers 401 `invalid_token` for a missing,
unknown or expired bearer token and 403 `insufficient_scope` for a token of another project.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from emulator.errors import CtpApiError, insufficient_scope, invalid_token
from emulator.state import Emulator, RefreshTokenInfo, TokenInfo

# Scope names an API client may hold (the `{name}:{projectKey}` part of commercetools' scopes).
# Requests for anything else are refused with invalid_scope, as commercetools does.
KNOWN_SCOPE_NAMES = frozenset(
    {
        "manage_project",
        "view_project_settings",
        "manage_project_settings",
        "manage_channels",
        "view_channels",
        "create_anonymous_token",
        "introspect_oauth_tokens",
        "manage_api_clients",
        "view_api_clients",
        "manage_products",
        "view_products",
        "view_published_products",
        "manage_categories",
        "view_categories",
        "manage_customers",
        "view_customers",
        "manage_orders",
        "view_orders",
        "manage_shopping_lists",
        "view_shopping_lists",
        "manage_discount_codes",
        "view_discount_codes",
        "manage_cart_discounts",
        "view_cart_discounts",
        "manage_shipping_methods",
        "view_shipping_methods",
        "manage_tax_categories",
        "view_tax_categories",
        "manage_zones",
        "view_zones",
        "manage_product_selections",
        "view_product_selections",
        "manage_stores",
        "view_stores",
        "manage_customer_groups",
        "view_customer_groups",
        "view_messages",
        "manage_payments",
        "view_payments",
        "manage_extensions",
        "manage_subscriptions",
        "manage_types",
        "view_types",
        "manage_my_profile",
        "view_my_profile",
        "manage_my_orders",
        "view_my_orders",
        "manage_my_shopping_lists",
        "view_my_shopping_lists",
        "manage_my_payments",
        "manage_my_quotes",
        "manage_my_quote_requests",
        "manage_my_business_units",
    }
)


def emulator_of(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


# -- the bearer check (used by every API route, the catalog's included) ------------------------


def require_token(request: Request) -> TokenInfo:
    """The live token of this request, for the project named in the path (if any)."""
    emulator = emulator_of(request)
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise invalid_token("Missing or malformed Authorization header (expected: Bearer …).")
    info = emulator.lookup_token(value.strip())
    if info is None:
        raise invalid_token("invalid_token")
    project_key = request.path_params.get("projectKey")
    if project_key is not None and project_key != info.project_key:
        raise insufficient_scope(f"manage_project:{project_key}")
    return info


def require_scope(token: TokenInfo, *names: str, store: str | None = None) -> None:
    """403 insufficient_scope unless the token holds one of the named scopes (or implies it);
    on an in-store endpoint (`store`), also the Store-based form `{name}:{project}:{store}`."""
    if not token.grants(*names, store=store):
        wanted = [f"{name}:{token.project_key}" for name in names]
        if store is not None:
            wanted += [f"{name}:{token.project_key}:{store}" for name in names]
        raise insufficient_scope(*wanted)


# -- client authentication and parameters ------------------------------------------------------


def _authenticate_client(request: Request, emulator: Emulator) -> str:
    """The client id after checking HTTP Basic credentials against the configured client."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    client_id = secret = ""
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        client_id, _, secret = decoded.partition(":")
    config = emulator.config
    if not (
        hmac.compare_digest(client_id.encode(), config.client_id.encode())
        and hmac.compare_digest(secret.encode(), config.client_secret.encode())
    ):
        raise CtpApiError(
            401,
            "invalid_client",
            "Please provide valid client credentials using HTTP Basic Authentication.",
        )
    return client_id


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    body = await request.body()
    if body:
        try:
            params.update(parse_qsl(body.decode(), keep_blank_values=True))
        except UnicodeDecodeError:
            raise CtpApiError(400, "invalid_request", "Malformed request body.") from None
    return params


def _requested_scopes(params: dict[str, str], project_key: str) -> tuple[str, ...]:
    """The scopes to grant: the requested ones, checked; the client's own when none are asked.

    The demo client holds manage_project, so any known scope of its project may be requested.
    Session scopes (anonymous_id/customer_id) are never taken from the request.
    """
    raw = params.get("scope", "").split()
    if not raw:
        return (f"manage_project:{project_key}",)
    granted: list[str] = []
    for scope in raw:
        name, _, rest = scope.partition(":")
        if name in {"anonymous_id", "customer_id"}:
            continue
        project = rest.split(":", 1)[0]
        if name not in KNOWN_SCOPE_NAMES or project != project_key:
            raise CtpApiError(400, "invalid_scope", f"Invalid scope: {scope}.")
        if scope not in granted:
            granted.append(scope)
    if not granted:
        raise CtpApiError(400, "invalid_scope", "No valid scope was requested.")
    return tuple(granted)


def _check_path_project(request: Request, emulator: Emulator) -> None:
    if request.path_params.get("projectKey") != emulator.config.project_key:
        raise CtpApiError(
            400, "invalid_scope", f"Project '{request.path_params.get('projectKey')}' not found."
        )


def _token_response(emulator: Emulator, info: TokenInfo, with_refresh: bool) -> JSONResponse:
    body: dict[str, object] = {
        "access_token": info.access_token,
        "token_type": "Bearer",
        "expires_in": max(0, round(info.expires_at - emulator.now())),
        "scope": info.scope,
    }
    if with_refresh and info.refresh_token:
        body["refresh_token"] = info.refresh_token
    return JSONResponse(body)


def _session_scopes(
    scopes: tuple[str, ...], anonymous_id: str | None, customer_id: str | None
) -> tuple[str, ...]:
    extra = []
    if customer_id:
        extra.append(f"customer_id:{customer_id}")
    if anonymous_id:
        extra.append(f"anonymous_id:{anonymous_id}")
    return (*scopes, *extra)


# -- endpoints ----------------------------------------------------------------------------------


async def token_endpoint(request: Request) -> JSONResponse:
    """Client credentials, or refresh (grant_type=refresh_token)."""
    emulator = emulator_of(request)
    client_id = _authenticate_client(request, emulator)
    params = await _params(request)
    grant_type = params.get("grant_type")
    if grant_type == "client_credentials":
        scopes = _requested_scopes(params, emulator.config.project_key)
        info = emulator.issue_token(client_id, scopes)
        return _token_response(emulator, info, with_refresh=False)
    if grant_type == "refresh_token":
        return _refresh(emulator, client_id, params.get("refresh_token", ""))
    raise CtpApiError(
        400, "unsupported_grant_type", f"Unsupported grant type '{grant_type or ''}'."
    )


def _refresh(emulator: Emulator, client_id: str, refresh_token: str) -> JSONResponse:
    with emulator.lock:
        stored: RefreshTokenInfo | None = emulator.refresh_tokens.get(refresh_token)
        if stored is None or stored.expires_at <= emulator.now() or stored.client_id != client_id:
            raise CtpApiError(
                400, "invalid_grant", "The refresh token was not found. It may have expired."
            )
        # Refresh tokens expire after inactivity: each use extends this one's life, and storing
        # it again files it as the most recently used (the last to go at the cap).
        stored.expires_at = emulator.now() + emulator.config.refresh_token_ttl_seconds
        emulator.refresh_tokens[stored.refresh_token] = stored
        info = emulator.issue_token(
            client_id,
            stored.scopes,
            customer_id=stored.customer_id,
            anonymous_id=stored.anonymous_id,
            refresh_token=stored.refresh_token,
        )
    # commercetools returns no new refresh token here: the old one stays valid.
    return _token_response(emulator, info, with_refresh=False)


async def anonymous_token_endpoint(request: Request) -> JSONResponse:
    emulator = emulator_of(request)
    client_id = _authenticate_client(request, emulator)
    _check_path_project(request, emulator)
    params = await _params(request)
    if params.get("grant_type") != "client_credentials":
        raise CtpApiError(
            400, "unsupported_grant_type", "The anonymous flow needs grant_type=client_credentials."
        )
    scopes = _requested_scopes(params, emulator.config.project_key)
    base = TokenInfo("", client_id, emulator.config.project_key, scopes, 0.0)
    if not base.grants("create_anonymous_token"):
        # The scope must be held by the client; requesting a token also needs it requested.
        raise CtpApiError(
            400,
            "invalid_scope",
            f"The scope create_anonymous_token:{emulator.config.project_key} is required.",
        )
    with emulator.lock:
        anonymous_id = params.get("anonymous_id") or emulator.new_id()
        if params.get("anonymous_id") and _anonymous_id_in_use(emulator, anonymous_id):
            # The API validates that a supplied anonymous_id has not been used yet.
            raise CtpApiError(
                400, "AnonymousIdAlreadyInUse", "The given anonymous ID is already in use."
            )
        full = _session_scopes(scopes, anonymous_id, None)
        refresh = emulator.issue_refresh_token(client_id, full, anonymous_id=anonymous_id)
        info = emulator.issue_token(
            client_id, full, anonymous_id=anonymous_id, refresh_token=refresh.refresh_token
        )
    return _token_response(emulator, info, with_refresh=True)


def _anonymous_id_in_use(emulator: Emulator, anonymous_id: str) -> bool:
    """In use while a live refresh token holds it: once those are gone (expired or revoked),
    a new session may take the id over again, e.g. to reach its carts."""
    now = emulator.now()
    holders = emulator.refresh_tokens.lookup("anonymous", anonymous_id)
    return any(r.expires_at > now for r in holders)


async def password_token_endpoint(request: Request) -> JSONResponse:
    """The password flow; on `/oauth/{projectKey}/in-store/key={storeKey}/customers/token`
    (the in-store password flow, for Customers of a Store), the Customers of that Store and
    the global ones sign in, and a Customer of a Store signs in nowhere else."""
    # Imported here: customers.py imports this module for require_token.
    from emulator.customers import authenticate

    emulator = emulator_of(request)
    client_id = _authenticate_client(request, emulator)
    _check_path_project(request, emulator)
    store_key = request.path_params.get("storeKey")
    if store_key is not None and emulator.catalog.markets.store_by_key(store_key) is None:
        raise CtpApiError(400, "invalid_request", f"Store '{store_key}' not found.")
    params = await _params(request)
    if params.get("grant_type") != "password":
        raise CtpApiError(
            400, "unsupported_grant_type", "The password flow needs grant_type=password."
        )
    username = params.get("username")
    password = params.get("password")
    if not username or password is None:
        raise CtpApiError(400, "invalid_request", "Parameters username and password are required.")
    scopes = _requested_scopes(params, emulator.config.project_key)
    customer = authenticate(emulator, username, password, store_key)
    if customer is None:
        raise CtpApiError(
            400,
            "invalid_customer_account_credentials",
            "Customer account with the given credentials not found.",
        )
    customer_id = str(customer["id"])
    full = _session_scopes(scopes, None, customer_id)
    with emulator.lock:
        refresh = emulator.issue_refresh_token(client_id, full, customer_id=customer_id)
        info = emulator.issue_token(
            client_id, full, customer_id=customer_id, refresh_token=refresh.refresh_token
        )
    return _token_response(emulator, info, with_refresh=True)


async def introspect_endpoint(request: Request) -> JSONResponse:
    emulator = emulator_of(request)
    client_id = _authenticate_client(request, emulator)
    params = await _params(request)
    info = emulator.lookup_token(params.get("token", ""))
    if info is None:
        return JSONResponse({"active": False})
    return JSONResponse(
        {
            "active": True,
            "scope": info.scope,
            # commercetools gives `exp` in milliseconds since the epoch.
            "exp": int(info.expires_at * 1000),
            "client_id": client_id,
        }
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/oauth/token", token_endpoint, methods=["POST"]),
        Route("/oauth/introspect", introspect_endpoint, methods=["POST"]),
        Route("/oauth/{projectKey}/anonymous/token", anonymous_token_endpoint, methods=["POST"]),
        Route("/oauth/{projectKey}/customers/token", password_token_endpoint, methods=["POST"]),
        Route(
            "/oauth/{projectKey}/in-store/key={storeKey}/customers/token",
            password_token_endpoint,
            methods=["POST"],
        ),
    ]
