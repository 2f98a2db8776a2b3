"""Test helpers for deals: a customer with an inquiry (and terms), LOIs and orders made through the services."""

from __future__ import annotations

from datetime import timedelta

from inquiry_tui.domain.terms import Terms, terms_to_json
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import lois, orders
from inquiry_tui.services.deals.views import LoiView, OrderView
from inquiry_tui.store.models import Inquiry
from tests.customer_helpers import make_buyer, make_product, make_thread

LINE = {
    "sku": "FL-100W",
    "description": "100W LED Flood Light",
    "quantity": "500",
    "unit": "pcs",
    "unit_price": "12.50",
}


def customer_with_inquiry(
    ctx: Ctx, email: str = "hans@mueller.example", owner: str = "ana", *, terms: Terms | None = None, **fields: object
) -> tuple[int, int]:
    """(buyer id, inquiry id): a customer of OWNER who asked about FL-100W yesterday."""
    values = {"name": "Hans Müller", "company": "Müller Licht GmbH", "country": "DE", "is_customer": True, **fields}
    buyer = make_buyer(ctx, email, owner=owner, **values)
    with ctx.read() as session:
        found = session.connection().exec_driver_sql("SELECT id FROM product WHERE sku = 'FL-100W'").first()
    product = found[0] if found else make_product(ctx, "FL-100W", "100W LED Flood Light IP65")
    inquiry = make_thread(ctx, buyer, owner, ctx.now() - timedelta(days=1), product_id=product)
    if terms is not None:
        with ctx.write() as session:
            row = session.get(Inquiry, inquiry)
            assert row is not None
            row.terms = terms_to_json(terms)
            session.add(row)
    return buyer, inquiry


def confirmed_loi(ctx: Ctx, inquiry_id: int, **data: object) -> LoiView:
    view = lois.draft_loi(ctx, inquiry_id=inquiry_id, data={"lines": [LINE], **data})
    lois.send_loi(ctx, view.id)
    return lois.confirm_loi(ctx, view.id)


def order_of(ctx: Ctx, inquiry_id: int) -> OrderView:
    return orders.order_from_loi(ctx, confirmed_loi(ctx, inquiry_id).id)
