"""Routing by keyboard: away with a return date and back, a capacity limit (Admin › Accounts), notes (Inbox `N`)."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, TextArea

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.thread import thread_detail
from inquiry_tui.services.notes.notes import list_notes
from inquiry_tui.services.team.accounts import list_accounts
from inquiry_tui.tui.admin.ask import AskDialog
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.thread_view import ThreadView
from inquiry_tui.tui.notes.note_dialog import NoteDialog
from tests.conftest import ctx_as
from tests.tui.admin.admin_pilot import go_to, open_admin
from tests.tui.conftest import settle, until


async def test_away_with_a_return_date_then_back_and_a_limit(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_admin(pilot)
        await go_to(pilot, "accounts")
        table = app.screen.query_one("#accounts-table", DataTable)
        logins = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=logins.index("ana"))
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, AskDialog)
        await pilot.press(*"2026-11-3x0", "enter")  # letters are not taken: the field holds digits and '-'
        await settle(pilot)
        ana = {a.login: a for a in list_accounts(store_ctx)}["ana"]
        assert (ana.away, ana.away_until) == (True, date(2026, 11, 30))
        assert "until 2026-11-30" in str(table.get_row_at(logins.index("ana"))[4])
        await pilot.press("l")
        await settle(pilot)
        await pilot.press(*"3", "enter")
        await settle(pilot)
        await pilot.press("w")  # an away account comes back at once, no question
        await settle(pilot)
    ana = {a.login: a for a in list_accounts(store_ctx)}["ana"]
    assert (ana.away, ana.away_until, ana.limit) == (False, None, 3)


async def test_a_bad_return_date_is_refused_in_place(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_admin(pilot)
        await go_to(pilot, "accounts")
        await pilot.press("down", "w")
        await settle(pilot)
        await pilot.press(*"2026-13-01", "enter")
        await settle(pilot)
        assert "not a date" in str(app.screen.query_one("#accounts-status").render())
    assert not any(a.away for a in list_accounts(store_ctx))


async def test_a_note_by_keyboard_is_marked_until_its_owner_opens_it(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(InquiryList)
        row = listing.current
        assert row is not None
        inquiry_id, owner = row.inquiry.id, row.inquiry.owner_login
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("ctrl+s")  # empty: refused in place
        await settle(pilot)
        assert "must not be empty" in str(app.screen.query_one("#note-status").render())
        app.screen.query_one(TextArea).insert("Please call them today.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteDialog)
        assert listing.current is not None and listing.current.inquiry.note
        await until(pilot, lambda: "Please call them today." in app.screen.query_one(ThreadView).plain, "the note")
    [note] = list_notes(store_ctx)
    assert (note.inquiry_id, note.to, note.seen) == (inquiry_id, owner, False)
    # its owner opens it: the mark goes
    owner_app = InquiryApp(ctx_as(store_ctx, owner))
    async with owner_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        listing = owner_app.screen.query_one(InquiryList)
        assert listing.current is not None and listing.current.inquiry.id == inquiry_id
        assert listing.current.inquiry.note
        await pilot.press("enter")
        await settle(pilot)
        assert listing.current is not None and not listing.current.inquiry.note
    assert [n.seen for n in thread_detail(store_ctx, inquiry_id).notes] == [True]


async def test_only_the_admin_leaves_notes(store_ctx: Ctx) -> None:
    app = InquiryApp(ctx_as(store_ctx, "ana"))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)
        assert not isinstance(app.screen, NoteDialog)
    assert list_notes(store_ctx) == []
