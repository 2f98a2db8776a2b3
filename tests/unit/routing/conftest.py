"""Routing fixtures: a shop (products and countries with owners) and arrivals at chosen instants."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

import pytest
from sqlmodel import select

from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, receive
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.catalog import add_product, assign_region
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.store.models import Account, AllocationRecord, Inquiry
from tests.admin_helpers import at
from tests.conftest import FIXED_NOW

_ids = count(1)


@pytest.fixture
def shop(admin_ctx: Ctx) -> Ctx:
    """boss (main) + ana, ben, cara; SKU FL-1 owned by ana, ST-2 by ben, SEN-3 unowned; DE -> ben, US -> cara."""
    add_product(admin_ctx, "FL-1", "Flood light 100W", "ana")
    add_product(admin_ctx, "ST-2", "Street light 60W", "ben")
    add_product(admin_ctx, "SEN-3", "Motion sensor")
    assign_region(admin_ctx, "DE", "ben")
    assign_region(admin_ctx, "US", "cara")
    return admin_ctx


def settings(ctx: Ctx, **values: str) -> None:
    for key, value in values.items():
        set_setting(ctx, key.replace("__", "."), value)


def arrival(
    email: str = "buyer@acme.example",
    product: str | None = None,
    country: str | None = "FR",
    *,
    when: datetime | None = None,
    channel: str = "inquiry",
    body: str = "Please send your catalogue.",
    subject: str = "Inquiry",
) -> Arrival:
    n = next(_ids)
    return Arrival(
        f"r-{n}",
        channel,
        when or FIXED_NOW - timedelta(minutes=600 - n % 500),
        BuyerFields(email, "Buyer", "Acme", country),
        product,
        subject,
        body,
    )


def arrive(ctx: Ctx, *arrivals: Arrival, now: datetime = FIXED_NOW) -> list[int]:
    """Receive ARRIVALS in one batch at NOW; their new ids."""
    report = receive(at(ctx, now), list(arrivals))
    assert report.first_id is not None and report.last_id is not None
    return list(range(report.first_id, report.last_id + 1))


def owner_rule(ctx: Ctx, inquiry_id: int) -> tuple[str, str]:
    with ctx.read() as s:
        login, rule = s.exec(
            select(Account.login, Inquiry.rule)
            .join(Account, Account.id == Inquiry.owner_id)
            .where(Inquiry.id == inquiry_id)
        ).one()
        return login, rule


def reasons(ctx: Ctx, inquiry_id: int) -> list[tuple[str, str]]:
    """(rule, reason) of every allocation-record row of an inquiry, oldest first."""
    with ctx.read() as s:
        rows = s.exec(
            select(AllocationRecord.rule, AllocationRecord.reason)
            .where(AllocationRecord.inquiry_id == inquiry_id)
            .order_by(AllocationRecord.id)
        ).all()
        return [(r, why) for r, why in rows]


def rows(ctx: Ctx, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    from sqlalchemy import text

    with ctx.read() as s:
        return [tuple(r) for r in s.execute(text(sql), params)]
