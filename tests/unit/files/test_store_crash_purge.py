"""The file store under a crash (kill -9 in a child process mid-write) and its purge."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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
