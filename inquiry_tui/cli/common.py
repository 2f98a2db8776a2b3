"""What every command module shares: the global options' state, one-line failures, file arguments, plain tables."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx, connect, connect_system


def fail(message: str) -> None:
    """End the command with MESSAGE as its one line of error (any control character in it shown, never sent raw:
    a message can quote a file's or a buyer's text)."""
    typer.echo(f"error: {safe_line(message)}", err=True)
    raise typer.Exit(1)


@dataclass
class State:
    """The root options (`--db`, `--as`), set by the root callback before any command runs.

    `key_login` is set by `ssh-session` alone: the account of the SSH key the session came in
    with (service-account mode), which neither INQUIRY_TUI_LOGIN nor `--as` can change.
    """

    db: str | None = None
    as_login: str | None = None
    key_login: str | None = None
    contexts: list[Ctx] = field(default_factory=list)  # opened by this command, closed when it ends

    def ctx(self, *, upgrade: bool = True, check: bool = True) -> Ctx:
        return self._opened(connect(self.db, self.as_login, upgrade=upgrade, key_login=self.key_login, check=check))

    def system(self) -> Ctx:
        return self._opened(connect_system(self.db))

    def _opened(self, ctx: Ctx) -> Ctx:
        self.contexts.append(ctx)
        return ctx

    def close(self) -> None:
        """Close every context the command opened (the root group calls this when the command ends, however it ends).

        Closing checkpoints what the command wrote and, when nobody else has the store open, lets
        SQLite remove the WAL. A process that just exits leaves the WAL behind, as long as what it
        wrote (after a seed or an import: the size of the database), and the next process to open
        the store reads all of it first (0.3 s at 100k inquiries, seconds at 1M).
        """
        while self.contexts:
            ctx = self.contexts.pop()
            # The command's outcome is already printed and kept; a store that cannot be closed cleanly
            # (gone, read-only, full) changes nothing the user can act on, and must not end in a traceback.
            with contextlib.suppress(Exception):
                ctx.close()


state = State()

FileArg = Annotated[Path, typer.Argument(help="A .jsonl or .csv file (UTF-8).", dir_okay=False)]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar (none is drawn outside a terminal).")]


def date_option(value: str | None, option: str) -> date | None:
    """A date option's value (YYYY-MM-DD, in the years every date of the store may have: `rules.day`), or one
    `error:` line naming the option; None when not given. Every command's date options go through here."""
    if value is None:
        return None
    from inquiry_tui.services.records.rules import RuleError, day

    try:
        return day(value)
    except RuleError as exc:
        fail(f"{option}: {exc}")
        raise AssertionError("unreachable") from None


def require_file(path: Path) -> None:
    """A one-line error before any work when the file to import is not there."""
    if not path.is_file():
        fail(f"{path}: no such file")


def echo_rows(rows: list[list[str]], headers: list[str]) -> None:
    """Plain aligned columns (no markup is ever interpreted)."""
    table = [headers, *rows]
    widths = [max(len(str(r[i])) for r in table) for i in range(len(headers))]
    for row in table:
        typer.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


def open_tui(service_ctx: Ctx) -> None:
    """Run the TUI on a connected context (imports textual only now), on the real terminal streams."""
    from inquiry_tui.cli.terminal import release
    from inquiry_tui.tui.app import run_tui

    release()

    run_tui(service_ctx)
