"""E-mail fixtures: messages built with the standard library, Maildirs written by `mailbox.Maildir`, a product to route by."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.catalog import add_product
from tests.conftest import FIXED_NOW


def message(
    subject: str = "Quote for 500 pcs FL-100W",
    *,
    sender: str = "Hans Müller <hans@lichtbau.de>",
    text: str | None = "Please quote 500 pcs.",
    html: str | None = None,
    message_id: str | None = "<q1@lichtbau.de>",
    in_reply_to: str | None = None,
    references: str | None = None,
    charset: str = "utf-8",
    cte: str | None = None,
    attachments: tuple[tuple[str, bytes], ...] = (),
    date: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    if sender:
        msg["From"] = sender
    msg["To"] = "sales@brightway.example"
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    msg["Date"] = date or format_datetime(FIXED_NOW)
    if text is not None:
        msg.set_content(text, charset=charset, cte=cte)  # type: ignore[arg-type]
    if html is not None:
        if text is None:
            msg.set_content(html, subtype="html")
        else:
            msg.add_alternative(html, subtype="html")
    for name, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg


def maildir(path: Path, *messages: EmailMessage | bytes) -> Path:
    """A Maildir at PATH holding MESSAGES (in new/, as a mail fetcher delivers them)."""
    box = mailbox.Maildir(str(path), create=True)
    for m in messages:
        box.add(m if isinstance(m, bytes) else m.as_bytes())
    return path


def with_product(ctx: Ctx, sku: str = "FL-100W", owner: str = "ana") -> None:
    add_product(ctx, sku, "Floodlight 100W", owner=owner)
