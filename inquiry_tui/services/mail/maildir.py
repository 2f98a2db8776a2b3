"""`import maildir DIR`: e-mail as mbsync, getmail or fetchmail deliver it, into threads (incremental, idempotent).

A run reads the Maildir's `new/` and `cur/` (the standard library's `mailbox.Maildir`), skips
the messages an earlier run read (by folder and key, `maildir_seen`), and imports the rest
oldest first, in chunks of CHUNK messages, one write transaction each (a crash keeps the
chunks done; the next run goes on from there):
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

import mailbox
import multiprocessing
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from inquiry_tui.domain.errors import InquiryError, ValidationError
from inquiry_tui.domain.mail import country_of_address, references, reply_subject, thread_subject
from inquiry_tui.domain.vocabulary import Channel, Direction, Folder
from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields
from inquiry_tui.services.arrivals.pipeline import Item, Pipeline
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.attachments import attach
from inquiry_tui.services.mail.outbox import Outgoing, queue_many
from inquiry_tui.services.mail.parse import MAX_MESSAGE_BYTES, MailError, ParsedMail, parse_mail
from inquiry_tui.store import bulk
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Buyer, Inquiry, MaildirSeen, MailLink, Message
from inquiry_tui.store.types import db_text

CHUNK = 1_000  # messages per write transaction
PARALLEL_FROM = 2_000  # messages from which a run parses in worker processes
PARSE_BATCH = 50  # messages handed to a worker at a time
SQL_IN = 500  # ids per IN (...) look-up
SUBJECT_THREAD_DAYS = 30  # a `Re:` joins a thread by subject only if it was active this recently
SHOWN_SKIPS = 20  # skipped messages named in the report (all are counted)
SEEN_IMPORTED, SEEN_JOINED, SEEN_DUPLICATE, SEEN_SKIPPED = "imported", "joined", "duplicate", "skipped"

_l = table_of(MailLink)
_seen = table_of(MaildirSeen)
_i = table_of(Inquiry)
_b = table_of(Buyer)
_m = table_of(Message)
_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]")
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


def import_maildir(ctx: Ctx, path: Path, *, rescan: bool = False, workers: int | None = None) -> MailReport:
    """Import what is new in the Maildir at PATH (RESCAN: read every message again; known ids still add nothing).

    Messages are read and parsed by WORKERS processes (default: one per core for a large run,
    none for a small one) while this process writes the chunk before: parsing is most of the
    work, and it needs no store.
    """
    ctx.require_admin("import e-mail")
    folder = _check_maildir(path)
    box = mailbox.Maildir(str(folder), factory=None, create=False)
    try:
        keys = [k for k in box.iterkeys() if not k.startswith(".")]  # dot files are not messages (Maildir rule)
    except OSError as exc:
        raise MaildirError(f"{folder} cannot be listed ({exc.strerror or exc})") from None
    seen: set[str] = set()
    if not rescan:
        with ctx.read() as session:
            seen = set(session.execute(select(_seen.c.key).where(_seen.c.folder == str(folder))).scalars())
    now = ctx.now()
    todo = sorted((delivered_at(k, now), k) for k in keys if k not in seen)
    report = MailReport(already_seen=len(keys) - len(todo))
    tasks = [(str(folder), key, when.timestamp()) for when, key in todo]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(tasks) >= PARALLEL_FROM else 0
    chunks = [tasks[i : i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    if workers <= 1 or len(chunks) == 0:
        parsed = ([_read_and_parse(t) for t in chunk] for chunk in chunks)
        _run(ctx, parsed, report, folder=str(folder), source=folder.name or str(folder))
        return report
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:

        def ahead() -> Iterator[list[tuple[str, ParsedMail | str | None]]]:
            # The next chunk is parsed while this one is written; at most two chunks are in memory.
            pending = pool.map(_read_and_parse, chunks[0], chunksize=PARSE_BATCH)
            for chunk in chunks[1:]:
                following = pool.map(_read_and_parse, chunk, chunksize=PARSE_BATCH)
                yield list(pending)
                pending = following
            yield list(pending)

        _run(ctx, ahead(), report, folder=str(folder), source=folder.name or str(folder))
    return report


_BOXES: dict[str, mailbox.Maildir] = {}


def _read_and_parse(task: tuple[str, str, float]) -> tuple[str, ParsedMail | str | None]:
    """(key, the parsed message | why it is skipped | None when it went away meanwhile): in a worker or inline."""
    folder, key, delivered = task
    box = _BOXES.get(folder)
    if box is None:
        box = _BOXES[folder] = mailbox.Maildir(folder, factory=None, create=False)
    try:
        with box.get_file(key) as handle:
            handle.seek(0, os.SEEK_END)  # the size first: a huge file is never read
            size = handle.tell()
            if size > MAX_MESSAGE_BYTES:
                mb, limit = size / 1048576, MAX_MESSAGE_BYTES // 1048576
                return key, f"the message is {mb:.1f} MB, over the {limit} MB a message may have"
            handle.seek(0)
            raw = handle.read()
    except (KeyError, FileNotFoundError):
        return key, None  # moved or deleted by a mail tool since the listing: the next run sees it where it went
    except OSError as exc:
        return key, f"cannot be read ({exc.strerror or exc})"
    try:
        return key, parse_mail(raw, delivered=datetime.fromtimestamp(delivered, UTC))
    except MailError as exc:
        return key, str(exc)


def receive_mail(ctx: Ctx, messages: Sequence[Incoming], *, source: str = "mail") -> MailReport:
    """Import messages given in code (the sample company, tests), as a Maildir run would."""
    ctx.require_admin("import e-mail")
    report = MailReport()

    def parsed(m: Incoming) -> tuple[str, ParsedMail | str | None]:
        try:
            return m.key, parse_mail(m.raw, delivered=m.delivered)
        except MailError as exc:
            return m.key, str(exc)

    chunks = ([parsed(m) for m in messages[i : i + CHUNK]] for i in range(0, len(messages), CHUNK))
    _run(ctx, chunks, report, folder=None, source=source)
    return report


def _run(
    ctx: Ctx,
    chunks: Iterable[list[tuple[str, ParsedMail | str | None]]],
    report: MailReport,
    *,
    folder: str | None,
    source: str,
) -> None:
    for chunk in chunks:
        parsed: list[tuple[str, ParsedMail]] = []
        outcome: dict[str, tuple[str, str]] = {}
        for key, result in chunk:
            if result is None:
                continue
            report.read += 1
            if isinstance(result, str):
                outcome[key] = (SEEN_SKIPPED, result)
                report.skipped += 1
                if len(report.skipped_reasons) < SHOWN_SKIPS:
                    report.skipped_reasons.append((key, result))
            else:
                parsed.append((key, result))
        with ctx.engine.begin() as conn:  # the chunk's threads and the keys read, together
            _write_chunk(conn, ctx, parsed, outcome, report, source)
            if folder is not None:
                _remember(conn, folder, outcome, ctx.now())


def _remember(conn: Connection, folder: str, outcome: dict[str, tuple[str, str]], at: datetime) -> None:
    rows = [{"folder": folder, "key": k, "status": s, "reason": r[:500], "at": at} for k, (s, r) in outcome.items()]
    if not rows:
        return
    keys = [r["key"] for r in rows]
    for start in range(0, len(keys), SQL_IN):  # a --rescan reads known keys again
        conn.execute(_seen.delete().where(_seen.c.folder == folder, _seen.c.key.in_(keys[start : start + SQL_IN])))
    conn.execute(insert(_seen), rows)


# --- one chunk, one transaction -------------------------------------------------------------------


@dataclass
class _Thread:
    """A thread an answer can join: in the store, or new in this chunk (an index into the new items)."""

    inquiry_id: int
    buyer_email: str


def _known(conn: Connection, ids: Sequence[str]) -> dict[str, int]:
    """Message-ID -> inquiry id, for the ids the store knows."""
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), SQL_IN):
        part = unique[start : start + SQL_IN]
        found.update(
            (r[0], r[1]) for r in conn.execute(select(_l.c.rfc_id, _l.c.inquiry_id).where(_l.c.rfc_id.in_(part)))
        )
    return found


def _taken_external_ids(conn: Connection, ids: Sequence[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(ids), SQL_IN):
        part = list(ids[start : start + SQL_IN])
        taken.update(conn.execute(select(_i.c.external_id).where(_i.c.external_id.in_(part))).scalars())
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
    parsed: list[tuple[str, ParsedMail]],
    outcome: dict[str, tuple[str, str]],
    report: MailReport,
    source: str,
) -> None:
    if not parsed:
        return
    parsed = _parents_first(parsed)
    p = Pipeline(conn, ctx)
    now = p.now
    # The chunk's own ids (duplicates) and the ids they answer (threads), in one look-up.
    known = _known(conn, [i for _, m in parsed for i in (m.rfc_id, *m.in_reply_to, *m.references)])
    taken = _taken_external_ids(conn, [_external_id(m.rfc_id) for _, m in parsed])
    sku_of = {sku.upper(): sku for sku in p.products}
    new_items: list[tuple[str, ParsedMail]] = []
    new_ids: dict[str, int] = {}  # Message-ID -> predicted inquiry id of a thread new in this chunk
    new_by_subject: dict[tuple[str, str], int] = {}
    answers: list[tuple[str, ParsedMail, int]] = []
    since = now - timedelta(days=SUBJECT_THREAD_DAYS)
    ahead = p.inquiry_ids.upcoming(len(parsed))  # the ids p.add gives the new threads, in order
    for key, m in parsed:
        if m.rfc_id in known or m.rfc_id in new_ids or _external_id(m.rfc_id) in taken:
            outcome[key] = (SEEN_DUPLICATE, "")
            report.duplicates += 1
            continue
        thread = next(
            (
                known.get(pid, new_ids.get(pid))
                for pid in (*m.in_reply_to, *reversed(m.references))
                if pid in known or pid in new_ids
            ),
            None,
        )
        if thread is None and m.subject and thread_subject(m.subject) != m.subject.strip().casefold():
            thread = new_by_subject.get((m.sender, thread_subject(m.subject))) or _by_subject(
                conn, m.sender, m.subject, since
            )
        if thread is not None:
            answers.append((key, m, thread))
            known[m.rfc_id] = thread
            outcome[key] = (SEEN_JOINED, "")
            continue
        iid = ahead[len(new_items)]
        new_items.append((key, m))
        new_ids[m.rfc_id] = iid
        new_by_subject.setdefault((m.sender, thread_subject(m.subject)), iid)
        outcome[key] = (SEEN_IMPORTED, "")
    new_range = (ahead[0], ahead[len(new_items) - 1]) if new_items else (0, -1)
    junk_before = p.junk + p.deleted
    if new_items:
        p.add([Item(_arrival(m, sku_of), n) for n, (_, m) in enumerate(new_items, 1)])
    report.junk += p.junk + p.deleted - junk_before
    report.new_threads += len(new_items)
    first_message = _first_messages(conn, *new_range) if new_items else {}
    links: list[dict[str, Any]] = []
    files: list[tuple[int, ParsedMail]] = []
    for _, m in new_items:
        iid = new_ids[m.rfc_id]
        links.append(_link(m, iid, first_message.get(iid), now))
        files.append((first_message[iid], m))
    joined = _join_answers(conn, p, answers)
    report.joined += len(answers)
    for (_, m, iid), mid in zip(answers, joined):
        links.append(_link(m, iid, mid, now))
        files.append((mid, m))
    if links:
        conn.execute(insert(_l), links)
    for mid, m in files:
        for name, data in m.attachments:
            try:
                attach(conn, ctx.url, mid, name, data, at=now)
                report.attachments += 1
            except ValidationError:
                report.attachments_not_kept += 1  # over a limit the file store sets
        report.attachments_not_kept += sum(1 for note in m.notes if note.startswith("attachment "))
    if new_items:
        threads = {new_ids[m.rfc_id]: m for _, m in new_items}
        report.auto_replies_queued += _queue_auto_replies(conn, threads, *new_range, now)
    p.finish("maildir_import", source)


def _parents_first(parsed: list[tuple[str, ParsedMail]]) -> list[tuple[str, ParsedMail]]:
    """The chunk in delivery order, except that a message comes before the answers to it.

    Mail delivered in the same second has no reliable order in a Maildir (its keys sort by
    name), so an answer may be listed before the message it answers.
    """
    index: dict[str, int] = {}
    for n, (_, m) in enumerate(parsed):
        index.setdefault(m.rfc_id, n)

    def parents(n: int) -> Iterator[int]:
        m = parsed[n][1]
        return (index[i] for i in (*m.in_reply_to, *m.references) if index.get(i, n) != n)

    state = [0] * len(parsed)  # 0 not reached, 1 on the current path (a cycle stops there), 2 placed
    out: list[tuple[str, ParsedMail]] = []
    for start in range(len(parsed)):
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
                out.append(parsed[n])
            else:
                state[parent] = 1
                stack.append((parent, parents(parent)))
    return out


def _arrival(m: ParsedMail, sku_of: dict[str, str]) -> Arrival:
    sku = next((sku_of[t.upper()] for t in _SKU.findall(m.subject) if t.upper() in sku_of), None)
    buyer = BuyerFields(m.sender, m.sender_name, "", country_of_address(m.sender))
    return Arrival(_external_id(m.rfc_id), Channel.EMAIL.value, m.sent_at, buyer, sku, m.subject, m.body)


def _link(m: ParsedMail, inquiry_id: int, message_id: int | None, now: datetime) -> dict[str, Any]:
    return {
        "rfc_id": m.rfc_id,
        "inquiry_id": inquiry_id,
        "message_id": message_id,
        "direction": Direction.IN.value,
        "reply_to": m.reply_to,
        # A message without References answers its In-Reply-To: that is its chain (RFC 5322, 3.6.4).
        "refs": " ".join((m.references or m.in_reply_to)[-20:]),
        "at": m.sent_at,
    }


def _first_messages(conn: Connection, first: int, last: int) -> dict[int, int]:
    """Inquiry id -> the id of its buyer message, for the threads just added."""
    rows = conn.execute(
        select(_m.c.inquiry_id, _m.c.id)
        .where(_m.c.inquiry_id.between(first, last), _m.c.direction == Direction.IN.value)
        .order_by(_m.c.inquiry_id, _m.c.id)
    ).all()
    out: dict[int, int] = {}
    for iid, mid in rows:
        out.setdefault(iid, mid)
    return out


def _join_answers(conn: Connection, p: Pipeline, answers: list[tuple[str, ParsedMail, int]]) -> list[int]:
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
    bulk.write_threads(conn, [], messages)
    conn.execute(
        update(_i)
        .where(_i.c.id == bindparam("thread"))
        .values(last_message_at=bindparam("last"), unread=True, version=_i.c.version + 1),
        [{"thread": iid, "last": state[iid][0]} for iid in sorted({iid for _, _, iid in answers})],
    )
    return message_ids


def _queue_auto_replies(conn: Connection, new: dict[int, ParsedMail], first: int, last: int, now: datetime) -> int:
    """One e-mail per new thread with smart reception's auto-replies (welcome, FAQ, questions together), in bulk."""
    rows = conn.execute(
        select(_m.c.inquiry_id, _m.c.id, _m.c.body)
        .where(_m.c.inquiry_id.between(first, last), _m.c.direction == Direction.AUTO.value)
        .order_by(_m.c.inquiry_id, _m.c.id)
    ).all()
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
