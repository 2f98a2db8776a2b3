"""Records of customers (the form, `customer add`, `import customers`) and of on-site activity (`import activity`)."""

# No `from __future__ import annotations`: pydantic reads these annotations as objects.
from datetime import datetime
from typing import Annotated, Any

from inquiry_tui.domain.vocabulary import IMPORTED_ACTIVITY_KINDS, ActivityKind
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.validate import RecordModel, rule

MAX_NOTES = 4_000
MAX_DETAIL = 200
_STARS = (0, 5)


def _stars(value: Any) -> int:
    return rules.whole_number(value, *_STARS)


def _notes(value: Any) -> str:
    return rules.text(value, MAX_NOTES).strip()


Line = Annotated[str, rule(rules.line, default="")]
Stars = Annotated[int, rule(_stars, default=0)]
Tags = Annotated[tuple[str, ...], rule(rules.tags, default=())]


class CustomerRecord(RecordModel):
    """A customer as a person or a file gives it; the e-mail (lower-cased) names the buyer.

    Fields are checked in this order: a file's first bad one is the one reported."""

    email: Annotated[str, rule(rules.email)]
    name: Line = ""
    company: Line = ""
    country: Annotated[str, rule(rules.country, default="")] = ""  # "" when not given
    phone: Annotated[str, rule(rules.phone, default="")] = ""
    website: Line = ""
    group: Line = ""
    type: Line = ""
    source: Line = ""
    stars: Stars = 0
    tags: Tags = ()
    notes: Annotated[str, rule(_notes, default="")] = ""


class TagsRecord(RecordModel):
    """A customer's tags alone (editing them in place): group, type, source, stars and free tags."""

    group: Line = ""
    type: Line = ""
    source: Line = ""
    stars: Stars = 0
    tags: Tags = ()


def _detail(value: Any, record: dict[str, Any]) -> str:
    detail = rules.line(value, MAX_DETAIL)
    if record.get("kind") == ActivityKind.VISIT and detail and not detail.isdigit():
        raise rules.RuleError("of a visit is the number of pages viewed")
    return detail


MAX_SITE_VIEWS = 1_000_000


def _of_a_visit(record: dict[str, Any]) -> None:
    if record.get("kind") != ActivityKind.VISIT:
        raise rules.RuleError("is given only with a visit (kind visit)")


def _region(value: Any, record: dict[str, Any]) -> str:
    _of_a_visit(record)
    return rules.country(value)


def _site_views(value: Any, record: dict[str, Any]) -> int:
    _of_a_visit(record)
    return rules.whole_number(value, 0, MAX_SITE_VIEWS)


class ActivityRecord(RecordModel):
    """One on-site event of a buyer (a visitor until added as a customer). A visit may say where the visitor was
    (region) and how many products and sellers of the whole site they viewed around it."""

    email: Annotated[str, rule(rules.email)]
    at: Annotated[datetime, rule(rules.time_with_zone)]
    kind: Annotated[str, rule(rules.one_of, IMPORTED_ACTIVITY_KINDS)]
    detail: Annotated[str, rule(_detail, default="", with_record=True)] = ""  # search term, SKU, amount, pages
    region: Annotated[str, rule(_region, default="", with_record=True)] = ""  # ISO alpha-2; "" unknown
    site_products: Annotated[int, rule(_site_views, default=0, with_record=True)] = 0
    site_sellers: Annotated[int, rule(_site_views, default=0, with_record=True)] = 0
