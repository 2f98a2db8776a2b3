"""RFQ recommendation: open RFQs nobody here quoted yet, ranked by fit to the catalogue and the buyer's standing.

The fit is stored with each RFQ (catalogue.py keeps it current), so SQL orders the candidates
by fit plus verification and tier; the buyer's activity level (the activity rollup, at most
+10) is added here. Candidates are read best first until the next one could no longer reach
the LIMIT-th score even with the most activity, so the order is exact without scoring every
open RFQ. Each row carries its reason (domain/rfq/fit.py).
"""

from __future__ import annotations

import heapq
from typing import Any

from inquiry_tui.domain.rfq.fit import MIN_FIT, BuyerStanding, Fit, rank_score, reason
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.activity import cached_levels, rollup
from inquiry_tui.services.rfq.catalogue import ensure_fitted
from inquiry_tui.services.rfq.market import RfqQuery
from inquiry_tui.services.rfq.rows import RfqRow, row_from
from inquiry_tui.store.queries import rfq as q_rfq

LIMIT = 200
ACTIVITY_POINTS = 10  # the most an activity level adds (level // 10)


def activity_levels(ctx: Ctx, *, wait: bool) -> dict[int, int]:
    """Every buyer's activity level: the rollup (built if WAIT, else only what this process already has)."""
    if wait:
        return dict(rollup(ctx).levels)
    return dict(cached_levels(ctx) or {})


def recommended_rfqs(
    ctx: Ctx, query: RfqQuery | None = None, *, limit: int = LIMIT, wait_for_activity: bool = True
) -> list[RfqRow]:
    """Recommended RFQs, best first, each with its reason; QUERY's filters narrow them (open only, never junk)."""
    query = (query or RfqQuery()).checked()
    ensure_fitted(ctx)
    levels = activity_levels(ctx, wait=wait_for_activity)
    now = ctx.now()
    scored: list[tuple[int, Any, int]] = []  # (score, posted_at as stored, id): sorted descending
    best: list[int] = []  # a min-heap of the LIMIT best scores so far
    scores: dict[tuple[int, bool, str | None, int], int] = {}  # few distinct inputs: thousands of rows
    with ctx.read() as session:
        for rfq_id, buyer_id, fit, posted_at, verified, tier, standing in q_rfq.recommendable(
            session, query.to_filter(), now=now, min_fit=MIN_FIT
        ):
            if len(best) >= limit and standing + ACTIVITY_POINTS < best[0]:
                break  # rows come by standing: nothing further down can overtake the LIMIT-th
            inputs = (fit, bool(verified), tier, levels.get(buyer_id, 0))
            score = scores.get(inputs)
            if score is None:
                score = scores[inputs] = rank_score(Fit(fit, (), ""), BuyerStanding(*inputs[1:]))
            scored.append((score, posted_at, rfq_id))
            if len(best) < limit:
                heapq.heappush(best, score)
            elif score > best[0]:
                heapq.heapreplace(best, score)
        scored.sort(reverse=True)  # best score, then newest posted, then highest id
        kept = scored[:limit]
        full = q_rfq.rows_by_id(session, [rfq_id for _, _, rfq_id in kept])
    out = []
    for score, _, rfq_id in kept:
        r = full[rfq_id]
        m = r._mapping
        standing = BuyerStanding(bool(m["verified"]), m["tier"], levels.get(m["buyer_id"], 0))
        terms = tuple(t for t in str(m["fit_terms"] or "").split("\n") if t)
        out.append(
            row_from(r, now, reason=reason(Fit(m["fit"], terms, m["fit_category"] or ""), standing), score=score)
        )
    return out
