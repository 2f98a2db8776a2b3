"""Colleagues' small writes go before a big import's next transaction (SQLite).

SQLite has one write lock and no queue: a writer that finds it taken sleeps in its busy handler
(up to 100 ms between tries) and tries again. A big import publishes in short transactions
(services/arrivals/publishing.py) and used to start its next one after a fixed pause; with many
colleagues writing at once some of them lost the race again and again until their busy timeout
ran out ("the store is busy").

The gate makes the import give way. Beside the store is a lock file, `<store>-writers` (made
with the store file's mode, like SQLite's `-wal` and `-shm`; sharing.store_files lists it):

- every write transaction holds a *shared* `flock` on it while it waits for the write lock
  (`BEGIN IMMEDIATE`), and drops it as soon as it has the lock: holding it says "I am waiting";
- before each of its transactions the import asks for an *exclusive* lock without blocking and
  waits (polling every POLL_SECONDS) until nobody is waiting, at most MAX_YIELD_SECONDS, so a
  steady stream of colleagues cannot hold the import up for ever; it releases the lock at once.

So a colleague waits at most for the import's transaction under way (about a quarter of a
second) and for the other colleagues ahead, never for a run of the import's transactions.

Among colleagues, SQLite's own busy handler is unfair: it sleeps longer the longer it has
waited (up to 100 ms between tries), so someone who has waited a second loses the lock to
everyone who arrives fresh. `take_write_lock` tries `BEGIN IMMEDIATE` every 1-4 ms instead (a
random pause, the same for every waiter however long it has waited), until the connection's
busy timeout; only then does the caller make SQLite's own last try.
`flock` locks belong to the open file description, so each thread opens the file for itself (a
thread waits on one transaction at a time);
they are not the POSIX (`fcntl`) locks SQLite keeps on the store, its WAL and its index, which
closing any descriptor of *those* files would drop (why this is a file of its own). Where the
file cannot be made or opened (a folder this user may only read), there is no gate and writes
behave as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import sqlite3
import threading
import time
from pathlib import Path

SUFFIX = "-writers"
POLL_SECONDS = 0.002
MAX_YIELD_SECONDS = 2.0
TRY_EVERY_SECONDS = (0.001, 0.004)  # a waiting writer's pause between two tries for the write lock
SQLITE_BUSY = 5


def gate_path(store: Path) -> Path:
    """The lock file beside STORE."""
    return store.with_name(store.name + SUFFIX)


def open_gate(store: Path) -> int | None:
    """A new descriptor of STORE's lock file (made if missing, with the store's mode), or None if there can be none."""
    path = gate_path(store)
    try:
        mode = os.stat(store).st_mode & 0o666
    except OSError:
        mode = 0o644
    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):  # flock needs no write access: another user's file will do
        try:
            fd = os.open(path, flags | os.O_CLOEXEC, mode)
        except OSError:
            continue
        if flags & os.O_CREAT:
            try:
                st = os.fstat(fd)
                if st.st_uid == os.geteuid() and st.st_mode & 0o666 != mode:
                    os.fchmod(fd, mode)  # the umask took bits the store file has (group mode needs them)
            except OSError:
                pass
        return fd
    return None


def close_gate(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


class _Held:
    """A thread's descriptor of one store's lock file (None: there can be none), closed with the thread."""

    def __init__(self, fd: int | None) -> None:
        self.fd = fd

    def __del__(self) -> None:
        if self.fd is not None:
            close_gate(self.fd)


_local = threading.local()


def thread_gate(store: Path) -> int | None:
    """This thread's descriptor of STORE's lock file, opened on first use."""
    gates: dict[Path, _Held] | None = getattr(_local, "gates", None)
    if gates is None:
        gates = _local.gates = {}
    held = gates.get(store)
    if held is None:
        held = gates[store] = _Held(open_gate(store))
    return held.fd


def _forget_in_child() -> None:
    # A forked child shares its parent's open file descriptions, and so their locks: it opens its own.
    _local.gates = {}


os.register_at_fork(after_in_child=_forget_in_child)


def waiting(fd: int) -> None:
    """This connection is about to wait for the write lock: say so (a shared lock; blocks only for an import's probe)."""
    fcntl.flock(fd, fcntl.LOCK_SH)


def done_waiting(fd: int) -> None:
    """This connection has the write lock, or gave up: no longer waiting."""
    fcntl.flock(fd, fcntl.LOCK_UN)


def yield_to_writers(fd: int, *, max_seconds: float = MAX_YIELD_SECONDS) -> float:
    """Wait until no connection is waiting for the write lock (at most MAX_SECONDS); the seconds waited."""
    started = time.perf_counter()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.perf_counter() - started >= max_seconds:
                break
            time.sleep(POLL_SECONDS)
            continue
        except OSError:
            break
        fcntl.flock(fd, fcntl.LOCK_UN)
        break
    return time.perf_counter() - started


def take_write_lock(raw: sqlite3.Connection, *, seconds: float) -> bool:
    """`BEGIN IMMEDIATE` on RAW, tried every 1-4 ms for SECONDS; whether it began.

    The caller turns SQLite's busy handler off first (`PRAGMA busy_timeout = 0`), so that each
    try answers at once, and makes the last try itself when this returns False: then an error
    other than "busy" (a read-only or damaged store) reaches it as its driver raises it, to be
    told as the store's error.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            raw.execute("BEGIN IMMEDIATE")
            return True
        except sqlite3.Error as exc:
            if (getattr(exc, "sqlite_errorcode", SQLITE_BUSY) & 0xFF) != SQLITE_BUSY:
                return False
        if time.monotonic() >= deadline:
            return False
        time.sleep(random.uniform(*TRY_EVERY_SECONDS))
