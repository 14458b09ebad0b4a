"""The one name for a JSON object as commercetools sends and takes it."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
