"""`python -m emulator` serves on its own: start it as a subprocess and talk to it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from emulator.__main__ import config_from, parse_args
from emulator.config import EmulatorConfig

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_python_m_emulator_serves_api_and_auth() -> None:
    port = _free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", str(port), "--access-token-ttl", "60"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(7)]
        base = f"http://127.0.0.1:{port}"
        assert any(line.strip() == f"API URL:       {base}" for line in banner), banner
        assert any(line.strip() == f"Auth URL:      {base}" for line in banner), banner
        assert any("demo-client / demo-secret" in line for line in banner), banner
        assert any("demo@example.com / Demo-Passw0rd!" in line for line in banner), banner
        with httpx.Client(base_url=base, timeout=5) as client:
            deadline = time.monotonic() + 10
            while True:
                try:
                    response = client.post(
                        "/oauth/token",
                        data={"grant_type": "client_credentials"},
                        auth=("demo-client", "demo-secret"),
                    )
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the emulator did not start listening"
                    time.sleep(0.02)
            ready_after = time.monotonic() - started
            assert response.status_code == 200
            token = response.json()
            assert token["expires_in"] == 60
            carts = client.get(
                "/demo/carts", headers={"Authorization": f"Bearer {token['access_token']}"}
            )
            assert carts.status_code == 200
            assert carts.json()["results"] == []
        # Generous bound for loaded CI machines; it is ~0.4 s on a developer machine.
        assert ready_after < 5, f"took {ready_after:.2f} s to answer"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_caps_come_from_the_command_line() -> None:
    capped = config_from(parse_args(["--max-carts", "100", "--max-tokens", "500"]))
    assert capped.max_carts == 100
    assert capped.max_access_tokens == capped.max_refresh_tokens == 500
    assert capped.max_orders == EmulatorConfig().max_orders
    unbounded = config_from(parse_args(["--unbounded"]))
    assert unbounded.max_carts is None and unbounded.max_customers is None


def test_a_new_project_comes_from_the_command_line() -> None:
    assert config_from(parse_args([])).product_projection_search is True
    new = config_from(parse_args(["--no-product-projection-search"]))
    assert new.product_projection_search is False
