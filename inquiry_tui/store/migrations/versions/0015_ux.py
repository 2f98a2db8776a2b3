"""A salesperson's own time zone: `account.timezone` (an IANA name; NULL: the company's, reception.timezone).

The TUI shows every time in the acting account's zone and names it in the header; the CLI
keeps UTC (docs/keys.md, Times). Nothing else reads it: reception hours, routing and reports
keep the company's zone.

Revision ID: 0015_ux
Revises: 0014_arrive
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_ux"
down_revision = "0014_arrive"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("account", sa.Column("timezone", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.drop_column("timezone")
