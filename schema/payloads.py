"""Mutations answer with a payload: the changed object under its name, and `userErrors`.

The one place where a service's `UserError` (app/errors.py: what is wrong with the input, and
which field) becomes an entry of `userErrors` instead of a GraphQL error. Other errors (not
signed in, throttled, the shop unavailable) pass through and stay GraphQL errors.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from app.errors import UserError
from schema.bindables import mutation

Resolver = Callable[..., Awaitable[Any]]


def user_error(error: UserError) -> dict[str, Any]:
    """A `UserError` object of the schema."""
    field = list(error.field) if error.field is not None else None
    return {"field": field, "code": error.reason, "message": error.message}


class PayloadFields(dict[str, Any]):
    """A resolver's answer that fills several fields of its payload (e.g. `customer` and
    `leftOutLines`), where a plain answer fills the `returns` field alone."""


def as_payload(
    resolver: Resolver, returns: str | None, refused: dict[str, Any] | None = None
) -> Resolver:
    """`resolver`'s result as the payload's `returns` field (None: a payload of userErrors
    only), or as several fields when it is `PayloadFields`; a UserError it raises as the
    payload's userErrors, with `returns` null and the other fields as `refused` gives them."""

    @functools.wraps(resolver)
    async def resolve(*args: Any, **kwargs: Any) -> dict[str, Any]:
        answer: dict[str, Any]
        try:
            result = await resolver(*args, **kwargs)
        except UserError as error:
            answer = {**(refused or {}), "user_errors": [user_error(error)]}
            if returns is not None:
                answer[returns] = None
            return answer
        if isinstance(result, PayloadFields):
            return {**result, "user_errors": []}
        answer = {"user_errors": []}
        if returns is not None:
            answer[returns] = result
        return answer

    return resolve


def bind_mutation(
    name: str, resolver: Resolver, *, returns: str | None, refused: dict[str, Any] | None = None
) -> None:
    """Binds `resolver` to `Mutation.<name>`, answering with its payload; `refused`: the
    payload's other non-null fields when a UserError refuses the input."""
    mutation.set_field(name, as_payload(resolver, returns, refused))
