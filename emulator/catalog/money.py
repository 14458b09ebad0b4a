"""Money as commercetools writes it: CentPrecisionMoney (a TypedMoney of type centPrecision)."""

from __future__ import annotations

from emulator.jsonio import Json

# ISO 4217 minor units of the currencies the demo uses (commercetools derives fractionDigits
# from the currency; every demo currency has two).
FRACTION_DIGITS = {"EUR": 2, "USD": 2}


def cent_precision(currency: str, cent_amount: int) -> Json:
    return {
        "type": "centPrecision",
        "currencyCode": currency,
        "centAmount": cent_amount,
        "fractionDigits": FRACTION_DIGITS.get(currency, 2),
    }
