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


def test_migration_0011_sums_the_orders_already_placed_per_day_and_month(empty_url: str) -> None:
    """0011 on both engines: orders placed before it are summed into order_day_sum / order_month_sum; its triggers
    follow a move in time, a new owner and a delete."""
    db_url = empty_url
    upgrade(db_url, revision="0010_routing")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO account (login, name, role, active, away, created_at) VALUES "
            "('boss', 'B', 'admin', true, false, '2026-01-01 00:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO buyer (email, name, company, phone, website, address, business_type, employees, verified, "
            "owner_id, is_customer, group_name, type, source, stars, notes, first_seen_at, version) VALUES "
            "('a@b.example', 'A', 'Lumen', '', '', '', '', '', false, 1, true, '', '', '', 0, '', '2026-01-01 00:00:00', 1)"
        )
        for n, (status, total, at) in enumerate(
            (
                ("paid", 100, "2026-01-31 23:59:59"),
                ("paid", 250, "2026-01-31 08:00:00"),
                ("cancelled", 40, "2026-02-01 00:00:00"),
            )
        ):
            conn.exec_driver_sql(
                "INSERT INTO deal_order (number, source, kind, buyer_id, owner_id, status, currency, total_minor, doc, "
                f"placed_at, updated_at, version) VALUES ('SO-{n}', 'loi', 'regular', 1, NULL, '{status}', 'EUR', {total}, "
                f"'{{}}', '{at}', '{at}', 1)"
            )
    engine.dispose()
    upgrade(db_url)
    engine = make_engine(db_url)
    days = (
        "SELECT day, owner_key, status, currency, orders, total_minor FROM order_day_sum WHERE orders > 0 ORDER BY 1, 3"
    )
    months = "SELECT month, status, orders, total_minor FROM order_month_sum WHERE orders > 0 ORDER BY 1, 2"
    with engine.begin() as conn:
        assert [tuple(map(str, r)) for r in conn.exec_driver_sql(days)] == [
            ("2026-01-31", "0", "paid", "EUR", "2", "350"),
            ("2026-02-01", "0", "cancelled", "EUR", "1", "40"),
        ]
        assert [tuple(map(str, r)) for r in conn.exec_driver_sql(months)] == [
            ("2026-01-01", "paid", "2", "350"),
            ("2026-02-01", "cancelled", "1", "40"),
        ]
        conn.exec_driver_sql(
            "UPDATE deal_order SET placed_at = '2026-03-05 10:00:00', owner_id = 1 WHERE number = 'SO-0'"
        )
        conn.exec_driver_sql("DELETE FROM deal_order WHERE number = 'SO-2'")
        assert [tuple(map(str, r)) for r in conn.exec_driver_sql(days)] == [
            ("2026-01-31", "0", "paid", "EUR", "1", "250"),
            ("2026-03-05", "1", "paid", "EUR", "1", "100"),
        ]
        assert [tuple(map(str, r)) for r in conn.exec_driver_sql(months)] == [
            ("2026-01-01", "paid", "1", "250"),
            ("2026-03-01", "paid", "1", "100"),
        ]
    engine.dispose()
