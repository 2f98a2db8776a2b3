"""One inquiry in full for the detail pane: the thread, its state, junk reasons, allocation history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from inquiry_tui.domain.due import is_overdue
from inquiry_tui.domain.errors import NotFound
from inquiry_tui.domain.questions import asked_from_text
from inquiry_tui.domain.settings import settings_from_dict
from inquiry_tui.domain.terms import Terms, terms_from_json
from inquiry_tui.domain.vocabulary import Ask
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.attachment_info import AttachmentInfo, attachments_of
from inquiry_tui.services.mail.delivery import delivery_of
from inquiry_tui.services.notes.note_row import NoteRow, notes_on_inquiry_in
from inquiry_tui.store.plain_sql import Reader
from inquiry_tui.store.queries import settings as q_settings
from inquiry_tui.store.queries import thread as q_thread

MAX_MESSAGES = 200  # the newest; a thread longer than that says how many are not shown
MAX_BODY_CHARS = 20_000  # a pasted novel (or a hostile 1 MB body) is cut, with a note


@dataclass(frozen=True)
class ThreadMessage:
    id: int
    direction: str  # Direction: in (buyer) | out (a person) | auto (smart reception)
    author: str | None  # the account's name for `out`
    sent_at: datetime
    body: str  # untrusted for `in`
    cut_bytes: int  # of the body not shown (UTF-8 bytes)
    attachments: tuple[AttachmentInfo, ...] = ()  # names untrusted
    delivery: str = ""  # an e-mail's status in the outbox ("sent", "queued: ..."); "" when it went no other way


@dataclass(frozen=True)
class AllocationEvent:
    at: datetime
    from_login: str | None
    to_login: str
    rule: str
    actor: str
    reason: str


@dataclass(frozen=True)
class ThreadDetail:
    id: int
    subject: str  # untrusted
    channel: str
    received_at: datetime
    folder: str
    is_junk: bool
    junk_score: int
    junk_reasons: tuple[str, ...]
    unread: bool
    tagged: bool
    replied: bool
    first_response_at: datetime | None
    due_at: datetime | None
    overdue: bool
    auto_replies: int
    deleted_at: datetime | None
    version: int
    buyer_id: int
    buyer_name: str  # untrusted
    buyer_email: str  # untrusted
    buyer_company: str  # untrusted
    buyer_country: str | None
    buyer_verified: bool
    buyer_tier: str | None
    is_customer: bool
    product_sku: str | None
    product_name: str | None
    quantity: float | None
    unit: str | None
    owner_login: str
    owner_name: str
    rule: str
    messages: tuple[ThreadMessage, ...]
    earlier_messages: int  # older messages not included
    allocations: tuple[AllocationEvent, ...]
    terms: Terms = field(default_factory=Terms)  # what the buyer stated or answered (domain.terms_text)
    asked: frozenset[Ask] = frozenset()  # what smart reception asked
    notes: tuple[NoteRow, ...] = ()  # the admin's notes on it (services.notes), oldest first
    # The buyer's owner (the profile's "Owner"): after a reassign it may differ from the thread's.
    # With sticky on, the buyer's next inquiry goes to them (domain/allocation.py, step 1).
    buyer_owner_login: str | None = None
    sticky: bool = True  # allocation.sticky, read only when the two owners differ


def _ts(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def _at(value: Any) -> datetime:
    """_ts of a NOT NULL column."""
    at = _ts(value)
    if at is None:
        raise ValueError("a required timestamp is missing")
    return at


def _inquiry(conn: Reader, ctx: Ctx, inquiry_id: int) -> Any:
    row = q_thread.inquiry(conn, inquiry_id)
    if row is None or (not ctx.actor.is_admin and row[q_thread.INQUIRY_OWNER] != ctx.actor.id):
        # A salesperson cannot learn that someone else's inquiry exists.
        raise NotFound(f"no inquiry {inquiry_id}")
    return row


def allocation_history(ctx: Ctx, inquiry_id: int) -> tuple[AllocationEvent, ...]:
    """Every routing decision of one inquiry, oldest first."""
    with ctx.read_plain() as conn:
        _inquiry(conn, ctx, inquiry_id)
        return _history(conn, inquiry_id)


def _history(conn: Reader, inquiry_id: int) -> tuple[AllocationEvent, ...]:
    rows = q_thread.allocation_history(conn, inquiry_id)
    return tuple(
        AllocationEvent(_at(at), from_login, to_login or "?", rule, actor, reason or "")
        for at, from_login, to_login, rule, actor, reason in rows
    )


def _sticky(conn: Reader) -> bool:
    """The allocation settings' `sticky`, read in plain SQL (services.setup.settings.load_settings reads it alike)."""
    return settings_from_dict({"allocation": q_settings.section(conn, "allocation")}).allocation.sticky


def thread_detail(ctx: Ctx, inquiry_id: int) -> ThreadDetail:
    """The inquiry with its newest MAX_MESSAGES messages, oldest first (a few indexed queries).

    The attachments of all its messages come in one query (names, sizes, types from their rows:
    no file is read or hashed to show a thread)."""
    now = ctx.now()
    # On SQLite a plain sqlite3 connection (Ctx.read_plain): the thread pane reads on every cursor move, and
    # without SQLAlchemy an inbox session never loads it (docs/performance.md).
    with ctx.read_plain() as conn:
        r = _inquiry(conn, ctx, inquiry_id)
        rows = q_thread.newest_messages(conn, inquiry_id, limit=MAX_MESSAGES, max_chars=MAX_BODY_CHARS)
        total = len(rows)
        if total == MAX_MESSAGES:
            total = q_thread.message_count(conn, inquiry_id)
        files = attachments_of(conn, [row[0] for row in rows])
        sent = delivery_of(conn, [r[0] for r in rows if r[1] != "in"]) if r[2] == "email" else {}
        messages = tuple(
            ThreadMessage(
                mid,
                direction,
                author,
                _at(sent_at),
                body or "",
                max(0, (size or 0) - len((body or "").encode())),
                tuple(files.get(mid, ())),
                sent[mid].why if mid in sent else "",
            )
            for mid, direction, author, sent_at, body, size in reversed(rows)
        )
        received, first_response, due = _at(r[3]), _ts(r[11]), _ts(r[12])
        overdue = is_overdue(r[4], first_response, due, now)
        return ThreadDetail(
            id=r[0],
            subject=r[1] or "",
            channel=r[2],
            received_at=received,
            folder=r[4],
            is_junk=bool(r[5]),
            junk_score=r[6] or 0,
            junk_reasons=tuple(x for x in (r[7] or "").splitlines() if x.strip()),
            unread=bool(r[8]),
            tagged=bool(r[9]),
            replied=bool(r[10]),
            first_response_at=first_response,
            due_at=due,
            overdue=overdue,
            auto_replies=r[13] or 0,
            deleted_at=_ts(r[14]),
            version=r[15],
            buyer_id=r[17],
            buyer_name=r[18] or "",
            buyer_email=r[19] or "",
            buyer_company=r[20] or "",
            buyer_country=r[21],
            buyer_verified=bool(r[22]),
            buyer_tier=r[23],
            is_customer=bool(r[24]),
            product_sku=r[25],
            product_name=r[26],
            quantity=r[27],
            unit=r[28],
            owner_login=r[29],
            owner_name=r[30],
            buyer_owner_login=r[34],
            sticky=_sticky(conn) if r[34] is not None and r[34] != r[29] else True,
            rule=r[31] or "",
            messages=messages,
            earlier_messages=max(0, total - len(messages)),
            allocations=_history(conn, inquiry_id),
            terms=terms_from_json(r[32]),
            asked=asked_from_text(r[33]),
            notes=notes_on_inquiry_in(conn, inquiry_id),  # _inquiry checked who may see it
        )
