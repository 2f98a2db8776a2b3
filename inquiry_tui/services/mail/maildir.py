"""`import maildir DIR`: e-mail as mbsync, getmail or fetchmail deliver it, into threads (incremental, idempotent).

A run lists the Maildir's `new/` and `cur/` (keys as the standard library's `mailbox.Maildir`
names them), skips the messages an earlier run read (by folder and key, `maildir_seen`), and
imports the rest oldest first, in chunks of CHUNK messages, one write transaction each. Each
chunk commits on its own, with the keys it read: a run is not all or nothing. Unlike `import
inquiries` (services/arrivals/publishing.py), a Maildir run keeps no import journal and nothing
undoes it: when a run fails or its process dies, the chunks committed stay (colleagues have
seen their threads already; each wrote its own audit row and notices), the chunk being written
is rolled back, and the next run goes on with the messages not remembered. A failure (not a
bad message: that is skipped) discards the attachments staged for that chunk and for those
parsed ahead; a process that dies leaves them in the file store's staging folder, for a purge.
A large run reads, parses, stages the attachments of, judges the text of and reads the terms
of the next AHEAD chunks in worker processes while this process writes the one before
(docs/performance.md has the figures). Within a chunk a message comes
before the answers to it, and an answer whose thread is not known yet that was delivered in
the second the next chunk starts in waits for that chunk (mail delivered in the same second
has no order in a Maildir):
- a message whose Message-ID the store knows is a duplicate, and adds nothing;
- a message that answers a known one (In-Reply-To, else References, newest first) joins its
  thread as a buyer message (unread); with neither, a `Re:` subject from the same buyer joins
  that buyer's e-mail thread of the same subject that was active in the past 30 days;
- any other message is a new `email` thread through the arrival pipeline (services/arrivals):
  junk filter, allocation, auto-reply, record, notices. Auto-replies to e-mail threads go out
  through the outbox as one e-mail;
- attachments go to the file store (services/files);
- a message that cannot be imported (no sender, too large; services/mail/parse.py) is skipped,
  counted and reported with its reason, and never stops the others.
The Maildir itself is only read: flags and files stay as the mail tools left them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from inquiry_tui.domain.errors import InquiryError, ValidationError
from inquiry_tui.domain.mail import country_of_address, references, reply_subject, thread_subject
from inquiry_tui.domain.terms_text import catalogue
from inquiry_tui.domain.vocabulary import Channel, Direction, Folder
from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields
from inquiry_tui.services.arrivals.pipeline import Item, Pipeline
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import blobs
from inquiry_tui.services.files.attachments import attach_staged
from inquiry_tui.services.mail.outbox import Outgoing, queue_many
from inquiry_tui.services.mail.parse import ParsedMail
from inquiry_tui.services.mail.reading import (
    Read,
    batches,
    listing,
    parse_and_stage,
    read_and_parse,
    read_many,
    start_worker,
    subject_sku,
)
from inquiry_tui.store import bulk
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Buyer, Inquiry, MailLink, Message
from inquiry_tui.store.types import db_text

CHUNK = 1_000  # messages per write transaction
PARALLEL_FROM = 2_000  # messages from which a run parses in worker processes
AHEAD = 3  # chunks the workers parse ahead of the one being written
SQL_IN = 500  # ids per IN (...) look-up
SUBJECT_THREAD_DAYS = 30  # a `Re:` joins a thread by subject only if it was active this recently
SHOWN_SKIPS = 20  # skipped messages named in the report (all are counted)
SEEN_IMPORTED, SEEN_JOINED, SEEN_DUPLICATE, SEEN_SKIPPED = "imported", "joined", "duplicate", "skipped"
LINK_COLUMNS = ("rfc_id", "inquiry_id", "message_id", "direction", "reply_to", "refs", "at")
SEEN_COLUMNS = ("folder", "key", "status", "reason", "at")
# A rescan (or two runs at once) reads keys already remembered: the newest outcome wins.
SEEN_UPSERT = (
    "ON CONFLICT (folder, key) DO UPDATE SET status = excluded.status, reason = excluded.reason, at = excluded.at"
)

_l = table_of(MailLink)
_i = table_of(Inquiry)
_b = table_of(Buyer)
_m = table_of(Message)
_IN = Direction.IN.value  # a plain str: sqlite3 binds an enum member by a slower path
_AUTO = Direction.AUTO.value
# The messages of one direction of the threads just added (driver SQL: thousands of rows, no types to apply).
_THREAD_MESSAGES = "SELECT {} FROM message WHERE inquiry_id BETWEEN ? AND ? AND direction = ? ORDER BY inquiry_id, id"
_KEY_TIME = re.compile(r"^(\d{9,11})(?:\.|_|$)")


@dataclass
class MailReport:
    """What one import did; `skipped` names up to SHOWN_SKIPS messages with their reason."""

    read: int = 0  # messages read this run
    already_seen: int = 0  # read by an earlier run, not opened again
    new_threads: int = 0
    joined: int = 0  # answers added to their threads
    duplicates: int = 0  # Message-ID already in the store
    skipped: int = 0
    skipped_reasons: list[tuple[str, str]] = field(default_factory=list)  # (key, reason)
    attachments: int = 0
    attachments_not_kept: int = 0
    auto_replies_queued: int = 0
    junk: int = 0


@dataclass(frozen=True)
class Incoming:
    """One message to import: where it came from (a Maildir key, or a name), its bytes, when it was delivered."""

    key: str
    raw: bytes
    delivered: datetime


class MaildirError(InquiryError):
    """The folder given is not a Maildir one can read."""


def _check_maildir(path: Path) -> Path:
    if not path.exists():
        raise MaildirError(f"{path}: no such folder")
    if not path.is_dir():
        raise MaildirError(f"{path} is a file, not a Maildir folder")
    missing = [d for d in ("cur", "new") if not (path / d).is_dir()]
    if missing:
        raise MaildirError(
            f"{path} is not a Maildir (no {' and '.join(d + '/' for d in missing)}); give the folder "
            "mbsync, getmail or fetchmail deliver into, the one holding cur/, new/ and tmp/"
        )
    if not os.access(path / "cur", os.R_OK | os.X_OK) or not os.access(path / "new", os.R_OK | os.X_OK):
        raise MaildirError(f"{path}: its cur/ and new/ cannot be read by this user")
    return path.resolve()


def delivered_at(key: str, fallback: datetime) -> datetime:
    """When a Maildir message was delivered: the time its key starts with (the Maildir naming rule)."""
    m = _KEY_TIME.match(key)
    if m is None:
        return fallback
    try:
        return datetime.fromtimestamp(int(m[1]), UTC)
    except (OverflowError, OSError, ValueError):
        return fallback


def import_maildir(
    ctx: Ctx,
    path: Path,
    *,
    rescan: bool = False,
    workers: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> MailReport:
    """Import what is new in the Maildir at PATH (RESCAN: read every message again; known ids still add nothing).

    Messages are read, parsed and their attachments staged by WORKERS processes (default: one
    per core for a large run, none for a small one) while this process writes the chunk
    before: that is most of the work, and it needs no store. PROGRESS, if given, hears
    `("messages", written, new)` as each chunk is committed.
    """
    ctx.require_admin("import e-mail")
    folder = _check_maildir(path)
    try:
        files = listing(folder)
    except OSError as exc:
        raise MaildirError(f"{folder} cannot be listed ({exc.strerror or exc})") from None
    keys = list(files)
    seen: set[str] = set()
    if not rescan:
        with ctx.read() as session:
            seen = set(
                session.connection()
                .exec_driver_sql("SELECT key FROM maildir_seen WHERE folder = ?", (str(folder),))
                .scalars()
            )
    now = ctx.now()
    todo = sorted((delivered_at(k, now), k) for k in keys if k not in seen)
    report = MailReport(already_seen=len(keys) - len(todo))
    root = _files_root(ctx)
    products = _product_names(ctx)
    tasks = [(str(folder), files[key], when.timestamp(), root) for when, key in todo]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(tasks) >= PARALLEL_FROM else 0
    chunks = [tasks[i : i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    following = [int(chunk[0][2]) for chunk in chunks[1:]] + [None]  # the second each next chunk starts in
    counted = _counting(progress, len(tasks))
    if workers <= 1 or len(chunks) == 0:
        known = catalogue(products)
        parsed = (read_many(chunk, known) for chunk in chunks)
        _run(
            ctx,
            counted(zip(parsed, following)),
            report,
            folder=str(folder),
            source=folder.name or str(folder),
            products=products,
        )
        return report
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=start_worker, initargs=(products,)
    ) as pool:

        def ahead() -> Generator[list[Read], None, None]:
            # The next AHEAD chunks are parsed while this one is written (the writer never waits on a
            # slow batch); at most AHEAD + 1 chunks are in memory.
            pending: deque[Iterator[list[Read]]] = deque()
            try:
                for chunk in chunks:
                    pending.append(pool.map(read_and_parse, batches(chunk)))
                    if len(pending) > AHEAD:
                        yield [read for batch in pending.popleft() for read in batch]
                while pending:
                    yield [read for batch in pending.popleft() for read in batch]
            finally:  # the run failed: what was parsed ahead is dropped, with its staged attachments
                with contextlib.suppress(Exception):
                    for results in pending:
                        for batch in results:
                            for read in batch:
                                _discard(read)

        with contextlib.closing(ahead()) as parsed:
            _run(
                ctx,
                counted(zip(parsed, following)),
                report,
                folder=str(folder),
                source=folder.name or str(folder),
                products=products,
            )
    return report


def _counting(
    progress: Callable[[str, int, int], None] | None, total: int
) -> Callable[[Iterable[tuple[list[Read], int | None]]], Iterable[tuple[list[Read], int | None]]]:
    """The chunks as they are, reporting `("messages", done, total)` once each is written (the writer asks for
    the next one after committing it)."""

    def counted(chunks: Iterable[tuple[list[Read], int | None]]) -> Iterator[tuple[list[Read], int | None]]:
        done = 0
        for item in chunks:
            yield item
            done += len(item[0])
            if progress is not None:
                progress("messages", done, max(total, done))

    return counted if progress is not None else lambda chunks: chunks


def _product_names(ctx: Ctx) -> tuple[tuple[str, str], ...]:
    """(SKU, name) of every product, as the arrival pipeline builds its catalogue from them (Pipeline.product_names)."""
    with ctx.read() as session:
        rows = session.connection().exec_driver_sql("SELECT sku, name FROM product").all()
    return tuple(sorted((sku, name or "") for sku, name in rows))


def _files_root(ctx: Ctx) -> str:
    """The file store's folder, where workers stage attachments; "" when this store has none (see blobs.files_dir)."""
    try:
        return str(blobs.files_dir(ctx.url))
    except InquiryError:
        return ""  # attachments stay in memory; keeping one then fails with files_dir's one line


def receive_mail(ctx: Ctx, messages: Sequence[Incoming], *, source: str = "mail") -> MailReport:
    """Import messages given in code (the sample company, tests), as a Maildir run would."""
    ctx.require_admin("import e-mail")
    report = MailReport()
    root = _files_root(ctx)
    products = _product_names(ctx)
    known = catalogue(products)
    starts = [messages[i : i + CHUNK] for i in range(0, len(messages), CHUNK)]
    following = [int(part[0].delivered.timestamp()) for part in starts[1:]] + [None]
    chunks = ([parse_and_stage(m.key, m.raw, m.delivered, root, known) for m in part] for part in starts)
    _run(ctx, zip(chunks, following), report, folder=None, source=source, products=products)
    return report


def _run(
    ctx: Ctx,
    chunks: Iterable[tuple[list[Read], int | None]],
    report: MailReport,
    *,
    folder: str | None,
    source: str,
    products: tuple[tuple[str, str], ...],
) -> None:
    """Write each chunk in its own transaction. An answer whose thread is not found yet and that was
    delivered in the second the next chunk starts in waits for that chunk: its parent may be there
    (mail delivered in the same second has no order in a Maildir)."""
    waiting: list[Read] = []
    for chunk, next_second in chunks:
        parsed: list[Read] = list(waiting)
        outcome: dict[str, tuple[str, str]] = {}
        for item in chunk:
            if item.mail is None:
                continue
            report.read += 1
            if isinstance(item.mail, str):
                outcome[item.key] = (SEEN_SKIPPED, item.mail)
                report.skipped += 1
                if len(report.skipped_reasons) < SHOWN_SKIPS:
                    report.skipped_reasons.append((item.key, item.mail))
            else:
                parsed.append(item)
        try:
            with ctx.begin() as conn:  # the chunk's threads and the keys read, together (a savepoint in a seed)
                waiting = _write_chunk(
                    conn, ctx, parsed, outcome, report, source, hold_from=next_second, products=products
                )
                if folder is not None:
                    _remember(conn, folder, outcome, ctx.now())
        except BaseException:
            for item in parsed:
                _discard(item)
            raise


def _discard(item: Read) -> None:
    for _, staged in item.staged:
        blobs.discard(staged)


def _remember(conn: Connection, folder: str, outcome: dict[str, tuple[str, str]], at: datetime) -> None:
    when = db_text(at)
    rows = [(folder, k, s, r[:500], when) for k, (s, r) in outcome.items()]
    bulk.insert_rows(conn, "maildir_seen", SEEN_COLUMNS, rows, upsert=SEEN_UPSERT)


# --- one chunk, one transaction -------------------------------------------------------------------


def _known(conn: Connection, ids: Sequence[str]) -> dict[str, int]:
    """Message-ID -> inquiry id, for the ids the store knows."""
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), SQL_IN):
        part = tuple(unique[start : start + SQL_IN])
        # Driver SQL (qmark on both engines): an expanding IN of SQLAlchemy costs more to build than to run here.
        sql = f"SELECT rfc_id, inquiry_id FROM mail_link WHERE rfc_id IN ({', '.join('?' * len(part))})"
        found.update((r[0], r[1]) for r in conn.exec_driver_sql(sql, part))
    return found


def _taken_external_ids(conn: Connection, ids: Sequence[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(ids), SQL_IN):
        part = tuple(ids[start : start + SQL_IN])
        sql = f"SELECT external_id FROM inquiry WHERE external_id IN ({', '.join('?' * len(part))})"
        taken.update(conn.exec_driver_sql(sql, part).scalars())
    return taken


def _by_subject(conn: Connection, sender: str, subject: str, since: datetime) -> int | None:
    """The sender's e-mail thread of this subject, active since SINCE (for answers without headers)."""
    wanted = thread_subject(subject)
    if not wanted:
        return None
    rows = conn.execute(
        select(_i.c.id, _i.c.subject)
        .join(_b, _b.c.id == _i.c.buyer_id)
        .where(
            _b.c.email == sender,
            _i.c.channel == Channel.EMAIL.value,
            _i.c.folder != Folder.DELETED.value,
            _i.c.last_message_at >= since,
        )
        .order_by(_i.c.last_message_at.desc())
        .limit(20)
    ).all()
    return next((r.id for r in rows if thread_subject(r.subject or "") == wanted), None)


def _external_id(rfc_id: str) -> str:
    return f"email:{rfc_id}"[:200]


def _write_chunk(
    conn: Connection,
    ctx: Ctx,
    chunk: list[Read],
    outcome: dict[str, tuple[str, str]],
    report: MailReport,
    source: str,
    *,
    hold_from: int | None = None,
    products: tuple[tuple[str, str], ...] = (),
) -> list[Read]:
    """Write one chunk; returns the answers held for the next chunk (see `_run`)."""
    if not chunk:
        return []
    parsed = [(item, item.mail) for item in _parents_first(chunk) if isinstance(item.mail, ParsedMail)]
    p = Pipeline(conn, ctx)
    p.index_later = True  # the chunk's search index is built once, at the end (new threads with their answers)
    now = p.now
    # The chunk's own ids (duplicates) and the ids they answer (threads), in one look-up.
    known = _known(conn, [i for _, m in parsed for i in (m.rfc_id, *m.in_reply_to, *m.references)])
    taken = _taken_external_ids(conn, [_external_id(m.rfc_id) for _, m in parsed])
    sku_of = {sku.upper(): sku for sku in p.products}
    new_items: list[tuple[Read, ParsedMail]] = []
    new_ids: dict[str, int] = {}  # Message-ID -> predicted inquiry id of a thread new in this chunk
    new_by_subject: dict[tuple[str, str], int] = {}
    answers: list[tuple[Read, ParsedMail, int]] = []
    held: list[Read] = []
    since = now - timedelta(days=SUBJECT_THREAD_DAYS)
    ahead = p.inquiry_ids.upcoming(len(parsed))  # the ids p.add gives the new threads, in order
    for item, m in parsed:
        key = item.key
        if m.rfc_id in known or m.rfc_id in new_ids or _external_id(m.rfc_id) in taken:
            outcome[key] = (SEEN_DUPLICATE, "")
            report.duplicates += 1
            _discard(item)
            continue
        thread = next(
            (
                known.get(pid, new_ids.get(pid))
                for pid in (*m.in_reply_to, *reversed(m.references))
                if pid in known or pid in new_ids
            ),
            None,
        )
        if thread is None and hold_from is not None and item.delivered >= hold_from and (m.in_reply_to or m.references):
            held.append(item)  # what it answers may be in the next chunk, delivered in the same second
            continue
        if thread is None and m.subject and thread_subject(m.subject) != m.subject.strip().casefold():
            thread = new_by_subject.get((m.sender, thread_subject(m.subject))) or _by_subject(
                conn, m.sender, m.subject, since
            )
        if thread is not None:
            answers.append((item, m, thread))
            known[m.rfc_id] = thread
            outcome[key] = (SEEN_JOINED, "")
            continue
        iid = ahead[len(new_items)]
        new_items.append((item, m))
        new_ids[m.rfc_id] = iid
        new_by_subject.setdefault((m.sender, thread_subject(m.subject)), iid)
        outcome[key] = (SEEN_IMPORTED, "")
    new_range = (ahead[0], ahead[len(new_items) - 1]) if new_items else (0, -1)
    junk_before = p.junk + p.deleted
    if new_items:
        same = p.product_names == products  # else a product changed meanwhile: SKU and terms are found again
        p.add([Item(_arrival(item, m, sku_of, same), n) for n, (item, m) in enumerate(new_items, 1)])
    report.junk += p.junk + p.deleted - junk_before
    report.new_threads += len(new_items)
    first_message = _first_messages(conn, *new_range) if new_items else {}
    links: list[tuple[Any, ...]] = []
    files: list[tuple[int, Read, ParsedMail]] = []
    for item, m in new_items:
        iid = new_ids[m.rfc_id]
        links.append(_link(m, iid, first_message.get(iid)))
        files.append((first_message[iid], item, m))
    joined = _join_answers(conn, p, answers)
    report.joined += len(answers)
    for (item, m, iid), mid in zip(answers, joined):
        links.append(_link(m, iid, mid))
        files.append((mid, item, m))
    # The search index, once: the new threads (answers in this chunk included), then the older threads answered.
    bulk.reindex(conn, p.unindexed, new=set(p.unindexed))
    bulk.reindex(conn, sorted({iid for _, _, iid in answers}.difference(p.unindexed)))
    bulk.insert_rows(conn, "mail_link", LINK_COLUMNS, links)
    _attach(conn, ctx, files, report, now)
    if new_items:
        threads = {new_ids[m.rfc_id]: m for _, m in new_items}
        report.auto_replies_queued += _queue_auto_replies(conn, threads, *new_range, now)
    p.finish("maildir_import", source)
    return held


def _attach(
    conn: Connection, ctx: Ctx, files: list[tuple[int, Read, ParsedMail]], report: MailReport, now: datetime
) -> None:
    """The messages' staged attachments into the file store, in one batch (blobs.commit_many)."""
    staged: list[tuple[int, str, blobs.Staged]] = []
    for mid, item, m in files:
        staged.extend((mid, name, file) for name, file in item.staged)
        report.attachments_not_kept += item.not_kept + sum(1 for note in m.notes if note.startswith("attachment "))
    kept_in_memory = [(mid, m) for mid, _, m in files if m.attachments]
    if not staged and not kept_in_memory:
        return
    root = blobs.files_dir(ctx.url)  # a store with no file store: its one line (nothing of the chunk is kept)
    for mid, m in kept_in_memory:
        for name, data in m.attachments:
            try:
                staged.append((mid, name, blobs.stage_bytes(root, data)))
            except ValidationError:
                report.attachments_not_kept += 1  # over the file store's limit
    report.attachments += attach_staged(conn, root, staged, at=now, by=None)


def _parents_first(chunk: list[Read]) -> list[Read]:
    """The chunk in delivery order, except that a message comes before the answers to it.

    Mail delivered in the same second has no reliable order in a Maildir (its keys sort by
    name), so an answer may be listed before the message it answers.
    """
    mails = [item.mail if isinstance(item.mail, ParsedMail) else None for item in chunk]
    index: dict[str, int] = {}
    for n, m in enumerate(mails):
        if m is not None:
            index.setdefault(m.rfc_id, n)

    def parents(n: int) -> Iterator[int]:
        m = mails[n]
        if m is None:
            return iter(())
        return (index[i] for i in (*m.in_reply_to, *m.references) if index.get(i, n) != n)

    state = [0] * len(chunk)  # 0 not reached, 1 on the current path (a cycle stops there), 2 placed
    out: list[Read] = []
    for start in range(len(chunk)):
        if state[start]:
            continue
        state[start] = 1
        stack = [(start, parents(start))]  # depth first without recursion: a long chain is fine
        while stack:
            n, waiting = stack[-1]
            parent = next((q for q in waiting if state[q] == 0), None)
            if parent is None:
                stack.pop()
                state[n] = 2
                out.append(chunk[n])
            else:
                state[parent] = 1
                stack.append((parent, parents(parent)))
    return out


def _arrival(item: Read, m: ParsedMail, sku_of: dict[str, str], same: bool) -> Arrival:
    """The arrival of a new thread; SAME: the products are those the worker read it with (its SKU and terms hold)."""
    sku = item.sku if same else subject_sku(m.subject, sku_of)
    buyer = BuyerFields(m.sender, m.sender_name, "", country_of_address(m.sender))
    terms = item.terms if same else None  # else the pipeline reads the terms itself
    return Arrival(
        _external_id(m.rfc_id),
        Channel.EMAIL.value,
        m.sent_at,
        buyer,
        sku,
        m.subject,
        m.body,
        text_terms=terms,
        text_junk=item.junk,
    )


def _link(m: ParsedMail, inquiry_id: int, message_id: int | None) -> tuple[Any, ...]:
    # A message without References answers its In-Reply-To: that is its chain (RFC 5322, 3.6.4).
    refs = " ".join((m.references or m.in_reply_to)[-20:])
    return (m.rfc_id, inquiry_id, message_id, _IN, m.reply_to, refs, db_text(m.sent_at))


def _first_messages(conn: Connection, first: int, last: int) -> dict[int, int]:
    """Inquiry id -> the id of its buyer message, for the threads just added."""
    rows = conn.exec_driver_sql(_THREAD_MESSAGES.format("inquiry_id, id"), (first, last, _IN))
    out: dict[int, int] = {}
    for iid, mid in rows:
        out.setdefault(iid, mid)
    return out


def _join_answers(conn: Connection, p: Pipeline, answers: list[tuple[Read, ParsedMail, int]]) -> list[int]:
    """Add each answer to its thread as an unread buyer message; returns their message ids, in order."""
    if not answers:
        return []
    ids = sorted({iid for _, _, iid in answers})
    state: dict[int, tuple[datetime, str]] = {}
    for start in range(0, len(ids), SQL_IN):
        part = ids[start : start + SQL_IN]
        for iid, last, email in conn.execute(
            select(_i.c.id, _i.c.last_message_at, _b.c.email)
            .join(_b, _b.c.id == _i.c.buyer_id)
            .where(_i.c.id.in_(part))
        ):
            state[iid] = (last, email)
    # Threads new in this chunk are written already (p.add ran first): they are in `state` too.
    p.load_buyers(sorted({email for _, email in state.values()}))
    messages, message_ids = [], []
    for _, m, iid in answers:
        mid = p.message_ids.take()
        messages.append((mid, iid, Direction.IN.value, None, db_text(m.sent_at), m.body))
        message_ids.append(mid)
        last, email = state[iid]
        state[iid] = (max(last, m.sent_at), email)
        p.touch(p.buyers[email], m.sent_at)
    p.messages += len(messages)
    bulk.write_threads(conn, [], messages, index=False)  # indexed with the chunk's new threads (_write_chunk)
    conn.exec_driver_sql(
        "UPDATE inquiry SET last_message_at = ?, unread = ?, version = version + 1 WHERE id = ?",
        [(db_text(state[iid][0]), True, iid) for iid in sorted({iid for _, _, iid in answers})],
    )
    return message_ids


def _queue_auto_replies(conn: Connection, new: dict[int, ParsedMail], first: int, last: int, now: datetime) -> int:
    """One e-mail per new thread with smart reception's auto-replies (welcome, FAQ, questions together), in bulk."""
    rows = conn.exec_driver_sql(_THREAD_MESSAGES.format("inquiry_id, id, body"), (first, last, _AUTO))
    by_thread: dict[int, list[tuple[int, str]]] = {}
    for iid, mid, body in rows:
        by_thread.setdefault(iid, []).append((mid, body))
    mails = []
    for iid, parts in by_thread.items():
        m = new[iid]
        mails.append(
            Outgoing(
                inquiry_id=iid,
                message_id=parts[0][0],
                author_id=None,
                to=m.reply_to,
                subject=reply_subject(m.subject),
                in_reply_to=m.rfc_id,
                refs=tuple(references(list(m.references or m.in_reply_to), m.rfc_id)),
                body="\n\n".join(b for _, b in parts),
            )
        )
    return queue_many(conn, mails, at=now)
