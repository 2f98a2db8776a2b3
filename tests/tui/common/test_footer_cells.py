"""The one-widget footer draws the cells Textual's own footer keys draw for the same keys.

The reference is Textual's `Footer` with one `FooterKey` per key the app's footer chose (what the
app's footer was until session 14): the same screen, swapped in for the app's footer, and the
bottom line of both frames compared cell by cell as the terminal receives them.
"""

from __future__ import annotations

from typing import Any

import pytest
from rich.segment import Segment
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.footer import COMPACT_BELOW, Entry, KeysFooter
from tests.conftest import ctx_as
from tests.tui.conftest import settle, until


class ReferenceFooter(Footer):
    """Textual's footer showing ENTRIES, as the app's footer composed them until session 14."""

    def __init__(self, entries: list[Entry], compact: bool) -> None:
        super().__init__(compact=compact, show_command_palette=not compact)
        self.entries = entries

    def compose(self) -> ComposeResult:
        for entry in self.entries:
            binding = entry.binding
            key = FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not entry.enabled,
                tooltip=entry.tooltip,
                classes="-command-palette" if entry.palette else "",
            )
            if not entry.palette:
                key.set_reactive(FooterKey.compact, self.compact)
                key.set_class(self.compact, "-compact")
            yield key


def _cells(segments: list[Segment]) -> list[str]:
    """Each cell as the terminal gets it: its character with its style's escape codes."""
    cells = []
    for segment in segments:
        for char in segment.text:
            cells.append(segment.style.render(char, color_system="truecolor") if segment.style else char)
    return cells


def _bottom_line(app: InquiryApp) -> list[str]:
    strips = app.screen._compositor.render_strips()
    return _cells(list(strips[-1]))


async def _both(app: InquiryApp, pilot: Any, hover: int | None = None) -> tuple[list[str], list[str]]:
    """The bottom line with the app's footer, then with the reference in its place (the app's put back after)."""
    footer = app.screen.query_one(KeysFooter)
    entries = [p.entry for p in footer.placed]
    if hover is not None:
        await pilot.hover(KeysFooter, offset=(footer.placed[hover].start + 1, 0))
        await settle(pilot)
        assert footer.hovered == footer.placed[hover]
    ours = _bottom_line(app)
    compact = footer.compact
    footer.display = False
    reference = ReferenceFooter(entries, compact)
    await app.screen.mount(reference)
    await settle(pilot)
    if hover is not None:
        keys = list(reference.query(FooterKey))
        await pilot.hover(keys[hover])
        await settle(pilot)
        assert keys[hover].mouse_hover
    theirs = _bottom_line(app)
    await reference.remove()
    footer.display = True
    await settle(pilot)
    return ours, theirs


@pytest.mark.parametrize("size", [(160, 48), (80, 24), (COMPACT_BELOW, 30), (COMPACT_BELOW - 1, 30)])
async def test_the_footer_draws_what_textuals_footer_keys_draw(store_ctx: Ctx, size: tuple[int, int]) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for screen_key in ("1", "2", "3", "5"):  # inbox, customers, deals, chats: some keys cut at 80 columns
            await pilot.press(screen_key)
            await settle(pilot)
            ours, theirs = await _both(app, pilot)
            assert ours == theirs


async def test_with_the_search_field_a_disabled_key_and_the_mouse_over_a_key(store_ctx: Ctx) -> None:
    app = InquiryApp(ctx_as(store_ctx, "ana"))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash")  # the field has the focus: only its keys and the palette's
        await until(
            pilot,
            lambda: [p.description for p in app.screen.query_one(KeysFooter).placed] == ["Search", "palette"],
            "the field's keys",
        )
        ours, theirs = await _both(app, pilot)
        assert ours == theirs
        await pilot.press("escape")
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        plain = _bottom_line(app)
        for hover in (0, 3, len(footer.placed) - 1):  # the first key, one in the middle, the palette's
            ours, theirs = await _both(app, pilot, hover=hover)
            assert ours == theirs and ours != plain
        await pilot.press("3")  # deals, on its orders: the templates' keys are shown disabled
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        disabled = [i for i, p in enumerate(footer.placed) if not p.entry.enabled]
        assert disabled
        ours, theirs = await _both(app, pilot)
        assert ours == theirs
        ours, theirs = await _both(app, pilot, hover=disabled[0])
        assert ours == theirs
