"""Sending the outbox by SMTP (smtplib, STARTTLS): claimed, sent, and marked sent in its own transaction.

Never lost, never sent twice (docs/cli.md, E-mail out):
1. A sender claims the e-mails it will send in one write transaction (status `sending`, a
   claim token, attempts + 1); another sender cannot claim them meanwhile.
2. It talks to the server with no transaction open.
3. Each outcome is written in its own transaction, by the claim's token: `sent`; or back to
   `queued` with the reason and the next try (1, 2, 4 ... minutes, at most an hour) when the
   server was unreachable, timed out, refused the login or said "try later" (4xx); or `held`
   with the reason when it refused this e-mail for good (5xx: recipient or message refused).
   A held e-mail waits for a person (`mail flush --held`), and its author gets a notice.
The one ambiguous case is a crash between the server's "accepted" and step 3: the e-mail
stays `sending`. A later flush finds it claimed over 15 minutes ago and holds it, saying it
may have gone out; nothing sends it again by itself. A person checks (the Sent folder of the
mailbox, or the buyer) and sends it with `mail flush --held` if it did not go, under the same
Message-ID, so a receiving system that saw the first copy can tell the two apart.

The password is never a setting and never stored: INQUIRY_TUI_SMTP_PASSWORD, or the file
named by `mail.password_file`, which must be readable by its owner only.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any

from sqlalchemy import select, update

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.filenames import user_path
from inquiry_tui.domain.mail import INTERRUPTED_AFTER, OutboxStatus, retry_after
from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.domain.settings import MailSettings
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import blobs
from inquiry_tui.services.files.attachments import attachments_of
from inquiry_tui.services.mail.outbox import mail_settings
from inquiry_tui.services.notices.feed import notify
from inquiry_tui.store.core import run_dml, table_of
from inquiry_tui.store.models import Account, OutboxMail

ENV_PASSWORD = "INQUIRY_TUI_SMTP_PASSWORD"
MAX_PER_FLUSH = 500
MAX_ERROR = 300

_o = table_of(OutboxMail)
_a = table_of(Account)


class MailNotReady(InquiryError):
    """Sending is not set up in this session (no server, no From, no password): nothing was tried."""


@dataclass(frozen=True)
class FlushReport:
    sent: int = 0
    retrying: int = 0  # back to the queue for a later try
    held: int = 0  # refused for good, or interrupted: a person decides
    interrupted: int = 0  # found `sending` from a send that never finished (now held)
    reasons: tuple[tuple[int, str], ...] = field(default_factory=tuple)  # (outbox id, why) of the failures


@dataclass(frozen=True)
class _Claimed:
    id: int
    inquiry_id: int
    message_id: int | None
    author_id: int | None
    author_name: str
    rfc_id: str
    to_address: str
    subject: str
    in_reply_to: str
    refs: str
    body: str
    attempts: int
    created_at: datetime


class _Failure(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:MAX_ERROR]
        self.permanent = permanent


# --- set-up ------------------------------------------------------------------------------------


def smtp_password(mail: MailSettings, environ: dict[str, str] | None = None) -> str | None:
    """The SMTP password for `mail.smtp_user` (None without a user); MailNotReady when there is none to be had."""
    if not mail.smtp_user:
        return None
    env = os.environ if environ is None else environ
    if env.get(ENV_PASSWORD):
        return env[ENV_PASSWORD]
    if not mail.password_file:
        raise MailNotReady(f"mail.smtp_user is set but there is no password: set {ENV_PASSWORD} or mail.password_file")
    path = user_path(mail.password_file)
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise MailNotReady(f"mail.password_file {path}: {exc.strerror or exc}") from None
    if mode & 0o077:
        raise MailNotReady(
            f"mail.password_file {path} can be read or written by others (mode {mode & 0o777:o}); "
            f"refusing it: `chmod 600 {path}`"
        )
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise MailNotReady(f"mail.password_file {path} cannot be read ({exc})") from None
    if not lines or not lines[0]:
        raise MailNotReady(f"mail.password_file {path} is empty")
    return lines[0]


def ready(mail: MailSettings) -> str | None:
    """Why e-mail cannot be sent from this session, or None when it can."""
    if not mail.smtp_host:
        return "e-mail is not set up: `inquiry-tui settings set mail.smtp_host HOST` and `mail.from ADDRESS`"
    if not mail.from_address:
        return "e-mail has no sender: `inquiry-tui settings set mail.from 'Sales <sales@example.com>'`"
    try:
        smtp_password(mail)
    except MailNotReady as exc:
        return str(exc)
    return None


# --- building ----------------------------------------------------------------------------------


def _from_header(mail: MailSettings, author_name: str) -> str:
    name, address = parseaddr(mail.from_address)
    return formataddr((name or author_name, address)) if (name or author_name) else address


def build(mail: MailSettings, c: _Claimed, files: Sequence[tuple[str, str, bytes]]) -> EmailMessage:
    """The e-mail of outbox row C with FILES (name, type, bytes); non-ASCII names and subjects are encoded."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = _from_header(mail, c.author_name)
    msg["To"] = c.to_address
    # Never a line break or another control character into a header (the subject is the buyer's).
    msg["Subject"] = " ".join("".join(ch if ch.isprintable() else " " for ch in c.subject).split())
    msg["Date"] = format_datetime(c.created_at)
    msg["Message-ID"] = f"<{c.rfc_id}>"
    if c.in_reply_to:
        msg["In-Reply-To"] = f"<{c.in_reply_to}>"
    if c.refs:
        msg["References"] = " ".join(f"<{r}>" for r in c.refs.split())
    msg.set_content(c.body)
    for name, mime, data in files:
        maintype, _, subtype = mime.partition("/")
        msg.add_attachment(data, maintype=maintype or "application", subtype=subtype or "octet-stream", filename=name)
    return msg


# --- the conversation with the server ---------------------------------------------------------


def _classify(exc: BaseException) -> _Failure:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (550, b""))
        return _Failure(f"the server refused the recipient: {code} {_said(text)}", permanent=code >= 500)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _Failure(f"the server refused the login: {exc.smtp_code} {_said(exc.smtp_error)}", permanent=False)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return _Failure(f"the server does not offer it: {exc}", permanent=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        what = "the sender" if isinstance(exc, smtplib.SMTPSenderRefused) else "the message"
        return _Failure(
            f"the server refused {what}: {exc.smtp_code} {_said(exc.smtp_error)}", permanent=exc.smtp_code >= 500
        )
    if isinstance(exc, (TimeoutError, socket.timeout)) or isinstance(exc.__context__, TimeoutError):
        # smtplib reports a reply that never came as "Connection unexpectedly closed: timed out"
        return _Failure("the server did not answer in time", permanent=False)
    if isinstance(exc, ConnectionRefusedError):
        return _Failure("the server is not reachable (connection refused)", permanent=False)
    if isinstance(exc, ssl.SSLError):
        return _Failure(f"TLS failed: {exc.reason or exc}", permanent=False)
    if isinstance(exc, (smtplib.SMTPException, OSError)):
        return _Failure(f"the server is not reachable ({str(exc) or type(exc).__name__})", permanent=False)
    raise exc


def _said(text: bytes | str) -> str:
    value = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return " ".join(value.split())


def _connect(mail: MailSettings, password: str | None) -> smtplib.SMTP:
    context = ssl.create_default_context()
    server: smtplib.SMTP
    if mail.smtp_port == 465:
        server = smtplib.SMTP_SSL(mail.smtp_host, mail.smtp_port, timeout=mail.timeout, context=context)
    else:
        server = smtplib.SMTP(mail.smtp_host, mail.smtp_port, timeout=mail.timeout)
    try:
        server.ehlo()
        if mail.starttls and mail.smtp_port != 465:
            server.starttls(context=context)
            server.ehlo()
        if mail.smtp_user:
            server.login(mail.smtp_user, password or "")
    except BaseException:
        _close(server)
        raise
    return server


def _close(server: smtplib.SMTP) -> None:
    try:
        server.quit()
    except (smtplib.SMTPException, OSError):
        server.close()


# --- the flush ---------------------------------------------------------------------------------


def flush(ctx: Ctx, *, due_only: bool = False, include_held: bool = False) -> FlushReport:
    """Send what waits: every queued e-mail (DUE_ONLY: those whose next try has come; INCLUDE_HELD: held ones too).

    MailNotReady (one line) when sending is not set up in this session; nothing is claimed then.
    """
    with ctx.read() as session:
        mail = mail_settings(session)
    why = ready(mail)
    if why:
        raise MailNotReady(why)
    password = smtp_password(mail)
    interrupted = _hold_interrupted(ctx)
    token = uuid.uuid4().hex
    claimed = _claim(ctx, token, due_only=due_only, include_held=include_held)
    if not claimed:
        return FlushReport(interrupted=interrupted, held=interrupted)
    sent = retrying = held = 0
    reasons: list[tuple[int, str]] = []
    server: smtplib.SMTP | None = None
    try:
        try:
            server = _connect(mail, password)
        except Exception as exc:
            failure = _classify(exc)
            for c in claimed:
                _mark_failed(ctx, token, c, failure)
            return FlushReport(
                0, len(claimed), interrupted, interrupted, tuple((c.id, failure.reason) for c in claimed)
            )
        for index, c in enumerate(claimed):
            try:
                message = build(mail, c, _files(ctx, c.message_id))
                server.send_message(message, from_addr=parseaddr(mail.from_address)[1], to_addrs=[c.to_address])
            except Exception as exc:
                failure = _classify(exc)
                _mark_failed(ctx, token, c, failure)
                reasons.append((c.id, failure.reason))
                held += failure.permanent
                retrying += not failure.permanent
                if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                    # The connection is gone: the rest go back to the queue for the next flush.
                    for rest in claimed[index + 1 :]:
                        _mark_failed(ctx, token, rest, failure)
                        reasons.append((rest.id, failure.reason))
                        retrying += 1
                    server = None
                    break
                if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code in (421, 451):
                    server.rset()
                continue
            _mark_sent(ctx, token, c)
            sent += 1
    finally:
        if server is not None:
            _close(server)
    return FlushReport(sent, retrying, held + interrupted, interrupted, tuple(reasons))


def _hold_interrupted(ctx: Ctx) -> int:
    """Hold e-mails a sender claimed over INTERRUPTED_AFTER ago and never marked (it stopped mid-send)."""
    now = ctx.now()
    with ctx.write() as session:
        rows = session.execute(
            select(_o.c.id, _o.c.author_id, _o.c.inquiry_id).where(
                _o.c.status == OutboxStatus.SENDING.value, _o.c.claimed_at < now - INTERRUPTED_AFTER
            )
        ).all()
        for r in rows:
            reason = "a send was interrupted after it began; the e-mail may have gone out: check before sending again"
            session.execute(
                update(_o).where(_o.c.id == r.id).values(status=OutboxStatus.HELD.value, last_error=reason, claim="")
            )
            _tell_author(session, r.author_id, r.inquiry_id, r.id, reason, now)
        return len(rows)


def _claim(ctx: Ctx, token: str, *, due_only: bool, include_held: bool) -> list[_Claimed]:
    now = ctx.now()
    states = [OutboxStatus.QUEUED.value, *([OutboxStatus.HELD.value] if include_held else [])]
    with ctx.write() as session:
        query = select(_o.c.id).where(_o.c.status.in_(states))
        if due_only:
            query = query.where(_o.c.next_attempt_at <= now)
        ids = list(session.execute(query.order_by(_o.c.id).limit(MAX_PER_FLUSH)).scalars())
        if not ids:
            return []
        session.execute(
            update(_o)
            .where(_o.c.id.in_(ids), _o.c.status.in_(states))
            .values(status=OutboxStatus.SENDING.value, claim=token, claimed_at=now, attempts=_o.c.attempts + 1)
        )
        rows = session.execute(
            select(_o, _a.c.name.label("author_name"))
            .outerjoin(_a, _a.c.id == _o.c.author_id)
            .where(_o.c.claim == token)
            .order_by(_o.c.id)
        ).all()
    return [
        _Claimed(
            r.id,
            r.inquiry_id,
            r.message_id,
            r.author_id,
            r.author_name or "",
            r.rfc_id,
            r.to_address,
            r.subject,
            r.in_reply_to,
            r.refs,
            r.body,
            r.attempts,
            r.created_at,
        )
        for r in rows
    ]


def _files(ctx: Ctx, message_id: int | None) -> list[tuple[str, str, bytes]]:
    if message_id is None:
        return []
    with ctx.read() as session:
        found = attachments_of(session, [message_id]).get(message_id, [])
    return [(a.name, a.mime, blobs.read(ctx, a.sha256)) for a in found]


def _mark_sent(ctx: Ctx, token: str, c: _Claimed) -> None:
    with ctx.write() as session:
        session.execute(
            update(_o)
            .where(_o.c.id == c.id, _o.c.claim == token)
            .values(status=OutboxStatus.SENT.value, sent_at=ctx.now(), last_error="", claim="")
        )


def _mark_failed(ctx: Ctx, token: str, c: _Claimed, failure: _Failure) -> None:
    now = ctx.now()
    status = OutboxStatus.HELD if failure.permanent else OutboxStatus.QUEUED
    with ctx.write() as session:
        changed = run_dml(
            session,
            update(_o)
            .where(_o.c.id == c.id, _o.c.claim == token)
            .values(
                status=status.value,
                last_error=failure.reason,
                next_attempt_at=now + retry_after(c.attempts),
                claim="",
            ),
        )
        if failure.permanent and changed.rowcount:
            _tell_author(session, c.author_id, c.inquiry_id, c.id, failure.reason, now)


def _tell_author(
    session: Any, author_id: int | None, inquiry_id: int, outbox_id: int, reason: str, now: datetime
) -> None:
    if author_id is None:
        return
    notify(
        session,
        author_id,
        NoticeKind.MAIL,
        f"Your e-mail on #{inquiry_id} was not sent: {reason}",
        at=now,
        ref_kind="inquiry",
        ref_id=inquiry_id,
        dedupe=f"mail:{outbox_id}:{reason[:60]}",
    )
