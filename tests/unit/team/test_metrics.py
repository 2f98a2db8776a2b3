"""Reply rate (marketplace definition), median first response and overdue, on hand-made histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.metrics import (
    RateFigures,
    ThreadFacts,
    due_at,
    median_first_response,
    moved_at,
    overdue,
    owner_median_first_response,
    reply_rate,
    reply_rate_by_owner,
    response_limit,
)

NOW = datetime(2024, 6, 30, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)
S = timedelta(seconds=1)
_ids = count(1)


def th(
    received: datetime,
    answered_after: timedelta | None = None,
    *,
    owner: str = "amy",
    buyer: int = 1,
    channel: str = "inquiry",
) -> ThreadFacts:
    first = None if answered_after is None else received + answered_after
    return ThreadFacts(next(_ids), owner, buyer, channel, received, first)


def test_nothing_counted() -> None:
    assert reply_rate([], NOW) == RateFigures(0, 0, None, 0)
    assert reply_rate_by_owner([], NOW) == {}


def test_exact_24h_edge() -> None:
    received = NOW - 5 * D
    assert reply_rate([th(received, 24 * H)], NOW) == RateFigures(1, 1, 1.0, 0)
    assert reply_rate([th(received, 24 * H + S)], NOW) == RateFigures(0, 1, 0.0, 0)
    assert reply_rate([th(received, None)], NOW) == RateFigures(0, 1, 0.0, 0)


def test_a_response_time_is_all_that_matters() -> None:
    # Marking junk by a person within 24 h is passed by the caller as first_response_at:
    # the metric cannot tell it from a reply, and must not need to.
    junk_marked = th(NOW - 3 * D, 2 * H, channel="inquiry")
    assert reply_rate([junk_marked], NOW).answered == 1


def test_one_hour_for_chats() -> None:
    r = NOW - 2 * D
    assert reply_rate([th(r, H, channel="tm")], NOW).answered == 1
    assert reply_rate([th(r, H + S, channel="tm")], NOW) == RateFigures(0, 1, 0.0, 0)
    assert reply_rate([th(r, 2 * H, channel="email")], NOW).answered == 1
    assert response_limit("tm") == H and response_limit("rfq") == 24 * H


def test_one_buyer_three_inquiries_one_day_count_once() -> None:
    day = datetime(2024, 6, 20, 8, 0, tzinfo=UTC)
    threads = [th(day, 2 * H), th(day + 3 * H, None), th(day + 5 * H, None)]
    assert reply_rate(threads, NOW) == RateFigures(1, 1, 1.0, 0)


def test_group_judged_by_its_first_inquiry() -> None:
    day = datetime(2024, 6, 20, 8, 0, tzinfo=UTC)
    # The later inquiries were answered, the first was not: the group is not answered.
    threads = [th(day + 3 * H, H), th(day, None), th(day + 5 * H, H)]
    assert reply_rate(threads, NOW) == RateFigures(0, 1, 0.0, 0)


def test_two_days_count_twice_and_buyers_separately() -> None:
    d1 = datetime(2024, 6, 20, 8, 0, tzinfo=UTC)
    threads = [th(d1, H), th(d1 + D, None), th(d1, None, buyer=2)]
    assert reply_rate(threads, NOW) == RateFigures(1, 3, pytest.approx(1 / 3), 0)


def test_chat_and_inquiry_same_day_are_separate_groups() -> None:
    d1 = datetime(2024, 6, 20, 8, 0, tzinfo=UTC)
    threads = [th(d1, 3 * H, channel="tm"), th(d1 + H, 3 * H)]
    assert reply_rate(threads, NOW) == RateFigures(1, 2, 0.5, 0)


def test_local_day_follows_the_time_zone() -> None:
    # 23:30 and 00:30 UTC are two UTC days but one day in Shanghai (07:30 and 08:30).
    a = datetime(2024, 6, 19, 23, 30, tzinfo=UTC)
    threads = [th(a, H), th(a + H, None)]
    assert reply_rate(threads, NOW).counted == 2
    assert reply_rate(threads, NOW, tz="Asia/Shanghai").counted == 1
    with pytest.raises(ValidationError):
        reply_rate(threads, NOW, tz="Mars/Olympus")


def test_thirty_day_window_edge() -> None:
    edge = NOW - 30 * D
    assert reply_rate([th(edge, H)], NOW).counted == 0  # exactly 30 days ago: outside
    assert reply_rate([th(edge + S, H)], NOW).counted == 1
    assert reply_rate([th(NOW + S, None)], NOW) == RateFigures(0, 0, None, 0)  # future: ignored
    assert reply_rate([th(NOW - 10 * D, H)], NOW, window_days=7).counted == 0
    with pytest.raises(ValidationError):
        reply_rate([], NOW, window_days=0)


def test_pending_is_neither_answered_nor_counted() -> None:
    threads = [
        th(NOW - 23 * H, None, buyer=1),  # inside its 24 h: pending
        th(NOW - 24 * H, None, buyer=2),  # at the deadline: can still be answered: pending
        th(NOW - 24 * H - S, None, buyer=3),  # past: missed
        th(NOW - 30 * 60 * S, None, buyer=4, channel="tm"),  # chat inside its hour: pending
        th(NOW - 2 * H, None, buyer=5, channel="tm"),  # chat past its hour: missed
        th(NOW - 2 * H, H, buyer=6),  # answered already: counted
    ]
    assert reply_rate(threads, NOW) == RateFigures(1, 3, pytest.approx(1 / 3), 3)


def test_responses_after_now_are_not_known_yet() -> None:
    t = th(NOW - 2 * H, 3 * H)  # answered at NOW + 1 h
    assert reply_rate([t], NOW) == RateFigures(0, 0, None, 1)
    assert reply_rate([t], NOW + 2 * H) == RateFigures(1, 1, 1.0, 0)


def test_per_owner_split_and_company_figure() -> None:
    d1 = datetime(2024, 6, 20, 8, 0, tzinfo=UTC)
    threads = [
        th(d1, H, owner="amy", buyer=1),
        th(d1 + H, None, owner="amy", buyer=1),  # same group as above
        th(d1, None, owner="bob", buyer=2),
        th(d1 + 2 * H, H, owner="bob", buyer=1),  # buyer 1 again, same day, other owner
        th(NOW - H, None, owner="cho", buyer=3),  # only pending
    ]
    by_owner = reply_rate_by_owner(threads, NOW)
    assert list(by_owner) == ["amy", "bob", "cho"]
    assert by_owner["amy"] == RateFigures(1, 1, 1.0, 0)
    assert by_owner["bob"] == RateFigures(1, 2, 0.5, 0)
    assert by_owner["cho"] == RateFigures(0, 0, None, 1)
    # company: (buyer 1, day) once across owners, judged by amy's first inquiry
    assert reply_rate(threads, NOW) == RateFigures(1, 2, 0.5, 1)


def test_naive_datetimes_are_utc() -> None:
    naive_now = NOW.replace(tzinfo=None)
    t = ThreadFacts(1, "amy", 1, "inquiry", (NOW - 2 * D).replace(tzinfo=None), NOW - 2 * D + H)
    assert reply_rate([t], naive_now) == RateFigures(1, 1, 1.0, 0)
    assert not overdue(t, naive_now)


def test_ties_pick_the_lowest_id() -> None:
    r = datetime(2024, 6, 20, 8, 0, tzinfo=UTC)
    a = ThreadFacts(10, "amy", 1, "inquiry", r, r + H)
    b = ThreadFacts(11, "amy", 1, "inquiry", r, None)
    assert reply_rate([b, a], NOW).answered == 1
    assert reply_rate([a, b], NOW).answered == 1


# --- an account's figures from when the inquiry became theirs -------------------------------


def moved(
    received: datetime, owned: datetime, answered: datetime | None, *, owner: str = "bob", buyer: int = 1
) -> ThreadFacts:
    return ThreadFacts(next(_ids), owner, buyer, "inquiry", received, answered, owned)


def test_a_successor_has_their_own_24_hours_from_the_hand_over() -> None:
    """Inherited 23 h old, answered 2 h after the hand-over: in time for the successor, late for the company."""
    received = NOW - 5 * D
    handed = received + 23 * H
    t = moved(received, handed, handed + 2 * H)
    assert reply_rate_by_owner([t], NOW) == {"bob": RateFigures(1, 1, 1.0, 0)}
    assert reply_rate([t], NOW) == RateFigures(0, 1, 0.0, 0)
    assert owner_median_first_response([t]) == 2 * H
    assert median_first_response([t]) == 25 * H
    # Answered more than 24 h after the hand-over: late for the successor too.
    late = moved(received, handed, handed + 24 * H + S)
    assert reply_rate_by_owner([late], NOW) == {"bob": RateFigures(0, 1, 0.0, 0)}


def test_an_inquiry_that_never_moved_counts_from_arrival_for_both() -> None:
    received = NOW - 5 * D
    t = th(received, 23 * H, owner="amy")
    assert reply_rate_by_owner([t], NOW) == {"amy": RateFigures(1, 1, 1.0, 0)}
    assert reply_rate([t], NOW) == RateFigures(1, 1, 1.0, 0)
    late = th(received, 25 * H, owner="amy")
    assert reply_rate_by_owner([late], NOW) == {"amy": RateFigures(0, 1, 0.0, 0)}
    assert owner_median_first_response([t]) == median_first_response([t]) == 23 * H


def test_the_hand_over_is_pending_for_the_successor_while_the_company_counts_it_missed() -> None:
    received = NOW - 30 * H
    t = moved(received, NOW - H, None)
    assert reply_rate_by_owner([t], NOW) == {"bob": RateFigures(0, 0, None, 1)}
    assert reply_rate([t], NOW) == RateFigures(0, 1, 0.0, 0)


def test_an_accounts_window_and_local_day_follow_the_move() -> None:
    # Arrived 40 days ago (outside the company's window), moved 2 days ago: the account's.
    old = moved(NOW - 40 * D, NOW - 2 * D, NOW - 2 * D + H)
    assert reply_rate([old], NOW) == RateFigures(0, 0, None, 0)
    assert reply_rate_by_owner([old], NOW) == {"bob": RateFigures(1, 1, 1.0, 0)}
    # Two inquiries of one buyer on one arrival day: the company counts one group; the account,
    # who got the second on another day, two.
    day = datetime(2024, 6, 20, 8, 0, tzinfo=UTC)
    first = ThreadFacts(next(_ids), "bob", 7, "inquiry", day, day + H)
    second = moved(day + H, day + D + H, None, buyer=7)
    assert reply_rate([first, second], NOW) == RateFigures(1, 1, 1.0, 0)
    assert reply_rate_by_owner([first, second], NOW) == {"bob": RateFigures(1, 2, 0.5, 0)}
    # The group's first for the account is the earliest by when it became theirs.
    earlier_arrival = moved(day - H, day + 2 * H, None, buyer=7)  # arrived first, theirs last
    assert reply_rate_by_owner([first, earlier_arrival], NOW) == {"bob": RateFigures(1, 1, 1.0, 0)}
    assert reply_rate([first, earlier_arrival], NOW) == RateFigures(0, 1, 0.0, 0)


def test_an_inquiry_answered_before_it_moved_is_not_the_new_owners() -> None:
    received = NOW - 5 * D
    t = moved(received, received + 3 * H, received + H)
    assert reply_rate_by_owner([t], NOW) == {}
    assert owner_median_first_response([t]) is None
    assert reply_rate([t], NOW) == RateFigures(1, 1, 1.0, 0)


def test_a_move_never_starts_before_the_arrival() -> None:
    arrival = NOW + H  # a future-dated import
    assert moved_at(arrival, NOW) == arrival
    assert moved_at(NOW - D, NOW) == NOW


# --- median and overdue ---------------------------------------------------------------------


def test_median_first_response() -> None:
    assert median_first_response([]) is None
    assert median_first_response([th(NOW - D, None)]) is None
    assert median_first_response([th(NOW - D, H), th(NOW - D, 3 * H), th(NOW - D, None)]) == 2 * H
    assert median_first_response([th(NOW - D, H), th(NOW - D, 5 * H), th(NOW - D, 2 * H)]) == 2 * H
    assert median_first_response([th(NOW - D, -H)]) == timedelta(0)


def test_overdue() -> None:
    assert not overdue(th(NOW - 24 * H + S), NOW)
    assert overdue(th(NOW - 24 * H), NOW)
    assert overdue(th(NOW - 3 * D), NOW)
    assert not overdue(th(NOW - 3 * D, 30 * H), NOW)  # answered (late): no longer overdue
    assert overdue(th(NOW - 3 * D, 4 * D), NOW)  # response recorded in the future: not yet
    assert not overdue(th(NOW - 2 * H, channel="tm"), NOW)  # due is 24 h on every channel
    assert due_at(NOW) == NOW + 24 * H


# --- properties -------------------------------------------------------------------------------

_thread = st.builds(
    lambda i, owner, buyer, chat, ago_min, resp_min: ThreadFacts(
        i,
        owner,
        buyer,
        "tm" if chat else "inquiry",
        NOW - timedelta(minutes=ago_min),
        None if resp_min is None else NOW - timedelta(minutes=ago_min) + timedelta(minutes=resp_min),
    ),
    st.integers(1, 10_000),
    st.sampled_from(["amy", "bob"]),
    st.integers(1, 4),
    st.booleans(),
    st.integers(-60, 40 * 24 * 60),
    st.one_of(st.none(), st.integers(0, 3 * 24 * 60)),
)


def _maybe_moved(t: ThreadFacts, moved_min: int | None) -> ThreadFacts:
    if moved_min is None:
        return t
    return ThreadFacts(
        t.inquiry_id,
        t.owner,
        t.buyer_id,
        t.channel,
        t.received_at,
        t.first_response_at,
        t.received_at + timedelta(minutes=moved_min),
    )


_moved_thread = st.builds(_maybe_moved, _thread, st.one_of(st.none(), st.integers(0, 3 * 24 * 60)))


@given(st.lists(_moved_thread, max_size=30))
def test_property_moves_change_only_the_accounts_figures(threads: list[ThreadFacts]) -> None:
    """The company's figures ignore moves; without moves an account's are as before; each account's
    counts never exceed its threads that became its own inside the window."""
    unmoved = [
        ThreadFacts(t.inquiry_id, t.owner, t.buyer_id, t.channel, t.received_at, t.first_response_at) for t in threads
    ]
    assert reply_rate(threads, NOW, tz="Asia/Shanghai") == reply_rate(unmoved, NOW, tz="Asia/Shanghai")
    assert median_first_response(threads) == median_first_response(unmoved)
    assert owner_median_first_response(unmoved) == median_first_response(unmoved)
    owners = reply_rate_by_owner(threads, NOW, tz="Asia/Shanghai")
    for owner, f in owners.items():
        mine = [t for t in threads if t.owner == owner and NOW - 30 * D < (t.owned_at or t.received_at) <= NOW]
        assert 0 <= f.answered <= f.counted and f.counted + f.pending <= len(mine)


@given(st.lists(_thread, max_size=30))
def test_property_figures_consistent(threads: list[ThreadFacts]) -> None:
    company = reply_rate(threads, NOW, tz="Asia/Shanghai")
    assert 0 <= company.answered <= company.counted
    assert company.rate is None if company.counted == 0 else company.rate == company.answered / company.counted
    owners = reply_rate_by_owner(threads, NOW, tz="Asia/Shanghai")
    # grouping across owners can only merge groups, never split them
    assert company.counted + company.pending <= sum(f.counted + f.pending for f in owners.values())
    in_window = [t for t in threads if NOW - 30 * D < t.received_at <= NOW]
    assert company.counted + company.pending <= len(in_window)
