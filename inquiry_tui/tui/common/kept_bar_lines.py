"""KeptLinesScrollBar: a vertical scrollbar that draws each of its lines once, not once per thumb move.

Textual draws a scrollbar through the generic path of any widget: `ScrollBarRender` made into Rich
segments, those into strips (`Visual.to_strips`), each strip styled line by line (`StylesCache`), for
every line of the bar whenever the thumb moves. At 1M rows a jump moves the list's thumb every time,
and that drawing was about a quarter of the jump's frame (docs/performance.md, session 16). Yet a
vertical bar's lines are of a handful of kinds (the track above the thumb, the thumb, the track below
it, the thumb's two ends in eighths of a cell), each one segment as `ScrollBarRender.render_bar` lays it
out. This bar works out that segment for each line (cheap: the same call Textual's renderer makes), and
keeps the line Textual drew for it the first time; a frame whose lines are all kept returns them
without Textual's drawing. Anything else the line depends on (the bar's size and the part of it drawn,
its colours and the parent's, the app's line filters and ANSI theme) is checked first: when it changed,
the kept lines are dropped. Any other bar (horizontal, another renderer) is drawn by Textual as before.
tests/tui/common/test_kept_bar_lines.py holds the lines equal to Textual's.
"""

from __future__ import annotations

from typing import Any

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

KEPT = 64  # lines kept: the kinds a bar draws (track, thumb, 14 ends) for a few colourings (hover, grab)


class KeptLinesScrollBar(ScrollBar):
    """A ScrollBar that keeps the line drawn for each segment its renderer lays out (module docstring)."""

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1) -> None:
        super().__init__(vertical, name, thickness=thickness)
        self._kept: dict[Segment, Strip] = {}
        self._around: tuple[object, ...] | None = None  # what the kept lines were drawn in
        self.kept_frames = 0  # renders served from the kept lines (tests)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._kept.clear()

    def _segments(self) -> list[Segment] | None:
        """The segment each line of the bar draws, laid out as Textual's renderer lays it out when the bar
        is drawn at its size; None when this is not a plain vertical bar (Textual draws it then)."""
        gutter = self.styles.gutter
        if not self.vertical or self.renderer is not ScrollBarRender or gutter.top or gutter.bottom:
            return None  # (a border or padding row would draw no segment)
        bar = self.render()
        if not isinstance(bar, ScrollBarRender) or not isinstance(bar.style, Style):
            return None
        width, height = self.size
        style = bar.style
        laid = bar.render_bar(
            size=height,
            window_size=bar.window_size,
            virtual_size=bar.virtual_size,
            position=bar.position,
            thickness=width,
            vertical=True,
            back_color=style.bgcolor or Color.parse("#555555"),
            bar_color=style.color or Color.parse("bright_magenta"),
        )
        segments = laid.segments
        return segments if len(segments) == height else None

    def _drawn_in(self, crop: Region) -> tuple[object, ...]:
        """Everything a line of the bar depends on besides its segment."""
        base_background, background = self.background_colors
        styles = self.styles
        app = self.app
        return (
            self.size,
            crop.x,
            crop.width,
            base_background,
            background,
            self.visual_style,
            tuple(self.get_line_filters()),
            self.opacity,
            styles.tint,
            styles.text_opacity,
            styles.padding,
            styles.border,
            styles.outline,
            app.ansi_theme,
            app.native_ansi_color,
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        segments = self._segments()
        if segments is None:
            return super().render_lines(crop)
        around = self._drawn_in(crop)
        if around != self._around:
            self._kept.clear()
            self._around = around
        wanted = segments[crop.y : crop.y + crop.height]
        kept = self._kept
        lines = [kept.get(segment) for segment in wanted]
        if len(lines) == crop.height and None not in lines:
            self.kept_frames += 1
            return lines  # type: ignore[return-value]  # (none is None)
        drawn = super().render_lines(crop)
        if len(drawn) == len(wanted):
            if len(kept) + len(wanted) > KEPT:
                kept.clear()
            for segment, line in zip(wanted, drawn, strict=True):
                kept.setdefault(segment, line)
        return drawn


def kept_vertical_scrollbar(widget: Widget) -> ScrollBar:
    """WIDGET's vertical scrollbar, made a KeptLinesScrollBar the first time (as Textual's property makes its
    own: hidden until the layout shows it, started as the widget's child)."""
    bar: Any = widget._vertical_scrollbar
    if bar is not None:
        return bar  # type: ignore[no-any-return]
    bar = widget._vertical_scrollbar = KeptLinesScrollBar(
        vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical
    )
    bar.display = False
    widget.app._start_widget(widget, bar)
    return bar  # type: ignore[no-any-return]
