"""`python -m bench.signin_timing`: how long a failed signIn takes for an e-mail address with an
account (wrong password) and for one without, with and without the failure padding.

A measurement, not a test: timing assertions in tests would be flaky. The service runs
in-process on the embedded emulator (as in `make run`); throttling is raised out of the way.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import time

import httpx
from pydantic import SecretStr

from app.settings import Settings
from bootstrap.app import create_app

SIGN_IN = "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }"
KNOWN, UNKNOWN = "demo@example.com", "nobody-here@example.com"


async def measure(floor: float, rounds: int) -> dict[str, list[float]]:
    settings = Settings(
        app_env="test",
        credential_failure_min_seconds=floor,
        throttle_max_failures_per_email=1_000_000,
        throttle_max_failures_per_address=1_000_000,
        session_secret_keys=SecretStr(secrets.token_urlsafe(48)),
    )
    app = create_app(settings)
    samples: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for round_ in range(rounds + 5):
            # Interleaved, so drift (CPU frequency, GC) hits both alike.
            for email in (KNOWN, UNKNOWN):
                started = time.perf_counter()
                response = await client.post(
                    "/graphql",
                    json={"query": SIGN_IN, "variables": {"e": email, "p": "Wrong-Passw0rd"}},
                )
                elapsed = (time.perf_counter() - started) * 1000
                assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
                if round_ >= 5:  # warm-up: app token, caches
                    samples[email].append(elapsed)
    return samples


def describe(values: list[float]) -> str:
    deciles = statistics.quantiles(values, n=10)
    return (
        f"median {statistics.median(values):7.1f} ms  p10 {deciles[0]:7.1f}  "
        f"p90 {deciles[8]:7.1f}  min {min(values):7.1f}  max {max(values):7.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--floor", type=float, action="append", default=None)
    args = parser.parse_args()
    for floor in args.floor or [0.0, 0.3]:
        samples = asyncio.run(measure(floor, args.rounds))
        print(f"CREDENTIAL_FAILURE_MIN_SECONDS={floor:g} ({args.rounds} rounds)")
        for email, label in ((KNOWN, "wrong password"), (UNKNOWN, "unknown e-mail")):
            print(f"  {label:15} {describe(samples[email])}")
        gap = statistics.median(samples[KNOWN]) - statistics.median(samples[UNKNOWN])
        print(f"  median gap (known - unknown): {gap:+.1f} ms")


if __name__ == "__main__":
    main()
