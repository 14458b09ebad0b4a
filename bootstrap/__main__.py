"""`python -m bootstrap serve`: run the storefront API with uvicorn.
`python -m bootstrap register-webhooks --url …`: register its API Extension and Subscription in the
commercetools project of CTP_* (docs/webhooks.md)."""

from __future__ import annotations

import argparse
import os
import sys

import uvicorn

from app.settings import ConfigurationError, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bootstrap", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "serve", help="serve the storefront GraphQL API (HOST, PORT, WEB_CONCURRENCY)"
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
        from app.logging_setup import configure_logging
        from bootstrap.workers import serve, worker_count

        configure_logging(settings)
        workers = worker_count(settings)
        # Each worker builds the app itself (create_app() from the environment).
        config = uvicorn.Config(
            "bootstrap.app:create_app",
            factory=True,
            workers=workers,
            host=settings.host,
            port=settings.port,
            log_config=None,
            proxy_headers=True,
            server_header=False,
        )
        return serve(config, workers, settings)
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
