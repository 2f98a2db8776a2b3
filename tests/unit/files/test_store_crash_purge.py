"""The file store under a crash (kill -9 in a child process mid-write) and its purge."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import blobs, disk
from inquiry_tui.services.files.attachments import attach
from inquiry_tui.services.files.purge import STAGED_GRACE_SECONDS, purge_files
from inquiry_tui.services.inbox.triage import purge_deleted
from tests.unit.files.helpers import PDF, inquiry_with_message, rows, stored

CHILD = """
import os, sys
from datetime import UTC, datetime
from inquiry_tui.services.context import connect_system
from inquiry_tui.services.files import blobs

ctx = connect_system(sys.argv[1])
root = blobs.files_dir(ctx.url)
pause_at = sys.argv[2]
real_replace = os.replace

def slow_replace(src, dst):
    if pause_at == "rename":
        print("READY", flush=True)
        import time
        time.sleep(60)
    return real_replace(src, dst)

os.replace = slow_replace
if pause_at == "batch":  # an import's path: staged without fsync, committed together; killed at the 2nd rename
    calls = []

    def replace_then_pause(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            print("READY", flush=True)
            import time
            time.sleep(60)
        return real_replace(src, dst)

    os.replace = replace_then_pause
    with ctx.engine.begin() as conn:
        staged = [blobs.stage_bytes(root, b"%PDF-1.4 " + os.urandom(500_000), sync=False) for _ in range(3)]
        blobs.commit_many(conn, root, staged, at=datetime.now(UTC))
    raise SystemExit(1)
with ctx.engine.begin() as conn:
    staged = blobs.stage_bytes(root, b"%PDF-1.4 " + os.urandom(2_000_000))
    if pause_at == "commit":
        blobs.commit(conn, root, staged, at=datetime.now(UTC))
        print("READY", flush=True)
        import time
        time.sleep(60)
    blobs.commit(conn, root, staged, at=datetime.now(UTC))
"""


def _kill_child_at(db_url: str, where: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, db_url, where],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "READY"
    child.send_signal(signal.SIGKILL)
    child.wait()


def test_kill_9_before_the_rename_leaves_no_row_and_no_file_under_a_hash(admin_ctx: Ctx, tmp_path: Path) -> None:
    _kill_child_at(admin_ctx.url, "rename")
    root = blobs.files_dir(admin_ctx.url)
    assert rows(admin_ctx)["StoredFile"] == 0
    assert stored(root) == []  # no half file under a hash
    assert len(list((root / "tmp").iterdir())) == 1  # the staged copy, whole or not, stays in staging


def test_kill_9_after_the_rename_before_commit_leaves_no_row_and_purge_cleans(admin_ctx: Ctx) -> None:
    _kill_child_at(admin_ctx.url, "commit")
    root = blobs.files_dir(admin_ctx.url)
    assert rows(admin_ctx)["StoredFile"] == 0  # the transaction never committed
    [orphan] = stored(root)  # the file is whole under its hash, and nothing names it
    assert blobs.sniff(orphan.read_bytes()) == "application/pdf"
    report = purge_files(admin_ctx)
    assert (report.rows, report.files) == (0, 1)
    assert stored(root) == []


@pytest.mark.sqlite_only  # a child process costs seconds; the engine only takes the lock, tested on both above
def test_kill_9_in_a_batch_commit_leaves_no_row_and_only_whole_files(admin_ctx: Ctx) -> None:
    _kill_child_at(admin_ctx.url, "batch")
    root = blobs.files_dir(admin_ctx.url)
    assert rows(admin_ctx)["StoredFile"] == 0  # the transaction never committed
    [placed] = stored(root)  # the first file is whole under its hash; the others are still staged
    assert hashlib.sha256(placed.read_bytes()).hexdigest() == placed.name
    assert len(list((root / "tmp").iterdir())) == 2
    assert purge_files(admin_ctx).files == 1
    assert stored(root) == []


def test_a_batch_commit_syncs_content_before_names_and_names_before_the_commit(
    admin_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = blobs.files_dir(admin_ctx.url)
    staged = [blobs.stage_bytes(root, b"%PDF-1.4 " + bytes([n]) * 1000, sync=False) for n in range(3)]
    again = blobs.stage_bytes(root, b"%PDF-1.4 " + bytes([0]) * 1000, sync=False)  # the same content twice
    events: list[tuple[str, str]] = []
    monkeypatch.setattr(blobs, "fsync_path", lambda path: events.append(("sync", path.name)))
    monkeypatch.setattr(blobs, "fsync_dir", lambda folder: events.append(("sync folder", folder.name)))
    real_replace = os.replace
    monkeypatch.setattr(
        blobs.os, "replace", lambda src, dst: (events.append(("rename", Path(src).name)), real_replace(src, dst))
    )
    with admin_ctx.engine.begin() as conn:
        infos = blobs.commit_many(conn, root, [*staged, again], at=admin_ctx.now())
        assert rows(admin_ctx)["StoredFile"] == 0  # not visible before the commit
    assert [i.sha256 for i in infos] == [s.info.sha256 for s in [*staged, again]]
    assert rows(admin_ctx)["StoredFile"] == 3 and len(stored(root)) == 3 and not again.path.exists()
    kinds = [kind for kind, _ in events]
    renamed = [name for kind, name in events if kind == "rename"]
    assert sorted(renamed) == sorted(s.path.name for s in staged)
    for name in renamed:  # each file's content is synced before its name appears under the hash
        assert events.index(("sync", name)) < events.index(("rename", name))
    last_rename = max(i for i, kind in enumerate(kinds) if kind == "rename")
    folders = {blobs.blob_path(root, s.info.sha256).parent.name for s in staged}
    synced = {name for kind, name in events[last_rename:] if kind == "sync folder"}
    assert folders <= synced  # every folder that got a name, once, after the renames, before the commit
    assert kinds.count("sync folder") == len(folders) + 1  # and the store's folder for the new fan-out folders


def test_a_batch_commit_syncs_only_what_was_not_synced_when_staged(
    admin_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    # import maildir's workers stage with sync=True: the writer then only renames (the content is on disk).
    root = blobs.files_dir(admin_ctx.url)
    real_sync = blobs.fsync_path
    synced_at_stage = blobs.stage_bytes(root, b"%PDF-1.4 synced")
    flushed_only = blobs.stage_bytes(root, b"%PDF-1.4 flushed", sync=False)
    assert (synced_at_stage.synced, flushed_only.synced) == (True, False)
    events: list[str] = []
    monkeypatch.setattr(blobs, "fsync_path", lambda path: (events.append(path.name), real_sync(path)))
    with admin_ctx.engine.begin() as conn:
        blobs.commit_many(conn, root, [synced_at_stage, flushed_only], at=admin_ctx.now())
    assert events == [flushed_only.path.name]
    assert len(stored(root)) == 2


def test_purge_keeps_what_messages_and_the_disk_use(admin_ctx: Ctx, tmp_path: Path) -> None:
    inquiry_id, message = inquiry_with_message(admin_ctx)
    source = tmp_path / "catalogue.pdf"
    source.write_bytes(PDF)
    entry = disk.add_file(admin_ctx, source, "Catalogues")
    with admin_ctx.write() as session:
        attach(session, admin_ctx.url, message, "drawing.pdf", b"%PDF-1.4 drawing", at=admin_ctx.now())
    root = blobs.files_dir(admin_ctx.url)
    old = root / "tmp" / "incoming-crashed"
    old.write_bytes(b"half")
    os.utime(old, (time.time() - STAGED_GRACE_SECONDS - 10,) * 2)
    fresh = root / "tmp" / "incoming-running"
    fresh.write_bytes(b"an upload in progress")
    report = purge_files(admin_ctx)
    assert (report.rows, report.files, report.staged) == (0, 0, 1)
    assert len(stored(root)) == 2 and fresh.exists() and not old.exists()
    # The disk entry emptied from the trash: its file goes with the next purge; the attachment's stays.
    disk.delete_file(admin_ctx, entry.id)
    assert purge_files(admin_ctx).files == 0  # in the trash it still counts
    disk.empty_trash(admin_ctx)
    report = purge_files(admin_ctx)
    assert (report.rows, report.files, report.bytes) == (1, 1, len(PDF))
    assert len(stored(root)) == 1
    # An inquiry purged with its messages releases its attachments too.
    with admin_ctx.write() as session:
        from sqlalchemy import text

        session.execute(text("DELETE FROM attachment"))
    assert purge_files(admin_ctx).files == 1
    assert stored(root) == []
    assert purge_deleted(admin_ctx).purged == 0  # (the inbox's own purge is unaffected)
    _ = inquiry_id
