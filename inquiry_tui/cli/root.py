"""The root Typer app: global options, one-line errors, and opening the TUI with no command.

Command groups are mounted on it in `inquiry_tui.cli` (one place lists them all)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from inquiry_tui.cli.common import fail, open_tui, state
from inquiry_tui.cli.terminal import guard_terminal
from inquiry_tui.config import db_url, log_error
from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.services.context import STORE_ERRORS, describe_store_error

# SQLite's INTEGER (and PostgreSQL's bigint): a larger whole number given on the command line is refused in words.
MAX_STORE_INT = 2**63 - 1


class _Group(TyperGroup):
    """Turns every user-facing error into one line on stderr and exit code 1 (never a traceback).

    The last `except` is the last resort: an error nobody foresaw (a bug) is written with its
    traceback to the error log and the user gets one line that says where it went.
    """

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]  # the base names typer's private click Context
        try:
            return super().invoke(ctx)
        except InquiryError as exc:
            fail(str(exc))
        except STORE_ERRORS as exc:
            fail(describe_store_error(exc, db_url(state.db)))
        except OverflowError as exc:
            # A whole number past what the store holds (an id such as 99999999999999999999999) or a date
            # pushed past year 9999 by arithmetic; nothing was written (the transaction rolled back).
            if "int" in str(exc).lower():
                fail(f"a number given is too large (at most {MAX_STORE_INT:,}); nothing was changed")
            fail(f"a date or number is out of range ({exc}); nothing was changed")
        except (typer.Exit, typer.Abort, typer.TyperException):  # typer's own ways out (help, usage errors)
            raise
        except Exception as exc:  # the last resort: one line, the details in the log
            where = log_error(exc)
            fail(f"unexpected {type(exc).__name__}: {exc!r:.200}; nothing more was done. Details: {where}")


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
    if ctx.invoked_subcommand is not None:
        guard_terminal()  # buyer text never reaches a terminal raw (cli/terminal.py); the TUI gets the real streams
    else:
        open_tui(state.ctx())
