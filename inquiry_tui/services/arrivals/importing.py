"""Arrivals: validated inquiries in, one transaction per batch or file; `allocate` for waiting ones.

`receive(ctx, arrivals)` runs the whole pipeline (arrivals/pipeline.py) for a batch in
one BEGIN IMMEDIATE transaction; `import_inquiries(ctx, path)` streams a .jsonl/.csv file
through it in chunks inside ONE transaction, so a bad line anywhere leaves the store unchanged
(all or nothing) while memory stays bounded. `allocate_waiting(ctx)` re-routes inquiries still
waiting with the main account (e.g. after rotation is switched on).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.terms import Terms
from inquiry_tui.domain.vocabulary import Channel, Folder, Rule, allowed
from inquiry_tui.services.arrivals.pipeline import ArrivalReport, Item, Pipeline
from inquiry_tui.services.audit import audit_conn
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.importing import StagedAttachment, Stager
from inquiry_tui.services.notices.producers import Assigned, note_assignment, notify_assignments
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.inquiries import BuyerRecord, InquiryRecord
from inquiry_tui.services.records.reader import Record, iter_records
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
) -> ArrivalReport:
    """One write transaction: every chunk of items through the pipeline, then its state and audit row."""
    ctx.require_admin("import inquiries")
    failed = True
    try:
        with ctx.begin() as conn:
            sqlite = dialect.is_sqlite(conn)
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
            try:
                pipeline = Pipeline(conn, ctx, path=path, customer_source=customer_source, stager=stager)
                for chunk in _chunks(items):
                    pipeline.add(chunk)
                report = pipeline.finish(action, source)
            finally:
                if sqlite:
                    conn.exec_driver_sql(f"PRAGMA cache_size=-{DEFAULT_CACHE_KIB}")
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
    )


def import_inquiries(ctx: Ctx, path: Path) -> ArrivalReport:
    """`import inquiries FILE`: every record validated and received in one transaction (all or nothing)."""
    stager = Stager(ctx, max_mb=get_settings(ctx).files.max_mb)
    items = (Item(arrival_from_record(path, r, stager), r.line) for r in iter_records(path))
    return run_pipeline(ctx, items, path=path, action="inquiries_import", source=path.name, stager=stager)


# Waiting with the main account by a rule (never by a person's choice: `manual` stays).
_WAITING = (
    "SELECT i.id, i.channel, i.product_id, b.email, substr(i.subject, 1, 120) FROM inquiry i JOIN buyer b ON b.id = i.buyer_id "
    f"WHERE i.owner_id = ? AND i.rule IN ('{Rule.COMPANY_CONTACT}', '{Rule.MAIN_ACCOUNT}', '{Rule.STICKY}') "
    f"AND i.first_response_at IS NULL AND i.folder != '{Folder.DELETED}' ORDER BY i.received_at, i.id"
)


def allocate_waiting(ctx: Ctx) -> int:
    """Re-route unanswered, undeleted inquiries the rules left with the main account (rule company_contact,
    main_account, or sticky to a buyer the main account owns) with today's settings; returns how many moved.
    Manual assignments to the main account (rule manual) stay.

    Oldest first. A buyer owned by the main account counts as unowned here and follows their
    first re-routed inquiry, so sticky keeps a buyer's waiting inquiries together.
    """
    ctx.require_admin("allocate waiting inquiries")
    moved = 0
    with ctx.begin() as conn:
        p = Pipeline(conn, ctx)
        main_id = p.id_of[p.main]
        owner_of_product = dict(p.products.values())
        # PostgreSQL: the waiting rows stay locked until commit, so a reassignment meanwhile waits for this one.
        lock = " FOR UPDATE OF i" if dialect.is_postgres(conn) else ""
        waiting = conn.exec_driver_sql(_WAITING + lock, (main_id,)).all()
        p.load_buyers([row[3] for row in waiting])
        updates, records = [], []
        tally: dict[int, Assigned] = {}
        for iid, channel, product_id, email, subject in waiting:
            b = p.buyers[email]
            kept = b.owner_id
            unowned = kept is None or kept == main_id or p.login_of[kept] not in p.active
            if unowned:
                b.owner_id = None
            decision = p.decide(channel, b, owner_of_product.get(product_id), b.country)
            new_id = p.id_of[decision.owner]
            if new_id == main_id:
                b.owner_id = kept
                continue
            if unowned:
                b.owner_id, b.dirty = new_id, True
            updates.append((new_id, decision.rule, iid))
            note_assignment(tally, new_id, iid, subject or "", decision.rule)
            records.append((p.now_text, iid, main_id, new_id, decision.rule, ctx.actor.login, decision.reason))
            moved += 1
        if updates:
            conn.exec_driver_sql(
                "UPDATE inquiry SET owner_id = ?, rule = ?, version = version + 1 WHERE id = ?", updates
            )
            conn.exec_driver_sql(
                "INSERT INTO allocation_record (at, inquiry_id, from_id, to_id, rule, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                records,
            )
        p.save_state()
        notify_assignments(conn, tally, at=p.now, source="allocate")
        audit_conn(
            conn,
            at=ctx.now(),
            actor=ctx.actor.login,
            os_user=ctx.os_user,
            action="allocate",
            entity="inquiry",
            after={"moved": moved, "waiting": len(waiting)},
        )
    return moved
