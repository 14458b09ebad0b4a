"""The composition root: builds the containers, wires them into `schema` and `webhooks`, and
assembles the ASGI app (`bootstrap.app.create_app`); `python -m bootstrap` is the command line.

It is the one package that imports everything; nothing imports it but the command line and the
tests (the import contracts in pyproject.toml, checked by `make lint`).
"""
