"""The e-mails events send, written from the SDK's typed Order and Customer models."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from commercetools.platform.models.common import TypedMoney
    from commercetools.platform.models.customer import Customer
    from commercetools.platform.models.order import Order


def money(value: TypedMoney) -> str:
    """`3998` cents with 2 fraction digits in EUR → `39.98 EUR`."""
    digits = value.fraction_digits
    amount = Decimal(value.cent_amount).scaleb(-digits)
    return f"{amount:.{digits}f} {value.currency_code}"


def localized(text: dict[str, str] | None, locale: str, fallback: str) -> str:
    if not text:
        return ""
    for wanted in (locale, locale.split("-")[0], fallback):
        if text.get(wanted):
            return text[wanted]
    return next(iter(text.values()))


def order_confirmation(order: Order, *, default_locale: str, storefront_url: str) -> str:
    locale = order.locale or default_locale
    number = order.order_number or order.id
    lines = [f"Thank you for your order {number}.", ""]
    for item in order.line_items:
        name = localized(item.name, locale, default_locale)
        lines.append(f"  {item.quantity} x {name}: {money(item.total_price)}")
    shipping = order.shipping_info
    if shipping is not None:
        lines.append(f"  Shipping ({shipping.shipping_method_name}): {money(shipping.price)}")
    lines.append("")
    total = f"Total: {money(order.total_price)}"
    if order.taxed_price is not None and order.taxed_price.total_tax is not None:
        total += f" (including {money(order.taxed_price.total_tax)} tax)"
    lines.append(total)
    address = order.shipping_address
    if address is not None:
        street = " ".join(p for p in (address.street_name, address.street_number) if p)
        town = " ".join(p for p in (address.postal_code, address.city) if p)
        who = " ".join(p for p in (address.first_name, address.last_name) if p)
        parts = [p for p in (who, street, town, address.country) if p]
        lines += ["", "Shipping to: " + ", ".join(parts)]
    lines += ["", f"Your orders: {storefront_url}/account/orders", ""]
    return "\n".join(lines)


def welcome(customer: Customer, *, storefront_url: str) -> str:
    name = customer.first_name or "there"
    return "\n".join(
        [
            f"Hello {name},",
            "",
            "welcome! Your account is ready; sign in any time to see your orders and",
            "your wish list.",
            "",
            f"{storefront_url}/account",
            "",
        ]
    )
