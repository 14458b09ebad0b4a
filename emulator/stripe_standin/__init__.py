"""A stand-in for the part of Stripe's API the shop uses (PaymentIntents, refunds, webhook
endpoints and their signed events), for the demo and the tests: Stripe cannot be reached here.
It is served at a base URL of its own (docs/emulator.md, "Stripe stand-in"); nothing in the
service knows it is not Stripe."""
