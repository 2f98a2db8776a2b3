"""Notice kinds: what an account's feed ("push information") can tell it, with a title each."""

from __future__ import annotations

from enum import StrEnum

MAX_TEXT = 2_000  # a notice is a line or two; a hostile 1 MB subject is cut, not copied


class NoticeKind(StrEnum):
    ASSIGNMENT = "assignment"  # an inquiry was allocated, reassigned or handed over to you
    OVERDUE = "overdue"  # an inquiry of yours nears (or passed) its 24-hour limit
    ESCALATION = "escalation"  # an unanswered inquiry moved away from you, or to you
    RFQ_MATCH = "rfq_match"  # a new RFQ matches one of your keyword subscriptions
    APPOINTMENT = "appointment"  # a buyer asks for a call at a time
    ADMIN_NOTE = "admin_note"  # the admin left a note on an inquiry or customer of yours
    PLATFORM = "platform"  # a notice from the marketplace (imported)
    ACCOUNT = "account"  # something about your account (deactivated, role changed, ...)
    MAIL = "mail"  # an e-mail reply of yours was refused by the mail server and waits in the outbox

    @property
    def title(self) -> str:  # type: ignore[override]  # a label shadowing str.title(), on purpose
        return _TITLES[self]


_TITLES = {
    NoticeKind.ASSIGNMENT: "New assignment",
    NoticeKind.OVERDUE: "Overdue warning",
    NoticeKind.ESCALATION: "Escalation",
    NoticeKind.RFQ_MATCH: "RFQ match",
    NoticeKind.APPOINTMENT: "Appointment request",
    NoticeKind.ADMIN_NOTE: "Admin note",
    NoticeKind.PLATFORM: "Platform notice",
    NoticeKind.ACCOUNT: "Account",
    NoticeKind.MAIL: "E-mail not sent",
}
