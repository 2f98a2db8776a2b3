"""A scrollbar is repainted only when its thumb moves: `thumb` says where Textual's renderer draws it, and the pane lines that changed are found."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip

from inquiry_tui.tui.common.scrollbar_thumb import thumb
from inquiry_tui.tui.common.strip_view import changed_lines


def _drawn(size: int, virtual: int, window: int, position: float) -> list[Segment]:
    """What ScrollBar._render_bar hands the renderer, as ScrollBar.render computes it."""
    window_size = window if window < virtual else 0
    bar = ScrollBarRender.render_bar(
        size=size, virtual_size=virtual, window_size=window_size, position=position, vertical=True
    )
    return list(bar.segments)


@given(
    size=st.integers(1, 60),
    virtual=st.integers(1, 200_000),
    window=st.integers(0, 60),
    first=st.integers(0, 200_000),
    second=st.integers(0, 200_000),
)
def test_the_same_thumb_is_the_same_bar(size: int, virtual: int, window: int, first: int, second: int) -> None:
    top = max(0, virtual - window)
    a, b = min(first, top), min(second, top)
    if thumb(size, virtual, window, a) == thumb(size, virtual, window, b):
        assert _drawn(size, virtual, window, a) == _drawn(size, virtual, window, b)


def test_a_row_of_a_long_list_does_not_move_the_thumb_and_a_page_of_rows_may() -> None:
    assert thumb(46, 100_000, 46, 5_000) == thumb(46, 100_000, 46, 5_001)
    assert thumb(46, 100_000, 46, 5_000) != thumb(46, 100_000, 46, 50_000)
    assert thumb(46, 30, 46, 0) is None  # all of it in view: no thumb, whatever the length
    assert thumb(46, 40, 46, 0) is None


def _strips(*texts: str) -> list[Strip]:
    return [Strip([Segment(t.ljust(8), Style(color="red"))], 8) for t in texts]


def test_changed_lines_are_the_visible_runs_that_differ() -> None:
    old = _strips("a", "b", "c", "d", "e")
    new = _strips("a", "B", "C", "d")
    assert changed_lines(old, new, 0, 8) == [(1, 2), (4, 1)]  # b-c, and e gone to the blank foot
    assert changed_lines(old, new, 2, 2) == [(0, 1)]  # scrolled: view lines, only those in view
    assert changed_lines(old, list(old), 0, 8) == []
    assert changed_lines([], new, 0, 3) == [(0, 3)]
