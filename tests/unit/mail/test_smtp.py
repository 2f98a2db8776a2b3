"""E-mail out against a real SMTP server the test starts (aiosmtpd on 127.0.0.1): headers, down -> queued -> sent once,
refusals shown, an interrupted send held, the password's rules."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from inquiry_tui.domain.mail import OutboxStatus
from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.thread import thread_detail
from inquiry_tui.services.mail.maildir import Incoming, receive_mail
from inquiry_tui.services.mail.outbox import outbox
from inquiry_tui.services.mail.reply import reply_with_files
from inquiry_tui.services.mail.sending import ENV_PASSWORD, MailNotReady, flush, smtp_password
from inquiry_tui.services.notices.feed import notices
from inquiry_tui.services.setup.settings import get_settings, set_setting
from tests.conftest import FIXED_NOW, ctx_as
from tests.unit.mail.mail_helpers import message


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """What the test server received, and how it answers RCPT."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: str | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.refuse and address == self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 Message accepted"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def server(port: int) -> Iterator[Callable[..., Inbox]]:
    started: list[Controller] = []

    def start(authenticator: Any = None) -> Inbox:
        inbox = Inbox()
        kw: dict[str, Any] = {}
        if authenticator is not None:
            kw = {"authenticator": authenticator, "auth_require_tls": False, "auth_required": True}
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **kw)
        controller.start()
        started.append(controller)
        return inbox

    yield start
    for controller in started:
        controller.stop()


def set_up(ctx: Ctx, port: int, **extra: str) -> None:
    for key, value in {
        "mail.smtp_host": "127.0.0.1",
        "mail.smtp_port": str(port),
        "mail.starttls": "false",
        "mail.from": "Brightway Sales <sales@brightway.example>",
        "mail.timeout": "5",
        **extra,
    }.items():
        set_setting(ctx, key, value)


def email_thread(ctx: Ctx, subject: str = "Anfrage: Flutlicht – 500 Stück") -> int:
    raw = message(subject, sender="Jürgen Weiß <juergen@lichtbau.de>", message_id="<q1@lichtbau.de>").as_bytes()
    receive_mail(ctx, [Incoming("k1", raw, FIXED_NOW)])
    with ctx.read() as session:
        return int(session.connection().exec_driver_sql("SELECT id FROM inquiry WHERE channel = 'email'").scalar_one())


def test_a_reply_goes_out_with_the_right_headers(
    admin_ctx: Ctx, port: int, server: Callable[..., Inbox], tmp_path: Path
) -> None:
    got = server()
    set_up(admin_ctx, port)
    thread = email_thread(admin_ctx)
    (tmp_path / "Preisliste.pdf").write_bytes(b"%PDF-1.4 prices")
    result = reply_with_files(
        admin_ctx, thread, "Sehr geehrter Herr Weiß,\nanbei die Preise.", [tmp_path / "Preisliste.pdf"]
    )
    assert result.queued and result.attached == ("Preisliste.pdf",)
    (queued,) = outbox(admin_ctx)
    assert queued.status is OutboxStatus.QUEUED
    report = flush(admin_ctx)
    assert (report.sent, report.retrying, report.held) == (1, 0, 0)
    (m,) = got.messages
    assert got.envelopes == [("sales@brightway.example", ["juergen@lichtbau.de"])]
    assert str(m["From"]) == "Brightway Sales <sales@brightway.example>"
    assert str(m["To"]) == "juergen@lichtbau.de"
    assert str(m["Subject"]) == "Re: Anfrage: Flutlicht – 500 Stück"
    assert str(m["In-Reply-To"]) == "<q1@lichtbau.de>" and str(m["References"]) == "<q1@lichtbau.de>"
    assert str(m["Message-ID"]) == f"<{queued.rfc_id}>" and queued.rfc_id.endswith("@brightway.example")
    assert m["Date"].datetime == FIXED_NOW
    body = m.get_body(("plain",))
    assert (
        body is not None
        and body.get_content().replace("\r\n", "\n").strip() == "Sehr geehrter Herr Weiß,\nanbei die Preise."
    )
    (attachment,) = m.iter_attachments()
    assert attachment.get_filename() == "Preisliste.pdf" and attachment.get_content() == b"%PDF-1.4 prices"
    # non-ASCII subject encoded on the wire
    assert "=?utf-8?" in m.as_string(policy=policy.SMTP).split("Subject:")[1].splitlines()[0]
    assert outbox(admin_ctx) == [] and [i.status for i in outbox(admin_ctx, include_sent=True)] == [OutboxStatus.SENT]
    out = [msg for msg in thread_detail(admin_ctx, thread).messages if msg.direction == "out"]
    assert out[-1].delivery == "sent"
    # a buyer's answer to our e-mail joins the thread by its Message-ID
    answer = message(
        "Re: Re: Anfrage", sender="juergen@lichtbau.de", message_id="<q2@lichtbau.de>", in_reply_to=f"<{queued.rfc_id}>"
    )
    assert receive_mail(admin_ctx, [Incoming("k2", answer.as_bytes(), FIXED_NOW)]).joined == 1


def test_server_down_then_queued_then_flushed_once(admin_ctx: Ctx, port: int, server: Callable[..., Inbox]) -> None:
    set_up(admin_ctx, port)
    thread = email_thread(admin_ctx)
    reply_with_files(admin_ctx, thread, "Price follows.")
    down = flush(admin_ctx)
    assert (down.sent, down.retrying) == (0, 1) and "connection refused" in down.reasons[0][1]
    (waiting,) = outbox(admin_ctx)
    assert waiting.status is OutboxStatus.QUEUED and waiting.attempts == 1 and "connection refused" in waiting.why
    assert waiting.next_attempt_at > FIXED_NOW  # backoff
    assert flush(admin_ctx, due_only=True).sent == 0  # not due yet: nothing tried
    got = server()
    assert flush(admin_ctx).sent == 1
    assert flush(admin_ctx).sent == 0 and flush(admin_ctx, include_held=True).sent == 0
    assert len(got.messages) == 1 and outbox(admin_ctx) == []
    assert str(got.messages[0]["Message-ID"]) == f"<{waiting.rfc_id}>"  # the id kept across tries


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_refused_login_is_shown_and_kept_queued(
    admin_ctx: Ctx, port: int, server: Callable[..., Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    got = server(authenticator=lambda *a: AuthResult(success=False, handled=False))
    set_up(admin_ctx, port, **{"mail.smtp_user": "sales"})
    monkeypatch.setenv(ENV_PASSWORD, "wrong")
    reply_with_files(admin_ctx, email_thread(admin_ctx), "Hello")
    report = flush(admin_ctx)
    assert report.retrying == 1 and "refused the login: 535" in report.reasons[0][1]
    (item,) = outbox(admin_ctx)
    assert item.status is OutboxStatus.QUEUED and "refused the login" in item.last_error
    assert got.messages == []


def test_a_refused_recipient_is_held_and_its_author_told(
    admin_ctx: Ctx, port: int, server: Callable[..., Inbox]
) -> None:
    got = server()
    got.refuse = "juergen@lichtbau.de"
    set_up(admin_ctx, port)
    ana = ctx_as(admin_ctx, "ana")
    thread = email_thread(admin_ctx)
    reply_with_files(admin_ctx, thread, "Hello")
    report = flush(admin_ctx)
    assert report.held == 1 and "refused the recipient: 550" in report.reasons[0][1]
    (item,) = outbox(admin_ctx)
    assert item.status is OutboxStatus.HELD and "mail flush --held" in item.why
    assert [n.kind for n in notices(admin_ctx)][:1] == [NoticeKind.MAIL] and notices(ana) == []
    assert flush(admin_ctx).sent == 0  # held: not retried by itself
    got.refuse = None
    assert flush(admin_ctx, include_held=True).sent == 1 and len(got.messages) == 1


def test_a_server_that_never_answers_times_out_and_keeps_it_queued(admin_ctx: Ctx) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        set_up(admin_ctx, silent.getsockname()[1], **{"mail.timeout": "1"})
        reply_with_files(admin_ctx, email_thread(admin_ctx), "Hello")
        report = flush(admin_ctx)
    assert report.retrying == 1 and "did not answer in time" in report.reasons[0][1]


def test_an_interrupted_send_is_held_never_sent_again_by_itself(
    admin_ctx: Ctx, port: int, server: Callable[..., Inbox]
) -> None:
    got = server()
    set_up(admin_ctx, port)
    reply_with_files(admin_ctx, email_thread(admin_ctx), "Hello")
    with admin_ctx.write() as session:  # a sender claimed it an hour ago and stopped before marking it
        session.connection().exec_driver_sql(
            "UPDATE outbox SET status = 'sending', claim = 'gone', claimed_at = '2026-11-23 08:30:00.000000', attempts = 1"
        )
    report = flush(admin_ctx)
    assert (report.sent, report.interrupted) == (0, 1) and got.messages == []
    (item,) = outbox(admin_ctx)
    assert item.status is OutboxStatus.HELD and "may have gone out" in item.last_error


def test_nothing_is_tried_until_mail_is_set_up(admin_ctx: Ctx) -> None:
    reply_with_files(admin_ctx, email_thread(admin_ctx), "Hello")
    with pytest.raises(MailNotReady, match=r"mail\.smtp_host"):
        flush(admin_ctx)
    set_setting(admin_ctx, "mail.smtp_host", "127.0.0.1")
    with pytest.raises(MailNotReady, match=r"mail\.from"):
        flush(admin_ctx)
    assert outbox(admin_ctx)[0].attempts == 0


def test_the_password_comes_from_the_environment_or_a_private_file(admin_ctx: Ctx, tmp_path: Path) -> None:
    set_setting(admin_ctx, "mail.smtp_user", "sales")
    mail = get_settings(admin_ctx).mail
    with pytest.raises(MailNotReady, match=ENV_PASSWORD):
        smtp_password(mail, {})
    assert smtp_password(mail, {ENV_PASSWORD: "s3cret"}) == "s3cret"
    secret = tmp_path / "smtp.pw"
    secret.write_text("from-file\n")
    secret.chmod(0o644)
    set_setting(admin_ctx, "mail.password_file", str(secret))
    mail = get_settings(admin_ctx).mail
    with pytest.raises(MailNotReady, match="can be read or written by others"):
        smtp_password(mail, {})
    secret.chmod(0o600)
    assert smtp_password(mail, {}) == "from-file"
    with admin_ctx.read() as session:  # never in the store, never in the audit
        conn = session.connection()
        rows = [
            *conn.exec_driver_sql("SELECT key, value FROM setting"),
            *conn.exec_driver_sql("SELECT before, after FROM audit_log"),
        ]
    dump = "\n".join(str(r) for r in rows)
    assert "from-file" not in dump and "s3cret" not in dump


def test_a_reply_waiting_because_email_is_not_set_up_says_so_on_the_message(admin_ctx: Ctx) -> None:
    thread = email_thread(admin_ctx)
    assert reply_with_files(admin_ctx, thread, "Our price is 12 USD.").queued
    (out,) = [m for m in thread_detail(admin_ctx, thread).messages if m.direction == "out"]
    assert out.delivery == "queued: e-mail is not set up (settings mail.smtp_host and mail.from); it goes once it is"
    set_up(admin_ctx, free_port())  # set up, not tried yet
    (out,) = [m for m in thread_detail(admin_ctx, thread).messages if m.direction == "out"]
    assert out.delivery == "queued: not tried yet"
