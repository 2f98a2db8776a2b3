"""What a person or a file gives for a customer, checked by the shared customer record (records.customers).

The customer form shows each field's error beside the field, so a check reports every bad
field at once (`FieldErrors.errors`); the one-line message (CLI) names them all. Files are
checked by the same record, one line at a time (services.customers.importing).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from inquiry_tui.services.records.errors import FieldErrors

__all__ = ["FIELDS", "CustomerInput", "FieldErrors", "clean_tags"]

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
        """The same input normalised (email lower-case, country upper-case, stars int, tags sorted), or FieldErrors."""
        # pydantic is imported when a customer is first checked, not when the TUI starts.
        from inquiry_tui.services.records.customers import CustomerRecord
        from inquiry_tui.services.records.validate import check_form

        return CustomerInput(**check_form(CustomerRecord, asdict(self)).model_dump())


def clean_tags(
    group: str, type_: str, source: str, stars: int | str, tags: tuple[str, ...] | str
) -> tuple[str, str, str, int, tuple[str, ...]]:
    """The tag fields alone (in-place tag editing), or FieldErrors."""
    from inquiry_tui.services.records.customers import TagsRecord
    from inquiry_tui.services.records.validate import check_form

    t = check_form(TagsRecord, {"group": group, "type": type_, "source": source, "stars": stars, "tags": tags})
    return t.group, t.type, t.source, t.stars, t.tags
