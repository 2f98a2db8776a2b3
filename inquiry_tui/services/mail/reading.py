"""Reading a Maildir for `import maildir` (services/mail/maildir.py): listing it, and reading, parsing and staging its messages.

This is the part of an import that needs no store, so a large run does it in worker processes
(`read_and_parse`, one batch of messages a call) while the importing process writes: each file
is read (threads overlap the disk waits), parsed (services/mail/parse.py), its attachments
staged in the file store (written and flushed out of the write transaction; the writer only
renames them into place), and what it states read for the arrival pipeline
(domain.terms_text, with the products' catalogue the worker was started with).
"""

from __future__ import annotations

import mailbox
import os
import re
import signal
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, cast

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.junk import TextVerdict, judge_text
from inquiry_tui.domain.terms import Terms
from inquiry_tui.domain.terms_text import Catalogue, catalogue, read_terms
from inquiry_tui.services.files import blobs
from inquiry_tui.services.mail.parse import MAX_MESSAGE_BYTES, MailError, ParsedMail, parse_mail

PARSE_BATCH = 50  # messages handed to a worker at a time
READ_THREADS = 8  # files of a batch read at once (each waits on the disk when it is not in the page cache)
# (Maildir folder, its `new/...` or `cur/...` file, the delivery time, the file store's folder or "")
Task = tuple[str, str, float, str]
_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]")


def listing(folder: Path) -> dict[str, str]:
    """Key -> its file (`new/...` or `cur/...`) as mailbox.Maildir lists them: the key is the name up to the
    flags (`:2,S`); dot files are not messages (Maildir rule). Workers open the file by this name, without
    the look-ups mailbox.Maildir makes per message."""
    found: dict[str, str] = {}
    for sub in ("new", "cur"):
        with os.scandir(folder / sub) as entries:
            for entry in entries:
                if entry.name.startswith(".") or entry.is_dir():
                    continue
                found[entry.name.split(mailbox.Maildir.colon)[0]] = f"{sub}/{entry.name}"
    return found


def batches(chunk: list[Task]) -> list[list[Task]]:
    return [chunk[i : i + PARSE_BATCH] for i in range(0, len(chunk), PARSE_BATCH)]


@dataclass(frozen=True)
class Read:
    """One message as a worker hands it back: the parsed mail (or why it is skipped; None: it went away
    meanwhile), with its attachments staged in the file store when there is one (then `mail.attachments` is empty)."""

    key: str
    delivered: int  # the second it was delivered (Maildir key), for chunk boundaries
    mail: ParsedMail | str | None
    staged: tuple[tuple[str, blobs.Staged], ...] = ()
    not_kept: int = 0  # attachments the file store refused (over its limit)
    terms: Terms | None = None  # what its subject and body state (read here, in parallel, for the pipeline)
    # For a new thread, also found here: the catalogue SKU its subject names, and the junk filter's verdict on its text.
    sku: str | None = None
    junk: TextVerdict | None = None


_BOXES: dict[str, mailbox.Maildir] = {}


def read_and_parse(batch: list[Task]) -> list[Read]:
    """`_read_many` in a worker process."""
    return read_many(batch, _WORKER["catalogue"])


def read_many(batch: Sequence[Task], products: Catalogue) -> list[Read]:
    """Read, parse and stage Maildir messages, and read what each states: in a worker or inline.

    The files are read by threads first (a file not in the page cache waits on the disk, not
    the CPU, and several reads wait together), then parsed one by one.
    """
    loaded = list(_readers().map(_load, batch)) if len(batch) > 1 else [_load(t) for t in batch]
    out = []
    for (_, name, delivered, root), raw in zip(batch, loaded):
        key = _key(name)
        if isinstance(raw, bytes):
            out.append(parse_and_stage(key, raw, datetime.fromtimestamp(delivered, UTC), root, products))
        else:
            out.append(Read(key, int(delivered), raw))  # why it is skipped, or None: gone meanwhile
    return out


def _key(name: str) -> str:
    return name[4:].split(mailbox.Maildir.colon)[0]  # `new/KEY` or `cur/KEY:2,FLAGS`


_READERS: dict[int, ThreadPoolExecutor] = {}  # by process id: a forked worker makes its own


def _readers() -> ThreadPoolExecutor:
    pool = _READERS.get(os.getpid())
    if pool is None:
        pool = _READERS[os.getpid()] = ThreadPoolExecutor(max_workers=READ_THREADS, thread_name_prefix="maildir-read")
    return pool


def _load(task: Task) -> bytes | str | None:
    """The bytes of one message; or why it is skipped; or None when it went away since the listing."""
    folder, name, _, _ = task
    try:
        with _open(folder, name, _key(name)) as handle:
            handle.seek(0, os.SEEK_END)  # the size first: a huge file is never read
            size = handle.tell()
            if size > MAX_MESSAGE_BYTES:
                mb, limit = size / 1048576, MAX_MESSAGE_BYTES // 1048576
                return f"the message is {mb:.1f} MB, over the {limit} MB a message may have"
            handle.seek(0)
            return handle.read()
    except (KeyError, FileNotFoundError):
        return None  # moved or deleted by a mail tool since the listing: the next run sees it where it went
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"


def _open(folder: str, name: str, key: str) -> BinaryIO:
    try:
        return open(os.path.join(folder, name), "rb")
    except FileNotFoundError:
        # A mail reader moved it from new/ to cur/ or changed its flags since the listing: find it by key.
        box = _BOXES.get(folder)
        if box is None:
            box = _BOXES[folder] = mailbox.Maildir(folder, factory=None, create=False)
        return cast(BinaryIO, box.get_file(key))  # a file-like proxy: seek, tell, read, close


def parse_and_stage(key: str, raw: bytes, delivered: datetime, root: str, products: Catalogue) -> Read:
    try:
        m = parse_mail(raw, delivered=delivered)
    except MailError as exc:
        return Read(key, int(delivered.timestamp()), str(exc))
    # As the pipeline would read it for a new thread (services/arrivals/pipeline.py); unused for an answer.
    terms = read_terms(f"{m.subject}\n{m.body}", today=m.sent_at.date(), products=products)
    sku, junk = subject_sku(m.subject, _sku_of(products.skus)), judge_text(m.subject, m.body)
    if not m.attachments or not root:
        return Read(key, int(delivered.timestamp()), m, terms=terms, sku=sku, junk=junk)
    # Written and flushed to the file store's staging folder here, in parallel, out of the write
    # transaction; the writer only renames them into place (blobs.commit_many).
    staged: list[tuple[str, blobs.Staged]] = []
    not_kept = 0
    for name, data in m.attachments:
        try:
            # Fsynced here (Staged.synced): blobs.commit_many, in the writer, then only renames it into place.
            staged.append((name, blobs.stage_bytes(Path(root), data)))
        except ValidationError:
            not_kept += 1  # over the file store's limit
    return Read(key, int(delivered.timestamp()), replace(m, attachments=()), tuple(staged), not_kept, terms, sku, junk)


def subject_sku(subject: str, sku_of: dict[str, str]) -> str | None:
    """The first catalogue SKU a subject names as a word (any case), given SKU upper-cased -> SKU."""
    return next((sku_of[t.upper()] for t in _SKU.findall(subject) if t.upper() in sku_of), None)


@lru_cache(maxsize=4)
def _sku_of(skus: tuple[str, ...]) -> dict[str, str]:
    return {sku.upper(): sku for sku in skus}


_WORKER: dict[str, Catalogue] = {}


def start_worker(products: tuple[tuple[str, str], ...]) -> None:
    """A worker process's start: the catalogue of the products (SKU, name) that terms are read with.

    ctrl+c reaches the whole process group: the importing process stops the run and says what was kept;
    a worker ignores it, so it never prints a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["catalogue"] = catalogue(products)
