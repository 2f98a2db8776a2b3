"""A lost race, told: who changed an inquiry since a screen showed it, and where an inquiry went when it left you.

Two admins reassigning one inquiry, or a salesperson replying to one the admin has just given
to a colleague: the one who comes second is refused, and the refusal names what happened,
who did it and when (company time zone), read from the audit log and the allocation record.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import Session

from inquiry_tui.domain.errors import NotFound, StaleWrite
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.store.types import as_utc

_LAST_CHANGE = text(
    "SELECT actor, at, action, after FROM audit_log WHERE entity = 'inquiry' AND entity_id = :id ORDER BY id DESC LIMIT 1"
)
_LAST_MOVE = text(
    "SELECT r.from_id, a.login, r.at FROM allocation_record r JOIN account a ON a.id = r.to_id "
    "WHERE r.inquiry_id = :id ORDER BY r.id DESC LIMIT 1"
)
_WORDS = {
    "inquiry_assign": "reassigned",
    "inquiry_junk": "marked junk",
    "inquiry_not_junk": "marked not junk",
    "inquiry_delete": "deleted",
    "inquiry_restore": "restored",
}


def _clock(session: Session, at: datetime | str | None) -> str:
    when = as_utc(at)
    if not isinstance(when, datetime):
        return ""
    zone = ZoneInfo(load_settings(session).reception.timezone)
    return when.astimezone(zone).strftime("%H:%M")


def stale_inquiry(session: Session, inquiry_id: int) -> StaleWrite:
    """The refusal of a write from a stale screen, naming the last change if the audit log has it."""
    row = session.execute(_LAST_CHANGE, {"id": str(inquiry_id)}).first()
    if row is None:
        return StaleWrite(f"Inquiry {inquiry_id}")
    actor, at, action, after = row
    what = _WORDS.get(action, action.removeprefix("inquiry_").replace("_", " "))
    if action == "inquiry_assign":
        with contextlib.suppress(ValueError):
            what += f" to {json.loads(after or '{}').get('owner', '?')}"
    return StaleWrite(f"Inquiry {inquiry_id}", f"{actor} at {_clock(session, at)} ({what})")


def gone_from(session: Session, inquiry_id: int, account_id: int | None) -> NotFound:
    """What a salesperson is told about an inquiry that is not theirs: where it went, if it was theirs last."""
    row = session.execute(_LAST_MOVE, {"id": inquiry_id}).first()
    if row is not None and account_id is not None and row[0] == account_id:
        return NotFound(f"#{inquiry_id} was reassigned to {row[1]} at {_clock(session, row[2])}")
    return NotFound(f"no inquiry {inquiry_id}")  # a salesperson cannot learn that someone else's inquiry exists
