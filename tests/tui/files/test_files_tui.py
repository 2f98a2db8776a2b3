"""The files in the TUI: the thread lists attachments, `w` saves one, a reply attaches from the disk; the disk screen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Tree

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.attachments import list_attachments
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.paged_rows import PagedRows
from inquiry_tui.tui.files.attach import AttachScreen
from inquiry_tui.tui.files.save import SaveAttachmentScreen
from inquiry_tui.tui.inbox.reply import ReplyScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle, until
from tests.tui.files.files_helpers import attach_to_newest, library

WIDE = (160, 48)
SMALL = (80, 24)


def _steps(*keys: str) -> Callable[[Pilot[object]], Awaitable[None]]:
    async def run(pilot: Pilot[object]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


class TestSnapshots:
    def test_thread_with_attachments_wide(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        attach_to_newest(store_ctx)
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=_steps())

    def test_thread_with_attachments_small(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        attach_to_newest(store_ctx)

        async def to_the_end(pilot: Pilot[object]) -> None:
            await _steps()(pilot)
            pilot.app.screen.query_one(ThreadView).scroll_end(animate=False, immediate=True)
            await settle(pilot)

        assert snap_compare(InquiryApp(store_ctx), terminal_size=SMALL, run_before=to_the_end)

    def test_disk_wide(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        library(store_ctx)
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=_steps("6", "tab", "down"))

    def test_disk_small(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        library(store_ctx)
        assert snap_compare(InquiryApp(store_ctx), terminal_size=SMALL, run_before=_steps("6", "tab", "down"))


async def test_the_thread_lists_attachments_with_their_real_type(store_ctx: Ctx) -> None:
    attach_to_newest(store_ctx)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        shown = app.screen.query_one(ThreadView).plain
        assert "📎 site drawing.png · 96 B · PNG image" in shown
        assert "📎 invoice.pdf · 127 B · ⚠ program (executable)" in shown  # a program, whatever its name says
        assert "📎 fdp.exe [bold]x · 10 B · text" in shown  # cleaned of its bidi override, the rest literal


async def test_w_saves_an_attachment_and_asks_before_overwriting(store_ctx: Ctx, tmp_path: Path) -> None:
    inquiry_id = attach_to_newest(store_ctx)
    target = tmp_path / "saved.png"
    app = InquiryApp(store_ctx)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        for attempt in range(2):
            await pilot.press("w")
            await settle(pilot)
            assert isinstance(app.screen, SaveAttachmentScreen)
            app.screen.query_one("#save-path", Input).value = str(target)
            app.screen.query_one("#save-path", Input).focus()
            await pilot.press("enter")
            await settle(pilot)
            if attempt == 1:  # the file is there now: asked first, and only y overwrites
                await pilot.press("y")
                await settle(pilot)
            assert not isinstance(app.screen, SaveAttachmentScreen)
        first = list_attachments(store_ctx, inquiry_id)[0]
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size == first.size


async def test_a_reply_attaches_a_file_from_the_disk(store_ctx: Ctx) -> None:
    library(store_ctx)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        inquiry_id = app.screen.inquiry_list.current.inquiry.id  # type: ignore[attr-defined]
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, AttachScreen)
        await pilot.press(*"certificate")
        await until(pilot, lambda: len(app.screen.query_one("#attach-disk", OptionList).options) == 1, "found")
        app.screen.query_one("#attach-disk", OptionList).focus()
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReplyScreen)
        await pilot.press(*"Our CE certificate is attached.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ReplyScreen)
    with store_ctx.read() as session:
        row = session.execute(
            text(
                "SELECT m.body, a.name FROM message m JOIN attachment a ON a.message_id = m.id "
                "WHERE m.inquiry_id = :i AND m.direction = 'out'"
            ),
            {"i": inquiry_id},
        ).one()
    assert tuple(row) == ("Our CE certificate is attached.", "CE certificate.pdf")


async def test_the_disk_adds_deletes_and_restores(store_ctx: Ctx, tmp_path: Path) -> None:
    library(store_ctx)
    source = tmp_path / "price list.csv"
    source.write_text("sku,usd\nA,1\n", encoding="utf-8")
    app = InquiryApp(store_ctx)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        files = app.screen.query_one("#disk-files", PagedRows)
        await pilot.press("tab", "down")  # the tree: Catalogues
        await settle(pilot)
        assert [r.name for r in files.rows] == ["Brightway LED catalogue 2026.pdf", "Price list FOB Ningbo.csv"]
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one(Input).value = str(source)
        await pilot.press("enter")

        await settle(pilot)
        await until(pilot, lambda: len(files.rows) == 3, "the file was added")
        tree = app.screen.query_one("#disk-tree", Tree)
        assert tree.cursor_node is not None
        assert str(tree.cursor_node.label) == "📁 Catalogues 3"  # the folder's count follows
        files.focus()
        await pilot.press("end", "d")
        await settle(pilot)
        await until(pilot, lambda: len(files.rows) == 2, "the file went to the trash")
        tree.focus()
        await pilot.press("end")  # the trash
        await until(pilot, lambda: [r.name for r in files.rows] == ["price list.csv"], "the trash is shown")
        files.focus()
        await pilot.press("u")
        await until(pilot, lambda: files.rows == [], "restored")
        await until(
            pilot,
            lambda: "📁 Catalogues 3" in [str(n.label) for n in tree.root.children[0].children],
            "the tree counts it again",
        )
