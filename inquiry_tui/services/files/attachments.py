"""Attachments: files on messages, under the cleaned name they came with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select
from sqlmodel import Session

from inquiry_tui.domain.filenames import safe_filename
from inquiry_tui.services.files import blobs
from inquiry_tui.store.core import run_dml, table_of
from inquiry_tui.store.models import Attachment, StoredFile

_a = table_of(Attachment)
_f = table_of(StoredFile)


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    message_id: int
    name: str  # cleaned; still from outside: show through safe_text
    sha256: str
    size: int
    mime: str


def attach(
    conn: Session | Connection,
    url: str,
    message_id: int,
    name: str,
    data: bytes,
    *,
    at: object,
    max_bytes: int = blobs.DEFAULT_MAX_BYTES,
) -> AttachmentInfo:
    """Store DATA and put it on MESSAGE_ID as NAME (cleaned), in the caller's transaction."""
    info = blobs.put(conn, url, data, at=at, max_bytes=max_bytes)
    clean = safe_filename(name)
    new_id = run_dml(
        conn, insert(_a).values(message_id=message_id, sha256=info.sha256, name=clean)
    ).inserted_primary_key
    assert new_id is not None  # a single-row INSERT always has its key
    return AttachmentInfo(int(new_id[0]), message_id, clean, info.sha256, info.size, info.mime)


def attachments_of(conn: Session | Connection, message_ids: Iterable[int]) -> dict[int, list[AttachmentInfo]]:
    """The attachments of each message, in the order they were added."""
    ids = sorted(set(message_ids))
    out: dict[int, list[AttachmentInfo]] = {}
    if not ids:
        return out
    query = (
        select(_a.c.id, _a.c.message_id, _a.c.name, _a.c.sha256, _f.c.size, _f.c.mime)
        .join(_f, _f.c.sha256 == _a.c.sha256)
        .where(_a.c.message_id.in_(ids))
        .order_by(_a.c.id)
    )
    for r in conn.execute(query):
        out.setdefault(r.message_id, []).append(AttachmentInfo(r.id, r.message_id, r.name, r.sha256, r.size, r.mime))
    return out
