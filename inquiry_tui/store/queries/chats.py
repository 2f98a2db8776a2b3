"""The chat manager's SQL: conversations (a buyer's `tm` threads) newest first by keyset, unread counts, search.

A conversation is listed once, by its buyer's latest chat thread: the threads are walked newest
first on the partial index `ix_inquiry_tm_last` (or `ix_inquiry_tm_owner_last` for one
owner), and a thread is kept when no newer chat thread of the same buyer exists (a probe of
`ix_inquiry_tm_buyer`). So page N costs what page 1 costs. Deleted threads are left out.
A salesperson's conversations are made of the threads they own (`:me`).

A conversation's unread count: the buyer's lines after our last line, in its threads still
marked unread (a thread is unread while its last line is the buyer's and nobody opened it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

from inquiry_tui.domain.vocabulary import Channel, Direction, Folder
from inquiry_tui.store import dialect

_TM, _DELETED = Channel.TM.value, Folder.DELETED.value
_IN, _OUT = Direction.IN.value, Direction.OUT.value
PREVIEW_CHARS = 200


def _mine(alias: str, own: bool) -> str:
    return f" AND {alias}.owner_id = :me" if own else ""


def _latest(alias: str, own: bool) -> str:
    """ALIAS is its buyer's latest (visible) chat thread."""
    return (
        f"NOT EXISTS (SELECT 1 FROM inquiry j WHERE j.channel = '{_TM}' AND j.buyer_id = {alias}.buyer_id "
        f"AND j.folder != '{_DELETED}'{_mine('j', own)} AND (j.last_message_at > {alias}.last_message_at OR "
        f"(j.last_message_at = {alias}.last_message_at AND j.id > {alias}.id)))"
    )


_ROW = (
    "SELECT i.id, i.buyer_id, i.last_message_at, b.email, b.name, b.company, b.country, b.is_customer, a.login, "
    "i.version FROM inquiry i JOIN buyer b ON b.id = i.buyer_id JOIN account a ON a.id = i.owner_id"
)


def page(session: Session, params: dict[str, Any], *, own: bool, after: bool) -> list[Any]:
    """Conversation rows (latest thread id, buyer id, last time, buyer e-mail, name, company, country, is
    customer, owner login, thread version) newest first; after `(:t, :id)` when AFTER; `:n` at most."""
    bound = " AND (i.last_message_at < :t OR (i.last_message_at = :t AND i.id < :id))" if after else ""
    sql = (
        f"{_ROW} WHERE i.channel = '{_TM}' AND i.folder != '{_DELETED}'{_mine('i', own)}{bound} "
        f"AND {_latest('i', own)} ORDER BY i.last_message_at DESC, i.id DESC LIMIT :n"
    )
    return list(session.execute(text(sql), params))


def of_buyers(session: Session, params: dict[str, Any], buyer_ids: Sequence[int], *, own: bool) -> list[Any]:
    """The conversation rows of these buyers (those that have a visible chat), newest first."""
    if not buyer_ids:
        return []
    sql = (
        f"{_ROW} WHERE i.channel = '{_TM}' AND i.folder != '{_DELETED}'{_mine('i', own)} AND i.buyer_id IN :buyers "
        f"AND {_latest('i', own)} ORDER BY i.last_message_at DESC, i.id DESC"
    )
    query = text(sql).bindparams(bindparam("buyers", expanding=True))
    return list(session.execute(query, {**params, "buyers": list(buyer_ids)}))


def count(session: Session, params: dict[str, Any], *, own: bool) -> tuple[int, int]:
    """(conversations, conversations with unread lines)."""
    sql = (
        "SELECT count(DISTINCT i.buyer_id), count(DISTINCT CASE WHEN i.unread THEN i.buyer_id END) FROM inquiry i "
        f"WHERE i.channel = '{_TM}' AND i.folder != '{_DELETED}'{_mine('i', own)}"
    )
    row = session.execute(text(sql), params).one()
    return int(row[0]), int(row[1])


def unread_counts(session: Session, params: dict[str, Any], buyer_ids: Sequence[int], *, own: bool) -> dict[int, int]:
    """Buyer id -> the buyer's lines after our last line, in threads still unread."""
    if not buyer_ids:
        return {}
    sql = (
        "SELECT i.buyer_id, count(*) FROM inquiry i JOIN message m ON m.inquiry_id = i.id "
        f"WHERE i.channel = '{_TM}' AND i.folder != '{_DELETED}' AND i.unread{_mine('i', own)} AND i.buyer_id IN :buyers "
        f"AND m.direction = '{_IN}' AND NOT EXISTS (SELECT 1 FROM message o WHERE o.inquiry_id = i.id "
        f"AND o.direction = '{_OUT}' AND o.sent_at >= m.sent_at) GROUP BY i.buyer_id"
    )
    query = text(sql).bindparams(bindparam("buyers", expanding=True))
    return {int(b): int(n) for b, n in session.execute(query, {**params, "buyers": list(buyer_ids)})}


_LAST_LINE = text(
    "SELECT m.direction, substr(m.body, 1, :chars) FROM message m WHERE m.inquiry_id = :id "
    "ORDER BY m.sent_at DESC, m.id DESC LIMIT 1"
)


def last_line(session: Session, inquiry_id: int) -> tuple[str, str] | None:
    row = session.execute(_LAST_LINE, {"id": inquiry_id, "chars": PREVIEW_CHARS}).first()
    return (row[0], row[1] or "") if row else None


def threads_of(session: Session, params: dict[str, Any], *, own: bool) -> list[Any]:
    """Buyer `:b`'s visible chat threads (id, owner id, unread, version), oldest first."""
    sql = (
        f"SELECT i.id, i.owner_id, i.unread, i.version FROM inquiry i WHERE i.channel = '{_TM}' "
        f"AND i.buyer_id = :b AND i.folder != '{_DELETED}'{_mine('i', own)} ORDER BY i.last_message_at, i.id"
    )
    return list(session.execute(text(sql), params))


def messages_of(session: Session, thread_ids: Sequence[int], limit: int, max_chars: int) -> list[Any]:
    """The newest LIMIT messages of these threads (id, thread, direction, author name, sent_at, body cut, bytes), newest first."""
    if not thread_ids:
        return []
    size = dialect.byte_length(session, "m.body")  # a NUL does not hide the rest of a line (store.dialect)
    sql = (
        "SELECT m.id, m.inquiry_id, m.direction, a.name, m.sent_at, "
        f"CASE WHEN {size} <= :bytes THEN m.body ELSE substr(m.body, 1, :chars) END, "
        f"{size} FROM message m LEFT JOIN account a ON a.id = m.author_id "
        "WHERE m.inquiry_id IN :threads ORDER BY m.sent_at DESC, m.id DESC LIMIT :n"
    )
    query = text(sql).bindparams(bindparam("threads", expanding=True))
    params = {"threads": list(thread_ids), "bytes": max_chars * 4, "chars": max_chars, "n": limit}
    return list(session.execute(query, params))


def count_messages(session: Session, thread_ids: Sequence[int]) -> int:
    query = text("SELECT count(*) FROM message WHERE inquiry_id IN :threads").bindparams(
        bindparam("threads", expanding=True)
    )
    return int(session.execute(query, {"threads": list(thread_ids)}).scalar_one())


def search_buyers(session: Session, params: dict[str, Any], *, own: bool, fts: bool) -> list[int]:
    """Buyers whose visible chats match: the FTS5 query `:q` over subject, lines and company (SQLite), or
    `:like` over the lines (other stores); newest hits first, `:n` buyers at most."""
    if fts:
        sql = (
            "SELECT i.buyer_id FROM inquiry_fts AS f JOIN inquiry i ON i.id = f.rowid WHERE inquiry_fts MATCH :q "
            f"AND i.channel = '{_TM}' AND i.folder != '{_DELETED}'{_mine('i', own)} ORDER BY f.rowid DESC LIMIT :cap"
        )
    else:
        sql = (
            "SELECT i.buyer_id FROM inquiry i JOIN message m ON m.inquiry_id = i.id WHERE "
            f"i.channel = '{_TM}' AND i.folder != '{_DELETED}'{_mine('i', own)} AND lower(m.body) LIKE :like ESCAPE '\\' "
            "ORDER BY i.last_message_at DESC LIMIT :cap"
        )
    out: list[int] = []
    for (buyer_id,) in session.execute(text(sql), params):
        if buyer_id not in out:
            out.append(int(buyer_id))
            if len(out) >= params["n"]:
                break
    return out


def chat_buyers(session: Session, params: dict[str, Any], *, own: bool) -> list[Any]:
    """Buyers with a visible chat: (id, e-mail, name, company, country, is customer, chat threads, last time), newest first."""
    sql = (
        "SELECT b.id, b.email, b.name, b.company, b.country, b.is_customer, count(*), max(i.last_message_at) "
        f"FROM inquiry i JOIN buyer b ON b.id = i.buyer_id WHERE i.channel = '{_TM}' AND i.folder != '{_DELETED}'"
        f"{_mine('i', own)} GROUP BY b.id, b.email, b.name, b.company, b.country, b.is_customer "
        "ORDER BY max(i.last_message_at) DESC, b.id DESC"
    )
    return list(session.execute(text(sql), params))
