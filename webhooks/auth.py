"""Who may call the webhook endpoints: commercetools (and Pub/Sub) with the shared secret as a
bearer token, or, for events, a Google-signed OIDC token as Pub/Sub push authentication sends.

Secrets are compared in constant time; tokens are verified offline against cached keys. Every
refusal is an `Unauthorized` whose reason goes to the log, never to the caller.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import jwt

from webhooks.jwks import KeySource

log = logging.getLogger(__name__)

# Google signs Pub/Sub push tokens with RS256 only; accepting anything else would let a token
# choose a weaker algorithm.
_ALGORITHMS = ["RS256"]
_CLOCK_SKEW_SECONDS = 30


class Unauthorized(Exception):
    """The request did not prove it comes from commercetools or Pub/Sub."""


def bearer_token(headers: Mapping[str, str]) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class SharedSecret:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the webhook secret must not be empty")
        self._secret = secret.encode()

    def check(self, token: str | None) -> None:
        # compare_digest takes as long for a near miss as for a wild guess.
        if token is None or not hmac.compare_digest(token.encode(), self._secret):
            raise Unauthorized("missing or wrong webhook secret")


class PubSubTokenVerifier:
    """Checks a Pub/Sub push OIDC token: signature, expiry, audience, issuer and, when
    configured, the service account it was issued for."""

    def __init__(
        self,
        keys: KeySource,
        *,
        audience: str,
        issuers: Sequence[str],
        service_account_email: str | None = None,
    ) -> None:
        self._keys = keys
        self._audience = audience
        self._issuers = list(issuers)
        self._email = service_account_email

    async def verify(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"not a JWT: {exc}") from exc
        if header.get("alg") not in _ALGORITHMS:
            raise Unauthorized(f"token algorithm {header.get('alg')!r} is not accepted")
        key = await self._keys.key(header.get("kid"))
        if key is None:
            raise Unauthorized(f"no signing key with kid {header.get('kid')!r}")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=_ALGORITHMS,
                audience=self._audience,
                issuer=self._issuers,
                leeway=_CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"token rejected: {type(exc).__name__}: {exc}") from exc
        if self._email is not None and (
            claims.get("email") != self._email or claims.get("email_verified") is not True
        ):
            raise Unauthorized("token was issued for another service account")
        return claims


class EventAuthenticator:
    """The shared secret, or (when an audience is configured) a Pub/Sub OIDC token."""

    def __init__(self, secret: SharedSecret, pubsub: PubSubTokenVerifier | None) -> None:
        self._secret = secret
        self._pubsub = pubsub

    async def check(self, headers: Mapping[str, str]) -> str:
        """How the caller proved itself ("secret" or "oidc"); Unauthorized otherwise."""
        token = bearer_token(headers)
        try:
            self._secret.check(token)
            return "secret"
        except Unauthorized:
            if self._pubsub is None or token is None or token.count(".") != 2:
                raise
        await self._pubsub.verify(token)
        return "oidc"
