"""One GraphQL request's context: whose session, who is shopping where, and from which address.

It is opened by the session middleware before GraphQL runs and provided by `GraphQLContainer`
as one request-scoped value, so every resolver and service of a request sees the same instance
(graphql-core resolves sibling fields in tasks with copied contexts: a value created lazily
inside a resolver would exist once per task). Services take it in their constructor; resolvers
pass only GraphQL arguments. Everything a request learns while it runs lives here, never on a
service, so services stay stateless factories.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Shopper
from app.session.storefront_session import StorefrontSession


@dataclass(eq=False, slots=True)
class RequestContext:
    session: StorefrontSession
    shopper: Shopper
    # The client's address as our trusted proxies report it (failed sign-ins are counted per
    # address); None when the server saw no peer.
    client_address: str | None = None
    # Set when this request made the guest's anonymous token: it owns no cart or wishlist yet,
    # so nothing needs to be looked up before creating one.
    created_anonymous_token: bool = False
