"""The overdue check's write in plain SQL on SQLite (services/notices/overdue.py) writes the very notices the
notices' writer (`feed.notify`, through the ORM session) writes: the same text, kind, reference, time and key."""

from __future__ import annotations

from datetime import timedelta

from inquiry_tui.services.arrivals.importing import receive
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.checks import check_overdue
from inquiry_tui.services.notices.producers import warn_overdue
from inquiry_tui.store import plain_sql
from tests.conftest import FIXED_NOW, ctx_as
from tests.unit.mail.mail_helpers import with_product
from tests.unit.notices.test_producers import arrival

_NOTICES = (
    "SELECT account_id, kind, text, ref_kind, ref_id, created_at, read_at, dedupe FROM notice "
    "WHERE kind = 'overdue' ORDER BY account_id, ref_id"
)


def _overdue_rows(ctx: Ctx) -> list[tuple[object, ...]]:
    with ctx.read_plain() as conn:
        return [tuple(row) for row in plain_sql.rows(conn, _NOTICES)]


def _forget_overdue(ctx: Ctx) -> None:
    from sqlalchemy import text

    with ctx.begin() as conn:
        conn.execute(text("DELETE FROM notice WHERE kind = 'overdue'"))


def test_the_plain_write_is_the_orm_writers_notices(admin_ctx: Ctx) -> None:
    with_product(admin_ctx)
    # due in 5 h and in 4.5 h (no warning at arrival), one with hostile markup in its subject
    receive(admin_ctx, [arrival(1, hours_ago=19), arrival(2, hours_ago=19.5, subject="[bold]Urgent[/] LED")])
    assert _overdue_rows(admin_ctx) == []
    later = ctx_as(admin_ctx, "boss")
    later.clock = lambda: FIXED_NOW + timedelta(hours=2, minutes=7)
    with later.write() as session:
        assert warn_overdue(session, later.now()) == 2
    by_orm = _overdue_rows(admin_ctx)
    _forget_overdue(admin_ctx)
    assert check_overdue(later) == 2  # the admin's check: every owner's
    assert _overdue_rows(admin_ctx) == by_orm
    assert by_orm[0][2].startswith("#1 will be overdue in 2 h 53 min") and "[bold]Urgent[/] LED" in by_orm[1][2]
    assert check_overdue(later) == 0  # once each: the key holds on the plain write too


def test_a_salespersons_check_warns_about_their_own_only(admin_ctx: Ctx) -> None:
    with_product(admin_ctx)
    receive(admin_ctx, [arrival(1, hours_ago=19)])
    owner = _owner_login(admin_ctx, 1)
    other = next(login for login in ("ana", "ben", "cara") if login != owner)
    for login, expected in ((other, 0), (owner, 1)):
        ctx = ctx_as(admin_ctx, login)
        ctx.clock = lambda: FIXED_NOW + timedelta(hours=2)
        assert check_overdue(ctx) == expected


def _owner_login(ctx: Ctx, inquiry_id: int) -> str:
    with ctx.read_plain() as conn:
        sql = "SELECT a.login FROM inquiry AS i JOIN account AS a ON a.id = i.owner_id WHERE i.id = :id"
        return str(plain_sql.scalar(conn, sql, {"id": inquiry_id}))
