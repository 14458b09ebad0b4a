"""How the session cookie is written: its name, lifetime and the attributes browsers enforce
(docs/security.md, docs/deployment.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SameSite = Literal["lax", "strict", "none"]


@dataclass(frozen=True)
class CookiePolicy:
    # With the `__Host-` prefix in production (Settings.session_cookie_name): browsers then
    # take the cookie only with Secure, Path=/ and no Domain, which this policy always sends.
    name: str
    secure: bool
    idle_timeout_seconds: int
    absolute_timeout_seconds: int
    same_site: SameSite = "lax"

    def _attributes(self, max_age: int) -> str:
        parts = [f"Path=/; Max-Age={max_age}; HttpOnly; SameSite={self.same_site.capitalize()}"]
        # Browsers drop SameSite=None without Secure, whatever the settings say.
        if self.secure or self.same_site == "none":
            parts.append("Secure")
        return "; ".join(parts)

    def set_cookie(self, value: str) -> str:
        return f"{self.name}={value}; {self._attributes(self.absolute_timeout_seconds)}"

    def delete_cookie(self) -> str:
        return f"{self.name}=; {self._attributes(0)}"
