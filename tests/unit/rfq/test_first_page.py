"""The market's first paint (page and count from one read of the hits) equals the page and count read apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.rfq.importing import import_rfqs
from inquiry_tui.services.rfq.market import RfqQuery, first_rfq_page, rfq_page
from inquiry_tui.store.queries import rfq as q_rfq
from tests.unit.rfq.conftest import rfq_record, write_rfqs


@pytest.fixture
def mixed(market: Ctx, tmp_path: Path) -> Ctx:
    """The sample market plus 30 RFQs: most posted in id order, some older and some newer than their ids say
    (a later import of older requests), two categories spelt in another case, three destinations."""
    records = []
    for n in range(30):
        day = 10 + n // 3 if n % 7 else 8 + n % 5  # every 7th out of id order (older)
        if n % 11 == 5:
            day = 21  # newer than the ids after it
        records.append(
            rfq_record(
                n,
                posted_at=f"2026-11-{day:02d}T{n % 24:02d}:00:00Z",
                title=f"Need {100 + n} {'flood lights' if n % 4 else 'street lights'} 100W",
                category="FLOOD LIGHTS" if n % 9 == 0 else "Flood lights",
                destination=("DE", "US", "FR")[n % 3],
            )
        )
    import_rfqs(market, write_rfqs(tmp_path / "more.jsonl", records))
    return market


def _reference(ctx: Ctx, query: RfqQuery) -> list[int]:
    """Every row of the list in order, read the way later pages are (no first-paint shortcut)."""
    q = query.checked()
    with ctx.read() as session:
        f = q_rfq.with_spellings(session, q.to_filter())
        if f is None or (q.words and q_rfq.keyword_query(session, q.words) is None):
            return []
        return [r.id for r in q_rfq._page(session, f, now=ctx.now(), after=None, limit=1000)]


QUERY = st.builds(
    RfqQuery,
    words=st.sampled_from([(), ("flood",), ("light",), ("street", "light"), ("need",), ("nobody",), ("li",)]),
    category=st.sampled_from([None, "Flood lights", "flood LIGHTS", "Downlights", "Nonesuch"]),
    destination=st.sampled_from([None, "DE", "US"]),
    min_quantity=st.sampled_from([None, 105.0]),
    open_only=st.booleans(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERY, limit=st.integers(1, 12), cap=st.integers(1, 15))
def test_first_page_is_the_page_and_its_count(mixed: Ctx, query: RfqQuery, limit: int, cap: int) -> None:
    # The store is only read here, so one store serves every example.
    ref = _reference(mixed, query)
    page, total = first_rfq_page(mixed, query, limit, cap=cap)
    assert [r.id for r in page.rows] == ref[:limit]
    assert (page.next_key is not None) == (len(ref) > limit)
    if page.next_key is not None:
        assert page.next_key == page.rows[-1].key
        assert total == min(len(ref), cap + 1)
    else:
        assert total == len(ref)
    assert [r.id for r in rfq_page(mixed, query, None, limit).rows] == ref[:limit]


def test_rows_out_of_id_order_fall_back_and_a_stored_spelling_is_matched(
    mixed: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = q_rfq._page
    monkeypatch.setattr(q_rfq, "_page", lambda *a, **k: calls.append(1) or real(*a, **k))
    query = RfqQuery(words=("flood",))
    page, total = first_rfq_page(mixed, query, 3, cap=4)
    assert [r.id for r in page.rows] == _reference(mixed, query)[:3] and total == 5
    assert calls  # the probe saw an older id posted later and read the page the usual way
    everything = rfq_page(mixed, RfqQuery(), None, 200).rows
    shown = rfq_page(mixed, RfqQuery(category="flood lights"), None, 200).rows
    assert {r.category for r in shown} == {"Flood lights", "FLOOD LIGHTS"}  # both spellings, as lower() matched
    assert sorted(r.id for r in shown) == sorted(r.id for r in everything if r.category.lower() == "flood lights")
