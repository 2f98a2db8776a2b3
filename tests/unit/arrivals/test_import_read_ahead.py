"""The publishing's read-ahead hands back its items in their order, whatever it made ready in its windows.

A window stands for the publishing thread's long SQLite call (a short sleep here, which releases the
GIL as the call does). Nothing is timed: only what comes out, and that the helper thread ends.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inquiry_tui.services.arrivals.read_ahead import ReadAhead


def _helpers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "import-read-ahead"]


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 60),
    steps=st.lists(st.tuples(st.integers(0, 12), st.integers(1, 20), st.booleans()), max_size=12),
)
def test_the_items_come_out_in_their_order_however_the_windows_fall(n: int, steps: list[tuple[int, int, bool]]) -> None:
    ahead = ReadAhead(iter(range(n)))
    got: list[int] = []
    try:
        for take, want, wait in steps:
            for _ in range(take):  # the publishing thread takes a chunk
                try:
                    got.append(next(ahead))
                except StopIteration:
                    break
            with ahead.meanwhile(want):  # then waits in SQLite while the helper makes the next ready
                if wait:
                    time.sleep(0.002)
        got.extend(ahead)
    finally:
        ahead.close()
    assert got == list(range(n))
    assert not _helpers()


def test_the_switch_interval_is_short_only_while_a_window_is_open() -> None:
    before = sys.getswitchinterval()
    ahead = ReadAhead(iter(range(10)))
    try:
        with ahead.meanwhile(5):
            assert sys.getswitchinterval() <= 0.0005
        assert sys.getswitchinterval() == before
        assert list(ahead) == list(range(10))
    finally:
        ahead.close()


def _failing() -> Iterator[int]:
    yield 1
    yield 2
    raise OSError("the spool could not be read")


def test_an_error_met_by_the_helper_is_raised_in_the_publishing_thread_after_the_items_before_it() -> None:
    ahead = ReadAhead(_failing())
    try:
        with ahead.meanwhile(10):
            time.sleep(0.05)  # long enough for the helper to reach the error (a shorter one: this thread meets it)
        assert next(ahead) == 1 and next(ahead) == 2
        with pytest.raises(OSError, match="could not be read"):
            next(ahead)
    finally:
        ahead.close()
    assert not _helpers()


def test_closing_before_any_window_starts_no_thread() -> None:
    ahead = ReadAhead(iter(range(3)))
    assert next(ahead) == 0
    ahead.close()
    assert not _helpers()
