"""The reply-rate day cache: closed days are cached, reused, dropped by the triggers, never stale."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.triage import purge_deleted, reply, set_junk, set_read
from inquiry_tui.services.setup.settings import load_settings, set_setting
from inquiry_tui.services.team import reply_rate_cache as stats_cache
from inquiry_tui.services.team.stats import TeamStats, reference_team_stats, team_stats
from inquiry_tui.store.queries.reply_rate import Histogram, Window, median_of
from inquiry_tui.store.types import db_text
from tests.admin_helpers import arrive, at
from tests.conftest import FIXED_NOW, assert_usual_wait, ctx_as, store_busy

D = timedelta(days=1)


def cached_days(ctx: Ctx) -> set[str]:
    with ctx.engine.connect() as conn:
        return {day for (day,) in conn.execute(text("SELECT day FROM reply_day WHERE owner_id = 0"))}


def assert_agrees_with_reference(ctx: Ctx) -> TeamStats:
    """team_stats (cache and SQLite pass) gives domain.metrics' answers, company and per account."""
    fast, ref = team_stats(ctx), reference_team_stats(ctx)
    assert fast.company is not None
    assert fast.company.reply == ref.company.figures()
    assert fast.company.trend == tuple(ref.company.day_rate(i) for i in range(len(fast.days)))
    with ctx.read() as session:
        ids = dict(session.connection().exec_driver_sql("SELECT login, id FROM account").all())
    for figures in fast.accounts:
        expected = ref.owners.get(ids[figures.login])
        if expected is None:
            assert figures.reply.counted == 0, figures.login
            continue
        assert figures.reply == expected.figures(), figures.login
        assert figures.trend == tuple(expected.day_rate(i) for i in range(len(fast.days))), figures.login
        if expected.median() is None:
            assert figures.median_first_response is None
        else:
            assert figures.median_first_response is not None
            assert abs(figures.median_first_response - expected.median()) < timedelta(minutes=1)  # whole minutes
    return fast


def window(ctx: Ctx) -> Window:
    with ctx.read() as session:
        return Window.of(ctx.now(), load_settings(session).reception.timezone, 30)


def inquiry_received_on(ctx: Ctx, day: str) -> tuple[int, int]:
    """(id, owner id) of an answered inquiry received on local DAY (the sample's time zone is UTC+8)."""
    start = datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC) - timedelta(hours=8)
    with ctx.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT id, owner_id FROM inquiry WHERE received_at >= :lo AND received_at < :hi AND is_junk = :no "
                "AND folder = 'inbox' ORDER BY id LIMIT 1"
            ),
            {"lo": db_text(start), "hi": db_text(start + D), "no": False},
        ).one()
    return row[0], row[1]


def test_closed_days_are_cached_and_the_open_ones_are_not(sample_ctx: Ctx) -> None:
    assert cached_days(sample_ctx) == set()
    assert_agrees_with_reference(sample_ctx)
    w = window(sample_ctx)
    closed = {d.isoformat() for i, d in enumerate(w.days) if w.bounds(i)[0] > w.since and w.bounds(i)[1] + D <= w.now}
    assert cached_days(sample_ctx) == closed
    assert w.days[0].isoformat() not in closed  # the window's partial first day
    assert w.days[-1].isoformat() not in closed and w.days[-2].isoformat() not in closed  # still answerable


def test_a_second_read_uses_the_cache_and_reads_only_the_open_days(
    sample_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = assert_agrees_with_reference(sample_ctx)
    ranges: list[tuple[object, object]] = []
    real = stats_cache.read_tallies

    def spy(session, w, lo, hi, ob, only):  # type: ignore[no-untyped-def]
        ranges.append((lo, hi))
        return real(session, w, lo, hi, ob, only)

    monkeypatch.setattr(stats_cache, "read_tallies", spy)
    again = team_stats(sample_ctx)
    assert again == first
    w = window(sample_ctx)
    assert len(ranges) == 2  # the partial first day, then the days still open at the end
    assert ranges[0][0] == w.since and ranges[-1][1] == w.now
    assert ranges[-1][0] >= w.bounds(len(w.days) - 3)[0] - timedelta(microseconds=1)


@pytest.mark.parametrize("change", ["late reply", "reassign", "junk", "new arrival in the past", "purge", "time zone"])
def test_a_change_to_a_cached_day_is_seen(sample_ctx: Ctx, change: str) -> None:
    assert_agrees_with_reference(sample_ctx)
    w = window(sample_ctx)
    day = w.days[10].isoformat()
    assert day in cached_days(sample_ctx)
    inquiry_id, owner_id = inquiry_received_on(sample_ctx, day)
    with sample_ctx.read() as session:
        logins = dict(session.connection().exec_driver_sql("SELECT id, login FROM account").all())
    if change == "late reply":  # a first response days later: the median moves, the day is dropped
        with sample_ctx.engine.begin() as conn:
            conn.execute(text("UPDATE inquiry SET first_response_at = NULL WHERE id = :id"), {"id": inquiry_id})
        assert_agrees_with_reference(sample_ctx)
        reply(
            at(ctx_as(sample_ctx, logins[owner_id]), FIXED_NOW - timedelta(hours=1)), inquiry_id, "Sorry for the delay."
        )
    elif change == "reassign":
        other = next(login for i, login in logins.items() if i != owner_id and login not in ("boss",))
        assign_inquiry(sample_ctx, inquiry_id, other)
    elif change == "junk":
        with sample_ctx.engine.begin() as conn:
            conn.execute(
                text("UPDATE inquiry SET first_response_at = NULL, replied = :no WHERE id = :id"),
                {"id": inquiry_id, "no": False},
            )
        assert_agrees_with_reference(sample_ctx)
        set_junk(sample_ctx, inquiry_id, True)
    elif change == "new arrival in the past":
        start, _ = w.bounds(10)
        arrive(sample_ctx, start + timedelta(hours=3), "late.import@buyer.example")
    elif change == "purge":
        with sample_ctx.engine.begin() as conn:
            conn.execute(
                text("UPDATE inquiry SET folder = 'deleted', deleted_at = :t WHERE id = :id"),
                {"t": (FIXED_NOW - 60 * D).replace(tzinfo=None).isoformat(" ", "microseconds"), "id": inquiry_id},
            )
        assert purge_deleted(sample_ctx).purged >= 1
    elif change == "time zone":
        set_setting(sample_ctx, "reception.timezone", "Europe/Berlin")
    if change != "time zone":
        assert day not in cached_days(sample_ctx)
    assert_agrees_with_reference(sample_ctx)


def test_changes_the_rate_does_not_read_keep_the_day(sample_ctx: Ctx) -> None:
    assert_agrees_with_reference(sample_ctx)
    day = window(sample_ctx).days[10].isoformat()
    inquiry_id, _ = inquiry_received_on(sample_ctx, day)
    set_read(sample_ctx, inquiry_id, False)
    with sample_ctx.engine.begin() as conn:  # a column the rate reads, set to the value it has
        conn.execute(text("UPDATE inquiry SET owner_id = owner_id WHERE id = :id"), {"id": inquiry_id})
    assert day in cached_days(sample_ctx)


def test_a_write_racing_a_change_is_dropped(sample_ctx: Ctx) -> None:
    w = window(sample_ctx)
    with sample_ctx.read() as session:
        rates = stats_cache.fast_rates(session, w, None)
    assert rates is not None and rates[1] is not None
    inquiry_id, _ = inquiry_received_on(sample_ctx, w.days[10].isoformat())
    assign_inquiry(sample_ctx, inquiry_id, "ana")  # after the read, before the write
    assert stats_cache.save(sample_ctx.engine, rates[1]) is False
    assert cached_days(sample_ctx) == set()
    assert_agrees_with_reference(sample_ctx)


def test_a_busy_store_skips_the_write(sample_ctx: Ctx) -> None:
    w = window(sample_ctx)
    with sample_ctx.read() as session:
        rates = stats_cache.fast_rates(session, w, None)
    assert rates is not None and rates[1] is not None
    with store_busy(sample_ctx.url, "reply_day_epoch"):
        assert stats_cache.save(sample_ctx.engine, rates[1]) is False
    assert stats_cache.save(sample_ctx.engine, rates[1]) is True
    assert_usual_wait(sample_ctx)  # the connection went back to the pool with its usual timeout


def test_a_salesperson_reads_the_cache_but_never_writes_it(sample_ctx: Ctx) -> None:
    with sample_ctx.read() as session:
        login = (
            session.connection()
            .exec_driver_sql(
                "SELECT a.login FROM account a JOIN inquiry i ON i.owner_id = a.id GROUP BY a.id ORDER BY count(*) DESC LIMIT 1"
            )
            .scalar_one()
        )
    ana = ctx_as(sample_ctx, login)
    before = team_stats(ana)
    assert cached_days(sample_ctx) == set()
    team_stats(sample_ctx)  # the admin fills the cache
    after = team_stats(ana)
    assert after == before
    mine = reference_team_stats(ana)
    [figures] = after.accounts
    assert figures.reply == next(iter(mine.owners.values())).figures()


def test_a_question_about_the_past_ignores_rows_computed_later(sample_ctx: Ctx) -> None:
    team_stats(sample_ctx)
    earlier = at(sample_ctx, FIXED_NOW - 3 * D)
    assert_agrees_with_reference(earlier)


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "Europe/Berlin", "America/New_York"])
def test_cached_days_agree_across_daylight_saving_changes(sample_ctx: Ctx, tz: str) -> None:
    set_setting(sample_ctx, "reception.timezone", tz)
    team_stats(sample_ctx)  # fills the cache, days crossing the October/November changes included
    assert len(cached_days(sample_ctx)) >= 25
    assert_agrees_with_reference(sample_ctx)  # now from the cache


@given(st.lists(st.lists(st.integers(0, 65_000), max_size=30), max_size=8))
def test_the_median_of_histograms_is_the_median_of_their_delays(groups: list[list[int]]) -> None:
    histograms = [Histogram.of(Counter(g)) for g in groups]
    delays = [d for g in groups for d in g]
    assert median_of(histograms) == (timedelta(minutes=statistics.median(delays)) if delays else None)
    for h in histograms:  # the cache's column form round-trips
        back = Histogram.from_bytes(h.to_bytes())
        assert (list(back.minutes), list(back.running)) == (list(h.minutes), list(h.running))
