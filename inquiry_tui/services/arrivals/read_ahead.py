"""The publishing's next items made ready by a helper thread while the publishing thread waits in SQLite.

A big import's publishing thread spends part of each transaction inside single long SQLite
calls that release the GIL (the chunk's search index in one statement, the commit), and part of
the time between transactions reading the spool back (unpickling, rebuilding arrivals: Python).
`ReadAhead` runs the second during the first, on another core: the publishing thread opens a
window (`meanwhile`) around such a call, and a helper thread takes items from the spool into a
queue until the window closes or enough are ready; the publishing thread then takes them in the
same order as the spool gave them.

Only around calls that hold the GIL released for long: the sqlite3 module releases it around each
step of a statement and takes it back to bind the next row of an executemany, and a thread running
Python beside it makes every such step wait for the interpreter's switch interval (5 ms): a
50,000-row executemany took eight times as long beside a busy Python thread (docs/performance.md,
"Import near the floor, session 10"). While a window is open the switch interval is short, so
the publishing thread gets the GIL back soon after its call returns.
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")

SWITCH_WHILE_OPEN = 0.0005  # seconds: the interpreter's switch interval while a window is open (usually 0.005)


class ReadAhead(Generic[T]):
    """ITEMS in their order, some made ready by a helper thread during `meanwhile` windows; `close()` ends it."""

    def __init__(self, items: Iterator[T]) -> None:
        self._items = items
        self._ready: deque[T] = deque()
        self._lock = threading.Lock()  # held by whichever thread advances ITEMS (a generator: one at a time)
        self._open = threading.Event()  # a window is open
        self._shut = threading.Event()  # no window is open (the helper waits on it once it has done its part)
        self._shut.set()
        self._want = 0
        self._closed = False
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        if self._ready:
            return self._ready.popleft()
        with self._lock:
            if self._ready:
                return self._ready.popleft()
            if self._error is not None:
                raise self._error
            return next(self._items)

    @contextmanager
    def meanwhile(self, want: int) -> Iterator[None]:
        """A window in which the helper thread makes up to WANT items ready (the caller is in a long SQLite call)."""
        if self._closed or self._error is not None or len(self._ready) >= want:
            yield
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="import-read-ahead", daemon=True)
            self._thread.start()
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, SWITCH_WHILE_OPEN))
        self._want = want
        self._shut.clear()
        self._open.set()
        try:
            yield
        finally:
            self._open.clear()
            self._shut.set()
            sys.setswitchinterval(interval)

    def close(self) -> None:
        """Stop the helper thread (after the item it is making) and wait for it."""
        self._closed = True
        self._open.set()
        self._shut.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while True:
            self._open.wait()
            with self._lock:
                try:
                    while self._open.is_set() and not self._closed and len(self._ready) < self._want:
                        self._ready.append(next(self._items))
                except StopIteration:
                    pass
                except BaseException as exc:  # the publishing thread raises it at its next item
                    self._error = exc
                    return
            if self._closed:
                return
            self._shut.wait()  # its part done: sleep until this window closes, then wait for the next
