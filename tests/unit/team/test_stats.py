"""Team figures through the store: the reply-rate definition on hand-made histories, open/overdue/load, roles.

Histories are made the way they happen: arrivals through the pipeline, then replies, junk
markings and deletions by the triage services at chosen instants.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from inquiry_tui.domain.metrics import RateFigures
from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.triage import delete_inquiry, reply, set_junk
from inquiry_tui.services.setup.catalog import add_product
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.services.team.accounts import deactivate
from inquiry_tui.services.team.stats import reference_team_stats, team_stats
from tests.admin_helpers import arrive, at
from tests.conftest import FIXED_NOW, ctx_as

H, D, S, US = timedelta(hours=1), timedelta(days=1), timedelta(seconds=1), timedelta(microseconds=1)
T = FIXED_NOW - 5 * D  # a Wednesday, well inside the window and long past its 24 h


@pytest.fixture
def shop(admin_ctx: Ctx) -> Ctx:
    """boss + ana, ben, cara; SKU A owned by ana; company time zone UTC so local days are UTC days."""
    add_product(admin_ctx, "A", "Flood light", "ana")
    set_setting(admin_ctx, "reception.timezone", "UTC")
    return admin_ctx


def company(ctx: Ctx) -> RateFigures:
    stats = team_stats(ctx)
    assert stats.company is not None
    return stats.company.reply


def by_login(ctx: Ctx) -> dict[str, RateFigures]:
    return {f.login: f.reply for f in team_stats(ctx).accounts}


def answer(ctx: Ctx, inquiry_id: int, when) -> None:  # type: ignore[no-untyped-def]
    reply(at(ctx_as(ctx, "ana"), when), inquiry_id, "Thank you, our price is USD 4.20 FOB.")


def test_reply_at_exactly_24_hours_counts_and_a_microsecond_later_does_not(shop: Ctx) -> None:
    on_time = arrive(shop, T, "a@x.example", product="A")
    late = arrive(shop, T + H, "b@x.example", product="A")
    just_late = arrive(shop, T + 2 * H, "c@x.example", product="A")
    answer(shop, on_time, T + 24 * H)
    answer(shop, late, T + H + 24 * H + S)
    answer(shop, just_late, T + 2 * H + 24 * H + US)
    assert company(shop) == RateFigures(1, 3, 1 / 3, 0)
    assert by_login(shop)["ana"] == RateFigures(1, 3, 1 / 3, 0)


def test_marking_junk_within_24_hours_counts_as_a_response(shop: Ctx) -> None:
    marked = arrive(shop, T, "a@x.example", product="A")
    marked_late = arrive(shop, T + H, "b@x.example", product="A")
    set_junk(at(ctx_as(shop, "ana"), T + 2 * H), marked, True)
    set_junk(at(ctx_as(shop, "ana"), T + H + 25 * H), marked_late, True)
    assert company(shop) == RateFigures(1, 2, 0.5, 0)


def test_deleting_is_not_a_response(shop: Ctx) -> None:
    deleted = arrive(shop, T, "a@x.example", product="A")
    delete_inquiry(at(ctx_as(shop, "ana"), T + H), deleted)
    assert company(shop) == RateFigures(0, 1, 0.0, 0)


def test_auto_replies_never_count(shop: Ctx) -> None:
    set_setting(shop, "reception.mode", "all_day")
    set_setting(shop, "reception.welcome", "Hello! We answer within 24 hours.")
    auto_only = arrive(shop, T, "a@x.example", product="A")
    from inquiry_tui.services.inbox.triage import get_state

    assert get_state(shop, auto_only).first_response_at is None
    assert company(shop) == RateFigures(0, 1, 0.0, 0)


def test_one_buyers_inquiries_of_one_day_count_once_judged_by_the_first(shop: Ctx) -> None:
    first = arrive(shop, T, "a@x.example", product="A")
    arrive(shop, T + 3 * H, "a@x.example", product="A")
    arrive(shop, T + 5 * H, "a@x.example")
    answer(shop, first, T + 2 * H)
    assert company(shop) == RateFigures(1, 1, 1.0, 0)
    # Another buyer whose first inquiry of the day went unanswered: answering the later one does not help.
    arrive(shop, T + D, "b@x.example", product="A")
    second = arrive(shop, T + D + 4 * H, "b@x.example", product="A")
    answer(shop, second, T + D + 5 * H)
    assert company(shop) == RateFigures(1, 2, 0.5, 0)
    # The next day is a new count.
    arrive(shop, T + 2 * D, "a@x.example", product="A")
    assert company(shop).counted == 3


def test_the_first_is_the_earliest_received_even_when_it_was_imported_later(shop: Ctx) -> None:
    later = arrive(shop, T + 3 * H, "a@x.example", product="A")  # lower id, later arrival
    arrive(shop, T + H, "a@x.example", product="A")  # imported afterwards, arrived first, never answered
    answer(shop, later, T + 4 * H)
    assert company(shop) == RateFigures(0, 1, 0.0, 0)
    assert reference_team_stats(shop).company.figures() == RateFigures(0, 1, 0.0, 0)


def test_chats_must_be_answered_within_one_hour(shop: Ctx) -> None:
    set_setting(shop, "allocation.chats_follow_rules", "true")
    quick = arrive(shop, T, "a@x.example", channel="tm", product="A")
    slow = arrive(shop, T + H, "b@x.example", channel="tm", product="A")
    answer(shop, quick, T + H)
    answer(shop, slow, T + H + H + S)
    assert company(shop) == RateFigures(1, 2, 0.5, 0)
    # A chat and an inquiry of the same buyer and day are counted apart.
    email = arrive(shop, T + 2 * H, "a@x.example", product="A")
    answer(shop, email, T + 20 * H)
    assert company(shop) == RateFigures(2, 3, 2 / 3, 0)


def test_filter_junk_nobody_answered_is_not_received_and_recent_ones_are_pending(shop: Ctx) -> None:
    arrive(
        shop,
        T,
        "spam@x.example",
        subject="Rank your website #1 on Google",
        body="We offer SEO services and Google ranking, web development services.",
    )
    arrive(shop, FIXED_NOW - 2 * H, "a@x.example", product="A")
    figures = company(shop)
    assert figures == RateFigures(0, 0, None, 1)


def test_company_counts_a_buyer_day_once_but_each_owner_counts_theirs(shop: Ctx) -> None:
    first = arrive(shop, T, "a@x.example", product="A")
    second = arrive(shop, T + H, "a@x.example", product="A")
    assign_inquiry(at(shop, T + 2 * H), second, "ben")  # ben's from then, the same day
    answer(shop, first, T + 2 * H)
    assert company(shop) == RateFigures(1, 1, 1.0, 0)
    owners = by_login(shop)
    assert owners["ana"] == RateFigures(1, 1, 1.0, 0)
    assert owners["ben"] == RateFigures(0, 1, 0.0, 0)


def test_local_days_follow_the_company_time_zone(shop: Ctx) -> None:
    # 23:30 and 00:30 Shanghai time are two local days; in UTC (15:30, 16:30) they are one.
    set_setting(shop, "reception.timezone", "Asia/Shanghai")
    day = T - timedelta(hours=T.hour, minutes=T.minute)  # UTC midnight
    arrive(shop, day + timedelta(hours=15, minutes=30), "a@x.example", product="A")
    arrive(shop, day + timedelta(hours=16, minutes=30), "a@x.example", product="A")
    assert company(shop).counted == 2
    set_setting(shop, "reception.timezone", "UTC")
    assert company(shop).counted == 1


def test_open_overdue_load_median_and_trend(shop: Ctx) -> None:
    answered = arrive(shop, T, "a@x.example", product="A")
    answer(shop, answered, T + 2 * H)
    arrive(shop, T + H, "b@x.example", product="A")  # open, overdue
    arrive(shop, FIXED_NOW - H, "c@x.example", product="A")  # open, due later, today's load
    stats = team_stats(shop)
    ana = next(f for f in stats.accounts if f.login == "ana")
    assert (ana.open, ana.overdue, ana.load_today) == (2, 1, 1)
    assert ana.median_first_response == timedelta(hours=2)
    assert stats.company is not None and stats.company.open == 2
    assert len(ana.trend) == len(stats.days) and stats.days[-1] == FIXED_NOW.date()
    index = stats.days.index(T.date())
    assert ana.trend[index] == 0.5 and ana.trend[index - 1] is None


def test_a_salesperson_sees_only_their_own_figures(shop: Ctx) -> None:
    arrive(shop, T, "a@x.example", product="A")
    arrive(shop, T, "b@x.example")  # the company contact (boss)
    mine = team_stats(ctx_as(shop, "ana"))
    assert mine.company is None
    assert [f.login for f in mine.accounts] == ["ana"]
    assert mine.accounts[0].reply.counted == 1
    assert team_stats(ctx_as(shop, "ben")).accounts[0].reply.counted == 0


def both_paths(ctx: Ctx) -> tuple[RateFigures | None, dict[str, RateFigures], dict[str, timedelta | None]]:
    """(company, per login, median per login) from team_stats, after checking the reference path gives the same."""
    stats, ref = team_stats(ctx), reference_team_stats(ctx)
    ids = _ids(ctx)
    owners = {f.login: f.reply for f in stats.accounts}
    medians = {f.login: f.median_first_response for f in stats.accounts}
    for login, figures in owners.items():
        expected = ref.owners.get(ids[login])
        assert figures == (expected.figures() if expected else RateFigures(0, 0, None, 0)), login
        assert medians[login] == (expected.median() if expected else None), login
    company = stats.company.reply if stats.company else None
    if company is not None:
        assert company == ref.company.figures()
    return company, owners, medians


def test_a_successor_is_charged_from_the_hand_over_and_the_company_from_arrival(shop: Ctx) -> None:
    """Inherited 23 h old, answered 2 h after the hand-over: in time for the successor, late for the company."""
    add_product(shop, "B", "Bollard", "ben")
    inherited = arrive(shop, T, "a@x.example", product="A")  # ana's
    kept = arrive(shop, T, "c@x.example", product="B")  # ben's from arrival, never moved
    reply(at(ctx_as(shop, "ben"), T + 23 * H), kept, "Our price is USD 3.10.")
    deactivate(at(shop, T + 23 * H), "ana", "ben")
    reply(at(ctx_as(shop, "ben"), T + 25 * H), inherited, "Sorry for the wait: USD 4.20 FOB.")
    company, owners, medians = both_paths(shop)
    assert owners["ben"] == RateFigures(2, 2, 1.0, 0)
    assert medians["ben"] == timedelta(hours=12, minutes=30)  # 2 h and 23 h
    assert company == RateFigures(1, 2, 0.5, 0)  # the inherited one arrived 25 h before its answer
    assert "ana" not in owners  # deactivated with nothing left in the window
    # Before the answer it was pending for ben (inside his 24 h) while the company counted it missed.
    company, owners, _ = both_paths(at(shop, T + 24 * H + 30 * 60 * S))
    assert owners["ben"] == RateFigures(1, 1, 1.0, 1) and company == RateFigures(1, 2, 0.5, 0)


def test_a_reassign_and_a_hand_over_charge_the_new_owner_from_the_move(shop: Ctx) -> None:
    reassigned = arrive(shop, T, "a@x.example", product="A")
    handed = arrive(shop, T + H, "b@x.example", product="A")
    assign_inquiry(at(shop, T + 20 * H), reassigned, "cara")
    assign_inquiry(at(ctx_as(shop, "ana"), T + 20 * H), handed, "cara")
    reply(at(ctx_as(shop, "cara"), T + 30 * H), reassigned, "Our price is USD 4.20 FOB.")
    company, owners, _ = both_paths(shop)
    assert owners["cara"] == RateFigures(1, 2, 0.5, 0)  # answered 10 h after the move; the other never
    assert company == RateFigures(0, 2, 0.0, 0)
    # A thread answered before it moved is not the new owner's to answer.
    answered = arrive(shop, T + 2 * H, "d@x.example", product="A")
    answer(shop, answered, T + 3 * H)
    assign_inquiry(at(shop, T + 4 * H), answered, "ben")
    company, owners, _ = both_paths(shop)
    assert "ben" not in owners or owners["ben"] == RateFigures(0, 0, None, 0)
    assert company == RateFigures(1, 3, 1 / 3, 0)


def test_a_never_moved_inquiry_counts_from_arrival_for_owner_and_company(shop: Ctx) -> None:
    on_time = arrive(shop, T, "a@x.example", product="A")
    late = arrive(shop, T + H, "b@x.example", product="A")
    answer(shop, on_time, T + 23 * H)
    answer(shop, late, T + H + 25 * H)
    company, owners, medians = both_paths(shop)
    assert owners["ana"] == company == RateFigures(1, 2, 0.5, 0)
    assert medians["ana"] == 24 * H


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "Europe/Berlin", "America/New_York"])
def test_the_sqlite_pass_agrees_with_domain_metrics(sample_ctx: Ctx, tz: str) -> None:
    """2,000 generated inquiries, windows crossing the October/November DST changes."""
    set_setting(sample_ctx, "reception.timezone", tz)
    fast = team_stats(sample_ctx)
    ref = reference_team_stats(sample_ctx)
    assert fast.company is not None
    assert fast.company.reply == ref.company.figures()
    assert fast.company.trend == tuple(ref.company.day_rate(i) for i in range(len(fast.days)))
    ids = _ids(sample_ctx)
    for figures in fast.accounts:
        expected = ref.owners.get(ids[figures.login])
        if expected is None:
            assert figures.reply.counted == 0 and figures.reply.pending == 0
            continue
        assert figures.reply == expected.figures(), figures.login
        assert figures.trend == tuple(expected.day_rate(i) for i in range(len(fast.days)))
        # The fast path's median is in whole minutes of each delay.
        assert expected.median() is not None and figures.median_first_response is not None
        assert abs(figures.median_first_response - expected.median()) < timedelta(minutes=1)


def _ids(ctx: Ctx) -> dict[str, int]:
    from sqlmodel import select

    from inquiry_tui.store.models import Account

    with ctx.read() as session:
        return {a.login: a.id for a in session.exec(select(Account)).all()}  # type: ignore[misc]
