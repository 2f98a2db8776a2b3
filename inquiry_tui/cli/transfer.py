"""The `import` and `export` command groups; their commands live beside the services they call."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from inquiry_tui.cli.root import app, fail

import_app = typer.Typer(help="Import inquiries, chats, customers or activity from .jsonl or .csv (all or nothing).", no_args_is_help=True)
export_app = typer.Typer(help="Export inquiries or the allocation record.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")

FileArg = Annotated[Path, typer.Argument(help="A .jsonl or .csv file (UTF-8).", dir_okay=False)]


def require_file(path: Path) -> None:
    """A one-line error before any work when the file to import is not there."""
    if not path.is_file():
        fail(f"{path}: no such file")
