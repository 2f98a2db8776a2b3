"""What a person or a file gives for a customer, and its validation with per-field errors.

The customer form shows each field's error beside the field, so validation collects every
problem at once (`FieldErrors.errors`) instead of stopping at the first; the one-line message
(CLI, imports) names them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from inquiry_tui.domain.countries import normalize_country
from inquiry_tui.domain.errors import ValidationError

# Deliberately simple: one @, no spaces, a dot in the domain. Real checking is a mail round trip.
EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]{2,}$")
MAX_TEXT = 200
MAX_TAG = 40
MAX_TAGS = 20
FIELDS = (
    "email",
    "name",
    "company",
    "country",
    "phone",
    "website",
    "group",
    "type",
    "source",
    "stars",
    "tags",
    "notes",
)


class FieldErrors(ValidationError):
    """Validation failed; `errors` maps each bad field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


@dataclass(frozen=True)
class CustomerInput:
    """Customer fields as given (strings from a form, a CLI or a file); `clean()` checks them."""

    email: str
    name: str = ""
    company: str = ""
    country: str = ""
    phone: str = ""
    website: str = ""
    group: str = ""
    type: str = ""
    source: str = ""
    stars: int | str = 0
    tags: tuple[str, ...] = field(default_factory=tuple)
    notes: str = ""

    def clean(self) -> CustomerInput:
        """The same input normalised (email lower-case, country upper-case, stars int), or FieldErrors."""
        errors: dict[str, str] = {}
        email = (self.email or "").strip().lower()
        if not email:
            errors["email"] = "is required"
        elif len(email) > MAX_TEXT or not EMAIL_RE.match(email):
            errors["email"] = f"{truncated(self.email)!r} is not an e-mail address (like name@company.com)"
        country = (self.country or "").strip()
        if country:
            try:
                country = normalize_country(country)
            except ValidationError:
                errors["country"] = f"{truncated(country)!r} is not an ISO 3166-1 alpha-2 code (e.g. DE, US, DZ)"
        stars = parse_stars(self.stars, errors)
        texts = {
            k: check_line(getattr(self, k), k, errors)
            for k in ("name", "company", "phone", "website", "group", "type", "source")
        }
        if texts["phone"] and "phone" not in errors and not re.fullmatch(r"[0-9+()./ -]{3,40}", texts["phone"]):
            errors["phone"] = "may hold only digits, spaces and + ( ) . / -"
        tags = normalize_tags(self.tags, errors)
        if len(self.notes or "") > 4000:
            errors["notes"] = "is longer than 4000 characters"
        if errors:
            raise FieldErrors(errors)
        return replace(
            self, email=email, country=country, stars=stars, tags=tags, notes=(self.notes or "").strip(), **texts
        )


def check_line(value: str | None, key: str, errors: dict[str, str]) -> str:
    """A one-line text field, trimmed; too long or multi-line goes into ERRORS."""
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        errors[key] = f"is longer than {MAX_TEXT} characters"
    elif "\n" in text or "\r" in text:
        errors[key] = "must be one line"
    return text


def clean_tags(
    group: str, type_: str, source: str, stars: int | str, tags: tuple[str, ...] | str
) -> tuple[str, str, str, int, tuple[str, ...]]:
    """The tag fields alone (in-place tag editing), or FieldErrors."""
    errors: dict[str, str] = {}
    result = (
        check_line(group, "group", errors),
        check_line(type_, "type", errors),
        check_line(source, "source", errors),
        parse_stars(stars, errors),
        normalize_tags(tags, errors),
    )
    if errors:
        raise FieldErrors(errors)
    return result


def truncated(value: object, width: int = 40) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def parse_stars(value: int | str | None, errors: dict[str, str]) -> int:
    if value is None or value == "":
        return 0
    try:
        stars = int(str(value).strip())
    except ValueError:
        errors["stars"] = f"{truncated(value)!r} is not a number from 0 to 5"
        return 0
    if not 0 <= stars <= 5:
        errors["stars"] = f"{stars} is outside 0 to 5"
    return stars


def normalize_tags(tags: tuple[str, ...] | list[str] | str, errors: dict[str, str]) -> tuple[str, ...]:
    """Free tags: trimmed, one line, at most MAX_TAG characters, deduplicated, sorted."""
    items = tags.split(",") if isinstance(tags, str) else list(tags)
    out: set[str] = set()
    for raw in items:
        tag = " ".join(str(raw).split())
        if not tag:
            continue
        if len(tag) > MAX_TAG:
            errors["tags"] = f"{truncated(tag)!r} is longer than {MAX_TAG} characters"
        out.add(tag)
    if len(out) > MAX_TAGS:
        errors["tags"] = f"at most {MAX_TAGS} tags"
    return tuple(sorted(out))
