"""The batched import makes the decisions one-by-one arrivals make: owner, rule and reason, junk, auto-replies, terms.

Two copies of the sample company's store: one imports a file through `import inquiries` (read
and checked by worker processes in small parts, published in transactions of three), the
other receives the same records one at a time through `receive`, in the same order. Every
decision must come out the same (SQLite: the decisions do not depend on the engine, and a
store copy per example is a file copy).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inquiry_tui.services.arrivals import checking
from inquiry_tui.services.arrivals.importing import arrival_from_record, import_inquiries, receive
from inquiry_tui.services.context import connect_system
from inquiry_tui.services.records.reader import read_records
from tests.conftest import FIXED_NOW, _ctx_for, fixed_clock

# Buyers of the sample store (sticky owners), new ones, and the block list's address.
EMAILS = [
    "pedro.costa1@outlook.com",
    "maria.garcia2@deltaillum.example",
    "hassan.wilson3@yahoo.com",
    "new.one@buyer-a.example",
    "new.two@buyer-b.example",
    "promo@seo-rank-fast.example",
]
TEXTS = [
    ("Quote", "Please quote 500 pcs FOB Ningbo, delivery by 2026-12-20. Thank you."),
    ("Price for floodlights", "Target price USD 3.20, CIF Hamburg, payment T/T. Can you send a sample?"),
    ("hi", ""),
    (
        "Rank your website #1 on Google",
        "Hello, we offer SEO services. http://seo-rank-fast.example http://seo-rank-fast.example/a "
        "http://seo-rank-fast.example/b",
    ),
    ("Your account will be suspended", "Please verify your account and login to confirm your password here."),
    ("Street lights", "We need 2000 units of solar street lights for Kenya within 6 weeks."),
]

record = st.fixed_dictionaries(
    {
        "buyer": st.sampled_from(EMAILS),
        "country": st.sampled_from([None, "DE", "US", "KE", "BR"]),
        "channel": st.sampled_from(["inquiry", "tm", "email"]),
        "hours_ago": st.integers(0, 24 * 20),
        "product": st.sampled_from([None, "FL-100W", "SL-60W", "HB-150W"]),
        "text": st.sampled_from(TEXTS),
        "quantity": st.sampled_from([None, 100, 2500]),
        "incoterm": st.sampled_from([None, "EXW", "DDP"]),
    }
)


def _line(i: int, r: dict[str, Any]) -> dict[str, Any]:
    subject, body = r["text"]
    out: dict[str, Any] = {
        "external_id": f"p-{i}",
        "channel": r["channel"],
        "received_at": (FIXED_NOW - timedelta(hours=r["hours_ago"])).isoformat(),
        "buyer": {"email": r["buyer"], "name": "A Buyer", "company": "Buyer Co", "country": r["country"]},
        "product": r["product"],
        "subject": subject,
        "body": body,
    }
    if r["quantity"] is not None:
        out.update(quantity=r["quantity"], unit="pcs")
    if r["incoterm"] is not None:
        out["incoterm"] = r["incoterm"]
    return out


DECISIONS = (
    "SELECT i.external_id, a.login, i.rule, i.folder, i.is_junk, i.junk_score, i.junk_reasons, i.auto_replies, "
    "i.terms, i.asked, i.due_at, i.unread, i.deleted_at, r.reason, "
    "(SELECT group_concat(m.direction || '|' || m.sent_at || '|' || m.body, '~') FROM message m WHERE m.inquiry_id = i.id) "
    "FROM inquiry i JOIN account a ON a.id = i.owner_id LEFT JOIN allocation_record r ON r.inquiry_id = i.id "
    "WHERE i.external_id LIKE 'p-%' ORDER BY i.external_id"
)
BUYERS = (
    "SELECT b.email, a.login, b.last_contact_at, b.name, b.company, b.country FROM buyer b "
    "LEFT JOIN account a ON a.id = b.owner_id ORDER BY b.email"
)


def _state(url: str) -> tuple[list[Any], list[Any], Any]:
    ctx = connect_system(url)
    try:
        with ctx.read() as session:
            conn = session.connection()
            decisions = [tuple(r) for r in conn.exec_driver_sql(DECISIONS)]
            buyers = [tuple(r) for r in conn.exec_driver_sql(BUYERS)]
            turn = conn.exec_driver_sql("SELECT last_login, turns FROM rotation_state").all()
    finally:
        ctx.close()
    return decisions, buyers, turn


def two_copies(records: list[dict[str, Any]], template: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """RECORDS as an import file, and two copies of the sample store TEMPLATE for it: "batched" and "single"
    (a folder of their own per hypothesis example)."""
    folder = tmp_path / f"ex-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    data = folder / "in.jsonl"
    data.write_text("".join(json.dumps(_line(i, r)) + "\n" for i, r in enumerate(records)), encoding="utf-8")
    urls = {}
    for name in ("batched", "single"):
        path = folder / f"{name}.db"
        shutil.copy(template, path)
        urls[name] = f"sqlite:///{path}"
    return data, urls


def import_file(url: str, data: Path) -> Any:
    """`import inquiries` of DATA into the store at URL, as the main account: its report."""
    system = connect_system(url)
    system.clock = fixed_clock
    try:
        return import_inquiries(_ctx_for(system, "boss"), data)
    finally:
        system.close()


def receive_one_by_one(url: str, data: Path) -> None:
    """DATA's records received into the store at URL one at a time, as arrivals do."""
    system = connect_system(url)
    system.clock = fixed_clock
    try:
        ctx = _ctx_for(system, "boss")
        for r in read_records(data):
            receive(ctx, [arrival_from_record(data, r)])
    finally:
        system.close()


def assert_same_decisions(urls: dict[str, str]) -> tuple[Any, ...]:
    """The "batched" and "single" stores decided alike; the batched store's state (`_state`)."""
    batched, single = _state(urls["batched"]), _state(urls["single"])
    assert batched[0] == single[0]  # every inquiry's owner, rule, reason, junk, auto-replies, terms, messages
    assert batched[1] == single[1]  # the buyers' owners, last contact and filled fields
    assert batched[2][0][0] == single[2][0][0]  # the rotation turn ends on the same salesperson
    return batched


@pytest.mark.sqlite_only
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, min_size=4, max_size=12))
def test_the_batched_import_decides_as_one_by_one_arrivals(
    records: list[dict[str, Any]],
    sqlite_sample_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INQUIRY_TUI_IMPORT_CHUNK", "3")  # several published transactions
    monkeypatch.setattr(checking, "PARALLEL_FROM_BYTES", 0)  # worker processes, several parts
    monkeypatch.setattr(checking, "PART_BYTES", 700)
    data, urls = two_copies(records, sqlite_sample_template, tmp_path)
    report = import_file(urls["batched"], data)
    assert report.received == len(records)
    receive_one_by_one(urls["single"], data)
    batched = assert_same_decisions(urls)
    assert len(batched[0]) == len(records)


@pytest.mark.sqlite_only
def test_an_import_reports_its_progress_checking_then_importing(
    sqlite_sample_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INQUIRY_TUI_IMPORT_CHUNK", "4")
    monkeypatch.setattr("inquiry_tui.services.arrivals.importing.PROGRESS_EVERY", 5)
    data = tmp_path / "in.jsonl"
    rows = [
        _line(
            i,
            {
                **dict.fromkeys(("country", "product", "quantity", "incoterm")),
                "buyer": EMAILS[i % 3],
                "channel": "inquiry",
                "hours_ago": i,
                "text": TEXTS[0],
            },
        )
        for i in range(11)
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    shutil.copy(sqlite_sample_template, tmp_path / "s.db")
    system = connect_system(f"sqlite:///{tmp_path / 's.db'}")
    system.clock = fixed_clock
    heard: list[tuple[str, int, int]] = []
    try:
        import_inquiries(_ctx_for(system, "boss"), data, progress=lambda *told: heard.append(told))
    finally:
        system.close()
    assert heard == [
        ("checking", 5, 11),
        ("checking", 10, 11),
        ("checking", 11, 11),
        ("importing", 4, 11),
        ("importing", 8, 11),
        ("importing", 11, 11),
    ]


_REAL_CHECK_PART = checking._check_part


def _dying_after_the_first_part(path: str, part: bytes, first_line: int) -> object:
    if first_line > 1:
        os._exit(3)  # a worker killed mid-import (out of memory, kill -9)
    return _REAL_CHECK_PART(path, part, first_line)


@pytest.mark.sqlite_only
def test_a_worker_that_dies_leaves_its_parts_to_the_importing_process(
    sqlite_sample_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checking, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(checking, "PART_BYTES", 700)
    monkeypatch.setattr(checking, "_check_part", _dying_after_the_first_part)
    data = tmp_path / "in.jsonl"
    rows = [
        _line(
            i,
            {
                **dict.fromkeys(("country", "product", "quantity", "incoterm")),
                "buyer": EMAILS[i % 4],
                "channel": "tm",
                "hours_ago": i,
                "text": TEXTS[i % 2],
            },
        )
        for i in range(9)
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    shutil.copy(sqlite_sample_template, tmp_path / "s.db")
    system = connect_system(f"sqlite:///{tmp_path / 's.db'}")
    system.clock = fixed_clock
    try:
        report = import_inquiries(_ctx_for(system, "boss"), data)
    finally:
        system.close()
    assert report.received == 9
    assert len(_state(f"sqlite:///{tmp_path / 's.db'}")[0]) == 9


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, min_size=1, max_size=8))
def test_the_workers_arrivals_are_the_serial_paths_with_their_text_judged_and_read(
    records: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a worker hands back (`flat`, pickled, `unflat` without the checks run again) is the checked arrival
    itself, with the junk filter's verdict on its text and what its text states: what `receive` would judge and read.
    """
    from inquiry_tui.domain.junk import judge_text
    from inquiry_tui.domain.terms_text import catalogue, read_terms
    from inquiry_tui.services.arrivals.pipeline import known_terms
    from inquiry_tui.services.setup.company import load_json

    monkeypatch.setattr(checking, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(checking, "PART_BYTES", 500)
    data = tmp_path / f"in-{len(list(tmp_path.iterdir()))}.jsonl"
    data.write_text("".join(json.dumps(_line(i, r)) + "\n" for i, r in enumerate(records)), encoding="utf-8")
    products = tuple(sorted((p["sku"], p.get("name") or "") for p in load_json("company.json")["products"]))
    got = []
    for entry in checking.checked_items(data, None, products, workers=2):
        got.extend(entry.items() if isinstance(entry, checking.Packed) else [entry])
    serial = [arrival_from_record(data, r) for r in read_records(data)]
    assert [it.line for it in got] == [r.line for r in read_records(data)]
    for item, a in zip(got, serial, strict=True):
        mine = item.arrival
        assert type(mine) is type(a) and type(mine.buyer) is type(a.buyer)
        assert mine.text_junk == judge_text(a.subject, a.body)
        text = f"{a.subject}\n{a.body}"
        assert mine.text_terms == read_terms(
            text, today=a.received_at.date(), products=catalogue(products), known=known_terms(a)
        )
        assert replace(mine, text_terms=None, text_junk=None) == a  # every checked field, the buyer's too
