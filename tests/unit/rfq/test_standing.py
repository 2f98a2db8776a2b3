"""Each RFQ's standing (fit + the buyer's points) is kept on its row by the store, and the recommendation read
off its index is the ranking the domain defines, best first, however far it reads."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from inquiry_tui.domain.rfq.fit import MIN_FIT, BuyerStanding, Fit, buyer_points, rank_score
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.rfq.market import RfqQuery
from inquiry_tui.services.rfq.recommend import activity_levels, recommended_rfqs
from inquiry_tui.store.queries import rfq as q_rfq
from inquiry_tui.store.types import as_utc


def _standings(ctx: Ctx) -> list[tuple[int, int, int, int]]:
    """(rfq id, fit, stored standing, the domain's fit + buyer points) of every RFQ."""
    with ctx.read() as session:
        rows = session.execute(
            text(
                "SELECT r.id, r.fit, r.standing, b.verified, b.tier FROM rfq r JOIN buyer b ON b.id = r.buyer_id "
                "ORDER BY r.id"
            )
        ).all()
    return [
        (i, fit, standing, fit + buyer_points(BuyerStanding(bool(v), tier, 0))) for i, fit, standing, v, tier in rows
    ]


def _expected(ctx: Ctx, query: RfqQuery | None = None) -> list[int]:
    """The recommendation by brute force: every open, fitting, unquoted, non-junk RFQ with every word (as a
    word's start) ranked by the domain."""
    now = ctx.now()
    levels = activity_levels(ctx, wait=False)
    with ctx.read() as session:
        rows = session.execute(
            text(
                "SELECT r.id, r.buyer_id, r.posted_at, r.expires_at, r.fit, r.is_junk, b.verified, b.tier, r.title, r.description "
                "FROM rfq r JOIN buyer b ON b.id = r.buyer_id "
                "WHERE NOT EXISTS (SELECT 1 FROM rfq_quote q WHERE q.rfq_id = r.id)"
            )
        ).all()
    words = [re.compile(rf"\b{re.escape(w)}", re.IGNORECASE) for w in (query.words if query else ())]
    ranked = [
        (rank_score(Fit(fit, (), ""), BuyerStanding(bool(v), tier, levels.get(b, 0))), as_utc(posted), i)
        for i, b, posted, expires, fit, junk, v, tier, title, desc in rows
        if not junk and fit >= MIN_FIT and as_utc(expires) > now and all(w.search(f"{title} {desc}") for w in words)
    ]
    return [i for _, _, i in sorted(ranked, reverse=True)]


def test_the_standing_follows_the_fit_and_the_buyers_verification_and_tier(market: Ctx) -> None:
    assert all(stored == expected for _, _, stored, expected in _standings(market))
    with market.write() as session:
        session.execute(text("UPDATE buyer SET tier = 'L4', verified = :yes WHERE email LIKE 'amir%'"), {"yes": True})
        session.execute(text("UPDATE buyer SET tier = NULL WHERE email LIKE 'j.miller%'"))
        session.execute(text("UPDATE rfq SET fit = fit + 7 WHERE external_id = 'RFQ-2026-118802'"))
    rows = _standings(market)
    assert all(stored == expected for _, _, stored, expected in rows)
    assert len({standing - fit for _, fit, standing, _ in rows}) >= 3  # the buyers' points differ


@pytest.mark.parametrize("walk_from", [1, 10**9], ids=["walk", "sort"])
def test_the_recommendation_is_the_domains_ranking_however_far_it_reads(
    market: Ctx, walk_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(q_rfq, "WALK_FROM", walk_from)  # a keyword's two plans: walk the index, or sort the hits
    full = _expected(market)
    assert len(full) >= 4
    for limit in (1, 2, len(full), len(full) + 5):
        assert [r.id for r in recommended_rfqs(market, limit=limit, wait_for_activity=False)] == full[:limit]
    light = RfqQuery(words=("light",))
    assert 0 < len(_expected(market, light)) < len(full)
    assert [r.id for r in recommended_rfqs(market, light, wait_for_activity=False)] == _expected(market, light)
