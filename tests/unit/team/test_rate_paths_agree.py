"""The dashboard's fast path (packed SQL passes and the reply-day cache) and the reference path
(domain.metrics over ThreadFacts) give the same reply rates and medians on any history with moves:
inquiries that moved to their owner after arriving (`owned_at`), answered before or after the move,
junk, chats, one buyer's several inquiries of a day, several time zones, a question about the past.
On both engines."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import text

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.services.team.stats import reference_team_stats, team_stats
from inquiry_tui.store.models import Buyer, Inquiry
from tests.admin_helpers import at
from tests.conftest import FIXED_NOW

MINUTE = timedelta(minutes=1)
BUYERS = 4

_row = st.fixed_dictionaries(
    {
        "buyer": st.integers(0, BUYERS - 1),
        "owner": st.sampled_from(["ana", "ben", "cara"]),
        "chat": st.booleans(),
        "junk": st.integers(0, 9).map(lambda n: n == 0),
        # Minutes before now; a few after it (future-dated imports), most within the 30 days.
        "ago": st.one_of(st.integers(-60, 33 * 24 * 60), st.integers(24 * 60 - 90, 24 * 60 + 90)),
        "moved": st.one_of(st.none(), st.integers(0, 3 * 24 * 60), st.sampled_from([23 * 60, 24 * 60, 60])),
        "answered": st.one_of(st.none(), st.integers(0, 3 * 24 * 60), st.sampled_from([60, 24 * 60, 23 * 60 + 120])),
    }
)


def _write(ctx: Ctx, rows: list[dict[str, Any]], buyers: list[int], accounts: dict[str, int]) -> None:
    with ctx.write() as session:
        session.execute(text("DELETE FROM inquiry"))
        for r in rows:
            received = FIXED_NOW - r["ago"] * MINUTE
            owned = None if r["moved"] is None else received + r["moved"] * MINUTE
            first = None if r["answered"] is None else received + r["answered"] * MINUTE
            session.add(
                Inquiry(
                    channel="tm" if r["chat"] else "inquiry",
                    buyer_id=buyers[r["buyer"]],
                    subject="Price",
                    received_at=received,
                    owner_id=accounts[r["owner"]],
                    owned_at=owned,
                    is_junk=r["junk"],
                    folder="junk" if r["junk"] else "inbox",
                    first_response_at=first,
                    last_message_at=received,
                )
            )


def _agree(ctx: Ctx, accounts: dict[str, int]) -> None:
    fast, ref = team_stats(ctx), reference_team_stats(ctx)
    assert fast.company is not None
    assert fast.company.reply == ref.company.figures()
    assert fast.company.trend == tuple(ref.company.day_rate(i) for i in range(len(fast.days)))
    _close(fast.company.median_first_response, ref.company.median())
    for f in fast.accounts:
        expected = ref.owners.get(accounts[f.login])
        if expected is None:
            assert f.reply.counted == 0 and f.reply.pending == 0, f.login
            assert f.median_first_response is None, f.login
            continue
        assert f.reply == expected.figures(), f.login
        assert f.trend == tuple(expected.day_rate(i) for i in range(len(fast.days))), f.login
        _close(f.median_first_response, expected.median())


def _close(fast: timedelta | None, ref: timedelta | None) -> None:
    """The fast path's median is over whole minutes of each delay."""
    assert (fast is None) == (ref is None)
    if fast is not None and ref is not None:
        assert abs(fast - ref) < MINUTE


def test_the_fast_path_agrees_with_domain_metrics_with_moves(admin_ctx: Ctx) -> None:
    with admin_ctx.write() as session:
        accounts = dict(session.connection().exec_driver_sql("SELECT login, id FROM account").all())
        made = [Buyer(email=f"b{n}@x.example", first_seen_at=FIXED_NOW - timedelta(days=60)) for n in range(BUYERS)]
        session.add_all(made)
        session.flush()
        buyers = [b.id for b in made]
    zones = {"now": "Asia/Shanghai"}

    @hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(_row, max_size=14),
        st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York"]),
        st.sampled_from([timedelta(0), timedelta(days=2, hours=5)]),
    )
    def check(rows: list[dict[str, Any]], tz: str, earlier: timedelta) -> None:
        if tz != zones["now"]:
            set_setting(admin_ctx, "reception.timezone", tz)
            zones["now"] = tz
        _write(admin_ctx, rows, buyers, accounts)  # type: ignore[arg-type]
        ctx = at(admin_ctx, FIXED_NOW - earlier)
        _agree(ctx, accounts)
        _agree(ctx, accounts)  # the second time from the cache's closed days

    check()
