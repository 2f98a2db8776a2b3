"""`import orders FILE`: orders placed on the marketplace, from .jsonl or .csv, all or nothing.

Each record is checked (records.deals: the first bad one names file, line and field); an order
number already in the store or twice in the file is refused. Buyers are found by e-mail; an
unknown one is added as a customer (source `order`), and a known buyer who was not a customer
becomes one. Orders keep their buyer's owner. Every order adds a trade event and the buyers'
stages are recounted, all in the import's one transaction, with one audit row.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from inquiry_tui.domain import money
from inquiry_tui.domain.deals import OrderSource, doc_to_json
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals.trade import record_trade, refresh_stages
from inquiry_tui.services.deals.views import OrdersImport
from inquiry_tui.services.records.deals import OrderInput, iter_orders
from inquiry_tui.services.records.errors import FileFormatError
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Buyer, DealOrder, OrderEvent

CHUNK = 500
SOURCE = "order"  # the customer source of buyers first known from an order

_b = table_of(Buyer)
_o = table_of(DealOrder)
_e = table_of(OrderEvent)


def import_orders(ctx: Ctx, path: str | Path) -> OrdersImport:
    ctx.require_admin("import orders")
    path = Path(path)
    orders = list(iter_orders(path))
    seen: dict[str, int] = {}
    for o in orders:
        if o.number in seen:
            raise FileFormatError(
                path, o.line, "number", f"{o.number!r} appears twice (first on line {seen[o.number]})"
            )
        seen[o.number] = o.line
    now = ctx.now()
    with ctx.write() as session:
        conn = session.connection()
        numbers = list(seen)
        for start in range(0, len(numbers), CHUNK):
            taken = (
                conn.execute(select(_o.c.number).where(_o.c.number.in_(numbers[start : start + CHUNK])))
                .scalars()
                .first()
            )
            if taken is not None:
                raise FileFormatError(
                    path, seen[taken], "number", f"{taken!r} is already in the store; nothing was imported"
                )
        buyers, created = _buyers(conn, orders, now)
        rows: list[dict[str, Any]] = []
        for o in orders:
            buyer_id, owner_id = buyers[o.email]
            rows.append(
                {
                    "number": o.number,
                    "source": OrderSource.MARKETPLACE.value,
                    "kind": o.kind.value,
                    "loi_id": None,
                    "buyer_id": buyer_id,
                    "owner_id": owner_id,
                    "status": o.status.value,
                    "currency": o.doc.currency,
                    "total_minor": money.to_minor(o.doc.total(), o.doc.currency),
                    "doc": doc_to_json(o.doc),
                    "placed_at": o.placed_at,
                    "updated_at": now,
                    "version": 1,
                }
            )
        for start in range(0, len(rows), CHUNK):
            part = rows[start : start + CHUNK]
            conn.execute(insert(_o), part)
            ids = dict(
                conn.execute(select(_o.c.number, _o.c.id).where(_o.c.number.in_([r["number"] for r in part]))).all()
            )
            conn.execute(
                insert(_e),
                [
                    {
                        "order_id": ids[r["number"]],
                        "at": r["placed_at"],
                        "actor": ctx.actor.login,
                        "from_status": None,
                        "to_status": r["status"],
                        "note": f"imported from {path.name}",
                    }
                    for r in part
                ],
            )
        record_trade(
            conn, [(buyers[o.email][0], o.placed_at, money.text(o.doc.total(), o.doc.currency)) for o in orders]
        )
        refresh_stages(conn, [b for b, _ in buyers.values()])
        by_status = Counter(o.status.value for o in orders)
        audit(
            session,
            ctx,
            "orders_import",
            "file",
            path.name,
            after={"orders": len(orders), "buyers_created": created, "by_status": dict(by_status)},
        )
    return OrdersImport(len(orders), created, tuple(sorted(by_status.items())))


def _buyers(conn: Any, orders: list[OrderInput], now: Any) -> tuple[dict[str, tuple[int, int | None]], int]:
    """E-mail -> (buyer id, owner id); unknown buyers are added as customers, others made customers."""
    first: dict[str, OrderInput] = {}
    for o in orders:
        first.setdefault(o.email, o)
    emails = sorted(first)
    found: dict[str, tuple[int, int | None, bool]] = {}
    for start in range(0, len(emails), CHUNK):
        for r in conn.execute(
            select(_b.c.email, _b.c.id, _b.c.owner_id, _b.c.is_customer).where(
                _b.c.email.in_(emails[start : start + CHUNK])
            )
        ):
            found[r.email] = (r.id, r.owner_id, bool(r.is_customer))
    missing = [e for e in emails if e not in found]
    for start in range(0, len(missing), CHUNK):
        part = missing[start : start + CHUNK]
        conn.execute(
            insert(_b),
            [
                {
                    "email": e,
                    "member_id": None,
                    "name": first[e].name,
                    "company": first[e].company,
                    "country": first[e].country,
                    "phone": "",
                    "website": "",
                    "address": "",
                    "business_type": "",
                    "employees": "",
                    "verified": False,
                    "owner_id": None,
                    "is_customer": True,
                    "customer_since": now,
                    "group_name": "",
                    "type": "",
                    "source": SOURCE,
                    "stars": 0,
                    "notes": "",
                    "first_seen_at": first[e].placed_at,
                    "version": 1,
                }
                for e in part
            ],
        )
        for r in conn.execute(select(_b.c.email, _b.c.id).where(_b.c.email.in_(part))):
            found[r.email] = (r.id, None, True)
    to_mark = [bid for bid, _, customer in found.values() if not customer]
    for start in range(0, len(to_mark), CHUNK):
        conn.execute(
            update(_b)
            .where(_b.c.id.in_(to_mark[start : start + CHUNK]))
            .values(is_customer=True, customer_since=now, source=SOURCE)
        )
    return {e: (bid, owner) for e, (bid, owner, _) in found.items()}, len(missing)
