"""A KeptLinesScrollBar draws what Textual's ScrollBar draws, line for line, wherever its thumb is, and draws
from its kept lines once it has seen them; the inbox list uses it."""

from __future__ import annotations

import random

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from inquiry_tui.tui.common.kept_bar_lines import KeptLinesScrollBar, kept_vertical_scrollbar


class Rows(ScrollView):
    """A tall, empty scrolling view (its bar is all that is drawn)."""

    DEFAULT_CSS = "Rows { width: 1fr; height: 1fr; }"

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.virtual_size = Size(10, rows)

    def render_line(self, y: int) -> Strip:
        return Strip.blank(self.size.width)


class KeptRows(Rows):
    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return kept_vertical_scrollbar(self)


class Side(App[None]):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Rows(self.rows)
            yield KeptRows(self.rows)


def _lines(bar: ScrollBar) -> list[list[tuple[str, object]]]:
    strips = bar.render_lines(Region(0, 0, bar.size.width, bar.size.height))
    return [[(s.text, s.style) for s in strip] for strip in strips]


async def _same_bars(rows: int, positions: list[int]) -> KeptLinesScrollBar:
    app = Side(rows)
    async with app.run_test(size=(40, 23)) as pilot:
        plain, kept = app.query_one(Rows), app.query_one(KeptRows)
        bar = kept.vertical_scrollbar
        assert isinstance(bar, KeptLinesScrollBar)
        assert type(plain.vertical_scrollbar) is ScrollBar
        for position in positions:
            for view in (plain, kept):
                view.scroll_to(y=position, animate=False, immediate=True)
            await pilot.pause()
            assert plain.vertical_scrollbar.position == bar.position
            assert _lines(bar) == _lines(plain.vertical_scrollbar), position
        for view in (plain, kept):  # hovered: the bar's other colours
            view.vertical_scrollbar.mouse_over = True
        await pilot.pause()
        assert _lines(bar) == _lines(plain.vertical_scrollbar)
        return bar


async def test_the_kept_bar_draws_textuals_lines_wherever_the_thumb_is() -> None:
    rng = random.Random(5)
    positions = [0, 1, 2, 3, 50, 977, 1000 - 23, *(rng.randrange(1000) for _ in range(60)), 0, 500]
    bar = await _same_bars(1000, positions)
    assert bar.kept_frames > 0  # and it drew from its kept lines, not Textual's way every time


async def test_a_short_list_and_a_long_one() -> None:
    await _same_bars(30, [0, 3, 7, 0])
    await _same_bars(1_000_000, [0, 500_000, 999_977, 123_456, 0])


async def test_the_inbox_list_keeps_its_bar_lines() -> None:
    from inquiry_tui.tui.inbox.inquiry_list import InquiryList

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield InquiryList()

    app = One()
    async with app.run_test(size=(40, 10)):
        assert isinstance(app.query_one(InquiryList).vertical_scrollbar, KeptLinesScrollBar)
