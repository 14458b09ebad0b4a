"""Serving the API, and in the demo the demo storefront beside it, from one process.

The storefront is a second uvicorn server in the API's event loop: no second process to start,
stop or forget. Both ports are bound before either server runs, so a port in use stops
start-up at once, and the API's server alone answers signals: when it stops, so does the
storefront's.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn


class _CompanionServer(uvicorn.Server):
    """A server that leaves SIGINT and SIGTERM to the main server, and stops with it."""

    def __init__(self, config: uvicorn.Config, main: uvicorn.Server) -> None:
        super().__init__(config)
        self._main = main

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Two servers capturing signals would each replace the other's handlers.
        yield

    async def on_tick(self, counter: int) -> bool:
        return self._main.should_exit or await super().on_tick(counter)


async def _serve_together(
    main: uvicorn.Server,
    main_socket: socket.socket,
    companion: _CompanionServer,
    companion_socket: socket.socket,
) -> None:
    companion_run = asyncio.create_task(companion.serve(sockets=[companion_socket]))
    try:
        await main.serve(sockets=[main_socket])
    finally:
        companion.should_exit = True
        await companion_run


def serve_with_companion(main: uvicorn.Config, companion: uvicorn.Config) -> None:
    """Runs `main` until SIGINT or SIGTERM, and `companion` beside it for as long."""
    main_server = uvicorn.Server(main)
    companion_server = _CompanionServer(companion, main_server)
    # bind_socket logs where each server listens, or exits when its port is taken.
    main_socket, companion_socket = main.bind_socket(), companion.bind_socket()
    with (
        asyncio.Runner(loop_factory=main.get_loop_factory()) as runner,
        contextlib.suppress(KeyboardInterrupt),
    ):
        runner.run(_serve_together(main_server, main_socket, companion_server, companion_socket))
