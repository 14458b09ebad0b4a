"""Opens and closes one GraphQL request's scope: the session and the request context around it.

The session middleware calls `open` before GraphQL runs, so the request-scoped providers of
`GraphQLContainer` hold this request's instances before any resolver asks (see
app/request_context.py for why they must exist before, not be made on first use), and `close`
when the answer has gone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.asgi import Scope
from app.models import MarketRules
from app.networks import IPNetwork
from app.session.ctp_session import CtpSession
from app.web.client_address import client_ip
from app.web.shopper import ShopDefaults
from containers import GraphQLContainer


class RequestScope:
    def __init__(
        self,
        container: GraphQLContainer,
        *,
        defaults: ShopDefaults,
        trusted_proxies: Sequence[IPNetwork],
        rules: Callable[[], MarketRules | None],
    ) -> None:
        self._container = container
        self._defaults = defaults
        self._trusted_proxies = trusted_proxies
        self._rules = rules

    def open(self, scope: Scope) -> CtpSession:
        session: CtpSession = self._container.ctp_session()
        self._container.request_context(
            defaults=self._defaults,
            accepted_languages=self._defaults.accepted(scope),
            rules=self._rules,
            client_address=client_ip(scope, self._trusted_proxies),
        )
        return session

    def close(self) -> None:
        self._container.request_context.reset()
        self._container.ctp_session.reset()
