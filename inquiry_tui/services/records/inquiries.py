"""Records of `import inquiries` and `import chats` (docs/cli.md, File formats): the buyer, an inquiry, a chat line."""

# No `from __future__ import annotations`: pydantic reads these annotations as objects.
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from inquiry_tui.domain.vocabulary import Channel, Tier
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.files import AttachmentSpec
from inquiry_tui.services.records.files import attachments as attachments_rule
from inquiry_tui.services.records.validate import RecordModel, rule

MAX_SUBJECT = 1_000
MAX_BODY = 100_000
SENDERS = ("buyer", "seller")


def _trimmed(value: object, max_len: int) -> str:
    return rules.text(value, max_len).strip()


class BuyerRecord(RecordModel):
    """The buyer as an inquiry or chat line describes them; the e-mail (lower-cased) identifies them."""

    email: Annotated[str, rule(rules.email)]
    name: Annotated[str, rule(_trimmed, 200, default="")] = ""
    company: Annotated[str, rule(_trimmed, 300, default="")] = ""
    country: Annotated[str | None, rule(rules.country, default=None)] = None
    member_id: Annotated[str | None, rule(_trimmed, 64, default=None)] = None
    verified: Annotated[bool | None, rule(rules.boolean, default=None)] = None  # None: the record does not say
    tier: Annotated[str | None, rule(rules.one_of, tuple(Tier), default=None)] = None


class InquiryRecord(RecordModel):
    """One line of an inquiries file. Fields are checked in this order; the first bad one is reported."""

    external_id: Annotated[str, rule(_trimmed, 200)]
    channel: Annotated[str, rule(rules.one_of, tuple(Channel))]
    received_at: Annotated[datetime, rule(rules.time_with_zone)]
    buyer: BuyerRecord
    product: Annotated[str | None, rule(_trimmed, 100, default=None)] = None  # a SKU; None: about the company
    subject: Annotated[str, rule(rules.text, MAX_SUBJECT, default="")] = ""
    body: Annotated[str, rule(rules.text, MAX_BODY, default="")] = ""
    quantity: Annotated[float | None, rule(rules.quantity, default=None)] = None
    unit: Annotated[str | None, rule(_trimmed, 40, default=None)] = None
    # Structured terms the buyer stated (docs/cli.md): they pre-fill a letter of intent.
    target_price: Annotated[Decimal | None, rule(rules.price, default=None)] = None
    currency: Annotated[str | None, rule(rules.currency, default=None)] = None
    payment_terms: Annotated[str | None, rule(_trimmed, 60, default=None)] = None
    incoterm: Annotated[str | None, rule(rules.incoterm, default=None)] = None
    destination: Annotated[str | None, rule(_trimmed, 100, default=None)] = None
    sample_requested: Annotated[bool | None, rule(rules.boolean, default=None)] = None
    rfq: Annotated[str | None, rule(_trimmed, 200, default=None)] = None  # an RFQ's external id: the buyer's answer
    attachments: Annotated[tuple[AttachmentSpec, ...], rule(attachments_rule, default=())] = ()


class ChatLineRecord(RecordModel):
    """One line of a chats file."""

    buyer: BuyerRecord
    sent_at: Annotated[datetime, rule(rules.time_with_zone)]
    sender: Annotated[str, rule(rules.one_of, SENDERS), Field(alias="from")]
    text: Annotated[str, rule(rules.text, MAX_BODY)]
    attachments: Annotated[tuple[AttachmentSpec, ...], rule(attachments_rule, default=())] = ()
