"""Migration 0006_deals: a store at 0004 upgrades with its data kept; the owner trigger moves deals with their buyer,
and the order_sum triggers keep the totals."""

from __future__ import annotations

from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.migrate import HEAD, upgrade


def test_a_store_at_0004_upgrades_to_deals_with_data_kept(db_url: str) -> None:
    upgrade(db_url, revision="0004")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        for login, role in (("boss", "admin"), ("ana", "sales"), ("ben", "sales")):
            conn.exec_driver_sql(
                f"INSERT INTO account (login, name, role, active, away, created_at) VALUES ('{login}', '{login}', '{role}', 1, 0, '2026-01-01 00:00:00.000000')"
            )
        conn.exec_driver_sql(
            "INSERT INTO buyer (email, name, company, phone, website, address, business_type, employees, verified, owner_id, is_customer, group_name, type, source, stars, notes, first_seen_at, version) VALUES ('a@b.example', 'A', 'Lumen', '', '', '', '', '', 0, 2, 1, '', '', '', 0, '', '2026-01-01 00:00:00.000000', 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO inquiry (channel, buyer_id, subject, received_at, owner_id, rule, folder, is_junk, junk_score, junk_reasons, unread, tagged, replied, last_message_at, auto_replies, terms, version) VALUES ('inquiry', 1, 'Floodlight price', '2026-01-01 00:00:00.000000', 2, 'product', 'inbox', 0, 0, '', 1, 0, 0, '2026-01-01 00:00:00.000000', 0, '{\"incoterm\":\"FOB\"}', 1)"
        )
    engine.dispose()

    result = upgrade(db_url)
    assert (result.before, result.after) == ("0004", HEAD) and result.backup is not None
    engine = make_engine(db_url)
    with engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT subject, terms FROM inquiry").one() == (
            "Floodlight price",
            '{"incoterm":"FOB"}',
        )
        for table in (
            "contract_template",
            "loi",
            "loi_version",
            "deal_order",
            "order_event",
            "buyer_trade",
            "order_sum",
        ):
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() == 0
        conn.exec_driver_sql(
            "INSERT INTO loi (buyer_id, owner_id, status, currency, total_minor, doc, created_at, updated_at, version) VALUES (1, 2, 'draft', 'USD', 100, '{}', '2026-01-02 00:00:00', '2026-01-02 00:00:00', 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO deal_order (number, source, kind, buyer_id, owner_id, status, currency, total_minor, doc, placed_at, updated_at, version) VALUES ('SO-1', 'loi', 'regular', 1, 2, 'confirmed', 'USD', 100, '{}', '2026-01-02 00:00:00', '2026-01-02 00:00:00', 1)"
        )
        conn.exec_driver_sql("UPDATE buyer SET owner_id = 3 WHERE id = 1")  # the customer moves to ben
        assert conn.exec_driver_sql("SELECT owner_id FROM loi").scalar_one() == 3
        assert conn.exec_driver_sql("SELECT owner_id FROM deal_order").scalar_one() == 3
        # order_sum follows every order change: the insert, the owner's move, a status change, a delete
        sums = "SELECT owner_key, status, currency, orders, total_minor FROM order_sum WHERE orders > 0"
        assert conn.exec_driver_sql(sums).all() == [(3, "confirmed", "USD", 1, 100)]
        conn.exec_driver_sql("UPDATE deal_order SET status = 'paid', total_minor = 250")
        assert conn.exec_driver_sql(sums).all() == [(3, "paid", "USD", 1, 250)]
        conn.exec_driver_sql("DELETE FROM deal_order")
        assert conn.exec_driver_sql(sums).all() == []
    engine.dispose()
