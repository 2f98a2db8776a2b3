"""Admin by keyboard, part two: reception and calls (FAQ limit, a bad window), accounts, the allocation record.

Every change is made with keys, then checked in the store and on the next arrival.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from textual.widgets import DataTable, Input, Select, Static, TextArea

from inquiry_tui.domain.settings import FaqEntry
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.catalog import list_products
from inquiry_tui.services.setup.settings import get_settings
from inquiry_tui.services.team.accounts import list_accounts
from inquiry_tui.store.models import Message
from inquiry_tui.tui.admin.faq import FaqDialog, FaqList
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.confirm import ConfirmScreen
from tests.admin_helpers import arrive
from tests.tui.admin.admin_pilot import SOON, choose, go_to, open_admin, pick_account
from tests.tui.conftest import settle


async def test_reception_settings_by_keyboard_faq_limit_and_a_bad_window(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_admin(pilot)
        await go_to(pilot, "reception")
        screen = app.screen
        await choose(pilot, screen.query_one("#reception-mode", Select), "custom")
        await pilot.press("tab")
        timezone = screen.query_one("#reception-timezone", Input)
        assert app.focused is timezone
        await pilot.press("ctrl+u", *"Europe/Berl", "right")  # the suggestion completes the zone
        assert timezone.value == "Europe/Berlin"
        await pilot.press("tab")
        await pilot.press("ctrl+u", *"workday 18:00-9:00")
        await pilot.pause()
        status = screen.query_one("#reception-status", Static)
        assert "must start before it ends" in str(status.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "must start before it ends" in str(status.render())
        assert get_settings(store_ctx).reception.timezone == "Asia/Shanghai"  # refused: nothing saved
        await pilot.press("ctrl+u", *"workday 0:00-24:00")
        await pilot.press("tab")
        await pilot.press("ctrl+u", *"2026-12-25")
        await pilot.press("tab")
        welcome = screen.query_one("#reception-welcome", TextArea)
        assert app.focused is welcome
        await pilot.press("f7", "delete", *"Hi!")
        await pilot.press("tab")
        faq = screen.query_one(FaqList)
        assert app.focused is faq and len(faq.entries) == 3
        for n in (4, 5, 6):
            await pilot.press("n")
            await pilot.pause()
            if n == 6:
                assert not isinstance(app.screen, FaqDialog)  # refused: at most 5
                break
            assert isinstance(app.screen, FaqDialog)
            await pilot.press(*f"Q{n}", "enter", *f"A{n}", "enter")
            await pilot.pause()
        assert len(faq.entries) == 5
        await pilot.press("x")  # remove the highlighted (the last added)
        await pilot.press("tab")
        await pilot.press("f7", "delete", *"Qty?")
        await pilot.press("tab", "space")  # voice: the sample has it on -> off
        await pilot.press("tab", "space")  # video: off -> on
        await pilot.press("tab", "ctrl+u", *"holiday 8:00-20:00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved" in str(screen.query_one("#reception-status", Static).render())
    s = get_settings(store_ctx)
    r, c = s.reception, s.calls
    assert (r.mode, r.timezone) == ("custom", "Europe/Berlin")
    assert [str(w) for w in r.windows] == ["workday 00:00-24:00"]
    assert [d.isoformat() for d in r.holidays] == ["2026-12-25"]
    assert r.welcome == "Hi!"
    assert len(r.faq) == 4 and r.faq[3] == FaqEntry("Q4", "A4")
    assert r.smart_questions == ("Qty?",)
    assert (c.voice, c.video, [str(w) for w in c.windows]) == (False, True, ["holiday 08:00-20:00"])
    # A new buyer arriving now (a Monday workday in Berlin) gets exactly those auto-replies; the
    # smart question only because the inquiry does not state a quantity (questions go as needed).
    new = arrive(
        store_ctx, SOON, "first-contact@x.example", country="JP", subject="Catalogue", body="Your catalogue, please."
    )
    with store_ctx.read() as session:
        sent = session.exec(
            select(Message.body).where(Message.inquiry_id == new, Message.direction == "auto").order_by(Message.id)
        ).all()
    assert sent[0] == "Hi!" and len(sent) == 1 + 4 + 1
    assert sent[-1] == "Qty?"


async def test_accounts_add_away_and_deactivate_with_a_confirmed_successor(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_admin(pilot)
        await go_to(pilot, "accounts")
        table = app.screen.query_one("#accounts-table", DataTable)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"hana", "enter", *"Hana Xu", "enter")
        await settle(pilot)
        logins = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert "hana" in logins and logins[table.cursor_row] == "hana"
        await pilot.press("w")  # away: the dialog asks for an optional return date; enter leaves it open-ended
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        table.move_cursor(row=logins.index("ana"))
        await pilot.press("x")
        await pick_account(pilot, "ben")
        assert isinstance(app.screen, ConfirmScreen)
        message = str(app.screen.query_one("#confirm-message", Static).render())
        assert "ben takes over" in message and "open inquiries" in message
        await pilot.press("y")
        await settle(pilot)
    accounts = {a.login: a for a in list_accounts(store_ctx)}
    assert accounts["hana"].role == "sales" and accounts["hana"].away
    assert not accounts["ana"].active
    assert {p.owner for p in list_products(store_ctx)} >= {"ben"} and "ana" not in {
        p.owner for p in list_products(store_ctx)
    }
    assert "ana" not in get_settings(store_ctx).allocation.rotation_members


async def test_allocation_record_filters_and_export(store_ctx: Ctx, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_admin(pilot)
        await go_to(pilot, "record")
        table = app.screen.query_one("#record-table", DataTable)
        assert table.row_count == 100  # the first page; more come on scrolling
        await choose(pilot, app.screen.query_one("#record-account", Select), "gus")
        await settle(pilot)
        tos = {str(table.get_row_at(i)[3]) for i in range(table.row_count)}
        assert tos == {"gus"}
        await choose(pilot, app.screen.query_one("#record-rule", Select), "rotation")
        await settle(pilot)
        rules = {str(table.get_row_at(i)[4]) for i in range(table.row_count)}
        assert rules <= {"rotation"}
        table.focus()
        await pilot.press("e")
        await pilot.pause()
        target = tmp_path / "g.csv"
        await pilot.press("ctrl+u", *"g.csv", "enter")  # relative to the working directory
        await settle(pilot)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "at,inquiry_id,from,to,rule,actor,reason"
    assert all(",gus,rotation," in line for line in lines[1:])
