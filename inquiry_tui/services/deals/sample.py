"""The sample company's deals (`seed --sample`, `demo`): two contract templates, a few LOIs, orders.

Deterministic: the customers are the first of ana's and ben's by id. A draft LOI, a sent one,
a confirmed one with its order moved on to shipped, and two marketplace orders, so each screen
of Deals has something to show. Sending needs a PDF font; without one the LOIs stay drafts.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select

from inquiry_tui.domain import money
from inquiry_tui.domain.deals import DealDoc, Line, OrderKind, OrderStatus, doc_to_json
from inquiry_tui.services.context import Ctx, actor_from
from inquiry_tui.services.deals import lois, orders, templates
from inquiry_tui.services.deals.documents import FontMissing
from inquiry_tui.services.deals.trade import record_trade, refresh_stages
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import Account, Buyer, DealOrder, OrderEvent

TEMPLATES: list[tuple[str, dict[str, Any]]] = [
    (
        "FOB Ningbo, 30% deposit",
        {
            "subject": "Supply of LED lighting to {buyer.company}",
            "currency": "USD",
            "shipping": {"incoterm": "FOB", "port": "Ningbo", "destination": "{buyer.country}"},
            "payment": {"method": "T/T", "deposit_percent": "30"},
            "contacts": {"seller": "{seller.name}, {seller.company}", "buyer": "{buyer.name}, {buyer.email}"},
            "terms": "Prices valid 30 days from {today}. 30% deposit by T/T, balance against the copy of the B/L. "
            "Lead time 15-25 days after the deposit. Warranty 3 years.",
        },
    ),
    (
        "Sample order, EXW",
        {
            "subject": "Sample order for {buyer.company}",
            "currency": "USD",
            "lines": [
                {"sku": "FL-100W", "description": "100W LED Flood Light IP65 (sample)", "quantity": "2", "unit": "pcs"}
            ],
            "shipping": {"incoterm": "EXW", "port": "Ningbo"},
            "payment": {"method": "T/T", "deposit_percent": "100"},
            "terms": "Samples ship in 3-5 days after payment; the sample cost is refunded with the first order.",
        },
    ),
]


def _as(ctx: Ctx, login: str) -> Ctx:
    with ctx.read() as session:
        return ctx.as_actor(actor_from(session.exec(select(Account).where(Account.login == login)).one()))


def _inquiries(ctx: Ctx, login: str, n: int) -> list[int]:
    """The newest inquiries of LOGIN about a product, from buyers LOGIN owns (one per buyer)."""
    with ctx.read() as session:
        rows = session.connection().execute(
            text(
                "SELECT i.id, i.buyer_id FROM inquiry i JOIN buyer b ON b.id = i.buyer_id JOIN account a ON a.id = i.owner_id "
                "WHERE a.login = :login AND b.owner_id = i.owner_id AND i.product_id IS NOT NULL AND i.is_junk = :no "
                "ORDER BY i.id DESC"
            ),
            {"login": login, "no": False},
        )
        seen: set[int] = set()
        out: list[int] = []
        for inquiry_id, buyer_id in rows:
            if buyer_id not in seen:
                seen.add(buyer_id)
                out.append(int(inquiry_id))
            if len(out) == n:
                break
    return out


def seed_deals(ctx: Ctx) -> int:
    """Add the sample deals (once: nothing if templates exist); returns how many LOIs were drafted."""
    if templates.list_templates(ctx):
        return 0
    ana, ben = _as(ctx, "ana"), _as(ctx, "ben")
    for name, doc in TEMPLATES:
        templates.add_template(ana, name, doc)
    drafted = 0
    for who, price in ((ana, "12.50"), (ben, "11.80")):
        for step, inquiry in enumerate(_inquiries(ctx, who.actor.login, 3)):
            line = {"quantity": str(200 + 100 * step), "unit_price": price}
            draft = lois.prefill_loi(who, inquiry_id=inquiry, template=TEMPLATES[0][0])
            first = draft.doc.lines[0] if draft.doc.lines else None
            data = {
                "lines": [
                    {
                        "sku": first.sku if first else "FL-100W",
                        "description": first.description if first else "LED light",
                        "unit": "pcs",
                        **line,
                    }
                ]
            }
            view = lois.draft_loi(who, inquiry_id=inquiry, template=TEMPLATES[0][0], data=data)
            drafted += 1
            if step == 0:
                continue
            try:
                lois.send_loi(who, view.id)
            except FontMissing:
                continue
            if step == 2:
                lois.confirm_loi(who, view.id)
                order = orders.order_from_loi(who, view.id)
                orders.set_order_status(who, order.id, OrderStatus.PAID)
                if who is ana:
                    orders.set_order_status(who, order.id, OrderStatus.SHIPPED)
    _marketplace_orders(ctx)
    return drafted


def _marketplace_orders(ctx: Ctx) -> None:
    """Two orders placed on the marketplace by customers of ana: one a sample order, the other completed."""

    with ctx.write() as session:
        me = id_of(session.exec(select(Account).where(Account.login == "ana")).one())
        buyers = session.exec(
            select(Buyer).where(Buyer.owner_id == me, col(Buyer.is_customer).is_(True)).order_by(col(Buyer.id)).limit(2)
        ).all()
        placed = ctx.now() - timedelta(days=20)
        made = []
        for n, buyer in enumerate(buyers):
            kind = OrderKind.SAMPLE if n == 0 else OrderKind.REGULAR
            qty, price = (
                (Decimal(2), Decimal("35.00")) if kind is OrderKind.SAMPLE else (Decimal(600), Decimal("12.20"))
            )
            doc = DealDoc(
                subject=f"Marketplace order {n + 1}",
                currency="USD",
                lines=(Line("FL-100W", "100W LED Flood Light IP65", qty, "pcs", price),),
            )
            status = OrderStatus.COMPLETED if kind is OrderKind.REGULAR else OrderStatus.SHIPPED
            order = DealOrder(
                number=f"AL-2026{1100 + n}",
                source="marketplace",
                kind=kind.value,
                buyer_id=id_of(buyer),
                owner_id=me,
                status=status.value,
                currency="USD",
                total_minor=money.to_minor(doc.total(), "USD"),
                doc=doc_to_json(doc),
                placed_at=placed + timedelta(days=n),
                updated_at=placed + timedelta(days=n + 5),
            )
            session.add(order)
            session.flush()
            session.add(
                OrderEvent(
                    order_id=id_of(order),
                    at=order.placed_at,
                    actor="system",
                    to_status=status.value,
                    note="sample data",
                )
            )
            made.append((order.buyer_id, order.placed_at, money.text(doc.total(), "USD")))
        record_trade(session, made)
        refresh_stages(session, [b for b, _, _ in made])
