"""What the publishing remembers for a whole import (routing decisions, junk verdicts, block reasons) changes no
decision, across its transactions and when the memory is cleared for being full.

As test_import_chunk_memory.py, but in transactions of a few arrivals each (the memory is kept from one to the
next; a colleague could move the turn between them) and with the memory's bound (`pipeline.DECIDED_SEEN`) at one
to three entries, so that it is cleared again and again: one copy of the sample store imports the file, the
other receives the records one at a time.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inquiry_tui.domain.terms import Terms
from inquiry_tui.domain.terms_text import catalogue
from inquiry_tui.services.arrivals import checking, pipeline
from tests.unit.arrivals.test_import_chunk_memory import limit_both
from tests.unit.arrivals.test_import_reuse import _made_again, arrivals
from tests.unit.arrivals.test_import_same_decisions import (
    assert_same_decisions,
    import_file,
    receive_one_by_one,
    record,
    two_copies,
)


@pytest.mark.sqlite_only
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(record, min_size=10, max_size=30),
    room=st.integers(min_value=0, max_value=3),
    keep=st.integers(min_value=1, max_value=3),
    chunk=st.integers(min_value=2, max_value=5),
)
def test_memory_kept_across_transactions_and_cleared_when_full_decides_as_one_by_one_arrivals(
    records: list[dict[str, Any]],
    room: int,
    keep: int,
    chunk: int,
    sqlite_sample_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INQUIRY_TUI_IMPORT_CHUNK", str(chunk))  # several published transactions
    monkeypatch.setattr(checking, "PARALLEL_FROM_BYTES", 0)  # checked by worker processes: text verdicts given
    monkeypatch.setattr(pipeline, "DECIDED_SEEN", keep)
    data, urls = two_copies(records, sqlite_sample_template, tmp_path)
    limit_both(urls, room)
    seen: list[int] = []
    made = pipeline.Pipeline.__init__

    def watched(self: pipeline.Pipeline, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        seen.append(id(self))

    monkeypatch.setattr(pipeline.Pipeline, "__init__", watched)
    report = import_file(urls["batched"], data)
    assert report.received == len(records)
    assert len(seen) == 1  # one pipeline, so one memory, for every transaction of the import
    receive_one_by_one(urls["single"], data)
    assert_same_decisions(urls)


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each of the three is cleared when full, so an import of millions keeps at most DECIDED_SEEN of each."""
    from inquiry_tui.domain.junk import BlockList, TextVerdict

    monkeypatch.setattr(pipeline, "DECIDED_SEEN", 3)
    made: Any = object.__new__(pipeline.Pipeline)
    made._blocks, made._verdicts, made.block = {}, {}, BlockList(frozenset({"x0@b.example"}))
    for i in range(10):
        b = pipeline.BuyerState(i, f"x{i}@b.example", new=True)
        b.junk = i
        a: Any = type("A", (), {"text_junk": TextVerdict(0, ()), "subject": "", "body": ""})()
        verdict = pipeline.Pipeline._judged(made, b, a)
        assert verdict.blocked == (i == 0) and verdict.score == min(60, 20 * i)
        assert len(made._blocks) <= 3 and len(made._verdicts) <= 3


@settings(max_examples=60, deadline=None)
@given(a=arrivals)
def test_what_an_arrival_states_is_remembered_by_its_very_terms_objects(a: Any) -> None:
    """`_stated` keys its memory by the terms' ids: an entry left by other objects (an id used again) is not taken."""
    from dataclasses import replace

    products = catalogue((("FL-100W", "Floodlight"),))
    made: Any = SimpleNamespace(_stated_seen={}, catalogue=products)
    if a.text_terms is None:
        a = replace(a, text_terms=Terms())
    right = _made_again(a, products)
    assert pipeline.Pipeline._stated(made, a, a.received_at) == right
    assert pipeline.Pipeline._stated(made, a, a.received_at) == right  # remembered
    (key,) = made._stated_seen
    wrong: tuple[Terms, frozenset[Any], str] = (Terms(unit="never"), frozenset(), "{}")
    made._stated_seen[key] = (replace(a.text_terms), a.terms, wrong)  # equal terms, another object
    assert pipeline.Pipeline._stated(made, a, a.received_at) == right
    # an equal but distinct text terms object is a key of its own, with the same values
    other = replace(a, text_terms=replace(a.text_terms))
    assert pipeline.Pipeline._stated(made, other, other.received_at) == right
