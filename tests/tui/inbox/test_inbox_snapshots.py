"""Snapshots of the inbox: both sizes, an open thread, the reply editor, search, folders, hostile text.

Fixed data (the generated sample store, fixed clock); every worker is awaited before the
picture; cursors do not blink. Regenerate with `pytest --snapshot-update` and look at them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from tests.conftest import ctx_as
from tests.tui.conftest import add_hostile_inquiry, settle

WIDE = (160, 48)
SMALL = (80, 24)


def _steps(*keys: str) -> Callable[[Pilot[object]], Awaitable[None]]:
    """Press KEYS one by one, letting every worker finish after each; no blinking cursors."""

    async def run(pilot: Pilot[object]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


class TestInbox:
    def test_inbox_wide(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=_steps())

    def test_inbox_small(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=SMALL, run_before=_steps())

    def test_inbox_small_profile(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=SMALL, run_before=_steps("p"))

    def test_salesperson_inbox(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(ctx_as(store_ctx, "ana")), terminal_size=WIDE, run_before=_steps())


class TestThread:
    def test_open_thread(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        # the fourth inquiry has an auto-reply: in, auto and (later) out are told apart
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=_steps("j", "j", "j", "enter"))

    def test_reply_editor(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        keys = ("r", "ctrl+t", "enter")
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=_steps(*keys))


class TestFolders:
    def test_search_results(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        keys = ("slash", *"solar fl", "enter")
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=_steps(*keys))

    def test_junk(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=_steps("J"))

    def test_deleted(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=_steps("D"))

    def test_allocation_record(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=_steps("R"))

    def test_keys_help(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=_steps("question_mark"))


class TestHostile:
    def test_hostile_inquiry(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        add_hostile_inquiry(store_ctx, "boss")
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=_steps())

    def test_hostile_inquiry_small(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        add_hostile_inquiry(store_ctx, "boss")
        assert snap_compare(InquiryApp(store_ctx), terminal_size=SMALL, run_before=_steps("p"))
