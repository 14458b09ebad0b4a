"""`python -m app serve`: run the storefront API with uvicorn."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from app.settings import ConfigurationError, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the storefront GraphQL API (HOST, PORT)")
    args = parser.parse_args(argv)

    if args.command == "serve":
        try:
            settings = Settings()
        except ConfigurationError as exc:
            print(f"ctp-bff cannot start: {exc}", file=sys.stderr)
            return 2
        from app.main import create_app

        uvicorn.run(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            proxy_headers=True,
            server_header=False,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
