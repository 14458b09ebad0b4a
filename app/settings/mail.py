"""SMTP_* and MAIL_* (app/mailer.py): SMTP when SMTP_URL is set, else .eml files in
MAIL_OUTBOX_DIR."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator

from app.settings.base import GROUP_CONFIG

# smtp: STARTTLS when the server offers it; smtp+starttls: STARTTLS required; smtps: TLS from
# the first byte (port 465).
SMTP_SCHEMES = ("smtp", "smtp+starttls", "smtps")


class MailSettings(BaseModel):
    model_config = GROUP_CONFIG

    smtp_url: SecretStr | None = Field(default=None, validation_alias="smtp_url")
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, validation_alias="smtp_timeout_seconds")
    outbox_dir: Path = Field(default=Path("var/outbox"), validation_alias="mail_outbox_dir")
    from_address: str = Field(default="ctp-bff <no-reply@localhost>", validation_alias="mail_from")
    password_reset_ttl_minutes: int = Field(
        default=60, ge=1, le=1440, validation_alias="password_reset_ttl_minutes"
    )
    # How long an e-mail verification link works; commercetools allows up to three days.
    email_verification_ttl_minutes: int = Field(
        default=1440, ge=1, le=4320, validation_alias="email_verification_ttl_minutes"
    )

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        parts = urlsplit(value.get_secret_value())
        if parts.scheme not in SMTP_SCHEMES or not parts.hostname:
            # The message never repeats the URL: it may hold the SMTP password.
            raise ValueError(
                "SMTP_URL must look like smtp://user:password@host:587 "
                f"(schemes: {', '.join(SMTP_SCHEMES)})"
            )
        return value
