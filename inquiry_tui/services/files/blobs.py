"""The file store: bytes kept by their sha256 beside the store, written atomically, one copy per content.

Layout: for a store `/srv/team/inquiries.db` the files live in `/srv/team/inquiries.files/`,
each at `ab/abcdef...` (the first two hex digits of its sha256 as a folder). A PostgreSQL
store has no file beside it: its files live in the folder named by `INQUIRY_TUI_FILES`, which
every host running the app mounts (a path is per host, so it is not a store setting).

Writing is in two steps. `stage` copies the bytes (from memory, a base64 field or a local
file, never more than one file in memory) to a temporary name in `tmp/`, hashing and sniffing
them on the way, and flushes it to disk. `commit`, inside the caller's write transaction,
first inserts the `stored_file` row (which takes the store's write lock, see
store.queries.files), then renames the staged file into place under its hash (or drops it
when that content is already there). The row is visible only once the transaction commits,
after the rename: a crash (even kill -9) can leave an unreferenced file or a staged one (a
purge removes both) but never a row without its file or a half file under a hash. The type
is sniffed from the content, never taken from the name.

An import stages many files (`sync=False`: the kernel starts writing each one back at once,
without waiting) and commits them together with `commit_many`: every staged file not fsynced
when it was staged is fsynced before it is renamed under its hash, and each folder that got a
new name is fsynced once before the transaction that names the files commits. (`import maildir`
stages with `sync=True` in its parsing workers, so the fsyncs wait there, in parallel, not in
the one process that writes.) The order on disk is the same as one
file at a time (content, then name, then row); only the waiting is batched.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import re
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from inquiry_tui.domain.errors import InquiryError, NotFound, ValidationError
from inquiry_tui.domain.filenames import user_path
from inquiry_tui.domain.files import EXECUTABLE_TYPES, MB, check_file_size
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.core import table_of
from inquiry_tui.store.migrate import sqlite_path
from inquiry_tui.store.models import StoredFile
from inquiry_tui.store.queries.files import lock_files
from inquiry_tui.store.sharing import current_umask

ENV_FILES = "INQUIRY_TUI_FILES"  # where the files of a server store (PostgreSQL) live
DEFAULT_MAX_MB = 25
DEFAULT_MAX_BYTES = DEFAULT_MAX_MB * MB
STAGING = "tmp"
_CHUNK = 1024 * 1024
_SPACE = re.compile(r"\s")
_SNIFF = 65536
FSYNC_THREADS = 16  # commit_many: fsyncs waiting on the disk at once

_t = table_of(StoredFile)


@dataclass(frozen=True)
class FileInfo:
    sha256: str
    size: int
    mime: str


@dataclass(frozen=True)
class Staged:
    """Bytes written to a temporary file of the file store, not yet under their hash (see `commit`)."""

    path: Path
    info: FileInfo
    synced: bool = False  # fsynced when staged (commit_many need not)


def files_dir(url: str) -> Path:
    """The folder of the file store that belongs to the store at URL."""
    path = sqlite_path(url)
    if path is not None:
        return path.with_name(path.stem + ".files")
    configured = os.environ.get(ENV_FILES)
    if not configured:
        raise InquiryError(f"this store keeps no files beside it; set {ENV_FILES} to the folder shared by its users")
    return user_path(configured)


def blob_path(root: Path, sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValidationError(f"not a sha256: {sha256[:80]!r}")
    return root / sha256[:2] / sha256


def sniff(data: bytes) -> str:
    """The media type of DATA (the first bytes of a file) from its content (magic numbers), never from a name."""
    head = data[:_SNIFF]
    if head.startswith(b"\x7fELF"):
        return "application/x-executable"
    if head.startswith(b"MZ"):
        return "application/x-msdownload"  # a Windows program (PE), whatever its name says
    if head[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xca\xfe\xba\xbe"):
        return "application/x-mach-binary"
    for magic, mime in _PLAIN_MAGIC:  # the common kinds, without puremagic's scan of every signature
        if head.startswith(magic):
            return mime
    if head.startswith(b"PK\x03\x04"):
        for marker, mime in _OFFICE:
            if marker in head:
                return mime
        return "application/zip"
    import puremagic  # imported here: only file work needs it

    try:
        matches = puremagic.magic_string(head) if head else []
    except puremagic.PureError:
        matches = []
    for match in matches:
        if match.mime_type:
            return str(match.mime_type)
    if head and b"\0" not in head:
        try:
            head.decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3:  # a character cut by the sniffing window
                return "text/plain"
    return "application/octet-stream"


_PLAIN_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_OFFICE = (
    (b"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (b"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)


# --- staging ------------------------------------------------------------------------------------


def _staged_from(root: Path, chunks: Iterator[bytes | memoryview], max_bytes: int, what: str, *, sync: bool) -> Staged:
    tmp_dir = root / STAGING
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="incoming-")
    tmp = Path(name)
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        os.fchmod(fd, 0o666 & ~current_umask())  # mkstemp makes 0600; in group mode every member reads it
        for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                check_file_size(size, max_bytes, what)
            if len(head) < _SNIFF:
                head += bytes(chunk[: _SNIFF - len(head)])
            digest.update(chunk)
            _write_all(fd, chunk)
        if sync:
            os.fsync(fd)
        else:
            _start_writeback(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return Staged(tmp, FileInfo(digest.hexdigest(), size, sniff(head)), synced=sync)


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _start_writeback(fd: int) -> None:
    # POSIX_FADV_DONTNEED makes Linux start writing the file's dirty pages back now, without
    # waiting for them (and drop them from the page cache once written: a staged copy is not
    # read again soon). The fsync before the rename (commit_many) then finds them written.
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):  # advice only
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def stage_bytes(
    root: Path, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "the file", sync: bool = True
) -> Staged:
    """DATA into the file store's staging folder (fsynced unless SYNC is false: commit_many fsyncs it)."""
    check_file_size(len(data), max_bytes, what)
    return _staged_from(root, iter((data,)), max_bytes, what, sync=sync)


def stage_base64(
    root: Path, text: str, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "the file", sync: bool = True
) -> Staged:
    """A base64 field decoded into the staging folder; not base64 (or padded wrong) is a ValidationError."""
    compact = "".join(text.split()) if _SPACE.search(text) else text  # wrapped lines; else no copy
    check_file_size(len(compact) * 3 // 4 - compact.count("="), max_bytes, what)  # before decoding a huge field
    try:
        data = base64.b64decode(compact, validate=True)  # decoded once, written from this buffer
    except (binascii.Error, ValueError):
        raise ValidationError("is not base64 (letters, digits, + and /, padded with =)") from None
    return _staged_from(root, iter((data,)), max_bytes, what, sync=sync)


def check_local_file(path: Path) -> int:
    """The size of the regular file at PATH; a missing path, a folder or an unreadable file is a ValidationError."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file") from None
    except OSError as exc:
        raise ValidationError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ValidationError(f"{path} is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise ValidationError(f"{path} is not a regular file")
    return st.st_size


def stage_path(root: Path, path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, sync: bool = True) -> Staged:
    """The local file at PATH copied into the staging folder, read once and streamed (never all in memory)."""
    size = check_local_file(path)
    check_file_size(size, max_bytes, str(path))
    try:
        handle = path.open("rb", buffering=0)
    except OSError as exc:
        raise ValidationError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    with handle:
        return _staged_from(root, _read_chunks(handle), max_bytes, str(path), sync=sync)


def _read_chunks(handle: BinaryIO) -> Iterator[memoryview]:
    # One buffer for the whole file: each chunk is hashed and written before the next is read.
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    while n := handle.readinto(view):  # type: ignore[attr-defined]  # a raw file has readinto
        yield view[:n]


def discard(staged: Staged) -> None:
    """Drop a staged file that will not be committed (the import failed)."""
    staged.path.unlink(missing_ok=True)


# --- committing ----------------------------------------------------------------------------------


def _conn(conn: Session | Connection) -> Connection:
    return conn.connection() if isinstance(conn, Session) else conn


_PLACED = threading.local()  # the list `noting_placed` fills in this thread, if any


@contextmanager
def noting_placed() -> Iterator[list[Path]]:
    """The files this thread moves into the file store meanwhile (`commit`, `commit_many`): a long transaction
    that fails (a seed) removes those no row names once it has rolled back (files.purge.drop_unreferenced)."""
    previous = getattr(_PLACED, "paths", None)
    paths: list[Path] = []
    _PLACED.paths = paths
    try:
        yield paths
    finally:
        _PLACED.paths = previous


def _placed(target: Path) -> None:
    paths = getattr(_PLACED, "paths", None)
    if paths is not None:
        paths.append(target)


def commit(conn: Session | Connection, root: Path, staged: Staged, *, at: object) -> FileInfo:
    """Record STAGED in the caller's transaction and move it into place under its hash (module docstring)."""
    c = _conn(conn)
    lock_files(c, exclusive=False)
    info = staged.info
    module = postgresql if c.dialect.name == "postgresql" else sqlite
    c.execute(
        module.insert(_t)
        .values(sha256=info.sha256, size=info.size, mime=info.mime, created_at=at)
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    target = blob_path(root, info.sha256)
    if target.is_file() and target.stat().st_size == info.size:
        staged.path.unlink(missing_ok=True)  # this content is kept already
        return info
    made = not target.parent.is_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged.path, target)
    _placed(target)
    fsync_dir(target.parent)
    if made:
        fsync_dir(root)  # the fan-out folder's own name
    return info


def commit_many(conn: Session | Connection, root: Path, staged: Sequence[Staged], *, at: object) -> list[FileInfo]:
    """`commit` for many files staged with `sync=False`: rows in one statement, fsyncs batched (module docstring)."""
    if not staged:
        return []
    c = _conn(conn)
    lock_files(c, exclusive=False)
    module = postgresql if c.dialect.name == "postgresql" else sqlite
    rows = {s.info.sha256: s.info for s in staged}
    c.execute(
        module.insert(_t).on_conflict_do_nothing(index_elements=["sha256"]),
        [{"sha256": i.sha256, "size": i.size, "mime": i.mime, "created_at": at} for i in rows.values()],
    )
    placing: dict[str, Staged] = {}
    for s in staged:
        target = blob_path(root, s.info.sha256)
        if s.info.sha256 in placing or (target.is_file() and target.stat().st_size == s.info.size):
            s.path.unlink(missing_ok=True)  # this content is kept already (or comes twice in this batch)
        else:
            placing[s.info.sha256] = s
    # The content is on disk before any name points at it.
    _each(fsync_path, [s.path for s in placing.values() if not s.synced])
    folders: set[Path] = set()
    made = False
    for sha, s in placing.items():
        target = blob_path(root, sha)
        if target.parent not in folders:
            if not target.parent.is_dir():
                target.parent.mkdir(parents=True, exist_ok=True)
                made = True
            folders.add(target.parent)
        os.replace(s.path, target)
        _placed(target)
    _each(fsync_dir, sorted(folders))  # each new name on disk once, before the transaction that names it commits
    if made:
        fsync_dir(root)  # and the fan-out folders made for them
    return [s.info for s in staged]


def _each(fsync: Callable[[Path], None], paths: Sequence[Path]) -> None:
    """FSYNC every path, several at once: each mostly waits on the disk (the journal commits them together)."""
    if len(paths) <= 1:
        for path in paths:
            fsync(path)
        return
    with ThreadPoolExecutor(max_workers=min(len(paths), FSYNC_THREADS), thread_name_prefix="fsync") as pool:
        list(pool.map(fsync, paths))  # raises the first failure


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def put(
    conn: Session | Connection, url: str, data: bytes, *, at: object, max_bytes: int = DEFAULT_MAX_BYTES
) -> FileInfo:
    """Keep DATA in the file store (once per content) and record it in the caller's transaction."""
    root = files_dir(url)
    staged = stage_bytes(root, data, max_bytes=max_bytes)
    try:
        return commit(conn, root, staged, at=at)
    finally:
        discard(staged)  # a no-op once committed (renamed or dropped)


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


def fsync_dir(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk too.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


__all__ = [
    "DEFAULT_MAX_BYTES",
    "ENV_FILES",
    "EXECUTABLE_TYPES",
    "FileInfo",
    "Staged",
    "blob_path",
    "check_local_file",
    "commit",
    "commit_many",
    "discard",
    "files_dir",
    "fsync_dir",
    "put",
    "read",
    "sniff",
    "stage_base64",
    "stage_bytes",
    "stage_path",
]
