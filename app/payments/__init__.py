"""Payment providers: who takes the shopper's money (docs/payments.md). `provider.py` is the
interface the services use; one module per provider adapts it."""
