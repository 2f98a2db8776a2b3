"""When the cyclic garbage collector's full passes run: in the user's pauses, not on their keys.

A full pass walks every object that is not frozen (tui/app.py freezes what the start and each
screen bring in). At 1M inquiries one took 100-420 ms on a loaded machine, and it landed on
whichever key crossed Python's threshold: the slowest tenth of page keys and jumps spent most of
their time in them (docs/performance.md, "Cursor, page and jump tails at 1M, session 9").
So the oldest generation's threshold is raised threefold, which keeps automatic full passes as a
bound on how much cyclic garbage can pile up while keys keep coming, and a full pass runs when
no key or mouse event has come for IDLE_SECONDS and the young generations have promoted objects
since the last one. Tenfold took the tail further but held 19 MB more after a 3-minute session
without pauses (docs/performance.md, "The collector in the pauses, session 9").

The objects a screen brings in (its modules, styles, widgets) live as long as the app, so they are
frozen (out of every later collection) once the screen is up; the freeze waits for a pause too, and
a full pass runs first, so the garbage of the screen just left and of the screen's own start is
collected rather than frozen. Frozen cycles are never collected, and not everything frozen lives as
long as the app (the footer's keys are composed again when what it shows changes, a screen's rows
are replaced): so that pass first thaws what earlier freezes kept, and what of it has died since is
collected with the rest, then everything alive is frozen again. After a full pass the
C allocator gives the free pages at the ends and in the middle of its heaps back to the system
(glibc's `malloc_trim`): what a pass freed would otherwise stay in the process's RSS
(docs/performance.md, "A session's memory, session 12"). At the first pass glibc is also told to
keep its mmap threshold where it starts (`map_large_blocks`): large blocks then live in mappings of
their own, given back when freed, instead of in the heaps between small ones that outlive them.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable

IDLE_SECONDS = 0.5  # no input for this long: the user is reading, a pass goes unnoticed
CHECK_SECONDS = 0.5  # how often the app asks (a timer: no work between keys)
FULL_EVERY = 30  # middle-generation passes between automatic full ones (Python's default is 10)
PENDING = 2  # middle-generation passes since the last full one before an idle full pass is worth it
MMAP_THRESHOLD = 128 * 1024  # glibc's starting mmap threshold, kept from then on (map_large_blocks)
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


class IdleCollector:
    """Runs the collector's full pass in the pauses between the user's keys (module docstring)."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        collect: Callable[[], object] = gc.collect,
        pending: Callable[[], int] = lambda: gc.get_count()[2],
        freeze: Callable[[], object] = gc.freeze,
        unfreeze: Callable[[], object] = gc.unfreeze,
        release: Callable[[], object] | None = None,
        settle: Callable[[], object] | None = None,
    ) -> None:
        self._clock = clock
        self._collect = collect
        self._pending = pending
        self._freeze = freeze
        self._unfreeze = unfreeze
        self._release = release if release is not None else release_free_memory
        self._settle: Callable[[], object] | None = settle if settle is not None else map_large_blocks
        self._last_input = clock()
        self._freeze_due = False
        self.passes = 0  # full passes run here (for tests and benchmarks)
        self.freezes = 0  # freezes run here (for tests and benchmarks)

    @staticmethod
    def install() -> None:
        """Raise the oldest generation's threshold (full passes are then this object's to run, mostly)."""
        young, middle, _oldest = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_EVERY)

    def input_seen(self) -> None:
        """A key or mouse event came: not now."""
        self._last_input = self._clock()

    def freeze_when_idle(self) -> None:
        """What exists now lives as long as the app (a screen just built): freeze it at the next pause,
        after a full pass, so that the garbage made beside it is collected, not frozen with it."""
        self._freeze_due = True

    def tick(self) -> None:
        """A full pass if the user has paused and there is something to collect (or a freeze is due)."""
        if not gc.isenabled() or self._clock() - self._last_input < IDLE_SECONDS:
            return
        if not self._freeze_due and self._pending() < PENDING:
            return
        if self._freeze_due:
            self._unfreeze()  # what earlier freezes kept and has died since is collected now (module docstring)
        self._collect()
        self.passes += 1
        if self._freeze_due:
            self._freeze_due = False
            self._freeze()
            self.freezes += 1
        if self._settle is not None:  # once, at the first pass: after the start, off its path (ctypes)
            settle, self._settle = self._settle, None
            settle()
        self._release()


_glibc: object | None = None
_glibc_looked_up = False


def glibc() -> object | None:
    """The C library when it is glibc (it has `malloc_trim` and `mallopt`), else None; looked up once.

    Looked up on first use: ctypes is not on the start path. musl and the BSDs' libcs have neither call."""
    global _glibc, _glibc_looked_up
    if not _glibc_looked_up:
        _glibc_looked_up = True
        if sys.platform.startswith("linux"):
            import ctypes

            try:
                libc = ctypes.CDLL(None)
                libc.malloc_trim, libc.mallopt  # noqa: B018  # AttributeError where they are not
                _glibc = libc
            except (OSError, AttributeError):
                _glibc = None
    return _glibc


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's `malloc_trim`); nothing where there is none.

    Python returns its own arenas when they empty, but the C allocator keeps what it freed (SQLite's
    caches, rows and buffers read in worker threads) in its heaps, one per thread that allocated:
    after a full pass at 1M, 5-7 MB of RSS that nothing uses (docs/performance.md, session 12).
    """
    libc = glibc()
    if libc is not None:
        libc.malloc_trim(0)  # type: ignore[attr-defined]


def map_large_blocks() -> bool:
    """Keep glibc's mmap threshold at MMAP_THRESHOLD for the rest of the process; whether it was set.

    glibc raises the threshold each time a mapped block is freed (up to 32 MB on 64 bits), after which
    blocks of that size come from the heaps: a buffer freed in a worker thread then stays in that
    thread's heap, where the small blocks carved from it outlive it and keep its pages. With the
    threshold fixed, every block from 128 KiB up is a mapping of its own, unmapped when freed
    (docs/performance.md, "A session's C heaps, session 15"). Nothing where the C library is not glibc."""
    libc = glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1)  # type: ignore[attr-defined]
