"""`db upgrade`, `db backup FILE`, `db restore FILE`, `db copy --to URL`, `db check` and `db warm`; `db verify` and `db share` are in `cli/identity.py`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from inquiry_tui.cli.common import QuietOpt, state
from inquiry_tui.cli.progress import progress_bar
from inquiry_tui.domain.files import size_text
from inquiry_tui.services.setup.check import check_store
from inquiry_tui.services.setup.maintenance import backup_store, copy_store_to, restore_store, upgrade_store, warm_store

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
def db_backup(
    file: Path,
    quiet: QuietOpt = False,
) -> None:
    """Copy the store online into a new FILE, verified (admin only): SQLite with its files in one archive, PostgreSQL through pg_dump."""
    with progress_bar(quiet=quiet) as report:  # on a terminal: the files going into the archive
        r = backup_store(state.ctx(), file, report)
    if r.archive:
        typer.echo(f"backed up {r.store} and {r.files} files ({size_text(r.bytes)}) to {r.file} (verified)")
    else:
        typer.echo(f"backed up {r.store} to {r.file} (pg_dump custom format; restore with pg_restore)")


@db_app.command("restore")
def db_restore(file: Path, quiet: QuietOpt = False) -> None:
    """Unpack a backup archive into a new store (--db names it; it must not exist yet), checked first."""
    with progress_bar(quiet=quiet) as report:  # on a terminal: the files checked, then unpacked
        r = restore_store(state.db, file, report)
    typer.echo(f"restored {r.store} and {r.files} files ({size_text(r.bytes)}) from {r.file}")


@db_app.command("copy")
def db_copy(
    to: Annotated[str, typer.Option("--to", help="The empty target: a new SQLite file or a PostgreSQL URL.")],
    batch: Annotated[int, typer.Option("--batch", min=100, help="Rows per batch.")] = 20_000,
    quiet: QuietOpt = False,
) -> None:
    """Copy the whole store into an empty store (SQLite <-> PostgreSQL), then verify counts and checksums; admin only."""
    with progress_bar(quiet=quiet) as report:  # a bar per table on a terminal, rows per second and time left
        result = copy_store_to(state.ctx(), to, report, batch=batch)
    for check in result.checks:
        typer.echo(f"{check.table}  {check.target_rows:,} rows  sha256 {check.target_sum[:16]}  ok")
    typer.echo(f"copied {result.rows:,} rows in {len(result.checks)} tables; counts and checksums match")


@db_app.command("check")
def db_check(as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False) -> None:
    """Is the store whole? The database's own check, the audit log's hash chain, the file store (admin; exit 1 if not)."""
    report = check_store(state.ctx(check=False))  # a damaged store is what it is asked to look at
    if as_json:
        typer.echo(json.dumps(report.as_json(), sort_keys=True, indent=2))
    else:
        for line in report.lines():
            typer.echo(line)
    if not report.ok:
        raise typer.Exit(1)


@db_app.command("warm")
def db_warm() -> None:
    """Fill the dashboard's and the recommendations' caches now (admin; run it nightly: exit 1 if a cache was skipped)."""
    warmed = warm_store(state.ctx())
    if "reply rates" not in warmed.skipped:
        done = f"{warmed.reply_days} closed days computed and cached" if warmed.reply_days else "already cached"
        typer.echo(f"reply rates: {done} ({warmed.reply_seconds:.1f} s)")
    if "activity rollup" not in warmed.skipped:
        typer.echo(f"activity rollup: today's built and tomorrow's prepared ({warmed.rollup_seconds:.1f} s)")
    for cache in warmed.skipped:
        typer.echo(f"{cache}: skipped, the store was busy or read-only; run it again", err=True)
    if warmed.skipped:
        raise typer.Exit(1)
