"""The session's cart: found, created on the first write, changed without losing lines.

Writes go straight to commercetools with the cart version the session remembers (no read
first). A stale version costs one 409, which carries the current version to retry with; the
actions are relative ("add 1", "set to 3"), so applying them on top of another tab's change is
what the shopper meant. A stored cart id that went stale (cart ordered, merged or deleted
upstream) falls back to the customer's active cart, or to a new one, never to an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app import models
from app.ctp import resources
from app.ctp.errors import CtpBadRequest, CtpConcurrentModification, CtpNotFound
from app.ctp.gateway import CtpGateway
from app.ctp.json import Json
from app.errors import AppError, BadUserInput, Field, NotFound, UserErrorCode
from app.request_context import RequestContext
from app.services.addresses import is_email, validate_address
from app.services.mapped_carts import MappedCarts
from app.services.session_tokens import SessionTokens
from app.services.upstream_errors import ShopperMessage, shopper_error

MAX_LINE_QUANTITY = 999
MAX_SKU_LENGTH = 256
MAX_CODE_LENGTH = 64
MAX_EMAIL_LENGTH = 256
_NO_CART = "Your cart is empty."
_UNKNOWN_SKU = ShopperMessage(UserErrorCode.NOT_FOUND, "There is no product with this SKU.")
_UNKNOWN_LINE = ShopperMessage(UserErrorCode.NOT_FOUND, "This line is not in your cart.")
_UNKNOWN_CODE = ShopperMessage(UserErrorCode.NOT_FOUND, "This discount code is not on your cart.")
_UNUSABLE_METHOD = ShopperMessage(
    UserErrorCode.SHIPPING_METHOD_NOT_APPLICABLE,
    "This shipping method cannot ship your cart; choose one from the list.",
)
# Discount code names are needed to show them; expansion saves a call per code.
CART_EXPAND = {"expand": "discountCodes[*].discountCode"}


class CartService:
    def __init__(
        self,
        context: RequestContext,
        tokens: SessionTokens,
        gateway: CtpGateway,
        mapped_carts: MappedCarts,
    ) -> None:
        self._context = context
        self._session = context.session
        self._tokens = tokens
        self._gateway = gateway
        self._mapped = mapped_carts

    # -- reads ---------------------------------------------------------------------------------
    async def current_cart(self) -> models.Cart | None:
        raw = await self._tokens.call(self._active_cart, create=False)
        return self._mapped.cart(raw, self._context.shopper.locale) if raw is not None else None

    async def raw_active_cart(self) -> resources.Cart | None:
        """The active cart as commercetools JSON, for services building on it (checkout)."""
        return await self._tokens.call(self._active_cart, create=False)

    # -- line items ----------------------------------------------------------------------------
    # Parameters are named as the mutations' arguments: errors name them as `field`.
    async def add_line_item(self, sku: str, quantity: int | None = None) -> models.Cart:
        """Add `quantity` (None: 1) of the variant with this SKU."""
        sku = _required_text(sku, ("sku",), MAX_SKU_LENGTH, "Give the SKU of the variant to add.")
        quantity = 1 if quantity is None else quantity
        _check_quantity(quantity, minimum=1)
        line = self._line(sku, quantity)
        draft = self._draft(lineItems=[line])
        action = {"action": "addLineItem", **line}
        return await self._change(
            [action], create_with=draft, field=("sku",), otherwise=_UNKNOWN_SKU
        )

    async def change_line_item_quantity(self, line_item_id: str, quantity: int) -> models.Cart:
        _check_quantity(quantity, minimum=0)
        action = {
            "action": "changeLineItemQuantity",
            "lineItemId": line_item_id,
            "quantity": quantity,
        }
        return await self._change([action], field=("lineItemId",), otherwise=_UNKNOWN_LINE)

    async def remove_line_item(self, line_item_id: str) -> models.Cart:
        action = {"action": "removeLineItem", "lineItemId": line_item_id}
        return await self._change([action], field=("lineItemId",), otherwise=_UNKNOWN_LINE)

    # -- discounts -----------------------------------------------------------------------------
    async def apply_discount_code(self, code: str) -> models.Cart:
        code = _required_text(code, ("code",), MAX_CODE_LENGTH, "Enter a discount code.")
        return await self._change([{"action": "addDiscountCode", "code": code}], field=("code",))

    async def remove_discount_code(self, discount_code_id: str) -> models.Cart:
        reference = {"typeId": "discount-code", "id": discount_code_id}
        return await self._change(
            [{"action": "removeDiscountCode", "discountCode": reference}],
            field=("discountCodeId",),
            otherwise=_UNKNOWN_CODE,
        )

    # -- checkout details ----------------------------------------------------------------------
    async def set_shipping_address(self, address: Mapping[str, Any]) -> models.Cart:
        action = {"action": "setShippingAddress", "address": validate_address(address)}
        return await self._change([action], field=("address",))

    async def set_billing_address(self, address: Mapping[str, Any]) -> models.Cart:
        action = {"action": "setBillingAddress", "address": validate_address(address)}
        return await self._change([action], field=("address",))

    async def set_email(self, email: str) -> models.Cart:
        email = _required_text(email, ("email",), MAX_EMAIL_LENGTH, "Enter an e-mail address.")
        if not is_email(email):
            raise BadUserInput("Enter a valid e-mail address.", field=("email",))
        return await self._change(
            [{"action": "setCustomerEmail", "email": email}], field=("email",)
        )

    async def set_shipping_method(self, shipping_method_id: str) -> models.Cart:
        reference = {"typeId": "shipping-method", "id": shipping_method_id}
        return await self._change(
            [{"action": "setShippingMethod", "shippingMethod": reference}],
            field=("shippingMethodId",),
            otherwise=_UNUSABLE_METHOD,
        )

    # -- payments ------------------------------------------------------------------------------
    async def set_payment(self, payment_id: str, replacing: Sequence[str] = ()) -> models.Cart:
        """Adds the shopper's payment to the cart, removing the ones it replaces."""
        actions: list[Json] = [
            {"action": "removePayment", "payment": {"typeId": "payment", "id": old}}
            for old in replacing
        ]
        actions.append({"action": "addPayment", "payment": {"typeId": "payment", "id": payment_id}})
        return await self._change(actions)

    # -- the shopper context --------------------------------------------------------------------
    async def follow_context(self, raw: resources.Cart) -> models.Cart:
        """The same cart for another country (commercetools' setCountry: repriced; the shipping
        address and method stay, the address is where the parcel goes) or language
        (setLocale); unchanged when it fits already."""
        shopper = self._context.shopper
        actions: list[Json] = []
        if raw.get("country") != shopper.country:
            actions.append({"action": "setCountry", "country": shopper.country})
        if raw.get("locale") != shopper.locale:
            actions.append({"action": "setLocale", "locale": shopper.locale})
        if not actions:
            return self.model(raw)
        return await self._change(actions)

    async def start_cart(self, lines: list[Json], keep: Json) -> resources.Cart:
        """A new cart in the shopper's context (currency, country, store) with these lines and
        the draft fields in `keep` (addresses, e-mail); the session's cart from now on."""
        draft = self._draft(
            lineItems=[self._line(line["sku"], int(line["quantity"])) for line in lines], **keep
        )

        async def create(token: str) -> resources.Cart:
            created: resources.Cart = await self._gateway.post(
                self._context.store.path("/me/carts"), draft, token=token, params=CART_EXPAND
            )
            self._remember(created)
            return created

        created = await self._tokens.call(create, create=True)
        assert created is not None  # create=True: the session has a token
        return created

    async def raw_cart(self, cart_id: str) -> resources.Cart | None:
        """One of the shopper's carts by id, in the current store, if still active."""

        async def fetch(token: str) -> resources.Cart | None:
            try:
                found: resources.Cart = await self._gateway.get(
                    self._context.store.path(f"/me/carts/{cart_id}"), token=token
                )
            except CtpNotFound:
                return None
            return found if found.get("cartState") == "Active" else None

        return await self._tokens.call(fetch, create=False)

    def model(self, raw: resources.Cart) -> models.Cart:
        return self._mapped.cart(raw, self._context.shopper.locale)

    def forget(self) -> None:
        self._forget_cart()

    # -- the mechanism -------------------------------------------------------------------------
    async def _change(
        self,
        actions: list[Json],
        *,
        create_with: Json | None = None,
        field: Field | None = None,
        otherwise: ShopperMessage | None = None,
    ) -> models.Cart:
        """Apply `actions` to the session's cart; with `create_with`, a missing cart is
        created from that draft (which already holds the change). A refusal becomes an error
        about `field` (`otherwise` says what a refusal the error table does not know means)."""
        refused = _Refusal(field, otherwise)

        async def run(token: str) -> resources.Cart:
            cart_id, version = self._session.cart_id, self._session.cart_version
            if self._context.created_anonymous_token:
                cart_id = None  # a token made in this request owns no cart yet
            elif cart_id is None or version is None:
                found = await self._active_cart(token)
                cart_id, version = (found["id"], found["version"]) if found else (None, None)
            if cart_id is None or version is None:
                return await self._create(token, create_with, refused)
            return await self._update(token, cart_id, version, actions, create_with, refused)

        raw = await self._tokens.call(run, create=create_with is not None)
        if raw is None:
            raise NotFound(_NO_CART, code=UserErrorCode.CART_EMPTY)
        return self._mapped.cart(raw, self._context.shopper.locale)

    async def _create(self, token: str, draft: Json | None, refused: _Refusal) -> resources.Cart:
        if draft is None:
            raise NotFound(_NO_CART, code=UserErrorCode.CART_EMPTY)
        try:
            created: resources.Cart = await self._gateway.post(
                self._context.store.path("/me/carts"), draft, token=token, params=CART_EXPAND
            )
        except CtpBadRequest as exc:
            raise refused.error(exc) from exc
        self._remember(created)
        return created

    async def _update(
        self,
        token: str,
        cart_id: str,
        version: int,
        actions: list[Json],
        draft: Json | None,
        refused: _Refusal,
    ) -> resources.Cart:
        path = self._context.store.path(f"/me/carts/{cart_id}")
        try:
            updated: resources.Cart = await self._gateway.update(
                path, version, actions, token=token, params=CART_EXPAND
            )
        except CtpNotFound:
            return await self._after_stale_cart(token, actions, draft, refused)
        except CtpBadRequest as exc:
            # An ordered or merged cart refuses every change: carry on with the active one.
            if not await self._is_active(token, cart_id):
                return await self._after_stale_cart(token, actions, draft, refused)
            raise refused.error(exc) from exc
        except CtpConcurrentModification as exc:
            raise refused.error(exc) from exc
        self._remember(updated)
        return updated

    async def _after_stale_cart(
        self, token: str, actions: list[Json], draft: Json | None, refused: _Refusal
    ) -> resources.Cart:
        self._forget_cart()
        found = await self._active_cart(token)
        if found is None:
            return await self._create(token, draft, refused)
        return await self._update(
            token, found["id"], int(found["version"]), actions, draft, refused
        )

    async def _active_cart(self, token: str) -> resources.Cart | None:
        """The session's cart if still active, else the customer's active cart, else None."""
        cart_id = self._session.cart_id
        if cart_id is not None:
            try:
                cart: resources.Cart = await self._gateway.get(
                    self._context.store.path(f"/me/carts/{cart_id}"),
                    token=token,
                    params=CART_EXPAND,
                )
                if cart.get("cartState") == "Active":
                    self._remember(cart)
                    return cart
            except CtpNotFound:
                pass
        try:
            active: resources.Cart = await self._gateway.get(
                self._context.store.path("/me/active-cart"), token=token, params=CART_EXPAND
            )
        except CtpNotFound:
            self._forget_cart()
            return None
        self._remember(active)
        return active

    async def _is_active(self, token: str, cart_id: str) -> bool:
        try:
            cart: resources.Cart = await self._gateway.get(
                self._context.store.path(f"/me/carts/{cart_id}"), token=token
            )
        except CtpNotFound:
            return False
        return cart.get("cartState") == "Active"

    def _remember(self, cart: resources.Cart) -> None:
        self._session.cart_id = cart["id"]
        self._session.cart_version = int(cart["version"])

    def _forget_cart(self) -> None:
        self._session.cart_id = None
        self._session.cart_version = None

    def _line(self, sku: str, quantity: int) -> Json:
        """A line item draft; in a store with a distribution channel, priced from that channel
        (commercetools picks no channel by itself), as the catalog shows it (`priceChannel`)."""
        line: Json = {"sku": sku, "quantity": quantity}
        channel = self._context.shopper.channel_id
        if channel is not None:
            line["distributionChannel"] = {"typeId": "channel", "id": channel}
        return line

    def _draft(self, **fields: Any) -> Json:
        shopper = self._context.shopper
        return {
            "currency": shopper.currency,
            "country": shopper.country,
            "locale": shopper.locale,
            **fields,
        }


@dataclass(frozen=True, slots=True)
class _Refusal:
    """What a refused cart write is about, to turn commercetools' refusal into our error."""

    field: Field | None
    otherwise: ShopperMessage | None

    def error(self, exc: CtpBadRequest | CtpConcurrentModification) -> AppError:
        return shopper_error(exc, "cart", field=self.field, otherwise=self.otherwise)


def _required_text(value: str, field: Field, max_length: int, blank: str) -> str:
    text = value.strip()
    if not text:
        raise BadUserInput(blank, field=field, code=UserErrorCode.BLANK)
    if len(text) > max_length:
        raise BadUserInput(
            f"At most {max_length} characters, please.", field=field, code=UserErrorCode.TOO_LONG
        )
    return text


def _check_quantity(quantity: int, *, minimum: int) -> None:
    if not minimum <= quantity <= MAX_LINE_QUANTITY:
        raise BadUserInput(
            f"Quantity must be between {minimum} and {MAX_LINE_QUANTITY}.",
            field=("quantity",),
            code=UserErrorCode.OUT_OF_RANGE,
        )
