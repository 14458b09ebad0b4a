"""`python -m emulator --port 8989 [--host 127.0.0.1] [--access-token-ttl N]`

Serves the emulator with uvicorn and prints its API and auth base URLs (the same server
answers both) and the demo credentials, so a storefront can be pointed at it directly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import uvicorn

from emulator.app import create_emulator_app
from emulator.config import EmulatorConfig
from emulator.customers import DEMO_EMAIL, DEMO_PASSWORD
from emulator.state import Emulator


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m emulator", description="A local commercetools emulator (in memory)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=8989, help="port (default: 8989)")
    parser.add_argument(
        "--access-token-ttl",
        type=int,
        default=None,
        metavar="SECONDS",
        help="lifetime of access tokens (default: 172800, as commercetools)",
    )
    parser.add_argument(
        "--no-seed", action="store_true", help="start without the demo catalog and customer"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = _parse(argv)
    defaults = EmulatorConfig()
    config = EmulatorConfig(
        access_token_ttl_seconds=args.access_token_ttl or defaults.access_token_ttl_seconds,
        seed_demo_data=not args.no_seed,
    )
    app = create_emulator_app(Emulator(config))
    base = f"http://{args.host}:{args.port}"
    print(
        f"commercetools emulator\n"
        f"  API URL:       {base}\n"
        f"  Auth URL:      {base}\n"
        f"  Project key:   {config.project_key}\n"
        f"  Client:        {config.client_id} / {config.client_secret}\n"
        f"  Demo customer: {DEMO_EMAIL} / {DEMO_PASSWORD}\n"
        f"  Discount code: DEMO10",
        flush=True,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
