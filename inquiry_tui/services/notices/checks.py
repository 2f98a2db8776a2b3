"""What an open session asks now and then: the header's count of unread notices, and the overdue check.

Both read in plain SQL (`Ctx.read_plain`: a plain sqlite3 connection on SQLite), so a session that
only reads its inbox never loads SQLAlchemy for them; the overdue check writes only when it has a warning to
write, and on SQLite in plain SQL on a Core connection (services/notices/overdue.py: no ORM, no models).
"""

from __future__ import annotations

from datetime import timedelta

from inquiry_tui.services.context import Ctx
from inquiry_tui.store import plain_sql
from inquiry_tui.store.queries.notices import due_soon

OVERDUE_WARNING = timedelta(hours=4)  # warn this long before the 24-hour limit
OVERDUE_FLOOR = timedelta(hours=24)  # no warnings for inquiries overdue longer than this
_UNREAD = "SELECT count(*) FROM notice WHERE account_id = :me AND read_at IS NULL"


def unread_count(ctx: Ctx) -> int:
    """How many of the acting account's notices are unread (the header's count)."""
    if ctx.actor.id is None:
        return 0
    with ctx.read_plain() as conn:
        return int(plain_sql.scalar(conn, _UNREAD, {"me": ctx.actor.id}))


def check_overdue(ctx: Ctx) -> int:
    """The acting account's overdue check (every owner's for the admin), in its own transaction."""
    if ctx.actor.id is None and not ctx.actor.is_admin:
        return 0
    now, owner = ctx.now(), None if ctx.actor.is_admin else ctx.actor.id
    with ctx.read_plain() as conn:  # most checks find nothing: no write lock for them
        if not due_soon(conn, until=now + OVERDUE_WARNING, since=now - OVERDUE_FLOOR, owner=owner):
            return 0
    from inquiry_tui.store.engine import is_sqlite  # SQLAlchemy's Core: the write below loads it anyway

    if is_sqlite(ctx.url):  # the write in plain SQL, without the ORM (services/notices/overdue.py)
        from inquiry_tui.services.notices.overdue import write_overdue_sqlite

        with ctx.begin() as conn:
            return write_overdue_sqlite(conn, now, owner)
    from inquiry_tui.services.notices.producers import warn_overdue

    with ctx.write() as session:
        return warn_overdue(session, now, owner)
