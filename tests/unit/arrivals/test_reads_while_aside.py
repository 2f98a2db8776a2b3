"""While a big import has the thread tables' indexes set aside, colleagues' reads give the same rows.

Reads that name an index (`INDEXED BY`: the inbox's views and counts, jumps, escalation, capacity) run
without the hint while that index is missing (store/hint_fallback.py). Two copies of the sample store,
one with the indexes set aside as a big import sets them aside (`publishing._set_aside`), are read
alike: the inbox on a plain sqlite3 connection (`connect`) and on SQLAlchemy's engine, and an
arrival routed with salespeople at a capacity limit.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inquiry_tui.domain.vocabulary import View
from inquiry_tui.services.arrivals import publishing
from inquiry_tui.services.arrivals.importing import arrival_from_record, receive
from inquiry_tui.services.context import Ctx, connect, connect_system
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.records.reader import read_records
from inquiry_tui.services.team.accounts import set_limit
from inquiry_tui.services.team.zone import shown_zone
from inquiry_tui.store import bulk, index_build
from inquiry_tui.store.engine import make_engine
from tests.conftest import _ctx_for, ctx_as, fixed_clock, store_rows
from tests.unit.arrivals.test_import_chunk_memory import _open_count
from tests.unit.arrivals.test_import_same_decisions import _line, _state

pytestmark = pytest.mark.sqlite_only  # PostgreSQL's imports keep their indexes

FOLDERS = [view.value for view in View]
# Indexes the reads below name (`INDEXED BY`), all set aside by a big import.
NAMED = ("ix_inquiry_open", "ix_inquiry_escalation", "ix_inquiry_deleted", "ix_inquiry_owner_folder_recv")


def _set_aside(path: Path) -> None:
    """Drop the indexes a big import drops, as it does (committed: colleagues read the store so)."""
    system = connect_system(str(path))
    try:
        with system.begin() as conn:
            index_build.set_aside(conn, bulk.THREAD_TABLES, keep=publishing.KEEP_INDEXES)
    finally:
        system.close()
    names = {r[0] for r in store_rows(str(path), "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert not names & set(NAMED) and set(publishing.KEEP_INDEXES) <= names


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, sqlite_sample_template: Path) -> dict[str, Path]:
    """The sample company's store as it is ("whole") and with the indexes set aside ("aside"), only read here."""
    folder = tmp_path_factory.mktemp("aside")
    found = {name: folder / f"{name}.db" for name in ("whole", "aside")}
    for path in found.values():
        shutil.copy(sqlite_sample_template, path)
    _set_aside(found["aside"])
    return found


def _contexts(path: Path, login: str, mp: pytest.MonkeyPatch) -> tuple[Ctx, Ctx]:
    """LOGIN on PATH: a context from `connect` (plain sqlite3 reads), and one on SQLAlchemy's read engine."""
    mp.setenv("INQUIRY_TUI_LOGIN", login)
    plain = connect(str(path))
    system = connect_system(str(path))
    system.read_engine = make_engine(system.url, read_only=True)
    engined = ctx_as(system, login)
    for ctx in (plain, engined, system):
        ctx.clock = fixed_clock
    return plain, engined


@pytest.fixture(scope="module")
def readers(stores: dict[str, Path]) -> Iterator[dict[tuple[str, str, str], Ctx]]:
    """(store, login, kind) -> a context; kind is 'plain' or 'engine'."""
    mp = pytest.MonkeyPatch()
    found: dict[tuple[str, str, str], Ctx] = {}
    try:
        for name, path in stores.items():
            for login in ("boss", "ana"):
                found[name, login, "plain"], found[name, login, "engine"] = _contexts(path, login, mp)
        yield found
    finally:
        mp.undo()
        for ctx in found.values():
            ctx.close()


def _inbox_reads(ctx: Ctx) -> list[Any]:
    """What a colleague's inbox reads: counts, the top of each folder, a jump and pages around it, search."""
    out: list[Any] = [shown_zone(ctx), inbox.folder_counts(ctx)]
    for folder in FOLDERS:
        total = inbox.count_folder(ctx, folder)
        out.append(inbox.window(ctx, folder, None, 40, with_total=True))
        out.append(inbox.key_ladder(ctx, folder, 100))
        middle = total // 2
        key = inbox.key_at(ctx, folder, middle, total)
        out += [total, key, inbox.page_at(ctx, folder, middle, 20, total)]
        if key is not None:
            out += [inbox.position_of(ctx, folder, key), inbox.page_after(ctx, folder, key, 20)]
            out.append(inbox.page_before(ctx, folder, key, 20))
    for terms in ("price", "sample quote", "zzzznothing"):
        out += [inbox.search(ctx, terms), inbox.search(ctx, terms, ranked=True), inbox.count_search(ctx, terms)]
    out += [inbox.find_inquiries(ctx, query) for query in ("#1", "12", "a")]
    return out


@pytest.mark.parametrize("kind", ["plain", "engine"])
@pytest.mark.parametrize("login", ["boss", "ana"])
def test_the_inbox_reads_the_same_rows_with_the_indexes_set_aside(
    readers: dict[tuple[str, str, str], Ctx], login: str, kind: str
) -> None:
    whole, aside = readers["whole", login, kind], readers["aside", login, kind]
    if kind == "plain":
        assert whole.lazy is not None and whole.lazy.plain is not None  # the plain sqlite3 path
    expected = _inbox_reads(whole)
    assert inbox.count_folder(whole, "all") > 0  # the sample store has inquiries: the test reads rows
    assert _inbox_reads(aside) == expected


def test_an_arrival_is_routed_alike_with_the_indexes_set_aside(sqlite_sample_template: Path, tmp_path: Path) -> None:
    """Capacity (`ix_inquiry_open`) and the escalation sweep (`ix_inquiry_escalation`) read by name on each arrival."""
    urls = {}
    for name in ("whole", "aside"):
        path = tmp_path / f"{name}.db"
        shutil.copy(sqlite_sample_template, path)
        urls[name] = f"sqlite:///{path}"
        if name == "aside":
            _set_aside(path)
    records = [
        {
            "buyer": f"b{i % 3}@buyer{i % 2}.example",
            "country": ("DE", "US", None)[i % 3],
            "channel": "inquiry",
            "hours_ago": 30 - i,
            "product": (None, "FL-100W", "SL-60W")[i % 3],
            "text": ("Price for 500 pcs", "Please quote 500 pcs FOB, thank you."),
            "quantity": None,
            "incoterm": None,
        }
        for i in range(8)
    ]
    file = tmp_path / "in.jsonl"
    file.write_text("".join(json.dumps(_line(i, r)) + "\n" for i, r in enumerate(records)), encoding="utf-8")
    for url in urls.values():
        system = connect_system(url)
        system.clock = fixed_clock
        try:
            ctx = _ctx_for(system, "boss")
            for login in ("ana", "ben"):  # full after one more arrival each: capacity decides
                set_limit(ctx, login, _open_count(url, login) + 1)
            for r in read_records(file):
                receive(ctx, [arrival_from_record(file, r)])
        finally:
            system.close()
    assert _state(urls["aside"]) == _state(urls["whole"])
