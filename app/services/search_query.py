"""Building blocks of commercetools' search query language (SearchQuery JSON).

A SearchQuery holds one expression: a simple one (`exact`, `fullText`, `range`, ...) or a
compound one (`and`, `or`, `not`, `filter`) holding more. commercetools allows at most 50
expressions in one SearchQuery (api/search-query-language), counted by `count_expressions`.
"""

from __future__ import annotations

from typing import Any

Expression = dict[str, Any]

MAX_EXPRESSIONS = 50
COMPOUNDS = ("and", "or", "not", "filter")


def all_of(expressions: list[Expression]) -> Expression:
    return expressions[0] if len(expressions) == 1 else {"and": expressions}


def any_of(expressions: list[Expression]) -> Expression:
    return expressions[0] if len(expressions) == 1 else {"or": expressions}


def count_expressions(expression: Expression) -> int:
    """How many expressions a SearchQuery holds, itself and every nested one."""
    ((name, value),) = expression.items()
    if name in COMPOUNDS:
        return 1 + sum(count_expressions(part) for part in value)
    return 1
