"""The root Typer app: global options, one-line errors, and opening the TUI with no command."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from sqlalchemy.exc import DBAPIError, OperationalError
from typer.core import TyperGroup

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.services.context import Ctx, connect, connect_system, describe_store_error


class _Group(TyperGroup):
    """Turns every user-facing error into one line on stderr and exit code 1 (never a traceback)."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except InquiryError as exc:
            fail(str(exc))
        except (OperationalError, DBAPIError, sqlite3.DatabaseError) as exc:
            fail(describe_store_error(exc))


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@dataclass
class State:
    db: str | None = None
    as_login: str | None = None

    def ctx(self) -> Ctx:
        return connect(self.db, self.as_login)

    def system(self) -> Ctx:
        return connect_system(self.db)


state = State()

app = typer.Typer(
    cls=_Group,
    help="Keyboard-first back office for B2B export sales teams. With no command, opens the TUI.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="Store path or SQLAlchemy URL (env INQUIRY_TUI_DB).")] = None,
    as_login: Annotated[str | None, typer.Option("--as", help="Act as this account (admin only; recorded).")] = None,
) -> None:
    state.db, state.as_login = db, as_login
    if ctx.invoked_subcommand is None:
        open_tui(state.ctx())


def open_tui(service_ctx: Ctx) -> None:
    """Run the TUI on a connected context (imports textual only now)."""
    from inquiry_tui.tui.app import run_tui

    run_tui(service_ctx)


def echo_rows(rows: list[list[str]], headers: list[str]) -> None:
    """Plain aligned columns (no markup is ever interpreted)."""
    table = [headers, *rows]
    widths = [max(len(str(r[i])) for r in table) for i in range(len(headers))]
    for row in table:
        typer.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
