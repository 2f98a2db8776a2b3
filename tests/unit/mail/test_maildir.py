"""`import maildir`: new threads through the arrival pipeline, answers joining their threads, idempotent runs, bad messages."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox.thread import thread_detail
from inquiry_tui.services.mail import maildir as maildir_module
from inquiry_tui.services.mail import reading as reading_module
from inquiry_tui.services.mail.maildir import Incoming, MaildirError, import_maildir, receive_mail
from inquiry_tui.services.mail.outbox import outbox
from inquiry_tui.services.notices.feed import notices
from inquiry_tui.services.setup.settings import set_setting
from tests.conftest import ctx_as
from tests.unit.mail.mail_helpers import maildir, message, with_product


def _thread_of(ctx: Ctx, subject_part: str) -> int:
    rows = inbox.page_after(ctx, "email", None, 50)
    return next(r.id for r in rows if subject_part in r.subject)


def _thread_by_id(ctx: Ctx, rfc_id: str) -> int:
    with ctx.read() as session:
        return int(
            session.connection()
            .exec_driver_sql("SELECT id FROM inquiry WHERE external_id = ?", (f"email:{rfc_id}",))
            .scalar_one()
        )


def test_new_threads_run_the_pipeline_and_keep_attachments(admin_ctx: Ctx, tmp_path: Path) -> None:
    with_product(admin_ctx)
    box = maildir(
        tmp_path / "Mail",
        message("Quote for 500 pcs FL-100W", attachments=(("spec.pdf", b"%PDF-1.4 spec"),)),
        message("General question", sender="buyer@shop.example", message_id="<g1@shop.example>"),
    )
    r = import_maildir(admin_ctx, box)
    assert (r.read, r.new_threads, r.joined, r.skipped, r.attachments) == (2, 2, 0, 0, 1)
    ana = ctx_as(admin_ctx, "ana")
    fl = _thread_of(ana, "FL-100W")  # product rule: ana owns FL-100W
    d = thread_detail(ana, fl)
    assert (d.channel, d.owner_login, d.rule, d.buyer_email, d.buyer_country) == (
        "email",
        "ana",
        "product",
        "hans@lichtbau.de",
        "DE",
    )
    assert d.messages[0].body == "Please quote 500 pcs."
    with ana.read() as session:
        names = session.connection().exec_driver_sql("SELECT name FROM attachment").scalars().all()
    assert names == ["spec.pdf"]
    assert inbox.folder_counts(admin_ctx).email == 2
    # one assignment notice per account for the run
    assert [n.kind for n in notices(ana)] == [NoticeKind.ASSIGNMENT]


def test_runs_are_incremental_and_idempotent(admin_ctx: Ctx, tmp_path: Path) -> None:
    box = maildir(tmp_path / "Mail", message("One"), message("Two", message_id="<two@x.example>"))
    assert import_maildir(admin_ctx, box).new_threads == 2
    again = import_maildir(admin_ctx, box)
    assert (again.read, again.already_seen, again.new_threads) == (0, 2, 0)
    rescan = import_maildir(admin_ctx, box, rescan=True)
    assert (rescan.read, rescan.duplicates, rescan.new_threads) == (2, 2, 0)
    # the same message delivered again under another file name: a duplicate by Message-ID
    maildir(box, message("One"))
    assert import_maildir(admin_ctx, box).duplicates == 1
    assert inbox.count_folder(admin_ctx, "email") == 2


def test_answers_join_their_thread(admin_ctx: Ctx, tmp_path: Path) -> None:
    box = maildir(
        tmp_path / "Mail",
        message("Price list", message_id="<p1@lichtbau.de>"),
        message("Re: Price list", message_id="<p2@lichtbau.de>", in_reply_to="<p1@lichtbau.de>", text="And MOQ?"),
    )
    r = import_maildir(admin_ctx, box)
    assert (r.new_threads, r.joined) == (1, 1)
    # a later run: References only, then no headers at all but "Re:" and the same buyer
    maildir(
        box,
        message(
            "Re: Price list",
            message_id="<p3@lichtbau.de>",
            references="<p1@lichtbau.de> <p2@lichtbau.de>",
            text="Third",
        ),
        message("AW: Price list", message_id="<p4@lichtbau.de>", text="Fourth"),
        message(
            "Re: Price list", sender="other@else.example", message_id="<o1@else.example>", text="Not the same buyer"
        ),
    )
    r2 = import_maildir(admin_ctx, box)
    assert (r2.new_threads, r2.joined) == (1, 2)
    d = thread_detail(admin_ctx, _thread_by_id(admin_ctx, "p1@lichtbau.de"))
    assert [m.body for m in d.messages if m.direction == "in"] == [
        "Please quote 500 pcs.",
        "And MOQ?",
        "Third",
        "Fourth",
    ]
    assert d.unread


def test_a_bad_message_is_skipped_counted_and_reported_and_the_rest_imported(admin_ctx: Ctx, tmp_path: Path) -> None:
    box = maildir(
        tmp_path / "Mail",
        b"Subject: no sender\r\n\r\nhello",
        message("Fine one"),
        message("No address", sender="Only A Name", message_id="<n@x>"),
    )
    r = import_maildir(admin_ctx, box)
    assert (r.new_threads, r.skipped) == (1, 2)
    assert sorted(reason for _, reason in r.skipped_reasons) == [
        "no From header",
        "no sender address in From ('Only A Name')",
    ]
    assert import_maildir(admin_ctx, box).skipped == 0  # reported once; not read again


def test_not_a_maildir_is_one_clear_error(admin_ctx: Ctx, tmp_path: Path) -> None:
    with pytest.raises(MaildirError, match="no such folder"):
        import_maildir(admin_ctx, tmp_path / "nowhere")
    (tmp_path / "plain").mkdir()
    with pytest.raises(MaildirError, match="is not a Maildir"):
        import_maildir(admin_ctx, tmp_path / "plain")
    (tmp_path / "file").write_text("x")
    with pytest.raises(MaildirError, match="is a file"):
        import_maildir(admin_ctx, tmp_path / "file")


def test_only_the_admin_imports(admin_ctx: Ctx, tmp_path: Path) -> None:
    from inquiry_tui.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_maildir(ctx_as(admin_ctx, "ana"), maildir(tmp_path / "Mail", message()))


def test_auto_replies_to_new_email_threads_go_to_the_outbox_as_one_email(admin_ctx: Ctx, tmp_path: Path) -> None:
    set_setting(admin_ctx, "reception.mode", "all_day")
    set_setting(admin_ctx, "reception.welcome", "Thanks, we answer within 24 h.")
    set_setting(admin_ctx, "reception.smart_questions", '["Which quantity?"]')
    # No quantity in the mail, so the question is asked (a stated one is not asked again: domain.questions).
    r = import_maildir(admin_ctx, maildir(tmp_path / "Mail", message("Hello", text="Please send your price list.")))
    assert r.auto_replies_queued == 1
    (item,) = outbox(admin_ctx)
    assert item.author is None and item.to_address == "hans@lichtbau.de" and item.subject == "Re: Hello"
    with admin_ctx.read() as session:
        body, parent = session.connection().exec_driver_sql("SELECT body, in_reply_to FROM outbox").one()
    assert body == "Thanks, we answer within 24 h.\n\nWhich quantity?" and parent == "q1@lichtbau.de"


def test_junk_email_goes_to_junk_and_gets_no_auto_reply(admin_ctx: Ctx, tmp_path: Path) -> None:
    set_setting(admin_ctx, "reception.mode", "all_day")
    set_setting(admin_ctx, "reception.welcome", "Hi")
    spam = message(
        "SEO services for your website",
        text="We offer SEO and web design services to rank your website on the first page of Google. "
        "http://a.example http://b.example http://c.example http://d.example http://e.example",
    )
    r = import_maildir(admin_ctx, maildir(tmp_path / "Mail", spam))
    assert r.junk == 1 and r.auto_replies_queued == 0 and outbox(admin_ctx) == []


def test_worker_processes_parse_the_same_as_inline(admin_ctx: Ctx, tmp_path: Path) -> None:
    messages = [message(f"Question {i}", message_id=f"<w{i}@x.example>") for i in range(5)]
    box = maildir(
        tmp_path / "Mail",
        *messages,
        message("Re: Question 1", message_id="<w9@x.example>", in_reply_to="<w1@x.example>"),
    )
    maildir(box, b"Subject: no sender\r\n\r\nx")
    (box / "cur" / ".hidden").write_text("not a message")
    r = import_maildir(admin_ctx, box, workers=2)
    assert (r.read, r.new_threads, r.joined, r.skipped) == (7, 5, 1, 1)


def test_an_answer_listed_before_what_it_answers_still_joins_its_thread(admin_ctx: Ctx) -> None:
    # Mail delivered in the same second has no order in a Maildir: answers may come first.
    at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    chain = [
        message("Re: Re: Lamps", message_id="<c3@x.example>", references="<c1@x.example> <c2@x.example>", text="3"),
        message("Re: Lamps", message_id="<c2@x.example>", in_reply_to="<c1@x.example>", text="2"),
        message("Lamps", message_id="<c1@x.example>", text="1"),
        # two messages that answer each other (a broken client): one thread, and the sort ends
        message("Loop A", message_id="<l1@x.example>", in_reply_to="<l2@x.example>"),
        message("Loop B", message_id="<l2@x.example>", in_reply_to="<l1@x.example>"),
    ]
    r = receive_mail(admin_ctx, [Incoming(f"k{n}", m.as_bytes(), at) for n, m in enumerate(chain)])
    assert (r.read, r.new_threads, r.joined) == (5, 2, 3)
    d = thread_detail(admin_ctx, _thread_by_id(admin_ctx, "c1@x.example"))
    assert [m.body for m in d.messages if m.direction == "in"] == ["1", "2", "3"]


@pytest.mark.slow
def test_a_30_mb_message_is_imported_and_one_over_the_limit_is_skipped_unread(
    admin_ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawings = os.urandom(22 * 1048576)  # about 29.5 MB once in base64
    big = message("Drawings", message_id="<big@x.example>", attachments=(("drawings.pdf", drawings),)).as_bytes()
    box = maildir(tmp_path / "Mail", big)
    assert sum(f.stat().st_size for f in (box / "new").iterdir()) > 29 * 1048576
    r = import_maildir(admin_ctx, box)
    assert (r.new_threads, r.attachments, r.skipped) == (1, 1, 0)
    monkeypatch.setattr(reading_module, "MAX_MESSAGE_BYTES", 1048576)  # the size is read before the file
    maildir(box, message("Small", message_id="<s@x.example>"), big.replace(b"<big@", b"<big2@"))
    r2 = import_maildir(admin_ctx, box)
    assert (r2.new_threads, r2.skipped) == (1, 1)
    assert r2.skipped_reasons[0][1].startswith("the message is 29.") and "over the 1 MB" in r2.skipped_reasons[0][1]


def test_an_answer_at_the_end_of_a_chunk_waits_for_its_parent_delivered_the_same_second(
    admin_ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keys name their delivery second; within it they sort by name, so the answer (…001.a) is listed before
    # the message it answers (…001.b), and with two messages a chunk they fall in different chunks.
    monkeypatch.setattr(maildir_module, "CHUNK", 2)
    box = maildir(tmp_path / "Mail")
    files = {
        "1795000000.a": message("Other", sender="Li <li@x.example>", message_id="<o@x.example>"),
        "1795000001.a": message("Re: Lamps", message_id="<a@x.example>", in_reply_to="<p@x.example>", text="2"),
        "1795000001.b": message("Lamps", message_id="<p@x.example>", text="1"),
        # an answer to a message nowhere in the Maildir waits too, and is still imported at the end
        "1795000001.c": message("Re: Gone", message_id="<g@x.example>", in_reply_to="<nowhere@x.example>"),
    }
    for key, m in files.items():
        (box / "new" / key).write_bytes(m.as_bytes())
    r = import_maildir(admin_ctx, box, workers=0)
    assert (r.read, r.new_threads, r.joined) == (4, 3, 1)
    d = thread_detail(admin_ctx, _thread_by_id(admin_ctx, "p@x.example"))
    assert [m.body for m in d.messages if m.direction == "in"] == ["1", "2"]
    assert import_maildir(admin_ctx, box, workers=0).read == 0


def test_answers_are_found_by_search_in_the_same_run_and_a_later_one(admin_ctx: Ctx, tmp_path: Path) -> None:
    # A chunk's search index is built once, after its answers: a thread new in the chunk is indexed with them.
    box = maildir(
        tmp_path / "Mail",
        message("Lamps", message_id="<s1@x.example>", text="Need floodlights"),
        message("Re: Lamps", message_id="<s2@x.example>", in_reply_to="<s1@x.example>", text="Also pelicans"),
        message("Masts", sender="li@y.example", message_id="<t1@y.example>", text="Need masts"),
    )
    import_maildir(admin_ctx, box)
    lamps, masts = _thread_by_id(admin_ctx, "s1@x.example"), _thread_by_id(admin_ctx, "t1@y.example")
    assert [r.id for r in inbox.search(admin_ctx, "floodlights").rows] == [lamps]
    assert [r.id for r in inbox.search(admin_ctx, "pelicans").rows] == [lamps]
    # an answer to a thread of an earlier run: that thread's document is rebuilt, keeping what it had
    maildir(
        box,
        message(
            "Re: Masts",
            sender="li@y.example",
            message_id="<t2@y.example>",
            in_reply_to="<t1@y.example>",
            text="And flamingos",
        ),
    )
    import_maildir(admin_ctx, box)
    assert [r.id for r in inbox.search(admin_ctx, "flamingos").rows] == [masts]
    assert [r.id for r in inbox.search(admin_ctx, "masts").rows] == [masts]
    assert [r.id for r in inbox.search(admin_ctx, "pelicans").rows] == [lamps]


def test_a_failed_run_keeps_the_chunks_it_committed_and_drops_what_was_staged_ahead(
    admin_ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each chunk commits on its own (no import journal): a failure keeps the chunks before it, and the next
    # run goes on with the rest. Attachments staged for the failed chunk and those parsed ahead are discarded.
    monkeypatch.setattr(maildir_module, "CHUNK", 2)
    monkeypatch.setattr(maildir_module, "PARALLEL_FROM", 1)
    box = maildir(
        tmp_path / "Mail",
        *(
            message(
                f"Question {i}",
                message_id=f"<f{i}@x.example>",
                attachments=((f"spec{i}.pdf", f"%PDF-1.4 spec {i}".encode()),),
            )
            for i in range(10)
        ),
    )
    real = maildir_module._write_chunk
    calls: list[int] = []

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(maildir_module, "_write_chunk", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_maildir(admin_ctx, box, workers=2)
    assert inbox.count_folder(admin_ctx, "email") == 2  # the first chunk stayed
    root = maildir_module._files_root(admin_ctx)
    assert root and list((Path(root) / "tmp").glob("incoming-*")) == []  # nothing staged is left behind
    monkeypatch.setattr(maildir_module, "_write_chunk", real)
    r = import_maildir(admin_ctx, box, workers=2)
    assert (r.already_seen, r.new_threads, r.attachments) == (2, 8, 8)
    assert inbox.count_folder(admin_ctx, "email") == 10


def test_progress_hears_each_chunk_written(admin_ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`import maildir`'s bar (issue 13, item 11): the messages written of the new ones, once per committed chunk."""
    monkeypatch.setattr(maildir_module, "CHUNK", 2)
    box = maildir(
        tmp_path / "Mail",
        *(message(f"Question {n}", sender=f"b{n}@shop.example", message_id=f"<m{n}@shop.example>") for n in range(5)),
    )
    heard: list[tuple[str, int, int]] = []
    r = import_maildir(admin_ctx, box, workers=0, progress=lambda *step: heard.append(step))
    assert r.new_threads == 5
    assert heard == [("messages", 2, 5), ("messages", 4, 5), ("messages", 5, 5)]
    heard.clear()
    assert import_maildir(admin_ctx, box, progress=lambda *step: heard.append(step)).new_threads == 0
    assert heard == []  # nothing new: nothing to show


def test_a_worker_ignores_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> None:
    """ctrl+c reaches every process of the group: the importing process says what was kept; a worker prints nothing."""
    import signal

    before = signal.getsignal(signal.SIGINT)
    try:
        reading_module.start_worker(())
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)
