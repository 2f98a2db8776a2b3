"""Shared fixtures: a throwaway store on tmp_path, contexts for the admin and a salesperson.

Every test gets its own SQLite file under tmp_path (never the user's store) and a fixed clock.
The store, service and CLI tests (tests/unit) run on PostgreSQL too: tests/unit/conftest.py
parametrizes `db_url` over both engines, with a database cloned from a migrated template on a
server this session starts (`pg_cluster`, tests/pg_server.py). See docs/testing.md.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from inquiry_tui.services.context import SYSTEM, Ctx, actor_from, connect_system
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.synthetic import generate
from inquiry_tui.services.team.accounts import add_account, init_company
from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.migrate import open_store
from inquiry_tui.store.models import Account
from tests import pg_server

FIXED_NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """What `-n auto` means here: one worker more than the cores.

    A TUI test spends part of its time asleep (Pilot's idle waits between keys) and the PostgreSQL half
    waits on its server, so one worker per core left the cores a quarter idle: the TUI tests ran in 93-101 s
    with three workers against 117 s with two, on 2 cores (docs/testing.md)."""
    return (os.cpu_count() or 1) + 1


def fixed_clock() -> datetime:
    return FIXED_NOW


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Never touch the developer's real store or depend on the OS login."""
    monkeypatch.setenv("INQUIRY_TUI_DB", str(tmp_path / "env-default.db"))
    monkeypatch.setenv("INQUIRY_TUI_LOGIN", "boss")


@pytest.fixture
def db_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A new SQLite store's URL, for tests about SQLite itself (pragmas, backups, FTS5)."""
    return f"sqlite:///{tmp_path / 'store.db'}"


# --- PostgreSQL ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg_server.Cluster]:
    """A PostgreSQL server for this session (skips the test when none can start, unless required)."""
    try:
        cluster = pg_server.start()
    except pg_server.Unavailable as exc:
        if pg_server.required():
            pytest.fail(f"PostgreSQL is required here ({pg_server.REQUIRE_ENV}=1) but cannot start: {exc}")
        pytest.skip(f"PostgreSQL half skipped: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_head_template(pg_cluster: pg_server.Cluster) -> str:
    """A database migrated to the head revision, to clone per test."""
    from inquiry_tui.store.migrate import open_store

    name = pg_cluster.create(stem="head")
    open_store(pg_cluster.url(name)).dispose()
    return name


@pytest.fixture(scope="session")
def pg_sample_template(pg_cluster: pg_server.Cluster, pg_head_template: str) -> str:
    """The sample company with 2,000 generated inquiries (fixed clock), to clone per test."""
    name = pg_cluster.create(pg_head_template, stem="sample")
    _build_sample(pg_cluster.url(name)).close()
    return name


def pg_database(request: pytest.FixtureRequest, *, sample: bool = False) -> Iterator[str]:
    """A fresh database on the session's server (a clone of a template) for one test; dropped after it."""
    cluster: pg_server.Cluster = request.getfixturevalue("pg_cluster")
    template = request.getfixturevalue("pg_sample_template" if sample else "pg_head_template")
    _on_own_host(request.getfixturevalue("monkeypatch"))
    name = cluster.take(template)
    try:
        yield cluster.url(name)
    finally:
        cluster.give_back(name)


def _on_own_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each account as its own OS user, as when each salesperson runs the app on their own host.

    A server store never lets INQUIRY_TUI_LOGIN choose the account (docs/domain.md, "Who is
    who"): the OS user is the account. This process has one OS user, so the PostgreSQL half
    names the OS user after the account the test acts as (INQUIRY_TUI_LOGIN, read at each call).
    """
    import inquiry_tui.services.context as context

    real = context.real_os_user
    monkeypatch.setattr(context, "real_os_user", lambda: os.environ.get("INQUIRY_TUI_LOGIN") or real())


def _build_sample(url: str) -> Ctx:
    system = connect_system(url)
    system.clock = fixed_clock
    system.read_engine = make_engine(url, read_only=True)
    init_company(system, "boss", "The Boss")
    ctx = _ctx_for(system, "boss")
    set_up_company(ctx, load_json("company.json"))
    generate(ctx, 2000, 20261123)
    return system


def _ctx_for(ctx: Ctx, login: str) -> Ctx:
    with ctx.read() as session:
        from sqlmodel import select

        account = session.exec(select(Account).where(Account.login == login)).one()
        return ctx.as_actor(actor_from(account))


@pytest.fixture
def admin_ctx(db_url: str, request: pytest.FixtureRequest) -> Iterator[Ctx]:
    """An initialised store with the main account `boss` and salespeople `ana`, `ben`, `cara`."""
    if db_url.startswith("sqlite"):
        path = Path(db_url.removeprefix("sqlite:///"))
        if not path.exists():  # a copy of a store at head instead of running every migration again
            shutil.copy(request.getfixturevalue("sqlite_head_template"), path)
    system = connect_system(db_url)
    system.clock = fixed_clock
    system.read_engine = make_engine(db_url, read_only=True)
    init_company(system, "boss", "The Boss")
    ctx = _ctx_for(system, "boss")
    for login, name in (("ana", "Ana Zhou"), ("ben", "Ben Wu"), ("cara", "Cara Diaz")):
        add_account(ctx, login, name)
    yield ctx
    system.close()


@pytest.fixture
def sales_ctx(admin_ctx: Ctx) -> Ctx:
    """The salesperson `ana` on the same store as admin_ctx."""
    return _ctx_for(admin_ctx, "ana")


@pytest.fixture
def sample_url(db_url: str) -> str:
    """The store of `sample_ctx` (tests/unit/conftest.py gives PostgreSQL a ready clone instead)."""
    return db_url


@pytest.fixture(scope="session")
def sqlite_head_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store at the head revision, made once per test worker (migrating a new file takes 0.3 s)."""
    path = tmp_path_factory.mktemp("head-template") / "store.db"
    open_store(f"sqlite:///{path}").dispose()
    _fold_wal(path)
    return path


def _fold_wal(path: Path) -> None:
    """Fold the WAL into the store file, so that a copy of the file alone is whole."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


@pytest.fixture(scope="session")
def sqlite_sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample company built once per test worker; each SQLite `sample_ctx` gets a copy (a build takes seconds)."""
    path = tmp_path_factory.mktemp("sample-template") / "store.db"
    _build_sample(f"sqlite:///{path}").close()
    _fold_wal(path)
    return path


@pytest.fixture
def sample_ctx(sample_url: str, request: pytest.FixtureRequest) -> Iterator[Ctx]:
    """The sample company (main account `boss`, salespeople ana..gus) with 2,000 inquiries.

    On SQLite a copy of one store built per worker, on PostgreSQL a clone of a template database:
    the same rows as building it here, in milliseconds.
    """
    if sample_url.startswith("sqlite"):
        shutil.copy(request.getfixturevalue("sqlite_sample_template"), sample_url.removeprefix("sqlite:///"))
    system = connect_system(sample_url)
    system.clock = fixed_clock
    system.read_engine = make_engine(sample_url, read_only=True)
    yield _ctx_for(system, "boss")
    system.close()


@contextmanager
def store_busy(url: str, table: str) -> Iterator[None]:
    """Another session holding what a write needs: SQLite's write lock, or on PostgreSQL TABLE (EXCLUSIVE mode)."""
    if url.startswith("sqlite"):
        other = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            yield
    finally:
        engine.dispose()


def assert_usual_wait(ctx: Ctx) -> None:
    """A pooled connection waits for a lock as long as usual again (SQLite's busy timeout, PostgreSQL's lock_timeout)."""
    with ctx.engine.connect() as conn:
        if ctx.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        else:
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "10s"


def cli_db(db_url: str) -> str:
    """What a CLI test passes as `--db`: the SQLite file's path, or the PostgreSQL URL."""
    return db_url.removeprefix("sqlite:///")


def store_rows(db: str, sql: str, **params: object) -> list[tuple[Any, ...]]:
    """Rows of SQL (named :params) on the store at DB (a path or URL), for assertions on what a command wrote."""
    from sqlalchemy import text

    from inquiry_tui.config import db_url as url_of

    engine = make_engine(url_of(db))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def store_exec(db: str, sql: str, **params: object) -> None:
    """Run one statement on the store at DB (a path or URL) in its own transaction."""
    from sqlalchemy import text

    from inquiry_tui.config import db_url as url_of

    engine = make_engine(url_of(db))
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


def ctx_as(ctx: Ctx, login: str) -> Ctx:
    """The same store acting as LOGIN (for role tests)."""
    return _ctx_for(ctx, login) if login != "system" else ctx.as_actor(SYSTEM)
