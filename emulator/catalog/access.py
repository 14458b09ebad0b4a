"""What every catalog endpoint checks first: the bearer token and its scopes, and the clock.

Scopes are enforced as commercetools' API reference declares them (`securedBy` in the RAML);
`manage_X` implies `view_X` and `manage_project` grants everything (see `TokenInfo.grants`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request

from emulator.auth import emulator_of, require_scope, require_token
from emulator.catalog.catalog import Catalog
from emulator.errors import insufficient_scope

PRODUCT_SCOPES = ("view_published_products", "view_products")


def catalog_for(request: Request, scopes: tuple[str, ...]) -> Catalog:
    """Check the bearer token and its scopes, then hand out the catalog."""
    token = require_token(request)
    require_scope(token, *scopes)
    return emulator_of(request).catalog


def require_view_products(request: Request) -> None:
    """Staged data needs view_products; view_published_products is not enough."""
    token = require_token(request)
    if not token.grants("view_products"):
        raise insufficient_scope(f"view_products:{token.project_key}")


def now(request: Request) -> datetime:
    """The emulator's clock (tests move it), which decides whether a Price is valid."""
    return datetime.fromtimestamp(emulator_of(request).now(), tz=UTC)
