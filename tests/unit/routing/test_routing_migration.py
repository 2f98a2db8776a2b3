"""Migration 0010_routing: a store at the previous head upgrades with its data kept and routing's columns empty."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.migrate import HEAD, upgrade


def test_a_store_at_0004_upgrades_to_routing_with_data_kept(db_url: str, tmp_path: Path) -> None:
    upgrade(db_url, revision="0004")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO account (login, name, role, active, away, created_at) "
            "VALUES ('boss', 'B', 'admin', 1, 0, '2026-01-01 00:00:00.000000'), "
            "('ana', 'A', 'sales', 1, 1, '2026-01-01 00:00:00.000000')"
        )
        conn.exec_driver_sql(
            "INSERT INTO buyer (email, name, company, phone, website, address, business_type, employees, verified, "
            "is_customer, group_name, type, source, stars, notes, first_seen_at, version) VALUES ('a@b.example', 'A', "
            "'Lumen', '', '', '', '', '', 0, 0, '', '', '', 0, '', '2026-01-01 00:00:00.000000', 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO inquiry (channel, buyer_id, subject, received_at, owner_id, rule, folder, is_junk, junk_score, "
            "junk_reasons, unread, tagged, replied, last_message_at, auto_replies, terms, version) VALUES ('inquiry', 1, "
            "'Floodlight price', '2026-01-01 00:00:00.000000', 2, 'product', 'inbox', 0, 0, '', 1, 0, 0, "
            "'2026-01-01 00:00:00.000000', 0, '{\"quantity\":\"500\"}', 1)"
        )
    engine.dispose()
    result = upgrade(db_url)
    assert (result.before, result.after) == ("0004", HEAD)  # 0010_routing and any later revision
    store = sqlite3.connect(str(tmp_path / "store.db"))
    assert store.execute(
        "SELECT login, away, away_until, away_since, capacity FROM account ORDER BY id"
    ).fetchall() == [
        ("boss", 0, None, None, None),
        ("ana", 1, None, None, None),
    ]
    assert store.execute("SELECT subject, terms, asked, escalated_at FROM inquiry").fetchall() == [
        ("Floodlight price", '{"quantity":"500"}', "", None)
    ]
    assert store.execute("SELECT count(*) FROM admin_note").fetchone() == (0,)
    plan = store.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM inquiry INDEXED BY ix_inquiry_escalation WHERE first_response_at IS NULL AND folder = 'inbox' "
        "AND escalated_at IS NULL AND received_at >= '2026-01-01' AND received_at <= '2026-02-01'"
    ).fetchall()
    assert "ix_inquiry_escalation" in str(plan)  # the partial index serves the sweep's query (store.queries.routing)
    store.close()
