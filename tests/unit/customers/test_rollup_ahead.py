"""The activity rollup prepared a day ahead, then caught up from its watermarks, equals a full pass made then."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers import activity as customer_activity
from inquiry_tui.store import bulk
from inquiry_tui.store.types import db_text
from tests.admin_helpers import at
from tests.conftest import FIXED_NOW
from tests.customer_helpers import make_buyer, make_product, make_thread

KINDS = ("visit", "product_view", "search", "login", "rfq", "trade", "inquiry", "junk_inquiry")
DETAILS = {"search": ("street light", "solar street light", "car tyres"), "product_view": ("SL-60W", "XX-1")}
# (buyer, days before today (negative: ahead), kind, count, which detail)
EVENT = st.tuples(st.integers(0, 2), st.integers(-2, 95), st.sampled_from(KINDS), st.integers(1, 4), st.integers(0, 2))


def write(ctx: Ctx, buyers: list[int], events: list[tuple[int, int, str, int, int]]) -> None:
    """What the writers do: activity as `import activity` writes it, inquiries as arrivals do."""
    for b, ago, kind, n, pick in events:
        when = FIXED_NOW - timedelta(days=ago)
        buyer = buyers[b]
        if kind in ("inquiry", "junk_inquiry"):
            make_thread(ctx, buyer, "ana", when, junk=kind == "junk_inquiry")
            continue
        with ctx.engine.begin() as conn:
            bulk.insert_rows(conn, "activity_event", bulk.ACTIVITY_COLUMNS, [(buyer, db_text(when), kind, "")] * n)
            bulk.add_daily(conn, [(buyer, when.date().isoformat(), kind, n)])
            details = DETAILS.get(kind)
            if details:
                bulk.add_details(conn, [(buyer, kind, details[pick % len(details)], n, db_text(when))])


def clear(ctx: Ctx) -> None:
    with ctx.engine.begin() as conn:
        for table in (
            "activity_event",
            "activity_daily",
            "activity_detail",
            "activity_rollup",
            "activity_rollup_state",
        ):
            conn.exec_driver_sql(f"DELETE FROM {table}")
    customer_activity.invalidate(ctx)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.lists(EVENT, max_size=12), after=st.lists(EVENT, max_size=6), hour=st.integers(0, 23))
def test_prepared_rollup_equals_a_full_pass_the_next_day(
    admin_ctx: Ctx, before: list[tuple[int, int, str, int, int]], after: list[tuple[int, int, str, int, int]], hour: int
) -> None:
    if not hasattr(admin_ctx, "_rollup_buyers"):
        make_product(admin_ctx, "SL-60W", "60W LED Street Light", "street light,road light")
        object.__setattr__(admin_ctx, "_rollup_buyers", [make_buyer(admin_ctx, f"r{i}@x.example") for i in range(3)])
    buyers: list[int] = admin_ctx._rollup_buyers  # type: ignore[attr-defined]
    clear(admin_ctx)
    write(admin_ctx, buyers, before)
    customer_activity.warm(admin_ctx)  # today's rollup, and tomorrow's prepared (stored too)
    prepared = customer_activity.prepare(admin_ctx)  # loaded from the store and caught up: no second full pass
    write(admin_ctx, buyers, after)  # rows written after the preparation: named by its watermarks
    midnight = datetime.combine(FIXED_NOW.date() + timedelta(days=1), datetime.min.time(), FIXED_NOW.tzinfo)
    tomorrow = at(admin_ctx, midnight + timedelta(hours=hour))
    in_process = customer_activity.rollup(tomorrow)
    assert in_process is prepared or not in_process.full  # caught up, not rebuilt
    customer_activity.invalidate(admin_ctx)  # another process: loads the prepared rollup from the store
    loaded = customer_activity.rollup(tomorrow)
    assert not loaded.full
    full = customer_activity.rollup(tomorrow, refresh=True)
    assert full.full
    assert in_process.signals == loaded.signals == full.signals
    assert in_process.ranked == loaded.ranked == full.ranked


def test_warming_keeps_todays_rollup_for_the_lists(admin_ctx: Ctx) -> None:
    """Preparing tomorrow's rollup must not drop today's: the customer list reads its levels from it."""
    customer_activity.invalidate(admin_ctx)
    customer_activity.warm(admin_ctx)
    assert customer_activity.cached_levels(admin_ctx) is not None


def test_a_rollup_keeps_one_copy_of_each_top_term(admin_ctx: Ctx) -> None:
    """Buyers whose top term is the same share one string, from a full pass and loaded from the store alike:
    the rollup is kept for the process, and a few terms are most buyers' (13 across 26,000 at 1M)."""
    make_product(admin_ctx, "SL-60W", "60W LED Street Light", "street light,road light")
    buyers = [make_buyer(admin_ctx, f"t{i}@x.example") for i in range(4)]
    clear(admin_ctx)
    write(admin_ctx, buyers, [(b, 1, "search", 2, 0) for b in range(4)])  # "street light", each row its own copy
    full = customer_activity.rollup(admin_ctx, refresh=True)
    assert full.full
    customer_activity.invalidate(admin_ctx)  # another process: loads it from the store
    loaded = customer_activity.rollup(admin_ctx)
    assert not loaded.full
    for made in (full, loaded):
        terms = [made.signals[b].top_term for b in buyers]
        assert terms == ["street light"] * 4
        assert len({id(t) for t in terms}) == 1
