"""The dashboard's workload counts: open and overdue inquiries per owner, and today's arrivals per owner.

Open and overdue come off the partial index ix_inquiry_open alone (index-only): the query's
WHERE is the index's own predicate, domain.due's open rule (store.queries.folders.open_sql).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session

from inquiry_tui.store.queries.folders import due_passed_sql, open_sql
from inquiry_tui.store.types import db_text


def open_and_overdue(session: Session, now: datetime, only: int | None) -> tuple[dict[int, int], dict[int, int]]:
    """({owner id: open}, {owner id: overdue}) as of NOW; ONLY: one owner's."""
    mine = " AND owner_id = :only" if only is not None else ""
    sql = (
        f"SELECT owner_id, count(*), sum(CASE WHEN {due_passed_sql(alias='')} THEN 1 ELSE 0 END) "
        f"FROM inquiry WHERE {open_sql(alias='')}{mine} GROUP BY owner_id"
    )
    rows = session.execute(text(sql), {"now": db_text(now), "only": only}).all()
    return {r[0]: r[1] for r in rows}, {r[0]: int(r[2]) for r in rows}


def arrivals_since(session: Session, since: datetime, now: datetime, only: int | None) -> dict[int, int]:
    """{owner id: inquiries received in [SINCE, NOW]}, junk not counted; ONLY: one owner's."""
    mine = " AND owner_id = :only" if only is not None else ""
    sql = (
        "SELECT owner_id, count(*) FROM inquiry WHERE received_at >= :since AND received_at <= :now "
        f"AND is_junk = :no{mine} GROUP BY owner_id"
    )
    params = {"since": db_text(since), "now": db_text(now), "only": only, "no": False}
    return {r[0]: r[1] for r in session.execute(text(sql), params)}
