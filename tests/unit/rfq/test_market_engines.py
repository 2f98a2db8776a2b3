"""The market's keyword filter on both engines: FTS5 on SQLite and tsvector + GIN on PostgreSQL find the same
RFQs in the same order, with the same counts (as the inquiries' search parity in tests/unit/store/test_postgres.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from inquiry_tui.services.context import Ctx, connect_system
from inquiry_tui.services.rfq.importing import import_rfqs
from inquiry_tui.services.rfq.market import QUICK_COUNT_CAP, RfqQuery, count_rfqs, rfq_page
from inquiry_tui.services.team.accounts import init_company
from inquiry_tui.store.engine import make_engine
from tests.conftest import _ctx_for, fixed_clock, pg_database
from tests.unit.rfq.conftest import rfq_record, write_rfqs

pytestmark = pytest.mark.postgres

DOCS = [
    ("Café crème lights", "Bonjour, nous voulons 500 pcs de luminaires.", "Flood lights"),
    ("Müller needs LED-100W", "Please quote LED-100W floodlights, 1.5mm housing.", "Flood lights"),
    ("Price list", "Contact info@lumen-trading.example or www.lumen.example/catalog", "Panels"),
    ("询价 LED灯", "你好，我们需要报价：LED灯 1000个，深圳市光明照明有限公司", "Bulbs"),
    ("Flood lights 200W", "Don't send samples; floodlight 200W x 300", "Flood lights"),
    ("Re: flood", "we need a FLOOD light — urgent!!! (Q4)", "Flood lights"),
    ("Ελληνικά φώτα", "Χρειαζόμαστε προσφορά για ΦΩΤΑ", "Street lights"),
    ("18W downlight, DALI", "Recessed downlights 18W with DALI driver; PO-2026/11: 42 × panels", "Downlights"),
    ("Street light", "Street lights 120W, cobra head", "Street lights"),
    ("Ørsted street lighting", "Solar street lights, all in one", "Solar"),
]
QUERIES = [
    ("cafe",),
    ("CAFÉ", "crème"),
    ("muller",),
    ("söhne",),
    ("led-100w",),
    ("100w",),
    ("led", "100"),
    ("lumen",),
    ("lumen-trading",),
    ("info@lumen-trading.example",),
    ("catalog",),
    ("你好",),
    ("报价",),
    ("深圳市",),
    ("fl",),
    ("flo",),
    ("flood",),
    ("floodlight",),
    ("don't",),
    ("1.5mm",),
    ("q4",),
    ("φωτα",),
    ("χρειαζόμαστε",),
    ("po-2026",),
    ("orsted",),
    ("street", "light"),
    ("street", "lights", "solar"),
    ("dali", "18w"),
    ("42",),
    ("urgent!!!",),
    ('"flood"', "OR", "x"),
    ("NEAR(flood",),
    ("title:price",),
    ("---",),
]


def _store(url: str, tmp_path: Path) -> Ctx:
    system = connect_system(url)
    system.clock = fixed_clock
    system.read_engine = make_engine(url, read_only=True)
    init_company(system, "boss", "The Boss")
    boss = _ctx_for(system, "boss")
    records = [
        # Posted out of id order, two at the same minute: the order is (posted_at, id) newest first.
        rfq_record(n, title=title, description=body, category=category, posted_at=f"2026-11-2{n % 3}T08:00:00Z")
        for n, (title, body, category) in enumerate(DOCS)
    ]
    import_rfqs(boss, write_rfqs(tmp_path / f"rfqs-{url.split(':')[0]}.jsonl", records))
    return boss


@pytest.fixture
def both(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Ctx, Ctx]]:
    lite = _store(f"sqlite:///{tmp_path / 'lite.db'}", tmp_path)
    for url in pg_database(request):
        pg = _store(url, tmp_path)
        yield lite, pg
        pg.close()
    lite.close()


def _pages(ctx: Ctx, query: RfqQuery) -> list[str]:
    out: list[str] = []
    key = None
    while True:
        page = rfq_page(ctx, query, key, 2)
        out += [r.external_id for r in page.rows]
        if page.next_key is None:
            return out
        key = page.next_key


def test_the_keyword_filter_finds_the_same_rfqs_in_the_same_order(both: tuple[Ctx, Ctx]) -> None:
    lite, pg = both
    found_any = 0
    for words in QUERIES:
        for query in (RfqQuery(words=words), RfqQuery(words=words, category="Flood lights", open_only=True)):
            a, b = _pages(lite, query), _pages(pg, query)
            assert a == b, query
            assert count_rfqs(lite, query) == count_rfqs(pg, query) == len(a), query
            found_any += bool(a)
    assert found_any >= 20  # most queries find something: the parity is not of empty lists
    assert _pages(pg, RfqQuery(words=("flood",))) == ["T-5", "T-4", "T-1"]  # newest posted first, then id


def test_the_search_document_follows_a_changed_title(both: tuple[Ctx, Ctx]) -> None:
    for ctx in both:
        with ctx.write() as session:
            session.execute(text("UPDATE rfq SET title = 'Zanzibar pendants' WHERE external_id = 'T-0'"))
        assert _pages(ctx, RfqQuery(words=("zanzibar",))) == ["T-0"]
        assert "T-0" not in _pages(ctx, RfqQuery(words=("cafe",)))


def test_a_count_stops_at_its_cap(both: tuple[Ctx, Ctx]) -> None:
    for ctx in both:
        lights = _pages(ctx, RfqQuery(words=("light",)))
        assert len(lights) >= 4
        assert count_rfqs(ctx, RfqQuery(words=("light",)), cap=2) == 3  # cap + 1: shown as "2+"
        assert count_rfqs(ctx, RfqQuery(words=("light",)), cap=QUICK_COUNT_CAP) == len(lights)
