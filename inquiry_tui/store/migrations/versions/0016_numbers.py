"""Numbers that agree: when an inquiry became its owner's (`inquiry.owned_at`), and `buyer.last_contact_at`
as the latest message either way (docs/domain.md, Reply rate and Buyers).

- `inquiry.owned_at` (NULL: it never moved) is when the current owner got it, the last move to
  them; an account's reply-rate clock starts there. Backfilled from the allocation record: the
  latest move (a row with a `from_id`) to the inquiry's current owner, never before its arrival.
  A partial index over the moved rows, covering what the reply rate's pass reads of them, serves it.
- The reply-day cache's triggers (migration 0003) also drop the days of the old and new
  `owned_at`: a move takes the inquiry from the old owner's day and puts it in the new owner's.
  The cache is emptied once (its owner rows were counted from arrival, and the company rows now
  keep their own delays); the next dashboard fills it again.
- `buyer.last_contact_at` becomes at least the latest message of the buyer's threads by the
  buyer or a person (auto-replies are not contact), so stores whose replies, LOIs, quote edits
  and RFQ answers did not move it agree with the profile.

Both backfills are one set-based UPDATE ... FROM an aggregate (SQLite 3.33+, PostgreSQL), with
the per-row cache triggers dropped meanwhile, so 1M inquiries are one pass each.

Revision ID: 0016_numbers
Revises: 0015_ux
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_numbers"
down_revision = "0015_ux"
branch_labels = None
depends_on = None

_MOVED = sa.text("owned_at IS NOT NULL")

# The triggers of 0003, with owned_at beside received_at.
_OLD_COLUMNS = ("received_at", "owner_id", "buyer_id", "channel", "is_junk", "first_response_at")
_NEW_COLUMNS = ("received_at", "owner_id", "owned_at", "buyer_id", "channel", "is_junk", "first_response_at")
_LIVE = "NOT EXISTS (SELECT 1 FROM inquiry_fts_pause)"
_BUMP = "UPDATE reply_day_epoch SET n = n + 1;"


def _drop(row: str, column: str) -> str:
    # A NULL time (owned_at of an inquiry that never moved) matches no day.
    return f"DELETE FROM reply_day WHERE day_start <= {row}.{column} AND day_end > {row}.{column};"


def _sqlite_triggers(columns: tuple[str, ...]) -> tuple[str, ...]:
    times = [c for c in ("received_at", "owned_at") if c in columns]
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
    new = " ".join(_drop("new", t) for t in times)
    old = " ".join(_drop("old", t) for t in times)
    return (
        f"CREATE TRIGGER reply_day_ai AFTER INSERT ON inquiry WHEN {_LIVE} BEGIN {new} {_BUMP} END",
        f"CREATE TRIGGER reply_day_ad AFTER DELETE ON inquiry BEGIN {old} {_BUMP} END",
        f"CREATE TRIGGER reply_day_au AFTER UPDATE OF {', '.join(columns)} ON inquiry WHEN {changed} "
        f"BEGIN {old} {new} {_BUMP} END",
    )


_PG_BUMP = "UPDATE reply_day_epoch SET n = n + 1 WHERE id = 1;"
_PG_DROP = "DELETE FROM reply_day WHERE day_start <= {t} AND day_end > {t};"
_DEFERRED = "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"


def _pg_function(columns: tuple[str, ...]) -> str:
    times = [c for c in ("received_at", "owned_at") if c in columns]
    old = " ".join(_PG_DROP.format(t=f"OLD.{t}") for t in times)
    new = " ".join(_PG_DROP.format(t=f"NEW.{t}") for t in times)
    return (
        "CREATE OR REPLACE FUNCTION reply_day_drop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{_PG_BUMP} IF TG_OP != 'INSERT' THEN {old} END IF; IF TG_OP != 'DELETE' THEN {new} END IF; "
        "RETURN NULL; END $$"
    )


def _pg_update_trigger(columns: tuple[str, ...]) -> str:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    return (
        f"CREATE CONSTRAINT TRIGGER reply_day_au AFTER UPDATE OF {', '.join(columns)} ON inquiry {_DEFERRED} "
        f"WHEN ({changed}) EXECUTE FUNCTION reply_day_drop()"
    )


# The latest move to the current owner; an arrival's own record has no from_id.
_BACKFILL_OWNED = (
    "UPDATE inquiry SET owned_at = CASE WHEN m.at > inquiry.received_at THEN m.at ELSE inquiry.received_at END "
    "FROM (SELECT inquiry_id, to_id, max(at) AS at FROM allocation_record WHERE from_id IS NOT NULL "
    "GROUP BY inquiry_id, to_id) AS m "
    "WHERE m.inquiry_id = inquiry.id AND m.to_id = inquiry.owner_id"
)
# The latest message by the buyer or a person, only ever raising the stored time (a purged thread's
# contact stays).
_BACKFILL_CONTACT = (
    "UPDATE buyer SET last_contact_at = m.at "
    "FROM (SELECT i.buyer_id, max(ms.sent_at) AS at FROM message ms JOIN inquiry i ON i.id = ms.inquiry_id "
    "WHERE ms.direction IN ('in', 'out') GROUP BY i.buyer_id) AS m "
    "WHERE m.buyer_id = buyer.id AND (buyer.last_contact_at IS NULL OR buyer.last_contact_at < m.at)"
)


def _drop_triggers(sqlite: bool) -> None:
    """Drop the reply-rate cache's triggers on `inquiry` (the per-row ones fire once per backfilled row)."""
    if sqlite:
        for name in ("reply_day_ai", "reply_day_ad", "reply_day_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS reply_day_au ON inquiry")


def _restart_cache(sqlite: bool, columns: tuple[str, ...]) -> None:
    """Empty the reply-rate cache (its tallies counted by the other rule) and watch COLUMNS again."""
    op.execute("DELETE FROM reply_day")
    op.execute("UPDATE reply_day_epoch SET n = n + 1")
    if sqlite:
        for statement in _sqlite_triggers(columns):
            op.execute(statement)
    else:
        op.execute(_pg_function(columns))
        op.execute(_pg_update_trigger(columns))


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("inquiry", sa.Column("owned_at", sa.DateTime(), nullable=True))
    _drop_triggers(sqlite)  # first: the backfill would fire them once per moved row
    op.execute(_BACKFILL_OWNED)
    op.execute(_BACKFILL_CONTACT)
    op.create_index(
        "ix_inquiry_owned",
        "inquiry",
        [
            "owned_at",
            "owner_id",
            "buyer_id",
            "channel",
            "first_response_at",
            "is_junk",
        ],  # covering: the pass reads these
        sqlite_where=_MOVED,
        postgresql_where=_MOVED,
    )
    _restart_cache(sqlite, _NEW_COLUMNS)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _drop_triggers(sqlite)
    op.drop_index("ix_inquiry_owned", table_name="inquiry", sqlite_where=_MOVED)
    # In place on both engines (SQLite 3.35+): a batch copy of the table would lose its triggers.
    op.execute("ALTER TABLE inquiry DROP COLUMN owned_at")
    _restart_cache(sqlite, _OLD_COLUMNS)
