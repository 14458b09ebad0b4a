"""The GraphQL enums `CountryCode` and `CurrencyCode`, built from the sets the services check
input and upstream data against (app/iso_codes.py), so the schema and the checks cannot drift."""

from __future__ import annotations

from app.iso_codes import COUNTRY_CODES, CURRENCY_CODES


def _enum(name: str, description: str, values: frozenset[str]) -> str:
    body = "\n".join(f"  {value}" for value in sorted(values))
    return f'"""{description}"""\nenum {name} {{\n{body}\n}}\n'


def codes_sdl() -> str:
    return "\n".join(
        (
            _enum("CountryCode", "A country: ISO 3166-1 alpha-2, e.g. DE.", COUNTRY_CODES),
            _enum(
                "CurrencyCode",
                "A currency: ISO 4217, e.g. EUR (withdrawn codes included, for old orders).",
                CURRENCY_CODES,
            ),
        )
    )
