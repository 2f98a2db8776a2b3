"""`db upgrade` and `db backup FILE` (admin only); `db verify` and `db share` are in `cli/identity.py`."""

from __future__ import annotations

from pathlib import Path

import typer

from inquiry_tui.cli.common import state
from inquiry_tui.services.setup.maintenance import backup_store, upgrade_store

db_app = typer.Typer(help="Store maintenance.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the store's schema (an older SQLite store is backed up first; admin only)."""
    result = upgrade_store(state.ctx(upgrade=False))
    if result.before == result.after:
        typer.echo(f"store already at schema {result.after}")
    else:
        typer.echo(f"upgraded store from {result.before or 'empty'} to {result.after}")
        if result.backup:
            typer.echo(f"backup: {result.backup}")


@db_app.command("backup")
def db_backup(file: Path) -> None:
    """Copy the store online (consistent while others keep working; admin only)."""
    path = backup_store(state.ctx(), file)
    typer.echo(f"backed up {path} to {file}")
