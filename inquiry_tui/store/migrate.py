"""Open a store at the app's schema: create, or back up online then upgrade, or refuse if newer."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.filenames import user_path
from inquiry_tui.store import health
from inquiry_tui.store.sqlite_conn import backend, plain_database

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

# SQLAlchemy and the engines (store/engine.py) are imported where an engine is made or read: opening
# an up-to-date SQLite store reads its revision on a plain sqlite3 connection (`revision_of`).

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision shipped (a test checks it against the scripts). Opening an up-to-date
# store compares against this constant, so Alembic is imported only when there is work to do.
HEAD = "0018_buyer_threads_covered"


class StoreTooNew(InquiryError):
    """The store was upgraded by a newer inquiry-tui than this one."""


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str
    backup: Path | None


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The head according to the migration scripts themselves."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy.exc import DBAPIError

    dbapi_error = engine.dialect.loaded_dbapi.Error
    try:
        raw = engine.raw_connection()  # outside a transaction: a plain read, no write lock
    except dbapi_error as exc:  # a server that cannot be reached: SQLAlchemy's error, as from any other call
        raise DBAPIError.instance(None, None, exc, dbapi_error) from None
    try:
        return revision_of(raw)
    finally:
        raw.close()


def revision_of(dbapi_connection: Any) -> str | None:
    """The store's schema revision read on a DBAPI connection (None: no store in it yet)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT version_num FROM alembic_version")
    except Exception as exc:  # the driver's own error type: sqlite3, psycopg, ...
        if "alembic_version" in str(exc):  # no such table yet: an empty store
            return None
        raise
    row = cursor.fetchone()
    return row[0] if row else None


def sqlite_path(url: str) -> Path | None:
    if backend(url) != "sqlite":
        return None
    database = plain_database(url)
    if database is None:  # any other form of SQLite URL: as SQLAlchemy reads it
        from sqlalchemy.engine import make_url

        database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return user_path(database)


def backup_sqlite(source: Path, target: Path) -> Path:
    """An online, consistent copy through the SQLite backup API (safe while others write)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source), timeout=10)
    dst = sqlite3.connect(str(target))
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def upgrade(url: str, engine: Engine | None = None, *, revision: str = "head") -> UpgradeResult:
    """Bring the store to `revision`; an existing older SQLite store is backed up first."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from inquiry_tui.store.engine import make_engine

    own = engine is None
    engine = engine or make_engine(url)
    try:
        before = current_revision(engine)
        script = ScriptDirectory.from_config(alembic_config(url))
        known = {rev.revision for rev in script.walk_revisions()}
        if before is not None and before not in known:
            raise StoreTooNew(
                f"this store is at schema {before}, newer than this inquiry-tui knows "
                f"(up to {script.get_current_head()}); upgrade inquiry-tui to open it"
            )
        target = script.get_current_head() if revision == "head" else revision
        assert target is not None  # the package ships its migrations: there is a head
        backup = None
        path = sqlite_path(url)
        if before is not None and before != target and path is not None:
            health.require_whole(path)  # never upgrade (nor copy) a damaged store
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            backup = backup_sqlite(path, path.with_name(f"{path.stem}.before-{target}-{stamp}{path.suffix or '.db'}"))
        if before != target:
            cfg = alembic_config(url)
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
        return UpgradeResult(before, target, backup)
    finally:
        if own:
            engine.dispose()


def open_store(url: str, *, read_only: bool = False) -> Engine:
    """An engine on a store at the app's schema (upgrading it first if it is older)."""
    from inquiry_tui.store.engine import make_engine

    engine = make_engine(url)
    if current_revision(engine) != HEAD:
        upgrade(url, engine)
    if read_only:
        engine.dispose()
        return make_engine(url, read_only=True)
    return engine
