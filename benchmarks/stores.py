"""Where a benchmark's store lives: a SQLite file under --out, or a database on the PostgreSQL server `--db` names.

`--db URL` gives a server and a base database name, e.g.
`postgresql+psycopg://postgres@/bench?host=/tmp/pg`; each store is then the database
`<name>_<stem>_<n>` on that server (`bench_inbox_1000000`), created when missing (the user
needs CREATEDB) and reused when it already holds inquiries, as the SQLite files are.
"""

from __future__ import annotations

import getpass
import os
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]  # the repository


def load() -> str:
    """The load average, as the scripts print it beside their figures."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} {five:.1f} {fifteen:.1f}"


def baseline_code(ref: str, out: Path) -> Path:
    """Git REF's tree, unpacked once into OUT (git archive: nothing is written to this checkout's git)."""
    sha = subprocess.run(["git", "rev-parse", ref], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    code = out / f"code-{sha[:12]}"
    if not (code / "inquiry_tui").is_dir():
        code.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
    return code


def store_url(base: str | None, out: Path, stem: str, n: int) -> str:
    """The --db value of the store for size N: a file path (SQLite) or a URL (PostgreSQL)."""
    if not base:
        return str(out / f"{stem}-{n}.db")
    url = make_url(base)
    return url.set(database=f"{url.database or 'bench'}_{stem}_{n}").render_as_string(hide_password=False)


def admin_login_for(db: str, login: str) -> str:
    """The main account's login for a new store: LOGIN on SQLite; on a server the OS user running the benchmark.

    A server store is always shared, so the account is the OS user and INQUIRY_TUI_LOGIN is
    refused there (docs/domain.md, "Who is who").
    """
    return login if "://" not in db else getpass.getuser()


def acting_env(db: str, login: str) -> dict[str, str]:
    """The environment of a child process acting as LOGIN on the store (INQUIRY_TUI_LOGIN on SQLite only)."""
    env = {k: v for k, v in os.environ.items() if k != "INQUIRY_TUI_LOGIN"}
    if "://" not in db:
        env["INQUIRY_TUI_LOGIN"] = login
    return env


def engine_name(db: str) -> str:
    return make_url(db).get_backend_name() if "://" in db else "sqlite"


def exists(db: str) -> bool:
    """Whether the store is there and holds inquiries."""
    if "://" not in db:
        return Path(db).exists()
    from inquiry_tui.store.engine import make_engine

    if not _database_exists(db):
        return False
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT to_regclass('inquiry') IS NOT NULL")).scalar()
            return bool(found) and bool(conn.execute(text("SELECT EXISTS (SELECT 1 FROM inquiry)")).scalar())
    finally:
        engine.dispose()


def fresh(db: str) -> None:
    """Make the store empty: delete the SQLite file, or drop and create the database."""
    if "://" not in db:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return
    name = make_url(db).database
    with _server(db) as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))


def ensure_database(db: str) -> None:
    """Create the (empty) database of a server store when it is missing."""
    if "://" in db and not _database_exists(db):
        with _server(db) as conn:
            conn.execute(text(f'CREATE DATABASE "{make_url(db).database}"'))


def _database_exists(db: str) -> bool:
    with _server(db) as conn:
        return bool(
            conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": make_url(db).database}).scalar()
        )


class _server:
    """An autocommit connection to the server's maintenance database (CREATE / DROP DATABASE)."""

    def __init__(self, db: str) -> None:
        url = make_url(db).set(database="postgres")
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.conn = self.engine.connect()
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()
        self.engine.dispose()
