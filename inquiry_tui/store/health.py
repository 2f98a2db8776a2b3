"""Is this file a store, and is it whole? The checks made before a store is used, and what a damaged one says.

- A path given as a store must be an SQLite database: an empty file or another kind of file is
  refused, never turned into a new store (`init` alone makes stores).
- SQLite's `PRAGMA quick_check` (every page and index, without comparing index contents) runs
  on opening a small store, where it costs a few milliseconds, and always before a backup, an
  upgrade and a copy; `db check` runs the full set.
- "database disk image is malformed" (SQLITE_CORRUPT) or "file is not a database"
  (SQLITE_NOTADB), met at any time, becomes one error saying what to do, and a marker beside the
  store (`STORE.damaged`) makes every process refuse to write to it from then on.
- A store this OS user may only read (its file or its folder not writable) is opened read-only
  (SQLite's `mode=ro`, or `immutable=1` when no other process has it open: SQLite cannot share
  the WAL's index without writing it) and every write is refused with one line
  (`StoreReadOnly`).
- On a full disk a connection that cannot make the WAL's index (`-shm`, 32 KB) reads the file as
  it is (`immutable=1`) when no WAL holds pages the file lacks: reads keep working, and every
  write says "the disk is full (N MB free ...)" (`StoreDiskFull`); once a megabyte more is free the
  next use of the connection opens it anew.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import weakref
from pathlib import Path
from typing import Any

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.store.hint_fallback import FallbackConnection

# Up to this size a quick_check on open is cheap (it reads every page: ~30 ms for 32 MB from the page cache).
QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024
RESTORE_HINT = (
    "stop using it and restore the last backup (`inquiry-tui --db NEW.db db restore BACKUP.tar`); "
    "`inquiry-tui db check` lists what is wrong"
)
_CORRUPT = ("database disk image is malformed", "file is not a database", "malformed database schema")


class StoreDamaged(InquiryError):
    """The store's file is damaged; nothing more is written to it."""

    def __init__(self, path: Path | str, detail: str = "") -> None:
        what = f" ({first_finding(detail)})" if detail else ""
        super().__init__(f"the store {path} is damaged{what}; {RESTORE_HINT}")


def first_finding(text: str) -> str:
    """The first thing SQLite's report names, on one line (its reports start with a header line)."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("***")]
    return (lines[0] if lines else text.strip())[:160]


SQLITE_NOTADB = 26  # "file is not a database"
READ_ONLY = "the store is read-only for you"


class StoreReadOnly(InquiryError):
    """A write to a store this OS user may only read: refused, nothing changed."""

    def __init__(self, path: Path | str, why: str) -> None:
        super().__init__(
            f"{READ_ONLY}: {why}; nothing was changed (you can look; its owner can share it with "
            f'`inquiry-tui --db {path} db share GROUP`, README "Running it for a team")'
        )


FULL_BELOW_BYTES = 16 * 1024 * 1024  # "disk I/O error" with less free than this is a full disk (the WAL could not grow)


def free_bytes(path: Path) -> int | None:
    """Bytes free on the disk of the store file PATH (None when it cannot be told)."""
    try:
        return shutil.disk_usage(path.parent if str(path.parent) else Path(".")).free
    except OSError:
        return None


def disk_full_text(path: Path, free: int) -> str:
    return (
        f"the disk is full ({free / 1024 / 1024:.0f} MB free at {path.parent}); "
        "nothing was changed: free some space and try again"
    )


class StoreDiskFull(InquiryError):
    """A write to a store whose disk is full (read through `FullDiskConnection`): refused, nothing changed."""

    def __init__(self, path: Path, free: int) -> None:
        super().__init__(disk_full_text(path, free))


class FullDiskConnection(FallbackConnection):
    """A connection opened read-only because the disk had no room for the WAL's index (`full_disk_read_uri`)."""

    free_then = 0  # bytes free when it was opened: the pool opens it anew once the disk has ROOM_AGAIN more


ROOM_AGAIN = 1024 * 1024


def full_disk_read_uri(path: Path, error: BaseException) -> str | None:
    """The URI to read PATH by when opening it failed for want of space (ERROR), or None.

    Reading the file as it is (`immutable=1`, no WAL index to write) is right only when no WAL holds
    committed pages the file lacks: the WAL is gone or empty, as after the last session closed."""
    message = str(error)
    if "disk I/O error" not in message and "database or disk is full" not in message:
        return None
    free = free_bytes(path)
    if free is None or free > FULL_BELOW_BYTES:
        return None  # an I/O error with room to spare: a failing disk, not a full one
    wal = path.with_name(path.name + "-wal")
    with contextlib.suppress(OSError):
        if wal.stat().st_size > 0:
            return None
    return f"{path.resolve().as_uri()}?mode=ro&immutable=1"


def unwritable_reason(path: Path) -> str | None:
    """Why this process may not write the store file PATH (the file or its folder not writable), or None.

    The folder counts: SQLite writes the WAL and its index beside the file. (Root may write anything.)"""
    folder = path.parent if str(path.parent) else Path(".")
    for what, p in (("its file", path), ("its folder", folder)):
        if p.exists() and not os.access(p, os.W_OK):
            return f"{what} {_mode(p)} is not writable by OS user {_me()}"
    return None


def _mode(p: Path) -> str:
    try:
        st = p.stat()
    except OSError:
        return str(p)
    return f"{p} (mode {stat.S_IMODE(st.st_mode):o})"


def _me() -> str:
    import pwd

    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def read_only_uri(path: Path) -> str:
    """A URI opening PATH read-only. `mode=ro` needs the WAL and its index (`-shm`) to exist, as they do while
    another process has the store open; without them SQLite would have to create them (it cannot, in a folder
    this user may not write), so the file is read as it is (`immutable=1`: no other process is writing it)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
    return uri if wal.exists() and shm.exists() else uri + "&immutable=1"


def is_read_only_error(error: BaseException) -> bool:
    """Whether a database error says the store cannot be written (SQLITE_READONLY and its kinds)."""
    orig = getattr(error, "orig", None) or error
    code = getattr(orig, "sqlite_errorcode", None)
    return (code is not None and code & 0xFF == sqlite3.SQLITE_READONLY) or "readonly database" in str(orig)


# Engines over a store this OS user may only read (make_engine): caches kept in the store are not written.
_READ_ONLY_STORES: weakref.WeakSet[Any] = weakref.WeakSet()


def opened_read_only(engine: Any) -> None:
    _READ_ONLY_STORES.add(engine)


def is_read_only_store(engine: Any) -> bool:
    return engine in _READ_ONLY_STORES


def not_a_store(path: Path) -> str | None:
    """Why the existing file PATH cannot be a store (empty, or not an SQLite database), or None.

    The header is read by SQLite, never by opening the file here: closing any descriptor of a
    database file drops every POSIX lock this process holds on it, its SQLite connections' too,
    and another process may then delete the WAL under them ("disk I/O error").
    """
    try:
        st = path.stat()
    except OSError:
        return None  # unreadable: the open that follows names the problem (permissions)
    if stat.S_ISDIR(st.st_mode):
        return f"{path} is a folder, not a store file"
    if st.st_size == 0:
        return f"{path} is an empty file, not an inquiry-tui store; create a store with `inquiry-tui init`"
    conn = None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) == SQLITE_NOTADB or "not a database" in str(exc):
            return f"{path} is not an inquiry-tui store (not an SQLite database); check --db"
        return None  # busy, unreadable: the open that follows names it
    finally:
        if conn is not None:
            conn.close()
    return None


def is_corruption(error: BaseException) -> bool:
    """Whether a database error says the file is damaged."""
    orig = getattr(error, "orig", None) or error
    code = getattr(orig, "sqlite_errorcode", None)
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return True
    return any(text in str(orig) for text in _CORRUPT)


# Engines that may still open a store marked damaged: `db check`'s, which is there to look at it.
_LOOKING: weakref.WeakSet[Any] = weakref.WeakSet()


def allow_damaged(engine: Any) -> None:
    _LOOKING.add(engine)


def may_write(engine: Any, path: Path) -> None:
    """Refuse a write transaction on a store marked damaged (by this process or another), except to look at it."""
    if engine not in _LOOKING:
        refuse_if_marked(path)


def marker(path: Path) -> Path:
    return path.with_name(path.name + ".damaged")


def mark_damaged(path: Path, detail: str) -> None:
    """Leave the marker that stops every process writing to the store (best effort: a read-only folder keeps none)."""
    with contextlib.suppress(OSError):
        marker(path).write_text(detail[:500] + "\n", encoding="utf-8")


def refuse_if_marked(path: Path) -> None:
    try:
        found = marker(path).read_text(encoding="utf-8").strip()
    except OSError:
        return
    raise StoreDamaged(path, found)


def quick_check(path: Path) -> list[str]:
    """SQLite's quick_check of the file (read-only, no lock that writers wait on): [] when whole, else its findings."""
    conn = None
    try:
        uri = read_only_uri(path) if unwritable_reason(path) else f"file:{path}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=10)
        found = [str(row[0]) for row in conn.execute("PRAGMA quick_check(20)")]
    except sqlite3.Error as exc:
        # Damage is a finding; anything else (a folder this user cannot write, a busy file) is for the
        # open that follows to name.
        return [str(exc)] if is_corruption(exc) else []
    finally:
        if conn is not None:
            conn.close()
    return [] if found == ["ok"] else found


def require_whole(path: Path) -> None:
    """Refuse a damaged store (quick_check), marking it so that no process writes to it any more."""
    refuse_if_marked(path)
    problems = quick_check(path)
    if problems:
        detail = first_finding("\n".join(problems))
        mark_damaged(path, detail)
        raise StoreDamaged(path, detail)


def check_on_open(path: Path) -> None:
    """What opening a store checks: the marker always; quick_check when the store is small enough for it to be cheap."""
    refuse_if_marked(path)
    try:
        small = path.stat().st_size <= QUICK_CHECK_MAX_BYTES
    except OSError:
        return
    if small:
        require_whole(path)
