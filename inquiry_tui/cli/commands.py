"""Every command group mounted on the root app, in the order `--help` lists them (docs/cli.md).

A feature adds its module and one line below. Imported only when a command (or `--help`) is given:
opening the TUI needs none of the command modules and the services they import (`inquiry_tui.cli.main`).
"""

from __future__ import annotations

import typer

from inquiry_tui.cli import (
    accounts,
    arrivals,
    blocklist,
    calls,
    catalog,
    chats,
    customers,
    db,
    deals,
    demo,
    files,
    identity,
    mail,
    notes,
    notices,
    rfq,
    seed,
    settings,
    stats,
    visitors,
)
from inquiry_tui.cli.root import app

import_app = typer.Typer(
    help="Import inquiries, chats, customers, activity, orders, RFQs, calls or notices from .jsonl or .csv "
    "(all or nothing), or e-mail from a Maildir.",
    no_args_is_help=True,
)
import_app.add_typer(arrivals.imports)
import_app.add_typer(customers.imports)
import_app.add_typer(deals.imports)
import_app.add_typer(rfq.imports)
import_app.add_typer(mail.imports)
import_app.add_typer(calls.imports)
import_app.add_typer(notices.imports)
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
arrivals.inquiry_app.add_typer(mail.inquiry_cmds)  # inquiry reply
app.add_typer(arrivals.top_level)  # allocate
app.add_typer(customers.customer_app, name="customer")
app.add_typer(deals.template_app, name="template")
app.add_typer(deals.loi_app, name="loi")
app.add_typer(deals.order_app, name="order")
app.add_typer(rfq.rfq_app, name="rfq")
app.add_typer(visitors.visitor_app, name="visitor")
app.add_typer(chats.chat_app, name="chat")
app.add_typer(files.attachment_app, name="attachment")
app.add_typer(files.disk_app, name="disk")
app.add_typer(notes.note_app, name="note")
app.add_typer(stats.top_level)
app.add_typer(mail.mail_app, name="mail")
app.add_typer(calls.call_app, name="call")
app.add_typer(notices.notice_app, name="notice")
app.add_typer(db.db_app, name="db")  # verify and share come from cli/identity.py
app.add_typer(identity.access_app, name="access")
app.add_typer(identity.top_level)  # ssh-session


__all__ = ["app"]
