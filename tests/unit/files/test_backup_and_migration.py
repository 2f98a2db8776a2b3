"""Backups carry the store and its files (verified, restored whole); a store at 0004 upgrades with its attachments."""

from __future__ import annotations

import sqlite3
import tarfile
from pathlib import Path

import pytest

from inquiry_tui.domain.errors import InquiryError, ValidationError
from inquiry_tui.services.context import Ctx, connect_system
from inquiry_tui.services.files import blobs, disk
from inquiry_tui.services.files.attachments import attach, list_attachments
from inquiry_tui.services.setup.maintenance import backup_store, restore_store, verify_backup
from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.migrate import HEAD, current_revision, upgrade
from tests.unit.files.helpers import PDF, inquiry_with_message, stored


def test_backup_restore_round_trip_with_files(admin_ctx: Ctx, tmp_path: Path) -> None:
    inquiry_id, message = inquiry_with_message(admin_ctx)
    with admin_ctx.write() as session:
        attach(session, admin_ctx.url, message, "drawing.pdf", PDF, at=admin_ctx.now())
    source = tmp_path / "photo.png"
    source.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\1" * 64)
    disk.add_file(admin_ctx, source, "Photos")
    archive = tmp_path / "backup.tar"
    heard: list[tuple[str, int, int]] = []
    report = backup_store(admin_ctx, archive, lambda *step: heard.append(step))
    assert (report.files, report.bytes, report.schema) == (2, len(PDF) + 72, HEAD)
    assert heard == [("files", 1, 2), ("files", 2, 2)]  # the progress bar's reports (issue 13, item 11)
    with tarfile.open(archive) as tar:
        names = sorted(tar.getnames())
    assert names[:1] == ["MANIFEST.json"] and "store.db" in names and len(names) == 4

    target = tmp_path / "restored" / "copy.db"
    restored = restore_store(str(target), archive)
    assert restored.files == 2
    ctx = connect_system(str(target))
    ctx.actor = admin_ctx.actor
    try:
        [a] = list_attachments(ctx, inquiry_id)
        assert blobs.read(ctx, a.sha256) == PDF
        assert [e.name for e in disk.list_disk(ctx)] == ["photo.png"]
        assert len(stored(blobs.files_dir(ctx.url))) == 2
    finally:
        ctx.close()
    with pytest.raises(ValidationError, match="exists"):
        restore_store(str(target), archive)
    with pytest.raises(ValidationError, match="already exists"):
        backup_store(admin_ctx, archive)


def test_a_damaged_or_incomplete_backup_is_refused(admin_ctx: Ctx, tmp_path: Path) -> None:
    _, message = inquiry_with_message(admin_ctx)
    with admin_ctx.write() as session:
        info = attach(session, admin_ctx.url, message, "drawing.pdf", PDF, at=admin_ctx.now())
    # A file the store names is missing from the file store: no backup is written at all.
    path = blobs.blob_path(blobs.files_dir(admin_ctx.url), info.sha256)
    path.rename(tmp_path / "aside")
    with pytest.raises(InquiryError, match="missing"):
        backup_store(admin_ctx, tmp_path / "b.tar")
    assert not (tmp_path / "b.tar").exists()
    (tmp_path / "aside").rename(path)
    archive = tmp_path / "b.tar"
    backup_store(admin_ctx, archive)
    # Flip one byte of the file inside the archive: verification names it.
    data = bytearray(archive.read_bytes())
    at = data.find(b"catalogue catalogue")
    data[at] ^= 1
    archive.write_bytes(bytes(data))
    with pytest.raises(ValidationError, match="does not match its hash"):
        verify_backup(archive)
    not_tar = tmp_path / "x.tar"
    not_tar.write_bytes(b"hello")
    with pytest.raises(ValidationError, match="not a readable backup archive"):
        verify_backup(not_tar)


def test_a_store_at_0004_upgrades_and_keeps_its_attachments(db_url: str) -> None:
    upgrade(db_url, revision="0004")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO account (login, name, role, active, away, created_at) VALUES ('boss', 'B', 'admin', 1, 0, '2026-01-01 00:00:00.000000')"
        )
        conn.exec_driver_sql(
            "INSERT INTO buyer (email, name, company, phone, website, address, business_type, employees, verified, is_customer, group_name, type, source, stars, notes, first_seen_at, version) VALUES ('a@b.example', 'A', 'Lumen', '', '', '', '', '', 0, 0, '', '', '', 0, '', '2026-01-01 00:00:00.000000', 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO inquiry (channel, buyer_id, subject, received_at, owner_id, rule, folder, is_junk, junk_score, junk_reasons, unread, tagged, replied, last_message_at, auto_replies, version, terms) VALUES ('tm', 1, 'Hi', '2026-01-01 00:00:00.000000', 1, 'main_account', 'inbox', 0, 0, '', 1, 0, 0, '2026-01-01 00:00:00.000000', 0, 1, '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO message (inquiry_id, direction, sent_at, body) VALUES (1, 'in', '2026-01-01 00:00:00.000000', 'photo')"
        )
        conn.exec_driver_sql(
            f"INSERT INTO stored_file (sha256, size, mime, created_at) VALUES ('{'a' * 64}', 5, 'image/png', '2026-01-01 00:00:00.000000')"
        )
        conn.exec_driver_sql(f"INSERT INTO attachment (message_id, sha256, name) VALUES (1, '{'a' * 64}', 'photo.png')")
    engine.dispose()
    result = upgrade(db_url)
    assert (result.before, result.after) == ("0004", HEAD)
    engine = make_engine(db_url)
    assert current_revision(engine) == HEAD
    engine.dispose()
    store = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    assert store.execute("SELECT name, added_at, added_by FROM attachment").fetchall() == [("photo.png", None, None)]
    plan = " ".join(
        str(r)
        for r in store.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM inquiry WHERE channel = 'tm' ORDER BY last_message_at DESC, id DESC LIMIT 5"
        )
    )
    assert "ix_inquiry_tm_last" in plan
    store.close()


@pytest.mark.sqlite_only  # a backup archive is SQLite's (PostgreSQL's is pg_dump's)
def test_restore_reports_progress_and_ctrl_c_leaves_no_store(admin_ctx: Ctx, tmp_path: Path) -> None:
    """`db restore`'s bar hears the check, then the files unpacked; stopped half-way (ctrl+c in the callback), no
    store is left at the path and no partial file beside it; the next try restores it whole (issue 13, item 11)."""
    _, message = inquiry_with_message(admin_ctx)
    with admin_ctx.write() as session:
        attach(session, admin_ctx.url, message, "drawing.pdf", PDF, at=admin_ctx.now())
        attach(session, admin_ctx.url, message, "other.pdf", PDF + b"2", at=admin_ctx.now())
    archive = tmp_path / "backup.tar"
    backup_store(admin_ctx, archive)
    target = tmp_path / "restored" / "copy.db"

    def stop_at_the_second_file(part: str, done: int, total: int) -> None:
        if (part, done) == ("restoring files", 2):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        restore_store(str(target), archive, stop_at_the_second_file)
    assert sorted(p.name for p in target.parent.iterdir() if not p.is_dir()) == []  # no store, no partial one
    heard: list[tuple[str, int, int]] = []
    restored = restore_store(str(target), archive, lambda *step: heard.append(step))
    assert restored.files == 2
    assert heard == [
        ("checking the backup", 1, 2),
        ("checking the backup", 2, 2),
        ("restoring files", 1, 2),
        ("restoring files", 2, 2),
    ]
