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
from typing import Literal

from app.ctp.errors import CtpBadRequest, CtpConcurrentModification, CtpError
from app.errors import AppError, BadUserInput, Conflict

log = logging.getLogger(__name__)

Subject = Literal["cart", "order", "account", "wishlist"]

# Checked in this order: an answer with several codes gets the first one's message.
SHOPPER_MESSAGES: dict[str, str] = {
    "DiscountCodeNonApplicable": (
        "This discount code does not exist or does not apply to your cart."
    ),
    "MatchingPriceNotFound": "This product is not sold in your currency or country.",
    "ShippingMethodDoesNotMatchCart": "This shipping method does not deliver to your address.",
    "MissingTaxRateForCountry": "We cannot ship to that country.",
    "OutOfStock": "Some items are no longer in stock.",
    "DuplicateField": "An account with this e-mail address already exists.",
    "InvalidCredentials": "The e-mail address or password is wrong.",
    "InvalidCurrentPassword": "The current password is wrong.",
}


def shopper_error(exc: CtpError, subject: Subject) -> AppError:
    """The error to show for a write commercetools refused; logs what commercetools said."""
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
        for code, message in SHOPPER_MESSAGES.items():
            if code in exc.codes:
                return BadUserInput(message)
        from_extension = [
            str(error["message"])
            for error in exc.errors
            if error.get("errorByExtension") and isinstance(error.get("message"), str)
        ]
        if from_extension:
            return BadUserInput(" ".join(from_extension))
    return BadUserInput(f"We could not change your {subject}; please check your input and retry.")
