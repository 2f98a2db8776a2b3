"""A big JSON Lines import file read and checked by worker processes, in file order.

`import inquiries` spends most of its CPU per record before any decision: JSON, the field
rules, reading what the text states (domain.terms_text) and judging the text for junk
(domain.junk.judge_text), none of which needs the store. From PARALLEL_FROM_BYTES on, the file
is cut at line ends into parts of PART_BYTES; one worker process per core (at most MAX_WORKERS)
turns each part into checked arrivals with their `text_terms` read and `text_junk` judged, and
the importing process takes the parts back in file order, at most a few ahead (bounded memory).
What comes back is exactly what the serial path makes (`arrival_from_record`,
`pipeline.known_terms`, `read_terms` with the same catalogue, `judge_text`, which `judge` runs
itself when an arrival has no `text_junk`). A plain record (no attachments, nothing unusual) is checked on
a written-out path (services/arrivals/quick_record.py: the same rules, no model) and packed straight
into the tuple `flat` would make of its arrival (`_quick`); anything else goes the usual way:

- a part with a bad record is read again in this process, which raises the very error the
  serial path raises, at the first bad line of the file (the parts before it were good);
- a record with attachments is sent back as it was read and checked here, where the import's
  stager lives (staging writes files).

`import inquiries` starts its workers with `text=False`: they check and pack, and leave the text
unread (`text_terms` and `text_junk` None, as the serial path leaves them), so that the checking,
which ends before anything is written, costs half as much; `read_text` reads it later, in the
processes of services/arrivals/text_readers.py, while the import publishes.

CSV files, small files and one-core machines take the serial path. Workers run at a lower
priority (WORKER_NICENESS), so that on a shared machine the sessions of colleagues who are
replying meanwhile get a busy core first.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, fields
from functools import cache
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from inquiry_tui.domain.junk import TextVerdict, judge_text
from inquiry_tui.domain.terms import Terms
from inquiry_tui.domain.terms_text import Catalogue, catalogue, read_terms
from inquiry_tui.services.arrivals import quick_record
from inquiry_tui.services.arrivals.pipeline import Item, known_terms
from inquiry_tui.services.files.importing import Stager
from inquiry_tui.services.records.reader import Record, file_format, iter_records, jsonl_records

PARALLEL_FROM_BYTES = 2_000_000  # ~5,000 inquiries: below, starting workers costs more than it saves
PART_BYTES = 1_000_000  # ~2,500 inquiries a part
MAX_WORKERS = 4
AHEAD = 3  # parts in flight per worker

_WORKER: dict[str, Any] = {}


WORKER_NICENESS = 5  # below colleagues' sessions: a busy core goes to someone's reply first


def _start_worker(products: tuple[tuple[str, str], ...], text: bool = True) -> None:
    """A worker's catalogue, and whether its `_check_part` reads each arrival's text (TEXT)."""
    _WORKER["catalogue"] = catalogue(products)
    _WORKER["text"] = text
    with contextlib.suppress(OSError):  # not allowed here: run at the usual priority
        os.nice(WORKER_NICENESS)


def _parts(path: Path) -> Iterator[tuple[bytes, int]]:
    """The file as parts of whole lines: (bytes, the number of its first line)."""
    line = 1
    rest = b""
    with path.open("rb") as fh:
        while True:
            block = fh.read(PART_BYTES)
            if not block:
                break
            block = rest + block
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                rest = block
                continue
            part, rest = block[:cut], block[cut:]
            yield part, line
            line += part.count(b"\n")
    if rest:
        yield rest, line


def _arrival(path: Path, record: Record, products: Catalogue | None, stager: Stager | None) -> Any:
    from inquiry_tui.services.arrivals.importing import arrival_from_record  # importing builds on this module

    a: Any = arrival_from_record(path, record, stager)
    if products is None:
        return a
    read = read_terms(f"{a.subject}\n{a.body}", today=a.received_at.date(), products=products, known=_known(a))
    # The same arrival with its text read and judged: made without running its checks again (it passed them,
    # and they do not look at these two fields).
    return _makers(type(a), type(a.buyer))[0](*_ARRIVAL_VALUES(a)[:-2], read, judge_text(a.subject, a.body))


def _quick(record: Record, products: Catalogue | None) -> tuple[Any, ...] | None:
    """`flat(Item(_arrival(path, record, products, None), record.line))` made straight from the record's checked
    values (quick_record: no model, no arrival made), or None for a record that path does not take.

    PRODUCTS None: the text is left unread and unjudged (`text_terms` and `text_junk` None), as `_arrival` leaves it."""
    got = quick_record.checked(record.data)
    if got is None:
        return None
    external_id, channel, received_at, buyer, product, subject, body, quantity, unit = got[:9]
    target_price, currency, payment_terms, incoterm, destination, sample_requested, rfq = got[9:]
    if (target_price, currency, payment_terms, incoterm, destination, sample_requested) == _NO_STATED:
        terms = _NO_TERMS_VALUES
    else:
        terms = _TERMS_VALUES(
            Terms(
                target_price=target_price,
                currency=currency,
                payment_terms=payment_terms,
                incoterm=incoterm,
                destination=destination,
                sample_requested=sample_requested,
            )
        )
    arrival_type, buyer_type = _types()
    values = (external_id, channel, received_at, buyer, product, subject, body, quantity, unit, terms, rfq, ())
    if products is None:
        return (record.line, (), arrival_type, buyer_type, (*values, None, None))
    return (record.line, (), arrival_type, buyer_type, _read_values(values, products))


def _read_values(values: tuple[Any, ...], products: Catalogue) -> tuple[Any, ...]:
    """An arrival's flat values (`flat`'s, without the last two) with what its text states read and its text judged,
    as `_arrival` reads and judges them."""
    received_at, product, subject, body, quantity, unit, terms = _TEXT_INPUTS(values)
    known = _known_of(quantity, unit, product, terms)
    read = read_terms(f"{subject}\n{body}", today=received_at.date(), products=products, known=known)
    junk = judge_text(subject, body)
    return (*values, _TERMS_VALUES(read), (junk.score, junk.reasons))


_NO_STATED = (None,) * 6
_TEXT_INPUTS = itemgetter(2, 4, 5, 6, 7, 8, 9)  # received_at, product, subject, body, quantity, unit, terms


@cache
def _types() -> tuple[type, type]:
    """importing's Arrival and BuyerFields (importing builds on this module)."""
    from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields

    return Arrival, BuyerFields


class _Known(NamedTuple):
    """What `pipeline.known_terms` reads of an arrival."""

    quantity: Any
    unit: Any
    product: Any
    terms: Terms


def _known_of(quantity: Any, unit: Any, product: Any, terms: tuple[Any, ...]) -> Terms:
    """`_known` of an arrival with these fields (TERMS: its terms' values, as `flat` packs them)."""
    key = (quantity, type(quantity), unit, product, terms)
    found = _KNOWN_VALUES.get(key)
    if found is None:
        if len(_KNOWN_VALUES) >= KNOWN_MAX:
            _KNOWN_VALUES.clear()
        found = _KNOWN_VALUES[key] = known_terms(_Known(quantity, unit, product, Terms(*terms)))
    return found


KNOWN_MAX = 4_096  # distinct (quantity, unit, product, terms) kept by `_known`; cleared when full
_KNOWN: dict[tuple[Any, ...], Terms] = {}
_KNOWN_VALUES: dict[tuple[Any, ...], Terms] = {}


def _known(a: Any) -> Terms:
    """`pipeline.known_terms(a)`, made once per distinct value of the fields it is made of (the quantity's type
    too: 500 and 500.0 are one key but not one Decimal)."""
    key = (a.quantity, type(a.quantity), a.unit, a.product, a.terms)
    found = _KNOWN.get(key)
    if found is None:
        if len(_KNOWN) >= KNOWN_MAX:
            _KNOWN.clear()
        found = _KNOWN[key] = known_terms(a)
    return found


ARRIVAL_FIELDS = (
    "external_id",
    "channel",
    "received_at",
    "buyer",
    "product",
    "subject",
    "body",
    "quantity",
    "unit",
    "terms",
    "rfq",
    "attachments",
    "text_terms",
    "text_junk",
)
BUYER_FIELDS = ("email", "name", "company", "country", "member_id", "verified", "tier")


_TERMS_AT = (ARRIVAL_FIELDS.index("terms"), ARRIVAL_FIELDS.index("text_terms"))
_JUNK_AT = ARRIVAL_FIELDS.index("text_junk")
_TERMS_FIELDS = tuple(f.name for f in fields(Terms))
# Each a tuple of the named fields in one call (getattr field by field cost the workers more than pickling).
_ARRIVAL_VALUES = attrgetter(*ARRIVAL_FIELDS)
_BUYER_VALUES = attrgetter(*BUYER_FIELDS)
_TERMS_VALUES = attrgetter(*_TERMS_FIELDS)
_NO_TERMS_VALUES = _TERMS_VALUES(Terms())


def flat(item: Item) -> tuple[Any, ...]:
    """ITEM as plain tuples: pickled several times faster than its dataclasses (spool, workers)."""
    a = item.arrival
    b = a.buyer
    values = list(_ARRIVAL_VALUES(a))
    for at in _TERMS_AT:
        t = values[at]
        values[at] = None if t is None else _TERMS_VALUES(t)
    junk = values[_JUNK_AT]
    values[_JUNK_AT] = None if junk is None else (junk.score, junk.reasons)
    values[3] = _BUYER_VALUES(b)
    return (item.line, item.later, type(a), type(b), tuple(values))


def _trusted(kind: type, names: tuple[str, ...]) -> Callable[..., Any]:
    """A maker of KIND (a frozen dataclass) from its field values in NAMES' order that does not run its checks
    (`__post_init__`) again.

    Only for what `flat` made of an instance that passed them (a checked arrival coming back from a
    worker or the spool): the checks cost the importing process more than the rest of rebuilding it.
    The maker is written out as dataclasses write `__init__` (one assignment per field, no loop)."""
    body = "".join(f"    _set(obj, {name!r}, {name})\n" for name in names)
    scope: dict[str, Any] = {"_new": object.__new__, "_set": object.__setattr__, "_kind": kind}
    exec(f"def make({', '.join(names)}):\n    obj = _new(_kind)\n{body}    return obj\n", scope)
    made: Callable[..., Any] = scope["make"]
    return made


_MAKERS: dict[tuple[type, type], tuple[Callable[..., Any], Callable[..., Any]]] = {}
_ITEM = _trusted(Item, ("arrival", "line", "later"))
SHARED_MAX = 4_096  # distinct terms and text verdicts kept by `_shared`; cleared when full
_SHARED: dict[tuple[type, tuple[Any, ...]], Any] = {}


def _shared(kind: type, values: tuple[Any, ...]) -> Any:
    """The one KIND (a frozen dataclass: Terms, TextVerdict) of these field values made so far, or a new one.

    An import's arrivals state few different terms and their texts score few different verdicts:
    one immutable object for equal values costs a lookup instead of a constructor per arrival."""
    key = (kind, values)
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= SHARED_MAX:
            _SHARED.clear()
        found = _SHARED[key] = kind(*values)
    return found


def _makers(arrival_type: type, buyer_type: type) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The trusted makers of an arrival and its buyer (`_trusted`), made once per pair of types."""
    makers = _MAKERS.get((arrival_type, buyer_type))
    if makers is None:
        makers = _MAKERS[arrival_type, buyer_type] = (
            _trusted(arrival_type, ARRIVAL_FIELDS),
            _trusted(buyer_type, BUYER_FIELDS),
        )
    return makers


def unflat(row: tuple[Any, ...]) -> Item:
    line, later, arrival_type, buyer_type, flat_values = row
    makers = _makers(arrival_type, buyer_type)
    values = list(flat_values)
    values[3] = makers[1](*values[3])
    for at in _TERMS_AT:
        if values[at] is not None:
            values[at] = _shared(Terms, values[at])
    if values[_JUNK_AT] is not None:
        values[_JUNK_AT] = _shared(TextVerdict, values[_JUNK_AT])
    made: Item = _ITEM(makers[0](*values), line, later)
    return made


@dataclass(frozen=True)
class Packed:
    """A part checked by a worker: the pickle of its items (`flat`), and (line, external id, SKU) of each.

    The importing process checks the keys against the store and the rest of the file and
    writes the pickle to its spool as it is (services/arrivals/publishing.py): no item is
    unpickled there until it is published."""

    blob: bytes
    keys: list[tuple[int, str | None, str | None]]

    def items(self) -> list[Item]:
        return [unflat(row) for row in pickle.loads(self.blob)]


def _check_part(path: str, part: bytes, first_line: int) -> Packed | list[Any] | None:
    """In a worker: the part packed, or its entries (flat items, and records with attachments to check where
    the stager is), or None if a record is bad. The arrivals' text is left unread if the worker was started
    so (`_start_worker`: `read_text` later)."""
    products = _WORKER["catalogue"] if _WORKER["text"] else None
    out: list[Any] = []
    keys: list[tuple[int, str | None, str | None]] = []
    attached = False
    try:
        where = Path(path)  # once a part: a Path per record was a twentieth of the worker's time
        for record in jsonl_records(where, io.BytesIO(part), first_line):
            if record.data.get("attachments"):
                out.append(record)
                attached = True
                continue
            row = _quick(record, products)
            if row is None:
                row = flat(Item(_arrival(where, record, products, None), record.line))
            out.append(row)
            values = row[4]
            keys.append((record.line, values[0], values[4]))
    except Exception:  # the importing process reads this part again and raises the error itself
        return None
    if attached:
        return out
    return Packed(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL), keys)


def _serial(path: Path, records: Iterator[Record], stager: Stager | None) -> Iterator[Item]:
    for r in records:
        yield Item(_arrival(path, r, None, stager), r.line)


def read_text(blob: bytes) -> bytes:
    """In a worker: a spool chunk (the pickle of flat items) with every arrival's text read and judged that was not.

    What `_check_part` leaves unread when told (`text=False`), read as it would have read it: the same values."""
    products = _WORKER["catalogue"]
    rows: list[tuple[Any, ...]] = pickle.loads(blob)
    for i, (line, later, arrival_type, buyer_type, values) in enumerate(rows):
        if values[-2] is None or values[-1] is None:
            read = _read_values(values[:-2], products)
            values = (*values[:-2], *(new if old is None else old for old, new in zip(values[-2:], read[-2:])))
            rows[i] = (line, later, arrival_type, buyer_type, values)
    return pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)


def worker_pool(workers: int, products: tuple[tuple[str, str], ...], *, text: bool = True) -> ProcessPoolExecutor:
    """WORKERS processes started as checking workers (`_start_worker`: the catalogue, niced): the checking's, and
    the text readers' (services/arrivals/text_readers.py), which call `read_text` in them."""
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(products, text)
    )


def checked_items(
    path: Path,
    stager: Stager | None,
    products: tuple[tuple[str, str], ...],
    *,
    workers: int | None = None,
    text: bool = True,
) -> Iterator[Item | Packed]:
    """The file's arrivals, checked, in file order (see the module docstring); errors as the serial path's.

    TEXT False: the workers leave what each arrival's text states and its junk verdict unread (`text_terms` and
    `text_junk` None, as the serial path leaves them): `import inquiries` has them read while it publishes
    (services/arrivals/text_readers.py), after every line is checked."""
    if workers is None:
        big = file_format(path) == "jsonl" and path.stat().st_size >= PARALLEL_FROM_BYTES
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if big else 0
    if workers <= 1:
        yield from _serial(path, iter_records(path), stager)
        return
    with worker_pool(workers, products, text=text) as pool:
        pending: deque[tuple[Future[Packed | list[Any] | None] | None, bytes, int]] = deque()
        parts = _parts(path)
        for part, line in parts:
            try:
                future: Future[Packed | list[Any] | None] | None = pool.submit(_check_part, str(path), part, line)
            except BrokenProcessPool:  # a worker died (killed, out of memory): this process reads the rest
                future = None
            pending.append((future, part, line))
            if len(pending) < workers * AHEAD:
                continue
            yield from _done(path, pending.popleft(), stager)
        while pending:
            yield from _done(path, pending.popleft(), stager)


def _done(
    path: Path, job: tuple[Future[Packed | list[Any] | None] | None, bytes, int], stager: Stager | None
) -> Iterator[Item | Packed]:
    future, part, line = job
    try:
        got = None if future is None else future.result()
    except BrokenProcessPool:  # its worker died: the part is read here
        got = None
    if got is None:  # a bad record in this part (the serial path names it), or no worker to read it
        yield from _serial(path, jsonl_records(path, io.BytesIO(part), line), stager)
        return
    if isinstance(got, Packed):
        yield got
        return
    for entry in got:
        if isinstance(entry, Record):
            yield Item(_arrival(path, entry, None, stager), entry.line)
        else:
            yield unflat(entry)
