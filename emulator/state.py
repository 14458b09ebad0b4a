"""The whole in-memory state of one emulator instance, and its public Python API for tests.

One `threading.RLock` guards everything: the app may serve on one thread's event loop while a
test drives the same instance from another thread. Handlers take the lock only around short,
synchronous sections (never across an `await`), so the lock is never held while waiting.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import Any

import httpx

from emulator.catalog import Catalog
from emulator.config import EmulatorConfig
from emulator.faults import Faults
from emulator.frozen import freeze
from emulator.hooks import ResourceHooks
from emulator.indexed import IndexedStore
from emulator.jsonio import Json
from emulator.pubsub import PubSub
from emulator.stores import Stores, email_key
from emulator.tokens import CustomerToken, RefreshTokenInfo, TokenInfo

__all__ = ["CustomerToken", "Emulator", "RefreshTokenInfo", "TokenInfo", "format_iso"]

# Expired things deleted per store and request: purging keeps pace with creation (a request
# creates a few) without ever making one request pay for a large backlog.
PURGE_BUDGET = 16


def format_iso(epoch_seconds: float) -> str:
    """commercetools' DateTime format: UTC with milliseconds, e.g. 2024-05-01T10:00:00.000Z."""
    millis = round(epoch_seconds * 1000)
    moment = datetime.fromtimestamp(millis // 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


class Emulator:
    """One emulator instance. Construct it, hand it to `create_emulator_app(emulator)`, and
    use the methods below from tests (they are thread-safe)."""

    def __init__(
        self,
        config: EmulatorConfig | None = None,
        catalog: Catalog | None = None,
        clock: Callable[[], float] | None = None,
        fault_seed: int = 0,
    ) -> None:
        self.config = config or EmulatorConfig()
        self._catalog = catalog
        # Injectable so that tests can move time forward (e.g. to make tokens expire).
        self.clock: Callable[[], float] = clock or time.time
        self.lock = threading.RLock()
        self.faults = Faults(seed=fault_seed)
        # Subscriptions publish from here (API Extensions are called by the routes, unlocked).
        self.hooks = ResourceHooks(self)
        # Stands in for Google Pub/Sub: pushes what Subscriptions publish to HTTP endpoints.
        self.pubsub = PubSub()
        self._store = Stores(self.config)
        self._shared: dict[Hashable, Any] = {}
        # URL prefix -> transport: API Extension calls to such a URL skip the network. The
        # embedded demo can route the call to its own extension straight into its ASGI app,
        # so that it does not queue behind every socket of a busy event loop (docs/emulator.md).
        self.extension_transports: dict[str, httpx.AsyncBaseTransport] = {}
        self._last_millis = 0
        self._seed()

    # -- the catalog (built lazily: the demo catalog is only needed once a request uses it) -----
    @property
    def catalog(self) -> Catalog:
        with self.lock:
            if self._catalog is None:
                self._catalog = Catalog.demo() if self.config.seed_demo_data else Catalog.empty()
            return self._catalog

    def shared_json(self, key: Hashable, value: Any) -> Any:
        """One frozen copy (frozen.py) of catalog JSON that many carts and orders hold, by key,
        e.g. ("variant", product id, variant id). The catalog never changes, nor does it."""
        with self.lock:
            found = self._shared.get(key)
            if found is None:
                found = self._shared[key] = freeze(value)
            return found

    def extension_transport(self, url: str) -> httpx.AsyncBaseTransport | None:
        for prefix, transport in self.extension_transports.items():
            if url.startswith(prefix):
                return transport
        return None

    # -- raw stores (callers hold `lock` while using them) ---------------------------------------
    @property
    def tokens(self) -> IndexedStore[TokenInfo]:
        return self._store.tokens

    @property
    def refresh_tokens(self) -> IndexedStore[RefreshTokenInfo]:
        return self._store.refresh_tokens

    @property
    def customers(self) -> IndexedStore[Json]:
        return self._store.customers

    @property
    def password_hashes(self) -> dict[str, str]:
        return self._store.password_hashes

    @property
    def carts(self) -> IndexedStore[Json]:
        return self._store.carts

    @property
    def orders(self) -> IndexedStore[Json]:
        return self._store.orders

    @property
    def shopping_lists(self) -> IndexedStore[Json]:
        return self._store.shopping_lists

    @property
    def payments(self) -> IndexedStore[Json]:
        return self._store.payments

    @property
    def password_reset_tokens(self) -> IndexedStore[CustomerToken]:
        return self._store.password_reset_tokens

    @property
    def email_tokens(self) -> IndexedStore[CustomerToken]:
        return self._store.email_tokens

    @property
    def extensions(self) -> IndexedStore[Json]:
        return self._store.extensions

    @property
    def extension_secrets(self) -> dict[str, Json]:
        return self._store.extension_secrets

    @property
    def subscriptions(self) -> IndexedStore[Json]:
        return self._store.subscriptions

    def next_message_sequence(self, resource_id: str) -> int:
        with self.lock:
            number = self._store.message_sequence.get(resource_id, 0) + 1
            self._store.message_sequence[resource_id] = number
            return number

    # -- time and ids ----------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock()

    def now_iso(self) -> str:
        """commercetools' DateTime format: UTC with milliseconds, e.g. 2024-05-01T10:00:00.000Z.

        Strictly increasing within an instance (at least 1 ms apart): "the most recently
        modified cart" must be well defined even for changes within the same millisecond.
        """
        with self.lock:
            millis = max(int(self.clock() * 1000), self._last_millis + 1)
            self._last_millis = millis
        return format_iso(millis / 1000)

    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(24)

    # -- tokens ----------------------------------------------------------------------------------
    def issue_token(
        self,
        client_id: str,
        scopes: tuple[str, ...],
        *,
        customer_id: str | None = None,
        anonymous_id: str | None = None,
        refresh_token: str | None = None,
    ) -> TokenInfo:
        with self.lock:
            info = TokenInfo(
                access_token=self.new_secret(),
                client_id=client_id,
                project_key=self.config.project_key,
                scopes=scopes,
                expires_at=self.now() + self.config.access_token_ttl_seconds,
                customer_id=customer_id,
                anonymous_id=anonymous_id,
                refresh_token=refresh_token,
            )
            self._store.tokens[info.access_token] = info
            return info

    def issue_refresh_token(
        self,
        client_id: str,
        scopes: tuple[str, ...],
        *,
        customer_id: str | None = None,
        anonymous_id: str | None = None,
    ) -> RefreshTokenInfo:
        with self.lock:
            info = RefreshTokenInfo(
                refresh_token=f"{self.config.project_key}:{self.new_secret()}",
                client_id=client_id,
                project_key=self.config.project_key,
                scopes=scopes,
                expires_at=self.now() + self.config.refresh_token_ttl_seconds,
                customer_id=customer_id,
                anonymous_id=anonymous_id,
            )
            self._store.refresh_tokens[info.refresh_token] = info
            return info

    def lookup_token(self, access_token: str) -> TokenInfo | None:
        """The live token, or None when it is unknown or expired (an expired one is deleted)."""
        with self.lock:
            info = self._store.tokens.get(access_token)
            if info is None:
                return None
            if info.expires_at <= self.now():
                del self._store.tokens[access_token]
                return None
            return info

    def expire_tokens(self) -> None:
        """Force every access token issued so far to be expired (refresh tokens stay valid)."""
        with self.lock:
            expired_at = self.now() - 1
            for info in list(self._store.tokens.values()):
                info.expires_at = expired_at
                # Stored again so that it is filed for purging at its new expiry.
                self._store.tokens[info.access_token] = info

    # -- resources -------------------------------------------------------------------------------
    def delete_cart(self, cart_id: str) -> bool:
        """Drop a cart now, as commercetools does after deleteDaysAfterLastModification."""
        with self.lock:
            return self._store.carts.pop(cart_id, None) is not None

    def customer_by_email(self, email: str, store_key: str | None = None) -> Json | None:
        """Customer e-mails are unique case-insensitively in commercetools: project-wide for
        customers of no store (`store_key` None), per store otherwise."""
        with self.lock:
            return self._store.customers.first("email", email_key(email, store_key))

    # -- housekeeping ----------------------------------------------------------------------------
    def housekeeping(self) -> None:
        """Delete what has expired, a bounded amount per store (called on every request)."""
        with self.lock:
            now = self.now()
            for store in self._store.indexed().values():
                store.purge(now, PURGE_BUDGET)

    def stats(self) -> dict[str, Any]:
        """Per store: size, resources examined by requests so far, expired, evicted."""
        with self.lock:
            found: dict[str, Any] = {
                name: store.stats() for name, store in self._store.indexed().items()
            }
            found["requestLog"] = {"size": len(self._store.request_log)}
            found["messageSequences"] = {"size": len(self._store.message_sequence)}
            return found

    # -- request log -----------------------------------------------------------------------------
    @property
    def request_log(self) -> list[tuple[str, str]]:
        """(method, path) of every API and auth request served, oldest first (a copy; the
        latest `config.request_log_limit` requests)."""
        with self.lock:
            return list(self._store.request_log)

    def log_request(self, method: str, path: str) -> None:
        with self.lock:
            self._store.request_log.append((method, path))

    def clear_request_log(self) -> None:
        with self.lock:
            self._store.request_log.clear()

    # -- whole-instance ---------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to a fresh instance: no tokens, carts, orders, extensions, subscriptions or
        push subscriptions; seed data again; no faults."""
        with self.lock:
            self._store = Stores(self.config)
            if self._catalog is not None:
                # Stores, Channels and Customer Groups created through the API go too.
                self._catalog.markets.forget_created()
            self.faults.reset()
            self.pubsub.clear()
            self._seed()

    def _seed(self) -> None:
        if not self.config.seed_demo_data:
            return
        # Imported here: customers.py builds on this module.
        from emulator.customers import (
            DEMO_CUSTOMER_ID,
            VIP_CUSTOMER_ID,
            seed_demo_customer,
            seed_vip_customer,
        )

        seed_demo_customer(self)
        seed_vip_customer(self)
        # The documented demo accounts outlive any cap.
        self._store.customers.pin(DEMO_CUSTOMER_ID)
        self._store.customers.pin(VIP_CUSTOMER_ID)
