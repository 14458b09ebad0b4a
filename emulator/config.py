"""Settings of one emulator instance; the demo values are documented in docs/emulator.md.

The defaults are the demo's (`make run` and `python -m emulator` use them): commercetools'
lifetimes, and caps that keep a demo left running under load within a memory budget
(docs/emulator.md, "Long runs"). `EmulatorConfig.unbounded()` lifts the caps.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class EmulatorConfig:
    project_key: str = "demo"
    client_id: str = "demo-client"
    client_secret: str = "demo-secret"  # noqa: S105 - a documented demo credential
    # commercetools issues 48 h access tokens; tests shorten these to make tokens expire.
    access_token_ttl_seconds: int = 172_800
    # Refresh tokens expire after this long without use (commercetools: 200 days).
    refresh_token_ttl_seconds: int = 200 * 86_400
    seed_demo_data: bool = True
    # False: a project created after 31 August 2026, which can no longer activate Product
    # Projection Search (nor Search Term Suggestions): both answer 400 SearchDeactivated, and
    # Product Search (`/products/search`) is the storefront search.
    product_projection_search: bool = True

    # The project's CartsConfiguration / ShoppingListsConfiguration: the
    # deleteDaysAfterLastModification of a cart or list whose draft gives none.
    cart_delete_days: int = 90
    shopping_list_delete_days: int = 360
    # An expired password-reset or e-mail token still answers "expired" for this long, then it
    # is deleted and answers "not found" like an unknown one.
    expired_customer_token_seconds: int = 86_400

    # Caps (None: none), sized so that the stored state of a demo left running under load stays
    # near 200 MiB (docs/emulator.md, "Long runs"). Beyond one, the oldest goes first: carts and
    # shopping lists closest to their deletion date, refresh tokens least recently used (both as
    # commercetools does at its project limits), access tokens closest to expiry, orders and
    # customers oldest created (the demo customer never).
    max_carts: int | None = 5_000
    max_shopping_lists: int | None = 5_000
    max_orders: int | None = 5_000
    max_customers: int | None = 10_000
    max_access_tokens: int | None = 20_000
    max_refresh_tokens: int | None = 20_000
    # (method, path) of the latest requests, for tests and the bench.
    request_log_limit: int = 10_000

    def unbounded(self) -> EmulatorConfig:
        """The same settings without caps (commercetools' own limits are in the millions)."""
        return dataclasses.replace(
            self,
            max_carts=None,
            max_shopping_lists=None,
            max_orders=None,
            max_customers=None,
            max_access_tokens=None,
            max_refresh_tokens=None,
        )
