"""A statement naming a missing index with `INDEXED BY` runs without the hint; nothing else is retried.

On a bare sqlite3 connection of the app's kind, on the plain read connections that open the TUI, and on
SQLAlchemy's (the engines' and `store.raw`'s driver-level statements): every SQLite connection the app
opens is a `FallbackConnection` (store/hint_fallback.py).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from inquiry_tui.store import raw
from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.hint_fallback import FallbackConnection, unhinted
from inquiry_tui.store.plain_reads import PlainReads
from inquiry_tui.store.sqlite_conn import opener

pytestmark = pytest.mark.sqlite_only

ROWS = [(i, i % 3, f"r{i}") for i in range(10)]
HINTED = "SELECT id, body FROM t INDEXED BY ix_t_k WHERE k = ? ORDER BY id"
EXPECTED = [(i, f"r{i}") for i, k, _ in ROWS if k == 1]


def _missing(name: str) -> sqlite3.OperationalError:
    return sqlite3.OperationalError(f"no such index: {name}")


def test_only_the_missing_index_s_hint_goes() -> None:
    sql = 'SELECT 1 FROM a INDEXED BY ix_a JOIN b indexed  by "ix_a2" WHERE x IN (SELECT 1 FROM c INDEXED BY ix_a)'
    assert unhinted(sql, _missing("ix_a")) == 'SELECT 1 FROM a JOIN b indexed  by "ix_a2" WHERE x IN (SELECT 1 FROM c)'
    assert (
        unhinted(sql, _missing("ix_a2"))
        == "SELECT 1 FROM a INDEXED BY ix_a JOIN b WHERE x IN (SELECT 1 FROM c INDEXED BY ix_a)"
    )


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DROP INDEX ix_t_k", "no such index: ix_t_k"),  # not a hint: the error stands
        ("SELECT 1 FROM t INDEXED BY ix_t_k2", "no such index: ix_t_k"),  # another index's name, longer
        (HINTED, "no such table: t"),
        (HINTED, "database is locked"),
    ],
)
def test_any_other_error_is_not_retried(sql: str, message: str) -> None:
    assert unhinted(sql, sqlite3.OperationalError(message)) is None


@pytest.fixture
def conn() -> sqlite3.Connection:
    c = sqlite3.connect(":memory:", factory=FallbackConnection)
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, body TEXT)")
    c.executemany("INSERT INTO t VALUES (?, ?, ?)", ROWS)
    c.execute("CREATE INDEX ix_t_k ON t (k)")
    return c


def test_reads_and_writes_run_without_the_hint_while_the_index_is_missing(conn: sqlite3.Connection) -> None:
    assert conn.execute(HINTED, (1,)).fetchall() == EXPECTED  # with the index
    conn.execute("DROP INDEX ix_t_k")
    assert conn.execute(HINTED, (1,)).fetchall() == EXPECTED
    assert conn.cursor().execute(HINTED, (1,)).fetchall() == EXPECTED
    conn.execute("UPDATE t INDEXED BY ix_t_k SET body = body || '!' WHERE k = ?", (2,))
    rows = ((f"m{i}", i) for i in range(3))  # an iterator: each row written once, none lost to the refusal
    conn.executemany("UPDATE t INDEXED BY ix_t_k SET body = ? WHERE k = ?", rows)
    conn.cursor().executemany("DELETE FROM t INDEXED BY ix_t_k WHERE k = ? AND id > ?", [(0, 5)])
    assert conn.execute("SELECT id, body FROM t ORDER BY id").fetchall() == [
        (i, f"m{k}") for i, k, _ in ROWS if not (k == 0 and i > 5)
    ]


def test_other_errors_are_raised_as_they_came(conn: sqlite3.Connection) -> None:
    conn.execute("DROP INDEX ix_t_k")
    with pytest.raises(sqlite3.OperationalError, match="no such index: ix_t_k"):
        conn.execute("DROP INDEX ix_t_k")
    with pytest.raises(sqlite3.OperationalError, match="no such table: nowhere"):
        conn.execute("SELECT 1 FROM nowhere INDEXED BY ix_t_k")
    with pytest.raises(sqlite3.OperationalError, match="no such column: nope"):
        conn.cursor().execute("SELECT nope FROM t INDEXED BY ix_t_k")
    with pytest.raises(sqlite3.IntegrityError):
        conn.executemany("INSERT INTO t (id, k) SELECT ?, ? FROM t INDEXED BY ix_t_k LIMIT 1", [(1, 1)])


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "store.db"
    c = sqlite3.connect(path)
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, body TEXT)")
    c.executemany("INSERT INTO t VALUES (?, ?, ?)", ROWS)
    c.commit()  # no index: every hint below names a missing one
    c.close()
    return path


def test_every_connection_the_app_opens_falls_back(tmp_path: Path) -> None:
    path = _store(tmp_path)
    opened, _ = opener(path)
    assert isinstance(opened(), FallbackConnection)
    reads = PlainReads(path)
    try:
        with reads.transaction() as plain:
            assert plain.execute(HINTED, (1,)).fetchall() == EXPECTED
    finally:
        reads.close()
    for url in (f"sqlite:///{path}", "sqlite://"):
        engine = make_engine(url)
        try:
            with engine.begin() as sa:
                if url == "sqlite://":
                    sa.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, body TEXT)")
                    sa.exec_driver_sql("INSERT INTO t VALUES (?, ?, ?)", ROWS)
                assert [tuple(r) for r in sa.exec_driver_sql(HINTED, (1,))] == EXPECTED
                assert [tuple(r) for r in sa.execute(text(HINTED.replace("?", ":k")), {"k": 1})] == EXPECTED
                assert raw.rows(sa, HINTED, (1,)) == EXPECTED  # the sqlite3 connection under SQLAlchemy's
        finally:
            engine.dispose()


def test_every_index_the_code_names_for_a_hint_is_in_the_schema(sqlite_head_template: Path) -> None:
    """A hint naming no index at all would now run unhinted without a word: the names must be the schema's.

    The hints' names are written out in the files that hint (`INDEXED BY`) and in the inbox views' specs."""
    package = Path(raw.__file__).parents[1]
    hinting = [p for p in package.rglob("*.py") if "migrations" not in p.parts and "INDEXED BY" in p.read_text("utf-8")]
    files = [*hinting, package / "store" / "queries" / "folders.py"]
    named = {name for path in files for name in re.findall(r"\b(ix_[a-z0-9_]+)\b", path.read_text("utf-8"))}
    schema = {
        r[0]
        for r in sqlite3.connect(sqlite_head_template).execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    assert len(hinting) >= 4 and "ix_inquiry_open" in named
    assert named <= schema
