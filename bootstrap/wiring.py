"""Wires containers into their packages, and refuses to start when webhook code asks for the
browser session (which webhooks never have)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from types import ModuleType

from dependency_injector import containers
from dependency_injector.wiring import UnresolvedMarkerWarning


class StartupError(RuntimeError):
    pass


def wire_strictly(
    container: containers.Container, packages: Iterable[ModuleType], role: str
) -> None:
    """Wire `container` into `packages`; any injection it cannot provide is a start-up error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnresolvedMarkerWarning)
        targets = list(packages)
        try:
            container.wire(
                packages=[m for m in targets if hasattr(m, "__path__")],
                modules=[m for m in targets if not hasattr(m, "__path__")],
                warn_unresolved=True,
            )
        except UnresolvedMarkerWarning as exc:
            container.unwire()
            raise StartupError(
                f"{role} code asks for something its container does not provide: {exc}. "
                "Webhooks and events have no browser session: use the app-level client "
                "(WebhookContainer.gateway or .sdk_client), never ctp_session."
            ) from exc
