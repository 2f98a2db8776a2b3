"""Attachments: files on messages, under the cleaned name they came with; listing one inquiry's and saving one.

A message gets its files in the transaction that writes it: an import (staged files, see
blobs), a reply or a chat line (a disk entry or a local file, `AttachmentSource`). A
salesperson sees and saves the attachments of the inquiries they own; the admin all of them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select
from sqlmodel import Session

from inquiry_tui.domain.errors import InquiryError, NotFound, ValidationError
from inquiry_tui.domain.filenames import safe_filename, user_path
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import blobs
from inquiry_tui.services.files.attachment_info import AttachmentInfo as AttachmentInfo
from inquiry_tui.services.files.attachment_info import attachments_of as attachments_of
from inquiry_tui.store.core import run_dml, table_of
from inquiry_tui.store.models import Attachment, DiskFile, Inquiry, Message, StoredFile

_a = table_of(Attachment)
_f = table_of(StoredFile)
_m = table_of(Message)
_i = table_of(Inquiry)
_d = table_of(DiskFile)


class FileExists(ValidationError):
    """Saving would overwrite a file and `force` was not given."""


@dataclass(frozen=True)
class AttachmentRow:
    """One attachment of an inquiry (`attachment list`), with the message it is on."""

    id: int
    inquiry_id: int
    message_id: int
    direction: str  # of the message: in | out | auto
    sent_at: datetime
    name: str  # untrusted
    size: int
    mime: str
    sha256: str
    added_by: str | None


@dataclass(frozen=True)
class SavedFile:
    path: Path
    size: int
    name: str


@dataclass(frozen=True)
class FromDisk:
    """Attach a cloud disk entry (shared, or in a private folder the actor may use)."""

    entry_id: int


@dataclass(frozen=True)
class FromPath:
    """Attach a local file (its name, cleaned, unless NAME is given)."""

    path: Path
    name: str | None = None


AttachmentSource = FromDisk | FromPath


def attach(
    conn: Session | Connection,
    url: str,
    message_id: int,
    name: str,
    data: bytes,
    *,
    at: datetime,
    max_bytes: int = blobs.DEFAULT_MAX_BYTES,
    by: str | None = None,
) -> AttachmentInfo:
    """Store DATA and put it on MESSAGE_ID as NAME (cleaned), in the caller's transaction."""
    info = blobs.put(conn, url, data, at=at, max_bytes=max_bytes)
    return _row(conn, message_id, name, info, at, by)


def _row(
    conn: Session | Connection, message_id: int, name: str, info: blobs.FileInfo, at: datetime, by: str | None
) -> AttachmentInfo:
    clean = safe_filename(name)
    new_id = run_dml(
        conn,
        insert(_a).values(message_id=message_id, sha256=info.sha256, name=clean, added_at=at, added_by=by),
    ).inserted_primary_key
    assert new_id is not None  # a single-row INSERT always has its key
    return AttachmentInfo(int(new_id[0]), message_id, clean, info.sha256, info.size, info.mime)


def attach_staged(
    conn: Connection, root: Path, rows: Sequence[tuple[int, str, blobs.Staged]], *, at: datetime, by: str | None
) -> int:
    """Commit staged files (blobs.commit_many) and put each on its message: (message id, name, staged) rows of an import."""
    infos = blobs.commit_many(conn, root, [staged for _, _, staged in rows], at=at)
    values = [
        {"message_id": message_id, "sha256": info.sha256, "name": safe_filename(name), "added_at": at, "added_by": by}
        for (message_id, name, _), info in zip(rows, infos, strict=True)
    ]
    if values:
        conn.execute(insert(_a), values)
    return len(values)


def attach_source(
    session: Session, ctx: Ctx, message_id: int, source: AttachmentSource, *, max_bytes: int
) -> AttachmentInfo:
    """Put a disk entry or a local file on MESSAGE_ID, in the caller's transaction (a reply, a chat line)."""
    now = ctx.now()
    if isinstance(source, FromDisk):
        entry = session.execute(
            select(_d.c.name, _d.c.sha256, _d.c.owner_id, _d.c.deleted_at).where(_d.c.id == source.entry_id)
        ).first()
        if entry is None or entry.deleted_at is not None or not _may_use(ctx, entry.owner_id):
            raise NotFound(f"no file {source.entry_id} on the cloud disk")
        row = session.execute(select(_f.c.size, _f.c.mime).where(_f.c.sha256 == entry.sha256)).one()
        info = blobs.FileInfo(entry.sha256, row.size, row.mime)
        return _row(session, message_id, entry.name, info, now, ctx.actor.login)
    root = blobs.files_dir(ctx.url)
    staged = blobs.stage_path(root, source.path, max_bytes=max_bytes)
    try:
        info = blobs.commit(session, root, staged, at=now)
    finally:
        blobs.discard(staged)
    return _row(session, message_id, source.name or source.path.name, info, now, ctx.actor.login)


def _may_use(ctx: Ctx, owner_id: int | None) -> bool:
    return owner_id is None or ctx.actor.is_admin or owner_id == ctx.actor.id


def _visible_inquiry(session: Session, ctx: Ctx, inquiry_id: int) -> None:
    owner = session.execute(select(_i.c.owner_id).where(_i.c.id == inquiry_id)).scalar_one_or_none()
    if owner is None or (not ctx.actor.is_admin and owner != ctx.actor.id):
        raise NotFound(f"no inquiry {inquiry_id}")


def list_attachments(ctx: Ctx, inquiry_id: int) -> list[AttachmentRow]:
    """Every attachment of one inquiry, oldest message first (`attachment list`)."""
    with ctx.read() as session:
        _visible_inquiry(session, ctx, inquiry_id)
        query = (
            select(
                _a.c.id,
                _m.c.inquiry_id,
                _a.c.message_id,
                _m.c.direction,
                _m.c.sent_at,
                _a.c.name,
                _f.c.size,
                _f.c.mime,
                _a.c.sha256,
                _a.c.added_by,
            )
            .join(_m, _m.c.id == _a.c.message_id)
            .join(_f, _f.c.sha256 == _a.c.sha256)
            .where(_m.c.inquiry_id == inquiry_id)
            .order_by(_m.c.sent_at, _a.c.id)
        )
        return [AttachmentRow(*r) for r in session.execute(query)]


def attachment(ctx: Ctx, attachment_id: int) -> AttachmentRow:
    """One attachment the actor may see (NotFound otherwise)."""
    with ctx.read() as session:
        found = session.execute(
            select(_m.c.inquiry_id).join(_a, _a.c.message_id == _m.c.id).where(_a.c.id == attachment_id)
        ).first()
        if found is None:
            raise NotFound(f"no attachment {attachment_id}")
        try:
            _visible_inquiry(session, ctx, found.inquiry_id)
        except NotFound:
            raise NotFound(f"no attachment {attachment_id}") from None
    return next(r for r in list_attachments(ctx, found.inquiry_id) if r.id == attachment_id)


def save_attachment(ctx: Ctx, attachment_id: int, path: Path, *, force: bool = False) -> SavedFile:
    """Write one attachment to PATH (a file, or a folder to put it in under its name); never over a file without FORCE."""
    row = attachment(ctx, attachment_id)
    return save_stored(ctx, row.sha256, row.name, path, force=force)


def save_stored(ctx: Ctx, sha256: str, name: str, path: Path, *, force: bool) -> SavedFile:
    """Copy a stored file to PATH atomically, its hash checked on the way (shared with the disk's save)."""
    target = user_path(path)
    if target.is_dir():
        target = target / safe_filename(name)
    if target.exists() and not force:
        raise FileExists(f"{target} exists; choose another name or overwrite it with --force")
    if target.exists() and not target.is_file():
        raise ValidationError(f"{target} is not a regular file; it cannot be overwritten")
    if not target.parent.is_dir():
        raise ValidationError(f"{target.parent}: no such folder")
    source = blobs.blob_path(blobs.files_dir(ctx.url), sha256)
    digest = hashlib.sha256()
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:40]}.", suffix=".part")
    except OSError as exc:
        raise ValidationError(f"{target.parent}: cannot be written ({exc.strerror or exc})") from None
    tmp = Path(tmp_name)
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                handle = source.open("rb")
            except FileNotFoundError:
                raise InquiryError(
                    f"the file {sha256[:12]} is missing from the file store; restore it from a backup"
                ) from None
            with handle:
                while chunk := handle.read(1024 * 1024):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha256:
            raise InquiryError(f"the file {sha256[:12]} in the file store is damaged; restore it from a backup")
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # fails if a file appeared there meanwhile: never overwritten
            except FileExistsError:
                raise FileExists(f"{target} exists; choose another name or overwrite it with --force") from None
            tmp.unlink()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return SavedFile(target, size, name)
