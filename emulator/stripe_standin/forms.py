"""Stripe's request bodies: `application/x-www-form-urlencoded` with bracketed keys
(`metadata[cart]=1`, `payment_method_types[0]=card`), read into nested dicts and lists."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


class FormError(ValueError):
    def __init__(self, param: str) -> None:
        super().__init__(param)
        self.param = param


def _as_lists(node: Any) -> Any:
    """Dicts whose keys are all 0..n-1 (or all empty: `a[]=x`) become lists."""
    if not isinstance(node, dict):
        return node
    converted = {key: _as_lists(value) for key, value in node.items()}
    keys = list(converted)
    if keys and all(key.isdigit() for key in keys):
        return [converted[key] for key in sorted(keys, key=int)]
    return converted


def decode_form(body: str) -> dict[str, Any]:
    root: dict[str, Any] = {}
    counters: dict[int, int] = {}
    for raw_key, value in parse_qsl(body, keep_blank_values=True):
        match = _KEY.match(raw_key)
        if match is None:
            raise FormError(raw_key)
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = root
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise FormError(raw_key)
            node = child
        last = parts[-1]
        if last == "":
            index = counters.get(id(node), 0)
            counters[id(node)] = index + 1
            last = str(index)
        if isinstance(node.get(last), dict):
            raise FormError(raw_key)
        node[last] = value
    result: dict[str, Any] = _as_lists(root)
    return result
