"""Deals: contract templates, letters of intent and their versions, orders and their status history, trade per buyer.

- `contract_template`: named deal documents with placeholders, shared by the team.
- `loi` and `loi_version`: a letter of intent and every saved state of it.
- `deal_order` and `order_event`: orders (from a confirmed LOI or the marketplace) and each
  dated status change.
- `buyer_trade`: a buyer's order counts and customer stage.
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
    op.create_index("ix_order_status_placed", "deal_order", ["status", "placed_at", "id"])
    op.create_index("ix_order_owner_status_placed", "deal_order", ["owner_id", "status", "placed_at", "id"])
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
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(_SQLITE_TRIGGER)
    elif dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS buyer_owner_deals")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS buyer_owner_deals ON buyer")
        op.execute("DROP FUNCTION IF EXISTS buyer_owner_deals()")
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
