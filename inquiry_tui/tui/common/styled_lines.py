"""StyledLines: a widget's styles cache that styles each content line once, not once per repaint.

Textual draws a dirty line of a widget through its `StylesCache`: the content line from
`render_line`, then the padding, the border's sides, tint and opacity (`render_line` there), then
the app's line filters, then the compositor cuts it at the widgets' edges. The result is cached
per line position only, so a list scrolled by one row draws all its lines again although 45 of
its 46 rows only moved up, and a pane showing the next inquiry styles again the lines it shares
with the last one.

`StyledLines` keeps the styled line of the last few hundred content lines it has seen, under
what the content line draws (its segments) and everything else the styling reads (the sizes,
padding, colours, border, outline, opacity, tint, hatch, the ANSI theme). A hit returns the
same `Strip` object as before, so the line filters' and the compositor's cuts (cached on that
object by Textual) are reused as well. The same content strip object drawn again in the same
surroundings (a list row scrolled by one, a thread line kept by its pane) is found by identity first,
without hashing its segments. Only content rows are kept: border and padding rows go
through Textual as before. The picture is the same (the inbox snapshots hold it); only less
work is done to draw it. Install it with `use_styled_lines(widget)` in the widget's `__init__`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple

from rich.segment import Segment
from textual._border import get_box
from textual._segment_tools import line_pad
from textual._styles_cache import StylesCache
from textual.cache import LRUCache
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from inquiry_tui.tui.common.lean_strip import LeanStrip, lean

KEPT = 128  # styled lines kept per widget: a screen of 46 lines and more (each is a Strip with its caches: the collector walks them)


class _Frame(NamedTuple):
    """What the styling reads of a widget's styles (StyledLines._read)."""

    top: int  # gutter rows above the content
    bottom: int  # and below it
    outlined: bool  # an outline's top or bottom: Textual's way for every line
    styles: tuple[object, ...]  # border, outline, text opacity, tint, hatch: part of a styled line's key


class _Sides(NamedTuple):
    """What a content line gets around it on a plain widget (StyledLines._plain_sides)."""

    left: Segment | None  # the border's left side
    right: Segment | None
    pad_left: int
    pad_right: int
    inner: Any  # the Rich style of the padding and of the cells the content line does not fill
    content_width: int
    width: int

    def style(self, content: Strip) -> Strip:
        """CONTENT styled as Textual's StylesCache.render_line styles a content line of a plain widget."""
        line = content.adjust_cell_length(self.content_width, self.inner)
        segments = line_pad(line, self.pad_left, self.pad_right, self.inner)
        if self.left is not None:
            segments.insert(0, self.left)
        if self.right is not None:
            segments.append(self.right)
        return LeanStrip(segments, self.width)


class StyledLines(StylesCache):
    """A StylesCache that reuses the styled line of a content line it has styled before (module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._styled: LRUCache[tuple[object, ...], Strip] = LRUCache(KEPT)
        # The same content strip object drawn again (a list row scrolled by one, a kept thread line): its
        # styled line found by identity, without the key above (the strip's segments hashed every line).
        self._seen: OrderedDict[int, tuple[Strip, tuple[object, ...], Strip]] = OrderedDict()
        self._around: tuple[object, ...] | None = None  # what a content line is styled in, this render
        self._frame: _Frame | None = None  # what the styles say, read once per render (a frame)
        self._sides: _Sides | None = None  # and a content line's sides (None: Textual's way)
        self._sides_read = False
        self.hits = 0  # lines drawn from memory (tests)

    def clear(self) -> None:
        super().clear()
        # (styled lines stay: they are kept under everything they were styled with)

    def render(self, styles: Any, *args: Any, **kwargs: Any) -> list[Strip]:
        # (Textual's parameters, passed through: its render calls render_line for each dirty line)
        self._frame = None
        self._sides_read = False
        self._around = None
        try:
            return super().render(styles, *args, **kwargs)
        finally:
            self._frame = None
            self._sides_read = False
            self._around = None

    def _plain_sides(
        self,
        styles: Any,
        size: Any,
        content_size: Any,
        padding: Any,
        base_background: Any,
        background: Any,
        opacity: float,
    ) -> _Sides | None:
        """A content line's border sides and padding, when nothing else styles it (no tint, opacity, hatch,
        outline); None otherwise. Made as Textual's render_line makes them."""
        if (
            opacity != 1.0
            or styles.text_opacity != 1.0
            or styles.tint.a
            or (styles.has_rule("hatch") and styles.hatch != "none")
            or any(edge for edge, _color in styles.outline)
        ):
            return None
        _top, (border_right, right_color), _bottom, (border_left, left_color) = styles.border
        inner, outer = self.get_inner_outer(base_background, background)
        left = right = None
        if border_left:
            left_style = Style(foreground=base_background + left_color.multiply_alpha(opacity))
            left = get_box(border_left, inner, outer, left_style)[1][0]
        if border_right:
            right_style = Style(foreground=base_background + right_color.multiply_alpha(opacity))
            right = get_box(border_right, inner, outer, right_style)[1][2]
        return _Sides(left, right, padding.left, padding.right, inner.rich_style, content_size.width, size.width)

    def _read(self, styles: Any) -> _Frame:
        """What the styling reads of STYLES, once per render."""
        if self._frame is None:
            gutter, outline = styles.gutter, styles.outline
            self._frame = _Frame(
                gutter.top,
                gutter.bottom,
                bool(outline.top[0] or outline.bottom[0]),
                (
                    styles.border,
                    outline,
                    styles.text_opacity,
                    styles.tint,
                    styles.hatch if styles.has_rule("hatch") else None,
                ),
            )
        return self._frame

    def render_line(  # the same parameters as Textual's, passed through
        self,
        styles: Any,
        y: int,
        size: Any,
        content_size: Any,
        padding: Any,
        base_background: Any,
        background: Any,
        render_content_line: Callable[[int], Strip],
        border_title: Any,
        border_subtitle: Any,
        opacity: float,
        ansi_theme: Any,
        native_ansi: bool,
    ) -> Strip:
        def textual(content_line: Callable[[int], Strip]) -> Strip:
            return super(StyledLines, self).render_line(
                styles,
                y,
                size,
                content_size,
                padding,
                base_background,
                background,
                content_line,
                border_title,
                border_subtitle,
                opacity,
                ansi_theme,
                native_ansi,
            )

        frame = self._read(styles)
        content_y = y - frame.top
        if content_y < 0 or y >= size.height - frame.bottom or content_y >= content_size.height or frame.outlined:
            return textual(render_content_line)  # a border, padding or outline row: Textual's own way
        content = render_content_line(content_y)
        around = self._around
        if around is None:
            # The same for every line of a render: made once, and the last render's object kept while equal,
            # so that a line seen in an earlier frame is found by identity.
            around = (
                size,
                content_size,
                padding,
                base_background,
                background,
                opacity,
                frame.styles,
                ansi_theme,
                native_ansi,
            )
            last = next(reversed(self._seen.values()))[1] if self._seen else None
            self._around = around = last if last == around else around
        seen = self._seen.get(id(content))
        if seen is not None and seen[0] is content and seen[1] is around:
            self.hits += 1
            return seen[2]
        key = (tuple(content), content.cell_length, *around)
        styled = self._styled.get(key)
        if styled is None:
            if not self._sides_read:
                self._sides_read = True
                self._sides = self._plain_sides(
                    styles, size, content_size, padding, base_background, background, opacity
                )
            if self._sides is not None:
                styled = self._sides.style(content)
            else:
                styled = lean(textual(lambda _y: content))  # kept: its caches made only when used
            self._styled[key] = styled
        else:
            self.hits += 1
        self._seen[id(content)] = (content, around, styled)  # (the strip kept with it: its id is not reused)
        self._seen.move_to_end(id(content))
        if len(self._seen) > KEPT:
            self._seen.popitem(last=False)
        return styled


def use_styled_lines(widget: Widget) -> StyledLines:
    """Give WIDGET a StyledLines cache in place of Textual's StylesCache (from its `__init__`)."""
    cache = StyledLines()
    widget._styles_cache = cache
    return cache
