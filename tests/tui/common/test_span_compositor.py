"""SpanCompositor sends the same picture as Textual's compositor in every partial update: each frame of
the inbox (keys, pages, a search, a toast over the panes, the profile folded away, a narrow terminal) is
drawn both ways from the same dirty regions and the two updates compared, and it renders only the
widgets under the spans (a cursor move leaves the header, footer, folder bar and containers alone)."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType
from rich.style import Style
from textual._compositor import Compositor
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Footer, Header, Static

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.span_compositor import SpanCompositor, use_span_compositor
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle, until


class Frames:
    """Every partial update of SCREEN drawn by its SpanCompositor and by Textual's, from the same dirty regions."""

    def __init__(self, app: App[Any], compositor: SpanCompositor) -> None:
        self.app = app
        self.compositor = compositor
        self.compared = 0
        self.mismatches: list[int] = []
        self.rendered: list[set[str]] = []  # per partial update, the widgets SpanCompositor rendered
        self._ours = compositor.render_partial_update
        compositor.render_partial_update = self._both  # type: ignore[method-assign]

    def _both(self) -> Any:
        regions = set(self.compositor._dirty_regions)
        rendered: set[str] = set()
        originals: dict[Widget, Any] = {}
        for widget in self.compositor.visible_widgets:
            originals[widget] = widget.render_lines

            def counted(crop: Region, widget: Widget = widget) -> Any:
                rendered.add(type(widget).__name__ + (f"#{widget.id}" if widget.id else ""))
                return originals[widget](crop)

            widget.render_lines = counted  # type: ignore[method-assign]
        try:
            ours = self._ours()
        finally:
            for widget, original in originals.items():
                widget.render_lines = original  # type: ignore[method-assign]
        self.compositor._dirty_regions.update(regions)
        textual = Compositor.render_partial_update(self.compositor)  # Textual's own, on the same state
        if ours is not None or textual is not None:
            assert ours is not None and textual is not None
            console = self.app.console
            self.compared += 1
            self.rendered.append(rendered)
            if _cells(ours, console) != _cells(textual, console):
                self.mismatches.append(self.compared)
        return ours


def _cells(update: Any, console: Console) -> dict[tuple[int, int], tuple[str, Style | None]]:
    """What UPDATE writes to a terminal: each cell it sets, with its character and style (cursor moves that
    write nothing, which Textual sends for a chop that starts where a span ends, leave no trace)."""
    cells: dict[tuple[int, int], tuple[str, Style | None]] = {}
    x = y = 0
    for segment in update.__rich_console__(console, console.options):
        if segment.control:
            for code in segment.control:
                if code[0] == ControlType.CURSOR_MOVE_TO:
                    x, y = code[1], code[2]
            continue
        if segment.text == "\n":
            x, y = 0, y + 1
            continue
        for character in segment.text:
            cells[(x, y)] = (character, segment.style)
            x += cell_len(character)
    return cells


def _inbox(app: InquiryApp) -> InboxScreen:
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_the_inbox_frames_are_textuals(store_ctx: Ctx, size: tuple[int, int]) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        compositor = screen._compositor
        assert isinstance(compositor, SpanCompositor)
        frames = Frames(app, compositor)
        await until(pilot, lambda: screen.query_one(ThreadView).shown_id is not None, "the first thread")
        for keys in (["j"] * 6, ["pagedown"], ["k", "k"], ["end"], ["pageup"], ["home"], ["j"] * 50):
            await pilot.press(*keys)
            await settle(pilot)
        app.notify("A toast over the panes")
        await pilot.press("j", "j")
        await settle(pilot)
        await pilot.press("p")  # the profile folded away (or shown, when narrow)
        await settle(pilot)
        await pilot.press("j", "tab", "j", "j", "shift+tab")  # the thread pane scrolled, the focus moving
        await settle(pilot)
        screen.run_search("led")
        await settle(pilot)
        await pilot.press("j", "j", "escape")
        await settle(pilot)
        assert frames.compared > 10
        assert frames.mismatches == []
        assert not app.unexpected_errors


async def test_a_move_renders_only_the_widgets_under_its_spans(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        await until(pilot, lambda: screen.query_one(ThreadView).shown_id is not None, "the first thread")
        await pilot.press("j")
        await settle(pilot)
        compositor = screen._compositor
        assert isinstance(compositor, SpanCompositor)
        frames = Frames(app, compositor)
        listing = screen.query_one(InquiryList)
        for _ in range(3):
            listing.action_cursor_down()  # the cursor's rows, and the panes (read ahead) in its frame
            await settle(pilot)
        # (their scrollbars: KeptLinesScrollBar, kept_bar_lines.py)
        panes = {"InquiryList#inquiries", "ThreadView#thread", "ProfilePane#profile", "KeptLinesScrollBar"}
        assert frames.rendered and all(rendered <= panes for rendered in frames.rendered)
        assert any("InquiryList#inquiries" in rendered for rendered in frames.rendered)
        assert frames.mismatches == []


class Nested(App[None]):
    """Containers, borders, a scrolled column, a layer over it: what a partial update cuts around."""

    CSS = """
    Screen { layers: default over; }
    #row { height: 1fr; }
    .box { border: round red; width: 1fr; padding: 0 1; }
    #column { width: 1fr; border: heavy blue; }
    #over { layer: over; offset: 10 6; width: 30; height: 5; border: solid green; background: $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.boxes: list[Static] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="row"):
            for n in range(3):
                box = Static(f"box {n}\n" * 8, classes="box")
                self.boxes.append(box)
                yield box
            with VerticalScroll(id="column"):
                for n in range(40):
                    yield Static(f"line {n} " + "·" * (n % 17))
        yield Static("over the rest", id="over")
        yield Footer()

    def on_mount(self) -> None:
        use_span_compositor(self.screen)


async def test_nested_layers_and_scrolling_are_drawn_as_textual_draws_them() -> None:
    app = Nested()
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        assert isinstance(compositor, SpanCompositor)
        await pilot.resize_terminal(100, 32)  # a full update: the new compositor's map
        await pilot.pause()
        frames = Frames(app, compositor)
        for n in range(12):
            app.boxes[n % 3].update(f"box {n % 3} changed {n}\n" * (3 + n % 6))
            app.boxes[(n + 1) % 3].refresh(Region(0, n % 5, 6, 2))
            app.query_one("#column", VerticalScroll).scroll_to(y=n * 3, animate=False)
            if n % 4 == 0:
                app.query_one("#over", Static).update(f"over {n}")
            await pilot.pause()
        assert frames.compared >= 6
        assert frames.mismatches == []
