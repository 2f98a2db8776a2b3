"""The detail pane's SQL: one inquiry with its buyer, owner and product, its newest messages, their attachments
and e-mail status, its notes and its allocation history.

A few indexed lookups per cursor move, in plain SQL (store/plain_sql.py): on a plain sqlite3 connection on
SQLite (`Ctx.read_plain`), so the inbox's panes never load SQLAlchemy, else on a Core connection or a
session. Functions return raw rows read by position; services.inbox.thread turns them into ThreadDetail and
checks who may see the inquiry. Times come back as SQLite's text or PostgreSQL's datetimes (`types.as_utc`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inquiry_tui.store import dialect, plain_sql
from inquiry_tui.store.plain_sql import Reader

INQUIRY_OWNER = 16  # the column of the owner's id in `inquiry`'s row
_INQUIRY = (
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
_MESSAGES = (
    "SELECT m.id, m.direction, a.name, m.sent_at, "
    "CASE WHEN length(CAST(m.body AS BLOB)) <= :bytes THEN m.body ELSE substr(m.body, 1, :chars) END, "
    "length(CAST(m.body AS BLOB)) FROM message m LEFT JOIN account a ON a.id = m.author_id "
    "WHERE m.inquiry_id = :id ORDER BY m.sent_at DESC, m.id DESC LIMIT :n"
)
_PG_MESSAGES = (  # PostgreSQL text holds no NUL (store.dialect): octet_length and substr are exact
    "SELECT m.id, m.direction, a.name, m.sent_at, "
    "CASE WHEN octet_length(m.body) <= :bytes THEN m.body ELSE substr(m.body, 1, :chars) END, "
    "octet_length(m.body) FROM message m LEFT JOIN account a ON a.id = m.author_id "
    "WHERE m.inquiry_id = :id ORDER BY m.sent_at DESC, m.id DESC LIMIT :n"
)
_MESSAGE_COUNT = "SELECT count(*) FROM message WHERE inquiry_id = :id"
_HISTORY = (
    "SELECT ar.at, fa.login, ta.login, ar.rule, ar.actor, ar.reason FROM allocation_record ar "
    "LEFT JOIN account fa ON fa.id = ar.from_id JOIN account ta ON ta.id = ar.to_id "
    "WHERE ar.inquiry_id = :id ORDER BY ar.at, ar.id"
)
_IN_BATCH = 500  # ids bound per statement (SQLite's default limit of bound values is far above)
# Every attachment of a thread's messages in one statement (a thread pane opens with one query).
_ATTACHMENTS = (
    "SELECT a.id, a.message_id, a.name, a.sha256, f.size, f.mime FROM attachment a "
    "JOIN stored_file f ON f.sha256 = a.sha256 WHERE a.message_id IN ({ids}) ORDER BY a.id"
)
# services.mail.delivery.outbox_item reads these 13 columns in this order.
OUTBOX_COLUMNS = (
    "o.id, o.inquiry_id, o.message_id, a.login, o.rfc_id, o.to_address, o.subject, o.status, o.attempts, "
    "o.next_attempt_at, o.last_error, o.created_at, o.sent_at"
)
_OUTBOX_OF = (
    f"SELECT {OUTBOX_COLUMNS} FROM outbox o LEFT JOIN account a ON a.id = o.author_id "
    "WHERE o.message_id IN ({ids}) ORDER BY o.id"
)
# services.notes.note_row.note_row reads these 11 columns in this order.
_NOTES = (
    "SELECT n.id, n.inquiry_id, n.buyer_id, coalesce(b.company, ''), coalesce(b.email, ''), coalesce(i.subject, ''), "
    "au.login, t.login, n.text, n.created_at, n.seen_at FROM admin_note n "
    "LEFT JOIN inquiry i ON i.id = n.inquiry_id LEFT JOIN buyer b ON b.id = coalesce(n.buyer_id, i.buyer_id) "
    "JOIN account au ON au.id = n.author_id JOIN account t ON t.id = n.to_id "
    "WHERE n.inquiry_id = :id ORDER BY n.created_at, n.id"
)


def inquiry(conn: Reader, inquiry_id: int) -> Sequence[Any] | None:
    """The inquiry's row (35 columns, see _INQUIRY), or None."""
    return plain_sql.first(conn, _INQUIRY, {"id": inquiry_id})


def newest_messages(conn: Reader, inquiry_id: int, *, limit: int, max_chars: int) -> list[Sequence[Any]]:
    """(id, direction, author name, sent_at, body cut to MAX_CHARS when long, body bytes), newest first."""
    params = {"id": inquiry_id, "bytes": max_chars * 4, "chars": max_chars, "n": limit}
    return plain_sql.rows(conn, _MESSAGES if dialect.is_sqlite(conn) else _PG_MESSAGES, params)


def message_count(conn: Reader, inquiry_id: int) -> int:
    return int(plain_sql.scalar(conn, _MESSAGE_COUNT, {"id": inquiry_id}))


def allocation_history(conn: Reader, inquiry_id: int) -> list[Sequence[Any]]:
    """(at, from login, to login, rule, actor, reason) of every routing decision, oldest first."""
    return plain_sql.rows(conn, _HISTORY, {"id": inquiry_id})


def attachments_of(conn: Reader, message_ids: Sequence[int]) -> list[Sequence[Any]]:
    """(id, message id, name, sha256, size, mime) of the attachments of MESSAGE_IDS, oldest first."""
    return _in_batches(conn, _ATTACHMENTS, message_ids)


def outbox_of(conn: Reader, message_ids: Sequence[int]) -> list[Sequence[Any]]:
    """The outbox rows (OUTBOX_COLUMNS) of MESSAGE_IDS, oldest first."""
    return _in_batches(conn, _OUTBOX_OF, message_ids)


def notes_on(conn: Reader, inquiry_id: int) -> list[Sequence[Any]]:
    """The admin's notes on the inquiry (see _NOTES), oldest first."""
    return plain_sql.rows(conn, _NOTES, {"id": inquiry_id})


def _in_batches(conn: Reader, sql: str, ids: Sequence[int]) -> list[Sequence[Any]]:
    """SQL's rows for IDS ({ids} in it), _IN_BATCH ids a statement, ordered by their first column."""
    found: list[Sequence[Any]] = []
    for start in range(0, len(ids), _IN_BATCH):
        marks, params = plain_sql.listed("id", ids[start : start + _IN_BATCH])
        found.extend(plain_sql.rows(conn, sql.format(ids=marks), params))
    if len(ids) > _IN_BATCH:
        found.sort(key=lambda r: r[0])
    return found
