"""Issue 20, item 4: services/setup/producer.py hands a generator's items over in order from a thread or a
process of its own, raises what the generator raised, and leaves nothing running whatever happened."""

from __future__ import annotations

import enum
import gc
import os
import shutil
import threading
from collections.abc import Generator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from inquiry_tui.services.setup import producer
from inquiry_tui.services.setup.producer import ProducerDied, produced

MODES = pytest.mark.parametrize("process", [False, True], ids=["thread", "process"])
_CLOSED = threading.Event()  # thread mode: set by the generator's finally


def _count(n: int) -> Generator[tuple[int, str], None, None]:
    try:
        for i in range(n):
            yield i, "x" * i
    finally:
        _CLOSED.set()


def _fails_after(n: int) -> Generator[int, None, None]:
    yield from range(n)
    raise KeyError("no_such_field")


def _dies_after(n: int) -> Generator[int, None, None]:
    yield from range(n)
    os._exit(7)


class _Kind(enum.StrEnum):
    """A str subclass: marshal refuses it, so the item it is in goes by pickle."""

    IN = "in"


def _mixed() -> Generator[Any, None, None]:
    yield [(1, "a", None, True, 2.5, b"x")], []  # plain rows
    yield (_Kind.IN, datetime(2026, 12, 3, 14, 0))  # an enum member and a datetime
    yield [(2, _Kind.IN)]  # a plain container holding one


def _mixed_items(_: object) -> Generator[Any, None, None]:
    yield from _mixed()


def _collector_state(_: object) -> Generator[bool, None, None]:
    yield gc.isenabled()


def _producers() -> list[int]:
    """Pids of this process's children that run a producer."""
    found = []
    for task in Path("/proc/self/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:  # the thread ended after the listing: it has no children left to count
            continue
        for pid in children:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except FileNotFoundError:
                continue
            if b"producer import _child" in cmdline:
                found.append(int(pid))
    return found


@pytest.fixture
def spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where this test's producing processes spool their items (in place of /dev/shm)."""
    place = tmp_path / "shm"
    place.mkdir()
    monkeypatch.setattr(producer, "_SHM", str(place))
    return place


@pytest.fixture(autouse=True)
def _nothing_left(spool: Path) -> Iterator[None]:
    yield
    assert not _producers()
    assert not list(spool.iterdir())


@MODES
def test_the_items_come_in_order(process: bool) -> None:
    with produced(_count, 50, process=process, ahead=2) as items:
        assert list(items) == [(i, "x" * i) for i in range(50)]


@MODES
def test_items_come_back_equal_and_of_the_same_types(process: bool) -> None:
    """Plain rows go by marshal, anything else (an enum member, a datetime) by pickle: each comes back as it was."""
    with produced(_mixed_items, None, process=process) as items:
        got = list(items)
    assert got == list(_mixed())
    assert type(got[1][0]) is _Kind and type(got[2][0][1]) is _Kind
    assert [type(v) for v in got[0][0][0]] == [int, str, type(None), bool, float, bytes]


def test_the_encoding_takes_marshal_for_plain_rows_only() -> None:
    assert producer._encode([(1, "a", None)])[:1] == producer._MARSHAL
    assert producer._encode([(1, _Kind.IN)])[:1] == producer._PICKLE
    assert producer._decode(producer._encode([(1, _Kind.IN)])) == [(1, _Kind.IN)]


@pytest.mark.parametrize("collect", [True, False])
def test_a_process_collects_garbage_unless_told_not_to(collect: bool) -> None:
    with produced(_collector_state, None, process=True, collect=collect) as items:
        assert list(items) == [collect]


@MODES
def test_an_exception_in_the_producer_is_raised_to_the_reader(process: bool) -> None:
    with produced(_fails_after, 3, process=process) as items:
        assert [next(items) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(KeyError, match="no_such_field"):
            next(items)


def test_a_process_that_dies_is_reported() -> None:
    with produced(_dies_after, 2, process=True) as items:
        assert list(zip(range(2), items)) == [(0, 0), (1, 1)]
        with pytest.raises(ProducerDied, match="exit code 7"):
            next(items)


@MODES
def test_leaving_early_stops_the_producer(process: bool) -> None:
    _CLOSED.clear()
    with produced(_count, 10_000, process=process, ahead=1) as items:
        assert next(items) == (0, "")
    if not process:
        assert _CLOSED.is_set()  # the generator was closed: its finally ran


def test_a_failure_of_the_reader_ends_the_process() -> None:
    with pytest.raises(RuntimeError, match="reader"), produced(_count, 10_000, process=True) as items:
        next(items)
        assert _producers()
        raise RuntimeError("the reader failed")


def test_the_spool_leaves_a_small_or_missing_dev_shm_for_the_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A container's 64 MB /dev/shm cannot hold two chunks of a big load: the spool goes to the temporary directory."""
    assert producer._spool_parent(str(tmp_path / "missing")) is None
    monkeypatch.setattr(producer, "_SHM_ROOM", shutil.disk_usage(tmp_path).free + 1)  # more room than there is
    assert producer._spool_parent(str(tmp_path)) is None
    monkeypatch.setattr(producer, "_SHM_ROOM", 1)
    assert producer._spool_parent(str(tmp_path)) == str(tmp_path)
