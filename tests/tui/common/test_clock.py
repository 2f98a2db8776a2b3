"""One clock (tui/common/clock.py): every screen shows times in the reader's zone, the header names it, `Z` sets it.

Pacific/Chatham (UTC+13:45 in November) is far from both UTC and the company's zone
(Asia/Shanghai) and moves the minutes too, so a time shown on another clock cannot pass.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from textual.widgets import Input, Static

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.audit_log import audit_page
from inquiry_tui.services.team.zone import account_zone, set_zone
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.zone_dialog import ZoneDialog
from inquiry_tui.tui.customers.customer_list import CustomerList
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from tests.tui.conftest import settle, turns, until

CHATHAM = ZoneInfo("Pacific/Chatham")
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the sample company's zone (company.json)
TUI = Path(__file__).resolve().parents[3] / "inquiry_tui" / "tui"


def shown(app: Any) -> str:
    """The text on the screen, as drawn."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def contact_days(app: Any, zone: ZoneInfo) -> list[str]:
    """The customer list's first rows' "Contact" days, on ZONE's clock, as the list should show them."""
    rows = app.screen.query_one(CustomerList).rows[:30]
    return [clock.day(r.last_contact_at, zone, none="never") for r in rows]


def shown_contact_days(app: Any) -> list[str]:
    lines = shown(app).splitlines()[4:34]  # header, search, status, column titles, then the rows
    return [re.findall(r"\d{4}-\d\d-\d\d|never", line)[0] for line in lines]


async def test_z_sets_ones_own_zone_and_the_other_screens_show_it(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert "times in Asia/Shanghai" in app.sub_title  # the company's: the main account chose none
        await pilot.press("2")
        await settle(pilot)
        assert contact_days(app, SHANGHAI) != contact_days(app, CHATHAM)  # rows whose day differs between the two
        assert shown_contact_days(app) == contact_days(app, SHANGHAI)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("Z")
        await settle(pilot)
        assert isinstance(app.screen, ZoneDialog)
        assert "enter save" in shown(app)  # the dialog shows its keys
        await pilot.press(*"Mars", "slash", *"Base", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ZoneDialog)  # refused where it is typed; nothing saved
        assert "Not a time zone: Mars/Base" in str(app.screen.query_one("#zone-problem", Static).render())
        app.screen.query_one(Input).value = ""
        await pilot.press(*"pacific", "slash", *"chatham", "enter")  # any case
        await settle(pilot)
        assert not isinstance(app.screen, ZoneDialog)
        assert "times in Pacific/Chatham" in app.sub_title
        assert account_zone(store_ctx, "boss")[0] == "Pacific/Chatham"
        entry = audit_page(store_ctx).entries[0]  # audited as any account setting
        assert (entry.action, entry.entity_id, json.loads(entry.after)) == (
            "account_zone",
            "boss",
            {"timezone": "Pacific/Chatham"},
        )
        # The inbox on view shows its times again at once ...
        current = app.screen.query_one(InquiryList).current
        assert current is not None
        assert f"Received {clock.stamp(current.received_at, CHATHAM)}" in shown(app)
        # ... and the customers screen, built before, shows its days on the new clock.
        await pilot.press("2")
        await settle(pilot)
        assert shown_contact_days(app) == contact_days(app, CHATHAM)
        assert not app.unexpected_errors


async def test_every_screen_family_shows_times_in_the_readers_zone(store_ctx: Ctx) -> None:
    """Inbox, Customers, RFQ market, Visitors and Admin on the sample store, the reader in Chatham."""
    set_zone(store_ctx, "boss", "Pacific/Chatham")
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert "times in Pacific/Chatham" in app.sub_title
        current = app.screen.query_one(InquiryList).current
        assert current is not None
        await until(pilot, lambda: "Received " + clock.stamp(current.received_at, CHATHAM) in shown(app), "thread")
        await pilot.press("2")
        await settle(pilot)
        assert shown_contact_days(app) == contact_days(app, CHATHAM)
        await pilot.press("4")
        await settle(pilot)
        pane = app.screen.query_one("RfqDetailPane")
        await until(pilot, lambda: getattr(pane, "data", None) is not None, "an RFQ's detail")
        posted = pane.data.detail.row.posted_at  # type: ignore[attr-defined]
        assert f"Posted {clock.stamp(posted, CHATHAM)}" in shown(app)
        await pilot.press("9")
        await settle(pilot)
        listing = app.screen.query_one("PagedList")
        first = listing.rows[0]  # type: ignore[attr-defined]
        assert clock.day(first.last_visit, CHATHAM) in shown(app)
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("left_square_bracket")  # the audit log: setting the zone, at the fixed clock
        await settle(pilot)
        assert clock.stamp(datetime(2026, 11, 23, 9, 30, tzinfo=UTC), CHATHAM) == "2026-11-23 23:15"
        assert "2026-11-23 23:15" in shown(app)
        assert not app.unexpected_errors


def test_the_screens_without_sample_rows_format_on_the_readers_clock() -> None:
    """Chats, Calls, Notices, Deals, Disk: their row formatting, the reader in Chatham."""
    from inquiry_tui.tui.calls.screen import CallList
    from inquiry_tui.tui.chats.chat_view import line_text
    from inquiry_tui.tui.chats.screen import row_text
    from inquiry_tui.tui.deals.screen import loi_cells, order_cells
    from inquiry_tui.tui.files.disk_screen import file_text
    from inquiry_tui.tui.notices.screen import NoticeList

    clock.use("Pacific/Chatham")
    at = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # 2026-11-24 01:45 in Chatham
    assert clock.stamp(at) == "2026-11-24 01:45" and clock.short(at) == "11-24 01:45" and clock.day(at) == "2026-11-24"
    chat = SimpleNamespace(unread=0, name="Ann", email="a@x.example", last_at=at)
    assert "11-24 01:45" in row_text(chat, 60, clock.zone()).plain  # type: ignore[arg-type]
    line = SimpleNamespace(direction="in", author=None, sent_at=at, text="hi", cut_bytes=0, attachments=())
    assert "2026-11-24 01:45" in line_text(line, "Ann", clock.zone()).plain  # type: ignore[arg-type]
    notices = NoticeList()
    notices.zone = clock.zone()
    assert clock.stamp(at) in notices.cells(SimpleNamespace(read=False, created_at=at, title="t", text="x"))  # type: ignore[arg-type]
    calls = CallList()
    calls.zone = clock.zone()
    assert calls._when(at) == "11-24 01:45"  # unmounted: narrow
    order = SimpleNamespace(
        number="SO-1",
        placed_at=at,
        status="s",
        kind="k",
        buyer_company="B",
        buyer_name="",
        email="",
        total=Decimal(1),
        currency="USD",
        owner_login="a",
    )
    assert order_cells(order)[1] == "2026-11-24"  # type: ignore[arg-type]
    loi = SimpleNamespace(
        id=1,
        status="s",
        buyer_company="B",
        email="",
        subject="x",
        total=Decimal(1),
        currency="USD",
        owner_login="a",
        updated_at=at,
    )
    assert loi_cells(loi)[-1] == "2026-11-24"  # type: ignore[arg-type]
    entry = SimpleNamespace(size=1, name="a.pdf", mime="application/pdf", added_at=at)
    assert "2026-11-24" in file_text(entry, 100).plain  # type: ignore[arg-type]


def test_no_screen_formats_a_time_itself() -> None:
    """A time shown goes through the clock (a date the user typed, an away day, the company's hours aside)."""
    own = re.compile(r"\.strftime\(|\.astimezone\(|:%H:%M|%Y-%m-%d %H")
    allowed = {"common/clock.py", "admin/reception.py", "inbox/inquiry_row.py"}  # reception: the company's zone, named
    found = [
        f"{path.relative_to(TUI)}:{n}"
        for path in TUI.rglob("*.py")
        if str(path.relative_to(TUI)) not in allowed
        for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if own.search(text)
    ]
    assert not found, found


async def test_a_write_waiting_for_a_busy_store_says_saving(store_ctx: Ctx, monkeypatch: Any) -> None:
    """Another session holds the write lock: the header says "saving…" until the write is done."""
    import sqlite3

    import inquiry_tui.tui.app as app_module

    monkeypatch.setattr(app_module, "SAVING_AFTER", 0.01)  # "more than a moment", shorter in a test
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert "saving" not in app.sub_title
        await pilot.press("Z")
        await settle(pilot)
        await pilot.press(*"UTC")
        other = sqlite3.connect(store_ctx.url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another session writing
        try:
            await pilot.press("enter")
            for _ in turns():  # not `until`: it waits for the workers, and this one waits for the lock
                if "saving…" in app.sub_title:
                    break
                await pilot.pause()
            assert "saving…" in app.sub_title and app.writes == 1
        finally:
            other.execute("ROLLBACK")
            other.close()
        await until(pilot, lambda: "times in UTC" in app.sub_title, "the zone saved")
        assert "saving" not in app.sub_title and not app.unexpected_errors
