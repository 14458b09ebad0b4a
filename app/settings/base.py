"""What every settings group shares."""

from __future__ import annotations

from pydantic import ConfigDict


class ConfigurationError(RuntimeError):
    """The environment does not describe a service that may start."""


# Each field is filled only under its flat environment name (its validation alias), so a
# misspelt name fails instead of being ignored. Errors never echo a value: SMTP_URL and the
# CTP_* secrets would end up in logs.
GROUP_CONFIG = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)
