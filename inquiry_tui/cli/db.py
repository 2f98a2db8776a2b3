"""`db upgrade`, `db backup FILE` and `db restore FILE`."""

from __future__ import annotations

from pathlib import Path

import typer

from inquiry_tui.cli.common import state
from inquiry_tui.domain.files import size_text
from inquiry_tui.services.setup.maintenance import backup_store, restore_store, upgrade_store

db_app = typer.Typer(help="Store maintenance.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the store's schema (an older SQLite store is backed up first)."""
    result = upgrade_store(state.db)
    if result.before == result.after:
        typer.echo(f"store already at schema {result.after}")
    else:
        typer.echo(f"upgraded store from {result.before or 'empty'} to {result.after}")
        if result.backup:
            typer.echo(f"backup: {result.backup}")


@db_app.command("backup")
def db_backup(file: Path) -> None:
    """Copy the store and its files online into one archive (consistent while others keep working), verified."""
    r = backup_store(state.db, file)
    typer.echo(f"backed up {r.store} and {r.files} files ({size_text(r.bytes)}) to {r.file} (verified)")


@db_app.command("restore")
def db_restore(file: Path) -> None:
    """Unpack a backup archive into a new store (--db names it; it must not exist yet), checked first."""
    r = restore_store(state.db, file)
    typer.echo(f"restored {r.store} and {r.files} files ({size_text(r.bytes)}) from {r.file}")
