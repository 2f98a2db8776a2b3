"""StyledLines draws every line as Textual's StylesCache does (border, padding, colours), whatever was
drawn before it, and styles a content line it has seen again only once (a list scrolled by a row)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.css.styles import Styles
from textual.geometry import Size
from textual.strip import Strip

from inquiry_tui.tui.common.styled_lines import StyledLines

WIDTH, HEIGHT = 24, 8
WORDS = st.sampled_from(["", "quote", "LED 30W", "ä wide 日本", "x" * 30])
BORDERS = st.sampled_from(["none", "round", "vkey", "heavy"])
# Besides the plain widgets StyledLines styles itself: what it leaves to Textual's render_line.
EXTRAS = st.sampled_from(["plain", "left side only", "right side only", "tint", "text opacity", "outline"])


def _styles(border: str, pad: int, extra: str = "plain") -> Styles:
    styles = Styles()
    if border != "none":
        styles.border = (border, Color.parse("red"))
    styles.padding = (0, pad)
    if extra == "left side only":
        styles.border_left = ("vkey", Color.parse("green"))
    elif extra == "right side only":
        styles.border_right = ("heavy", Color.parse("blue"))
    elif extra == "tint":
        styles.tint = Color(200, 0, 0, 0.3)
    elif extra == "text opacity":
        styles.text_opacity = 0.5
    elif extra == "outline":
        styles.outline = ("round", Color.parse("yellow"))
    return styles


def _render(cache: StylesCache, styles: Styles, lines: list[str], top: int) -> list[Strip]:
    gutter = styles.gutter
    content = Size(WIDTH - gutter.width, HEIGHT - gutter.height)
    bold = Style(bold=True)

    def line(y: int) -> Strip:
        index = top + y
        text = lines[index] if index < len(lines) else ""
        return Strip([Segment(text, bold)]).adjust_cell_length(content.width)

    return cache.render(
        styles,
        Size(WIDTH, HEIGHT),
        Color.parse("black"),
        Color.parse("#102030"),
        line,
        [],
        None,
        None,
        content_size=content,
        padding=styles.padding,
    )


@settings(max_examples=120, deadline=None)
@given(
    lines=st.lists(WORDS, min_size=0, max_size=20),
    tops=st.lists(st.integers(0, 12), min_size=1, max_size=6),
    border=BORDERS,
    pad=st.integers(0, 2),
    extra=EXTRAS,
)
def test_every_frame_is_drawn_as_textual_draws_it(
    lines: list[str], tops: list[int], border: str, pad: int, extra: str
) -> None:
    styles = _styles(border, pad, extra)
    ours = StyledLines()
    for top in tops:  # scrolled to each TOP in turn: every line dirty, as a scroll makes them
        ours.set_dirty(Size(WIDTH, HEIGHT).region)
        assert _render(ours, styles, lines, top) == _render(StylesCache(), styles, lines, top)


def test_a_line_scrolled_up_by_a_row_is_not_styled_again() -> None:
    styles = _styles("round", 1)
    lines = [f"row {i}" for i in range(20)]
    ours = StyledLines()
    first = _render(ours, styles, lines, 0)
    ours.set_dirty(Size(WIDTH, HEIGHT).region)
    second = _render(ours, styles, lines, 1)
    content_rows = HEIGHT - styles.gutter.height
    assert ours.hits == content_rows - 1  # only the new bottom row was styled
    assert second[1] is first[2]  # the same Strip: Textual's filter and cut caches on it are reused too
    assert second == _render(StylesCache(), styles, lines, 1)


def test_a_plain_widgets_content_lines_are_styled_without_textuals_render_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Border and padding rows go through Textual's render_line; content rows of a widget without tint,
    opacity, hatch or outline are styled by StyledLines itself (and drawn the same: the test above)."""
    calls: list[int] = []
    textual_line = StylesCache.render_line

    def counted(self: StylesCache, styles: Styles, y: int, *args: object) -> Strip:
        calls.append(y)
        return textual_line(self, styles, y, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(StylesCache, "render_line", counted)
    styles = _styles("round", 1)
    _render(StyledLines(), styles, [f"row {i}" for i in range(20)], 0)
    assert calls == [0, HEIGHT - 1]  # the border's top and bottom rows only
    calls.clear()
    _render(StyledLines(), _styles("round", 1, "tint"), [f"row {i}" for i in range(20)], 0)
    assert calls == list(range(HEIGHT))  # a tinted widget: Textual's way for every row


def test_the_same_content_strip_is_found_again_without_reading_its_segments() -> None:
    """A list row scrolled by one row, a kept thread line: the same Strip object as in an earlier frame."""
    styles = _styles("round", 1)
    reads = {"n": 0}

    class Counted(Strip):
        def __iter__(self):  # type: ignore[no-untyped-def]
            reads["n"] += 1
            return super().__iter__()

    rows = [Counted([Segment(f"row {i}", Style(bold=True))]).adjust_cell_length(WIDTH - 4) for i in range(20)]
    rows = [Counted(list(Strip.__iter__(row)), row.cell_length) for row in rows]

    def render(cache: StylesCache, top: int) -> list[Strip]:
        content = Size(WIDTH - styles.gutter.width, HEIGHT - styles.gutter.height)
        return cache.render(
            styles,
            Size(WIDTH, HEIGHT),
            Color.parse("black"),
            Color.parse("#102030"),
            lambda y: rows[top + y],
            [],
            None,
            None,
            content_size=content,
            padding=styles.padding,
        )

    ours = StyledLines()
    first = render(ours, 0)
    ours.set_dirty(Size(WIDTH, HEIGHT).region)
    reads["n"] = 0
    hits = ours.hits
    second = render(ours, 1)
    content_rows = HEIGHT - styles.gutter.height
    assert ours.hits - hits == content_rows - 1
    assert second[1] is first[2]
    assert reads["n"] <= 2  # only the new bottom row was read (its key, and its styling)
    assert second == render(StylesCache(), 1)
