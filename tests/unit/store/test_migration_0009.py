"""Migration 0009_mail: a store at 0004 with data upgrades to it, the data kept and the new tables usable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.migrate import head_revision, upgrade


def test_a_store_at_0004_upgrades_with_its_data(db_url: str, tmp_path: Path) -> None:
    assert upgrade(db_url, revision="0004").after == "0004"
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO account (login, name, role, active, away, created_at) VALUES ('boss', 'B', 'admin', 1, 0, '2026-01-01 00:00:00.000000')"
        )
        conn.exec_driver_sql(
            "INSERT INTO buyer (email, name, company, phone, website, address, business_type, employees, verified, is_customer, group_name, type, source, stars, notes, first_seen_at, version) VALUES ('a@b.example', 'A', 'Lumen', '', '', '', '', '', 0, 0, '', '', '', 0, '', '2026-01-01 00:00:00.000000', 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO inquiry (channel, buyer_id, subject, received_at, owner_id, rule, folder, is_junk, junk_score, junk_reasons, unread, tagged, replied, last_message_at, auto_replies, version, terms) VALUES ('email', 1, 'Mail thread', '2026-01-01 00:00:00.000000', 1, 'product', 'inbox', 0, 0, '', 1, 0, 0, '2026-01-01 00:00:00.000000', 0, 1, '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO notice (account_id, kind, text, ref_kind, ref_id, created_at) VALUES (1, 'platform', 'kept', '', '', '2026-01-01 00:00:00.000000')"
        )
    engine.dispose()
    result = upgrade(db_url)
    assert (result.before, result.after) == ("0004", head_revision())
    store = sqlite3.connect(str(tmp_path / "store.db"))
    assert store.execute("SELECT subject FROM inquiry").fetchall() == [("Mail thread",)]
    assert store.execute("SELECT text FROM notice").fetchall() == [("kept",)]
    for table in ("mail_link", "maildir_seen", "outbox", "call_log"):
        assert store.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    # the E-mail view's partial index serves its list
    plan = store.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM inquiry INDEXED BY ix_inquiry_email "
        "WHERE channel = 'email' AND folder = 'inbox' ORDER BY received_at DESC, id DESC"
    ).fetchall()
    assert any("ix_inquiry_email" in str(row) for row in plan)
    store.close()
