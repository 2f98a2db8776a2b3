"""SQLite WAL checkpoints off the writers' path: a background thread per write engine, and one on close.

SQLite's automatic checkpoint runs inside the commit of whichever write crosses 1,000 WAL pages,
so about one arrival in twenty-five paid for copying the WAL back into the database file (its
p95 was the checkpoint). The app's connections turn it off (`PRAGMA wal_autocheckpoint=0`,
store/engine.py) and each write engine gets a `Checkpointer` instead:

- after a write transaction commits and its connection goes back to the pool, the WAL's size is
  read (one `stat`); past `threshold` bytes (SQLite's own 1,000 pages of 4 KiB by default) a
  daemon thread is woken that runs `PRAGMA wal_checkpoint(PASSIVE)` on a connection of its own.
  PASSIVE never waits for readers or writers and holds no write lock, so arrivals keep
  committing while it copies; the next writer after a complete checkpoint starts the WAL over.
- the file's size only tells how much the WAL holds if a restart shrinks it: SQLite writes a
  restarted WAL over the old frames from the start and leaves the file as long as it was, so a
  WAL once past the threshold (an import, a checkpoint held back by a reader) would wake the
  thread after every commit for good (539 checkpoints for 600 single arrivals at 100k, each one
  copying a commit's few pages and syncing, on the cores the writer needs). The write engine's
  connections therefore set `PRAGMA journal_size_limit` below the threshold (`wal_size_limit`):
  SQLite truncates the file to it at the first commit after a restart, and from there the file
  grows with the WAL. What counts is the part past the offset the last checkpoint copied up to
  (`pending`: checkpoints answer how many frames they copied), so the `stat` wakes the thread
  once per `threshold` bytes written, whether the WAL restarts in between or not.
- under back-to-back writes the WAL never restarts by itself (a writer starts it over only if
  everything was copied when its transaction began, and the next one always begins first), so
  once it is `restart_bytes` long, a writing thread copies the little that is left itself,
  between two transactions (`after_commit`): the WAL stays bounded.
  (Reading the WAL index in the -shm file would say the same, but a process must never open and
  close SQLite's files itself: closing any descriptor of a file drops every POSIX lock the
  process holds on it, SQLite's included.)
- `Engine.dispose()` (`Ctx.close`, the end of every CLI command) stops the thread and runs one
  PASSIVE checkpoint in the closing thread, so a process that wrote leaves the WAL checkpointed.

The WAL therefore stays near `threshold` plus what commits while a checkpoint runs. As with
SQLite's automatic checkpoint, a reader holding an old snapshot keeps the frames after it in the
WAL until it ends (PASSIVE copies what it can and the next wake-up copies the rest). Readers
and backups (the backup API reads through the WAL) see every committed write either way.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from dataclasses import dataclass

DEFAULT_THRESHOLD = 1_000 * 4_096  # bytes: SQLite's own auto-checkpoint point (1,000 pages of 4 KiB)
MAX_WAL_BYTES = 64 * 1024 * 1024  # the most a restarted WAL file keeps (a threshold above it is not capped)


def wal_size_limit(threshold: int) -> int:
    """`PRAGMA journal_size_limit` for a write engine checkpointing past THRESHOLD bytes: half of it.

    Below the threshold, so a restarted WAL's file is under it until the WAL itself has grown
    past it; not 0, so each restart does not give back the whole file only to grow it again.
    """
    return min(MAX_WAL_BYTES, threshold // 2)


@dataclass
class CheckpointStats:
    """What the checkpoints of one engine did (benchmarks print it)."""

    runs: int = 0  # the thread's and the writers' (below)
    cpu_seconds: float = 0.0  # CPU time of the checkpoints
    wall_seconds: float = 0.0
    by_writers: int = 0  # of RUNS: the short ones a writing thread ran itself so that the WAL could restart


WAL_HEADER, FRAME_HEADER = 32, 24  # bytes: the WAL file's header and each frame's (SQLite's file format)
RESTART_FACTOR = 4  # a WAL this many thresholds long that never restarts gets the writers' help (below)


class Checkpointer:
    """Checkpoints the WAL of one SQLite file from a daemon thread whenever THRESHOLD more bytes of it await one."""

    def __init__(
        self,
        path: str,
        *,
        threshold: int = DEFAULT_THRESHOLD,
        busy_timeout_ms: int = 10_000,
        restart_bytes: int | None = None,
    ) -> None:
        self.path, self.wal, self.threshold, self.busy_timeout_ms = path, f"{path}-wal", threshold, busy_timeout_ms
        self.restart_bytes = restart_bytes if restart_bytes is not None else RESTART_FACTOR * threshold
        self.stats = CheckpointStats()
        self.idle = threading.Event()  # set while no checkpoint is pending or running (tests and close wait on it)
        self.idle.set()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._copied_to = 0  # the WAL file offset up to which this process's last checkpoint copied the frames
        self._copied_frames = -1
        self._frame_bytes = 0
        self._helped_at = 0  # the WAL's size when a writer last checkpointed it itself (after_commit)

    def wal_size(self) -> int:
        try:
            return os.stat(self.wal).st_size
        except OSError:
            return 0

    def pending(self, size: int) -> int:
        """Bytes of a WAL file of SIZE that no checkpoint has copied yet, as far as this process can tell.

        Frames are appended, so past the offset the last checkpoint copied to, the file is what
        is new. A file found shorter than that offset was restarted (and cut back to
        `journal_size_limit`) since: from then on all of it is new. Every commit of this process
        asks, so the first one after a restart sees the file cut back.
        """
        with self._lock:
            if size < self._copied_to:
                self._copied_to = 0
            return size - self._copied_to

    def after_commit(self, conn: sqlite3.Connection | None = None) -> None:
        """A write committed on CONN (now back in the pool): wake the thread if THRESHOLD bytes await a checkpoint.

        One `stat` here, nothing more, except in one case: a WAL RESTART_BYTES long whose
        checkpoints keep up (less than THRESHOLD awaits one) but which never restarts, because
        each write transaction began before the checkpoint of the one before it ended (the next
        writer starts the WAL over only if everything was copied when it began). Then the writing
        thread, between two of its transactions and while the thread is idle, copies that rest
        itself, so that its next transaction restarts the WAL: the WAL stays bounded under
        back-to-back writes too, and one commit per RESTART_BYTES of WAL pays for a checkpoint of
        less than THRESHOLD bytes. If the WAL still did not restart (a reader on an old snapshot),
        it tries again THRESHOLD bytes later, not after every commit.
        """
        size = self.wal_size()
        pending = self.pending(size)
        if pending >= self.threshold:
            with self._lock:
                if self._closed:
                    return
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="inquiry-tui-checkpoint", daemon=True)
                    self._thread.start()
                self.idle.clear()
                self._wake.set()
            return
        if conn is None or not self.idle.is_set():
            return
        if size < self._helped_at:
            self._helped_at = 0  # the WAL restarted (and was cut back) since the last such help
        if size >= max(self.restart_bytes, self._helped_at + self.threshold):  # once more only if it did not restart
            self._helped_at = size
            self.stats.by_writers += 1
            self._checkpoint(conn)

    def checkpoint(self) -> tuple[int, int, int] | None:
        """One PASSIVE checkpoint now, in this thread: (busy, WAL frames, frames copied), or None if it failed."""
        conn = self._connect()
        try:
            return self._checkpoint(conn)
        finally:
            conn.close()

    def close(self) -> None:
        """Stop the thread (after the checkpoint it is running) and checkpoint what is left, in this thread."""
        with self._lock:
            self._closed = True
            thread, self._thread = self._thread, None
            self._wake.set()
        if thread is not None:
            thread.join()
        if self.wal_size() > 0:
            self.checkpoint()
        self.idle.set()
        with self._lock:
            self._closed = False  # a disposed engine can still be used: a later commit starts the thread again

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None)
        conn.execute("PRAGMA wal_autocheckpoint=0")
        return conn

    def _checkpoint(self, conn: sqlite3.Connection) -> tuple[int, int, int] | None:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            if not self._frame_bytes:
                self._frame_bytes = int(conn.execute("PRAGMA page_size").fetchone()[0]) + FRAME_HEADER
            row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            return None  # a locked or vanished file: the next commit past the threshold tries again
        finally:
            self.stats.runs += 1
            self.stats.cpu_seconds += time.thread_time() - cpu
            self.stats.wall_seconds += time.perf_counter() - wall
        if not row:
            return None
        busy, frames, copied = int(row[0]), int(row[1]), int(row[2])
        if frames >= 0 and copied >= 0:  # -1: another checkpoint was running
            with self._lock:
                # A reader on an old snapshot keeps the frames after it; if that is why nothing more was
                # copied, try again once THRESHOLD more bytes have come, not after every commit.
                stuck = copied < frames and copied == self._copied_frames
                self._copied_frames = copied
                self._copied_to = WAL_HEADER + (frames if stuck else copied) * self._frame_bytes
        return busy, frames, copied

    def _run(self) -> None:
        conn = self._connect()
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._closed:
                    return
                self._checkpoint(conn)
                with self._lock:
                    if not self._wake.is_set():
                        self.idle.set()
        finally:
            conn.close()
