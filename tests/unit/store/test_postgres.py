"""PostgreSQL's own side of the store: its engine, search parity with SQLite's FTS5, the audit log, db copy.

Every test here needs the session's PostgreSQL server (`pg_url`, tests/unit/conftest.py) and is
skipped with the reason where no server can start (never in CI: INQUIRY_TUI_REQUIRE_PG=1).
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, receive
from inquiry_tui.services.context import Ctx, connect_system
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.team.accounts import init_company
from inquiry_tui.store import dialect
from inquiry_tui.store.copy import tables
from inquiry_tui.store.engine import DriverMissing, make_engine
from inquiry_tui.store.migrate import open_store
from tests.conftest import _ctx_for, _on_own_host, fixed_clock, pg_database

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
DOCS = [
    ("Café crème order", "Bonjour, nous voulons 500 pcs.", "Société Générale Lighting"),
    ("Müller needs LED-100W", "Please quote LED-100W floodlights, 1.5mm housing.", "Müller & Söhne GmbH"),
    ("Price list", "Contact info@lumen-trading.example or www.lumen.example/catalog", "Lumen Trading"),
    ("询价", "你好，我们需要报价：LED灯 1000个", "深圳市光明照明有限公司"),
    ("Flood lights", "Don't send samples; floodlight 200W x 300", "Floodgate Ltd"),
    ("Re: flood", "we need a FLOOD light — urgent!!! (Q4)", "Acme, Inc."),
    ("Ελληνικά φώτα", "Χρειαζόμαστε προσφορά για ΦΩΤΑ", "Αθήνα Φωτισμός"),
    ("Order #42", "PO-2026/11: 42 × panels; ½ price?", "Ørsted Ænergy"),
]
QUERIES = [
    "cafe",
    "CAFÉ crème",
    "muller",
    "söhne",
    "led-100w",
    "100w",
    "led 100",
    "lumen",
    "lumen-trading",
    "info@lumen-trading.example",
    "catalog",
    "你好",
    "报价",
    "深圳市光明照明有限公司",
    "flo",
    "flood",
    "floodlight",
    "don't",
    "1.5mm",
    "1.5",
    "q4",
    "φωτα",
    "χρειαζόμαστε",
    "po-2026",
    "orsted",
    "acme inc",
    "42",
    "urgent!!!",
    '"flood" OR x',
    "NEAR(flood",
    "subject:price",
]


def _store(url: str) -> Ctx:
    system = connect_system(url)
    system.clock = fixed_clock
    system.read_engine = make_engine(url, read_only=True)
    init_company(system, "boss", "The Boss")
    boss = _ctx_for(system, "boss")
    arrivals = [
        Arrival(
            f"fts-{i}",
            "inquiry",
            T0 + timedelta(minutes=i),
            BuyerFields(f"b{i}@buyers.example", f"Buyer {i}", company, "DE"),
            None,
            subject,
            body,
        )
        for i, (subject, body, company) in enumerate(DOCS)
    ]
    receive(boss, arrivals)
    return boss


@pytest.fixture
def both(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Ctx, Ctx]]:
    lite = _store(f"sqlite:///{tmp_path / 'lite.db'}")
    for url in pg_database(request):
        pg = _store(url)
        yield lite, pg
        pg.close()
    lite.close()


def test_search_finds_the_same_inquiries_in_the_same_order(both: tuple[Ctx, Ctx]) -> None:
    lite, pg = both
    for query in QUERIES:
        a = [r.id for r in inbox.search(lite, query).rows]
        b = [r.id for r in inbox.search(pg, query).rows]
        assert a == b, query
        assert inbox.count_search(lite, query) == inbox.count_search(pg, query), query
    assert [r.id for r in inbox.search(pg, "flood").rows] == sorted(
        (r.id for r in inbox.search(pg, "flood").rows), reverse=True
    )  # newest first
    assert {r.id for r in inbox.search(pg, "flood", ranked=True).rows} == {
        r.id for r in inbox.search(lite, "flood", ranked=True).rows
    }


def test_search_keeps_up_with_changes(both: tuple[Ctx, Ctx]) -> None:
    from inquiry_tui.services.inbox.triage import reply

    for ctx in both:
        first = inbox.search(ctx, "lumen").rows[0]
        reply(ctx, first.id, "Our zanzibar catalogue is attached")
        assert [r.id for r in inbox.search(ctx, "zanzibar").rows] == [first.id]
        with ctx.write() as session:
            session.execute(text("UPDATE buyer SET company = 'Quixotic Lamps' WHERE email = 'b0@buyers.example'"))
        assert len(inbox.search(ctx, "quixotic").rows) == 1 and not inbox.search(ctx, "generale").rows


def test_driver_sql_in_qmark_style_and_nul_characters(pg_url: str) -> None:
    assert dialect.format_style("SELECT '?', \"a?\", ? WHERE x LIKE '%a' AND y % 2 = ?") == (
        "SELECT '?', \"a?\", %s WHERE x LIKE '%%a' AND y %% 2 = %s"
    )
    engine = open_store(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TEMP TABLE t (s text)")
        conn.exec_driver_sql("INSERT INTO t VALUES (?), (?)", ("nul\x00byte", "a '?' b"))
        assert [r[0] for r in conn.exec_driver_sql("SELECT s FROM t ORDER BY s")] == ["a '?' b", "nul␀byte"]
    engine.dispose()


def test_the_read_engine_reads_one_snapshot_and_never_writes(pg_url: str) -> None:
    open_store(pg_url).dispose()
    reader, writer = make_engine(pg_url, read_only=True), make_engine(pg_url)
    with reader.begin() as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM block_entry").scalar()
        with writer.begin() as other:
            other.exec_driver_sql(
                "INSERT INTO block_entry (kind, value, note, created_at) VALUES ('email', 'x@y.example', '', now())"
            )
        assert conn.exec_driver_sql("SELECT count(*) FROM block_entry").scalar() == before  # the same snapshot
        with pytest.raises(DBAPIError, match="read-only"):
            conn.exec_driver_sql("DELETE FROM block_entry")
    with writer.connect() as conn:
        assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "10s"
    reader.dispose()
    writer.dispose()


def test_audit_rows_are_append_only(pg_url: str) -> None:
    system = connect_system(pg_url)
    init_company(system, "boss", "The Boss")
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), system.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    system.close()


def test_a_missing_driver_is_one_line_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_psycopg(name: str, *args: object, **kwargs: object) -> object:
        if name == "psycopg" or name.startswith("psycopg."):
            raise ImportError("No module named 'psycopg'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.delitem(sys.modules, "psycopg", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    with pytest.raises(DriverMissing, match=r"inquiry-tui\[postgres\]"):
        make_engine("postgresql://someone@db.example/inquiries")
    result = CliRunner().invoke(app, ["--db", "postgresql://someone@db.example/inquiries", "account", "list"])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1 and len(lines) == 1 and "inquiry-tui[postgres]" in lines[0], result.output


def test_an_unreachable_server_is_one_line() -> None:
    result = CliRunner().invoke(
        app, ["--db", "postgresql+psycopg://nobody@/inquiries?host=/nonexistent-socket-dir", "account", "list"]
    )
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    from inquiry_tui.store.copy import _canonical, rows_of

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: [tuple(_canonical(v) for v in r) for r in rows_of(conn, t)] for t in tables()}
    finally:
        engine.dispose()


def test_db_copy_round_trip_keeps_every_row(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite -> PostgreSQL -> SQLite: every table the same, row by row; the copy works like the original."""
    _on_own_host(monkeypatch)  # the copy on the server is opened as boss (a server store never takes INQUIRY_TUI_LOGIN)
    source = tmp_path / "source.db"
    runner = CliRunner()
    # The sample's attachments go along: the server store keeps them in INQUIRY_TUI_FILES (a SQLite store beside it).
    env = {"INQUIRY_TUI_LOGIN": "boss", "INQUIRY_TUI_FILES": str(tmp_path / "server.files")}
    assert runner.invoke(app, ["--db", str(source), "init", "--name", "The Boss"], env=env).exit_code == 0
    seeded = runner.invoke(app, ["--db", str(source), "seed", "--sample"], env=env)
    assert seeded.exit_code == 0, seeded.output
    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.create()  # an empty database: db copy makes the schema
    pg = cluster.url(name)
    _on_own_host(request.getfixturevalue("monkeypatch"))  # `--db PG` acts as the OS user: named boss
    try:
        there = runner.invoke(app, ["--db", str(source), "db", "copy", "--to", pg, "--batch", "700"], env=env)
        assert there.exit_code == 0, there.output
        assert "counts and checksums match" in there.output
        back_file = tmp_path / "back.db"
        back = runner.invoke(app, ["--db", pg, "db", "copy", "--to", str(back_file)], env=env)
        assert back.exit_code == 0, back.output
        original, returned = _rows(f"sqlite:///{source}"), _rows(f"sqlite:///{back_file}")
        assert set(original) == set(returned)
        for table in original:
            assert original[table] == returned[table], table
        # The copy on PostgreSQL is a working store: the same inbox, search and new ids after the copied ones.
        for url in (f"sqlite:///{source}", pg):
            ctx = _ctx_for(connect_system(url), "boss")
            assert inbox.count_search(ctx, "price") > 0
        ctx = _ctx_for(connect_system(pg), "boss")
        with ctx.write() as session:
            top = session.execute(text("SELECT max(id) FROM inquiry")).scalar_one()
            assert session.execute(text("SELECT nextval(pg_get_serial_sequence('inquiry', 'id'))")).scalar_one() > top
        refused = runner.invoke(app, ["--db", str(source), "db", "copy", "--to", pg], env=env)
        lines = [line for line in refused.output.splitlines() if line.strip()]
        assert refused.exit_code == 1 and lines == [lines[0]] and "not empty" in lines[0], refused.output
    finally:
        cluster.drop(name)


def test_every_table_of_the_models_exists_on_a_new_server_database(request: pytest.FixtureRequest) -> None:
    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.create()
    try:
        engine = open_store(cluster.url(name))
        names = set(inspect(engine).get_table_names())
        assert {t.name for t in tables()} <= names and "inquiry_fts" in names
        with engine.connect() as conn:
            indexes = {r[0] for r in conn.execute(select(text("indexname")).select_from(text("pg_indexes")))}
        assert {"ix_inquiry_fts_doc", "ix_inquiry_owner_unread", "ix_inquiry_open"} <= indexes
        engine.dispose()
    finally:
        cluster.drop(name)
