"""Reply-rate day cache: closed days' tallies per owner, dropped by triggers when their inquiries change;
an index of open inquiries (no response, in the inbox) for the dashboard's open and overdue
counts, in place of 0001's index of unanswered ones, which left Junk and Deleted to the table;
the buyer index covers is_junk, so the activity rollup's per-buyer inquiry counts are
index-only (2.4 s -> 0.1 s at 1M inquiries); `activity_rollup` keeps the day's per-buyer
activity signals so that a new process brings them up to date instead of rebuilding them.

The team dashboard's 30-day reply rate reads every inquiry of the window (250k rows at 1M
inquiries). A local day whose inquiries are all past their response limit has final tallies,
so `services.stats_cache` keeps them in `reply_day`; only the open days and the window's
partial first day are read again.

Correctness rests on the triggers: any insert or delete of an inquiry, and any change of a
column the rate reads (received_at, owner_id, buyer_id, channel, is_junk, first_response_at),
deletes the cached rows of the day(s) it falls in and bumps `reply_day_epoch`, which a cache
write compares with the value read with its data (a write that raced a change is dropped).
Bulk loads pause the per-row triggers with `inquiry_fts_pause` (migration 0002) and invalidate
the days they wrote in one statement (`store.bulk.write_threads`).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_UNANSWERED = sa.text("first_response_at IS NULL")
_OPEN = sa.text("first_response_at IS NULL AND folder = 'inbox'")
_READ_COLUMNS = ("received_at", "owner_id", "buyer_id", "channel", "is_junk", "first_response_at")
_LIVE = "NOT EXISTS (SELECT 1 FROM inquiry_fts_pause)"


def _drop_day(row: str) -> str:
    return f"DELETE FROM reply_day WHERE day_start <= {row}.received_at AND day_end > {row}.received_at;"


_BUMP = "UPDATE reply_day_epoch SET n = n + 1;"
_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _READ_COLUMNS)

TRIGGERS = (
    f"CREATE TRIGGER reply_day_ai AFTER INSERT ON inquiry WHEN {_LIVE} BEGIN {_drop_day('new')} {_BUMP} END",
    f"CREATE TRIGGER reply_day_ad AFTER DELETE ON inquiry BEGIN {_drop_day('old')} {_BUMP} END",
    f"CREATE TRIGGER reply_day_au AFTER UPDATE OF {', '.join(_READ_COLUMNS)} ON inquiry WHEN {_CHANGED} "
    f"BEGIN {_drop_day('old')} {_drop_day('new')} {_BUMP} END",
)


def upgrade() -> None:
    op.create_table(
        "reply_day",
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("owner_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day_start", sa.DateTime(), nullable=False),
        sa.Column("day_end", sa.DateTime(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("delays", sa.LargeBinary(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("timezone", "day", "owner_id"),
    )
    op.create_table(
        "reply_day_epoch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO reply_day_epoch (id, n) VALUES (1, 0)")
    op.create_table(
        "activity_rollup",
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("window_days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("buyer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("intent_hits", sa.Integer(), nullable=False),
        sa.Column("top_term", sa.String(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "window_days", "buyer_id"),
    )
    op.create_table(
        "activity_rollup_state",
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("window_days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("marks", sa.String(), nullable=False),
        sa.Column("catalogue", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("day", "window_days"),
    )
    # Plain index operations (no batch: SQLite does these in place, the table is never copied).
    op.drop_index("ix_inquiry_owner_due", table_name="inquiry", sqlite_where=_UNANSWERED)
    op.create_index("ix_inquiry_open", "inquiry", ["owner_id", "due_at"], unique=False, sqlite_where=_OPEN)
    op.drop_index("ix_inquiry_buyer_recv", table_name="inquiry")
    op.create_index("ix_inquiry_buyer_recv", "inquiry", ["buyer_id", "received_at", "is_junk"], unique=False)
    if op.get_bind().dialect.name != "sqlite":
        return  # the cache is read by the SQLite pass only; other backends never fill it
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("reply_day_ai", "reply_day_ad", "reply_day_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_inquiry_buyer_recv", table_name="inquiry")
    op.create_index("ix_inquiry_buyer_recv", "inquiry", ["buyer_id", "received_at"], unique=False)
    op.drop_index("ix_inquiry_open", table_name="inquiry", sqlite_where=_OPEN)
    op.create_index("ix_inquiry_owner_due", "inquiry", ["owner_id", "due_at"], unique=False, sqlite_where=_UNANSWERED)
    op.drop_table("activity_rollup_state")
    op.drop_table("activity_rollup")
    op.drop_table("reply_day_epoch")
    op.drop_table("reply_day")
