"""The `inquiry-tui` command line: thin, parse -> service -> print (docs/cli.md).

Every command group is mounted here, in the order `--help` lists them; a feature adds its
module and one line below. Non-TUI commands never import textual: the TUI is imported only
when it is opened.
"""

from __future__ import annotations

import typer

from inquiry_tui.cli import accounts, arrivals, blocklist, catalog, customers, db, demo, notes, seed, settings, stats
from inquiry_tui.cli.root import app

import_app = typer.Typer(
    help="Import inquiries, chats, customers or activity from .jsonl or .csv (all or nothing).", no_args_is_help=True
)
import_app.add_typer(arrivals.imports)
import_app.add_typer(customers.imports)
export_app = typer.Typer(help="Export inquiries or the allocation record.", no_args_is_help=True)
export_app.add_typer(arrivals.exports)

app.add_typer(demo.top_level)
app.add_typer(accounts.top_level)  # init
app.add_typer(seed.top_level)
app.add_typer(accounts.account_app, name="account")
app.add_typer(catalog.product_app, name="product")
app.add_typer(catalog.region_app, name="region")
app.add_typer(settings.settings_app, name="settings")
app.add_typer(blocklist.block_app, name="block")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(arrivals.inquiry_app, name="inquiry")
app.add_typer(arrivals.top_level)  # allocate
app.add_typer(customers.customer_app, name="customer")
app.add_typer(notes.note_app, name="note")
app.add_typer(stats.top_level)
app.add_typer(db.db_app, name="db")


def main() -> None:
    app(prog_name="inquiry-tui")


__all__ = ["app", "main"]
