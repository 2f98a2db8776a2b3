"""What the thread shows of a message's files: `AttachmentInfo`, read for many messages in one query.

Kept apart from services/files/attachments.py (attaching, saving, listing: the ORM's models) so
that the inbox's thread pane reads them in plain SQL without loading SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from inquiry_tui.store.plain_sql import Reader
from inquiry_tui.store.queries import thread as q_thread


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    message_id: int
    name: str  # cleaned; still from outside: show through safe_text
    sha256: str
    size: int
    mime: str  # sniffed from the content


def attachments_of(conn: Reader, message_ids: Iterable[int]) -> dict[int, list[AttachmentInfo]]:
    """The attachments of each message, in the order they were added (one query, no file read)."""
    ids = sorted(set(message_ids))
    out: dict[int, list[AttachmentInfo]] = {}
    for r in q_thread.attachments_of(conn, ids) if ids else ():
        out.setdefault(r[1], []).append(AttachmentInfo(*r))
    return out
