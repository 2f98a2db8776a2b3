"""The file store: content-addressed, deduplicated, atomic, sniffed; attachments on messages."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inquiry_tui.domain.errors import InquiryError, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import blobs
from inquiry_tui.services.files.attachments import attach, attachments_of
from inquiry_tui.store.models import Buyer, Inquiry, Message, StoredFile

PDF = b"%PDF-1.4\n" + b"catalogue " * 100
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 120


def _message(ctx: Ctx) -> int:
    with ctx.write() as session:
        buyer = Buyer(email="b@x.example", first_seen_at=ctx.now())
        session.add(buyer)
        session.flush()
        inquiry = Inquiry(
            buyer_id=buyer.id,
            received_at=ctx.now(),
            owner_id=ctx.actor.id or 1,
            last_message_at=ctx.now(),  # type: ignore[arg-type]
        )
        session.add(inquiry)
        session.flush()
        message = Message(inquiry_id=inquiry.id, sent_at=ctx.now(), body="see attached")  # type: ignore[arg-type]
        session.add(message)
        session.flush()
        return int(message.id)  # type: ignore[arg-type]


def test_files_live_beside_the_store_by_hash_once_per_content(admin_ctx: Ctx, tmp_path: Path) -> None:
    message = _message(admin_ctx)
    with admin_ctx.write() as session:
        one = attach(session, admin_ctx.url, message, "catalogue.pdf", PDF, at=admin_ctx.now())
        two = attach(session, admin_ctx.url, message, "copy of catalogue.pdf", PDF, at=admin_ctx.now())
    sha = hashlib.sha256(PDF).hexdigest()
    assert one.sha256 == two.sha256 == sha
    assert (one.size, one.mime) == (len(PDF), "application/pdf")
    root = tmp_path / "store.files"
    assert blobs.files_dir(admin_ctx.url) == root
    assert (root / sha[:2] / sha).read_bytes() == PDF
    assert [p for p in root.rglob("*") if p.is_file()] == [root / sha[:2] / sha]
    with admin_ctx.read() as session:
        assert session.execute(select(func.count()).select_from(StoredFile)).scalar_one() == 1
        found = attachments_of(session, [message])
    assert [a.name for a in found[message]] == ["catalogue.pdf", "copy of catalogue.pdf"]
    assert blobs.read(admin_ctx, sha) == PDF


def test_type_comes_from_the_content_not_the_name(admin_ctx: Ctx) -> None:
    message = _message(admin_ctx)
    with admin_ctx.write() as session:
        exe = attach(session, admin_ctx.url, message, "invoice.pdf", ELF, at=admin_ctx.now())
        text = attach(session, admin_ctx.url, message, "notes.exe", "plain words, ünïcode".encode(), at=admin_ctx.now())
    assert exe.mime == "application/x-executable"
    assert text.mime == "text/plain"


def test_hostile_names_are_cleaned(admin_ctx: Ctx) -> None:
    message = _message(admin_ctx)
    with admin_ctx.write() as session:
        a = attach(session, admin_ctx.url, message, "../../etc/passwd", b"x", at=admin_ctx.now())
        b = attach(session, admin_ctx.url, message, "line\nbreak\x1b]0;t\x07.txt", b"y", at=admin_ctx.now())
    assert a.name == "passwd"
    assert b.name == "line break]0;t.txt"


def test_over_the_limit_stores_nothing(admin_ctx: Ctx, tmp_path: Path) -> None:
    message = _message(admin_ctx)
    with pytest.raises(ValidationError, match="over the limit"), admin_ctx.write() as session:
        attach(session, admin_ctx.url, message, "big.bin", b"0" * 2048, at=admin_ctx.now(), max_bytes=1024)
    assert not (tmp_path / "store.files").exists() or not any((tmp_path / "store.files").rglob("*"))


def test_a_damaged_or_missing_file_is_told_not_returned(admin_ctx: Ctx, tmp_path: Path) -> None:
    message = _message(admin_ctx)
    with admin_ctx.write() as session:
        info = attach(session, admin_ctx.url, message, "c.pdf", PDF, at=admin_ctx.now())
    path = tmp_path / "store.files" / info.sha256[:2] / info.sha256
    path.write_bytes(PDF[:-1] + b"!")
    with pytest.raises(InquiryError, match="damaged"):
        blobs.read(admin_ctx, info.sha256)
    path.unlink()
    with pytest.raises(InquiryError, match="missing"):
        blobs.read(admin_ctx, info.sha256)


def test_a_thread_opens_from_rows_alone_whatever_its_attachments(admin_ctx: Ctx) -> None:
    """Opening a thread reads no file and asks for all its attachments at once, however many there are."""
    import shutil

    from sqlalchemy import event

    from inquiry_tui.services.inbox.thread import thread_detail
    from tests.unit.files.helpers import inquiry_with_message

    def statements(inquiry_id: int) -> tuple[int, int]:
        seen: list[str] = []

        def count(*args: object) -> None:
            seen.append(str(args[2]))

        event.listen(admin_ctx.engine, "before_cursor_execute", count)
        try:
            detail = thread_detail(admin_ctx, inquiry_id)
        finally:
            event.remove(admin_ctx.engine, "before_cursor_execute", count)
        return len(seen), sum(len(m.attachments) for m in detail.messages)

    one, one_message = inquiry_with_message(admin_ctx)
    many, many_message = inquiry_with_message(admin_ctx, owner=admin_ctx.actor.id)  # (another buyer)
    with admin_ctx.write() as session:
        attach(session, admin_ctx.url, one_message, "a.pdf", PDF, at=admin_ctx.now())
        for k in range(20):
            attach(session, admin_ctx.url, many_message, f"p{k}.pdf", PDF + bytes([k]), at=admin_ctx.now())
    shutil.rmtree(blobs.files_dir(admin_ctx.url))  # no file is needed to show them
    (few, n_one), (more, n_many) = statements(one), statements(many)
    assert (n_one, n_many) == (1, 20)
    assert more == few  # no statement per attachment
    detail = thread_detail(admin_ctx, many)
    [first] = [m for m in detail.messages if m.attachments]
    assert [a.name for a in first.attachments] == [f"p{k}.pdf" for k in range(20)]
    assert {a.mime for a in first.attachments} == {"application/pdf"} and first.attachments[0].size == len(PDF) + 1
