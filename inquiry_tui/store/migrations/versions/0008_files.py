"""Message management: who attached a file and when, the cloud disk, and the chat manager's indexes.

- `attachment.added_at`, `attachment.added_by`: the uploader and the time (NULL for attachments
  that came with an imported message before this revision).
- `disk_folder` and `disk_file`: the company's file library, in the shared space (`owner_id`
  NULL) or in an account's private folder; `deleted_at` puts an entry in the trash. A disk
  file names a `stored_file` by its sha256, like an attachment, so the bytes are kept once.
- Partial indexes over chat (`tm`) threads: conversations newest first, for everyone or one
  owner, and a buyer's latest chat.

Revision ID: 0008_files
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_files"
down_revision = "0007_rfq"
branch_labels = None
depends_on = None

_CHATS = sa.text("channel = 'tm'")


def upgrade() -> None:
    # Plain ADD COLUMNs: SQLite does them in place, no copy of the table.
    op.add_column("attachment", sa.Column("added_at", sa.DateTime(), nullable=True))
    op.add_column("attachment", sa.Column("added_by", sa.String(), nullable=True))
    op.create_table(
        "disk_folder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["disk_folder.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_disk_folder_place", "disk_folder", ["owner_id", "parent_id", "name"])
    op.create_table(
        "disk_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("folder_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["folder_id"], ["disk_folder.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["sha256"], ["stored_file.sha256"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_disk_file_place", "disk_file", ["owner_id", "folder_id", "name", "id"])
    op.create_index("ix_disk_file_sha256", "disk_file", ["sha256"])
    op.create_index(
        "ix_inquiry_tm_last", "inquiry", ["last_message_at", "id"], sqlite_where=_CHATS, postgresql_where=_CHATS
    )
    op.create_index(
        "ix_inquiry_tm_owner_last",
        "inquiry",
        ["owner_id", "last_message_at", "id"],
        sqlite_where=_CHATS,
        postgresql_where=_CHATS,
    )
    op.create_index(
        "ix_inquiry_tm_buyer",
        "inquiry",
        ["buyer_id", "last_message_at", "id"],
        sqlite_where=_CHATS,
        postgresql_where=_CHATS,
    )


def downgrade() -> None:
    op.drop_index("ix_inquiry_tm_buyer", table_name="inquiry")
    op.drop_index("ix_inquiry_tm_owner_last", table_name="inquiry")
    op.drop_index("ix_inquiry_tm_last", table_name="inquiry")
    op.drop_index("ix_disk_file_sha256", table_name="disk_file")
    op.drop_index("ix_disk_file_place", table_name="disk_file")
    op.drop_table("disk_file")
    op.drop_index("ix_disk_folder_place", table_name="disk_folder")
    op.drop_table("disk_folder")
    with op.batch_alter_table("attachment") as batch:
        batch.drop_column("added_by")
        batch.drop_column("added_at")
