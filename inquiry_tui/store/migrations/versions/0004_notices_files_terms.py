"""Notices, the file store's rows and attachments, and an inquiry's structured terms.

- `notice`: each account's feed ("push information"): assignments, overdue warnings, RFQ
  matches, appointment requests, admin notes, platform notices; unread until `read_at`.
- `stored_file` (one row per content, keyed by sha256; the bytes live in the file store beside
  the store) and `attachment` (a file on a message, under its cleaned name).
- `inquiry.terms`: JSON of what the buyer stated (quantity, destination, target price, ...).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_UNREAD = sa.text("read_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("ref_kind", sa.String(), nullable=False),
        sa.Column("ref_id", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("dedupe", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notice_account_created", "notice", ["account_id", "created_at", "id"])
    op.create_index("ix_notice_unread", "notice", ["account_id"], sqlite_where=_UNREAD, postgresql_where=_UNREAD)
    op.create_index("ux_notice_dedupe", "notice", ["account_id", "dedupe"], unique=True)
    op.create_table(
        "stored_file",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.ForeignKeyConstraint(["sha256"], ["stored_file.sha256"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attachment_message_id", "attachment", ["message_id"])
    op.create_index("ix_attachment_sha256", "attachment", ["sha256"])
    # A plain ADD COLUMN (no batch copy of a million-row table): SQLite does it in place.
    op.add_column("inquiry", sa.Column("terms", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("inquiry") as batch:
        batch.drop_column("terms")
    op.drop_index("ix_attachment_sha256", table_name="attachment")
    op.drop_index("ix_attachment_message_id", table_name="attachment")
    op.drop_table("attachment")
    op.drop_table("stored_file")
    op.drop_index("ux_notice_dedupe", table_name="notice")
    op.drop_index("ix_notice_unread", table_name="notice")
    op.drop_index("ix_notice_account_created", table_name="notice")
    op.drop_table("notice")
