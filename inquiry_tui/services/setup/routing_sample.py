"""The sample company's routing and supervision (`seed --sample`, `demo`): away, a full account, escalation, notes.

Added after the sample's inquiries, so that `inquiry-tui demo` shows the second round of
routing at work: fay is away for a week, gus is at his capacity limit, smart questions say
what they ask, the company contact has a card, unanswered inquiries over 48 hours have been
escalated once (a sweep ran, as it does on every arrival), and the admin left two notes.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import col

from inquiry_tui.domain.vocabulary import Folder
from inquiry_tui.services.allocation.reroute import allocate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notes.notes import add_note
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.services.team.accounts import company_today, list_accounts, set_away, set_limit
from inquiry_tui.store.models import Account, Buyer, Inquiry

QUESTIONS = [
    "[product, quantity] Which product and quantity are you interested in?",
    "[destination] Which country will the lights be installed in?",
    "[delivery_date] When do you need the goods delivered?",
]
CARD = {
    "contact.name": "Brightway sales desk",
    "contact.phone": "+86 755 8888 1234",
    "contact.email": "sales@brightway-led.example",
}
ESCALATE_AFTER_HOURS = "48"


def add_routing_sample(ctx: Ctx) -> None:
    """Away, capacity, declared questions, the contact card, escalation (one sweep) and two admin notes."""
    ctx.require_admin("seed the store")
    set_setting(ctx, "reception.smart_questions", json.dumps(QUESTIONS))
    for key, value in CARD.items():
        set_setting(ctx, key, value)
    with ctx.read() as session:
        back = company_today(session, ctx.now()) + timedelta(days=7)
    set_away(ctx, "fay", True, back)
    full = next((a for a in list_accounts(ctx) if a.login == "gus"), None)
    if full is not None:
        set_limit(ctx, "gus", max(1, full.open_inquiries))
    set_setting(ctx, "allocation.reassign_after_hours", ESCALATE_AFTER_HOURS)
    allocate(ctx)  # the sweep every arrival runs: escalation of what nobody answered in 48 hours
    with ctx.read() as session:
        inquiry = session.execute(
            select(col(Inquiry.id))
            .join(Account, col(Account.id) == col(Inquiry.owner_id))
            .where(
                col(Account.login) == "ana",
                col(Inquiry.folder) == Folder.INBOX,
                col(Inquiry.first_response_at).is_(None),
            )
            .order_by(col(Inquiry.received_at).desc())
            .limit(1)
        ).scalar_one_or_none()
        customer = session.execute(
            select(col(Buyer.email))
            .join(Account, col(Account.id) == col(Buyer.owner_id))
            .where(col(Account.login) == "ben", col(Buyer.is_customer).is_(True))
            .order_by(func.coalesce(col(Buyer.last_contact_at), col(Buyer.first_seen_at)).desc())
            .limit(1)
        ).scalar_one_or_none()
    if inquiry is not None:
        add_note(ctx, text="Big buyer for us: please answer today and offer a sample.", inquiry_id=inquiry)
    if customer is not None:
        add_note(ctx, text="Send them the new solar catalogue before the trade fair.", buyer_email=customer)
