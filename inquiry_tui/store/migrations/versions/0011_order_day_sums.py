"""Orders counted and summed per day and per month (per owner, status and currency), kept by triggers.

- `order_day_sum` (day, owner_key, status, currency) and `order_month_sum` (month, ...): the
  orders list's totals for a period read these rows (whole months, then the days at the edges)
  instead of summing every order placed in it. `owner_key` is 0 for orders of a buyer nobody owns,
  as in `order_sum`. Days and months are UTC, as the period filter is. Both are clustered on
  their key (SQLite WITHOUT ROWID) and carry an index led by the owner for a salesperson's list.
- Triggers on `deal_order` (SQLite triggers; a PL/pgSQL trigger function on PostgreSQL) take the
  old row out and put the new one in on every insert, delete and change of owner, status,
  currency, total or placing time. Rows that fall to zero orders stay (the readers skip them).
- `ix_order_buyer_placed` also carries status, currency and total, so a customer's totals read
  no table row.
- The rows of orders already placed are summed in once.

Revision ID: 0011_order_day_sums
Revises: 0010_routing
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_order_day_sums"
down_revision = "0010_routing"
branch_labels = None
depends_on = None

# (table, key column, the key as SQLite computes it from a placed_at text, and as PostgreSQL does)
_GRAINS = (
    ("order_day_sum", "day", "substr({row}.placed_at, 1, 10)", "({row}.placed_at)::date"),
    (
        "order_month_sum",
        "month",
        "substr({row}.placed_at, 1, 7) || '-01'",
        "date_trunc('month', {row}.placed_at)::date",
    ),
)
_COLUMNS = "owner_key, status, currency, orders, total_minor"


def _sqlite_out(table: str, key: str, expr: str) -> str:
    return (
        f"UPDATE {table} SET orders = orders - 1, total_minor = total_minor - old.total_minor "
        f"WHERE {key} = {expr.format(row='old')} AND owner_key = coalesce(old.owner_id, 0) "
        "AND status = old.status AND currency = old.currency; "
    )


def _sqlite_in(table: str, key: str, expr: str) -> str:
    return (
        f"INSERT INTO {table} ({key}, {_COLUMNS}) VALUES ({expr.format(row='new')}, coalesce(new.owner_id, 0), "
        f"new.status, new.currency, 1, new.total_minor) ON CONFLICT ({key}, owner_key, status, currency) "
        "DO UPDATE SET orders = orders + 1, total_minor = total_minor + excluded.total_minor; "
    )


def _sqlite_triggers() -> list[str]:
    out = "".join(_sqlite_out(t, k, e) for t, k, e, _ in _GRAINS)
    into = "".join(_sqlite_in(t, k, e) for t, k, e, _ in _GRAINS)
    return [
        f"CREATE TRIGGER deal_order_period_sum_insert AFTER INSERT ON deal_order BEGIN {into}END",
        f"CREATE TRIGGER deal_order_period_sum_delete AFTER DELETE ON deal_order BEGIN {out}END",
        "CREATE TRIGGER deal_order_period_sum_update AFTER UPDATE OF owner_id, status, currency, total_minor, "
        f"placed_at ON deal_order BEGIN {out}{into}END",
    ]


def _pg_function() -> str:
    out = "".join(
        f"UPDATE {t} SET orders = orders - 1, total_minor = total_minor - OLD.total_minor "
        f"WHERE {k} = {e.format(row='OLD')} AND owner_key = coalesce(OLD.owner_id, 0) "
        "AND status = OLD.status AND currency = OLD.currency; "
        for t, k, _, e in _GRAINS
    )
    into = "".join(
        f"INSERT INTO {t} ({k}, {_COLUMNS}) VALUES ({e.format(row='NEW')}, coalesce(NEW.owner_id, 0), "
        f"NEW.status, NEW.currency, 1, NEW.total_minor) ON CONFLICT ({k}, owner_key, status, currency) "
        f"DO UPDATE SET orders = {t}.orders + 1, total_minor = {t}.total_minor + EXCLUDED.total_minor; "
        for t, k, _, e in _GRAINS
    )
    return (
        "CREATE OR REPLACE FUNCTION deal_order_period_sum() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {out}END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {into}END IF; "
        "RETURN NULL; END $$ LANGUAGE plpgsql"
    )


_PG_TRIGGER = (
    "CREATE TRIGGER deal_order_period_sum AFTER INSERT OR DELETE OR UPDATE OF owner_id, status, currency, "
    "total_minor, placed_at ON deal_order FOR EACH ROW EXECUTE FUNCTION deal_order_period_sum()"
)
_SQLITE_TRIGGER_NAMES = ("deal_order_period_sum_insert", "deal_order_period_sum_delete", "deal_order_period_sum_update")


def upgrade() -> None:
    for table, key, _, _ in _GRAINS:
        op.create_table(
            table,
            sa.Column(key, sa.Date(), nullable=False),
            sa.Column("owner_key", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("status", sa.String(), nullable=False),
            sa.Column("currency", sa.String(), nullable=False),
            sa.Column("orders", sa.Integer(), nullable=False),
            sa.Column("total_minor", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint(key, "owner_key", "status", "currency"),
            sqlite_with_rowid=False,
        )
        op.create_index(f"ix_{table}_owner", table, ["owner_key", key, "status", "currency", "orders", "total_minor"])
    op.drop_index("ix_order_buyer_placed", table_name="deal_order")
    op.create_index(
        "ix_order_buyer_placed", "deal_order", ["buyer_id", "placed_at", "id", "status", "currency", "total_minor"]
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, key, lite, pg in _GRAINS:
        expr = (lite if sqlite else pg).format(row="deal_order")
        op.execute(
            f"INSERT INTO {table} ({key}, {_COLUMNS}) SELECT {expr}, coalesce(owner_id, 0), status, currency, "
            f"count(*), sum(total_minor) FROM deal_order GROUP BY 1, 2, 3, 4"
        )
    if sqlite:
        for trigger in _sqlite_triggers():
            op.execute(trigger)
    else:
        op.execute(_pg_function())
        op.execute(_PG_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS deal_order_period_sum ON deal_order")
        op.execute("DROP FUNCTION IF EXISTS deal_order_period_sum()")
    op.drop_index("ix_order_buyer_placed", table_name="deal_order")
    op.create_index("ix_order_buyer_placed", "deal_order", ["buyer_id", "placed_at", "id"])
    for table, _, _, _ in _GRAINS:
        op.drop_index(f"ix_{table}_owner", table_name=table)
        op.drop_table(table)
