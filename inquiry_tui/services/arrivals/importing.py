"""Arrivals: validated inquiries in, one transaction per batch or file; `allocate` for waiting ones.

`receive(ctx, arrivals)` runs the whole pipeline (arrivals/pipeline.py) for a batch in
one BEGIN IMMEDIATE transaction; `import_inquiries(ctx, path)` streams a .jsonl/.csv file
through it in chunks inside ONE transaction, so a bad line anywhere leaves the store unchanged
(all or nothing) while memory stays bounded. Each transaction first runs the routing sweeps
(services.allocation.supervision: escalation, returns from away). `allocate_waiting(ctx)`
re-routes what the main account holds (services.allocation.reroute).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.junk import TextVerdict
from inquiry_tui.domain.terms import Terms
from inquiry_tui.domain.vocabulary import Channel, allowed
from inquiry_tui.services.allocation.supervision import sweep
from inquiry_tui.services.arrivals import checking, publishing
from inquiry_tui.services.arrivals.pipeline import ArrivalReport, Item, Pipeline
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.importing import StagedAttachment, Stager
from inquiry_tui.services.notices.producers import arrivals_warned
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.inquiries import BuyerRecord, InquiryRecord
from inquiry_tui.services.records.reader import Record
from inquiry_tui.services.records.validate import check_record
from inquiry_tui.services.setup.settings import get_settings
from inquiry_tui.store import dialect

__all__ = [
    "Arrival",
    "ArrivalReport",
    "BuyerFields",
    "allocate_waiting",
    "arrival_from_record",
    "import_inquiries",
    "receive",
]

CHUNK = 10_000  # arrivals per executemany round: bounded memory, same transaction
IMPORT_CACHE_KIB = 262_144  # a big page cache while importing: index inserts stay in memory
DEFAULT_CACHE_KIB = 32_000  # store/engine.py's per-connection default, restored afterwards
BULK_BATCH = 1_000  # arrivals given to `receive` at once from which the big cache pays


@dataclass(frozen=True, slots=True)
class BuyerFields:
    """The buyer as an arrival describes them; the email (lower-cased) identifies the buyer."""

    email: str
    name: str = ""
    company: str = ""
    country: str | None = None  # ISO 3166-1 alpha-2, upper-case
    member_id: str | None = None
    verified: bool | None = None  # None: the arrival does not say
    tier: str | None = None  # L0..L4

    def __post_init__(self) -> None:
        # The one e-mail rule for arrivals given in code too (`receive`); cached, so a checked record costs a lookup.
        try:
            checked = rules.email(self.email)
        except rules.RuleError as exc:
            raise ValidationError(f"buyer email: {exc.message}") from None
        if checked != self.email:
            raise ValidationError(f"buyer email {self.email!r} must be a lower-case address")


@dataclass(frozen=True, slots=True)
class Arrival:
    """One validated incoming inquiry (or the first buyer line of a chat)."""

    external_id: str | None
    channel: str  # inquiry | tm | email | rfq
    received_at: datetime  # timezone-aware
    buyer: BuyerFields
    product: str | None  # SKU, or None for a company-level inquiry
    subject: str
    body: str
    quantity: float | None = None
    unit: str | None = None
    terms: Terms = field(
        default_factory=Terms
    )  # what the buyer stated besides quantity and unit (target price, incoterm, ...)
    rfq: str | None = (
        None  # the external id of the RFQ this answers: joins our quote's thread (services/rfq/answers.py)
    )
    attachments: tuple[StagedAttachment, ...] = ()  # files on the buyer's message, staged (services.files.importing)
    # What the subject and body state, when the caller read it already (domain.terms_text.read_terms with
    # the same products; `import maildir` reads it in its parsing workers); None: the pipeline reads it.
    text_terms: Terms | None = None
    text_junk: TextVerdict | None = None  # likewise the junk filter's verdict on its text (domain.junk.judge_text)

    def __post_init__(self) -> None:
        if self.channel not in _CHANNELS:
            raise ValidationError(f"channel {self.channel!r} is not allowed; allowed: {allowed(sorted(_CHANNELS))}")
        if self.received_at.tzinfo is None or self.received_at.utcoffset() is None:
            raise ValidationError("received_at must carry a time zone")


_CHANNELS = frozenset(Channel)


def buyer_from(b: BuyerRecord) -> BuyerFields:
    """The buyer of a checked inquiry or chat record (shared with chats.py)."""
    return BuyerFields(b.email, b.name, b.company, b.country, b.member_id, b.verified, b.tier)


def arrival_from_record(path: Path, record: Record, stager: Stager | None = None) -> Arrival:
    """Check one inquiry record (docs/cli.md, File formats); errors name file, line and field."""
    r = check_record(InquiryRecord, path, record)
    terms = Terms(
        target_price=r.target_price,
        currency=r.currency,
        payment_terms=r.payment_terms,
        incoterm=r.incoterm,
        destination=r.destination,
        sample_requested=r.sample_requested,
    )
    files = stager.stage(r.attachments, source=path, line=record.line) if r.attachments and stager else ()
    return Arrival(
        r.external_id,
        r.channel,
        r.received_at,
        buyer_from(r.buyer),
        r.product,
        r.subject,
        r.body,
        r.quantity,
        r.unit,
        terms,
        r.rfq,
        files,
    )


def _chunks(items: Iterable[Item]) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_pipeline(
    ctx: Ctx,
    items: Iterable[Item],
    *,
    path: Path | None,
    action: str,
    source: str,
    customer_source: str | None = None,
    stager: Stager | None = None,
    bulk: bool = True,
) -> ArrivalReport:
    """One write transaction: every chunk of items through the pipeline, then its state and audit row.

    BULK: a big page cache for the transaction (SQLite); a small batch does without its two pragmas."""
    ctx.require_admin("import inquiries")
    failed = True
    try:
        with ctx.begin() as conn:
            sqlite = bulk and dialect.is_sqlite(conn)
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
            try:
                pipeline = Pipeline(conn, ctx, path=path, customer_source=customer_source, stager=stager)
                swept = sweep(pipeline)  # escalation and returns from away run on every arrival: no daemon needed
                for chunk in _chunks(items):
                    pipeline.add(chunk)
                report = replace(
                    pipeline.finish(action, source), escalated=len(swept.escalated), returned=len(swept.returned)
                )
            finally:
                if sqlite:
                    conn.exec_driver_sql(f"PRAGMA cache_size=-{DEFAULT_CACHE_KIB}")
        if pipeline.warned_until is not None:  # committed: the next batch's overdue check starts there
            arrivals_warned(ctx.engine, pipeline.warned_until)
        failed = False
        return report
    finally:
        if stager is not None:
            stager.close(failed=failed)


def receive(ctx: Ctx, arrivals: Sequence[Arrival], *, stager: Stager | None = None) -> ArrivalReport:
    """Run the pipeline for a batch in one transaction (all or nothing); errors name `arrival N` (1-based).

    Arrivals carrying attachments were staged by STAGER, which the pipeline commits."""
    return run_pipeline(
        ctx,
        (Item(a, n) for n, a in enumerate(arrivals, 1)),
        path=None,
        action="inquiries_receive",
        source="batch",
        stager=stager,
        bulk=len(arrivals) >= BULK_BATCH,
    )


Progress = Callable[[str, int, int], None]  # (part, done, total): what a long import reports (cli/progress.py)
PROGRESS_EVERY = 1_000  # records between two progress reports while checking


def import_inquiries(ctx: Ctx, path: Path, *, progress: Progress | None = None) -> ArrivalReport:
    """`import inquiries FILE`: every record checked first, then received (all or nothing).

    A file that fits in one transaction is received in one; a bigger one is published in short
    transactions under the import journal, so other sessions keep working (services/arrivals/publishing.py).
    A big JSON Lines file is read and checked by worker processes (services/arrivals/checking.py).
    PROGRESS, if given, hears ("checking", records, lines in the file) and then ("importing", done, total).
    """
    ctx.require_admin("import inquiries")
    stager = Stager(ctx, max_mb=get_settings(ctx).files.max_mb)
    products = product_names(ctx)
    # The text of each arrival is read and judged while publishing, after every line is checked (text_readers.py).
    items: Iterator[Item | checking.Packed] = checking.checked_items(path, stager, products, text=False)
    if progress is not None:
        items = _counted(items, progress, _lines(path))
    try:
        head, spool = publishing.check(ctx, items, path=path, first=publishing.first_chunk())
    except BaseException:
        stager.close(failed=True)
        raise
    if spool is None:
        # One transaction that reads its catalogue itself: terms read ahead with another would not do.
        head = [
            replace(it, arrival=replace(it.arrival, text_terms=None)) if it.arrival.text_terms else it for it in head
        ]
        report = run_pipeline(ctx, head, path=path, action="inquiries_import", source=path.name, stager=stager)
        if progress is not None:
            progress("importing", len(head), len(head))
        return report
    try:
        report = publishing.publish(
            ctx,
            head,
            spool,
            path=path,
            action="inquiries_import",
            source=path.name,
            stager=stager,
            products=products,
            progress=progress,
        )
    finally:
        spool.close()
    _after_bulk_load(ctx)
    return report


def _after_bulk_load(ctx: Ctx) -> None:
    """A big import changed the tables' sizes and dropped the reply-rate cache of the days it wrote.

    On PostgreSQL the planner's statistics are refreshed at once: autovacuum's ANALYZE comes
    minutes later, and until then one arrival's plans were wrong for the new sizes (at 100k,
    p50 200 ms against 16 ms after it). ANALYZE samples a bounded number of rows per table and
    takes no lock that readers or writers wait on; it is skipped if the store is busy. SQLite's
    plans do not depend on gathered statistics here. Then the team's caches are refilled
    (services/team/warming.py).
    """
    from inquiry_tui.services.context import STORE_ERRORS
    from inquiry_tui.services.team.warming import warm_caches  # the team's caches build on arrivals

    if dialect.is_postgres(ctx.engine):
        with contextlib.suppress(*STORE_ERRORS), ctx.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    warm_caches(ctx)


def product_names(ctx: Ctx) -> tuple[tuple[str, str], ...]:
    """(SKU, name) of every product, as the pipeline builds its catalogue from them (Pipeline.product_names)."""
    with ctx.read() as session:
        rows = session.connection().exec_driver_sql("SELECT sku, name FROM product").all()
    return tuple(sorted((sku, name or "") for sku, name in rows))


def _lines(path: Path) -> int:
    """Lines in the file (a JSON Lines file's records; a CSV file's, less its header): the progress total."""
    n = 0
    try:
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                n += block.count(b"\n")
    except OSError:
        return 0  # the reader names the problem
    return n


def _counted(
    items: Iterator[Item | checking.Packed], progress: Progress, total: int
) -> Iterator[Item | checking.Packed]:
    n = 0
    for item in items:
        before = n
        n += len(item.keys) if isinstance(item, checking.Packed) else 1
        if n // PROGRESS_EVERY != before // PROGRESS_EVERY:
            progress("checking", n, max(n, total))
        yield item
    progress("checking", n, n)


def allocate_waiting(ctx: Ctx) -> int:
    """`allocate`: re-route what the main account holds (services.allocation.reroute); returns how many moved."""
    from inquiry_tui.services.allocation.reroute import allocate  # allocation builds on this package

    return allocate(ctx).moved
