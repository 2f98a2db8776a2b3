"""LeanStrip draws and caches as Textual's Strip does, and makes none of its seven caches before they are used."""

from __future__ import annotations

import gc

from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual._ansi_theme import DEFAULT_TERMINAL_THEME
from textual.color import Color
from textual.filter import ANSIToTruecolor, DimFilter, Monochrome
from textual.strip import Strip

from inquiry_tui.tui.common.lean_strip import LeanStrip, lean

BACKGROUND = Color(10, 20, 30)
FILTERS = [ANSIToTruecolor(DEFAULT_TERMINAL_THEME), Monochrome(), DimFilter()]
STYLES = [None, Style(bold=True), Style(color="red", italic=True), Style(bgcolor="blue")]
segments = st.lists(
    st.builds(
        lambda text, style: Segment(text, style), st.text(alphabet="ab 漢é", max_size=6), st.sampled_from(STYLES)
    ),
    min_size=0,
    max_size=5,
)


@given(segments, st.integers(0, 14), st.integers(0, 14), st.integers(0, 20), st.sampled_from(STYLES))
def test_lean_strips_draw_as_strips_do(parts: list[Segment], a: int, b: int, length: int, style: Style | None) -> None:
    plain, lean_ = Strip(parts), LeanStrip(parts)
    start, end = min(a, b), max(a, b)
    assert lean_.cell_length == plain.cell_length and lean_.text == plain.text
    for _ in range(2):  # the second time from the caches
        assert list(lean_.crop(start, end)) == list(plain.crop(start, end))
        assert list(lean_.adjust_cell_length(length, style)) == list(plain.adjust_cell_length(length, style))
        assert list(lean_.crop_extend(start, end, style)) == list(plain.crop_extend(start, end, style))
        assert [list(s) for s in lean_.divide([start, end])] == [list(s) for s in plain.divide([start, end])]
        assert [s.cell_length for s in lean_.divide([start, end])] == [
            s.cell_length for s in plain.divide([start, end])
        ]
        assert all(isinstance(s, LeanStrip) for s in lean_.divide([start, end]))
        for line_filter in FILTERS if all(s.style is not None for s in parts) else ():  # (as in a frame)
            filtered, expected = (
                lean_.apply_filter(line_filter, BACKGROUND),
                plain.apply_filter(line_filter, BACKGROUND),
            )
            assert list(filtered) == list(expected) and filtered.cell_length == expected.cell_length
            assert isinstance(filtered, LeanStrip) and lean_.apply_filter(line_filter, BACKGROUND) is filtered
        if style is not None:
            assert list(lean_.apply_style(style)) == list(plain.apply_style(style))
        assert lean_.render(_console()) == plain.render(_console())
    # cached as Strip's are (an empty cut is made afresh by both)
    assert (lean_.crop(start, end) is lean_.crop(start, end)) == (plain.crop(start, end) is plain.crop(start, end))
    assert lean_.divide([start, end]) is lean_.divide([start, end])
    assert list(lean(plain)) == list(plain) and lean(lean_) is lean_


def test_a_lean_strip_makes_its_caches_only_when_used() -> None:
    strip = LeanStrip([Segment("hello", Style(bold=True)), Segment(" world")])
    assert _caches(strip) == 0  # a Strip makes seven
    assert _caches(Strip(list(strip))) == 7
    strip.crop(1, 4)
    assert _caches(strip) == 1


def _caches(strip: Strip) -> int:
    return sum(type(r).__name__ == "FIFOCache" for r in gc.get_referents(strip))


def _console() -> object:
    from rich.console import Console

    return Console(width=40, color_system="truecolor", force_terminal=True)
