"""Thread owner and buyer owner agree, or the thread says whose the buyer's next inquiry is (issue 13, item 9)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from sqlmodel import col, select

from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.thread import thread_detail
from inquiry_tui.services.setup.settings import get_settings, save_settings
from inquiry_tui.store.models import Account, Buyer, Inquiry
from inquiry_tui.tui.inbox.thread_view import thread_text


def test_a_reassigned_thread_names_the_buyers_owner_and_whose_the_next_inquiry_is(sample_ctx: Ctx) -> None:
    ctx = sample_ctx
    with ctx.read() as session:
        iid, owner = session.exec(
            select(Inquiry.id, Account.login)
            .join(Buyer, col(Buyer.id) == col(Inquiry.buyer_id))
            .join(Account, col(Account.id) == col(Inquiry.owner_id))
            .where(col(Inquiry.owner_id) == col(Buyer.owner_id), col(Account.login) != "boss")
            .order_by(col(Inquiry.id).desc())
        ).first()  # type: ignore[misc]
    before = thread_detail(ctx, iid)
    assert before.owner_login == before.buyer_owner_login == owner
    assert "buyer's owner" not in thread_text(before, ctx.now(), UTC).plain
    other = "ben" if owner != "ben" else "ana"
    assign_inquiry(ctx, iid, other)  # the thread moves; the buyer stays the owner's
    after = thread_detail(ctx, iid)
    assert (after.owner_login, after.buyer_owner_login) == (other, owner)
    shown = thread_text(after, ctx.now(), UTC).plain
    assert f"The buyer's owner is {owner}: their next inquiry goes to {owner} (sticky)" in shown
    settings = get_settings(ctx)
    save_settings(ctx, replace(settings, allocation=replace(settings.allocation, sticky=False)))
    shown = thread_text(thread_detail(ctx, iid), ctx.now(), UTC).plain
    assert f"The buyer's owner is {owner}: their next inquiry is routed by the rules (sticky is off)" in shown
