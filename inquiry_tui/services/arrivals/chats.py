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
  last line is the buyer's.
- Chat buyers stay buyers: which of them become customers is chosen afterwards in the chat
  manager ("Import from TM", services.chats.customers), or all of them at once with
  `make_customers` (`import chats --customers`).
- A line's attachments are staged as the file is read and put on its message once written.
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
from inquiry_tui.services.files.importing import StagedAttachment, Stager
from inquiry_tui.services.records.inquiries import ChatLineRecord
from inquiry_tui.services.records.reader import Record, iter_records
from inquiry_tui.services.records.validate import check_record
from inquiry_tui.services.setup.settings import get_settings
from inquiry_tui.store import bulk, dialect
from inquiry_tui.store.types import as_utc, db_text

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
    attachments: tuple[StagedAttachment, ...] = ()


@dataclass(frozen=True)
class ChatImportReport:
    threads: ArrivalReport  # the new threads (arrivals)
    lines: int
    extended: int  # existing threads that got new lines
    skipped_seller_lines: int
    already_imported: int  # lines found in their thread already (same sender, time and text)
    customers: int  # chat buyers made customers by this import (with make_customers)
    buyers: int = 0  # chat buyers in the file with a thread
    attachments: int = 0


def chat_line_from_record(path: Path, record: Record, stager: Stager | None = None) -> ChatLine:
    """Check one chat record (docs/cli.md, File formats); errors name file, line and field."""
    r = check_record(ChatLineRecord, path, record)
    files = stager.stage(r.attachments, source=path, line=record.line) if r.attachments and stager else ()
    return ChatLine(buyer_from(r.buyer), r.sent_at, r.sender, r.text, record.line, files)


@dataclass
class _Open:
    """A thread lines can join: in the store (`id`) or new in this import (`item_lines`)."""

    last: datetime
    id: int | None = None
    received: datetime | None = None
    first_response: datetime | None = None
    lines: list[tuple[str, datetime, str]] | None = None


def import_chats(ctx: Ctx, path: Path, *, make_customers: bool = False) -> ChatImportReport:
    """Read, group and import a chat file in one transaction (all or nothing)."""
    ctx.require_admin("import chats")
    stager = Stager(ctx, max_mb=get_settings(ctx).files.max_mb)
    failed = True
    try:
        lines = [chat_line_from_record(path, r, stager) for r in iter_records(path)]
        report = receive_chats(ctx, lines, path=path, make_customers=make_customers, stager=stager)
        failed = False
        return report
    finally:
        stager.close(failed=failed)


def receive_chats(
    ctx: Ctx,
    lines: list[ChatLine],
    *,
    path: Path | None = None,
    make_customers: bool = False,
    stager: Stager | None = None,
) -> ChatImportReport:
    ctx.require_admin("import chats")
    per_buyer: dict[str, list[ChatLine]] = defaultdict(list)
    buyer_of: dict[str, BuyerFields] = {}
    for line in lines:
        per_buyer[line.buyer.email].append(line)
        buyer_of.setdefault(line.buyer.email, line.buyer)
    with ctx.begin() as conn:
        p = Pipeline(conn, ctx, path=path, customer_source="chat" if make_customers else None)
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
        attached = _attach(conn, p, lines, stager)
        report = p.finish("chats_import", path.name if path else "chats")
    buyers = len(per_buyer) - len(unused)
    return ChatImportReport(
        report, len(lines), extended, skipped, duplicates, buyers if make_customers else 0, buyers, attached
    )


def _attach(conn: Any, p: Pipeline, lines: list[ChatLine], stager: Stager | None) -> int:
    """Put each line's staged files on the message the line became (found by thread buyer, sender, time and text)."""
    rows: list[tuple[int, StagedAttachment]] = []
    for c in lines:
        if not c.attachments:
            continue
        if stager is None:
            raise ValueError("chat lines with attachments need the stager that staged them")
        found = conn.exec_driver_sql(
            "SELECT m.id FROM message m JOIN inquiry i ON i.id = m.inquiry_id WHERE i.buyer_id = ? "
            f"AND i.channel = '{Channel.TM}' AND m.direction = ? AND m.sent_at = ? AND m.body = ? "
            "AND NOT EXISTS (SELECT 1 FROM attachment a WHERE a.message_id = m.id) ORDER BY m.id DESC LIMIT 1",
            (p.buyers[c.buyer.email].id, _IN if c.sender == "buyer" else _OUT, db_text(c.sent_at), c.text),
        ).first()
        if found is not None:  # None: a seller line skipped (no buyer line) or a line imported before
            rows.extend((found[0], f) for f in c.attachments)
    if stager is not None and rows:
        stager.attach(conn, rows, at=p.now)
    return len(rows)


def _latest_thread(conn: Any, buyer_id: int) -> _Open | None:
    row = conn.exec_driver_sql(
        "SELECT id, last_message_at, received_at, first_response_at FROM inquiry WHERE buyer_id = ? "
        f"AND channel = '{Channel.TM}' AND folder != '{Folder.DELETED}' ORDER BY last_message_at DESC, id DESC LIMIT 1",
        (buyer_id,),
    ).first()
    if row is None:
        return None

    last = as_utc(row[1])
    assert last is not None  # last_message_at is NOT NULL
    return _Open(last=last, id=row[0], received=as_utc(row[2]), first_response=as_utc(row[3]))


def _utc(value: Any) -> datetime:
    found = as_utc(value)
    assert found is not None  # sent_at is NOT NULL
    return found


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
    nul = "\x00" if dialect.is_sqlite(conn) else dialect.NUL_MARK  # how the store kept a NUL (store.dialect)
    for iid, (thread, all_lines) in extensions.items():
        # Lines already in the thread (same sender, time and text) are skipped: re-importing a file is harmless.
        known = {
            (d, db_text(_utc(t)), b)
            for d, t, b in conn.exec_driver_sql(
                "SELECT direction, sent_at, body FROM message WHERE inquiry_id = ?", (iid,)
            )
        }
        lines = sorted(
            (m for m in all_lines if (m[0], db_text(m[1]), m[2].replace("\x00", nul)) not in known), key=lambda m: m[1]
        )
        duplicates += len(all_lines) - len(lines)
        if not lines:
            continue
        first_response = thread.first_response
        for direction, at, text in lines:
            messages.append(
                (p.message_ids.take(), iid, direction, owners[iid] if direction == _OUT else None, db_text(at), text)
            )
            if direction == _OUT and first_response is None and thread.received and at >= thread.received:
                first_response = at
            p.touch(by_id[buyer_ids[iid]], at)
        last_direction = lines[-1][0]
        replied = any(d == _OUT for d, _, _ in lines)
        updates.append(
            (
                db_text(thread.last),
                last_direction == _IN,
                replied,
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
    if dialect.is_sqlite(conn):
        update = (
            "UPDATE inquiry SET last_message_at = max(last_message_at, ?), unread = ?, replied = max(replied, ?), "
            "first_response_at = COALESCE(first_response_at, ?), version = version + 1 WHERE id = ?"
        )
    else:
        update = (
            "UPDATE inquiry SET last_message_at = GREATEST(last_message_at, CAST(? AS timestamp)), unread = ?, "
            "replied = replied OR ?, first_response_at = COALESCE(first_response_at, CAST(? AS timestamp)), "
            "version = version + 1 WHERE id = ?"
        )
    conn.exec_driver_sql(update, updates)
    return len(updates), duplicates
