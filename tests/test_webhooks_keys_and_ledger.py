"""The parts behind /webhooks/events that time and memory matter for: Google's signing keys
fetched over HTTP and cached, and the per-process message ledger (bounded, expiring)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bootstrap.app import create_app
from tests.conftest import RunningService, make_settings
from tests.support.servers import ServerThread
from tests.support.webhooks import AUDIENCE, SECRET, SigningKey, bearer, envelope, message
from webhooks.jwks import FileKeySource, RemoteKeySource
from webhooks.ledger import Claim, InMemoryMessageLedger

pytestmark = pytest.mark.anyio


class KeyServer:
    """Serves a JWKS like https://www.googleapis.com/oauth2/v3/certs, counting fetches."""

    def __init__(self, keys: list[SigningKey]) -> None:
        self.keys = keys
        self.fetches = 0
        self.cache_control = "public, max-age=3600"
        self.failing = False

    async def certs(self, request: Request) -> Response:
        self.fetches += 1
        if self.failing:
            return JSONResponse({"error": "unavailable"}, status_code=503)
        document = {"keys": [k for key in self.keys for k in key.jwks()["keys"]]}
        return JSONResponse(document, headers={"Cache-Control": self.cache_control})


@pytest.fixture
def key_server() -> Iterator[tuple[KeyServer, str]]:
    server = KeyServer([SigningKey.generate("k1")])
    app = Starlette(routes=[Route("/certs", server.certs)])
    with ServerThread(app) as running:
        yield server, f"{running.url}/certs"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_remote_keys_are_cached_and_refetched_for_a_new_kid_at_most_once_a_minute(
    key_server: tuple[KeyServer, str],
) -> None:
    server, url = key_server
    clock = Clock()
    source = RemoteKeySource(url, clock=clock)
    assert (await source.key("k1")) is not None
    assert (await source.key("k1")) is not None
    assert server.fetches == 1
    # Google rotates: a token names a key fetched since.
    server.keys.append(SigningKey.generate("k2"))
    clock.now += 61
    assert (await source.key("k2")) is not None
    assert server.fetches == 2
    # Made-up key ids do not make it fetch again and again.
    for _ in range(5):
        assert (await source.key("made-up")) is None
    assert server.fetches == 2
    # The cache expires per Cache-Control max-age.
    clock.now += 3600
    await source.key("k1")
    assert server.fetches == 3


async def test_keys_survive_an_outage_of_the_key_server(
    key_server: tuple[KeyServer, str],
) -> None:
    server, url = key_server
    clock = Clock()
    source = RemoteKeySource(url, clock=clock)
    assert (await source.key("k1")) is not None
    server.failing = True
    clock.now += 7200
    assert (await source.key("k1")) is not None
    assert server.fetches == 2


async def test_a_bad_jwks_file_stops_start_up(tmp_path: Path) -> None:
    broken = tmp_path / "jwks.json"
    broken.write_text("{not json")
    with pytest.raises(ValueError, match="PUBSUB_JWKS_FILE"):
        FileKeySource(broken)
    app = create_app(
        make_settings(webhook_secret=SECRET, pubsub_audience=AUDIENCE, pubsub_jwks_file=broken)
    )
    with pytest.raises(ValueError, match="PUBSUB_JWKS_FILE"):
        async with app.router.lifespan_context(app):
            pass


async def test_the_service_verifies_tokens_against_keys_fetched_over_http(
    start_service: Callable[..., RunningService], key_server: tuple[KeyServer, str]
) -> None:
    server, url = key_server
    service = start_service(webhook_secret=SECRET, pubsub_audience=AUDIENCE, pubsub_certs_url=url)
    payload: dict[str, Any] = message("ProductPublished", "product", "p-1")
    async with httpx.AsyncClient(base_url=service.url) as client:
        good = await client.post(
            "/webhooks/events", json=envelope(payload), headers=bearer(server.keys[0].token())
        )
        forged = await client.post(
            "/webhooks/events",
            json=envelope(payload),
            headers=bearer(SigningKey.generate("k1").token()),
        )
    assert good.status_code == 200, good.text
    assert forged.status_code == 401
    assert server.fetches == 1


# -- the ledger ---------------------------------------------------------------------------------


async def test_the_ledger_claims_completes_and_releases() -> None:
    ledger = InMemoryMessageLedger()
    assert await ledger.claim("m1") is Claim.NEW
    assert await ledger.claim("m1") is Claim.BUSY
    await ledger.release("m1")
    assert await ledger.claim("m1") is Claim.NEW
    await ledger.complete("m1")
    assert await ledger.claim("m1") is Claim.DONE


async def test_the_ledger_is_bounded_and_forgets_after_its_ttl() -> None:
    clock = Clock()
    ledger = InMemoryMessageLedger(max_entries=3, ttl_seconds=60, lease_seconds=5, clock=clock)
    for name in ("a", "b", "c", "d"):
        await ledger.claim(name)
        await ledger.complete(name)
    assert len(ledger) == 3
    assert await ledger.claim("a") is Claim.NEW  # the oldest went first
    assert await ledger.claim("d") is Claim.DONE
    clock.now += 61
    assert await ledger.claim("d") is Claim.NEW
    # A claim never completed or released (a handler that hung) lapses.
    clock.now += 6
    assert await ledger.claim("d") is Claim.NEW


async def test_watermarks_only_go_up() -> None:
    ledger = InMemoryMessageLedger()
    assert await ledger.watermark("x") == 0
    await ledger.raise_watermark("x", 5)
    await ledger.raise_watermark("x", 3)
    assert await ledger.watermark("x") == 5


def test_a_jwks_written_by_the_tests_is_what_google_publishes(tmp_path: Path) -> None:
    key = SigningKey.generate("kid-9")
    document = json.loads(key.write_jwks(tmp_path / "k.json").read_text())
    [entry] = document["keys"]
    assert {entry["kty"], entry["alg"], entry["use"], entry["kid"]} == {
        "RSA",
        "RS256",
        "sig",
        "kid-9",
    }
