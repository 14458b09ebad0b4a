"""The shopper context: country, currency, language and store, chosen with setShopperContext
and kept in the session (docs/storefront-api.md, "Shopper context").

A choice is checked against what the project and the store allow (app/services/markets.py)
before anything changes. The cart follows: another country in the same currency is one
`setCountry`; another currency or store (a cart cannot change either) is a new cart with the
same lines. A line with no price in the new market is never dropped silently: it is reported,
and the cart left behind stays recoverable (switching back brings it back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from app import models
from app.ctp import resources
from app.ctp.gateway import CtpGateway
from app.ctp.json import Json
from app.errors import BadUserInput, UserErrorCode
from app.request_context import RequestContext, allowed, matching_language
from app.services import mapping
from app.services.cart import CartService
from app.services.catalog_queries import market, quote
from app.services.markets import ProjectMarkets

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}$")
_STORE_KEY = re.compile(r"^[A-Za-z0-9_-]{2,256}$")
# What a replacement cart keeps of the cart it replaces, besides its lines.
_KEPT_FIELDS = ("shippingAddress", "billingAddress", "customerEmail")


@dataclass(frozen=True, slots=True)
class ContextInput:
    country: str | None = None
    currency: str | None = None
    language: str | None = None
    store_key: str | None = None


@dataclass(frozen=True, slots=True)
class ContextChange:
    shopper_context: models.ShopperContext
    cart: models.Cart | None
    left_out_lines: tuple[models.LeftOutLine, ...]


class ShopperContextService:
    def __init__(
        self,
        context: RequestContext,
        markets: ProjectMarkets,
        carts: CartService,
        gateway: CtpGateway,
    ) -> None:
        self._context = context
        self._session = context.session
        self._markets = markets
        self._carts = carts
        self._gateway = gateway

    async def current(self) -> models.ShopperContext:
        await self._markets.get()
        return self._context.shopper_context

    async def stores(self) -> tuple[models.StoreMarket, ...]:
        """The stores of STORE_KEYS, named in the shopper's language."""
        rules = await self._markets.get()
        locale = self._context.shopper.locale
        return tuple(
            replace(store, name=store.localized_name(locale))
            for store in rules.stores
            if store.key in self._context.defaults.store_keys
        )

    async def change(self, wanted: ContextInput) -> ContextChange:
        rules = await self._markets.get()
        before = self._context.shopper_context
        store_key = _store_key(wanted.store_key, self._context.defaults.store_keys, rules)
        target_store = store_key if store_key is not None else before.store_key
        store = rules.store(target_store) if target_store is not None else None
        countries, currencies, languages = allowed(rules, store)
        store_changed = target_store != before.store_key
        country = _checked(
            wanted.country, "country", _COUNTRY, countries, UserErrorCode.COUNTRY_NOT_ALLOWED
        )
        currency = _checked(
            wanted.currency, "currency", _CURRENCY, currencies, UserErrorCode.CURRENCY_NOT_ALLOWED
        )
        language = _language(wanted.language, languages)
        # What was not given stays; in another store, that store's defaults apply.
        defaults = self._context.defaults
        if country is None:
            kept = before.country if not store_changed else defaults.country
            country = _allowed_or_first(kept, countries)
        if currency is None:
            kept = before.currency if not store_changed else defaults.currency
            currency = _allowed_or_first(kept, currencies)
        old_cart = await self._carts.raw_active_cart()
        self._session.store_key = target_store
        self._session.country = country
        self._session.currency = currency
        if language is not None:
            self._session.language = language
        elif store_changed and self._session.language not in (None, *languages):
            self._session.language = None
        cart, left_out = await self._follow(old_cart)
        return ContextChange(self._context.shopper_context, cart, left_out)

    async def follow(self, cart: resources.Cart) -> tuple[models.LeftOutLine, ...]:
        """Puts the cart sign-in left (commercetools merged the guest's cart into the
        customer's, whose currency may be another) into the shopper context. Lines it cannot
        price stay in the cart left behind, which the session remembers."""
        if cart.get("cartState", "Active") != "Active":
            return ()
        _, left_out = await self._follow(cart)
        return left_out

    # -- the cart follows ---------------------------------------------------------------------

    async def _follow(
        self, old: resources.Cart | None
    ) -> tuple[models.Cart | None, tuple[models.LeftOutLine, ...]]:
        if old is None:
            return None, ()
        shopper = self._context.shopper
        same_currency = old["totalPrice"]["currencyCode"] == shopper.currency
        store = old.get("store")
        same_store = (store["key"] if store is not None else None) == shopper.store_key
        if same_currency and same_store:
            return await self._carts.follow_context(old), ()
        return await self._replace(old)

    async def _replace(
        self, old: resources.Cart
    ) -> tuple[models.Cart | None, tuple[models.LeftOutLine, ...]]:
        """A new cart in the new market with every line it can price; the others are reported
        and stay in the old cart, which the session remembers so that switching back restores
        them."""
        lines: dict[str, resources.LineItem] = {}
        for line in old["lineItems"]:
            sku = _sku(line)
            if sku is not None:
                lines[sku] = line
        quantities = {sku: int(line["quantity"]) for sku, line in lines.items()}
        names = {sku: _name(line, self._context.shopper.locale) for sku, line in lines.items()}
        previous_id = self._session.previous_cart_id
        if previous_id is not None and previous_id != old["id"]:
            previous = await self._carts.raw_cart(previous_id)
            if previous is not None and previous["totalPrice"]["currencyCode"] == (
                self._context.shopper.currency
            ):
                for line in previous["lineItems"]:
                    sku = _sku(line)
                    if sku and sku not in quantities:
                        quantities[sku] = int(line["quantity"])
                        names[sku] = _name(line, self._context.shopper.locale)
        priced = await self._priced_skus(tuple(quantities))
        carried = [{"sku": sku, "quantity": q} for sku, q in quantities.items() if sku in priced]
        left_out = tuple(
            models.LeftOutLine(sku, q, names[sku])
            for sku, q in quantities.items()
            if sku not in priced
        )
        keep: Json = {key: old[key] for key in _KEPT_FIELDS if old.get(key)}  # type: ignore[literal-required]
        # The cart left behind is recoverable as long as it holds lines the new one lacks.
        self._session.previous_cart_id = old["id"] if left_out else None
        if not carried:
            self._carts.forget()
            return None, left_out
        created = await self._carts.start_cart(carried, keep)
        return self._carts.model(created), left_out

    async def _priced_skus(self, skus: tuple[str, ...]) -> set[str]:
        """The SKUs the shopper's market prices (and the store sells): one product query with
        the new price selection."""
        if not skus:
            return set()
        store_id = self._context.shopper.store_id
        ids: list[str] | None = None
        if store_id is not None:
            # The store's assortment: Product Search knows which variants a store sells.
            ids = await self._sold_in_store(skus, store_id)
            if not ids:
                return set()
        literals = ", ".join(quote(sku) for sku in skus)
        where = f"masterVariant(sku in ({literals})) or variants(sku in ({literals}))"
        if ids is not None:
            where = f"({where}) and id in ({', '.join(quote(i) for i in ids)})"
        prices = market(self._context.shopper, None, None)
        page = await self._gateway.get(
            "/product-projections",
            params={**prices.params(), "where": where, "limit": "100", "withTotal": "false"},
        )
        priced: set[str] = set()
        for product in mapping.results(page):
            for variant in [product.get("masterVariant"), *(product.get("variants") or ())]:
                if variant and variant.get("sku") in skus and variant.get("price"):
                    priced.add(variant["sku"])
        return priced

    async def _sold_in_store(self, skus: tuple[str, ...], store_id: str) -> list[str]:
        body = {
            "query": {
                "and": [
                    {"exact": {"field": "variants.sku", "values": list(skus)}},
                    {"exact": {"field": "variants.stores", "value": store_id}},
                ]
            },
            "limit": 100,
        }
        found = await self._gateway.search("/products/search", body)
        return [str(result["id"]) for result in found.get("results") or ()]


def _allowed_or_first(value: str, options: tuple[str, ...]) -> str:
    return value if not options or value in options else options[0]


def _sku(line: resources.LineItem) -> str | None:
    sku = line["variant"].get("sku")
    return sku if isinstance(sku, str) and sku else None


def _name(line: resources.LineItem, locale: str) -> str:
    names = line.get("name") or {}
    language = locale.split("-")[0]
    return names.get(locale) or names.get(language) or next(iter(names.values()), "")


def _store_key(
    given: str | None, allowed_keys: tuple[str, ...], rules: models.MarketRules
) -> str | None:
    if given is None:
        return None
    key = given.strip()
    if not _STORE_KEY.match(key):
        raise BadUserInput(
            "storeKey must be a store key such as de-shop.", field=("input", "storeKey")
        )
    if key not in allowed_keys or rules.store(key) is None:
        offered = ", ".join(allowed_keys) or "none"
        raise BadUserInput(
            f"This shop does not offer the store {key[:40]!r}; stores offered: {offered}.",
            field=("input", "storeKey"),
            code=UserErrorCode.STORE_NOT_ALLOWED,
        )
    return key


def _checked(
    given: str | None,
    name: str,
    pattern: re.Pattern[str],
    options: tuple[str, ...],
    not_allowed: UserErrorCode,
) -> str | None:
    if given is None:
        return None
    value = given.strip().upper()
    if not pattern.match(value):
        example = "DE or US" if name == "country" else "EUR or USD"
        raise BadUserInput(f"{name} must be an ISO code such as {example}.", field=("input", name))
    if options and value not in options:
        raise BadUserInput(
            f"The shop does not offer {value} here; choose one of: {', '.join(options)}.",
            field=("input", name),
            code=not_allowed,
        )
    return value


def _language(given: str | None, options: tuple[str, ...]) -> str | None:
    if given is None:
        return None
    value = given.strip()
    if not _LANGUAGE.match(value):
        raise BadUserInput(
            "language must be a language tag such as de or en-US.", field=("input", "language")
        )
    if not options:
        return value
    found = matching_language(value, options)
    if found is None:
        raise BadUserInput(
            f"The shop has no text in {value}; choose one of: {', '.join(options)}.",
            field=("input", "language"),
            code=UserErrorCode.LANGUAGE_NOT_ALLOWED,
        )
    return found
