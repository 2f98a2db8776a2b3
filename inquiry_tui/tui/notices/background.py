"""Background: the app's periodic work, off the event loop: the header's unread count, overdue warnings, the outbox.

At start and then every TICK seconds a thread worker reads the unread count (and, on the
ticks, runs the overdue check: docs/domain.md, Notices) and the app shows it in the header's
subtitle; another sends the outbox's e-mail whose next try has come, when sending is set up
in this session. Screens post `NoticesChanged` after marking notices read and `OutboxQueued`
after saving an e-mail reply, and the app runs the matching worker at once. The workers post
their results to the app as messages (`UnreadCounted`, `OutboxFlushed`, a bug as `WorkFailed`).
Background failures are quiet (a busy store is tried again on the next tick); a bug is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Literal

from textual.app import App
from textual.message import Message

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.services.context import Ctx, store_errors
from inquiry_tui.tui.common.errors import WorkFailed

TICK = 60.0  # seconds between background rounds
NARROW = 120  # columns: below this the header's subtitle is the short one (`short_who`)


@dataclass
class NoticesChanged(Message):
    """The acting account's feed changed here: the header's count is read again."""


@dataclass
class OutboxQueued(Message):
    """An e-mail was saved to the outbox: try to send it now."""


@dataclass
class UnreadCounted(Message):
    """The acting account's unread notices were counted (in a worker), and the zone it reads times in."""

    count: int
    zone: str = ""


@dataclass
class OutboxFlushed(Message):
    """A background flush sent or deferred e-mail (a `sending.FlushReport`)."""

    report: object


def short_who(ctx: Ctx) -> str:
    """The acting account for a narrow header: "Grace Lin (admin)", "boss as ana (sales)"."""
    actor = ctx.actor
    name = re.sub(r"\s*\([^)]*\)", "", actor.name).strip() or actor.name
    who = f"{ctx.acted_by} as {actor.login}" if ctx.acted_by is not None else name
    return f"{who} ({actor.role})"


class Background:
    """Owns the app's background workers; the app creates one on mount and calls `start`."""

    def __init__(self, app: App[None], ctx: Ctx) -> None:
        self.app = app
        self.ctx = ctx
        self.base_sub_title = app.sub_title
        self.unread: int | None = None
        self.zone = ""  # the acting account's time zone, which every screen shows times in (read with the count)
        self.saving = False  # a write has waited more than a moment for the store (the app's `WriteWaiting`)

    def start(self) -> None:
        self.refresh_count()
        self.flush_outbox()
        self.app.set_interval(TICK, self._tick)

    def _tick(self) -> None:
        self.refresh_count(check_overdue=True)
        self.flush_outbox()

    # --- the unread count ----------------------------------------------------------------------

    def refresh_count(self, *, check_overdue: bool = False) -> None:
        self.app.run_worker(
            partial(self._count, check_overdue),
            thread=True,
            group="background-notices",
            exclusive=True,
            exit_on_error=False,
        )

    def _count(self, check_overdue: bool) -> None:
        from inquiry_tui.services.notices.checks import check_overdue as check
        from inquiry_tui.services.notices.checks import unread_count
        from inquiry_tui.tui.common import clock

        try:
            if check_overdue:
                check(self.ctx)
            count = unread_count(self.ctx)
            clock.load(self.ctx)  # the acting account's own zone, else the company's
            zone = clock.zone_name()
        except store_errors(InquiryError):
            return
        except Exception as exc:
            self.app.post_message(WorkFailed(exc))
            return
        self.app.post_message(UnreadCounted(count, zone))

    def show(self, count: int, zone: str = "") -> None:
        self.unread = count
        self.zone = zone or self.zone
        # One rule for every time on screen: the acting account's zone, named here (docs/keys.md).
        times = f" · times in {self.zone}" if self.zone else ""
        suffix = f" · {count:,} unread notice{'s' if count != 1 else ''}" if count else ""
        who = self.base_sub_title
        if self.app.size.width < NARROW:
            # Below NARROW columns a long name must not push the zone off the header: the name
            # without its parenthesised part, the role as is ("Grace Lin (admin)"), "N unread".
            who = short_who(self.ctx)
            suffix = f" · {count:,} unread" if count else ""
        self.app.sub_title = who + times + suffix + (" · saving…" if self.saving else "")

    # --- the outbox ----------------------------------------------------------------------------

    def flush_outbox(self) -> None:
        self.app.run_worker(self._flush, thread=True, group="background-outbox", exclusive=False, exit_on_error=False)

    def _flush(self) -> None:
        from inquiry_tui.services.mail.delivery import mail_set_up, mail_settings

        try:
            if not mail_set_up(self.ctx):
                return  # a company without e-mail: the sender (and SQLAlchemy) is not loaded for nothing
            from inquiry_tui.services.mail import sending

            with self.ctx.read_plain() as conn:
                if sending.ready(mail_settings(conn)) is not None:
                    return  # not set up in this session: e-mail waits for `mail flush` or another session
            report = sending.flush(self.ctx, due_only=True)
        except store_errors(InquiryError):
            return
        except Exception as exc:
            self.app.post_message(WorkFailed(exc))
            return
        if report.sent or report.retrying or report.held:
            self.app.post_message(OutboxFlushed(report))

    def flushed(self, report: object) -> None:
        from inquiry_tui.services.mail.sending import FlushReport

        assert isinstance(report, FlushReport)
        parts = [f"{report.sent} e-mail sent"] if report.sent else []
        if report.retrying:
            parts.append(f"{report.retrying} waiting to retry ({report.reasons[0][1]})" if report.reasons else "")
        if report.held:
            parts.append(f"{report.held} held: see `inquiry-tui mail outbox`")
        severity: Literal["information", "warning"] = "warning" if report.retrying or report.held else "information"
        self.app.notify("; ".join(p for p in parts if p), title="Outbox", severity=severity, markup=False)
        if report.held:
            self.refresh_count()
