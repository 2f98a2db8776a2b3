"""Hostile buyer text in an RFQ (title, description, buyer) and in a visitor's searches is shown literally.

Markup stays visible as text, escape sequences and controls become visible placeholders, clicking
it does nothing, and the RFQ market, its quote form and the Visitors screen all survive it.
"""

from __future__ import annotations

import json
from pathlib import Path

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.importing import import_activity
from inquiry_tui.services.rfq.importing import import_rfqs
from inquiry_tui.tui.common.paged_list import PagedList
from inquiry_tui.tui.rfq.quote_form import QuoteFormScreen
from inquiry_tui.tui.rfq.screen import RfqScreen
from inquiry_tui.tui.visitors.screen import VisitorsScreen
from tests.tui.conftest import HOSTILE_TEXT, settle
from tests.tui.customers.customer_host import ScreenHost

RAW = ["\x1b", "\x9b", "\x00", "\x07", "\r", "\u202e", "\u200b"]


def _no_raw(text: str) -> None:
    for raw in RAW:
        assert raw not in text, f"raw {raw!r} reached the screen"


def _shows(svg: str, literal: str) -> bool:
    plain = svg.replace("&#160;", " ")
    return literal in plain or literal.replace("&", "&amp;").replace("'", "&#x27;") in plain


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


async def test_a_hostile_rfq_is_text_in_the_market_and_the_quote_form(store_ctx: Ctx, tmp_path: Path) -> None:
    record = {
        "external_id": "EVIL-1",
        "posted_at": "2026-11-23T09:00:00Z",  # the newest RFQ: the first row
        "buyer": {
            "email": "mallory@evil.example",
            "name": f"Mallory {HOSTILE_TEXT}",
            "company": f"Evil {HOSTILE_TEXT} Ltd",
            "country": "DE",
        },
        "title": "[@click=app.quit]x[/] LED flood light 100W [RED] \x1b]0;PWNED-TITLE\x07",
        "description": f"Please quote flood lights. {HOSTILE_TEXT}",
        "category": "Flood lights",
        "quantity": 100,
        "unit": "pcs",
        "destination": "DE",
    }
    import_rfqs(store_ctx, _write(tmp_path / "rfqs.jsonl", [record]))
    app = ScreenHost(store_ctx, RfqScreen)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(PagedList)
        assert listing.current is not None and listing.current.external_id == "EVIL-1"
        svg = app.export_screenshot()
        _no_raw(svg)
        for shown in ("[@click=app.quit]x[/]", "[RED]", "␛]0;PWNED-TITLE␇", "Mallory"):
            assert _shows(svg, shown), shown
        for selector in ("#market-list", "#market-detail"):
            for offset in ((4, 1), (10, 2), (20, 3), (12, 5)):
                await pilot.click(selector, offset=offset)
            await settle(pilot)
        assert app.is_running and isinstance(app.screen, RfqScreen)
        await pilot.press("enter")  # the quote form names the RFQ
        await settle(pilot)
        assert isinstance(app.screen, QuoteFormScreen)
        svg = app.export_screenshot()
        _no_raw(svg)
        assert _shows(svg, "[@click=app.quit]x[/]")
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, RfqScreen)


async def test_hostile_searches_are_text_in_the_visitors_list(store_ctx: Ctx, tmp_path: Path) -> None:
    email = "mallory@evil.example"
    events = [
        {"email": email, "at": "2026-11-23T08:00:00Z", "kind": "visit", "detail": "900", "region": "DE"},
        {"email": email, "at": "2026-11-23T08:05:00Z", "kind": "search", "detail": "[@click=app.quit]x[/]"},
        {"email": email, "at": "2026-11-23T08:06:00Z", "kind": "search", "detail": "\x1b]0;PWNED-TITLE\x07"},
    ]
    import_activity(store_ctx, _write(tmp_path / "activity.jsonl", events))
    app = ScreenHost(store_ctx, VisitorsScreen)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(PagedList)
        assert listing.current is not None and listing.current.email == email  # the most page views
        svg = app.export_screenshot()
        _no_raw(svg)
        assert _shows(svg, "[@click=app.quit]x[/]") or _shows(svg, "␛]0;pwned-title␇")
        for offset in ((4, 1), (30, 1), (50, 1)):
            await pilot.click("#visitors-list", offset=offset)
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, VisitorsScreen)
