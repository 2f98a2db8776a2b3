"""Channels: e-mail threading and the outbox, the Maildir import's memory, the call log; the E-mail view's indexes.

- `mail_link`: every Message-ID the store knows (imported or sent) and its thread, so a
  buyer's answer joins its thread by In-Reply-To / References.
- `maildir_seen`: the Maildir messages already read, by folder and key, so a run from cron
  reads only what is new.
- `outbox`: e-mail waiting to be sent (saved with the reply, sent after the commit).
- `call_log`: calls and appointment requests (`import calls`).
- `ix_inquiry_email`, `ix_inquiry_owner_email`: partial indexes with the inbox E-mail view's
  predicate (store/queries/folders.py), for the admin's and a salesperson's list.

Revision ID: 0009_mail
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_mail"
down_revision = "0008_files"
branch_labels = None
depends_on = None

# store/queries/folders.py, View.EMAIL (written out: a migration keeps the predicate of its day)
_EMAIL = sa.text("channel = 'email' AND folder = 'inbox'")
_PENDING = sa.text("outcome = 'pending'")


def upgrade() -> None:
    op.create_table(
        "mail_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rfc_id", sa.String(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("reply_to", sa.String(), nullable=False),
        sa.Column("refs", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiry.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rfc_id"),
    )
    op.create_index("ix_mail_link_inquiry_at", "mail_link", ["inquiry_id", "at"])
    op.create_table(
        "maildir_seen",
        sa.Column("folder", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("folder", "key"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("rfc_id", sa.String(), nullable=False),
        sa.Column("to_address", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("in_reply_to", sa.String(), nullable=False),
        sa.Column("refs", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("claim", sa.String(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiry.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rfc_id"),
    )
    op.create_index("ix_outbox_inquiry_id", "outbox", ["inquiry_id"])
    op.create_index("ix_outbox_message_id", "outbox", ["message_id"])
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "call_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("scenario", sa.String(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("appointment_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("outside_window", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyer.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("external_id"),
    )
    op.create_index("ix_call_log_buyer_id", "call_log", ["buyer_id"])
    op.create_index("ix_call_log_owner_requested", "call_log", ["owner_id", "requested_at", "id"])
    op.create_index("ix_call_log_requested", "call_log", ["requested_at", "id"])
    op.create_index(
        "ix_call_log_pending",
        "call_log",
        ["owner_id", "requested_at"],
        sqlite_where=_PENDING,
        postgresql_where=_PENDING,
    )
    op.create_index("ix_inquiry_email", "inquiry", ["received_at", "id"], sqlite_where=_EMAIL, postgresql_where=_EMAIL)
    op.create_index(
        "ix_inquiry_owner_email",
        "inquiry",
        ["owner_id", "received_at", "id"],
        sqlite_where=_EMAIL,
        postgresql_where=_EMAIL,
    )


def downgrade() -> None:
    op.drop_index("ix_inquiry_owner_email", table_name="inquiry")
    op.drop_index("ix_inquiry_email", table_name="inquiry")
    op.drop_index("ix_call_log_pending", table_name="call_log")
    op.drop_index("ix_call_log_requested", table_name="call_log")
    op.drop_index("ix_call_log_owner_requested", table_name="call_log")
    op.drop_index("ix_call_log_buyer_id", table_name="call_log")
    op.drop_table("call_log")
    op.drop_index("ix_outbox_status_next", table_name="outbox")
    op.drop_index("ix_outbox_message_id", table_name="outbox")
    op.drop_index("ix_outbox_inquiry_id", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("maildir_seen")
    op.drop_index("ix_mail_link_inquiry_at", table_name="mail_link")
    op.drop_table("mail_link")
