"""The import journal: what a big import published so far, so an unfinished one can be undone (store/journal.py)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from inquiry_tui.store.models.columns import timestamp_column
from inquiry_tui.store.models.table import TableModel


class ImportRun(TableModel, table=True):
    """An import being published; the row is gone once it completed or was undone."""

    __tablename__ = "import_run"
    id: int | None = Field(default=None, primary_key=True)
    source: str
    actor: str
    os_user: str = ""
    host: str
    pid: int
    started_at: datetime = Field(sa_column=timestamp_column())


class ImportChunk(TableModel, table=True):
    """One published transaction of a run: the ids it wrote, JSON {table: [[lo, hi], ...]}."""

    __tablename__ = "import_chunk"
    run_id: int = Field(foreign_key="import_run.id", primary_key=True)
    seq: int = Field(primary_key=True)
    ids: str
