"""Routing and supervision, second round: away return dates, capacity, escalation, asked questions, admin notes.

- `account.away_until` (the first day back), `account.away_since`, `account.capacity` (open inquiries at most).
- `inquiry.escalated_at` (escalation moves an inquiry once) and `inquiry.asked` (what smart reception's
  questions asked, so that answers can be read), with the partial index the escalation sweep walks.
- `admin_note`: notes the main account leaves on an inquiry or a customer for its owner.

Plain ADD COLUMNs (nullable or with a default): SQLite does them in place, no copy of a
million-row table.

Revision ID: 0010_routing
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_routing"
down_revision = "0009_mail"
branch_labels = None
depends_on = None

_ESCALATION = sa.text("first_response_at IS NULL AND folder = 'inbox' AND escalated_at IS NULL")


def upgrade() -> None:
    op.add_column("account", sa.Column("away_until", sa.Date(), nullable=True))
    op.add_column("account", sa.Column("away_since", sa.DateTime(), nullable=True))
    op.add_column("account", sa.Column("capacity", sa.Integer(), nullable=True))
    op.add_column("inquiry", sa.Column("asked", sa.String(), nullable=False, server_default=""))
    op.add_column("inquiry", sa.Column("escalated_at", sa.DateTime(), nullable=True))
    op.create_index(
        "ix_inquiry_escalation", "inquiry", ["received_at"], sqlite_where=_ESCALATION, postgresql_where=_ESCALATION
    )
    op.create_table(
        "admin_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=True),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("to_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiry.id"]),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyer.id"]),
        sa.ForeignKeyConstraint(["author_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["to_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_admin_note_inquiry", "admin_note", ["inquiry_id", "created_at"])
    op.create_index("ix_admin_note_buyer", "admin_note", ["buyer_id", "created_at"])
    op.create_index("ix_admin_note_to", "admin_note", ["to_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_admin_note_to", table_name="admin_note")
    op.drop_index("ix_admin_note_buyer", table_name="admin_note")
    op.drop_index("ix_admin_note_inquiry", table_name="admin_note")
    op.drop_table("admin_note")
    op.drop_index("ix_inquiry_escalation", table_name="inquiry")
    with op.batch_alter_table("inquiry") as batch:
        batch.drop_column("escalated_at")
        batch.drop_column("asked")
    with op.batch_alter_table("account") as batch:
        batch.drop_column("capacity")
        batch.drop_column("away_since")
        batch.drop_column("away_until")
