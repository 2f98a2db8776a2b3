"""Store maintenance behind `db upgrade` and `db backup FILE`."""

from __future__ import annotations

from pathlib import Path

from inquiry_tui.config import db_url
from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.store.migrate import UpgradeResult, backup_sqlite, sqlite_path, upgrade


def upgrade_store(db: str | None) -> UpgradeResult:
    """Bring the store to this version's schema (an older SQLite store is backed up first)."""
    return upgrade(db_url(db))


def backup_store(db: str | None, file: Path) -> Path:
    """Copy the SQLite store online to FILE (a new file); returns the store's path."""
    path = sqlite_path(db_url(db))
    if path is None:
        raise ValidationError("backup works on SQLite stores; use pg_dump for PostgreSQL")
    if not path.exists():
        raise NotFound(f"no store at {path}")
    if file.exists():
        raise ValidationError(f"{file} already exists; choose a new file name")
    backup_sqlite(path, file)
    return path
