"""The rules every value from outside passes: e-mail, country, time, text, numbers, choices, tags.

One function per rule, shared by every importer, form, the block list and the record models
(records.validate wraps them for pydantic): the same value is accepted or refused everywhere,
with the same words. A rule gets a value that is present (the caller decides what a missing
one means) and returns it normalised, or raises RuleError with a message that names the
value, never the field (the caller adds file, line and field).

E-mail addresses are checked by email-validator (syntax only, no DNS), so `a@b` and `@` are
refused everywhere, and lower-cased whole: the same address in any case is the same buyer.
Most addresses of a file are plain ASCII; those take a fast path whose every acceptance
email-validator would give too (a property test holds it so), and the rest ask it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from inquiry_tui.domain.countries import NOT_A_COUNTRY, normalize_country
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.json_input import lone_surrogate

MAX_EMAIL = 254  # RFC 5321's path limit, as email-validator counts it
MAX_LINE = 200  # a one-line field of a form or a customer file
MAX_TAG = 40
MAX_TAGS = 20
# Times and dates from outside: wide enough for any real record, far enough from datetime's
# limits (years 1 and 9999) that a due time or a zone shift never overflows.
FIRST_YEAR = 1900
LAST_YEAR = 2999
_TRUE = frozenset({"true", "1", "yes", "y", "on"})
_FALSE = frozenset({"false", "0", "no", "n", "off"})
_PHONE = re.compile(r"[0-9+()./ -]{3,40}")


class RuleError(ValueError):
    """A value broke a rule; `message` says how (`'Atlantis' is not an ISO 3166-1 alpha-2 ...`)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def shown(value: object, width: int = 40) -> str:
    """A value quoted in a message: its text, cut with an ellipsis past WIDTH characters."""
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def is_blank(value: object) -> bool:
    """Missing: None (a JSON null, an empty CSV cell) or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


# --- e-mail ------------------------------------------------------------------------------------

# A dot-atom local part and a domain of letter/digit/hyphen labels with an alphabetic top level:
# email-validator accepts every such address that is short enough and not a special-use name.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)


def _plain(address: str) -> bool:
    if len(address) > MAX_EMAIL or "--" in address or _PLAIN_EMAIL.fullmatch(address) is None:
        return False
    local, _, domain = address.rpartition("@")
    return len(local) <= 64 and not any(domain == name or domain.endswith("." + name) for name in SPECIAL_USE_DOMAINS)


# email-validator's SPECIAL_USE_DOMAIN_NAMES (a test keeps the two equal): the fast path need not
# import it (~0.1 s) to refuse what it refuses.
SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")


@lru_cache(maxsize=65_536)  # a file names each buyer many times; a form names one
def _checked_email(address: str) -> str | RuleError:
    if _plain(address):
        return address
    import email_validator  # ~0.1 s to import: only for addresses the fast path does not vouch for

    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        why = str(exc).rstrip(".")
        return RuleError(f"{shown(address)!r} is not an e-mail address ({why[:1].lower()}{why[1:]})")
    return address


def email(value: Any) -> str:
    """An e-mail address, trimmed and lower-cased whole (as arrivals store it)."""
    if not isinstance(value, str):
        raise RuleError(f"expected an e-mail address, got {type(value).__name__}")
    address = value.strip().lower()
    checked = _checked_email(address)
    if isinstance(checked, RuleError):
        raise RuleError(checked.message)
    return checked


# --- text --------------------------------------------------------------------------------------


def text(value: Any, max_len: int = 100_000) -> str:
    """Text as given (a JSON number counts as its text), at most MAX_LEN characters."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RuleError(f"expected text, got {type(value).__name__}")
    out = str(value)
    if len(out) > max_len:
        raise RuleError(f"is too long ({len(out):,} characters; at most {max_len:,})")
    if lone_surrogate(out) is not None:  # undecodable bytes (a form's argv): no store can hold them
        raise RuleError(f"{shown(out)!r} is not text (it holds a lone surrogate)")
    return out


def line(value: Any, max_len: int = MAX_LINE) -> str:
    """One line of text, trimmed, at most MAX_LEN characters."""
    out = text(value, max_len=100_000).strip()
    if len(out) > max_len:
        raise RuleError(f"is too long ({len(out):,} characters; at most {max_len:,})")
    if "\n" in out or "\r" in out:
        raise RuleError("must be one line")
    return out


def phone(value: Any) -> str:
    out = line(value)
    if out and not _PHONE.fullmatch(out):
        raise RuleError("may hold only digits, spaces and + ( ) . / -")
    return out


def text_list(value: Any) -> list[str]:
    """A JSON array of texts, or one cell of values separated by ';' (or ',' when there is no ';')."""
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise RuleError("expected a list of text values")
        return [v.strip() for v in value if v.strip()]
    if isinstance(value, str):
        sep = ";" if ";" in value else ","
        return [v.strip() for v in value.split(sep) if v.strip()]
    raise RuleError(f"expected a list, got {type(value).__name__}")


def tags(value: Any) -> tuple[str, ...]:
    """Free tags: one cell or a list; each trimmed to single spaces, at most MAX_TAG characters;
    deduplicated and sorted; at most MAX_TAGS."""
    if isinstance(value, str):
        items: Iterable[Any] = (t for part in value.split(";") for t in part.split(","))
    elif isinstance(value, (list, tuple)) and all(isinstance(t, str) for t in value):
        items = value
    else:
        raise RuleError("must be a list of texts")
    out: set[str] = set()
    for raw in items:
        tag = " ".join(str(raw).split())
        if not tag:
            continue
        if len(tag) > MAX_TAG:
            raise RuleError(f"{shown(tag)!r} is too long (at most {MAX_TAG} characters)")
        out.add(tag)
    if len(out) > MAX_TAGS:
        raise RuleError(f"at most {MAX_TAGS} tags")
    return tuple(sorted(out))


# --- codes and choices -------------------------------------------------------------------------


def country(value: Any) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased; a country's English name gives its code (domain.countries)."""
    try:
        return normalize_country(str(value))
    except ValidationError:
        raise RuleError(f"{shown(value)!r} {NOT_A_COUNTRY}") from None


def one_of(value: Any, allowed: Sequence[str]) -> str:
    """One of ALLOWED (an enum's members or plain words), trimmed; returned as the plain word."""
    word = str(value).strip()
    for choice in allowed:
        if word == choice:
            return str(choice)
    raise RuleError(f"{shown(word)!r} is not allowed; allowed: {', '.join(str(a) for a in allowed)}")


# --- times and numbers -------------------------------------------------------------------------


def time_with_zone(value: Any) -> datetime:
    """An ISO 8601 time with a zone (`2026-11-23T09:30:00Z`, `...+08:00`), returned in UTC, in the
    years FIRST_YEAR to LAST_YEAR (year 1 with a positive offset is before year 1 in UTC, and a
    due time a day after 9999-12-31 cannot be reckoned)."""
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or parsed.utcoffset() is None:
        raise RuleError(f"{shown(value, 60)!r} is not an ISO 8601 time with a zone (e.g. 2026-11-23T09:30:00Z)")
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise RuleError(f"{shown(value, 60)!r} is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    return parsed.astimezone(UTC)


def day(value: Any) -> date:
    """A date `YYYY-MM-DD` in the years FIRST_YEAR to LAST_YEAR."""
    try:
        parsed = date.fromisoformat(str(value).strip())
    except ValueError:
        raise RuleError(f"{shown(value)!r} is not a date (YYYY-MM-DD)") from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise RuleError(f"{shown(value)!r} is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    return parsed


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise RuleError(f"{shown(value)!r} is not true or false")


def price(value: Any) -> Decimal:
    """A price above zero (text or a JSON number, kept exact as a Decimal)."""
    from inquiry_tui.domain import money  # pycountry's tables: only when a price is read

    try:
        return money.positive(value, field="value")
    except ValidationError as exc:
        raise RuleError(str(exc).removeprefix("value: ")) from None


def currency(value: Any) -> str:
    """An ISO 4217 currency code, upper-cased."""
    from inquiry_tui.domain import money

    try:
        return money.currency(str(value), field="value")
    except ValidationError:
        raise RuleError(f"{shown(value)!r} is not an ISO 4217 currency code (e.g. USD, EUR, CNY)") from None


def incoterm(value: Any) -> str:
    """An Incoterm as written on a deal (FOB, CIF, EXW, ...), upper-cased."""
    word = line(value, 20).upper()
    if not re.fullmatch(r"[A-Z]{3}( [A-Z .-]{1,15})?", word):
        raise RuleError(f"{shown(value)!r} is not an Incoterm (e.g. FOB, CIF, EXW, DDP)")
    return word


def whole_number(value: Any, low: int, high: int) -> int:
    """A whole number from LOW to HIGH (text or a JSON number)."""
    try:
        number = int(str(value).strip()) if not isinstance(value, (bool, float)) else None
    except ValueError:
        number = None
    if number is None and isinstance(value, float) and value.is_integer():
        number = int(value)
    if number is None:
        raise RuleError(f"{shown(value)!r} is not a whole number from {low} to {high}")
    if not low <= number <= high:
        raise RuleError(f"{number} is outside {low} to {high}")
    return number


def quantity(value: Any) -> float:
    """A number of 0 or more (a quantity)."""
    try:
        number = float(str(value).strip()) if not isinstance(value, bool) else -1.0
    except ValueError:
        number = -1.0
    if not 0 <= number < 1e15:
        raise RuleError(f"{shown(value)!r} is not a number of 0 or more")
    return number
