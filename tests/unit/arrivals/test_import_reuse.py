"""What a big import reuses instead of making again gives what making it again gives.

The spool hands back the items it was given, in order, whichever way they went in; terms and text
verdicts rebuilt from the spool are shared between equal values (`checking._shared`); what an
arrival states is merged and encoded once per distinct value in a batch (`Pipeline._stated`), and
its own fields' terms once per distinct value in a checking worker (`checking._known`); the
cyclic collector is spared while publishing and is as it was afterwards.
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inquiry_tui.domain.junk import TextVerdict
from inquiry_tui.domain.questions import stated_asks
from inquiry_tui.domain.terms import Terms, terms_to_json
from inquiry_tui.domain.terms_text import catalogue, read_terms
from inquiry_tui.services.arrivals import checking, pipeline, publishing
from inquiry_tui.services.arrivals.checking import Packed, flat
from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, import_inquiries
from inquiry_tui.services.arrivals.pipeline import Item, Pipeline, known_terms
from inquiry_tui.services.context import Ctx
from tests.conftest import cli_db, store_rows

AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

terms = st.builds(
    Terms,
    quantity=st.sampled_from([None, Decimal("500"), Decimal("500.0"), Decimal("2.5")]),
    unit=st.sampled_from([None, "pcs", "sets"]),
    destination=st.sampled_from([None, "DE", "Ningbo"]),
    target_price=st.sampled_from([None, Decimal("3.20")]),
    currency=st.sampled_from([None, "USD"]),
    incoterm=st.sampled_from([None, "FOB", "CIF"]),
    payment_terms=st.sampled_from([None, "T/T"]),
    delivery_date=st.sampled_from([None, date(2026, 12, 20)]),
    sample_requested=st.sampled_from([None, True, False]),
    product=st.sampled_from([None, "FL-100W", "floodlights"]),
)
verdicts = st.builds(
    TextVerdict, st.integers(0, 5), st.lists(st.sampled_from(["link", "phrase", "empty"]), max_size=2).map(tuple)
)
arrivals = st.builds(
    Arrival,
    external_id=st.one_of(st.none(), st.text("abc123-", min_size=1, max_size=6)),
    channel=st.sampled_from(["inquiry", "tm", "email"]),
    received_at=st.just(AT),
    buyer=st.builds(BuyerFields, st.sampled_from(["a@x.example", "b@y.example"]), st.sampled_from(["", "Ann"])),
    product=st.sampled_from([None, "FL-100W", "SL-60W"]),
    subject=st.sampled_from(["Quote", "Price for floodlights"]),
    body=st.sampled_from(["", "Please quote 500 pcs FOB Ningbo."]),
    quantity=st.sampled_from([None, 500, 500.0, 2500.0]),
    unit=st.sampled_from([None, "pcs"]),
    terms=st.one_of(st.just(Terms()), terms),
    text_terms=st.one_of(st.none(), terms),
    text_junk=st.one_of(st.none(), verdicts),
)
items = st.builds(Item, arrivals, st.integers(1, 10_000))


@settings(max_examples=40, deadline=None)
@given(chunks=st.lists(st.tuples(st.booleans(), st.lists(items, max_size=5)), max_size=6))
def test_the_spool_hands_back_its_items_in_order_however_they_went_in(chunks: list[tuple[bool, list[Item]]]) -> None:
    spool = publishing.Spool()
    try:
        for packed, part in chunks:
            if packed:  # as a worker hands a part over: the pickle of its flat items
                blob = pickle.dumps([flat(it) for it in part], protocol=pickle.HIGHEST_PROTOCOL)
                spool.add_packed(Packed(blob, [(it.line, it.arrival.external_id, it.arrival.product) for it in part]))
            else:
                spool.add(part)
        given_items = [it for _, part in chunks for it in part]
        assert spool.count == len(given_items)
        assert list(spool.items()) == given_items
        assert list(spool.items()) == given_items  # read again from the start
    finally:
        spool.close()


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(terms, verdicts), max_size=30), keep=st.integers(1, 5))
def test_shared_terms_and_verdicts_are_the_values_they_were_made_of(
    values: list[Terms | TextVerdict], keep: int
) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(checking, "SHARED_MAX", keep)  # cleared when full: a few values go round it
        mp.setattr(checking, "_SHARED", {})
        for value in values:
            kind = type(value)
            fields = tuple(getattr(value, f) for f in kind.__dataclass_fields__)
            got = checking._shared(kind, fields)
            assert type(got) is kind and got == value
            assert len(checking._SHARED) <= keep


def _made_again(a: Any, products: Any) -> tuple[Terms, frozenset[Any], str]:
    """What `Pipeline.add` made for each arrival before `_stated` remembered anything."""
    read = a.text_terms
    if read is None:  # as `receive` gives it: the text is read here
        read = read_terms(f"{a.subject}\n{a.body}", today=a.received_at.date(), products=products, known=known_terms(a))
    stated = read.merged(known_terms(a))
    return stated, stated_asks(stated, has_product=a.product is not None), terms_to_json(stated)


@settings(max_examples=60, deadline=None)
@given(batch=st.lists(arrivals, min_size=1, max_size=25), keep=st.integers(1, 4))
def test_what_arrivals_state_is_what_merging_and_encoding_each_gives(batch: list[Arrival], keep: int) -> None:
    products = catalogue((("FL-100W", "Floodlight"),))
    made: Any = SimpleNamespace(_stated_seen={}, catalogue=products)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "STATED_SEEN", keep)  # cleared when full: a few values go round it
        for a in batch:
            got = Pipeline._stated(made, a, a.received_at)
            assert got == _made_again(a, products)
            assert len(made._stated_seen) <= keep


def test_an_arrival_whose_text_was_not_read_ahead_is_read_as_receive_reads_it() -> None:
    products = catalogue((("FL-100W", "Floodlight"),))
    made: Any = SimpleNamespace(_stated_seen={}, catalogue=products)
    a = Arrival(None, "inquiry", AT, BuyerFields("a@x.example"), None, "Quote", "Please quote 500 pcs FOB Ningbo.")
    terms_read = read_terms(f"{a.subject}\n{a.body}", today=AT.date(), products=products, known=known_terms(a))
    got = Pipeline._stated(made, a, AT)
    assert got[0] == terms_read.merged(known_terms(a)) and got[2] == terms_to_json(got[0])
    assert made._stated_seen == {}  # nothing read ahead: nothing to remember it by


@pytest.fixture
def command_collector() -> Iterator[None]:
    """The collector as a command has it (on, nothing frozen), whatever tests before in this process left."""
    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    gc.unfreeze()
    gc.enable()
    yield
    if frozen:
        gc.freeze()
    if not enabled:
        gc.disable()


def _lines(path: Path, n: int = 12) -> Path:
    import json

    path.write_text(
        "".join(
            json.dumps(
                {
                    "external_id": f"G-{i}",
                    "channel": "inquiry",
                    "received_at": f"2026-11-20T10:00:{i:02d}Z",
                    "buyer": {"email": f"g{i % 3}@x.example"},
                    "subject": "Quote",
                    "body": "Please quote 500 pcs FOB Ningbo.",
                }
            )
            + "\n"
            for i in range(n)
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.usefixtures("command_collector")
def test_the_collector_is_as_it_was_after_publishing(
    admin_ctx: Ctx, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INQUIRY_TUI_IMPORT_CHUNK", "4")  # a spool and three transactions
    during: list[tuple[tuple[int, int, int], int]] = []
    monkeypatch.setattr(
        publishing, "on_published", lambda seq: during.append((gc.get_threshold(), gc.get_freeze_count()))
    )
    before = gc.get_threshold()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    import_inquiries(admin_ctx, _lines(tmp_path / "g.jsonl"))
    assert len(during) == 3
    assert all(t[0] == publishing.YOUNG_WHILE_PUBLISHING and frozen > 0 for t, frozen in during)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    assert store_rows(cli_db(db_url), "SELECT COUNT(*) FROM inquiry WHERE external_id LIKE 'G-%'")[0][0] == 12


@pytest.mark.usefixtures("command_collector")
def test_the_collector_is_as_it_was_after_a_failed_publishing(
    admin_ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INQUIRY_TUI_IMPORT_CHUNK", "4")

    def fail(seq: int) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(publishing, "on_published", fail)
    before = gc.get_threshold()
    with pytest.raises(OSError):
        import_inquiries(admin_ctx, _lines(tmp_path / "g.jsonl"))
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


@pytest.mark.usefixtures("command_collector")
def test_a_process_that_froze_its_heap_keeps_its_collector(
    admin_ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INQUIRY_TUI_IMPORT_CHUNK", "4")
    during: list[tuple[int, int, int]] = []
    monkeypatch.setattr(publishing, "on_published", lambda seq: during.append(gc.get_threshold()))
    before = gc.get_threshold()
    gc.freeze()  # as the TUI does after its first frame
    try:
        frozen = gc.get_freeze_count()
        import_inquiries(admin_ctx, _lines(tmp_path / "g.jsonl"))
        assert during and all(t == before for t in during)
        assert gc.get_freeze_count() > frozen // 2  # not unfrozen (a few frozen objects died meanwhile)
    finally:
        gc.unfreeze()


@settings(max_examples=60, deadline=None)
@given(batch=st.lists(arrivals, min_size=1, max_size=25), keep=st.integers(1, 4))
def test_the_workers_known_terms_are_known_terms_of_each_arrival(batch: list[Arrival], keep: int) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(checking, "KNOWN_MAX", keep)  # cleared when full: a few values go round it
        mp.setattr(checking, "_KNOWN", {})
        for a in batch:
            got = checking._known(a)
            assert got == known_terms(a) and terms_to_json(got) == terms_to_json(known_terms(a))
            assert len(checking._KNOWN) <= keep
