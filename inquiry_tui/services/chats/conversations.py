"""Conversations: each buyer's chats (`tm` threads) as one, newest first, with unread counts; search across them.

A salesperson's conversations are made of the chat threads they own; the admin sees every one.
Lists page by keyset on (last line time, latest thread id) (store.queries.chats).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.listing import fts_query
from inquiry_tui.services.inbox.rows import on_sqlite, sql_params
from inquiry_tui.store.queries import chats as q_chats

PAGE = 100
MAX_PAGE = 1000
SEARCH_LIMIT = 200  # conversations a search shows (newest hits first)
_SEARCH_ROWS = 5000  # matching threads or lines read to find them

PageKey = tuple[str, int]


@dataclass(frozen=True)
class ConversationRow:
    buyer_id: int
    thread_id: int  # the latest chat thread (where a new line goes)
    key: PageKey
    last_at: datetime
    email: str  # untrusted, like the rest of the buyer's fields
    name: str
    company: str
    country: str | None
    is_customer: bool
    owner_login: str
    unread: int  # the buyer's lines after our last, in threads nobody opened
    last_direction: str  # of the newest line: in | out | auto
    last_text: str  # its first characters, untrusted


@dataclass(frozen=True)
class ConversationPage:
    rows: tuple[ConversationRow, ...]
    next_key: PageKey | None


@dataclass(frozen=True)
class ChatCounts:
    conversations: int
    unread: int  # conversations with unread lines


def ts(value: Any) -> datetime:
    """A timestamp of a raw row (text on SQLite), aware UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def _rows(session: Any, ctx: Ctx, found: list[Any], own: bool) -> list[ConversationRow]:
    buyers = [r[1] for r in found]
    unread = q_chats.unread_counts(session, sql_params(ctx), buyers, own=own)
    out = []
    for r in found:
        last = q_chats.last_line(session, r[0]) or ("in", "")
        out.append(
            ConversationRow(
                buyer_id=r[1],
                thread_id=r[0],
                key=(str(r[2]), r[0]),
                last_at=ts(r[2]),
                email=r[3] or "",
                name=r[4] or "",
                company=r[5] or "",
                country=r[6],
                is_customer=bool(r[7]),
                owner_login=r[8],
                unread=unread.get(r[1], 0),
                last_direction=last[0],
                last_text=last[1],
            )
        )
    return out


def conversation_page(ctx: Ctx, after: PageKey | None = None, limit: int = PAGE) -> ConversationPage:
    """One page of conversations, newest line first; AFTER is the previous page's `next_key`."""
    limit = max(1, min(limit, MAX_PAGE))
    own = not ctx.actor.is_admin
    with ctx.read() as session:
        extra: dict[str, Any] = {"n": limit + 1}
        if after is not None:
            extra |= {"t": after[0], "id": after[1]}
        found = q_chats.page(session, sql_params(ctx, **extra), own=own, after=after is not None)
        rows = _rows(session, ctx, found[:limit], own)
    return ConversationPage(tuple(rows), rows[-1].key if len(found) > limit and rows else None)


def chat_counts(ctx: Ctx) -> ChatCounts:
    with ctx.read() as session:
        total, unread = q_chats.count(session, sql_params(ctx), own=not ctx.actor.is_admin)
    return ChatCounts(total, unread)


def search_conversations(ctx: Ctx, terms: str, limit: int = SEARCH_LIMIT) -> list[ConversationRow]:
    """Conversations whose lines (or buyer company, subject) match every word of TERMS, newest first."""
    own = not ctx.actor.is_admin
    words = terms.split()
    if not words:
        return []
    with ctx.read() as session:
        fts = on_sqlite(session)
        if fts:
            query = fts_query(terms)
            if query is None:
                return []
            params = sql_params(ctx, q=query, cap=_SEARCH_ROWS, n=limit)
        else:
            phrase = " ".join(words).lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params = sql_params(ctx, like=f"%{phrase}%", cap=_SEARCH_ROWS, n=limit)
        buyers = q_chats.search_buyers(session, params, own=own, fts=fts)
        found = q_chats.of_buyers(session, sql_params(ctx), buyers, own=own)
        return _rows(session, ctx, found, own)
