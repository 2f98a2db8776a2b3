"""text_strips: a Rich Text laid out as padded strips, the same as Console.render_lines, without wrapping lines that fit.

`console.render_lines(text, options, style=..., pad=True)` word-wraps every line of a text,
then joins and renders it again: for a thread pane of 60 lines (a message with 20 attachment
lines) that is most of the cost of showing it, though nearly every line fits the width.
Here the text is rendered to segments once, cut at its newlines, and only a line wider than
the pane goes through Rich's wrapping (alone: Rich wraps each line on its own, so the result
is the same). tests/tui/common/test_text_strips.py holds the two equal.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.text import DEFAULT_JUSTIFY, DEFAULT_OVERFLOW, Text
from textual.strip import Strip

from inquiry_tui.tui.common.lean_strip import LeanStrip


def text_strips(text: Text, console: Console, width: int, style: Style) -> list[Strip]:
    """TEXT at WIDTH cells, each line padded to WIDTH, every segment on STYLE (see the module docstring)."""
    if width <= 0:
        return []
    plain = text.plain
    if "\t" in plain or text.justify or text.overflow or text.no_wrap is not None:
        return _rich(text, console, width, style)  # what only Rich's layout does (tabs, justify, cropping)
    options = console.options.update_width(width)
    pad = Segment(" " * width, style)
    if text.spans or not text.style:
        segments = list(text.render(console))
    else:  # Text.render drops the base style of a text without spans; Rich's layout keeps it
        segments = [Segment(plain, console.get_style(text.style))]
    strips: list[Strip] = []
    line: list[Segment] = []
    for segment in [*segments, Segment("\n")]:
        piece, piece_style = segment.text, segment.style
        while True:
            cut = piece.find("\n")
            part = piece if cut < 0 else piece[:cut]
            if part:
                line.append(Segment(part, piece_style))
            if cut < 0:
                break
            strips.extend(_line(line, console, options, width, style, pad))
            line, piece = [], piece[cut + 1 :]
    return strips


def _line(
    line: list[Segment], console: Console, options: ConsoleOptions, width: int, style: Style, pad: Segment
) -> list[Strip]:
    if not line:
        return [LeanStrip([pad], width)]
    used = sum(cell_len(s.text) for s in line)
    if used > width:  # wrapped as Rich wraps it: this line alone, with the styles it was rendered with
        return _wrapped(line, console, options, width, style)
    return [_padded(line, used, width, style)]


def _padded(line: list[Segment], used: int, width: int, style: Style) -> Strip:
    """LINE (USED cells, at most WIDTH) on STYLE, padded to WIDTH: as Rich's render_lines pads a line."""
    add = style.__add__
    out = [Segment(s.text, add(s.style)) for s in line]
    if used < width:
        out.append(Segment(" " * (width - used), style))
    return LeanStrip(out, width)


def _wrapped(line: list[Segment], console: Console, options: ConsoleOptions, width: int, style: Style) -> list[Strip]:
    """A line wider than WIDTH, wrapped by Rich's `Text.wrap` as `Text.__rich_console__` wraps it; each
    wrapped line is then padded here, not rendered, joined and split again through the console."""
    alone = Text.assemble(*((s.text, s.style or Style.null()) for s in line))
    lines = alone.wrap(
        console,
        width,
        justify=options.justify or DEFAULT_JUSTIFY,
        overflow=options.overflow or DEFAULT_OVERFLOW,
        tab_size=console.tab_size or 8,
        no_wrap=bool(options.no_wrap),
    )
    strips: list[Strip] = []
    for wrapped in lines:
        segments = [s for s in wrapped.render(console, end="") if s.text]
        used = sum(cell_len(s.text) for s in segments)
        if used > width or "\n" in wrapped.plain:  # (never after folding; Rich's own way if it were)
            return [LeanStrip(seg, width) for seg in console.render_lines(alone, options, style=style, pad=True)]
        strips.append(_padded(segments, used, width, style))
    return strips


def _rich(text: Text, console: Console, width: int, style: Style) -> list[Strip]:
    lines = console.render_lines(text, console.options.update_width(width), style=style, pad=True)
    return [LeanStrip(segments, width) for segments in lines]
