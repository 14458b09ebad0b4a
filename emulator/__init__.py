"""A local, in-memory stand-in for the commercetools HTTP API (see docs/emulator.md).

`emulator.app.create_emulator_app()` builds the Starlette app; `emulator.state.Emulator` holds
one instance's state. Nothing is imported here, so that submodules (e.g. the catalog's routes,
which import `emulator.auth`) can be imported without pulling in the whole app.
"""
