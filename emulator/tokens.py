"""What the auth URL and the customer token endpoints hand out: OAuth access and refresh
tokens, and the single-use tokens for a password reset or an e-mail verification."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class TokenInfo:
    """An issued access token. `scopes` are the granted scope strings, e.g.
    ["manage_my_orders:demo", "anonymous_id:…"]; customer_id/anonymous_id are parsed out."""

    access_token: str
    client_id: str
    project_key: str
    scopes: tuple[str, ...]
    expires_at: float
    customer_id: str | None = None
    anonymous_id: str | None = None
    refresh_token: str | None = None

    @property
    def scope(self) -> str:
        return " ".join(self.scopes)

    def grants(self, *names: str, store: str | None = None) -> bool:
        """True when the token holds any of the named project scopes (e.g. "manage_orders").
        manage_project grants everything, and manage_X implies view_X, as in commercetools.

        With `store` (an in-store endpoint), the Store-based form of a scope counts too:
        `manage_my_orders:{projectKey}:{storeKey}` for that store only."""
        held = {s.split(":", 1)[0] for s in self.scopes if s.endswith(":" + self.project_key)}
        if store is not None:
            suffix = f":{self.project_key}:{store}"
            held |= {s.split(":", 1)[0] for s in self.scopes if s.endswith(suffix)}
        if "manage_project" in held:
            return True
        for name in names:
            if name in held:
                return True
            if name.startswith("view_") and "manage_" + name[len("view_") :] in held:
                return True
        return False


@dataclass(slots=True)
class RefreshTokenInfo:
    """A refresh token; commercetools keeps it valid across refreshes (sliding expiry)."""

    refresh_token: str
    client_id: str
    project_key: str
    scopes: tuple[str, ...]
    expires_at: float
    customer_id: str | None = None
    anonymous_id: str | None = None


@dataclass(slots=True)
class CustomerToken:
    """A password-reset or e-mail-verification token (commercetools' CustomerToken). Redeeming
    one deletes it and every other token of the same kind for that customer."""

    value: str
    customer_id: str
    expires_at: float
    created_at: str
    # Its lifetime as requested (`ttlMinutes`), which files it for expiry (retention.py).
    ttl_seconds: int
    # The id of the CustomerToken resource commercetools returns on creation.
    id: str = ""
    invalidate_older_tokens: bool = False
