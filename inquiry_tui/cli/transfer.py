"""The `import` and `export` command groups; their commands live beside the services they call."""

from __future__ import annotations

import typer

from inquiry_tui.cli.root import app

import_app = typer.Typer(help="Import inquiries, chats, customers or activity from .jsonl or .csv (all or nothing).", no_args_is_help=True)
export_app = typer.Typer(help="Export inquiries or the allocation record.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
