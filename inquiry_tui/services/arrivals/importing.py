"""Arrivals: validated inquiries in, one transaction per batch or file; `allocate` for waiting ones.

`receive(ctx, arrivals)` runs the whole pipeline (services/arrival_pipeline.py) for a batch in
one BEGIN IMMEDIATE transaction; `import_inquiries(ctx, path)` streams a .jsonl/.csv file
through it in chunks inside ONE transaction, so a bad line anywhere leaves the store unchanged
(all or nothing) while memory stays bounded. `allocate_waiting(ctx)` re-routes inquiries still
waiting with the main account (e.g. after rotation is switched on).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from inquiry_tui.domain.allocation import CHANNELS
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.arrivals.pipeline import ArrivalReport, Item, Pipeline
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.records.reader import Fields, Record, iter_records
from inquiry_tui.store.types import db_text

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
TIERS = ("L0", "L1", "L2", "L3", "L4")
MAX_SUBJECT = 1_000
MAX_BODY = 100_000
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
        if "@" not in self.email or self.email != self.email.strip().lower():
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

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise ValidationError(f"channel {self.channel!r} is not allowed; allowed: {', '.join(sorted(CHANNELS))}")
        if self.received_at.tzinfo is None or self.received_at.utcoffset() is None:
            raise ValidationError("received_at must carry a time zone")


BUYER_COLUMNS = frozenset(
    f"buyer.{name}" for name in ("email", "name", "company", "country", "member_id", "verified", "tier")
)
INQUIRY_COLUMNS = BUYER_COLUMNS | {
    "external_id",
    "channel",
    "received_at",
    "product",
    "subject",
    "body",
    "quantity",
    "unit",
}


def buyer_from_fields(f: Fields) -> BuyerFields:
    """The `buyer` object of an inquiry or chat record (shared with services/chats.py)."""
    email = f.required_str("buyer.email", max_len=320).strip().lower()
    if "@" not in email or " " in email:
        raise f.error("buyer.email", f"{email[:60]!r} is not an email address")
    return BuyerFields(
        email=email,
        name=f.text("buyer.name", "", max_len=200).strip(),
        company=f.text("buyer.company", "", max_len=300).strip(),
        country=f.country("buyer.country", None),
        member_id=(f.text("buyer.member_id", "", max_len=64).strip() or None),
        verified=f.boolean("buyer.verified", None),
        tier=f.one_of("buyer.tier", TIERS, None),
    )


def arrival_from_record(path: Path, record: Record) -> Arrival:
    """Validate one inquiry record (DESIGN.md section 4 columns); errors name file, line and field."""
    f = Fields(path, record)
    f.refuse_unknown(INQUIRY_COLUMNS)
    return Arrival(
        external_id=f.required_str("external_id", max_len=200).strip(),
        channel=f.one_of("channel", ("inquiry", "tm", "email", "rfq")),
        received_at=f.time("received_at"),
        buyer=buyer_from_fields(f),
        product=(f.text("product", "", max_len=100).strip() or None),
        subject=f.text("subject", "", max_len=MAX_SUBJECT),
        body=f.text("body", "", max_len=MAX_BODY),
        quantity=f.number("quantity", None),
        unit=(f.text("unit", "", max_len=40).strip() or None),
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
    ctx: Ctx, items: Iterable[Item], *, path: Path | None, action: str, source: str, customer_source: str | None = None
) -> ArrivalReport:
    """One write transaction: every chunk of items through the pipeline, then its state and audit row."""
    ctx.require_admin("import inquiries")
    with ctx.engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
        try:
            pipeline = Pipeline(conn, ctx, path=path, customer_source=customer_source)
            for chunk in _chunks(items):
                pipeline.add(chunk)
            return pipeline.finish(action, source)
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size=-{DEFAULT_CACHE_KIB}")


def receive(ctx: Ctx, arrivals: Sequence[Arrival]) -> ArrivalReport:
    """Run the pipeline for a batch in one transaction (all or nothing); errors name `arrival N` (1-based)."""
    return run_pipeline(
        ctx, (Item(a, n) for n, a in enumerate(arrivals, 1)), path=None, action="inquiries_receive", source="batch"
    )


def import_inquiries(ctx: Ctx, path: Path) -> ArrivalReport:
    """`import inquiries FILE`: every record validated and received in one transaction (all or nothing)."""
    items = (Item(arrival_from_record(path, r), r.line) for r in iter_records(path))
    return run_pipeline(ctx, items, path=path, action="inquiries_import", source=path.name)


def allocate_waiting(ctx: Ctx) -> int:
    """Re-route unanswered, undeleted inquiries the rules left with the main account (rule company_contact,
    main_account, or sticky to a buyer the main account owns) with today's settings; returns how many moved.
    Manual assignments to the main account (rule manual) stay.

    Oldest first. A buyer owned by the main account counts as unowned here and follows their
    first re-routed inquiry, so sticky keeps a buyer's waiting inquiries together.
    """
    ctx.require_admin("allocate waiting inquiries")
    moved = 0
    with ctx.engine.begin() as conn:
        p = Pipeline(conn, ctx)
        main_id = p.id_of[p.main]
        owner_of_product = dict(p.products.values())
        waiting = conn.exec_driver_sql(
            "SELECT i.id, i.channel, i.product_id, b.email FROM inquiry i JOIN buyer b ON b.id = i.buyer_id "
            "WHERE i.owner_id = ? AND i.rule IN ('company_contact', 'main_account', 'sticky') AND i.first_response_at IS NULL "
            "AND i.folder != 'deleted' ORDER BY i.received_at, i.id",
            (main_id,),
        ).all()
        p.load_buyers([row[3] for row in waiting])
        updates, records = [], []
        for iid, channel, product_id, email in waiting:
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
            records.append((p.now_text, iid, main_id, new_id, decision.rule, ctx.actor.login, decision.reason))
            moved += 1
        if updates:
            conn.exec_driver_sql(
                "UPDATE inquiry SET owner_id = ?, rule = ?, version = version + 1 WHERE id = ?", updates
            )  # type: ignore[arg-type]
            conn.exec_driver_sql(
                "INSERT INTO allocation_record (at, inquiry_id, from_id, to_id, rule, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                records,  # type: ignore[arg-type]
            )
        p.save_state()
        conn.exec_driver_sql(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) VALUES (?, ?, 'allocate', 'inquiry', '', '', ?)",
            (db_text(ctx.now()), ctx.actor.login, f'{{"moved": {moved}, "waiting": {len(waiting)}}}'),
        )
    return moved
