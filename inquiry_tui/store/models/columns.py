"""Column helpers shared by the tables: UTC timestamps and the optimistic-locking version column."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Integer, text

from inquiry_tui.store.types import UTCDateTime


def timestamp_column(*, nullable: bool = False, index: bool = False) -> Column[datetime]:
    """A UTC datetime column (timezone-aware on every backend)."""
    return Column(UTCDateTime(), nullable=nullable, index=index)


def version_column() -> Column[int]:
    """The `version` column a table wires as `version_id_col`: a stale write raises StaleDataError."""
    return Column("version", Integer, nullable=False, server_default=text("1"))
