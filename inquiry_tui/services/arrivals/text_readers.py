"""A big import's arrivals' text read and judged by worker processes while it publishes, after every line is checked.

What an arrival's subject and body state (domain.terms_text.read_terms) and the junk filter's verdict on
them (domain.junk.judge_text) were half of a checking worker's CPU, and the checking must end before
anything is published (a bad line imports nothing). Neither can reject a line, and neither needs the
store: `import inquiries` has its checking workers leave them unread (`checking.checked_items(text=False)`)
and reads them here, from the spool's chunks, on the cores the publishing thread leaves idle, a few
chunks ahead of it. What comes back is what the checking workers would have packed (`checking.read_text`:
the same functions, catalogue and known terms).

A chunk whose worker died or failed comes back as it went: the publishing reads those arrivals' text itself, as
it does the first chunk's (`pipeline.pre_read_terms` between transactions, `judge` in `add`).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import islice

from inquiry_tui.services.arrivals import checking

READ_FROM = 2_000  # arrivals in the spool; below, starting a process costs more than reading them in the publishing
MAX_READERS = 2
AHEAD = 8  # chunks in flight per reader: a reader starved for a while by a busy machine catches up


class TextReaders:
    """Worker processes that read and judge the text of the spool's chunks (`read`), in order."""

    def __init__(self, products: tuple[tuple[str, str], ...], count: int) -> None:
        self.count = count
        self._pool = checking.worker_pool(count, products)

    def read(self, blobs: Iterator[bytes]) -> Iterator[bytes]:
        """BLOBS (spool chunks) with their arrivals' text read, in the same order, at most a few ahead.

        The first few are handed to the readers at once (not at the first chunk asked for)."""
        ahead = self.count * AHEAD
        pending = deque((self._submit(blob), blob) for blob in islice(blobs, ahead))
        return self._in_order(blobs, pending, ahead)

    def _in_order(
        self, blobs: Iterator[bytes], pending: deque[tuple[Future[bytes] | None, bytes]], ahead: int
    ) -> Iterator[bytes]:
        for blob in blobs:
            pending.append((self._submit(blob), blob))
            if len(pending) > ahead:
                yield _result(*pending.popleft())
        while pending:
            yield _result(*pending.popleft())

    def _submit(self, blob: bytes) -> Future[bytes] | None:
        try:
            return self._pool.submit(checking.read_text, blob)
        except BrokenProcessPool:  # a worker died: the publishing reads the rest itself
            return None

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[bytes] | None, blob: bytes) -> bytes:
    if future is None:
        return blob
    try:
        return future.result()
    except Exception:  # its worker died (BrokenProcessPool), or failed: the publishing reads them and says why
        return blob


def reader_count() -> int:
    """Readers beside the publishing thread: one per core, at most MAX_READERS (none on a one-core machine).

    One reader on two cores could not keep up: reading a chunk costs about 60 us an arrival against the
    publishing thread's 70-100, and a reader is niced, so any other work on the machine slowed it first and
    the publishing waited (a 100k import at load 4: 14.1 s of publishing for 7.2 s of its thread's CPU).
    Two share the other core and what the publishing thread leaves; being niced, they yield to it."""
    cores = os.cpu_count() or 1
    return 0 if cores < 2 else min(cores, MAX_READERS)


@contextmanager
def started(products: tuple[tuple[str, str], ...] | None, items: int) -> Iterator[TextReaders | None]:
    """Readers for a spool of ITEMS read with catalogue PRODUCTS, or None when the publishing reads them itself
    (a small spool, one core, no catalogue)."""
    count = reader_count()
    if products is None or items < READ_FROM or count == 0:
        yield None
        return
    readers = TextReaders(products, count)
    try:
        yield readers
    finally:
        readers.close()
