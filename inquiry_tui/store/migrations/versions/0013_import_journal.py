"""Import journal: a big import publishes in short transactions and notes here what each one wrote.

- `import_run`: one row per import being published (who, from where, the process), deleted when it
  completes or is undone; a row left behind is an import that died (docs/store.md, Imports).
- `import_chunk`: per published transaction, the ids it wrote (JSON: table -> [[lo, hi], ...]).

Revision ID: 0013_import_journal
Revises: 0010_routing
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_import_journal"
down_revision = "0012_rfq_standing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("os_user", sa.String(), nullable=False, server_default=""),
        sa.Column("host", sa.String(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "import_chunk",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("ids", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["import_run.id"]),
        sa.PrimaryKeyConstraint("run_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("import_chunk")
    op.drop_table("import_run")
