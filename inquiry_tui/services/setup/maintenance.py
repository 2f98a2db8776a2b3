"""Store maintenance behind `db upgrade`, `db backup FILE` and `db copy --to URL`."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from inquiry_tui.config import db_url
from inquiry_tui.domain.errors import InquiryError, NotFound, ValidationError
from inquiry_tui.store.copy import BATCH, Progress, TableCheck, copy_store, refuse_non_empty
from inquiry_tui.store.engine import is_postgres, make_engine
from inquiry_tui.store.migrate import UpgradeResult, backup_sqlite, open_store, sqlite_path, upgrade


def upgrade_store(db: str | None) -> UpgradeResult:
    """Bring the store to this version's schema (an older SQLite store is backed up first)."""
    return upgrade(db_url(db))


def backup_store(db: str | None, file: Path) -> str:
    """Copy the store online to FILE (a new file); returns what was backed up.

    SQLite: the online backup API. PostgreSQL: `pg_dump --format=custom` (a consistent snapshot
    while others keep working; restore with pg_restore), which must be on the PATH.
    """
    url = db_url(db)
    path = sqlite_path(url)
    if path is None:
        if not is_postgres(url):
            raise ValidationError("backup works on SQLite and PostgreSQL stores")
        if file.exists():
            raise ValidationError(f"{file} already exists; choose a new file name")
        return _pg_dump(url, file)
    if not path.exists():
        raise NotFound(f"no store at {path}")
    if file.exists():
        raise ValidationError(f"{file} already exists; choose a new file name")
    backup_sqlite(path, file)
    return str(path)


def _pg_dump(url: str, file: Path) -> str:
    tool = shutil.which("pg_dump")
    if tool is None:
        raise ValidationError(
            "backing up a PostgreSQL store needs pg_dump (the PostgreSQL client tools) on the PATH; "
            "or copy the store with `inquiry-tui db copy --to FILE.db`"
        )
    parsed = make_url(url)
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        [tool, "--format=custom", "--no-owner", f"--file={file}", f"--dbname={dsn}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        file.unlink(missing_ok=True)
        lines = done.stderr.strip().splitlines()
        raise InquiryError(f"pg_dump failed: {lines[-1] if lines else done.returncode}")
    return str(parsed.render_as_string(hide_password=True))


def copy_store_to(db: str | None, to: str, progress: Progress, *, batch: int = BATCH) -> CopyResult:
    """Copy the store (`--db`) into the empty store at TO (a path or URL), then verify every table.

    The target's schema is made by the migrations first (a new SQLite file, or an empty
    PostgreSQL database); a target that already holds rows is refused before anything is written.
    """
    source_url, target_url = db_url(db), db_url(to)
    if source_url == target_url:
        raise ValidationError("--to names the store being copied; give another database or file")
    path = sqlite_path(source_url)
    if path is not None and not path.exists():
        raise NotFound(f"no store at {path}")
    probe = make_engine(target_url)  # refuse a full target before its schema is touched
    try:
        refuse_non_empty(probe)
    finally:
        probe.dispose()
    source = open_store(source_url, read_only=True)
    target = open_store(target_url)
    try:
        checks = copy_store(source, target, progress, batch=batch)
    finally:
        source.dispose()
        target.dispose()
    bad = [c for c in checks if not c.ok]
    if bad:
        names = ", ".join(c.table for c in bad)
        raise InquiryError(f"the copy does not match the source in {names}; the target is not to be used")
    return CopyResult(source_url, target_url, tuple(checks))


@dataclass(frozen=True)
class CopyResult:
    source: str
    target: str
    checks: tuple[TableCheck, ...]

    @property
    def rows(self) -> int:
        return sum(c.target_rows for c in self.checks)
