"""A buyer's threads by day, read from the index alone: `ix_inquiry_buyer_recv` also holds replied and product_id.

The buyer profile (services/customers/profile.py, on every cursor move of the inbox whose buyer's profile
is not remembered) counts the buyer's threads in its window per day, junk or not, replied or not, and per
product. The index (buyer_id, received_at, is_junk) found the rows, then each row of `inquiry` was read
for replied and product_id: for the busiest buyers (hundreds to thousands of threads in 90 days) 10-22 ms
at 1M inquiries, the slowest profile reads of the inbox. With the two columns in the index the count reads
no inquiry row (docs/performance.md, "A busy buyer's profile without its rows, session 16").
Rebuilt in one pass over the table (about 3 s at 1M on SQLite).

Revision ID: 0018_buyer_threads_covered
Revises: 0017_search_deleted
"""

from __future__ import annotations

from alembic import op

revision = "0018_buyer_threads_covered"
down_revision = "0017_search_deleted"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_inquiry_buyer_recv", table_name="inquiry")
    op.create_index(
        "ix_inquiry_buyer_recv",
        "inquiry",
        ["buyer_id", "received_at", "is_junk", "replied", "product_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_inquiry_buyer_recv", table_name="inquiry")
    op.create_index("ix_inquiry_buyer_recv", "inquiry", ["buyer_id", "received_at", "is_junk"], unique=False)
