"""The e-mails events send, written from the SDK's typed Order and Customer models.

Mail goes to addresses nobody verified (a sign-up, a guest's order), so whatever a customer
typed is rendered inertly: on one line, without control or direction-changing characters,
shortened. It can neither add lines of its own nor make the shop's lines read differently.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from commercetools.platform.models.common import TypedMoney
    from commercetools.platform.models.customer import Customer
    from commercetools.platform.models.order import Order


# Joiners shape some scripts' names; every other format character (direction overrides,
# invisible marks) and every control or line-separating character becomes a space.
_KEPT_FORMAT = {"\u200c", "\u200d"}
_BLANKED = {"Cc", "Cf", "Zl", "Zp"}
NAME_LENGTH = 40
ADDRESS_LENGTH = 100


def inert(text: str | None, max_length: int) -> str:
    """`text` as one inert line of at most `max_length` characters."""
    if not text:
        return ""
    blanked = "".join(
        " " if unicodedata.category(c) in _BLANKED and c not in _KEPT_FORMAT else c for c in text
    )
    line = " ".join(blanked.split())
    return line if len(line) <= max_length else line[: max_length - 1].rstrip() + "…"


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
    lines = [f"Thank you for your order {inert(number, ADDRESS_LENGTH)}.", ""]
    for item in order.line_items:
        name = inert(localized(item.name, locale, default_locale), ADDRESS_LENGTH)
        lines.append(f"  {item.quantity} x {name}: {money(item.total_price)}")
    shipping = order.shipping_info
    if shipping is not None:
        method = inert(shipping.shipping_method_name, ADDRESS_LENGTH)
        lines.append(f"  Shipping ({method}): {money(shipping.price)}")
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
        parts = [inert(p, ADDRESS_LENGTH) for p in (who, street, town, address.country) if p]
        lines += ["", "Shipping to: " + ", ".join(parts)]
    lines += ["", f"Your orders: {storefront_url}/account/orders", ""]
    return "\n".join(lines)


def welcome(
    customer: Customer, *, storefront_url: str, verification_link: str | None = None
) -> str:
    name = inert(customer.first_name, NAME_LENGTH) or "there"
    lines = [
        f"Hello {name},",
        "",
        "welcome! Your account is ready; sign in any time to see your orders and",
        "your wish list.",
        "",
        f"{storefront_url}/account",
        "",
    ]
    if verification_link is not None:
        lines += [
            "Please confirm that this e-mail address is yours:",
            "",
            verification_link,
            "",
        ]
    return "\n".join(lines)
