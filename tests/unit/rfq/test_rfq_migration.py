"""A store at the previous head (0004) upgrades to 0007_rfq with its data kept and its visits summarised."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.migrate import head_revision, upgrade

TS = "2026-11-01 00:00:00.000000"


def test_a_store_at_0004_upgrades_with_data_kept(db_url: str, tmp_path: Path) -> None:
    upgrade(db_url, revision="0004")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO buyer (email, name, company, phone, website, address, business_type, employees, verified, "
            f"is_customer, group_name, type, source, stars, notes, first_seen_at, version) VALUES ('v@x.example', 'V', "
            f"'Lumen', '', '', '', '', '', 0, 0, '', '', '', 0, '', '{TS}', 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO visitor_session (buyer_id, at, region, page_views, store_pages, site_products, site_sellers, "
            "search_terms) VALUES (1, '2026-11-01 00:00:00.000000', 'DE', 5, 5, 10, 2, 'Flood Light'), "
            "(1, '2026-11-03 00:00:00.000000', 'FR', 7, 6, 1, 1, 'flood light,downlight')"
        )
        conn.exec_driver_sql(
            f"INSERT INTO activity_detail (buyer_id, kind, detail, count, last_at) VALUES (1, 'search', 'downlight', 4, '{TS}')"
        )
    engine.dispose()
    result = upgrade(db_url)
    assert (result.before, result.after) == ("0004", head_revision()) and result.backup is not None
    store = sqlite3.connect(str(tmp_path / "store.db"))
    assert store.execute("SELECT email FROM buyer").fetchall() == [("v@x.example",)]
    summary = store.execute(
        "SELECT visits, page_views, store_pages, site_products, site_sellers, region, search_terms, last_visit_at "
        "FROM visitor_summary"
    ).fetchall()
    assert summary == [(2, 12, 11, 11, 3, "FR", "downlight, flood light", "2026-11-03 00:00:00.000000")]
    # The market's tables and its full-text index are there and work.
    store.execute(
        "INSERT INTO rfq (external_id, buyer_id, posted_at, expires_at, title, description, category, unit, is_junk, "
        f"junk_score, junk_reasons, fit, fit_terms, fit_category, imported_at) VALUES ('R1', 1, '{TS}', '{TS}', "
        f"'Floodlights for a stadium', '', '', '', 0, 0, '', 0, '', '', '{TS}')"
    )
    assert store.execute("SELECT rowid FROM rfq_fts WHERE rfq_fts MATCH 'stadium'").fetchall() == [(1,)]
    store.close()


def test_a_store_at_0010_upgrades_with_each_rfqs_standing_filled_and_kept(db_url: str, tmp_path: Path) -> None:
    upgrade(db_url, revision="0010_routing")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        for email, verified, tier in (("a@x.example", 1, "L3"), ("b@x.example", 0, None)):
            conn.exec_driver_sql(
                "INSERT INTO buyer (email, name, company, phone, website, address, business_type, employees, verified, "
                "is_customer, group_name, type, source, stars, notes, first_seen_at, version, tier) VALUES "
                f"('{email}', 'V', '', '', '', '', '', '', {verified}, 0, '', '', '', 0, '', '{TS}', 1, ?)",
                (tier,),
            )
        for n, buyer in ((1, 1), (2, 2)):
            conn.exec_driver_sql(
                "INSERT INTO rfq (external_id, buyer_id, posted_at, expires_at, title, description, category, unit, "
                "is_junk, junk_score, junk_reasons, fit, fit_terms, fit_category, imported_at) VALUES "
                f"('R{n}', {buyer}, '{TS}', '{TS}', 'Floodlights', '', '', '', 0, 0, '', 40, '', '', '{TS}')"
            )
    engine.dispose()
    upgrade(db_url)
    store = sqlite3.connect(str(tmp_path / "store.db"))
    standing = "SELECT external_id, buyer_points, standing FROM rfq ORDER BY id"
    assert store.execute(standing).fetchall() == [("R1", 25, 65), ("R2", 0, 40)]  # verified 10 + L3 15
    with store:  # the triggers keep it: a buyer's tier, an RFQ's fit, a new RFQ
        store.execute("UPDATE buyer SET tier = 'L1' WHERE id = 1")
        store.execute("UPDATE rfq SET fit = 50 WHERE id = 2")
        store.execute(
            "INSERT INTO rfq (external_id, buyer_id, posted_at, expires_at, title, description, category, unit, "
            "is_junk, junk_score, junk_reasons, fit, fit_terms, fit_category, imported_at) VALUES "
            f"('R3', 1, '{TS}', '{TS}', 'Panels', '', '', '', 0, 0, '', 30, '', '', '{TS}')"
        )
    assert store.execute(standing).fetchall() == [("R1", 15, 55), ("R2", 0, 50), ("R3", 15, 45)]
    store.close()
