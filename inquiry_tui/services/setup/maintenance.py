"""Store maintenance behind `db upgrade`, `db backup FILE` and `db restore FILE`.

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
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from inquiry_tui.config import db_url
from inquiry_tui.domain.errors import InquiryError, NotFound, ValidationError
from inquiry_tui.services.files.blobs import blob_path, files_dir, fsync_dir
from inquiry_tui.services.files.purge import backup_lock
from inquiry_tui.store.migrate import UpgradeResult, backup_sqlite, sqlite_path, upgrade

FORMAT = "inquiry-tui-backup"
VERSION = 1
MANIFEST = "MANIFEST.json"
STORE = "store.db"
FILES = "files"


@dataclass(frozen=True)
class BackupReport:
    store: Path  # the store that was backed up (or restored into)
    file: Path  # the archive
    files: int
    bytes: int  # of the files
    schema: str | None


def upgrade_store(db: str | None) -> UpgradeResult:
    """Bring the store to this version's schema (an older SQLite store is backed up first)."""
    return upgrade(db_url(db))


def backup_store(db: str | None, file: Path) -> BackupReport:
    """`db backup FILE`: the store and its files into one verified archive (a new file)."""
    url = db_url(db)
    path = sqlite_path(url)
    if path is None:
        raise ValidationError(
            "backup works on SQLite stores; use pg_dump and a copy of INQUIRY_TUI_FILES for PostgreSQL"
        )
    if not path.exists():
        raise NotFound(f"no store at {path}")
    if file.exists():
        raise ValidationError(f"{file} already exists; choose a new file name")
    if not file.parent.is_dir():
        raise ValidationError(f"{file.parent}: no such folder")
    return write_backup(path, files_dir(url), file)


def write_backup(store: Path, root: Path, file: Path) -> BackupReport:
    """Snapshot STORE, add the files of ROOT it names, verify, then move the archive to FILE (one function to wrap)."""
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
            for sha, _size in hashes:
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


def verify_backup(file: Path) -> tuple[dict[str, object], list[str]]:
    """Check an archive: its store is whole, its files match their hashes, every file the store names is in it."""
    with _open_archive(file) as tar, tempfile.TemporaryDirectory() as work:
        manifest = _manifest(tar, file)
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


def restore_store(db: str | None, file: Path) -> BackupReport:
    """`db restore FILE`: a verified backup into a new store (the --db path must not exist yet), then upgraded."""
    url = db_url(db)
    path = sqlite_path(url)
    if path is None:
        raise ValidationError("restore makes an SQLite store; give --db PATH of a new file")
    if path.exists():
        raise ValidationError(f"{path} exists; restore into a new store path (--db)")
    if not file.is_file():
        raise NotFound(f"{file}: no such file")
    manifest, hashes = verify_backup(file)
    root = files_dir(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.restoring")
    total = 0
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
                if target.is_file() and target.stat().st_size == member.size:
                    continue  # content-addressed: the same bytes are there already
                target.parent.mkdir(parents=True, exist_ok=True)
                reader = tar.extractfile(member)
                assert reader is not None
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".restoring-")
                with os.fdopen(fd, "wb") as out:
                    while chunk := reader.read(1024 * 1024):
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, target)
    os.replace(partial, path)
    fsync_dir(path.parent)
    upgrade(url)
    schema = manifest.get("schema")
    return BackupReport(path, file, len(hashes), total, schema if isinstance(schema, str) else None)
