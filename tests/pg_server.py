"""A throw-away PostgreSQL server for the tests: initdb and pg_ctl into a temporary folder, a Unix socket, no network.

The binaries are found with `pg_config --bindir`, else under /usr/lib/postgresql/*/bin. PostgreSQL
refuses to run as root, so as root (CI) they run as the unprivileged `postgres` OS user the
server package creates (`runuser`). Where no binaries are found the PostgreSQL half of the suite
is skipped with the reason, unless INQUIRY_TUI_REQUIRE_PG=1 (set by .ci/run), which makes that
a failure instead.

One cluster per test session (per xdist worker); databases are cloned from migrated templates
(`CREATE DATABASE ... TEMPLATE`), which takes a few tens of milliseconds.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

REQUIRE_ENV = "INQUIRY_TUI_REQUIRE_PG"
SUPERUSER = "postgres"


class Unavailable(RuntimeError):
    """No PostgreSQL server can be started here (the reason is the message)."""


def find_bindir() -> Path:
    """The folder of initdb and pg_ctl."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if found and (Path(found) / "initdb").exists():
            return Path(found)
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    if candidates:
        return candidates[0].parent
    found_initdb = shutil.which("initdb")
    if found_initdb:
        return Path(found_initdb).parent
    raise Unavailable("no PostgreSQL binaries (initdb, pg_ctl): install the postgresql package")


def _as_server_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise Unavailable("running as root without runuser: cannot start PostgreSQL as an unprivileged user")
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        raise Unavailable("running as root and there is no `postgres` OS user to run the server as") from None
    return [runuser, "-u", "postgres", "--"]


@dataclass
class Cluster:
    """A running server: its folder (socket inside), and a counter for fresh database names."""

    root: Path
    bindir: Path
    prefix: list[str]
    _names: count[int] = field(default_factory=lambda: count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ready: dict[str, queue.Queue[str]] = field(default_factory=dict)
    _work: queue.Queue[tuple[str, str] | None] = field(default_factory=queue.Queue)
    _worker: threading.Thread | None = None

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE / DROP DATABASE)."""
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), user=SUPERUSER, dbname=database, autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]  # our own DDL, built from safe names

    def new_name(self, stem: str = "t") -> str:
        with self._lock:
            return f"{stem}_{os.getpid()}_{next(self._names)}"

    def create(self, template: str | None = None, stem: str = "t") -> str:
        """A new database (a copy of TEMPLATE, or empty); its name."""
        name = self.new_name(stem)
        self.sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else " TEMPLATE template0"))
        return name

    def drop(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # Clones ahead and drops behind, in a background thread: a test waits for neither.
    def take(self, template: str) -> str:
        """A fresh clone of TEMPLATE (made ahead of time), and the next one ordered."""
        self._start_worker()
        ready = self._ready.setdefault(template, queue.Queue())
        if ready.empty():
            self._work.put(("clone", template))
        name = ready.get(timeout=120)
        self._work.put(("clone", template))
        return name

    def give_back(self, name: str) -> None:
        """Drop NAME later (the background thread)."""
        self._start_worker()
        self._work.put(("drop", name))

    def _start_worker(self) -> None:
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="pg-clones", daemon=True)
                self._worker.start()

    def _run(self) -> None:
        while (job := self._work.get()) is not None:
            kind, name = job
            try:
                if kind == "clone":
                    self._ready.setdefault(name, queue.Queue()).put(self.create(name))
                else:
                    self.drop(name)
            except Exception:  # a dropped server at the end of the session: nothing left to do
                continue

    def stop(self) -> None:
        self._work.put(None)
        subprocess.run(
            [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> Cluster:
    """initdb + pg_ctl start into a new temporary folder; the server listens on a Unix socket only."""
    bindir = find_bindir()
    prefix = _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="inquiry-tui-pg-"))
    if prefix:
        shutil.chown(root, user="postgres")
    data = root / "data"
    # C.UTF-8: a UTF-8 locale, so that case folding in full-text search covers every script.
    init = subprocess.run(
        [
            *prefix,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise Unavailable(f"initdb failed: {init.stderr.strip().splitlines()[-1:] or init.returncode}")
    options = (
        f"-k {root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        "-c max_connections=200 -c shared_buffers=64MB"
    )
    run = subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else run.stderr
        shutil.rmtree(root, ignore_errors=True)
        raise Unavailable(f"pg_ctl start failed: {log.strip().splitlines()[-1:]}")
    return Cluster(root, bindir, prefix)


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")
