"""Shared bits of the files tests: sample bytes, an inquiry with a message, counting stored files."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from inquiry_tui.services.context import Ctx
from inquiry_tui.store.models import Attachment, Buyer, DiskFile, Inquiry, Message, StoredFile

PDF = b"%PDF-1.4\n" + b"catalogue " * 100
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 120
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 100


def inquiry_with_message(ctx: Ctx, owner: int | None = None) -> tuple[int, int]:
    """(inquiry id, its first message id): an inquiry of OWNER (default: the actor)."""
    with ctx.write() as session:
        buyer = Buyer(email=f"b{ctx.now().timestamp()}-{owner}@x.example", first_seen_at=ctx.now())
        session.add(buyer)
        session.flush()
        inquiry = Inquiry(
            buyer_id=buyer.id,  # type: ignore[arg-type]
            received_at=ctx.now(),
            owner_id=owner or ctx.actor.id or 1,
            last_message_at=ctx.now(),
        )
        session.add(inquiry)
        session.flush()
        message = Message(inquiry_id=inquiry.id, sent_at=ctx.now(), body="see attached")  # type: ignore[arg-type]
        session.add(message)
        session.flush()
        return int(inquiry.id), int(message.id)  # type: ignore[arg-type]


def rows(ctx: Ctx) -> dict[str, int]:
    with ctx.read() as session:
        return {
            t.__name__: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (StoredFile, Attachment, DiskFile)
        }


def stored(root: Path) -> list[Path]:
    """The files under a hash in the file store (not the staging folder or the lock)."""
    return sorted(p for p in root.glob("??/*") if p.is_file())
