"""A buyer's last contact (docs/domain.md, Buyers): `buyer.last_contact_at`, moved by every write that adds a
message by the buyer or a person, and only ever forward.

The arrival pipeline and the imports keep it in their batch state (`Pipeline.touch`); a single
message written by a service (a reply, a chat line, an LOI, a quote or its edit, an outreach)
goes through `contacted`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, or_, update
from sqlmodel import Session

from inquiry_tui.store.core import run_dml, table_of
from inquiry_tui.store.models import Buyer


def contacted(conn: Session | Connection, buyer_id: int, at: datetime) -> None:
    """The buyer and we exchanged a message at AT: their last contact becomes AT unless it is later already.

    A Core update without the row's version: the version is for people editing the customer, and a
    message must not make their open form stale.
    """
    b = table_of(Buyer).c
    run_dml(
        conn,
        update(table_of(Buyer))
        .where(b.id == buyer_id, or_(b.last_contact_at.is_(None), b.last_contact_at < at))
        .values(last_contact_at=at),
    )


__all__ = ["contacted"]
