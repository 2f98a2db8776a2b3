"""SpanCompositor: a screen's partial updates drawn from the widgets under the dirty spans only.

A frame after a key (the cursor's two rows, the panes' changed lines) is a partial update:
Textual's compositor turns the dirty regions into spans (per screen line, the columns to send)
and fills, for every line a span is on, one chop per cut (every widget's left and right edge is a
cut). To do so it renders every widget whose clip meets the rectangle around all dirty regions,
whole (every line of it, through its styles cache and the app's line filters), and divides each
of its strips at the cuts, on every spanned line. The header, the footer, the folder bar and the
containers under the panes (the screen itself, `#inbox-body`, `#panes`) were drawn and cut in every
frame, though the header and footer lie outside every span and the containers are covered by their
children: about half of a move's frame (docs/performance.md, session 12).

`SpanCompositor` fills the same chops from the same strips, front to back as Textual does (the
first widget over a cut wins it), but only the chops a span touches (the update sends no other),
renders a widget only when one of them is still empty over it, and then only the lines that have
one. The update it returns draws the same picture (the inbox snapshots and
tests/tui/common/test_span_compositor.py hold it to Textual's). Full updates (a layout, a resize,
another screen) are Textual's own. Install it with `use_span_compositor(screen)` in the screen's
`__init__`.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip


class SpanCompositor(Compositor):
    """A Compositor whose partial updates render only what their spans show (module docstring)."""

    def render_partial_update(self) -> ChopsUpdate | None:
        screen_region = self.size.region
        update_regions = {region.intersection(screen_region) for region in self._dirty_regions}
        update_regions.discard(Region())
        self._dirty_regions.clear()
        if not update_regions:
            return None
        spans = list(self._regions_to_spans(update_regions))
        chops = self._render_spans(spans)
        chop_ends = [cut_set[1:] for cut_set in self.cuts]
        return ChopsUpdate(chops, spans, chop_ends)

    def _render_spans(self, spans: list[tuple[int, int, int]]) -> list[dict[int, Strip | None]]:
        """Each line's chops (cut -> strip), the ones under SPANS filled as Textual's `_render_chops` fills them."""
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        # Per spanned line, the cuts whose chop a span touches (only those are sent) and are still empty.
        empty: dict[int, list[int]] = {}
        for y, x1, x2 in spans:
            line_cuts = cuts[y]
            empty.setdefault(y, []).extend(cut for cut, end in pairwise(line_cuts) if cut < x2 and end > x1)

        for widget, (region, clip) in self.visible_widgets.items():
            if not empty:
                break  # every chop a span touches is filled: the widgets behind are hidden there
            x, y, width, height = render_region = region.intersection(clip)
            if not (width and height):
                continue
            right, bottom = x + width, y + height
            # The spanned lines on which a chop over this widget is still empty.
            todo = [
                line
                for line, waiting in empty.items()
                if y <= line < bottom
                and (x <= waiting[-1] and waiting[0] < right)
                and any(x <= cut < right for cut in waiting)
            ]
            if not todo:
                continue
            todo.sort()
            first, last = todo[0], todo[-1]
            strips = widget.render_lines(Region(x - region.x, first - region.y, width, last - first + 1))
            first_cut, last_cut = render_region.column_span
            for line in todo:
                chops_line = chops[line]
                final_cuts = [cut for cut in cuts[line] if last_cut >= cut >= first_cut]
                cut_strips = strips[line - first].divide([cut - x for cut in final_cuts[1:]])
                get = chops_line.get
                for cut, strip in zip(final_cuts, cut_strips):
                    if get(cut) is None:
                        chops_line[cut] = strip
                waiting = [cut for cut in empty[line] if chops_line[cut] is None]
                if waiting:
                    empty[line] = waiting
                else:
                    del empty[line]
        return chops


def use_span_compositor(screen: Screen[Any]) -> SpanCompositor:
    """Give SCREEN a SpanCompositor in place of Textual's Compositor (from its `__init__`)."""
    compositor = SpanCompositor()
    screen._compositor = compositor
    return compositor
