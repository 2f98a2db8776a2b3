"""Optimistic locking: two processes change the owner of one inquiry; exactly one wins."""

from __future__ import annotations

import multiprocessing as mp

import pytest
from sqlalchemy import text

from inquiry_tui.domain.errors import StaleWrite
from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.models import Inquiry
from tests.conftest import ctx_as


def _make_inquiry(ctx: Ctx) -> int:
    with ctx.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO buyer (email, name, company, phone, website, address, business_type, employees, verified, "
            "is_customer, group_name, type, source, stars, notes, first_seen_at, version) VALUES "
            "('x@y.example', 'X', 'Y', '', '', '', '', '', FALSE, FALSE, '', '', '', 0, '', '2026-11-01 00:00:00.000000', 1)"
        )
        owner = conn.exec_driver_sql("SELECT id FROM account WHERE login = 'ana'").scalar_one()
        conn.exec_driver_sql(
            "INSERT INTO inquiry (channel, buyer_id, subject, received_at, owner_id, rule, folder, is_junk, junk_score, "
            "junk_reasons, unread, tagged, replied, last_message_at, auto_replies, version) VALUES "
            f"('inquiry', 1, 'Price', '2026-11-20 00:00:00.000000', {owner}, 'product', 'inbox', FALSE, 0, '', TRUE, FALSE, FALSE, "
            "'2026-11-20 00:00:00.000000', 0, 1)"
        )
        return int(conn.exec_driver_sql("SELECT max(id) FROM inquiry").scalar_one())


def _reassign(url: str, inquiry_id: int, target: str, barrier, results) -> None:  # type: ignore[no-untyped-def]
    from inquiry_tui.services.context import connect
    from tests.own_host import on_own_host

    on_own_host(url)  # on PostgreSQL the OS user is the account (tests/own_host.py)
    ctx = connect(url)  # acts as the OS login: INQUIRY_TUI_LOGIN=boss (the admin)
    with ctx.read() as session:
        version = session.get(Inquiry, inquiry_id).version  # type: ignore[union-attr]
    barrier.wait()  # both have loaded the same version before either writes
    try:
        assign_inquiry(ctx, inquiry_id, target, expected_version=version)
        results.put(("ok", target))
    except StaleWrite as exc:
        results.put(("stale", str(exc)))
    finally:
        ctx.close()


@pytest.mark.slow
def test_two_processes_one_wins_one_is_told_it_is_stale(admin_ctx: Ctx, db_url: str) -> None:
    inquiry_id = _make_inquiry(admin_ctx)
    spawn = mp.get_context("spawn")
    barrier, results = spawn.Barrier(2), spawn.Queue()
    procs = [
        spawn.Process(target=_reassign, args=(db_url, inquiry_id, who, barrier, results)) for who in ("ben", "cara")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    outcomes = sorted(results.get(timeout=5) for _ in procs)
    assert [o[0] for o in outcomes] == ["ok", "stale"]
    winner = outcomes[0][1]
    # The loser is told who changed it, when and how (issue: a lost race is told).
    assert "was changed by boss at " in outcomes[1][1] and f"(reassigned to {winner})" in outcomes[1][1]
    with admin_ctx.engine.connect() as conn:
        row = conn.execute(
            text("SELECT a.login, i.version FROM inquiry i JOIN account a ON a.id = i.owner_id WHERE i.id = :i"),
            {"i": inquiry_id},
        ).one()
        audits = conn.exec_driver_sql("SELECT count(*) FROM audit_log WHERE action = 'inquiry_assign'").scalar_one()
        records = conn.exec_driver_sql("SELECT count(*) FROM allocation_record").scalar_one()
    assert row.login == winner
    assert row.version == 2  # advanced exactly once
    assert audits == 1 and records == 1


def test_orm_flush_of_a_stale_row_becomes_stale_write(admin_ctx: Ctx) -> None:
    """The version column is SQLAlchemy's version_id_col: a concurrent bump makes the flush fail."""
    inquiry_id = _make_inquiry(admin_ctx)
    with pytest.raises(StaleWrite, match="changed by someone else"), admin_ctx.write() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        assert inquiry is not None
        # Someone else's committed change, simulated on the same transaction's connection.
        session.connection().exec_driver_sql(f"UPDATE inquiry SET version = version + 1 WHERE id = {inquiry_id}")
        inquiry.tagged = True
    with admin_ctx.engine.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT tagged, version FROM inquiry WHERE id = {inquiry_id}").one() == (0, 1)


def test_salesperson_cannot_reassign_someone_elses_inquiry(admin_ctx: Ctx) -> None:
    inquiry_id = _make_inquiry(admin_ctx)
    from inquiry_tui.domain.errors import NotFound

    with pytest.raises(NotFound):
        assign_inquiry(ctx_as(admin_ctx, "ben"), inquiry_id, "cara")
    handed = assign_inquiry(ctx_as(admin_ctx, "ana"), inquiry_id, "ben")
    assert (handed.from_login, handed.to_login, handed.rule) == ("ana", "ben", "handover")
