"""`python -m emulator --port 8989 [--host 127.0.0.1] [--access-token-ttl N] [--no-seed]
[--no-product-projection-search] [--max-carts N] [--max-orders N] [--max-customers N]
[--max-tokens N] [--unbounded]`

Serves the emulator with uvicorn and prints its API and auth base URLs (the same server
answers both) and the demo credentials, so a storefront can be pointed at it directly; the
Stripe stand-in answers under `/_stripe` on the same port (STRIPE_API_BASE).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount

from emulator.app import create_emulator_app
from emulator.config import EmulatorConfig
from emulator.customers import DEMO_EMAIL, DEMO_PASSWORD, VIP_EMAIL
from emulator.state import Emulator
from emulator.stripe_standin.app import create_stripe_app
from emulator.stripe_standin.state import PUBLISHABLE_KEY, SECRET_KEY

# The Stripe stand-in's base URL is this path on the same port (docs/emulator.md).
STRIPE_PREFIX = "/_stripe"


def serving_app(emulator: Emulator) -> Starlette:
    """commercetools at the root, the Stripe stand-in under STRIPE_PREFIX."""
    return Starlette(
        routes=[
            Mount(STRIPE_PREFIX, app=create_stripe_app()),
            Mount("", app=create_emulator_app(emulator)),
        ]
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
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
    parser.add_argument(
        "--no-product-projection-search",
        action="store_true",
        help="behave like a project created after 31 August 2026: Product Projection Search "
        "and Search Term Suggestions answer SearchDeactivated (use Product Search)",
    )
    defaults = EmulatorConfig()
    caps = parser.add_argument_group("caps (the oldest go first; docs/emulator.md, Long runs)")
    for flag, default in (
        ("--max-carts", defaults.max_carts),
        ("--max-orders", defaults.max_orders),
        ("--max-customers", defaults.max_customers),
        ("--max-tokens", defaults.max_access_tokens),
    ):
        caps.add_argument(flag, type=int, default=default, metavar="N", help=f"default {default}")
    caps.add_argument("--unbounded", action="store_true", help="no caps at all")
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace) -> EmulatorConfig:
    defaults = EmulatorConfig()
    config = dataclasses.replace(
        defaults,
        access_token_ttl_seconds=args.access_token_ttl or defaults.access_token_ttl_seconds,
        seed_demo_data=not args.no_seed,
        product_projection_search=not args.no_product_projection_search,
        max_carts=args.max_carts,
        max_orders=args.max_orders,
        max_customers=args.max_customers,
        max_access_tokens=args.max_tokens,
        max_refresh_tokens=args.max_tokens,
    )
    return config.unbounded() if args.unbounded else config


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    config = config_from(args)
    app = serving_app(Emulator(config))
    base = f"http://{args.host}:{args.port}"
    print(
        f"commercetools emulator\n"
        f"  API URL:       {base}\n"
        f"  Auth URL:      {base}\n"
        f"  Project key:   {config.project_key}\n"
        f"  Client:        {config.client_id} / {config.client_secret}\n"
        f"  Demo customer: {DEMO_EMAIL} / {DEMO_PASSWORD}\n"
        f"  VIP customer:  {VIP_EMAIL} / {DEMO_PASSWORD} (Customer Group vip)\n"
        f"  Stores:        de-shop (DE, AT), us-shop (US)\n"
        f"  Discount code: DEMO10\n"
        f"Stripe stand-in\n"
        f"  STRIPE_API_BASE: {base}{STRIPE_PREFIX}\n"
        f"  Keys:            {SECRET_KEY} / {PUBLISHABLE_KEY}",
        flush=True,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
