"""What a shopper is told when commercetools refuses a change: one table from commercetools'
error codes to our own words.

commercetools' messages are written for developers ("The discount code '3f6…' is not
applicable to the cart '8e1…'") and may name ids, fields and internals, so none reaches a
shopper: its text, codes and correlation id go to the log, where support can match them with
commercetools' own logs. The one exception is an error raised by an API Extension of the
project (`errorByExtension`): the project wrote that text for shoppers (the cart rules of
`webhooks/cart_rules.py` say "At most 5 of 'Classic T-Shirt' per order"), and it is the only
place that knows what the rule was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from app.ctp.errors import CtpBadRequest, CtpConcurrentModification, CtpError
from app.errors import AppError, BadUserInput, Conflict, Field, UserErrorCode

log = logging.getLogger(__name__)

Subject = Literal["cart", "order", "account", "wishlist"]


@dataclass(frozen=True, slots=True)
class ShopperMessage:
    code: UserErrorCode
    text: str


# Checked in this order: an answer with several codes gets the first one's message.
SHOPPER_MESSAGES: dict[str, ShopperMessage] = {
    "DiscountCodeNonApplicable": ShopperMessage(
        UserErrorCode.DISCOUNT_CODE_NOT_APPLICABLE,
        "This discount code does not exist or does not apply to your cart.",
    ),
    "MatchingPriceNotFound": ShopperMessage(
        UserErrorCode.NOT_SOLD_IN_MARKET, "This product is not sold in your currency or country."
    ),
    "ShippingMethodDoesNotMatchCart": ShopperMessage(
        UserErrorCode.SHIPPING_METHOD_NOT_APPLICABLE,
        "This shipping method does not deliver to your address.",
    ),
    "MissingTaxRateForCountry": ShopperMessage(
        UserErrorCode.COUNTRY_NOT_SHIPPABLE, "We cannot ship to that country."
    ),
    "OutOfStock": ShopperMessage(UserErrorCode.OUT_OF_STOCK, "Some items are no longer in stock."),
    "DuplicateField": ShopperMessage(
        UserErrorCode.TAKEN, "An account with this e-mail address already exists."
    ),
    "InvalidCredentials": ShopperMessage(
        UserErrorCode.INVALID_CREDENTIALS, "The e-mail address or password is wrong."
    ),
    "InvalidCurrentPassword": ShopperMessage(
        UserErrorCode.WRONG_CURRENT_PASSWORD, "The current password is wrong."
    ),
    "ReferencedResourceNotFound": ShopperMessage(
        UserErrorCode.NOT_FOUND, "What you chose does not exist (any more)."
    ),
}


def shopper_error(
    exc: CtpError,
    subject: Subject,
    *,
    field: Field | None = None,
    otherwise: ShopperMessage | None = None,
) -> AppError:
    """The error to show for a write commercetools refused; logs what commercetools said.

    `field` is the input the write was about; `otherwise` says what a refusal that the table
    does not know means for this write (e.g. "there is no such line item").
    """
    log.info(
        "commercetools refused a change to the %s: status %s, codes %s, correlation id %s: %s",
        subject,
        exc.status_code,
        sorted(exc.codes),
        exc.correlation_id,
        exc.message,
    )
    if isinstance(exc, CtpConcurrentModification):
        return Conflict(f"Your {subject} is being changed elsewhere right now; please try again.")
    if isinstance(exc, CtpBadRequest):
        for code, known in SHOPPER_MESSAGES.items():
            if code in exc.codes:
                return BadUserInput(known.text, field=field, code=known.code)
        from_extension = [
            str(error["message"])
            for error in exc.errors
            if error.get("errorByExtension") and isinstance(error.get("message"), str)
        ]
        if from_extension:
            return BadUserInput(" ".join(from_extension), field=field, code=UserErrorCode.REJECTED)
        if otherwise is not None:
            return BadUserInput(otherwise.text, field=field, code=otherwise.code)
    return BadUserInput(
        f"We could not change your {subject}; please check your input and retry.",
        field=field,
        code=UserErrorCode.REJECTED,
    )
