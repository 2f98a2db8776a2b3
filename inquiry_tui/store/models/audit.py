"""The append-only audit log and the head of its hash chain."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from inquiry_tui.store.models.columns import timestamp_column
from inquiry_tui.store.models.table import TableModel


class AuditLog(TableModel, table=True):
    """Append-only: triggers refuse UPDATE and DELETE (see the initial migration); hash-chained (migration 0005).

    Rows are written only by `services.audit`, which gives each the next id, the real OS user
    of the process, and its place in the chain (`domain.audit_chain`).
    """

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=timestamp_column(index=True))
    actor: str
    action: str = Field(index=True)
    entity: str
    entity_id: str = ""
    before: str = ""  # JSON
    after: str = ""  # JSON
    os_user: str = ""  # the OS account of the process that wrote the row ("" before migration 0005)
    prev_hash: str = ""  # the previous row's hash (GENESIS for the first row)
    hash: str = ""  # sha256 over this row's content and prev_hash


class AuditChain(TableModel, table=True):
    """The chain's head: the last audit row's id and hash, moved in the same transaction as each new row.

    One row (id 1). Writers lock it (`SELECT ... FOR UPDATE` where the database has it; SQLite's
    write transactions are serialised by BEGIN IMMEDIATE), so rows get consecutive ids and chain
    in the order they commit.
    """

    __tablename__ = "audit_chain"
    id: int = Field(default=1, primary_key=True)
    last_id: int = 0
    last_hash: str
