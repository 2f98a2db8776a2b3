"""A big import's text read while it publishes (services/arrivals/text_readers.py) is what the checking workers read.

`import inquiries` has its checking workers leave each arrival's text unread (`checked_items(text=False)`)
and worker processes read and judge it from the spool's chunks while the import publishes. The items
that come back are the ones the checking workers would have packed with the text read; an import that
reads them so decides as one-by-one arrivals; a reader that dies leaves its chunk to the publishing.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inquiry_tui.services.arrivals import checking, text_readers
from inquiry_tui.services.setup.company import load_json
from tests.unit.arrivals.test_import_same_decisions import (
    _line,
    assert_same_decisions,
    import_file,
    receive_one_by_one,
    record,
    two_copies,
)

PRODUCTS = tuple(sorted((p["sku"], p.get("name") or "") for p in load_json("company.json")["products"]))


def _checked(data: Path, *, text: bool) -> list[Any]:
    """The file's items as the checking workers hand them back (two workers, several parts), flat."""
    got = []
    for entry in checking.checked_items(data, None, PRODUCTS, workers=2, text=text):
        got.extend(entry.items() if isinstance(entry, checking.Packed) else [entry])
    return [checking.flat(it) for it in got]


def _write(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    data = tmp_path / f"in-{len(list(tmp_path.iterdir()))}.jsonl"
    data.write_text("".join(json.dumps(_line(i, r)) + "\n" for i, r in enumerate(records)), encoding="utf-8")
    return data


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, min_size=1, max_size=10), per_chunk=st.integers(1, 4))
def test_the_readers_give_back_what_the_checking_workers_would_have_read(
    records: list[dict[str, Any]], per_chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checking, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(checking, "PART_BYTES", 500)
    data = _write(tmp_path, records)
    unread, read = _checked(data, text=False), _checked(data, text=True)
    assert all(row[4][-2:] == (None, None) for row in unread)  # left unread by the checking workers
    assert [row[4][:-2] for row in unread] == [row[4][:-2] for row in read]  # every checked field alike
    blobs = [pickle.dumps(unread[i : i + per_chunk]) for i in range(0, len(unread), per_chunk)]
    readers = text_readers.TextReaders(PRODUCTS, 2)
    try:
        got = [row for blob in readers.read(iter(blobs)) for row in pickle.loads(blob)]
    finally:
        readers.close()
    assert got == read  # in order, each with its text's terms and junk verdict as the checking workers read them


def _dying(blob: bytes) -> bytes:
    os._exit(3)  # a reader killed mid-import (out of memory, kill -9)


def test_a_chunk_whose_reader_died_comes_back_as_it_went(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checking, "read_text", _dying)
    blobs = [pickle.dumps([("a", i)]) for i in range(5)]
    readers = text_readers.TextReaders(PRODUCTS, 1)
    try:
        assert list(readers.read(iter(blobs))) == blobs
    finally:
        readers.close()


def test_no_readers_for_a_small_spool_one_core_or_no_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    with text_readers.started(PRODUCTS, text_readers.READ_FROM - 1) as readers:
        assert readers is None
    with text_readers.started(None, text_readers.READ_FROM) as readers:
        assert readers is None
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    with text_readers.started(PRODUCTS, text_readers.READ_FROM) as readers:
        assert readers is None


@pytest.mark.parametrize(("cores", "readers"), [(None, 0), (1, 0), (2, 2), (8, text_readers.MAX_READERS)])
def test_readers_one_per_core_at_most_max_none_on_one_core(
    cores: int | None, readers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert text_readers.reader_count() == readers


def _counting(seen: list[int]) -> Any:
    real = text_readers.TextReaders.read

    def read(self: text_readers.TextReaders, blobs: Iterator[bytes]) -> Iterator[bytes]:
        for blob in real(self, blobs):
            rows = pickle.loads(blob)
            seen.append(sum(1 for row in rows if row[4][-2] is not None and row[4][-1] is not None))
            yield blob

    return read


@pytest.mark.sqlite_only
@pytest.mark.parametrize("reader", ["alive", "dies"])
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, min_size=6, max_size=12))
def test_an_import_whose_text_is_read_while_publishing_decides_as_one_by_one_arrivals(
    reader: str,
    records: list[dict[str, Any]],
    sqlite_sample_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INQUIRY_TUI_IMPORT_CHUNK", "2")  # a head of two, the rest in the spool
    monkeypatch.setattr(checking, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(checking, "PART_BYTES", 700)
    monkeypatch.setattr(text_readers, "READ_FROM", 0)
    monkeypatch.setattr(text_readers, "reader_count", lambda: 1)
    if reader == "dies":
        monkeypatch.setattr(checking, "read_text", _dying)
    seen: list[int] = []
    monkeypatch.setattr(text_readers.TextReaders, "read", _counting(seen))
    data, urls = two_copies(records, sqlite_sample_template, tmp_path)
    report = import_file(urls["batched"], data)
    assert report.received == len(records)
    # The spool's arrivals went through the readers: read by them, or (a dead reader) by the publishing.
    assert sum(seen) == (len(records) - 2 if reader == "alive" else 0)
    receive_one_by_one(urls["single"], data)
    batched = assert_same_decisions(urls)
    assert len(batched[0]) == len(records)
