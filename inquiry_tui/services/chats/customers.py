"""Import from TM: choose which chat buyers become customers (source `chat`), instead of all of them.

The admin chooses among every chat buyer; a salesperson among the buyers of the chats they own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from inquiry_tui.domain.errors import NotFound
from inquiry_tui.services.chats.conversations import ts
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.manage import add_customers_from_chats
from inquiry_tui.services.inbox.rows import sql_params
from inquiry_tui.store.queries import chats as q_chats


@dataclass(frozen=True)
class ChatBuyer:
    buyer_id: int
    email: str  # untrusted, like name and company
    name: str
    company: str
    country: str | None
    is_customer: bool
    chats: int  # chat threads
    last_at: datetime


def chat_buyers(ctx: Ctx, *, only_new: bool = False) -> list[ChatBuyer]:
    """The buyers of the chats the actor may see, newest chat first; ONLY_NEW: those not yet customers."""
    with ctx.read() as session:
        rows = q_chats.chat_buyers(session, sql_params(ctx), own=not ctx.actor.is_admin)
    buyers = [ChatBuyer(r[0], r[1], r[2] or "", r[3] or "", r[4], bool(r[5]), int(r[6]), ts(r[7])) for r in rows]
    return [b for b in buyers if not (only_new and b.is_customer)]


def make_customers(ctx: Ctx, buyer_ids: Iterable[int]) -> int:
    """Make the chosen chat buyers customers (source chat); returns how many became customers.

    Every id must be a buyer of a chat the actor may see (one the actor does not is NotFound,
    and nothing changes). Buyers already customers keep their tags and source.
    """
    wanted = sorted(set(buyer_ids))
    with ctx.write() as session:
        visible = {r[0] for r in q_chats.chat_buyers(session, sql_params(ctx), own=not ctx.actor.is_admin)}
        unknown = [b for b in wanted if b not in visible]
        if unknown:
            raise NotFound(f"no chat with buyer {unknown[0]}")
        return add_customers_from_chats(session, wanted, actor=ctx.actor.login, now=ctx.now())
