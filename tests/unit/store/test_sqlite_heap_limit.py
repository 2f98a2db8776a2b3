"""The TUI caps SQLite's memory for its process (store/sqlite_conn.py `limit_heap`, tui/app.py `run_tui`):
a soft heap limit, one for the process, past which each connection reuses its own cache's pages."""

from __future__ import annotations

import ctypes
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from inquiry_tui.store import sqlite_conn
from inquiry_tui.tui import app as app_module


def soft_limit() -> int:
    conn = sqlite3.connect(":memory:")
    try:
        return int(conn.execute("PRAGMA soft_heap_limit").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def _limit_restored() -> Iterator[None]:
    before = soft_limit()
    yield
    sqlite_conn.limit_heap(before)  # the limit is the test process's: no other test runs under it


def test_the_limit_is_the_processs_seen_from_every_connection(tmp_path: Path) -> None:
    assert sqlite_conn.limit_heap(5 * 1024 * 1024) == 5 * 1024 * 1024
    store = sqlite3.connect(tmp_path / "a.db")
    try:
        assert int(store.execute("PRAGMA soft_heap_limit").fetchone()[0]) == 5 * 1024 * 1024
    finally:
        store.close()
    assert sqlite_conn.limit_heap(0) == 0  # 0: no limit
    assert soft_limit() == 0


def _libsqlite3() -> ctypes.CDLL | None:
    """The SQLite library the sqlite3 module uses (its memory counter), where /proc names it."""
    maps = Path("/proc/self/maps")
    if not maps.exists():
        return None
    for line in maps.read_text().splitlines():
        if "libsqlite3" in line:
            lib = ctypes.CDLL(line.split()[-1])
            lib.sqlite3_memory_used.restype = ctypes.c_int64
            return lib
    return None


def test_under_the_limit_a_big_cache_stops_growing(tmp_path: Path) -> None:
    """A connection whose cache_size would allow 32 MB reads a 24 MB table: under a 4 MB limit SQLite's
    memory stays near the limit, without it the cache holds the table."""
    lib = _libsqlite3()
    if lib is None:  # no /proc (not Linux), or SQLite linked into the sqlite3 module: no counter to read
        pytest.skip("SQLite's memory counter is out of reach: no /proc/self/maps naming a shared libsqlite3")
    path = tmp_path / "big.db"
    made = sqlite3.connect(path)
    made.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)")
    made.executemany("INSERT INTO t (body) VALUES (?)", ((bytes(1000),) for _ in range(24_000)))
    made.commit()
    made.close()

    def read_all() -> int:
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA cache_size=-32000")
            base = lib.sqlite3_memory_used()
            assert conn.execute("SELECT count(*), sum(length(body)) FROM t").fetchone() == (24_000, 24_000_000)
            return int(lib.sqlite3_memory_used() - base)
        finally:
            conn.close()

    sqlite_conn.limit_heap(0)
    unlimited = read_all()
    sqlite_conn.limit_heap(4 * 1024 * 1024)
    limited = read_all()
    assert unlimited > 20 * 1024 * 1024
    assert limited < 6 * 1024 * 1024


def test_the_tui_sets_the_limit_on_a_sqlite_store(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[object] = []
    monkeypatch.setattr(app_module, "InquiryApp", lambda ctx: ctx)
    monkeypatch.setattr(app_module, "run_logged", ran.append)
    sqlite_conn.limit_heap(0)
    ctx = SimpleNamespace(url="sqlite:////tmp/store.db")
    app_module.run_tui(ctx)  # type: ignore[arg-type]
    assert ran == [ctx]
    assert soft_limit() == sqlite_conn.TUI_HEAP_LIMIT


def test_the_tui_on_postgresql_leaves_sqlite_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "InquiryApp", lambda ctx: ctx)
    monkeypatch.setattr(app_module, "run_logged", lambda _app: None)
    sqlite_conn.limit_heap(0)
    app_module.run_tui(SimpleNamespace(url="postgresql+psycopg://u@h/db"))  # type: ignore[arg-type]
    assert soft_limit() == 0
