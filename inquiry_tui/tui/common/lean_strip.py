"""LeanStrip: a Textual `Strip` whose seven caches are made when first used, not with the strip.

Textual's `Strip.__init__` makes seven `FIFOCache`s for every strip (crops, styles, filters, lengths...).
The inbox keeps thousands of strips alive (laid-out threads and profiles read ahead, the list's rows, the
styled lines), and most of their caches are never used: seven of the twelve or so objects the cyclic
garbage collector tracks for each strip. Each full collection walks them all, and they fill the old
generation that triggers one: at 100k inquiries, 15 full collections of 100-420 ms each in one
benchmark run, the slowest tenth of page keys and jumps (docs/performance.md, session 9). A LeanStrip
draws and caches exactly as a Strip does; the property test in tests/unit/common holds that.

`lean_strips()` (the TUI's process, at its start) makes Textual's own Strip lean the same way: the strips
Textual makes itself (each widget's styled lines, their crops and cuts) are most of those alive after a
session, some 5,000 at its end with 35,000 caches (4-6 MB; docs/performance.md, "A session's Python
objects, session 16").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from textual.cache import FIFOCache
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.color import Color
    from textual.filter import LineFilter

# Strip's cache slots and their sizes, as Strip.__init__ (Textual 8.2) makes them.
_CACHES = {
    "_divide_cache": 4,
    "_crop_cache": 16,
    "_style_cache": 16,
    "_filter_cache": 4,
    "_line_length_cache": 4,
    "_crop_extend_cache": 4,
    "_offsets_cache": 4,
}


def _lazy(name: str, size: int) -> property:
    slot: Any = getattr(Strip, name)  # Strip's own slot: where the cache lives once made

    def get(self: Strip) -> FIFOCache[Any, Any]:
        try:
            cache: FIFOCache[Any, Any] = slot.__get__(self, Strip)
        except AttributeError:
            cache = FIFOCache(size)
            slot.__set__(self, cache)
        return cache

    def set_(self: Strip, value: FIFOCache[Any, Any]) -> None:
        slot.__set__(self, value)

    return property(get, set_)


class LeanStrip(Strip):
    """A Strip whose caches are made on first use (module docstring).

    What a frame derives from it is lean too: the line filters' result (`apply_filter`) and the
    compositor's cuts (`divide`), made as Textual makes them (a frame of the inbox cuts some eighty new
    pieces, each a Strip with seven caches it never uses)."""

    __slots__ = ()

    def __init__(self, segments: Iterable[Segment], cell_length: int | None = None) -> None:
        # Strip.__init__ without its caches (they are the properties below).
        self._segments = list(segments)
        self._cell_length = cell_length
        self._render_cache = None
        self._link_ids = None
        self._cell_count = None

    def apply_filter(self, filter: LineFilter, background: Color) -> Strip:
        # Strip.apply_filter, the result a LeanStrip.
        cached = self._filter_cache.get((filter, background))
        if cached is None:
            cached = LeanStrip(filter.apply(self._segments, background), self._cell_length)
            self._filter_cache[(filter, background)] = cached
        return cached

    def divide(self, cuts: Iterable[int]) -> Sequence[Strip]:
        # Strip.divide, the pieces LeanStrips.
        cell_length = self.cell_length
        cuts = [cut for cut in cuts if cut <= cell_length]
        key = tuple(cuts)
        cached = self._divide_cache.get(key)
        if cached is not None:
            return cached
        strips: list[Strip]
        if cuts == [cell_length]:
            strips = [self]
        else:
            strips = []
            pos = 0
            for segments, cut in zip(Segment.divide(self._segments, cuts), cuts):
                strips.append(LeanStrip(segments, cut - pos))
                pos = cut
        self._divide_cache[key] = strips
        return strips


for _name, _size in _CACHES.items():
    setattr(LeanStrip, _name, _lazy(_name, _size))


def _lean_init(self: Strip, segments: Iterable[Segment], cell_length: int | None = None) -> None:
    # Strip.__init__ without its caches: after `lean_strips`, the caches are the properties below.
    self._segments = list(segments)
    self._cell_length = cell_length
    self._render_cache = None
    self._link_ids = None
    self._cell_count = None


def lean_strips() -> bool:
    """Make every Strip of this process make its caches when first used; whether it was done now.

    Strip's own cache slots become properties that make the cache on first use (as LeanStrip's), and its
    `__init__` makes none. Once per process (the TUI's start, not the tests' apps: their Strip stays
    Textual's, against which the property tests compare)."""
    if Strip.__init__ is _lean_init:
        return False
    properties = {name: _lazy(name, size) for name, size in _CACHES.items()}  # each over Strip's own slot
    for name, made in properties.items():
        setattr(Strip, name, made)
    Strip.__init__ = _lean_init  # type: ignore[method-assign]
    return True


def lean(strip: Strip) -> Strip:
    """STRIP as a LeanStrip (the same segments and length)."""
    return strip if isinstance(strip, LeanStrip) else LeanStrip(strip, strip.cell_length)
