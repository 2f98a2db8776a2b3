"""Store maintenance behind `db upgrade`, `db backup FILE` and `db copy --to URL`: the admin's alone."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from inquiry_tui.config import db_url
from inquiry_tui.domain.errors import InquiryError, NotFound, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.blobs import blob_path, files_dir
from inquiry_tui.store.copy import BATCH, Progress, TableCheck, copy_store, refuse_non_empty
from inquiry_tui.store.engine import is_postgres, make_engine
from inquiry_tui.store.migrate import UpgradeResult, backup_sqlite, open_store, sqlite_path, upgrade


def upgrade_store(ctx: Ctx) -> UpgradeResult:
    """Bring the store to this version's schema (an older SQLite store is backed up first); admin only."""
    ctx.require_admin("upgrade the store")
    return upgrade(ctx.url, ctx.engine)


def backup_store(ctx: Ctx, file: Path) -> str:
    """Copy the store online to FILE (a new file); returns what was backed up. Admin only: it holds everyone's buyers.

    SQLite: the online backup API. PostgreSQL: `pg_dump --format=custom` (a consistent snapshot
    while others keep working; restore with pg_restore), which must be on the PATH.
    """
    ctx.require_admin("back up the store (it holds every salesperson's buyers)")
    ctx.require_local_files("writing a backup")
    url = ctx.url
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


def copy_store_to(ctx: Ctx, to: str, progress: Progress, *, batch: int = BATCH) -> CopyResult:
    """Copy the store into the empty store at TO (a path or URL), then verify every table. Admin only.

    The target's schema is made by the migrations first (a new SQLite file, or an empty
    PostgreSQL database); a target that already holds rows is refused before anything is written.
    """
    ctx.require_admin("copy the store (it holds every salesperson's buyers)")
    ctx.require_local_files("writing a copy")
    source_url, target_url = ctx.url, db_url(to)
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
        files = _files_to_copy(source, source_url, target_url)
        checks = copy_store(source, target, progress, batch=batch)
    finally:
        source.dispose()
        target.dispose()
    if files is not None:
        _copy_files(*files, progress)
    bad = [c for c in checks if not c.ok]
    if bad:
        names = ", ".join(c.table for c in bad)
        raise InquiryError(f"the copy does not match the source in {names}; the target is not to be used")
    return CopyResult(source_url, target_url, tuple(checks))


def _files_to_copy(source: Engine, source_url: str, target_url: str) -> tuple[list[str], Path, Path] | None:
    """The attachments' files to bring along (sha256s, from folder, to folder), or None when there are none.

    Checked before any row is written: a server store without INQUIRY_TUI_FILES has nowhere to keep them.
    """
    with source.connect() as conn:
        shas = [str(s) for s in conn.execute(text("SELECT sha256 FROM stored_file ORDER BY sha256")).scalars()]
        conn.rollback()
    if not shas:
        return None
    src, dst = files_dir(source_url), files_dir(target_url)  # a target without a folder: one-line error
    return (shas, src, dst) if src.resolve() != dst.resolve() else None


def _copy_files(shas: list[str], src: Path, dst: Path, progress: Progress) -> None:
    """Each stored file into the target's file store (content-addressed: an existing one is kept)."""
    for n, sha in enumerate(shas, 1):
        origin, target = blob_path(src, sha), blob_path(dst, sha)
        if origin.is_file() and not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)
        if n == len(shas) or n % 1000 == 0:
            progress("files", n, len(shas))


@dataclass(frozen=True)
class CopyResult:
    source: str
    target: str
    checks: tuple[TableCheck, ...]

    @property
    def rows(self) -> int:
        return sum(c.target_rows for c in self.checks)
