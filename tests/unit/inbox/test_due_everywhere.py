"""One due/overdue rule: the list row, the detail pane, a triage result and the dashboard agree at the edge."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing, thread, triage
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.services.team.stats import team_stats
from tests.admin_helpers import arrive, at
from tests.conftest import FIXED_NOW

US = timedelta(microseconds=1)


@pytest.fixture
def shop(admin_ctx: Ctx) -> Ctx:
    set_setting(admin_ctx, "reception.timezone", "UTC")
    return admin_ctx


def _views(ctx: Ctx, inquiry_id: int) -> tuple[bool, bool, bool, int]:
    row = next(r for r in listing.page_after(ctx, "all", None, 50) if r.id == inquiry_id)
    stats = team_stats(ctx)
    assert stats.company is not None
    return (
        row.overdue,
        thread.thread_detail(ctx, inquiry_id).overdue,
        triage.get_state(ctx, inquiry_id).overdue,
        (stats.company.overdue),
    )


@pytest.mark.parametrize(("age", "overdue"), [(timedelta(hours=24) - US, False), (timedelta(hours=24), True)])
def test_every_reader_says_the_same_at_the_due_time(shop: Ctx, age: timedelta, overdue: bool) -> None:
    inquiry = arrive(shop, FIXED_NOW - age, "edge@x.example")
    assert _views(at(shop, FIXED_NOW), inquiry) == (overdue, overdue, overdue, int(overdue))


def test_an_answer_or_junk_ends_overdue_everywhere(shop: Ctx) -> None:
    answered = arrive(shop, FIXED_NOW - timedelta(days=2), "a@x.example")
    junked = arrive(shop, FIXED_NOW - timedelta(days=2), "b@x.example")
    assert _views(shop, answered)[:3] == (True, True, True)
    triage.reply(shop, answered, "Our price is USD 4.20 FOB.")
    triage.set_junk(shop, junked, True)
    assert _views(shop, answered) == (False, False, False, 0)
    assert triage.get_state(shop, junked).overdue is False
