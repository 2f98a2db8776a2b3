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
object by Textual) are reused as well. Only content rows are kept: border and padding rows go
through Textual as before. The picture is the same (the inbox snapshots hold it); only less
work is done to draw it. Install it with `use_styled_lines(widget)` in the widget's `__init__`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual._styles_cache import StylesCache
from textual.cache import LRUCache
from textual.strip import Strip
from textual.widget import Widget

from inquiry_tui.tui.common.lean_strip import lean

KEPT = 128  # styled lines kept per widget: a screen of 46 lines and more (each is a Strip with its caches: the collector walks them)


class StyledLines(StylesCache):
    """A StylesCache that reuses the styled line of a content line it has styled before (module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._styled: LRUCache[tuple[object, ...], Strip] = LRUCache(KEPT)
        self.hits = 0  # lines drawn from memory (tests)

    def clear(self) -> None:
        super().clear()
        # (styled lines stay: they are kept under everything they were styled with)

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

        gutter = styles.gutter
        content_y = y - gutter.top
        outline = styles.outline
        if (
            content_y < 0
            or y >= size.height - gutter.bottom
            or content_y >= content_size.height
            or outline.top[0]
            or outline.bottom[0]
        ):
            return textual(render_content_line)  # a border, padding or outline row: Textual's own way
        content = render_content_line(content_y)
        key = (
            tuple(content),
            content.cell_length,
            size,
            content_size,
            padding,
            base_background,
            background,
            opacity,
            styles.border,
            outline,
            styles.text_opacity,
            styles.tint,
            styles.hatch if styles.has_rule("hatch") else None,
            ansi_theme,
            native_ansi,
        )
        styled = self._styled.get(key)
        if styled is None:
            styled = lean(textual(lambda _y: content))  # kept: its caches made only when used
            self._styled[key] = styled
        else:
            self.hits += 1
        return styled


def use_styled_lines(widget: Widget) -> StyledLines:
    """Give WIDGET a StyledLines cache in place of Textual's StylesCache (from its `__init__`)."""
    cache = StyledLines()
    widget._styles_cache = cache
    return cache
