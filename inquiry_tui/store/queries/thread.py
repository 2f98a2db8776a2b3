"""The detail pane's SQL: one inquiry with its buyer, owner and product, its newest messages, its allocation history.

A few indexed lookups per cursor move, on the read's Core connection (no ORM layer in the
way). Functions return raw rows; services.inbox.thread turns them into ThreadDetail and
checks who may see the inquiry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from inquiry_tui.store import dialect

INQUIRY_OWNER = 16  # the column of the owner's id in `inquiry`'s row
_INQUIRY = text(
    "SELECT i.id, i.subject, i.channel, i.received_at, i.folder, i.is_junk, i.junk_score, i.junk_reasons, i.unread, "
    "i.tagged, i.replied, i.first_response_at, i.due_at, i.auto_replies, i.deleted_at, i.version, i.owner_id, "
    "i.buyer_id, b.name, b.email, b.company, b.country, b.verified, b.tier, b.is_customer, p.sku, p.name, "
    "i.quantity, i.unit, a.login, a.name, i.rule, i.terms, i.asked, bo.login "
    "FROM inquiry i JOIN buyer b ON b.id = i.buyer_id JOIN account a ON a.id = i.owner_id "
    "LEFT JOIN account bo ON bo.id = b.owner_id "  # the buyer's owner: may differ from the thread's
    "LEFT JOIN product p ON p.id = i.product_id WHERE i.id = :id"
)
# The byte length of a body does not stop at a NUL character (length() and substr() of text
# do), so a NUL cannot hide the rest of a message: bodies are cut only when really long.
_MESSAGES = text(
    "SELECT m.id, m.direction, a.name, m.sent_at, "
    "CASE WHEN length(CAST(m.body AS BLOB)) <= :bytes THEN m.body ELSE substr(m.body, 1, :chars) END, "
    "length(CAST(m.body AS BLOB)) FROM message m LEFT JOIN account a ON a.id = m.author_id "
    "WHERE m.inquiry_id = :id ORDER BY m.sent_at DESC, m.id DESC LIMIT :n"
)
_PG_MESSAGES = text(  # PostgreSQL text holds no NUL (store.dialect): octet_length and substr are exact
    "SELECT m.id, m.direction, a.name, m.sent_at, "
    "CASE WHEN octet_length(m.body) <= :bytes THEN m.body ELSE substr(m.body, 1, :chars) END, "
    "octet_length(m.body) FROM message m LEFT JOIN account a ON a.id = m.author_id "
    "WHERE m.inquiry_id = :id ORDER BY m.sent_at DESC, m.id DESC LIMIT :n"
)
_MESSAGE_COUNT = text("SELECT count(*) FROM message WHERE inquiry_id = :id")
_HISTORY = text(
    "SELECT ar.at, fa.login, ta.login, ar.rule, ar.actor, ar.reason FROM allocation_record ar "
    "LEFT JOIN account fa ON fa.id = ar.from_id JOIN account ta ON ta.id = ar.to_id "
    "WHERE ar.inquiry_id = :id ORDER BY ar.at, ar.id"
)


def inquiry(session: Connection, inquiry_id: int) -> Any:
    """The inquiry's row (34 columns, see _INQUIRY), or None."""
    return session.execute(_INQUIRY, {"id": inquiry_id}).first()


def newest_messages(session: Connection, inquiry_id: int, *, limit: int, max_chars: int) -> list[Any]:
    """(id, direction, author name, sent_at, body cut to MAX_CHARS when long, body bytes), newest first."""
    params = {"id": inquiry_id, "bytes": max_chars * 4, "chars": max_chars, "n": limit}
    return list(session.execute(_MESSAGES if dialect.is_sqlite(session) else _PG_MESSAGES, params))


def message_count(session: Connection, inquiry_id: int) -> int:
    return int(session.execute(_MESSAGE_COUNT, {"id": inquiry_id}).scalar_one())


def allocation_history(session: Connection, inquiry_id: int) -> list[Any]:
    """(at, from login, to login, rule, actor, reason) of every routing decision, oldest first."""
    return list(session.execute(_HISTORY, {"id": inquiry_id}))
