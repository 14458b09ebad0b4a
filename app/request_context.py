"""One GraphQL request's context: whose session, who is shopping where, and from which address.

It is opened by the session middleware before GraphQL runs and provided by `GraphQLContainer`
as one request-scoped value, so every resolver and service of a request sees the same instance
(graphql-core resolves sibling fields in tasks with copied contexts: a value created lazily
inside a resolver would exist once per task). Services take it in their constructor; resolvers
pass only GraphQL arguments. Everything a request learns while it runs lives here, never on a
service, so services stay stateless factories.

Who is shopping where (`shopper`) follows the session's shopper context (setShopperContext),
else the defaults: the store's (STORE_KEY), else the configured ones when the project allows
them, else the project's first; the language is the first of the browser's Accept-Language the
store (or project) has. `rules` are what the project and the stores allowed when last read
(app/services/markets.py); before the first read, only the configured defaults count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.models import MarketRules, Shopper, ShopperContext, StoreMarket
from app.session.storefront_session import StorefrontSession
from app.web.shopper import ShopDefaults


@dataclass(frozen=True, slots=True)
class StoreScope:
    """Where store-scoped resources live: `/in-store/key={key}/me/carts` in a store, `/me/carts`
    without one. The one place such paths are built."""

    key: str | None

    def path(self, path: str) -> str:
        return f"/in-store/key={self.key}{path}" if self.key else path


def _no_rules() -> MarketRules | None:
    return None


@dataclass(eq=False, slots=True)
class RequestContext:
    session: StorefrontSession
    defaults: ShopDefaults
    # The browser's Accept-Language, most wanted first.
    accepted_languages: tuple[str, ...] = ()
    # What the project and the stores allow, as last read (None before the first read).
    rules: Callable[[], MarketRules | None] = _no_rules
    # The client's address as our trusted proxies report it (failed sign-ins are counted per
    # address); None when the server saw no peer.
    client_address: str | None = None
    # Set when this request made the guest's anonymous token: it owns no cart or wishlist yet,
    # so nothing needs to be looked up before creating one.
    created_anonymous_token: bool = False

    @property
    def shopper(self) -> Shopper:
        context = self.shopper_context
        store = self._store(self.rules(), context.store_key)
        groups = self.session.customer_groups if self.session.is_signed_in else None
        return Shopper(
            locale=context.language,
            currency=context.currency,
            country=context.country,
            store_key=context.store_key,
            channel_id=store.channel_id if store is not None else None,
            store_id=store.id if store is not None else None,
            customer_groups=groups or (),
        )

    @property
    def store(self) -> StoreScope:
        return StoreScope(self.shopper_context.store_key)

    @property
    def shopper_context(self) -> ShopperContext:
        rules = self.rules()
        session = self.session
        store_key = session.store_key
        if store_key is None or store_key not in self.defaults.store_keys:
            store_key = self.defaults.store_key
        store = self._store(rules, store_key)
        countries, currencies, languages = allowed(rules, store)
        return ShopperContext(
            country=_chosen(session.country, self.defaults.country, countries),
            currency=_chosen(session.currency, self.defaults.currency, currencies),
            language=session.language
            if session.language is not None and _fits(session.language, languages)
            else default_language(self.accepted_languages, self.defaults.locale, languages),
            store_key=store_key,
            available_countries=countries,
            available_currencies=currencies,
            available_languages=languages,
        )

    @staticmethod
    def _store(rules: MarketRules | None, key: str | None) -> StoreMarket | None:
        return rules.store(key) if rules is not None and key is not None else None


def allowed(
    rules: MarketRules | None, store: StoreMarket | None
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(countries, currencies, languages) a shopper may choose: the store's, where it names
    any, else the project's; all empty before the first read."""
    if rules is None:
        return (), (), ()
    if store is None:
        return rules.countries, rules.currencies, rules.languages
    return (
        store.countries or rules.countries,
        store.currencies or rules.currencies,
        store.languages or rules.languages,
    )


def _chosen(value: str | None, default: str, options: tuple[str, ...]) -> str:
    if value is not None and (not options or value in options):
        return value
    if not options or default in options:
        return default
    return options[0]


def _fits(language: str, options: tuple[str, ...]) -> bool:
    return not options or matching_language(language, options) is not None


def matching_language(tag: str, options: tuple[str, ...]) -> str | None:
    """The option a language tag asks for: itself ("de-AT"), else one of its language ("de"
    for "de-AT", "de-DE" for "de")."""
    wanted = tag.replace("_", "-").lower()
    for option in options:
        if option.lower() == wanted:
            return option
    primary = wanted.split("-")[0]
    for option in options:
        if option.lower().split("-")[0] == primary:
            return option
    return None


def default_language(accepted: tuple[str, ...], default: str, options: tuple[str, ...]) -> str:
    """The first of the browser's languages the store or project has; else the configured
    default if allowed; else the first allowed. Without options, the browser's first."""
    if not options:
        return accepted[0] if accepted else default
    for tag in accepted:
        found = matching_language(tag, options)
        if found is not None:
            return found
    return matching_language(default, options) or options[0]
