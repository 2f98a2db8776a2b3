"""The keyword filter's two plans on SQLite (sort every hit, or walk the newest-first index) give the same pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.rfq.importing import import_rfqs
from inquiry_tui.services.rfq.market import RfqQuery, rfq_page
from inquiry_tui.store.queries import rfq as q_rfq
from tests.unit.rfq.conftest import rfq_record, write_rfqs

QUERIES = [
    RfqQuery(words=("flood",)),
    RfqQuery(words=("flood",), open_only=True),
    RfqQuery(words=("light", "stadium")),
    RfqQuery(words=("street",)),
    RfqQuery(words=("nobody-wrote-this",)),
    RfqQuery(words=("flood",), category="Flood lights"),
    RfqQuery(words=("flood",), min_quantity=105, max_quantity=118),
    RfqQuery(words=("flood", "stadium"), destination="DE", open_only=True),
]


def _walk(ctx: Ctx, query: RfqQuery) -> list[str]:
    out: list[str] = []
    key = None
    while True:
        page = rfq_page(ctx, query, key, 3)
        out += [r.external_id for r in page.rows]
        if page.next_key is None:
            return out
        key = page.next_key


def test_both_plans_give_the_same_pages_newest_first(
    market: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Twenty more flood-light RFQs, posted out of id order (a later import of older requests).
    records = [rfq_record(n, posted_at=f"2026-11-{10 + (n * 7) % 12:02d}T{n % 24:02d}:00:00Z") for n in range(20)]
    import_rfqs(market, write_rfqs(tmp_path / "more.jsonl", records))
    sorted_plan = {}
    monkeypatch.setattr(q_rfq, "WALK_FROM", 10**9)
    for query in QUERIES:
        sorted_plan[query] = _walk(market, query)
    monkeypatch.setattr(q_rfq, "WALK_FROM", 1)
    for query in QUERIES:
        assert _walk(market, query) == sorted_plan[query], query
    flood = sorted_plan[QUERIES[0]]
    assert len(flood) >= 20 and len(set(flood)) == len(flood)
    times = {r.external_id: (r.posted_at, r.id) for r in rfq_page(market, QUERIES[0], limit=200).rows}
    assert [times[e] for e in flood] == sorted((times[e] for e in flood), reverse=True)
    assert sorted_plan[QUERIES[4]] == []
