"""What every command module shares: the global options' state, one-line failures, file arguments, plain tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from inquiry_tui.cli.state import State, open_tui, state
from inquiry_tui.domain.text import safe_line

__all__ = [
    "FileArg",
    "QuietOpt",
    "State",
    "date_option",
    "echo_rows",
    "fail",
    "open_tui",
    "require_file",
    "state",
]


def fail(message: str) -> None:
    """End the command with MESSAGE as its one line of error (any control character in it shown, never sent raw:
    a message can quote a file's or a buyer's text)."""
    typer.echo(f"error: {safe_line(message)}", err=True)
    raise typer.Exit(1)


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
