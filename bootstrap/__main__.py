"""`python -m bootstrap serve`: run the storefront API with uvicorn (and in the development demo
the demo storefront beside it, docs/demo-storefront.md).
`python -m bootstrap register-webhooks --url …`: register its API Extension and Subscription in the
commercetools project of CTP_* (docs/webhooks.md)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import uvicorn

from app.settings import ConfigurationError, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bootstrap", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "serve",
        help="serve the storefront GraphQL API (HOST, PORT, WEB_CONCURRENCY), and in the demo the "
        "demo storefront (STOREFRONT_URL)",
    )
    register = commands.add_parser(
        "register-webhooks",
        help="register the cart API Extension and the event Subscription in the CTP_* project",
    )
    register.add_argument("--url", required=True, help="where commercetools reaches this service")
    register.add_argument("--pubsub-project", help="Google Cloud project of the Pub/Sub topic")
    register.add_argument("--pubsub-topic", help="Pub/Sub topic the Subscription publishes to")
    register.add_argument("--skip-extension", action="store_true")
    register.add_argument("--skip-subscription", action="store_true")
    args = parser.parse_args(argv)

    if args.command == "register-webhooks":
        return _register_webhooks(args)

    if args.command == "serve":
        try:
            settings = Settings()
        except ConfigurationError as exc:
            print(f"ctp-bff cannot start: {exc}", file=sys.stderr)
            return 2
        return _serve(settings)
    return 0


def _serve(settings: Settings) -> int:
    from app.logging_setup import configure_logging
    from bootstrap.workers import serve, worker_count

    configure_logging(settings)
    if os.environ.get("FORWARDED_ALLOW_IPS"):
        print(
            "ctp-bff: FORWARDED_ALLOW_IPS is ignored; TRUSTED_PROXIES alone says whose "
            "X-Forwarded-For is believed (docs/security.md)",
            file=sys.stderr,
        )
    workers = worker_count(settings)
    server: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_config": None,
        # uvicorn would rewrite the client address from X-Forwarded-For of any peer in
        # FORWARDED_ALLOW_IPS (127.0.0.1 by default) before the app sees it; the app reads
        # the header itself, from TRUSTED_PROXIES only (app/web/client_address.py).
        "proxy_headers": False,
        "server_header": False,
    }
    if settings.serves_demo_storefront:
        # Only in the demo, which runs one worker (its emulator lives in the process).
        return _serve_with_demo_storefront(settings, server)
    # Each worker builds the app itself (create_app() from the environment).
    config = uvicorn.Config("bootstrap.app:create_app", factory=True, workers=workers, **server)
    return serve(config, workers, settings)


def _serve_with_demo_storefront(settings: Settings, server: dict[str, Any]) -> int:
    from urllib.parse import urlsplit

    from bootstrap.app import create_app
    from bootstrap.demo_storefront import create_storefront_app
    from bootstrap.serving import serve_with_companion

    api = create_app(settings)
    # The app's settings: the demo's payments (the Stripe stand-in) are in them.
    storefront = uvicorn.Config(
        create_storefront_app(api.state.core.settings()),
        host=settings.host,
        port=urlsplit(settings.shop.storefront_url).port or 80,
        log_config=None,
        access_log=False,
        server_header=False,
    )
    serve_with_companion(uvicorn.Config(api, **server), storefront)
    return 0


def _register_webhooks(args: argparse.Namespace) -> int:
    from urllib.parse import urlsplit

    def fail(message: str) -> int:
        print(f"register-webhooks: {message}", file=sys.stderr)
        return 2

    try:
        settings = Settings()
    except ConfigurationError as exc:
        return fail(str(exc))
    if settings.commercetools.uses_embedded_emulator:
        return fail("set CTP_* to the project to register in (the demo registers itself)")
    if settings.webhooks.secret is None or not settings.webhooks.secret.get_secret_value():
        return fail("set WEBHOOK_SECRET: commercetools must send it with every call")
    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return fail("--url must be the service's http(s) base URL, e.g. https://bff.example.com")
    if parts.scheme == "http":
        print("warning: --url is not https; use http only for development", file=sys.stderr)
    if not args.skip_subscription and not (args.pubsub_project and args.pubsub_topic):
        return fail("--pubsub-project and --pubsub-topic are needed (or --skip-subscription)")

    from commercetools.exceptions import CommercetoolsError

    from app.ctp.sdk import build_sdk_client
    from webhooks import drafts, registration

    auth = urlsplit(settings.commercetools.auth_url)
    if auth.scheme == "http" and auth.hostname in ("127.0.0.1", "localhost", "::1"):
        # The SDK's OAuth library refuses plain http; allowed only for a local emulator.
        os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    project = build_sdk_client(settings)
    secret = settings.webhooks.secret.get_secret_value()
    try:
        if not args.skip_extension:
            done = registration.register_extension(project, base_url=args.url, secret=secret)
            print(f"extension {drafts.EXTENSION_KEY}: {done}")
        if not args.skip_subscription:
            done = registration.register_subscription(
                project, pubsub_project=args.pubsub_project, pubsub_topic=args.pubsub_topic
            )
            print(f"subscription {drafts.SUBSCRIPTION_KEY}: {done}")
    except CommercetoolsError as exc:
        print(f"register-webhooks: commercetools refused: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
