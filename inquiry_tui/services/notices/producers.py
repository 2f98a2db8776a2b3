"""The notices other features produce through `feed.notify`: new assignments and overdue warnings.

Choices (docs/domain.md, Notices):
- Assignments: one notice per account per batch of arrivals (an import, a Maildir run, a
  re-allocation). A batch that gives an account one inquiry names it (subject, rule); more
  give one summary with the count and the newest inquiry. Junk and blocked arrivals make
  none: they are not work to answer. A reassignment or hand-over tells the new owner at once.
- Overdue warnings: one per inquiry and owner, made when an open inquiry is within
  OVERDUE_WARNING of its 24-hour limit, or at most a day past it (older ones show as overdue
  in the inbox; a store opened after weeks is not flooded). No daemon: the check runs at the
  end of every batch of arrivals, when the notices screen or `notice` commands read the feed,
  and once a minute in a running app.
- At the end of a batch of arrivals the check is incremental (`warn_arrivals`): the first batch
  of a process looks at the whole window, later ones only at what became due since the last
  batch that committed in this process, and at the batch's own new inquiries. So a stream of
  single arrivals does not read every open inquiry of the last day each time. What a person
  put back into the inbox or gave to someone else meanwhile is warned about by the full check
  (once a minute in a running app, the notices screen, `notice` commands, the next process).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.services.notices.checks import OVERDUE_FLOOR, OVERDUE_WARNING
from inquiry_tui.services.notices.checks import check_overdue as check_overdue
from inquiry_tui.services.notices.feed import notify
from inquiry_tui.services.notices.overdue import SUBJECT_CHARS as SUBJECT_CHARS
from inquiry_tui.services.notices.overdue import due_time, overdue_text, subject_line
from inquiry_tui.store.queries.notices import OVERDUE_KEY, due_soon


@dataclass
class Assigned:
    """What one batch gave one account: how many inquiries, and the newest one."""

    count: int
    newest_id: int
    newest_subject: str
    rule: str


def note_assignment(tally: dict[int, Assigned], owner_id: int, inquiry_id: int, subject: str, rule: str) -> None:
    """Count one inquiry for OWNER_ID in a batch's tally (notify_assignments writes it at the end)."""
    seen = tally.get(owner_id)
    if seen is None:
        tally[owner_id] = Assigned(1, inquiry_id, subject, rule)
    else:
        seen.count += 1
        if inquiry_id > seen.newest_id:
            seen.newest_id, seen.newest_subject, seen.rule = inquiry_id, subject, rule


def assignment_text(count: int, inquiry_id: int, subject: str, rule: str, source: str = "") -> str:
    if count == 1:
        return f"#{inquiry_id} is yours ({rule}): {subject_line(subject)}"
    where = f" from {source}" if source else ""
    return f"{count} new inquiries are yours{where}; the newest is #{inquiry_id}: {subject_line(subject)}"


def notify_assignments(
    conn: Session | Connection, tally: Mapping[int, Assigned], *, at: datetime, source: str = ""
) -> int:
    """One notice per account of TALLY, in the caller's transaction; returns how many were written."""
    written = 0
    for owner_id, a in sorted(tally.items()):
        text = assignment_text(a.count, a.newest_id, a.newest_subject, a.rule, source)
        written += notify(conn, owner_id, NoticeKind.ASSIGNMENT, text, at=at, ref_kind="inquiry", ref_id=a.newest_id)
    return written


def warn_overdue(conn: Session | Connection, now: datetime, owner: int | None = None) -> int:
    """Warn the owners of open inquiries near or just past their limit (once each); OWNER: only theirs."""
    return _warn(conn, now, due_soon(conn, until=now + OVERDUE_WARNING, since=now - OVERDUE_FLOOR, owner=owner))


# Per store (engine) in this process: the due time up to which the arrival path has warned about every
# open inquiry, as of the last arrival batch that committed.
_ARRIVALS_WARNED: weakref.WeakKeyDictionary[Any, datetime] = weakref.WeakKeyDictionary()


def warn_arrivals(conn: Connection, now: datetime, new: tuple[int, int] | None) -> tuple[int, datetime]:
    """The overdue check at the end of an arrival batch (module docstring): returns (warnings written, the due
    time it covered up to), the second for `arrivals_warned` once the batch has committed."""
    until, since = now + OVERDUE_WARNING, now - OVERDUE_FLOOR
    mark = _ARRIVALS_WARNED.get(conn.engine)
    if mark is None or not since <= mark <= until:  # the first batch, or the clock went back or far ahead
        return warn_overdue(conn, now), until
    rows = due_soon(conn, until=until, since=mark, owner=None) if mark < until else []
    if new is not None:
        seen = {row[0] for row in rows}
        rows += [row for row in due_soon(conn, until=until, since=since, owner=None, ids=new) if row[0] not in seen]
    return _warn(conn, now, rows), until


def arrivals_warned(engine: Any, until: datetime) -> None:
    """The arrival batch that checked up to UNTIL (warn_arrivals) committed on ENGINE."""
    _ARRIVALS_WARNED[engine] = until


def _warn(conn: Session | Connection, now: datetime, rows: list[Any]) -> int:
    written = 0
    for inquiry_id, owner_id, due, subject in rows:
        text = overdue_text(inquiry_id, due_time(due), now, subject or "")
        written += notify(
            conn,
            owner_id,
            NoticeKind.OVERDUE,
            text,
            at=now,
            ref_kind="inquiry",
            ref_id=inquiry_id,
            dedupe=f"{OVERDUE_KEY}{inquiry_id}",
        )
    return written
