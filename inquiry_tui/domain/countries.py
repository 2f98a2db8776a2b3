"""Countries: ISO 3166-1 alpha-2 codes, validated with pycountry (a data package, no I/O), and their names.

One rule for every country field, typed in a form or read from an import: a code in any case
("de") or a name in English ("Germany", "united states", "UAE": pycountry's names and the common
ones in `_ALIASES`) gives the upper-case code; anything else is refused naming the field.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

from inquiry_tui.domain.errors import ValidationError


@lru_cache(maxsize=512)
def country_name(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    return country.name if country else None


NOT_A_COUNTRY = "is not an ISO 3166-1 alpha-2 country code or a country's name (e.g. DE, US, Germany)"


def to_country_code(text: str) -> str | None:
    """The upper-case alpha-2 code of a code in any case or a country's English name, else None."""
    value = (text or "").strip()
    if len(value) == 2 and country_name(value) is not None:
        return value.upper()
    return country_by_name(value) if value else None


def normalize_country(code: str, *, field: str = "country") -> str:
    """Upper-case alpha-2 code (from a code or a name), or a ValidationError naming the field."""
    found = to_country_code(code)
    if found is None:
        raise ValidationError(f"{field}: {code!r} {NOT_A_COUNTRY}")
    return found


def all_countries() -> list[tuple[str, str]]:
    """(code, name) for every country, by name."""
    return sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda pair: pair[1])


# Names people write that are not pycountry's name, common name or official name.
_ALIASES = {
    "usa": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "america": "US",
    "united states": "US",
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "uae": "AE",
    "u.a.e.": "AE",
    "emirates": "AE",
    "russia": "RU",
    "turkey": "TR",
    "holland": "NL",
    "the netherlands": "NL",
    "czech republic": "CZ",
    "korea": "KR",
    "vietnam": "VN",
    "ivory coast": "CI",
    "saudi": "SA",
    "ksa": "SA",
}


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Lower-cased country name -> alpha-2: pycountry's names, common and official names, and aliases."""
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                out.setdefault(value.lower(), c.alpha_2)
    out.update(_ALIASES)
    return out


def country_by_name(text: str) -> str | None:
    """The alpha-2 code of a country written by name ("Germany", "Viet Nam", "USA"), or None."""
    return country_names().get(" ".join(text.split()).strip(" .,;").lower())
