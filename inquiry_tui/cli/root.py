"""The root Typer app: global options, one-line errors, and opening the TUI with no command.

Command groups are mounted on it in `inquiry_tui.cli` (one place lists them all)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from inquiry_tui.cli.common import fail, open_tui, state
from inquiry_tui.config import db_url
from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.services.context import STORE_ERRORS, describe_store_error


class _Group(TyperGroup):
    """Turns every user-facing error into one line on stderr and exit code 1 (never a traceback)."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]  # the base names typer's private click Context
        try:
            return super().invoke(ctx)
        except InquiryError as exc:
            fail(str(exc))
        except STORE_ERRORS as exc:
            fail(describe_store_error(exc, db_url(state.db)))


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
    state.db, state.as_login = db, as_login  # (an SSH session's key_login is set and cleared by ssh-session)
    if ctx.invoked_subcommand is None:
        open_tui(state.ctx())
