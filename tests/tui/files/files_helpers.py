"""Files for the TUI tests: the sample library on the disk and attachments on the inbox's newest inquiry."""

from __future__ import annotations

from sqlalchemy import text

from inquiry_tui.domain.files import MB
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.attachments import attach
from inquiry_tui.services.files.sample import pdf, png, seed_files

ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 120


def newest_inquiry(ctx: Ctx) -> tuple[int, int]:
    """(id, first message id) of the inquiry the inbox opens on (newest received)."""
    with ctx.read() as session:
        row = session.execute(
            text(
                "SELECT i.id, (SELECT min(m.id) FROM message m WHERE m.inquiry_id = i.id) FROM inquiry i "
                "WHERE i.folder != 'deleted' ORDER BY i.received_at DESC, i.id DESC LIMIT 1"
            )
        ).one()
        return int(row[0]), int(row[1])


def attach_to_newest(ctx: Ctx) -> int:
    """A drawing, a catalogue and a program renamed .pdf (and a hostile name) on the newest inquiry's first message."""
    inquiry_id, message_id = newest_inquiry(ctx)
    with ctx.write() as session:
        attach(session, ctx.url, message_id, "site drawing.png", png(40, 30, (10, 10, 10)), at=ctx.now())
        attach(session, ctx.url, message_id, "catalogue.pdf", pdf("Catalogue") + b"\0" * MB, at=ctx.now())
        attach(session, ctx.url, message_id, "invoice.pdf", ELF, at=ctx.now())
        attach(session, ctx.url, message_id, "\u202efdp.exe [bold]x", b"plain text", at=ctx.now())
    return inquiry_id


def library(ctx: Ctx) -> None:
    seed_files(ctx)
