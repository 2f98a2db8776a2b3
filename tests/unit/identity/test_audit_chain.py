"""The audit chain: a row changed, inserted or removed outside the app (sqlite3 directly) is named by `db verify`."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.domain.audit_chain import GENESIS, ChainRow, Head, Tamper, walk
from inquiry_tui.services.audit import ChainHeadMissing, audit
from inquiry_tui.services.context import Ctx, connect
from inquiry_tui.services.identity.verify import parse_anchor, verify_audit
from inquiry_tui.services.team.accounts import add_account, set_away

# Tampering is done with sqlite3 on the store file; the chain itself is the same code on both engines.
pytestmark = pytest.mark.sqlite_only

runner = CliRunner()
T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


# --- the walk, on rows made in memory ---------------------------------------------------------


def chain(n: int) -> list[ChainRow]:
    rows, prev = [], GENESIS
    for i in range(1, n + 1):
        row = ChainRow(
            i,
            (T0 + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "boss",
            "root",
            "act",
            "x",
            str(i),
            "",
            f'{{"n": {i}}}',
        )
        digest = row.content_hash(prev)
        rows.append(ChainRow(**{**row.__dict__, "prev_hash": prev, "hash": digest}))
        prev = digest
    return rows


def head_of(rows: list[ChainRow]) -> Head:
    return Head(rows[-1].id, rows[-1].hash) if rows else Head(0, GENESIS)


def test_an_intact_chain_walks_to_its_head() -> None:
    rows = chain(5)
    report = walk(rows, head_of(rows))
    assert report.ok and (report.rows, report.last_id) == (5, 5)
    assert walk([], Head(0, GENESIS)).ok


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 30), data=st.data())
def test_the_first_tampered_row_is_named(n: int, data: st.DataObject) -> None:
    """Change, insert or remove any row (as sqlite3 would: no new hash) and the walk names that row."""
    rows = chain(n)
    head = head_of(rows)
    i = data.draw(st.integers(0, n - 1))
    kind = data.draw(st.sampled_from(["change", "insert_end", "remove", "remove_tail", "rehash"]))
    if kind == "change":
        rows[i] = ChainRow(**{**rows[i].__dict__, "actor": "mallory"})
        expected = (Tamper.CHANGED, rows[i].id)
    elif kind == "insert_end":
        rows.append(ChainRow(n + 1, rows[-1].at, "boss", "", "forged", "x", "", "", ""))
        expected = (Tamper.INSERTED, n + 1)
    elif kind == "remove":
        i = min(i, n - 2)  # a row with a successor
        del rows[i]
        expected = (Tamper.REMOVED, i + 1)
    elif kind == "remove_tail":
        removed = rows[i:]
        rows = rows[:i]
        expected = (Tamper.REMOVED, removed[0].id)
    else:  # changed, and its hash recomputed so that it matches itself again
        changed = ChainRow(**{**rows[i].__dict__, "after": '{"n": -1}'})
        rows[i] = ChainRow(**{**changed.__dict__, "hash": changed.content_hash(changed.prev_hash)})
        expected = (Tamper.CHANGED, rows[i].id)
    report = walk(rows, head)
    assert report.finding is not None
    assert (report.finding.kind, report.finding.row_id) == expected, report.finding.message
    assert f"row {expected[1]}" in report.finding.message or f"rows {expected[1]}-" in report.finding.message


def test_a_rewritten_chain_is_found_only_against_an_anchor() -> None:
    rows = chain(6)
    anchor = Head(4, rows[3].hash)
    forged, prev = [], GENESIS  # every hash recomputed from row 2 on, head too: the chain alone looks intact
    for r in rows:
        r = ChainRow(**{**r.__dict__, "actor": "mallory" if r.id == 2 else r.actor, "prev_hash": prev})
        r = ChainRow(**{**r.__dict__, "hash": r.content_hash(prev)})
        forged.append(r)
        prev = r.hash
    assert walk(forged, head_of(forged)).ok
    report = walk(forged, head_of(forged), anchor=anchor)
    assert report.finding is not None and report.finding.row_id == 4 and "anchor" in report.finding.message


# --- the store, tampered with sqlite3 ----------------------------------------------------------


def tamper(ctx: Ctx, *sql: str) -> None:
    path = ctx.url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    try:
        for statement in sql:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def logged(admin_ctx: Ctx) -> Ctx:
    """The admin_ctx store with 8 audit rows (init, three account_add, four away toggles)."""
    for login in ("ana", "ben", "ana", "ben"):
        set_away(admin_ctx, login, True)
    assert verify_audit(admin_ctx).rows == 8
    return admin_ctx


def test_rows_carry_the_os_user_and_chain(logged: Ctx) -> None:
    verdict = verify_audit(logged)
    assert verdict.ok and verdict.last_id == 8 and len(verdict.last_hash) == 64
    path = logged.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT id, os_user, prev_hash, hash FROM audit_log ORDER BY id").fetchall()
    assert [r[0] for r in rows] == list(range(1, 9))
    assert {r[1] for r in rows} == {logged.os_user}
    assert rows[0][2] == GENESIS and all(rows[i][2] == rows[i - 1][3] for i in range(1, 8))


def test_a_row_inserted_with_sqlite3_is_found(logged: Ctx) -> None:
    tamper(
        logged,
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) "
        "VALUES ('2026-11-23 10:00:00.000000', 'boss', 'account_add', 'account', 'ghost', '', '')",
    )
    verdict = verify_audit(logged)
    assert (verdict.problem, verdict.row_id) == ("inserted", 9)
    assert "row 9" in verdict.summary() and "inserted outside the app" in verdict.summary()


def test_a_row_changed_with_sqlite3_is_found(logged: Ctx) -> None:
    tamper(logged, "DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET actor = 'ana' WHERE id = 5")
    verdict = verify_audit(logged)
    assert (verdict.problem, verdict.row_id) == ("changed", 5)
    assert verdict.missing_guards == ("audit_log_no_update",)
    assert "row 5" in verdict.summary() and "audit_log_no_update were dropped" in verdict.summary()


def test_a_row_deleted_with_sqlite3_is_found(logged: Ctx) -> None:
    tamper(logged, "DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE id = 3")
    verdict = verify_audit(logged)
    assert (verdict.problem, verdict.row_id) == ("removed", 3)


def test_the_last_row_deleted_or_the_log_emptied_is_found(logged: Ctx) -> None:
    tamper(logged, "DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE id = 8")
    assert (verify_audit(logged).problem, verify_audit(logged).row_id) == ("removed", 8)
    tamper(logged, "DELETE FROM audit_log")
    verdict = verify_audit(logged)
    assert (verdict.problem, verdict.row_id) == ("removed", 1) and "rows 1-8 were removed" in verdict.summary()


def test_a_missing_head_is_found_and_stops_further_audit_rows(logged: Ctx) -> None:
    tamper(logged, "DELETE FROM audit_chain")
    assert verify_audit(logged).problem == "removed"
    with pytest.raises(ChainHeadMissing, match="restore the store from a backup"), logged.write() as session:
        audit(session, logged, "check", "x")


def test_db_verify_on_the_command_line(logged: Ctx) -> None:
    db = logged.url.removeprefix("sqlite:///")
    ok = runner.invoke(app, ["--db", db, "db", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "audit log intact: 8 rows" in ok.output
    anchor = ok.output.strip().splitlines()[-1].split()[-1]
    assert parse_anchor(anchor) == Head(8, verify_audit(logged).last_hash)
    assert runner.invoke(app, ["--db", db, "db", "verify", "--anchor", anchor]).exit_code == 0
    assert "is not ID:HASH" in runner.invoke(app, ["--db", db, "db", "verify", "--anchor", "8:xyz"]).output

    tamper(logged, "DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET after = '{}' WHERE id = 2")
    bad = runner.invoke(app, ["--db", db, "db", "verify"])
    assert bad.exit_code == 1
    lines = [line for line in bad.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: audit log tampered with: row 2 ")
    as_json = runner.invoke(app, ["--db", db, "db", "verify", "--json"])
    assert as_json.exit_code == 1
    doc = json.loads(as_json.output)
    assert doc["ok"] is False and doc["problem"]["kind"] == "changed" and doc["problem"]["row"] == 2
    assert set(doc) == {"ok", "rows", "intact_to", "problem", "missing_guards"}
    assert doc["intact_to"]["id"] == 1  # the rows before the change still check out


def _append_rows(db: str, login: str, n: int) -> None:
    import os

    os.environ["INQUIRY_TUI_LOGIN"] = "boss"
    ctx = connect(db)
    try:
        for _ in range(n):
            set_away(ctx, login, True)
    finally:
        ctx.close()


@pytest.mark.slow
def test_the_chain_stays_whole_with_several_processes_writing(admin_ctx: Ctx) -> None:
    db = admin_ctx.url.removeprefix("sqlite:///")
    add_account(admin_ctx, "dora", "Dora")
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_append_rows, args=(db, login, 15)) for login in ("ana", "ben", "cara", "dora")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    verdict = verify_audit(admin_ctx)
    assert verdict.ok, verdict.summary()
    assert verdict.rows == 5 + 4 * 15


def test_anchor_file_format_round_trips(tmp_path: Path) -> None:
    text = f"12:{'a' * 64}"
    assert parse_anchor(text) == Head(12, "a" * 64)
