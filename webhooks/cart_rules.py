"""The cart rules the API Extension applies before commercetools stores a cart.

- Limits: at most CART_MAX_LINE_QUANTITY of one line item and CART_MAX_TOTAL_QUANTITY in the
  whole cart (0 turns a limit off). A cart over a limit is refused with InvalidInput errors,
  which commercetools passes to the caller; nothing is stored.
- Defaults where missing: `country` (the shipping address' country, else DEFAULT_COUNTRY) and,
  with CART_DEFAULT_SHIPPING_METHOD, the project's default shipping method once the cart has a
  shipping address.

Only raw JSON here (no SDK models): this runs inside a shopper's cart request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from app.ctp.json import Json


class ShippingDefaults(Protocol):
    async def for_location(self, country: str, currency: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class CartRuleConfig:
    max_line_quantity: int
    max_total_quantity: int
    default_country: str
    default_shipping_method: bool
    default_locale: str = "en"


class CartRejected(Exception):
    def __init__(self, errors: list[Json]) -> None:
        super().__init__("; ".join(str(e["message"]) for e in errors))
        self.errors = errors


class CartRules:
    def __init__(self, config: CartRuleConfig, shipping: ShippingDefaults | None) -> None:
        self._config = config
        self._shipping = shipping

    async def actions_for(self, cart: Json) -> list[Json]:
        """Update actions that complete the cart; CartRejected when it breaks a limit."""
        self._check_limits(cart)
        actions: list[Json] = []
        address_country = _field(cart, "shippingAddress", "country")
        if not cart.get("country"):
            country = address_country if isinstance(address_country, str) else None
            actions.append(
                {"action": "setCountry", "country": country or self._config.default_country}
            )
        method = await self._default_shipping_method(cart, address_country)
        if method is not None:
            actions.append(
                {
                    "action": "setShippingMethod",
                    "shippingMethod": {"typeId": "shipping-method", "id": method},
                }
            )
        return actions

    def _check_limits(self, cart: Json) -> None:
        limit_line = self._config.max_line_quantity
        limit_total = self._config.max_total_quantity
        errors: list[Json] = []
        total = 0
        for line in _lines(cart):
            quantity = _quantity(line)
            total += quantity
            if limit_line and quantity > limit_line:
                errors.append(
                    _invalid(
                        f"At most {limit_line} of '{self._name(line)}' can be ordered at once "
                        f"(the cart has {quantity})."
                    )
                )
        if limit_total and total > limit_total:
            errors.append(
                _invalid(f"A cart holds at most {limit_total} items (this one has {total}).")
            )
        if errors:
            raise CartRejected(errors)

    async def _default_shipping_method(self, cart: Json, country: Any) -> str | None:
        if (
            self._shipping is None
            or not self._config.default_shipping_method
            or not isinstance(country, str)
            or cart.get("shippingInfo")
            or cart.get("shippingMode", "Single") != "Single"
            or not _lines(cart)
        ):
            return None
        currency = _field(cart, "totalPrice", "currencyCode")
        if not isinstance(currency, str):
            return None
        return await self._shipping.for_location(country, currency)

    def _name(self, line: Json) -> str:
        name = line.get("name")
        if isinstance(name, dict) and name:
            return str(name.get(self._config.default_locale) or next(iter(name.values())))
        return str(_field(line, "variant", "sku") or line.get("id", "?"))


def _field(obj: Any, *path: str) -> Any:
    """obj[path[0]][path[1]]..., or None where something is missing or not an object."""
    for name in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(name)
    return obj


def _lines(cart: Json) -> list[Json]:
    lines = cart.get("lineItems")
    return [line for line in lines if isinstance(line, dict)] if isinstance(lines, list) else []


def _quantity(line: Json) -> int:
    quantity = line.get("quantity")
    return quantity if isinstance(quantity, int) and not isinstance(quantity, bool) else 0


def _invalid(message: str) -> Json:
    return {"code": "InvalidInput", "message": message}
