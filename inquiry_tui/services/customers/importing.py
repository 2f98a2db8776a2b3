"""`import customers FILE` and `import activity FILE`: JSON Lines or CSV (docs/cli.md, File formats).

Files are read by records.reader (UTF-8, line numbers, CSV or JSON Lines) and each record is
checked by its model (records.customers), the same one the customer form uses.
All or nothing: every row is checked first and the first bad one is reported as one
ValidationError naming file, line and field; nothing is written then. A good file is written
in one transaction. Same e-mail (lower-cased) is the same buyer: rows merge into it.

customers: email, name, company, country, phone, group, type, source, stars, tags
           (JSON: a list; CSV: separated by ";" or ",").
activity:  email, at (ISO 8601 with zone), kind (visit|product_view|search|rfq|trade|login|junk|blacklist),
           optional detail (search term, SKU, amount, page count); a visit may add region,
           site_products and site_sellers. Each event is stored raw and added to the per-day and
           per-detail aggregates the profile reads; a visit also becomes a visitor-details session
           (detail = pages of the store viewed; region "" and site counts 0 when not given) and the
           visitors' summaries are rebuilt (services/visitors/summary.py). Unknown e-mails become
           new buyers (visitors, not customers, no owner).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from inquiry_tui.domain.vocabulary import ActivityKind
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers import manage as customer_service
from inquiry_tui.services.customers.input import CustomerInput
from inquiry_tui.services.customers.profile import can_see_buyer
from inquiry_tui.services.records.customers import ActivityRecord, CustomerRecord
from inquiry_tui.services.records.errors import FileFormatError
from inquiry_tui.services.records.reader import Record, read_records
from inquiry_tui.services.records.validate import check_record
from inquiry_tui.services.visitors import summary as visitor_summary
from inquiry_tui.store import bulk, dialect
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import Buyer
from inquiry_tui.store.types import db_text

DETAIL_KINDS = (ActivityKind.SEARCH, ActivityKind.PRODUCT_VIEW)  # kept per detail: common search terms, SKUs viewed


@dataclass(frozen=True)
class CustomerImport:
    rows: int
    added: int  # buyers that became customers (new or existing non-customers)
    merged: int  # rows merged into an existing customer


@dataclass(frozen=True)
class ActivityImport:
    events: int
    buyers_created: int
    days: int  # distinct (buyer, day, kind) aggregate rows touched


def _customer_input(path: Path, row: Record) -> CustomerInput:
    return CustomerInput(**check_record(CustomerRecord, path, row).model_dump())


def import_customers(ctx: Ctx, path: str | Path) -> CustomerImport:
    """Merge the file's customers into the store (all or nothing)."""
    path = Path(path)
    inputs = [(row.line, _customer_input(path, row)) for row in read_records(path)]
    added = merged = 0
    with ctx.write() as session:
        for line, data in inputs:
            buyer = session.execute(select(Buyer).where(col(Buyer.email) == data.email)).scalar_one_or_none()
            if buyer is not None and not can_see_buyer(session, ctx, id_of(buyer), buyer.owner_id):
                raise FileFormatError(
                    path, line, "email", "belongs to another salesperson's buyer; ask the admin to transfer it"
                )
            was_customer = buyer is not None and buyer.is_customer
            customer_service.merge_customer(session, ctx, buyer, data, "import")
            merged += was_customer
            added += not was_customer
        audit(
            session,
            ctx,
            "customer_import",
            "file",
            path.name,
            after={"rows": len(inputs), "added": added, "merged": merged},
        )
    return CustomerImport(len(inputs), added, merged)


@dataclass(frozen=True)
class _Event:
    email: str
    at: datetime
    kind: str
    detail: str
    region: str = ""
    site_products: int = 0
    site_sellers: int = 0


def _events(path: Path, rows: Iterable[Record]) -> list[_Event]:
    out = []
    for row in rows:
        r = check_record(ActivityRecord, path, row)
        out.append(_Event(r.email, r.at, r.kind, r.detail, r.region, r.site_products, r.site_sellers))
    return out


def import_activity(ctx: Ctx, path: str | Path) -> ActivityImport:
    """Add the file's on-site events: raw rows and the daily / detail aggregates, in one transaction."""
    ctx.require_admin("import activity")
    path = Path(path)
    events = _events(path, read_records(path))
    with ctx.write() as session:
        ids, created = _buyer_ids(session, ctx, {e.email for e in events})
        daily: dict[tuple[int, str, str], int] = {}
        details: dict[tuple[int, str, str], list[Any]] = {}
        visits = []
        for e in events:
            buyer_id = ids[e.email]
            key = (buyer_id, e.at.date().isoformat(), e.kind)
            daily[key] = daily.get(key, 0) + 1
            if e.kind in DETAIL_KINDS and e.detail:
                d = details.setdefault((buyer_id, e.kind, e.detail), [0, e.at])
                d[0] += 1
                d[1] = max(d[1], e.at)
            if e.kind == ActivityKind.VISIT:
                pages = int(e.detail) if e.detail else 1  # pages of our store: its page views and store pages
                visits.append((buyer_id, db_text(e.at), e.region, pages, pages, e.site_products, e.site_sellers, ""))
        conn = session.connection()
        bulk.insert_rows(
            conn,
            "activity_event",
            bulk.ACTIVITY_COLUMNS,
            [(ids[e.email], db_text(e.at), e.kind, e.detail) for e in events],
        )
        bulk.add_daily(conn, [(b, d, k, n) for (b, d, k), n in daily.items()])
        bulk.add_details(conn, [(b, k, d, n, db_text(at)) for (b, k, d), (n, at) in details.items()])
        bulk.insert_rows(conn, "visitor_session", bulk.VISITOR_COLUMNS, visits)
        visitor_summary.refresh(
            conn, {ids[e.email] for e in events if e.kind in (ActivityKind.VISIT, ActivityKind.SEARCH)}
        )
        audit(
            session, ctx, "activity_import", "file", path.name, after={"events": len(events), "buyers_created": created}
        )
    return ActivityImport(len(events), created, len(daily))


def _buyer_ids(session: Session, ctx: Ctx, emails: set[str]) -> tuple[dict[str, int], int]:
    """E-mail -> buyer id, creating visitors for unknown addresses."""
    dialect.serialize(session)  # PostgreSQL: no other import adds the same addresses meanwhile
    ids: dict[str, int] = {}
    wanted = sorted(emails)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        ids.update(session.execute(select(col(Buyer.email), col(Buyer.id)).where(col(Buyer.email).in_(chunk))).all())
    missing = [e for e in wanted if e not in ids]
    if missing:
        conn = session.connection()
        new_ids = bulk.IdPool(conn, "buyer").take_many(len(missing))
        now = db_text(ctx.now())
        rows = []
        for new_id, email in zip(new_ids, missing):
            ids[email] = new_id
            row = dict.fromkeys(bulk.BUYER_COLUMNS)
            row.update(
                id=new_id,
                email=email,
                name="",
                company="",
                phone="",
                website="",
                address="",
                business_type="",
                employees="",
                verified=False,
                is_customer=False,
                group_name="",
                type="",
                source="",
                stars=0,
                notes="",
                first_seen_at=now,
                version=1,
            )
            rows.append(tuple(row[c] for c in bulk.BUYER_COLUMNS))
        bulk.insert_rows(conn, "buyer", bulk.BUYER_COLUMNS, rows)
    return ids, len(missing)
