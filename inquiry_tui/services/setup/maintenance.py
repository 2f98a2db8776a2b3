"""Store maintenance behind `db upgrade`, `db backup FILE`, `db restore FILE` and `db copy --to URL`.

The admin's alone (they hold every salesperson's buyers), except restore, which makes a new store.

A backup is one tar archive: `MANIFEST.json` (what it holds), `store.db` (an online,
consistent copy through SQLite's backup API) and `files/ab/abcdef...`, every file of the file
store that the copied store names. It is written under a temporary name, verified (the store's
integrity check, every file's sha256 against its name, every named file present) and only
then renamed to FILE. `restore` unpacks one into a new store, checking the same again.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from inquiry_tui.config import db_url
from inquiry_tui.domain.errors import InquiryError, NotFound, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.blobs import blob_path, files_dir, fsync_dir
from inquiry_tui.services.files.purge import backup_lock
from inquiry_tui.store import health
from inquiry_tui.store.copy import BATCH, Progress, TableCheck, copy_store, refuse_non_empty
from inquiry_tui.store.engine import is_postgres, make_engine
from inquiry_tui.store.migrate import UpgradeResult, backup_sqlite, open_store, sqlite_path, upgrade

if TYPE_CHECKING:
    from inquiry_tui.services.team.warming import Warmed

FORMAT = "inquiry-tui-backup"
VERSION = 1
MANIFEST = "MANIFEST.json"
STORE = "store.db"
FILES = "files"


@dataclass(frozen=True)
class BackupReport:
    store: Path | str  # the store that was backed up (or restored into); a server store by its URL
    file: Path  # the archive
    files: int
    bytes: int  # of the files
    schema: str | None
    archive: bool = True  # False: a pg_dump file (PostgreSQL), not our archive


def upgrade_store(ctx: Ctx) -> UpgradeResult:
    """Bring the store to this version's schema (an older SQLite store is backed up first); admin only."""
    ctx.require_admin("upgrade the store")
    result = upgrade(ctx.url, ctx.engine)
    if result.before != result.after:
        from inquiry_tui.services.team.warming import warm_caches  # the team's caches build on setup

        warm_caches(ctx)  # the first dashboard and recommendations after an upgrade find their caches full
    return result


def warm_store(ctx: Ctx) -> Warmed:
    """`db warm`: fill the dashboard's and the recommendations' caches now; admin only.

    Run nightly (cron), it keeps the day's first dashboard and recommendations from computing
    everything while a person waits, also after days on which nobody opened them (a weekend)."""
    ctx.require_admin("warm the store's caches")
    from inquiry_tui.services.team.warming import warm_caches

    return warm_caches(ctx)


def backup_store(ctx: Ctx, file: Path, progress: Callable[[str, int, int], None] | None = None) -> BackupReport:
    """`db backup FILE` (a new file), admin only: it holds everyone's buyers.

    SQLite: the store and its files in one verified archive. PostgreSQL: `pg_dump --format=custom`
    (a consistent snapshot while others keep working; restore with pg_restore), which must be on
    the PATH; the attachments' folder (INQUIRY_TUI_FILES) is copied by the server's own backups.
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
        if not file.parent.is_dir():
            raise ValidationError(f"{file.parent}: no such folder")
        return _pg_dump(url, file)
    if not path.exists():
        raise NotFound(f"no store at {path}")
    if file.exists():
        raise ValidationError(f"{file} already exists; choose a new file name")
    if not file.parent.is_dir():
        raise ValidationError(f"{file.parent}: no such folder")
    health.require_whole(path)  # a backup of a damaged store would be refused by its own check, later and less clearly
    return write_backup(path, files_dir(url), file, progress)


def write_backup(
    store: Path, root: Path, file: Path, progress: Callable[[str, int, int], None] | None = None
) -> BackupReport:
    """Snapshot STORE, add the files of ROOT it names, verify, then move the archive to FILE (one function to wrap).

    PROGRESS, if given, hears `("files", added, of)` as the attachments go into the archive.
    """
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=file.parent) as work:
        snapshot = backup_sqlite(store, Path(work) / STORE)
        with sqlite3.connect(snapshot) as conn:
            hashes = conn.execute("SELECT sha256, size FROM stored_file ORDER BY sha256").fetchall()
            schema = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        conn.close()
        revision: str | None = schema[0] if schema else None
        total = sum(size for _, size in hashes)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "schema": revision,
            "store": STORE,
            "files": len(hashes),
            "bytes": total,
        }
        partial = Path(work) / "backup.tar"
        # Shared with other backups, exclusive for a purge: every file listed is still there to copy.
        with backup_lock(root, exclusive=False), tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            tar.add(snapshot, STORE)
            for n, (sha, _size) in enumerate(hashes, 1):
                if progress is not None:
                    progress("files", n, len(hashes))
                source = blob_path(root, sha)
                if not source.is_file():
                    raise InquiryError(
                        f"the file {sha[:12]} named by the store is missing from {root}; the backup is not complete "
                        "(nothing was written)"
                    )
                tar.add(source, f"{FILES}/{sha[:2]}/{sha}")
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        verify_backup(partial)
        os.replace(partial, file)
        fsync_dir(file.parent)
    return BackupReport(store, file, len(hashes), total, revision)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _manifest(tar: tarfile.TarFile, file: Path) -> dict[str, object]:
    try:
        member = tar.extractfile(MANIFEST)
    except KeyError:
        raise ValidationError(f"{file} is not an inquiry-tui backup (no {MANIFEST})") from None
    if member is None:
        raise ValidationError(f"{file} is not an inquiry-tui backup ({MANIFEST} is not a file)")
    try:
        manifest = json.loads(member.read())
    except ValueError:
        raise ValidationError(f"{file}: {MANIFEST} is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValidationError(f"{file} is not an inquiry-tui backup")
    return manifest


def _open_archive(file: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(file, "r")
    except (tarfile.TarError, OSError) as exc:
        raise ValidationError(f"{file} is not a readable backup archive ({exc})") from None


def verify_backup(
    file: Path, progress: Callable[[str, int, int], None] | None = None
) -> tuple[dict[str, object], list[str]]:
    """Check an archive: its store is whole, its files match their hashes, every file the store names is in it.

    PROGRESS, if given, hears `("checking the backup", files checked, files in the manifest)`."""
    with _open_archive(file) as tar, tempfile.TemporaryDirectory() as work:
        manifest = _manifest(tar, file)
        listed = manifest.get("files")
        expected = listed if isinstance(listed, int) and listed >= 0 else 0
        hashes: list[str] = []
        store_member = None
        for member in tar:
            if member.name == STORE:
                store_member = member
                continue
            if member.name == MANIFEST:
                continue
            parts = member.name.split("/")
            if len(parts) != 3 or parts[0] != FILES or not member.isfile():
                raise ValidationError(f"{file}: unexpected entry {member.name[:80]!r}")
            sha = parts[2]
            reader = tar.extractfile(member)
            assert reader is not None  # a regular file
            digest = hashlib.sha256()
            while chunk := reader.read(1024 * 1024):
                digest.update(chunk)
            if digest.hexdigest() != sha or parts[1] != sha[:2]:
                raise ValidationError(f"{file}: the file {sha[:12]} does not match its hash; the backup is damaged")
            hashes.append(sha)
            if progress is not None:
                progress("checking the backup", len(hashes), max(expected, len(hashes)))
        if store_member is None:
            raise ValidationError(f"{file}: no {STORE} in the backup")
        tar.extract(store_member, work, filter="data")
        db = sqlite3.connect(Path(work) / STORE)
        try:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise ValidationError(f"{file}: the store in the backup is damaged")
            named = {row[0] for row in db.execute("SELECT sha256 FROM stored_file")}
        finally:
            db.close()
        missing = named - set(hashes)
        if missing:
            raise ValidationError(f"{file}: {len(missing)} files the store names are not in the backup")
    return manifest, hashes


def restore_store(db: str | None, file: Path, progress: Callable[[str, int, int], None] | None = None) -> BackupReport:
    """`db restore FILE`: a verified backup into a new store (the --db path must not exist yet), then upgraded.

    PROGRESS, if given, hears the check (`verify_backup`), then `("restoring files", unpacked, of)`. Stopped
    or failing, it leaves no store at the path: the partial one is removed (files already unpacked into the
    content-addressed file store stay; the next try skips them)."""
    url = db_url(db)
    path = sqlite_path(url)
    if path is None:
        raise ValidationError("restore makes an SQLite store; give --db PATH of a new file")
    if path.exists():
        raise ValidationError(f"{path} exists; restore into a new store path (--db)")
    if not file.is_file():
        raise NotFound(f"{file}: no such file")
    manifest, hashes = verify_backup(file, progress)
    root = files_dir(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.restoring")
    try:
        total = _unpack(file, partial, root, len(hashes), progress)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    fsync_dir(path.parent)
    upgrade(url)
    schema = manifest.get("schema")
    return BackupReport(path, file, len(hashes), total, schema if isinstance(schema, str) else None)


def _unpack(file: Path, partial: Path, root: Path, files: int, progress: Callable[[str, int, int], None] | None) -> int:
    """The archive's store into PARTIAL and its files into ROOT; returns the files' bytes."""
    total = done = 0
    with tarfile.open(file, "r") as tar:
        for member in tar:
            if member.name == STORE:
                reader = tar.extractfile(member)
                assert reader is not None
                with open(partial, "wb") as out:
                    while chunk := reader.read(1024 * 1024):
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
            elif member.name.startswith(FILES + "/"):
                sha = member.name.rsplit("/", 1)[1]
                target = blob_path(root, sha)
                total += member.size
                done += 1
                if progress is not None:
                    progress("restoring files", done, max(files, done))
                if target.is_file() and target.stat().st_size == member.size:
                    continue  # content-addressed: the same bytes are there already
                target.parent.mkdir(parents=True, exist_ok=True)
                reader = tar.extractfile(member)
                assert reader is not None
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".restoring-")
                try:
                    with os.fdopen(fd, "wb") as out:
                        while chunk := reader.read(1024 * 1024):
                            out.write(chunk)
                        out.flush()
                        os.fsync(out.fileno())
                    os.replace(tmp, target)
                except BaseException:  # ctrl+c too: no half-written file beside the whole ones
                    Path(tmp).unlink(missing_ok=True)
                    raise
    return total


def _pg_dump(url: str, file: Path) -> BackupReport:
    tool = shutil.which("pg_dump")
    if tool is None:
        raise ValidationError(
            "backing up a PostgreSQL store needs pg_dump (the PostgreSQL client tools) on the PATH; "
            "or copy the store with `inquiry-tui db copy --to FILE.db`"
        )
    parsed = make_url(url)
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    # Under a temporary name in FILE's folder, renamed at the end: a killed dump leaves nothing at FILE.
    fd, name = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".partial", dir=file.parent)
    os.close(fd)
    partial = Path(name)
    try:
        done = subprocess.run(
            [tool, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={dsn}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines()
            raise InquiryError(f"pg_dump failed: {lines[-1] if lines else done.returncode}")
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, file)
        fsync_dir(file.parent)
    finally:
        partial.unlink(missing_ok=True)
    shown = parsed.render_as_string(hide_password=True)
    return BackupReport(shown, file, 0, file.stat().st_size, None, archive=False)


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
    if path is not None:
        health.require_whole(path)
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
