"""The async commercetools gateway: HTTP, token flows, retries and error mapping."""
