"""The one notion of "now" the service uses: epoch seconds from an injectable callable, so tests
move time forward instead of sleeping."""

from __future__ import annotations

from collections.abc import Callable

Clock = Callable[[], float]
