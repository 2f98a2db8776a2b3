"""ISO 3166-1 alpha-2 country codes, validated with pycountry (a data package, no I/O)."""

from __future__ import annotations

from functools import lru_cache

import pycountry

from inquiry_tui.domain.errors import ValidationError


@lru_cache(maxsize=512)
def country_name(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    return country.name if country else None


def normalize_country(code: str, *, field: str = "country") -> str:
    """Upper-case alpha-2 code, or a ValidationError naming the field."""
    value = (code or "").strip().upper()
    if len(value) != 2 or country_name(value) is None:
        raise ValidationError(f"{field}: {code!r} is not an ISO 3166-1 alpha-2 country code (e.g. DE, US, DZ)")
    return value


def all_countries() -> list[tuple[str, str]]:
    """(code, name) for every country, by name."""
    return sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda pair: pair[1])
