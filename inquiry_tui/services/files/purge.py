"""`disk purge`: remove from the file store what no message and no disk entry uses, and staged files left by a crash.

Two write transactions under the file store's lock (store.queries.files): the first deletes
the `stored_file` rows nothing names and commits; the second removes every file under a hash
that has no row (the ones just released, and any left unreferenced by a crash), so a file is
never removed while a row names it. Staged files (`tmp/`) older than an hour are a crashed
import's or upload's and go too. A backup in progress holds the folder's lock file shared; the
purge waits for it (`backup_lock`).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from inquiry_tui.services.audit import audit_conn
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.blobs import STAGING, files_dir
from inquiry_tui.store.queries import files as q_files

STAGED_GRACE_SECONDS = 3600
LOCK_FILE = ".lock"
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class PurgeReport:
    rows: int  # stored files no longer used
    files: int  # files removed from the file store
    bytes: int
    staged: int  # leftover staged files removed


@contextmanager
def backup_lock(root: Path, *, exclusive: bool) -> Iterator[None]:
    """The file store's lock file: a backup holds it shared, a purge exclusive, so a backup copies every file it lists."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _stored_files(root: Path) -> Iterator[Path]:
    for folder in root.iterdir() if root.is_dir() else ():
        if len(folder.name) != 2 or not folder.is_dir() or not set(folder.name) <= _HEX:
            continue
        for path in folder.iterdir():
            if len(path.name) == 64 and set(path.name) <= _HEX and path.name.startswith(folder.name):
                yield path


def purge_files(ctx: Ctx) -> PurgeReport:
    ctx.require_admin("purge the file store")
    root = files_dir(ctx.url)
    with backup_lock(root, exclusive=True):
        with ctx.engine.begin() as conn:
            q_files.lock_files(conn, exclusive=True)
            unused = q_files.unused_hashes(conn)
            q_files.delete_rows(conn, unused)
        removed = freed = 0
        with ctx.engine.begin() as conn:
            q_files.lock_files(conn, exclusive=True)
            batch: list[Path] = []
            for path in _stored_files(root):
                batch.append(path)
                if len(batch) >= 500:
                    r, f = _remove_unknown(conn, batch)
                    removed, freed, batch = removed + r, freed + f, []
            r, f = _remove_unknown(conn, batch)
            removed, freed = removed + r, freed + f
            staged = 0
            cutoff = time.time() - STAGED_GRACE_SECONDS
            for path in (root / STAGING).iterdir() if (root / STAGING).is_dir() else ():
                try:
                    if path.stat().st_mtime < cutoff:
                        path.unlink()
                        staged += 1
                except FileNotFoundError:
                    continue
            report = PurgeReport(len(unused), removed, freed, staged)
            audit_conn(
                conn,
                at=ctx.now(),
                actor=ctx.actor.login,
                action="files_purge",
                entity="stored_file",
                after=report.__dict__,
            )
    return report


def drop_unreferenced(ctx: Ctx, paths: list[Path]) -> int:
    """Remove PATHS, files a failed transaction moved into the file store (blobs.noting_placed), that no row names.

    After the rollback, under the purge's locks: a file another session has committed meanwhile stays."""
    if not paths:
        return 0
    root = paths[0].parent.parent
    with backup_lock(root, exclusive=True), ctx.engine.begin() as conn:
        q_files.lock_files(conn, exclusive=True)
        removed, _ = _remove_unknown(conn, list(dict.fromkeys(paths)))
    return removed


def _remove_unknown(conn: Connection, paths: list[Path]) -> tuple[int, int]:
    known = q_files.known_hashes(conn, [p.name for p in paths])
    removed = freed = 0
    for path in paths:
        if path.name in known:
            continue
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            continue
        removed += 1
        freed += size
    return removed, freed
