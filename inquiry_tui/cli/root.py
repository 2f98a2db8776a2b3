"""The root Typer app: global options, one-line errors, and opening the TUI with no command.

Command groups are mounted on it in `inquiry_tui.cli` (one place lists them all)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup, TyperOption

from inquiry_tui.cli.common import open_tui, state
from inquiry_tui.cli.failures import failure, kept_after_interrupt
from inquiry_tui.cli.terminal import guard_terminal

__all__ = ["app", "kept_after_interrupt", "usage_line"]


class _Group(TyperGroup):
    """Turns every user-facing error into one line on stderr (never a traceback, never a boxed panel).

    A failing command exits 1; a command line that cannot be parsed (unknown command or option,
    a bad or missing value) exits 2, as click's own usage errors do, with one `error:` line that
    names the command and its `-h`. The last `except` of `invoke` is the last resort: an error
    nobody foresaw (a bug) is written with its traceback to the error log and the user gets one
    line that says where it went.
    """

    def main(  # type: ignore[override]  # click's overloads; every call passes keywords
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            # Not standalone: typer would print a usage error as a boxed panel; it comes here instead.
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as exc:  # typer's (vendored click's) usage and parameter errors
            if type(exc).__name__ != "NoArgsIsHelpError":  # a group given no command: its help is printed already
                typer.echo(f"error: {usage_line(exc)}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("error: stopped; nothing more was done", err=True)
            sys.exit(1)
        # Not standalone, typer returns an explicit exit's code (typer.Exit), else the command's value.
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]  # the base names typer's private click Context
        words = [*getattr(ctx, "_protected_args", ()), *ctx.args]  # the command line below the root (invoke clears it)
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # typer's own ways out (help, usage errors, `fail`)
            raise
        except (KeyboardInterrupt, Exception) as exc:  # one line (cli/failures.py); a bug's details in the log
            line, code = failure(exc, words, state.db)
            typer.echo(f"error: {line}", err=True)
            raise typer.Exit(code) from None
        finally:
            state.close()  # the store's connections, closed as the command ends (State.close says why)


def usage_line(exc: typer.TyperException) -> str:
    """One line for a command line that cannot be parsed: the command, what is wrong, where help is."""
    message = " ".join(exc.format_message().split()).rstrip(".")
    message = message[:1].lower() + message[1:]
    ctx = getattr(exc, "ctx", None)  # a usage error knows the command it was parsing
    if ctx is None:
        return message
    return f"{ctx.command_path}: {message} (see `{ctx.command_path} -h`)"


_typer_display_type = TyperOption.display_type_rich


def _flag_display_type(self: TyperOption, ctx: Any) -> str | None:
    # typer labels every option's value in --help, a flag's too (`--sample <bool>`), as if the
    # flag took a value; a flag takes none, so it shows none.
    return None if self.is_flag else _typer_display_type(self, ctx)


TyperOption.display_type_rich = _flag_display_type  # type: ignore[method-assign]

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
