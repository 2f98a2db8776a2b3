"""Records of what the admin types for routing and supervision: a note's text, the company contact's card."""

# No `from __future__ import annotations`: pydantic reads these annotations as objects.
from typing import Annotated, Any

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.settings import ContactCard
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.validate import RecordModel, rule

MAX_NOTE = 2_000


def _note(value: Any) -> str:
    text = rules.text(value, MAX_NOTE).strip()
    if not text:
        raise rules.RuleError("must not be empty")
    return text


class NoteRecord(RecordModel):
    """An admin note on an inquiry or a customer (services.notes)."""

    text: Annotated[str, rule(_note)]


class ContactCardRecord(RecordModel):
    """The company contact's card (`contact.*` settings, Admin › Rules): each part optional, each checked."""

    name: Annotated[str, rule(rules.line, default="")] = ""
    phone: Annotated[str, rule(rules.phone, default="")] = ""
    email: Annotated[str, rule(rules.email, default="")] = ""


def contact_card(card: ContactCard) -> ContactCard:
    """CARD checked and normalised (e-mail lower-cased, text trimmed); a bad part is refused naming its key."""
    from inquiry_tui.services.records.errors import RecordError
    from inquiry_tui.services.records.validate import check_form

    try:
        checked = check_form(ContactCardRecord, {"name": card.name, "phone": card.phone, "email": card.email})
    except RecordError as exc:
        field, message = next(iter(exc.errors.items()))
        raise ValidationError(f"contact.{field}: {message}") from None
    return ContactCard(checked.name, checked.phone, checked.email)
