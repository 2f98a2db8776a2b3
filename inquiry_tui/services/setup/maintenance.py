"""Store maintenance behind `db upgrade` and `db backup FILE`: the admin's alone."""

from __future__ import annotations

from pathlib import Path

from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.migrate import UpgradeResult, backup_sqlite, sqlite_path, upgrade


def upgrade_store(ctx: Ctx) -> UpgradeResult:
    """Bring the store to this version's schema (an older SQLite store is backed up first); admin only."""
    ctx.require_admin("upgrade the store")
    return upgrade(ctx.url, ctx.engine)


def backup_store(ctx: Ctx, file: Path) -> Path:
    """Copy the SQLite store online to FILE (a new file); returns the store's path. Admin only: it holds everyone's buyers."""
    ctx.require_admin("back up the store (it holds every salesperson's buyers)")
    ctx.require_local_files("writing a backup")
    path = sqlite_path(ctx.url)
    if path is None:
        raise ValidationError("backup works on SQLite stores; use pg_dump for PostgreSQL")
    if not path.exists():
        raise NotFound(f"no store at {path}")
    if file.exists():
        raise ValidationError(f"{file} already exists; choose a new file name")
    backup_sqlite(path, file)
    return path
