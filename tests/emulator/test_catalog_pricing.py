"""Price selection, taxes, shipping rates and discounts of the catalog (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from emulator.catalog import Catalog
from emulator.catalog.money import cent_precision
from emulator.catalog.pricing import scoped_price, select_price
from emulator.jsonio import Json


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.demo()


@pytest.fixture(scope="module")
def tshirt_m(catalog: Catalog) -> Json:
    found = catalog.find_variant_by_sku("TSHIRT-CLASSIC-BLUE-M")
    assert found is not None
    product, variant = found
    assert product["key"] == "tshirt-classic" and variant["id"] == 2
    return variant


def _cents(price: Json | None) -> int | None:
    return None if price is None else int(price["value"]["centAmount"])


def test_find_variant(catalog: Catalog, tshirt_m: Json) -> None:
    product = catalog.product_projection_by_key("tshirt-classic")
    assert product is not None
    assert catalog.find_variant(product["id"], 2) == (product, tshirt_m)
    assert catalog.find_variant(product["id"], 1) == (product, product["masterVariant"])
    assert catalog.find_variant(product["id"], 7) is None
    assert catalog.find_variant("missing", 1) is None
    assert catalog.find_variant_by_sku("NOPE") is None
    assert catalog.find_variant_by_sku("tshirt-classic-blue-m") is None  # SKUs are exact


@pytest.mark.parametrize(
    ("currency", "country", "cents", "price_country"),
    [
        ("EUR", "DE", 1999, "DE"),
        ("EUR", "AT", 2099, "AT"),  # a country price wins over the fallback
        ("EUR", "FR", 1999, None),  # no FR price: the price without country
        ("EUR", None, 1999, None),
        ("USD", "US", 2199, "US"),
        ("USD", "CA", None, None),  # USD exists only for US, there is no fallback
        ("USD", None, None, None),
        ("GBP", "GB", None, None),
    ],
)
def test_price_selection(
    catalog: Catalog,
    tshirt_m: Json,
    currency: str,
    country: str | None,
    cents: int | None,
    price_country: str | None,
) -> None:
    price = catalog.select_price(tshirt_m, currency, country)
    assert _cents(price) == cents
    if price is not None:
        assert price.get("country") == price_country
        assert price["value"]["currencyCode"] == currency


def test_price_selection_skips_group_channel_and_expired_prices() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    variant: Json = {
        "id": 1,
        "prices": [
            {
                "id": "group",
                "value": cent_precision("EUR", 100),
                "country": "DE",
                "customerGroup": {"typeId": "customer-group", "id": "g"},
            },
            {
                "id": "channel",
                "value": cent_precision("EUR", 200),
                "country": "DE",
                "channel": {"typeId": "channel", "id": "c"},
            },
            {
                "id": "expired",
                "value": cent_precision("EUR", 300),
                "country": "DE",
                "validUntil": "2026-01-01T00:00:00.000Z",
            },
            {"id": "plain", "value": cent_precision("EUR", 500), "country": "DE"},
            {
                "id": "sale",
                "value": cent_precision("EUR", 400),
                "country": "DE",
                "validFrom": "2026-05-01T00:00:00.000Z",
                "validUntil": "2026-07-01T00:00:00.000Z",
            },
        ],
    }
    # A Price valid for a window beats the undated one; the others are no candidates.
    selected = select_price(variant, "EUR", "DE", now)
    assert selected is not None and selected["id"] == "sale"
    later = select_price(variant, "EUR", "DE", datetime(2026, 8, 1, tzinfo=UTC))
    assert later is not None and later["id"] == "plain"


def test_scoped_price_has_current_value(tshirt_m: Json) -> None:
    price = select_price(tshirt_m, "EUR", "AT")
    assert price is not None
    scoped = scoped_price(price)
    assert scoped["id"] == price["id"]
    assert scoped["value"] == scoped["currentValue"] == price["value"]
    assert scoped["country"] == "AT"


@pytest.mark.parametrize(
    ("country", "amount", "included"),
    [("DE", 0.19, True), ("AT", 0.2, True), ("US", 0.07, False)],
)
def test_tax_rates(catalog: Catalog, country: str, amount: float, included: bool) -> None:
    rate = catalog.tax_rate(country)
    assert rate is not None
    assert rate["amount"] == amount
    assert rate["includedInPrice"] is included
    assert rate["country"] == country
    assert isinstance(rate["id"], str) and len(rate["id"]) == 8
    assert isinstance(rate["name"], str)


def test_no_tax_rate_outside_the_demo_countries(catalog: Catalog) -> None:
    assert catalog.tax_rate("FR") is None
    assert catalog.tax_rate(None) is None
    assert catalog.tax_rate_for("unknown", "DE") is None


def test_tax_category_reference_points_to_the_category(catalog: Catalog) -> None:
    reference = catalog.tax_category_reference()
    category = catalog.tax_category(reference["id"])
    assert category is not None and category["key"] == "standard"
    assert {r["country"] for r in category["rates"]} == {"DE", "AT", "US"}


def _method(catalog: Catalog, key: str) -> Json:
    method = catalog.shipping_method_by_key(key)
    assert method is not None
    return method


@pytest.mark.parametrize(
    ("key", "country", "currency", "cents", "free_above"),
    [
        ("standard", "DE", "EUR", 495, 5000),
        ("standard", "AT", "EUR", 495, 5000),
        ("standard", "US", "USD", 695, 7500),
        ("express", "DE", "EUR", 1295, None),
        ("express", "US", "USD", 1995, None),
    ],
)
def test_shipping_rates(
    catalog: Catalog, key: str, country: str, currency: str, cents: int, free_above: int | None
) -> None:
    rate = catalog.shipping_rate(_method(catalog, key), country, currency, 1000)
    assert rate is not None
    assert rate["price"] == cent_precision(currency, cents)
    assert rate.get("freeAbove") == (
        None if free_above is None else cent_precision(currency, free_above)
    )
    assert rate["tiers"] == []


def test_no_shipping_rate_outside_zones_or_currencies(catalog: Catalog) -> None:
    standard = _method(catalog, "standard")
    assert catalog.shipping_rate(standard, "FR", "EUR", 1000) is None
    assert catalog.shipping_rate(standard, "DE", "USD", 1000) is None
    assert catalog.shipping_rate(standard, "US", "EUR", 1000) is None


def test_shipping_rate_is_a_copy(catalog: Catalog) -> None:
    standard = _method(catalog, "standard")
    rate = catalog.shipping_rate(standard, "DE", "EUR", 0)
    assert rate is not None
    rate["price"]["centAmount"] = 1
    again = catalog.shipping_rate(standard, "DE", "EUR", 0)
    assert again is not None and again["price"]["centAmount"] == 495


def test_free_above_threshold(catalog: Catalog) -> None:
    rate = catalog.shipping_rate(_method(catalog, "standard"), "DE", "EUR", 0)
    assert rate is not None
    assert Catalog.shipping_rate_price(rate, 4999)["centAmount"] == 495
    assert Catalog.shipping_rate_price(rate, 5000)["centAmount"] == 0  # "reaches" the value
    express = catalog.shipping_rate(_method(catalog, "express"), "DE", "EUR", 0)
    assert express is not None
    assert Catalog.shipping_rate_price(express, 100_000)["centAmount"] == 1295


def test_cart_value_tiers() -> None:
    rate: Json = {
        "price": cent_precision("EUR", 1000),
        "tiers": [
            {"type": "CartValue", "minimumCentAmount": 2000, "price": cent_precision("EUR", 500)},
            {"type": "CartValue", "minimumCentAmount": 4000, "price": cent_precision("EUR", 200)},
        ],
    }
    assert Catalog.shipping_rate_price(rate, 1999)["centAmount"] == 1000
    assert Catalog.shipping_rate_price(rate, 2000)["centAmount"] == 500
    assert Catalog.shipping_rate_price(rate, 9000)["centAmount"] == 200


def test_shipping_method_shape(catalog: Catalog) -> None:
    methods = catalog.shipping_methods()
    assert [m["key"] for m in methods] == ["standard", "express"]
    assert [m["isDefault"] for m in methods] == [True, False]
    for method in methods:
        assert method["taxCategory"] == catalog.tax_category_reference()
        assert method["active"] is True
        assert set(method["localizedName"]) == {"en", "de"}
        for zone_rate in method["zoneRates"]:
            assert catalog.zone(zone_rate["zone"]["id"]) is not None


def test_demo10(catalog: Catalog) -> None:
    code = catalog.discount_code_by_code("DEMO10")
    assert code is not None
    assert code["isActive"] is True
    assert catalog.discount_code(code["id"]) is code
    assert catalog.discount_code_by_code("demo10") is None  # codes are case-sensitive
    discount = catalog.cart_discount(code["cartDiscounts"][0]["id"])
    assert discount is not None
    assert discount["value"] == {"type": "relative", "permyriad": 1000}
    assert discount["target"] == {"type": "lineItems", "predicate": "1 = 1"}
    assert discount["requiresDiscountCode"] is True
    assert discount["isActive"] is True
    assert discount["stackingMode"] == "Stacking"
    assert 0 < float(discount["sortOrder"]) < 1
    assert catalog.cart_discount("missing") is None
