"""The deleted inquiries by id (`ix_inquiry_deleted`, partial: folder = 'deleted'), for the search's count.

A search counts its hits that are not deleted, up to 10,001 ("10,000+"). Telling a hit's folder
read the hit's row of `inquiry`, one row of a million-row table per hit: 20-55 ms for the count
of a common word or a prefix at 1M inquiries. A probe of this index (the deleted ones only, a
few percent of the rows) tells it at a fraction of that: 3-11 ms (docs/performance.md, session 9).
Built in one pass over the table (about 3 s at 1M on SQLite).

Revision ID: 0017_search_deleted
Revises: 0016_numbers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_search_deleted"
down_revision = "0016_numbers"
branch_labels = None
depends_on = None

_DELETED = sa.text("folder = 'deleted'")


def upgrade() -> None:
    op.create_index("ix_inquiry_deleted", "inquiry", ["id"], sqlite_where=_DELETED, postgresql_where=_DELETED)


def downgrade() -> None:
    op.drop_index("ix_inquiry_deleted", table_name="inquiry", sqlite_where=_DELETED, postgresql_where=_DELETED)
