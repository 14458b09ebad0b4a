"""STORE_KEY, STORE_KEYS and STORE_CURRENCIES: what a deployment may say, and what it means
(docs/configuration.md, "Shop")."""

from __future__ import annotations

import pydantic
import pytest

from tests.conftest import make_settings


def test_store_keys_default_to_the_store_key_alone() -> None:
    assert make_settings().shop.store_keys == ()
    assert make_settings(store_key="us-shop").shop.store_keys == ("us-shop",)
    both = make_settings(store_key="us-shop", store_keys=" us-shop, de-shop ,us-shop")
    assert both.shop.store_keys == ("us-shop", "de-shop")


def test_store_currencies_name_a_store_and_a_currency() -> None:
    shop = make_settings(store_currencies="de-shop:EUR, us-shop:usd,de-shop:CHF").shop
    assert shop.store_currencies == {"de-shop": ("EUR", "CHF"), "us-shop": ("USD",)}


@pytest.mark.parametrize(
    "overrides",
    [
        {"store_keys": "us-shop"},
        {"store_key": "us-shop", "store_keys": "de-shop"},
        {"store_key": "not a key!"},
        {"store_key": "us-shop", "store_keys": "us-shop,../x"},
        {"store_currencies": "de-shop=EUR"},
        {"store_currencies": "de-shop:EURO"},
    ],
)
def test_malformed_store_settings_stop_start_up(overrides: dict[str, str]) -> None:
    with pytest.raises(pydantic.ValidationError):
        make_settings(**overrides)
