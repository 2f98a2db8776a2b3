"""The collector's full passes run in the user's pauses: after IDLE_SECONDS without input, and only when the
young generations have promoted objects since the last one."""

from __future__ import annotations

import gc
import sys

import pytest

from inquiry_tui.tui.common import collector as collector_module
from inquiry_tui.tui.common.collector import FULL_EVERY, IDLE_SECONDS, PENDING, IdleCollector, release_free_memory


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def collector(clock: Clock, pending: list[int], passes: list[int]) -> IdleCollector:
    def collect() -> None:
        passes.append(1)
        pending[0] = 0

    return IdleCollector(clock=clock, collect=collect, pending=lambda: pending[0])


def test_a_full_pass_waits_for_a_pause_in_the_keys() -> None:
    clock, pending, passes = Clock(), [PENDING], list[int]()
    idle = collector(clock, pending, passes)
    for _ in range(10):  # a key every half idle period: never a pass
        clock.now += IDLE_SECONDS / 2
        idle.input_seen()
        idle.tick()
    assert passes == []
    clock.now += IDLE_SECONDS  # the user reads
    idle.tick()
    assert passes == [1] and idle.passes == 1


def test_no_pass_when_nothing_was_promoted_since_the_last() -> None:
    clock, pending, passes = Clock(), [PENDING], list[int]()
    idle = collector(clock, pending, passes)
    clock.now += IDLE_SECONDS
    idle.tick()
    for _ in range(5):  # still idle, nothing new in the old generation: no more passes
        clock.now += IDLE_SECONDS
        idle.tick()
    assert passes == [1]
    pending[0] = PENDING - 1
    idle.tick()
    assert passes == [1]
    pending[0] = PENDING
    idle.tick()
    assert passes == [1, 1]


def test_no_pass_while_collection_is_off() -> None:
    clock, pending, passes = Clock(), [PENDING], list[int]()
    idle = collector(clock, pending, passes)
    clock.now += IDLE_SECONDS
    gc.disable()
    try:
        idle.tick()
    finally:
        gc.enable()
    assert passes == []


def test_install_raises_only_the_oldest_generations_threshold() -> None:
    before = gc.get_threshold()
    try:
        IdleCollector.install()
        assert gc.get_threshold() == (before[0], before[1], FULL_EVERY)
    finally:
        gc.set_threshold(*before)


def test_a_freeze_waits_for_a_pause_and_follows_a_full_pass() -> None:
    """A screen just built is frozen in the next pause, after a pass over everything (what earlier freezes kept
    included): the garbage beside it, and what was frozen and has died since, is collected, not frozen."""
    clock, pending, calls = Clock(), [0], list[str]()
    idle = IdleCollector(
        clock=clock,
        collect=lambda: calls.append("collect"),
        pending=lambda: pending[0],
        freeze=lambda: calls.append("freeze"),
        unfreeze=lambda: calls.append("unfreeze"),
        release=lambda: calls.append("release"),
    )
    idle.input_seen()
    idle.freeze_when_idle()
    clock.now += IDLE_SECONDS / 2
    idle.tick()  # keys still coming: not yet
    assert calls == []
    clock.now += IDLE_SECONDS
    idle.tick()  # nothing promoted, but a freeze is due: thawed, a pass, then the freeze
    assert calls == ["unfreeze", "collect", "freeze", "release"]
    assert idle.passes == 1 and idle.freezes == 1
    clock.now += IDLE_SECONDS
    idle.tick()  # done once
    assert calls == ["unfreeze", "collect", "freeze", "release"]


def test_the_heap_is_trimmed_after_every_full_pass() -> None:
    clock, pending, released = Clock(), [PENDING], list[int]()
    idle = IdleCollector(
        clock=clock,
        collect=lambda: pending.__setitem__(0, 0),
        pending=lambda: pending[0],
        release=lambda: released.append(1),
    )
    clock.now += IDLE_SECONDS
    idle.tick()
    idle.tick()  # nothing new: no pass, no trim
    assert released == [1]
    pending[0] = PENDING
    idle.tick()
    assert released == [1, 1]


def test_releasing_free_memory_is_safe_to_call_anywhere() -> None:
    """glibc's malloc_trim where there is one (Linux), nothing elsewhere; twice is as good as once."""
    release_free_memory()
    release_free_memory()


def test_the_c_heap_is_settled_once_at_the_first_pass_before_its_trim() -> None:
    """glibc's mmap threshold is fixed at the first full pass (after the start, off its path), never again."""
    clock, pending, calls = Clock(), [PENDING], list[str]()

    def collect() -> None:
        calls.append("collect")
        pending[0] = 0

    idle = IdleCollector(
        clock=clock,
        collect=collect,
        pending=lambda: pending[0],
        release=lambda: calls.append("release"),
        settle=lambda: calls.append("settle"),
    )
    idle.input_seen()
    idle.tick()  # no pause yet: nothing
    assert calls == []
    clock.now += IDLE_SECONDS
    idle.tick()
    assert calls == ["collect", "settle", "release"]
    for _ in range(3):
        pending[0] = PENDING
        clock.now += IDLE_SECONDS
        idle.tick()
    assert calls == ["collect", "settle", "release"] + ["collect", "release"] * 3


def test_large_blocks_are_mapped_where_the_c_library_is_glibc() -> None:
    libc = collector_module.glibc()
    if libc is None:
        assert collector_module.map_large_blocks() is False
        return
    assert collector_module.map_large_blocks() is True
    assert collector_module.map_large_blocks() is True  # twice is as good as once


def test_without_glibc_nothing_is_asked_of_the_c_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """Elsewhere than Linux (macOS, the BSDs) neither call is looked up, and both helpers do nothing."""
    monkeypatch.setattr(collector_module, "_glibc", None)
    monkeypatch.setattr(collector_module, "_glibc_looked_up", False)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert collector_module.glibc() is None
    assert collector_module.map_large_blocks() is False
    release_free_memory()  # nothing to call: no error


def test_a_c_library_without_mallopt_is_not_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    """musl has no malloc_trim: the lookup finds nothing and the helpers do nothing."""
    import ctypes

    class Musl:
        def mallopt(self, _param: int, _value: int) -> int:
            raise AssertionError("not to be called")

    monkeypatch.setattr(collector_module, "_glibc", None)
    monkeypatch.setattr(collector_module, "_glibc_looked_up", False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda _name: Musl())
    assert collector_module.glibc() is None
    assert collector_module.map_large_blocks() is False
    release_free_memory()
