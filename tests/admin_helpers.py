"""Test helpers for the admin tests: arrivals through the pipeline and actions at a chosen instant."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from itertools import count

from sqlmodel import select

from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, receive
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.models import Inquiry

_ids = count(1)


def at(ctx: Ctx, moment: datetime) -> Ctx:
    """The same store and actor with the clock stopped at MOMENT (a reply then, a junk marking then)."""
    return replace(ctx, clock=lambda: moment)


def arrive(
    ctx: Ctx,
    when: datetime,
    email: str = "buyer@acme.example",
    *,
    channel: str = "inquiry",
    product: str | None = None,
    country: str | None = "DE",
    subject: str = "Price for 500 pcs",
    body: str = "Please quote 500 pcs FOB Shenzhen, thank you.",
) -> int:
    """One arrival through the real pipeline (received at WHEN); returns the new inquiry id."""
    receive(
        at(ctx, when),
        [
            Arrival(
                f"adm-{next(_ids)}",
                channel,
                when,
                BuyerFields(email, "Buyer", "Acme GmbH", country),
                product,
                subject,
                body,
            )
        ],
    )
    with ctx.read() as session:
        return session.exec(select(Inquiry.id).order_by(Inquiry.id.desc())).first()  # type: ignore[union-attr,return-value]
