"""The store, service and CLI tests run on both engines: `db_url` is a new SQLite file or a fresh PostgreSQL database.

A migration test starts from `empty_url` (an empty store on either engine: on PostgreSQL
`db_url` is a clone already at head). A test about SQLite itself (pragmas, the backup API,
FTS5's own tables) asks for `sqlite_url` instead, or carries `@pytest.mark.sqlite_only`,
which keeps only its SQLite run. A test that asks for `pg_url` runs on PostgreSQL only. The PostgreSQL runs carry the `postgres` mark
(`-m "not postgres"` runs the SQLite half alone).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import pg_database

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(engine_name: str, tmp_path, request: pytest.FixtureRequest) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if engine_name == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        _server_files(request, tmp_path)
        yield from pg_database(request)


@pytest.fixture
def sample_url(engine_name: str, tmp_path, request: pytest.FixtureRequest) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if engine_name == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        _server_files(request, tmp_path)
        yield from pg_database(request, sample=True)


def _server_files(request: pytest.FixtureRequest, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A server store keeps its files in the folder INQUIRY_TUI_FILES names (shared by its users)."""
    request.getfixturevalue("monkeypatch").setenv(
        "INQUIRY_TUI_FILES", str(tmp_path / "store.files")
    )  # where SQLite keeps them


@pytest.fixture
def empty_url(engine_name: str, sqlite_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty store on either engine: a new SQLite file, or a PostgreSQL database with no schema at all.

    For migration tests (`upgrade(empty_url, revision=...)`): `db_url` on PostgreSQL is already at head.
    """
    if engine_name == "sqlite":
        yield sqlite_url
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.create()
    try:
        yield cluster.url(name)
    finally:
        cluster.drop(name)


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL database at the head revision (PostgreSQL-only tests)."""
    yield from pg_database(request)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep only the SQLite run of tests marked sqlite_only, and of `db_url` tests in migration test modules."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        engine = callspec.params.get("engine_name") if callspec is not None else None
        if engine == "postgresql" and (
            item.get_closest_marker("sqlite_only") is not None or _sqlite_migration_test(item)
        ):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _sqlite_migration_test(item: pytest.Item) -> bool:
    """A test in a migration test module (`*migration*.py`) that takes `db_url` rather than `empty_url`.

    Such a test moves a store between revisions (`upgrade(db_url, revision=...)`) and reads it back
    with SQLite's own tools; on PostgreSQL `db_url` is already at head, so only its SQLite run
    means anything. Every migration still runs on PostgreSQL, with data, in
    tests/unit/store/test_migrations.py; a migration test meant for both engines takes `empty_url`.
    """
    fixtures = getattr(item, "fixturenames", ())
    return "migration" in item.path.name and "db_url" in fixtures and "empty_url" not in fixtures
