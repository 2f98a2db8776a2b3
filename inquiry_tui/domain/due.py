"""When a person must answer an inquiry, and when it is open or overdue: the one rule (docs/domain.md, Reply rate).

Every human-answerable inquiry is due 24 real hours after arrival, on every channel (chats
count for the reply rate within 1 hour, but are due like the rest). An inquiry is *open*
while it sits in the inbox with no human response (a reply, or a person marking it junk);
it is *overdue* when it is open, has a due time, and now is at or past it. Junk and blocked
arrivals have no due time. `store.queries.folders.OVERDUE_SQL` is this rule in SQL, built
from the same words; a test holds the two to the same answers.

Naive datetimes are taken as UTC, so naive and aware values mix safely.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inquiry_tui.domain.vocabulary import CHAT_CHANNELS, Folder

RESPONSE_LIMIT = timedelta(hours=24)  # a person answers within this (and it is when an inquiry is due)
CHAT_RESPONSE_LIMIT = timedelta(hours=1)  # chats count as answered within this for the reply rate
OPEN_FOLDER = Folder.INBOX  # only inquiries in the inbox wait for an answer


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def response_limit(channel: str) -> timedelta:
    """How soon a person must respond for the reply rate: 1 h for chats, else 24 h."""
    return CHAT_RESPONSE_LIMIT if channel in CHAT_CHANNELS else RESPONSE_LIMIT


def due_at(received_at: datetime) -> datetime:
    """24 real hours after arrival, on every channel: in UTC for an aware time (wall-clock hours would be
    23 or 25 across a DST change); a naive time (UTC) stays naive."""
    if received_at.tzinfo is None:
        return received_at + RESPONSE_LIMIT
    return received_at.astimezone(UTC) + RESPONSE_LIMIT


def is_open(folder: str, first_response_at: datetime | None) -> bool:
    """In the inbox with no human response yet."""
    return folder == OPEN_FOLDER and first_response_at is None


def is_overdue(folder: str, first_response_at: datetime | None, due: datetime | None, now: datetime) -> bool:
    """Open, with a due time, and NOW at or past it."""
    return is_open(folder, first_response_at) and due is not None and _utc(due) <= _utc(now)
