"""Who wrote each audit row, and the audit log as a hash chain.

- `audit_log.os_user`: the OS account of the process that wrote the row (empty for older rows).
- `audit_log.prev_hash`, `audit_log.hash`: each row's hash covers its content and the previous
  row's hash (`domain.audit_chain`); rows already in the store are chained here, in id order.
- `audit_chain`: the head of the chain (the last row's id and hash), one row, moved with each
  new audit row.

On SQLite the append-only trigger is lifted only while the existing rows get their hashes
(one transaction, so nobody sees the log without it).

Revision ID: 0005_identity
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inquiry_tui.domain.audit_chain import GENESIS, at_text, row_hash

revision = "0005_identity"
down_revision = "0004"
branch_labels = None
depends_on = None

_NO_UPDATE = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END"
)
_NO_DELETE = (
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END"
)


def _chain_existing_rows(sqlite: bool) -> tuple[int, str]:
    """Give every row already in the log its place in the chain; the head (last id, last hash)."""
    conn = op.get_bind()
    log = sa.table(
        "audit_log",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.String() if sqlite else sa.DateTime()),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("entity", sa.String()),
        sa.column("entity_id", sa.String()),
        sa.column("before", sa.String()),
        sa.column("after", sa.String()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    stmt = (
        sa.update(log)
        .where(log.c.id == sa.bindparam("row_id"))
        .values(prev_hash=sa.bindparam("prev"), hash=sa.bindparam("digest"))
    )
    last_id, last_hash, lifted = 0, GENESIS, False
    while True:  # keyset batches: a long log never sits in memory
        batch = conn.execute(sa.select(log).where(log.c.id > last_id).order_by(log.c.id).limit(5000)).all()
        if not batch:
            break
        updates = []
        for r in batch:
            digest = row_hash(
                last_hash,
                r.id,
                at=at_text(r.at),
                actor=r.actor,
                os_user="",
                action=r.action,
                entity=r.entity,
                entity_id=r.entity_id,
                before=r.before,
                after=r.after,
            )
            updates.append({"row_id": r.id, "prev": last_hash, "digest": digest})
            last_id, last_hash = r.id, digest
        if sqlite and not lifted:
            op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
            lifted = True
        conn.execute(stmt, updates)
    if lifted:
        op.execute(_NO_UPDATE)
    return last_id, last_hash


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # Plain ADD COLUMNs (no batch copy of the table, which would also drop its triggers on SQLite).
    op.add_column("audit_log", sa.Column("os_user", sa.String(), nullable=False, server_default=""))
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(), nullable=False, server_default=""))
    op.add_column("audit_log", sa.Column("hash", sa.String(), nullable=False, server_default=""))
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    last_id, last_hash = _chain_existing_rows(sqlite)
    chain = sa.table("audit_chain", sa.column("id"), sa.column("last_id"), sa.column("last_hash"))
    op.bulk_insert(chain, [{"id": 1, "last_id": last_id, "last_hash": last_hash}])


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_table("audit_chain")
    if sqlite:  # the batch copy drops the table's triggers: put them back afterwards
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("os_user")
    if sqlite:
        op.execute(_NO_UPDATE)
        op.execute(_NO_DELETE)
