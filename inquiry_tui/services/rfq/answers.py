"""A buyer's answer to our quote: an `import inquiries` record naming the RFQ (`rfq`: its external id) joins
the quote's `rfq` thread as an incoming message instead of opening a thread of its own.

Runs inside the arrivals import's transaction (services/arrivals/pipeline.py hands over the
records that name an RFQ). The RFQ must exist, have our quote, and have been posted by the same
buyer (e-mail); otherwise the line is refused and nothing is imported. A line already in the
thread (same time and text) is skipped, so importing a file twice adds nothing. The thread
becomes unread, as a chat does when the buyer writes last (its due time stays: it was answered).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, text

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.vocabulary import Direction
from inquiry_tui.store import bulk, dialect
from inquiry_tui.store.types import as_utc, db_text

_Q_THREADS = text(
    "SELECT r.external_id, q.inquiry_id, b.email FROM rfq r JOIN buyer b ON b.id = r.buyer_id "
    "LEFT JOIN rfq_quote q ON q.rfq_id = r.id WHERE r.external_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_Q_KNOWN = text("SELECT sent_at, body FROM message WHERE inquiry_id = :i AND direction = 'in'")
_IN = Direction.IN.value


@dataclass(frozen=True)
class Answer:
    """One incoming line that names an RFQ: where it came from, whose it is, when and what."""

    line: int
    rfq: str  # the RFQ's external id
    email: str
    at: datetime
    body: str


def join_answers(
    conn: Connection,
    answers: Sequence[Answer],
    take_message_id: Callable[[], int],
    fail: Callable[[int, str, str], ValidationError],
) -> list[tuple[int, datetime]]:
    """Write the answers into their quote threads; returns (thread, time) per message written.

    TAKE_MESSAGE_ID hands out the new messages' ids (the arrivals pipeline's pool). FAIL(line, field, message) builds the error for a bad line (the caller names the file).
    """
    wanted = sorted({a.rfq for a in answers})
    threads: dict[str, tuple[int | None, str]] = {}
    for start in range(0, len(wanted), 500):
        for ext, inquiry_id, email in conn.execute(_Q_THREADS, {"ids": wanted[start : start + 500]}):
            threads[ext] = (inquiry_id, email)
    written: list[tuple[int, datetime]] = []
    rows = []
    known: dict[int, set[tuple[str, str]]] = {}
    for a in answers:
        found = threads.get(a.rfq)
        if found is None:
            raise fail(a.line, "rfq", f"no RFQ {a.rfq!r} in the store; see `inquiry-tui rfq list`")
        inquiry_id, email = found
        if inquiry_id is None:
            raise fail(a.line, "rfq", f"RFQ {a.rfq!r} has no quote of ours to answer")
        if email != a.email:
            raise fail(a.line, "buyer.email", f"RFQ {a.rfq!r} was posted by another buyer ({email})")
        seen = known.get(inquiry_id)
        if seen is None:
            # a time as the stored text on both engines (PostgreSQL returns a datetime, SQLite the text)
            rows_in = conn.execute(_Q_KNOWN, {"i": inquiry_id})
            seen = known[inquiry_id] = {(db_text(when), str(b)) for t, b in rows_in if (when := as_utc(t)) is not None}
        key = (db_text(a.at), a.body)
        if key in seen:
            continue
        seen.add(key)
        rows.append((take_message_id(), inquiry_id, _IN, None, db_text(a.at), a.body))
        written.append((inquiry_id, a.at))
    if rows:
        bulk.write_threads(conn, [], rows)
        latest: dict[int, datetime] = {}
        for inquiry_id, at in written:
            latest[inquiry_id] = max(at, latest.get(inquiry_id, at))
        last = dialect.greatest(conn, "last_message_at", "?")
        conn.exec_driver_sql(
            f"UPDATE inquiry SET last_message_at = {last}, unread = {dialect.true(conn)}, version = version + 1 "
            "WHERE id = ?",
            [(db_text(at), iid) for iid, at in latest.items()],
        )
    return written
