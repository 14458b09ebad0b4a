"""Webhook and event endpoints: commercetools calls in, with no browser and no session.

Handlers here resolve from `WebhookContainer`, which has no `ctp_session` provider; asking for
one stops `create_app()` at start-up.
"""
