"""One admin note as it is shown (`NoteRow`), and the notes on an inquiry read in the thread's transaction.

Kept apart from services/notes/notes.py (adding, marking seen, listing: the ORM's models) so that
the inbox's thread pane reads an inquiry's notes in plain SQL without loading SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inquiry_tui.domain.vocabulary import NoteTarget
from inquiry_tui.store.plain_sql import Reader
from inquiry_tui.store.queries import thread as q_thread
from inquiry_tui.store.types import as_utc


@dataclass(frozen=True)
class NoteRow:
    """One note as shown. `text` is the admin's; `subject` and `buyer` are untrusted (buyer text)."""

    id: int
    target: NoteTarget
    inquiry_id: int | None
    buyer_id: int | None
    buyer: str  # the buyer's company or e-mail
    subject: str  # the inquiry's subject ("" for a customer note)
    author: str
    to: str
    text: str
    created_at: datetime
    seen_at: datetime | None

    @property
    def seen(self) -> bool:
        return self.seen_at is not None

    @property
    def on(self) -> str:
        """What it is on, in a few words: "#123" or "customer x@y"."""
        return f"#{self.inquiry_id}" if self.inquiry_id is not None else f"customer {self.buyer}"


def note_row(r: Sequence[Any]) -> NoteRow:
    """The note of a row with (id, inquiry id, buyer id, company, e-mail, subject, author, to, text, created, seen)."""
    created_at = as_utc(r[9])
    assert created_at is not None  # a NOT NULL column
    on_inquiry = r[1] is not None
    return NoteRow(
        id=r[0],
        target=NoteTarget.INQUIRY if on_inquiry else NoteTarget.CUSTOMER,
        inquiry_id=r[1],
        buyer_id=r[2],
        buyer=r[3] or r[4],
        subject=r[5] if on_inquiry else "",
        author=r[6],
        to=r[7],
        text=r[8],
        created_at=created_at,
        seen_at=as_utc(r[10]),
    )


def notes_on_inquiry_in(conn: Reader, inquiry_id: int) -> tuple[NoteRow, ...]:
    """The notes on INQUIRY_ID, oldest first, in the caller's read; the caller has checked that the actor may see it."""
    return tuple(map(note_row, q_thread.notes_on(conn, inquiry_id)))
