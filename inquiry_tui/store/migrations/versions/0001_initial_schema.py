"""Initial schema: every table of the domain, the inbox indexes, and the append-only audit log.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 09:02:37.128866
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# PostgreSQL: the same refusal as a trigger function; TRUNCATE is refused too (SQLite has none).
POSTGRES_AUDIT = (
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit rows are append-only'; END $$",
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("away", sa.Boolean(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["successor_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("login"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("before", sa.String(), nullable=False),
        sa.Column("after", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "block_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "value"),
    )
    op.create_table(
        "rotation_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_login", sa.String(), nullable=True),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "buyer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("company", sa.String(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("website", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("business_type", sa.String(), nullable=False),
        sa.Column("employees", sa.String(), nullable=False),
        sa.Column("year_established", sa.Integer(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("tier", sa.String(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("is_customer", sa.Boolean(), nullable=False),
        sa.Column("customer_since", sa.DateTime(), nullable=True),
        sa.Column("group_name", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_contact_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    with op.batch_alter_table("buyer", schema=None) as batch_op:
        batch_op.create_index("ix_buyer_company", ["company"], unique=False)
        batch_op.create_index(batch_op.f("ix_buyer_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_buyer_member_id"), ["member_id"], unique=False)
        batch_op.create_index("ix_buyer_name", ["name"], unique=False)
        batch_op.create_index("ix_buyer_owner_customer", ["owner_id", "is_customer"], unique=False)
        batch_op.create_index(batch_op.f("ix_buyer_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "country_owner",
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("country"),
    )
    with op.batch_alter_table("country_owner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_country_owner_account_id"), ["account_id"], unique=False)

    op.create_table(
        "product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("keywords", sa.String(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sku"),
    )
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_product_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "reply_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "activity_daily",
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyer.id"],
        ),
        sa.PrimaryKeyConstraint("buyer_id", "day", "kind"),
    )
    op.create_table(
        "activity_detail",
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyer.id"],
        ),
        sa.PrimaryKeyConstraint("buyer_id", "kind", "detail"),
    )
    op.create_table(
        "activity_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("activity_event", schema=None) as batch_op:
        batch_op.create_index("ix_activity_buyer_at", ["buyer_id", "at"], unique=False)

    op.create_table(
        "buyer_tag",
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyer.id"],
        ),
        sa.PrimaryKeyConstraint("buyer_id", "tag"),
    )
    with op.batch_alter_table("buyer_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_buyer_tag_tag"), ["tag"], unique=False)

    op.create_table(
        "inquiry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=True),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("folder", sa.String(), nullable=False),
        sa.Column("is_junk", sa.Boolean(), nullable=False),
        sa.Column("junk_score", sa.Integer(), nullable=False),
        sa.Column("junk_reasons", sa.String(), nullable=False),
        sa.Column("unread", sa.Boolean(), nullable=False),
        sa.Column("tagged", sa.Boolean(), nullable=False),
        sa.Column("replied", sa.Boolean(), nullable=False),
        sa.Column("first_response_at", sa.DateTime(), nullable=True),
        sa.Column("last_message_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("auto_replies", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("external_id"),
    )
    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.create_index("ix_inquiry_buyer_recv", ["buyer_id", "received_at"], unique=False)
        batch_op.create_index("ix_inquiry_folder_recv", ["folder", "received_at", "id"], unique=False)
        batch_op.create_index(
            "ix_inquiry_owner_due",
            ["owner_id", "due_at"],
            unique=False,
            sqlite_where=sa.text("first_response_at IS NULL"),
            postgresql_where=sa.text("first_response_at IS NULL"),
        )
        batch_op.create_index("ix_inquiry_owner_folder_recv", ["owner_id", "folder", "received_at", "id"], unique=False)
        batch_op.create_index(
            "ix_inquiry_owner_sent",
            ["owner_id", "received_at", "id"],
            unique=False,
            sqlite_where=sa.text("replied = 1 AND folder != 'deleted'"),
            postgresql_where=sa.text("replied = true AND folder != 'deleted'"),
        )
        batch_op.create_index(
            "ix_inquiry_owner_tagged",
            ["owner_id", "received_at", "id"],
            unique=False,
            sqlite_where=sa.text("tagged = 1 AND folder != 'deleted'"),
            postgresql_where=sa.text("tagged = true AND folder != 'deleted'"),
        )
        batch_op.create_index(
            "ix_inquiry_owner_unread",
            ["owner_id", "received_at", "id"],
            unique=False,
            sqlite_where=sa.text("unread = 1 AND folder = 'inbox'"),
            postgresql_where=sa.text("unread = true AND folder = 'inbox'"),
        )
        batch_op.create_index(batch_op.f("ix_inquiry_product_id"), ["product_id"], unique=False)
        batch_op.create_index("ix_inquiry_recv", ["received_at"], unique=False)
        batch_op.create_index(
            "ix_inquiry_sent",
            ["received_at", "id"],
            unique=False,
            sqlite_where=sa.text("replied = 1 AND folder != 'deleted'"),
            postgresql_where=sa.text("replied = true AND folder != 'deleted'"),
        )
        batch_op.create_index(
            "ix_inquiry_tagged",
            ["received_at", "id"],
            unique=False,
            sqlite_where=sa.text("tagged = 1 AND folder != 'deleted'"),
            postgresql_where=sa.text("tagged = true AND folder != 'deleted'"),
        )
        batch_op.create_index(
            "ix_inquiry_unread",
            ["received_at", "id"],
            unique=False,
            sqlite_where=sa.text("unread = 1 AND folder = 'inbox'"),
            postgresql_where=sa.text("unread = true AND folder = 'inbox'"),
        )

    op.create_table(
        "visitor_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("page_views", sa.Integer(), nullable=False),
        sa.Column("store_pages", sa.Integer(), nullable=False),
        sa.Column("site_products", sa.Integer(), nullable=False),
        sa.Column("site_sellers", sa.Integer(), nullable=False),
        sa.Column("search_terms", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visitor_session", schema=None) as batch_op:
        batch_op.create_index("ix_visitor_buyer_at", ["buyer_id", "at"], unique=False)

    op.create_table(
        "allocation_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=True),
        sa.Column("to_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiry.id"],
        ),
        sa.ForeignKeyConstraint(
            ["to_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("allocation_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocation_record_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_allocation_record_inquiry_id"), ["inquiry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_allocation_record_to_id"), ["to_id"], unique=False)

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiry.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index("ix_message_inquiry_sent", ["inquiry_id", "sent_at"], unique=False)

    # The audit log is append-only: refuse UPDATE and DELETE at the database itself, so that
    # no code path (nor a stray sqlite3 shell) can rewrite history.
    if op.get_bind().dialect.name != "sqlite":
        for statement in POSTGRES_AUDIT:
            op.execute(statement)
        return
    op.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_inquiry_sent")

    op.drop_table("message")
    with op.batch_alter_table("allocation_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_record_to_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_record_inquiry_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_record_at"))

    op.drop_table("allocation_record")
    with op.batch_alter_table("visitor_session", schema=None) as batch_op:
        batch_op.drop_index("ix_visitor_buyer_at")

    op.drop_table("visitor_session")
    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.drop_index("ix_inquiry_unread", sqlite_where=sa.text("unread = 1 AND folder = 'inbox'"))
        batch_op.drop_index("ix_inquiry_tagged", sqlite_where=sa.text("tagged = 1 AND folder != 'deleted'"))
        batch_op.drop_index("ix_inquiry_sent", sqlite_where=sa.text("replied = 1 AND folder != 'deleted'"))
        batch_op.drop_index("ix_inquiry_recv")
        batch_op.drop_index(batch_op.f("ix_inquiry_product_id"))
        batch_op.drop_index("ix_inquiry_owner_unread", sqlite_where=sa.text("unread = 1 AND folder = 'inbox'"))
        batch_op.drop_index("ix_inquiry_owner_tagged", sqlite_where=sa.text("tagged = 1 AND folder != 'deleted'"))
        batch_op.drop_index("ix_inquiry_owner_sent", sqlite_where=sa.text("replied = 1 AND folder != 'deleted'"))
        batch_op.drop_index("ix_inquiry_owner_folder_recv")
        batch_op.drop_index("ix_inquiry_owner_due", sqlite_where=sa.text("first_response_at IS NULL"))
        batch_op.drop_index("ix_inquiry_folder_recv")
        batch_op.drop_index("ix_inquiry_buyer_recv")

    op.drop_table("inquiry")
    with op.batch_alter_table("buyer_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buyer_tag_tag"))

    op.drop_table("buyer_tag")
    with op.batch_alter_table("activity_event", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_buyer_at")

    op.drop_table("activity_event")
    op.drop_table("activity_detail")
    op.drop_table("activity_daily")
    op.drop_table("reply_template")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_owner_id"))

    op.drop_table("product")
    with op.batch_alter_table("country_owner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_country_owner_account_id"))

    op.drop_table("country_owner")
    with op.batch_alter_table("buyer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buyer_owner_id"))
        batch_op.drop_index("ix_buyer_owner_customer")
        batch_op.drop_index("ix_buyer_name")
        batch_op.drop_index(batch_op.f("ix_buyer_member_id"))
        batch_op.drop_index(batch_op.f("ix_buyer_country"))
        batch_op.drop_index("ix_buyer_company")

    op.drop_table("buyer")
    op.drop_table("setting")
    op.drop_table("rotation_state")
    op.drop_table("block_entry")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    op.drop_table("account")
