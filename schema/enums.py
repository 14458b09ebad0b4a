"""GraphQL enums whose Python values are the services' own enums (member names are the GraphQL
names). ProductSort, CountryCode and CurrencyCode stay plain strings equal to their names."""

from __future__ import annotations

from ariadne import EnumType

from app.errors import UserErrorCode
from app.models import DiscountCodeState, FacetKind, OrderState, PaymentState, ShipmentState
from app.payments.provider import PaymentStatus

ENUMS = tuple(
    EnumType(enum.__name__, enum)
    for enum in (
        UserErrorCode,
        OrderState,
        PaymentState,
        PaymentStatus,
        ShipmentState,
        DiscountCodeState,
        FacetKind,
    )
)
