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


def as_payload(resolver: Resolver, returns: str | None) -> Resolver:
    """`resolver`'s result as the payload's `returns` field (None: a payload of userErrors
    only); a UserError it raises as the payload's userErrors, with `returns` null."""

    @functools.wraps(resolver)
    async def resolve(*args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            result = await resolver(*args, **kwargs)
        except UserError as error:
            result, errors = None, [user_error(error)]
        else:
            errors = []
        answer: dict[str, Any] = {"user_errors": errors}
        if returns is not None:
            answer[returns] = result
        return answer

    return resolve


def bind_mutation(name: str, resolver: Resolver, *, returns: str | None) -> None:
    """Binds `resolver` to `Mutation.<name>`, answering with its payload."""
    mutation.set_field(name, as_payload(resolver, returns))
