"""Settings: flat environment names in, groups out (app/settings/)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.settings import ConfigurationError, Settings
from tests.conftest import make_settings


def test_flat_environment_variables_fill_their_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTREAM_MAX_RETRIES", "4")
    monkeypatch.setenv("session_store", "cookie")
    monkeypatch.setenv("MAIL_FROM", "Shop <shop@example.com>")
    # Login shells set MAIL; it must not be taken for the `mail` group.
    monkeypatch.setenv("MAIL", "/var/mail/someone")
    monkeypatch.setenv("SOMETHING_ELSE", "ignored")
    settings = Settings(app_env="test")
    assert settings.upstream.max_retries == 4
    assert settings.session.store == "cookie"
    assert settings.mail.from_address == "Shop <shop@example.com>"


def test_keyword_arguments_use_the_flat_names_and_win_over_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRAPHQL_MAX_DEPTH", "7")
    settings = make_settings(graphql_max_depth=9, graphql_max_aliases=3)
    assert (settings.graphql.max_depth, settings.graphql.max_aliases) == (9, 3)


def test_a_misspelt_keyword_argument_fails() -> None:
    with pytest.raises(ValidationError, match="upstream_max_retrys"):
        make_settings(upstream_max_retrys=3)


def test_errors_name_the_variable_but_not_its_value() -> None:
    with pytest.raises(ValidationError) as caught:
        make_settings(upstream_max_retries=9, webhook_secret=["not-a-string-hunter22"])
    message = str(caught.value)
    assert "upstream_max_retries" in message and "webhook_secret" in message
    assert "hunter22" not in message


def test_redis_store_without_url_stops_start_up() -> None:
    with pytest.raises(ConfigurationError, match="REDIS_URL"):
        make_settings(session_store="redis")


def test_groups_are_frozen() -> None:
    settings = make_settings()
    with pytest.raises(ValidationError):
        settings.upstream.max_retries = 5
