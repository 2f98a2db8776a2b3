"""`db upgrade` and `db backup FILE`."""

from __future__ import annotations

from pathlib import Path

import typer

from inquiry_tui.cli.root import app, fail, state
from inquiry_tui.config import db_url
from inquiry_tui.store.migrate import backup_sqlite, sqlite_path, upgrade

db_app = typer.Typer(help="Store maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the store's schema (an older SQLite store is backed up first)."""
    result = upgrade(db_url(state.db))
    if result.before == result.after:
        typer.echo(f"store already at schema {result.after}")
    else:
        typer.echo(f"upgraded store from {result.before or 'empty'} to {result.after}")
        if result.backup:
            typer.echo(f"backup: {result.backup}")


@db_app.command("backup")
def db_backup(file: Path) -> None:
    """Copy the store online (consistent while others keep working)."""
    path = sqlite_path(db_url(state.db))
    if path is None:
        fail("backup works on SQLite stores; use pg_dump for PostgreSQL")
        return
    if not path.exists():
        fail(f"no store at {path}")
    if file.exists():
        fail(f"{file} already exists; choose a new file name")
    backup_sqlite(path, file)
    typer.echo(f"backed up {path} to {file}")
