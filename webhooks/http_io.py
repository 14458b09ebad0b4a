"""Small HTTP helpers the webhook routes share."""

from __future__ import annotations

from starlette.requests import Request

# commercetools carts stay well below this; Pub/Sub messages are at most 10 MB.
MAX_BODY_BYTES = 10 * 1024 * 1024


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refusing to buffer more than `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)
