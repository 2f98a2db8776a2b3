"""E-mail threads, calls with appointment requests and platform notices on the TUI tests' sample store (fixed clock)."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

from inquiry_tui.services.calls.importing import receive_calls
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.mail.maildir import Incoming, receive_mail
from inquiry_tui.services.records.channels import CallRecord
from inquiry_tui.services.setup.channels import sample_email
from inquiry_tui.services.setup.company import load_json
from tests.conftest import FIXED_NOW
from tests.tui.conftest import HOSTILE_TEXT

HOSTILE_MAIL = {
    "from": "Mallory <mallory@evil.example>",
    "subject": f"Invoice {HOSTILE_TEXT}".replace("\r", " "),  # a header cannot hold a line break at all
    "message_id": "<evil-1@evil.example>",
    "text": "Pay here: [link='https://evil.example']now[/link] \x1b]52;c;SGVsbG8=\x07",
}


def add_channels(ctx: Ctx) -> None:
    """The packaged sample's e-mail (4, one an answer), calls (2 pending requests), notices, and a hostile e-mail."""
    data = load_json("channels.json")
    mails = []
    for spec in [*data["emails"], {**HOSTILE_MAIL, "key": "evil", "minutes_ago": 10}]:
        at = FIXED_NOW - timedelta(minutes=spec["minutes_ago"])
        mails.append(Incoming(spec["key"], sample_email(spec, at), at))
    receive_mail(ctx, mails, source="test e-mail")
    records = []
    for n, c in enumerate(data["calls"], 1):
        fields = {k: v for k, v in c.items() if k not in ("minutes_ago", "appointment_in_minutes")}
        fields["requested_at"] = (FIXED_NOW - timedelta(minutes=c["minutes_ago"])).isoformat()
        if "appointment_in_minutes" in c:
            fields["appointment_at"] = (FIXED_NOW + timedelta(minutes=c["appointment_in_minutes"])).isoformat()
        records.append((n, CallRecord.model_validate(fields)))
    receive_calls(ctx, records)
    from inquiry_tui.domain.notices import NoticeKind
    from inquiry_tui.services.notices.feed import notify

    with ctx.write() as session:
        ids = list(session.connection().exec_driver_sql("SELECT id FROM account WHERE active = 1").scalars())
        for n in data["notices"]:
            notify(
                session,
                ids,
                NoticeKind.PLATFORM,
                n["text"],
                at=FIXED_NOW - timedelta(minutes=n["minutes_ago"]),
                dedupe=f"platform:{n['external_id']}",
            )


__all__ = ["add_channels", "format_datetime"]
