"""Which GraphQL response media type a request accepts (GraphQL over HTTP, "Body").

Two types are served: `application/graphql-response+json` (request errors answered with 4xx)
and `application/json` (the legacy type: 200 for every well-formed request). The `Accept`
header is read as RFC 9110 says: the most specific range that matches a type gives its weight,
`q=0` refuses it, and the highest weight wins. Two choices are the service's own:

- A tie between the two types goes to `application/graphql-response+json` only when the client
  named it; ranges (`*/*`, `application/*`) and a missing header mean `application/json`, so
  clients written before the new type (curl, legacy fetch code) keep getting what they expect.
- An `Accept` header that allows neither type gives None: the handler answers 406.
"""

from __future__ import annotations

from dataclasses import dataclass

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    weight: float
    order: int

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        return 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)


def _weight(parameters: list[str]) -> float | None:
    """The `q` parameter (1 when absent), or None when it is not a valid weight."""
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() != "q":
            continue
        try:
            weight = float(value.strip())
        except ValueError:
            return None
        return weight if 0 <= weight <= 1 else None
    return 1.0


def _ranges(accept: str) -> list[_Range]:
    ranges = []
    for order, element in enumerate(accept.split(",")):
        media_range, *parameters = element.split(";")
        kind, slash, sub = media_range.strip().lower().partition("/")
        weight = _weight(parameters)
        # Malformed elements are skipped, as if the client had not sent them.
        if not slash or not kind or not sub or weight is None:
            continue
        ranges.append(_Range(kind, sub, weight, order))
    return ranges


def _preference(ranges: list[_Range], media_type: str) -> tuple[float, bool]:
    """The weight the client gives `media_type`, and whether it named the type itself."""
    matching = [r for r in ranges if r.matches(media_type)]
    if not matching:
        return 0.0, False
    best = max(matching, key=lambda r: (r.specificity, -r.order))
    return best.weight, best.specificity == 2


def negotiate(accept: str | None) -> str | None:
    """The media type to answer with, or None when the client accepts neither."""
    if accept is None or not accept.strip():
        return JSON
    ranges = _ranges(accept)
    new_weight, new_named = _preference(ranges, GRAPHQL_RESPONSE_JSON)
    legacy_weight, _ = _preference(ranges, JSON)
    preferred = new_weight > legacy_weight or (new_weight == legacy_weight and new_named)
    if new_weight > 0 and preferred:
        return GRAPHQL_RESPONSE_JSON
    if legacy_weight > 0:
        return JSON
    return None
