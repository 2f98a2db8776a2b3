"""Config stamp: one row that triggers change whenever routing's configuration changes.

An arrival needs the accounts (with away and capacity), the settings, the products, the
country owners and the block list. They change a few times a day and are read on every
arrival, so each process keeps them (`services/arrivals/lookups.py`) and reads only
`config_stamp.n` in the arrival's transaction: if it is the value the cache was loaded at,
the cache is what the tables hold.

Every insert, update and delete on `account`, `setting`, `product`, `country_owner` and
`block_entry` sets `n` to a new random 63-bit value (not n + 1: a store restored from a
backup and changed again could reach the same count with other rows; a random value makes
that collision as good as impossible). SQLite: one row trigger per table and event.
PostgreSQL: one statement-level trigger per table, run in the changing transaction (its row
lock on the stamp is held to its commit; readers never wait for it, MVCC).

Revision ID: 0014_arrive
Revises: 0013_import_journal
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_arrive"
down_revision = "0013_import_journal"
branch_labels = None
depends_on = None

CONFIG_TABLES = ("account", "setting", "product", "country_owner", "block_entry")
_EVENTS = (("ai", "INSERT"), ("au", "UPDATE"), ("ad", "DELETE"))
_SQLITE_BUMP = "UPDATE config_stamp SET n = abs(random() % 4611686018427387904) + 1 WHERE id = 1;"
_PG_FUNCTION = (
    "CREATE FUNCTION config_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE config_stamp SET n = floor(random() * 4e18)::bigint + 1 WHERE id = 1; RETURN NULL; END $$"
)


def upgrade() -> None:
    op.create_table(
        "config_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO config_stamp (id, n) VALUES (1, 1)")
    if op.get_bind().dialect.name == "sqlite":
        for table in CONFIG_TABLES:
            for suffix, event in _EVENTS:
                op.execute(
                    f"CREATE TRIGGER config_stamp_{table}_{suffix} AFTER {event} ON {table} BEGIN {_SQLITE_BUMP} END"
                )
        return
    op.execute(_PG_FUNCTION)
    for table in CONFIG_TABLES:
        op.execute(
            f"CREATE TRIGGER config_stamp_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION config_stamp_bump()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in CONFIG_TABLES:
            for suffix, _ in _EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS config_stamp_{table}_{suffix}")
    else:
        for table in CONFIG_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS config_stamp_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS config_stamp_bump()")
    op.drop_table("config_stamp")
