"""The sample company's e-mail, calls and platform notices (`seed --sample`, `demo`), from the packaged `channels.json`.

E-mail goes through the Maildir import's own path (services/mail/maildir.receive_mail), calls
through the call log's import, notices through the feed: the demo shows each feature as an
import would have made it. Times are relative to now, so the demo always has pending requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.services.calls.importing import receive_calls
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.mail.maildir import Incoming, receive_mail
from inquiry_tui.services.notices.feed import notify
from inquiry_tui.services.records.channels import CallRecord
from inquiry_tui.services.setup.company import load_json
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Account


@dataclass(frozen=True)
class ChannelsSample:
    emails: int
    calls: int
    notices: int


def sample_email(spec: dict[str, Any], sent: Any) -> bytes:
    """One sample message as its bytes (EmailMessage: the charsets and multiparts a mail client writes)."""
    msg = EmailMessage()
    msg["From"] = spec["from"]
    msg["To"] = "Brightway Sales <sales@brightway-led.example>"
    msg["Subject"] = spec["subject"]
    msg["Message-ID"] = spec["message_id"]
    msg["Date"] = format_datetime(sent)
    if spec.get("in_reply_to"):
        msg["In-Reply-To"] = spec["in_reply_to"]
        msg["References"] = spec["in_reply_to"]
    if "html" in spec:
        msg.set_content(spec["html"], subtype="html")
    else:
        msg.set_content(spec["text"], charset=spec.get("charset", "utf-8"))
    if "attachment" in spec:
        msg.add_attachment(spec["attachment"]["text"], filename=spec["attachment"]["name"])
    return msg.as_bytes()


def seed_channels(ctx: Ctx) -> ChannelsSample:
    ctx.require_admin("seed the store")
    data = load_json("channels.json")
    now = ctx.now()
    mails = [
        Incoming(
            s["key"],
            sample_email(s, now - timedelta(minutes=s["minutes_ago"])),
            now - timedelta(minutes=s["minutes_ago"]),
        )
        for s in data["emails"]
    ]
    receive_mail(ctx, mails, source="sample e-mail")
    records = []
    for n, c in enumerate(data["calls"], 1):
        at = now - timedelta(minutes=c["minutes_ago"])
        fields = {k: v for k, v in c.items() if k not in ("minutes_ago", "appointment_in_minutes")}
        fields["requested_at"] = at.isoformat()
        if "appointment_in_minutes" in c:
            fields["appointment_at"] = (now + timedelta(minutes=c["appointment_in_minutes"])).isoformat()
        records.append((n, CallRecord.model_validate(fields)))
    calls = receive_calls(ctx, records, path="sample calls")
    accounts = table_of(Account)
    with ctx.write() as session:
        everyone = list(
            session.execute(
                accounts.select().with_only_columns(accounts.c.id).where(accounts.c.active.is_(True))
            ).scalars()
        )
        sent = 0
        for n in data["notices"]:
            sent += notify(
                session,
                everyone,
                NoticeKind.PLATFORM,
                n["text"],
                at=now - timedelta(minutes=n["minutes_ago"]),
                ref_kind="platform",
                ref_id=n["external_id"],
                dedupe=f"platform:{n['external_id']}",
            )
    return ChannelsSample(len(mails), calls.added, sent)
