"""A checkbox's on and off differ in glyph, not only in colour (readable on a monochrome terminal)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from inquiry_tui.tui.common.check import Check


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Check("Sticky", True, id="on")
        yield Check("Rotation", False, id="off")


async def test_on_and_off_differ_in_glyph() -> None:
    app = _Host()
    async with app.run_test() as pilot:
        on, off = app.query_one("#on", Check), app.query_one("#off", Check)
        assert str(on.render()).startswith("▐X▌") and str(off.render()).startswith("▐ ▌")
        off.focus()
        await pilot.press("space")
        await pilot.pause()
        assert off.value and str(off.render()).startswith("▐X▌")
