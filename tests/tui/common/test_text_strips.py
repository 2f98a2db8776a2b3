"""The thread pane's fast paths draw what the plain ones drew: text_strips as Console.render_lines, attachment lines."""

from __future__ import annotations

import io
from datetime import UTC

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.thread import thread_detail
from inquiry_tui.tui.common.text_strips import text_strips
from inquiry_tui.tui.files.labels import append_attachment_line, attachment_line
from inquiry_tui.tui.inbox.thread_view import thread_text
from tests.conftest import FIXED_NOW
from tests.tui.conftest import add_hostile_inquiry

BASE = Style(color="white", bgcolor="black")
CONSOLE = Console(width=200, file=io.StringIO(), color_system="truecolor")
STYLES = st.sampled_from(["", "bold", "dim", "bold cyan", "italic dim", "red on yellow", "underline"])
PIECES = st.text(alphabet="ab cd\n中文📎⚠ ·—-", max_size=40)


def _drawn(strips: list[Strip]) -> list[list[Segment]]:
    """What a strip draws: the same cells in the same styles, however it is cut into segments."""
    return [[s for s in Segment.simplify(strip) if s.text] for strip in strips]


def _rich(text: Text, width: int) -> list[list[Segment]]:
    lines = CONSOLE.render_lines(text, CONSOLE.options.update_width(width), style=BASE, pad=True)
    return _drawn([Strip(line, width) for line in lines])


def _fast(text: Text, width: int) -> list[list[Segment]]:
    strips = text_strips(text, CONSOLE, width, BASE)
    assert all(strip.cell_length == width for strip in strips)
    return _drawn(strips)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(PIECES, STYLES), max_size=12),
    st.sampled_from(["", "dim", "bold"]),
    st.integers(min_value=1, max_value=30),
)
def test_the_same_strips_as_rich_for_any_text(pieces: list[tuple[str, str]], base: str, width: int) -> None:
    text = Text(style=base)
    for piece, style in pieces:
        text.append(piece, style=style)
    assert _fast(text, width) == _rich(text, width)


def test_the_same_strips_as_rich_for_a_thread(store_ctx: Ctx) -> None:
    detail = thread_detail(store_ctx, add_hostile_inquiry(store_ctx, "boss"))
    text = thread_text(detail, FIXED_NOW, UTC, 60)
    for width in (20, 58, 76, 156):
        assert _fast(text, width) == _rich(text, width)
    tabs = Text("a\tb\n" + "word " * 30, style="dim")  # tabs go through Rich itself
    assert _fast(tabs, 40) == _rich(tabs, 40)


def test_attachment_lines_appended_in_place_are_the_ones_appended_as_texts() -> None:
    for name, size, mime in (("a\nb ../x.pdf", 1000, "application/pdf"), ("中文" * 40, 5, "application/x-executable")):
        before = Text("prefix ")
        before.append("z", style="red")
        after = before.copy()
        before.append_text(attachment_line(name, size, mime))
        append_attachment_line(after, name, size, mime)
        assert (after.plain, after.spans) == (before.plain, before.spans)
