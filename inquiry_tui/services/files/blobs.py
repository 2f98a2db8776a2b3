"""The file store: bytes kept by their sha256 beside the store, written atomically, one copy per content.

Layout: for a store `/srv/team/inquiries.db` the files live in `/srv/team/inquiries.files/`,
each at `ab/abcdef...` (the first two hex digits of its sha256 as a folder). A file is
written to a temporary name in `tmp/`, flushed to disk, then renamed into place, and only
then is its `stored_file` row written in the caller's transaction: a crash can leave an
unreferenced file (a purge removes it) but never a row without its file or a half file
under a hash. The type is sniffed from the content, never taken from the name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from inquiry_tui.domain.errors import InquiryError, NotFound, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.core import table_of
from inquiry_tui.store.migrate import sqlite_path
from inquiry_tui.store.models import StoredFile
from inquiry_tui.store.sharing import current_umask

ENV_FILES = "INQUIRY_TUI_FILES"  # where the files of a server store (PostgreSQL) live
DEFAULT_MAX_BYTES = 25 * 1024 * 1024

_t = table_of(StoredFile)


@dataclass(frozen=True)
class FileInfo:
    sha256: str
    size: int
    mime: str


def files_dir(url: str) -> Path:
    """The folder of the file store that belongs to the store at URL."""
    path = sqlite_path(url)
    if path is not None:
        return path.with_name(path.stem + ".files")
    configured = os.environ.get(ENV_FILES)
    if not configured:
        raise InquiryError(f"this store keeps no files beside it; set {ENV_FILES} to the folder shared by its users")
    return Path(configured).expanduser()


def blob_path(root: Path, sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValidationError(f"not a sha256: {sha256[:80]!r}")
    return root / sha256[:2] / sha256


def sniff(data: bytes) -> str:
    """The media type of DATA from its content (magic numbers), never from a name."""
    import puremagic  # imported here: only file work needs it

    try:
        matches = puremagic.magic_string(data[:8192]) if data else []
    except puremagic.PureError:
        matches = []
    for match in matches:
        if match.mime_type:
            return str(match.mime_type)
        if "ELF" in match.name:
            return "application/x-executable"
    if data and b"\0" not in data[:8192]:
        try:
            data[:8192].decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError:
            pass
    return "application/octet-stream"


def put(
    conn: Session | Connection, url: str, data: bytes, *, at: object, max_bytes: int = DEFAULT_MAX_BYTES
) -> FileInfo:
    """Keep DATA in the file store (once per content) and record it in the caller's transaction."""
    if len(data) > max_bytes:
        raise ValidationError(f"the file is {_mb(len(data))}, over the limit of {_mb(max_bytes)}")
    sha = hashlib.sha256(data).hexdigest()
    root = files_dir(url)
    target = blob_path(root, sha)
    if not (target.is_file() and target.stat().st_size == len(data)):
        _write_atomically(root, target, data)
    info = FileInfo(sha, len(data), sniff(data))
    dialect = conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    conn.execute(
        module.insert(_t)
        .values(sha256=sha, size=info.size, mime=info.mime, created_at=at)
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    return info


def read(ctx: Ctx, sha256: str) -> bytes:
    """The bytes of a stored file, checked against their hash (a damaged file is an error)."""
    with ctx.read() as session:
        known = session.execute(select(_t.c.size).where(_t.c.sha256 == sha256)).scalar_one_or_none()
    if known is None:
        raise NotFound(f"no stored file {sha256[:12]}")
    path = blob_path(files_dir(ctx.url), sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InquiryError(
            f"the file {sha256[:12]} is missing from {path.parent.parent}; restore it from a backup"
        ) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise InquiryError(f"the file {sha256[:12]} in {path.parent.parent} is damaged; restore it from a backup")
    return data


def _write_atomically(root: Path, target: Path, data: bytes) -> None:
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=tmp_dir, prefix="incoming-")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())  # mkstemp makes 0600; in group mode every member reads it
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk too.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
