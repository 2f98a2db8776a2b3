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
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

IDLE_SECONDS = 0.5  # no input for this long: the user is reading, a pass goes unnoticed
CHECK_SECONDS = 0.5  # how often the app asks (a timer: no work between keys)
FULL_EVERY = 30  # middle-generation passes between automatic full ones (Python's default is 10)
PENDING = 2  # middle-generation passes since the last full one before an idle full pass is worth it


class IdleCollector:
    """Runs the collector's full pass in the pauses between the user's keys (module docstring)."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        collect: Callable[[], object] = gc.collect,
        pending: Callable[[], int] = lambda: gc.get_count()[2],
    ) -> None:
        self._clock = clock
        self._collect = collect
        self._pending = pending
        self._last_input = clock()
        self.passes = 0  # full passes run here (for tests and benchmarks)

    @staticmethod
    def install() -> None:
        """Raise the oldest generation's threshold (full passes are then this object's to run, mostly)."""
        young, middle, _oldest = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_EVERY)

    def input_seen(self) -> None:
        """A key or mouse event came: not now."""
        self._last_input = self._clock()

    def tick(self) -> None:
        """A full pass if the user has paused and there is something to collect."""
        if not gc.isenabled() or self._clock() - self._last_input < IDLE_SECONDS or self._pending() < PENDING:
            return
        self._collect()
        self.passes += 1
