"""Shared fixtures: the service on a loopback port, on an in-process emulator whose clock the
tests control, and browsers with their own cookie jars."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from app.session.cookie_store import EncryptedCookieStore
from app.session.store import StoredSession
from app.settings import Settings
from bootstrap.app import create_app
from emulator.config import EmulatorConfig
from emulator.state import Emulator
from tests.support.browser import Browser
from tests.support.clock import FakeClock
from tests.support.redis_server import RedisServer, RedisUnavailable
from tests.support.servers import ServerThread
from tests.support.stripe_standin import RunningStandIn

SESSION_KEY = "test-session-key-0123456789-abcdefghijklmnop"


def make_settings(**overrides: Any) -> Settings:
    """Settings that never pick up a developer's real CTP_* environment."""
    values: dict[str, Any] = {
        "app_env": "test",
        "ctp_project_key": None,
        "ctp_client_id": None,
        "ctp_client_secret": None,
        "ctp_scopes": None,
        "ctp_api_url": None,
        "ctp_auth_url": None,
        "session_secret_keys": SESSION_KEY,
        "upstream_max_retries": 2,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class RunningService:
    url: str
    settings: Settings
    emulator: Emulator
    clock: FakeClock
    app: Any

    def browser(self, **kwargs: Any) -> Browser:
        return Browser(self.url, **kwargs)

    async def read_session(self, browser: Browser) -> StoredSession | None:
        """What the server-side key reveals of a browser's cookie (only tests hold the key)."""
        cookie = browser.cookie(self.settings.session.cookie_name)
        if cookie is None:
            return None
        return await EncryptedCookieStore(self.settings.session.keys_newest_first).load(cookie)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> Emulator:
    return Emulator(EmulatorConfig(), clock=clock)


@pytest.fixture
def start_service(clock: FakeClock, emulator: Emulator) -> Iterator[Callable[..., RunningService]]:
    servers: list[ServerThread] = []

    def start(**overrides: Any) -> RunningService:
        settings = make_settings(**overrides)
        app = create_app(settings, clock=clock, embedded_emulator=emulator)
        server = ServerThread(app).start()
        servers.append(server)
        return RunningService(server.url, settings, emulator, clock, app)

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def service(start_service: Callable[..., RunningService]) -> RunningService:
    return start_service()


@pytest.fixture
async def browser(service: RunningService) -> AsyncIterator[Browser]:
    async with service.browser() as b:
        yield b


@pytest.fixture
def stand_in() -> Iterator[RunningStandIn]:
    """The Stripe stand-in on a loopback port of its own, for one test."""
    running = RunningStandIn().start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    try:
        server = RedisServer().start()
    except RedisUnavailable as exc:
        pytest.skip(f"no redis-server: {exc}")
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.flush()
    return redis_server.url


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--soak-seconds",
        type=float,
        default=0.0,
        help="keep the load test's browsers shopping this long (default: one journey each)",
    )
