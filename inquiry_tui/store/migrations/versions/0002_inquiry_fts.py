"""Full-text search: FTS5 over subject, message bodies and buyer company, kept in sync by triggers.

One FTS document per inquiry with rowid = inquiry.id, so "newest first" is a descending rowid
scan that stops after the first page (never a ranking over every hit).

Bulk loads (store.bulk) insert a row into `inquiry_fts_pause` inside their own write
transaction, write their rows, index the new range with one INSERT ... SELECT, and delete the
row again before commit. Other processes never see the pause (they wait on the write lock),
and FTS5 writes in one statement cost a quarter of the per-row trigger's (which flushes the
FTS5 buffer at every row's statement savepoint).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Bodies of human and buyer messages only: auto-replies are the same boilerplate everywhere.
_BODIES = (
    "COALESCE((SELECT group_concat(m.body, char(10)) FROM message m "
    "WHERE m.inquiry_id = {id} AND m.direction != 'auto'), '')"
)
_COMPANY = "COALESCE((SELECT b.company FROM buyer b WHERE b.id = {buyer}), '')"

_LIVE = "WHEN NOT EXISTS (SELECT 1 FROM inquiry_fts_pause)"

STATEMENTS = (
    "CREATE VIRTUAL TABLE inquiry_fts USING fts5(subject, body, company, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '3')",
    "CREATE TABLE inquiry_fts_pause (id INTEGER PRIMARY KEY)",
    "INSERT INTO inquiry_fts(rowid, subject, body, company) "
    f"SELECT i.id, i.subject, {_BODIES.format(id='i.id')}, {_COMPANY.format(buyer='i.buyer_id')} FROM inquiry i",
    # An inquiry row picks up messages already written (bulk loads write messages first).
    f"CREATE TRIGGER inquiry_fts_ai AFTER INSERT ON inquiry {_LIVE} BEGIN "
    "INSERT INTO inquiry_fts(rowid, subject, body, company) VALUES (new.id, new.subject, "
    f"{_BODIES.format(id='new.id')}, {_COMPANY.format(buyer='new.buyer_id')}); END",
    "CREATE TRIGGER inquiry_fts_ad AFTER DELETE ON inquiry BEGIN DELETE FROM inquiry_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER inquiry_fts_au AFTER UPDATE OF subject ON inquiry BEGIN "
    "UPDATE inquiry_fts SET subject = new.subject WHERE rowid = new.id; END",
    "CREATE TRIGGER message_fts_ai AFTER INSERT ON message WHEN new.direction != 'auto' AND NOT EXISTS "
    "(SELECT 1 FROM inquiry_fts_pause) BEGIN "
    "UPDATE inquiry_fts SET body = CASE WHEN body = '' THEN new.body ELSE body || char(10) || new.body END "
    "WHERE rowid = new.inquiry_id; END",
    "CREATE TRIGGER buyer_fts_au AFTER UPDATE OF company ON buyer BEGIN "
    "UPDATE inquiry_fts SET company = new.company "
    "WHERE rowid IN (SELECT id FROM inquiry WHERE buyer_id = new.id); END",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL gets a tsvector index in its own revision
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("inquiry_fts_ai", "inquiry_fts_ad", "inquiry_fts_au", "message_fts_ai", "buyer_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS inquiry_fts")
    op.execute("DROP TABLE IF EXISTS inquiry_fts_pause")
