"""Deals: contract templates, letters of intent and their versions, orders and their status history, trade per buyer.

- `contract_template`: named deal documents with placeholders, shared by the team.
- `loi` and `loi_version`: a letter of intent and every saved state of it.
- `deal_order` and `order_event`: orders (from a confirmed LOI or the marketplace) and each
  dated status change.
- `buyer_trade`: a buyer's order counts and customer stage.
- `order_sum`: orders counted and summed per owner, status and currency, kept by triggers on
  `deal_order` (SQLite triggers; a PL/pgSQL trigger function on PostgreSQL), so the orders
  list's totals need not read every order.
- Triggers copy a buyer's new owner onto their LOIs and orders (`owner_id`), so a salesperson's
  deals follow the customer on a transfer or to a successor: SQLite triggers, and a PL/pgSQL
  trigger function on PostgreSQL.

Revision ID: 0006_deals
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_deals"
down_revision = "0005_identity"
branch_labels = None
depends_on = None

_SQLITE_TRIGGER = (
    "CREATE TRIGGER buyer_owner_deals AFTER UPDATE OF owner_id ON buyer "
    "WHEN old.owner_id IS NOT new.owner_id BEGIN "
    "UPDATE loi SET owner_id = new.owner_id WHERE buyer_id = new.id; "
    "UPDATE deal_order SET owner_id = new.owner_id WHERE buyer_id = new.id; END"
)
_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION buyer_owner_deals() RETURNS trigger AS $$ BEGIN "
    "UPDATE loi SET owner_id = NEW.owner_id WHERE buyer_id = NEW.id; "
    "UPDATE deal_order SET owner_id = NEW.owner_id WHERE buyer_id = NEW.id; "
    "RETURN NEW; END $$ LANGUAGE plpgsql"
)
# order_sum: take the old row out, put the new row in (an UPDATE does both). owner_key 0: nobody's.
_SUM_OUT = (
    "UPDATE order_sum SET orders = orders - 1, total_minor = total_minor - old.total_minor "
    "WHERE owner_key = coalesce(old.owner_id, 0) AND status = old.status AND currency = old.currency; "
)
_SUM_IN = (
    "INSERT OR IGNORE INTO order_sum (owner_key, status, currency, orders, total_minor) "
    "VALUES (coalesce(new.owner_id, 0), new.status, new.currency, 0, 0); "
    "UPDATE order_sum SET orders = orders + 1, total_minor = total_minor + new.total_minor "
    "WHERE owner_key = coalesce(new.owner_id, 0) AND status = new.status AND currency = new.currency; "
)
_SQLITE_SUM_TRIGGERS = (
    f"CREATE TRIGGER deal_order_sum_insert AFTER INSERT ON deal_order BEGIN {_SUM_IN}END",
    f"CREATE TRIGGER deal_order_sum_delete AFTER DELETE ON deal_order BEGIN {_SUM_OUT}END",
    "CREATE TRIGGER deal_order_sum_update AFTER UPDATE OF owner_id, status, currency, total_minor ON deal_order "
    f"BEGIN {_SUM_OUT}{_SUM_IN}END",
)
_PG_SUM_FUNCTION = (
    "CREATE OR REPLACE FUNCTION deal_order_sum() RETURNS trigger AS $$ BEGIN "
    "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
    "UPDATE order_sum SET orders = orders - 1, total_minor = total_minor - OLD.total_minor "
    "WHERE owner_key = coalesce(OLD.owner_id, 0) AND status = OLD.status AND currency = OLD.currency; "
    "END IF; "
    "IF TG_OP IN ('INSERT', 'UPDATE') THEN "
    "INSERT INTO order_sum (owner_key, status, currency, orders, total_minor) "
    "VALUES (coalesce(NEW.owner_id, 0), NEW.status, NEW.currency, 1, NEW.total_minor) "
    "ON CONFLICT (owner_key, status, currency) DO UPDATE SET orders = order_sum.orders + 1, "
    "total_minor = order_sum.total_minor + EXCLUDED.total_minor; "
    "END IF; "
    "RETURN NULL; END $$ LANGUAGE plpgsql"
)
_PG_SUM_TRIGGER = (
    "CREATE TRIGGER deal_order_sum AFTER INSERT OR DELETE OR UPDATE OF owner_id, status, currency, total_minor "
    "ON deal_order FOR EACH ROW EXECUTE FUNCTION deal_order_sum()"
)
_PG_TRIGGER = (
    "CREATE TRIGGER buyer_owner_deals AFTER UPDATE OF owner_id ON buyer FOR EACH ROW "
    "WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id) EXECUTE FUNCTION buyer_owner_deals()"
)


def upgrade() -> None:
    op.create_table(
        "contract_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("doc", sa.String(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "loi",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("inquiry_id", sa.Integer(), nullable=True),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("doc", sa.String(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyer.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiry.id"]),
        sa.ForeignKeyConstraint(["template_id"], ["contract_template.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["account.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_loi_buyer_id", "loi", ["buyer_id"])
    op.create_index("ix_loi_owner_id", "loi", ["owner_id", "id"])
    op.create_index("ix_loi_status_id", "loi", ["status", "id"])
    op.create_table(
        "loi_version",
        sa.Column("loi_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("change", sa.String(), nullable=False),
        sa.Column("doc", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["loi_id"], ["loi.id"]),
        sa.PrimaryKeyConstraint("loi_id", "version"),
    )
    op.create_table(
        "deal_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("loi_id", sa.Integer(), nullable=True),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("doc", sa.String(), nullable=False),
        sa.Column("placed_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(["loi_id"], ["loi.id"]),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyer.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("loi_id"),
    )
    op.create_index("ix_order_placed", "deal_order", ["placed_at", "id", "status", "currency", "total_minor"])
    op.create_index(
        "ix_order_owner_placed", "deal_order", ["owner_id", "placed_at", "id", "status", "currency", "total_minor"]
    )
    op.create_index("ix_order_status_placed", "deal_order", ["status", "placed_at", "id", "currency", "total_minor"])
    op.create_index(
        "ix_order_owner_status_placed",
        "deal_order",
        ["owner_id", "status", "placed_at", "id", "currency", "total_minor"],
    )
    op.create_index("ix_order_buyer_placed", "deal_order", ["buyer_id", "placed_at", "id"])
    op.create_table(
        "order_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("from_status", sa.String(), nullable=True),
        sa.Column("to_status", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["deal_order.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_order_event_order", "order_event", ["order_id", "id"])
    op.create_table(
        "buyer_trade",
        sa.Column("buyer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("sample_orders", sa.Integer(), nullable=False),
        sa.Column("first_order_at", sa.DateTime(), nullable=True),
        sa.Column("last_order_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyer.id"]),
        sa.PrimaryKeyConstraint("buyer_id"),
    )
    op.create_index("ix_buyer_trade_stage", "buyer_trade", ["stage", "buyer_id"])
    op.create_table(
        "order_sum",
        sa.Column("owner_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("owner_key", "status", "currency"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(_SQLITE_TRIGGER)
        for trigger in _SQLITE_SUM_TRIGGERS:
            op.execute(trigger)
    elif dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
        op.execute(_PG_SUM_FUNCTION)
        op.execute(_PG_SUM_TRIGGER)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS buyer_owner_deals")
        for name in ("deal_order_sum_insert", "deal_order_sum_delete", "deal_order_sum_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS buyer_owner_deals ON buyer")
        op.execute("DROP FUNCTION IF EXISTS buyer_owner_deals()")
        op.execute("DROP TRIGGER IF EXISTS deal_order_sum ON deal_order")
        op.execute("DROP FUNCTION IF EXISTS deal_order_sum()")
    op.drop_table("order_sum")
    op.drop_index("ix_buyer_trade_stage", table_name="buyer_trade")
    op.drop_table("buyer_trade")
    op.drop_index("ix_order_event_order", table_name="order_event")
    op.drop_table("order_event")
    for name in (
        "ix_order_buyer_placed",
        "ix_order_owner_status_placed",
        "ix_order_status_placed",
        "ix_order_owner_placed",
        "ix_order_placed",
    ):
        op.drop_index(name, table_name="deal_order")
    op.drop_table("deal_order")
    op.drop_table("loi_version")
    for name in ("ix_loi_status_id", "ix_loi_owner_id", "ix_loi_buyer_id"):
        op.drop_index(name, table_name="loi")
    op.drop_table("loi")
    op.drop_table("contract_template")
