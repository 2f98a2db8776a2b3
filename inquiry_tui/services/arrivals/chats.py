"""`import chats FILE`: chat (TradeManager) lines grouped into `tm` threads; their buyers become customers.

A record is {buyer {...}, sent_at, from buyer|seller, text}. Lines are grouped per buyer and
ordered by time. Threads (choices where the contract is silent):
- A line joins the buyer's current chat thread, in the store or earlier in the file, when that
  thread's last message is at most 30 days older; otherwise a buyer line starts a new thread.
- A new thread's first buyer line is its arrival and runs the whole pipeline (junk, routing,
  auto-replies, record); its external id is `tm:EMAIL:TIME` (unique, like every external id).
- Seller lines with no current thread wait for the buyer's next line and open that thread with
  it (the seller spoke first); if the buyer never writes, they are skipped and counted.
- A line already in its thread (same sender, time and text) is skipped, so importing a file
  twice adds nothing.
- Seller lines are `out` messages authored by the thread's owner; the thread is unread when its
  last line is the buyer's. Every chat buyer becomes a customer with source `chat` ("Import
  from TM", seed 000) unless already a customer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.domain.vocabulary import Channel, Direction, Folder
from inquiry_tui.services.allocation.supervision import sweep
from inquiry_tui.services.arrivals.answers import absorb_answers
from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, buyer_from
from inquiry_tui.services.arrivals.pipeline import ArrivalReport, Item, Pipeline
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.records.inquiries import ChatLineRecord
from inquiry_tui.services.records.reader import Record, iter_records
from inquiry_tui.services.records.validate import check_record
from inquiry_tui.store import bulk
from inquiry_tui.store.types import db_text

THREAD_GAP = timedelta(days=30)
SUBJECT_CHARS = 80
_IN, _OUT = Direction.IN.value, Direction.OUT.value  # plain strings for the bulk rows


@dataclass(frozen=True)
class ChatLine:
    buyer: BuyerFields
    sent_at: datetime
    sender: str  # buyer | seller
    text: str
    line: int = 0


@dataclass(frozen=True)
class ChatImportReport:
    threads: ArrivalReport  # the new threads (arrivals)
    lines: int
    extended: int  # existing threads that got new lines
    skipped_seller_lines: int
    already_imported: int  # lines found in their thread already (same sender, time and text)
    customers: int  # chat buyers in the file (now customers)


def chat_line_from_record(path: Path, record: Record) -> ChatLine:
    """Check one chat record (docs/cli.md, File formats); errors name file, line and field."""
    r = check_record(ChatLineRecord, path, record)
    return ChatLine(buyer_from(r.buyer), r.sent_at, r.sender, r.text, record.line)


@dataclass
class _Open:
    """A thread lines can join: in the store (`id`) or new in this import (`item_lines`)."""

    last: datetime
    id: int | None = None
    received: datetime | None = None
    first_response: datetime | None = None
    lines: list[tuple[str, datetime, str]] | None = None


def import_chats(ctx: Ctx, path: Path) -> ChatImportReport:
    """Read, group and import a chat file in one transaction (all or nothing)."""
    return receive_chats(ctx, [chat_line_from_record(path, r) for r in iter_records(path)], path=path)


def receive_chats(ctx: Ctx, lines: list[ChatLine], *, path: Path | None = None) -> ChatImportReport:
    ctx.require_admin("import chats")
    per_buyer: dict[str, list[ChatLine]] = defaultdict(list)
    buyer_of: dict[str, BuyerFields] = {}
    for line in lines:
        per_buyer[line.buyer.email].append(line)
        buyer_of.setdefault(line.buyer.email, line.buyer)
    with ctx.engine.begin() as conn:
        p = Pipeline(conn, ctx, path=path, customer_source="chat")
        sweep(p)  # escalation and returns from away run on every arrival
        p.load_buyers(list(per_buyer))
        new_threads: list[tuple[Arrival, int, list[tuple[str, datetime, str]]]] = []
        extensions: dict[int, tuple[_Open, list[tuple[str, datetime, str]]]] = {}
        skipped = 0
        unused: set[str] = set()
        for email, buyer_lines in per_buyer.items():
            before_skipping = skipped
            buyer_lines.sort(key=lambda c: c.sent_at)
            current = _latest_thread(conn, p.buyers[email].id) if not p.buyers[email].new else None
            pending: list[tuple[str, datetime, str]] = []
            for c in buyer_lines:
                direction = _IN if c.sender == "buyer" else _OUT
                if current is not None and c.sent_at - current.last <= THREAD_GAP:
                    current.last = max(current.last, c.sent_at)
                    if current.lines is not None:
                        current.lines.append((direction, c.sent_at, c.text))
                    else:
                        assert current.id is not None  # a thread with no lines of this import is a stored one
                        extensions.setdefault(current.id, (current, []))[1].append((direction, c.sent_at, c.text))
                elif direction == _OUT:
                    pending.append((direction, c.sent_at, c.text))
                else:
                    subject = truncate(safe_line(c.text).strip(), SUBJECT_CHARS) or "Chat"
                    arrival = Arrival(
                        f"tm:{email}:{c.sent_at.isoformat()}",
                        Channel.TM.value,
                        c.sent_at,
                        buyer_of[email],
                        None,
                        subject,
                        c.text,
                    )
                    later = pending
                    pending = []
                    new_threads.append((arrival, c.line, later))
                    current = _Open(last=c.sent_at, lines=later)
            skipped += len(pending)
            if skipped - before_skipping == len(buyer_lines):
                unused.add(email)  # only seller lines, no thread to put them in: no customer either
        p.buyers_added -= sum(1 for email in unused if p.buyers[email].new)
        new_threads.sort(key=lambda t: t[0].received_at)  # rotation turns follow time across buyers
        p.add([Item(a, line, tuple(sorted(later, key=lambda m: m[1]))) for a, line, later in new_threads])
        extended, duplicates = _extend(conn, p, extensions, {email: p.buyers[email] for email in per_buyer})
        report = p.finish("chats_import", path.name if path else "chats")
    return ChatImportReport(report, len(lines), extended, skipped, duplicates, len(per_buyer) - len(unused))


def _latest_thread(conn: Any, buyer_id: int) -> _Open | None:
    row = conn.exec_driver_sql(
        "SELECT id, last_message_at, received_at, first_response_at FROM inquiry WHERE buyer_id = ? "
        f"AND channel = '{Channel.TM}' AND folder != '{Folder.DELETED}' ORDER BY last_message_at DESC, id DESC LIMIT 1",
        (buyer_id,),
    ).first()
    if row is None:
        return None

    def at(text: str | None) -> datetime | None:
        return datetime.fromisoformat(text + "+00:00") if text else None

    last = datetime.fromisoformat(row[1] + "+00:00")  # last_message_at is NOT NULL
    return _Open(last=last, id=row[0], received=at(row[2]), first_response=at(row[3]))


def _extend(
    conn: Any, p: Pipeline, extensions: dict[int, tuple[_Open, list[tuple[str, datetime, str]]]], buyers: dict[str, Any]
) -> tuple[int, int]:
    """Append lines to threads already in the store and update their state; returns (threads, duplicate lines)."""
    if not extensions:
        return 0, 0
    marks = ", ".join("?" * len(extensions))
    rows = conn.exec_driver_sql(
        f"SELECT id, owner_id, buyer_id FROM inquiry WHERE id IN ({marks})", tuple(extensions)
    ).all()
    owners = {r[0]: r[1] for r in rows}
    buyer_ids = {r[0]: r[2] for r in rows}
    by_id = {b.id: b for b in buyers.values()}
    messages, updates = [], []
    duplicates = 0
    for iid, (thread, all_lines) in extensions.items():
        # Lines already in the thread (same sender, time and text) are skipped: re-importing a file is harmless.
        known = {
            (d, t, b)
            for d, t, b in conn.exec_driver_sql(
                "SELECT direction, sent_at, body FROM message WHERE inquiry_id = ?", (iid,)
            )
        }
        lines = sorted((m for m in all_lines if (m[0], db_text(m[1]), m[2]) not in known), key=lambda m: m[1])
        duplicates += len(all_lines) - len(lines)
        if not lines:
            continue
        first_response = thread.first_response
        for direction, at, text in lines:
            messages.append(
                (p.next_message, iid, direction, owners[iid] if direction == _OUT else None, db_text(at), text)
            )
            p.next_message += 1
            if direction == _OUT and first_response is None and thread.received and at >= thread.received:
                first_response = at
            p.touch(by_id[buyer_ids[iid]], at)
        last_direction = lines[-1][0]
        replied = any(d == _OUT for d, _, _ in lines)
        updates.append(
            (
                db_text(thread.last),
                int(last_direction == _IN),
                int(replied),
                db_text(first_response) if first_response else None,
                iid,
            )
        )
    p.messages += len(messages)
    if not messages:
        return len(updates), duplicates
    answers: dict[int, list[tuple[datetime, str]]] = {row[1]: [] for row in messages if row[2] == _IN}
    for row in messages:
        if row[2] == _IN:
            answers[row[1]].append((datetime.fromisoformat(row[4]).replace(tzinfo=UTC), row[5]))
    absorb_answers(conn, answers, p.catalogue)  # the buyer's answers to smart questions, as terms
    bulk.write_threads(conn, [], messages)
    conn.exec_driver_sql(
        "UPDATE inquiry SET last_message_at = max(last_message_at, ?), unread = ?, replied = max(replied, ?), "
        "first_response_at = COALESCE(first_response_at, ?), version = version + 1 WHERE id = ?",
        updates,
    )
    return len(updates), duplicates
