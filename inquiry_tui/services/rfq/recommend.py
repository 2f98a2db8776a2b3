"""RFQ recommendation: open RFQs nobody here quoted yet, ranked by fit to the catalogue and the buyer's standing.

Each RFQ's standing (its fit plus the buyer's verification and tier) is kept on its row and
indexed (migration 0012_rfq_standing), so candidates come best standing first off an index;
the buyer's activity level (the activity rollup, at most +10) is added here. Candidates are
read until the next one could no longer reach the LIMIT-th score even with the most activity,
so the order is exact and only the head of the index is read. Each row carries its reason
(domain/rfq/fit.py).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from typing import Any

from inquiry_tui.domain.rfq.fit import MIN_FIT, BuyerStanding, Fit, activity_points, reason
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.activity import cached_levels, rollup
from inquiry_tui.services.rfq.catalogue import ensure_fitted
from inquiry_tui.services.rfq.market import RfqQuery
from inquiry_tui.services.rfq.rows import RfqRow, row_from
from inquiry_tui.store.queries import rfq as q_rfq

LIMIT = 200
ACTIVITY_POINTS = activity_points(100)  # the most an activity level adds


def activity_levels(ctx: Ctx, *, wait: bool) -> Mapping[int, int]:
    """Every buyer's activity level: the rollup (built if WAIT, else only what this process already has).

    The rollup's own mapping, read only (copying a hundred thousand buyers' levels costs more than
    the list)."""
    if wait:
        return rollup(ctx).levels
    return cached_levels(ctx) or {}


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
    with ctx.read() as session:
        for rfq_id, buyer_id, standing, posted_at in q_rfq.recommendable(
            session, query.to_filter(), now=now, min_fit=MIN_FIT
        ):
            if len(best) >= limit and standing + ACTIVITY_POINTS < best[0]:
                break  # rows come by standing: nothing further down can overtake the LIMIT-th
            # rank_score: fit + buyer_points, the stored standing plus the activity level's points
            score = standing + activity_points(levels.get(buyer_id, 0))
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
