"""`seed --sample` (the LED exporter sample company) and `seed --inquiries N --seed S [--rfqs R] [--visitors V]`."""

from __future__ import annotations

from sqlmodel import select

from inquiry_tui.services.context import Ctx, actor_from
from inquiry_tui.services.deals.sample import seed_deals
from inquiry_tui.services.files.sample import seed_files
from inquiry_tui.services.setup.channels import seed_channels
from inquiry_tui.services.setup.company import CompanySetup, load_json, set_up_company
from inquiry_tui.services.setup.routing_sample import add_routing_sample
from inquiry_tui.services.setup.synthetic import SeedResult, generate
from inquiry_tui.store.models import Account

SAMPLE_INQUIRIES = 2_000
SAMPLE_SEED = 20261123
SAMPLE_VISITORS = 40  # visitors known only from their visits, beside the buyers of the inquiries
# The sample's salespeople follow a keyword each and have quoted one recommended RFQ each.
SAMPLE_MARKET = (("ana", "flood light"), ("ben", "street light"))


def seed_sample(ctx: Ctx) -> tuple[CompanySetup, SeedResult]:
    """The sample company with ~2,000 inquiries over 120 days (deterministic but relative to now), and a
    little e-mail, a call log with appointment requests, and platform notices (setup/channels.py)."""
    ctx.require_admin("seed the store")
    setup = set_up_company(ctx, load_json("company.json"))
    result = generate(ctx, SAMPLE_INQUIRIES, SAMPLE_SEED, visitors=SAMPLE_VISITORS)
    _sample_market(ctx)
    seed_deals(ctx)  # a few templates, letters of intent and orders (Deals, `3`)
    seed_files(ctx)  # a small cloud disk library and a few attachments
    seed_channels(ctx)  # e-mail threads, calls and notices
    add_routing_sample(ctx)  # away, capacity, escalation, notes: after the inquiries they act on
    return setup, result


def _sample_market(ctx: Ctx) -> None:
    """A keyword subscription and a quote on the best recommended RFQ for each of two salespeople."""
    from inquiry_tui.services.rfq.quotes import send_quote
    from inquiry_tui.services.rfq.recommend import recommended_rfqs
    from inquiry_tui.services.rfq.subscriptions import subscribe

    for login, word in SAMPLE_MARKET:
        with ctx.read() as session:
            account = session.exec(select(Account).where(Account.login == login)).one_or_none()
        if account is None:
            continue
        person = ctx.as_actor(actor_from(account))
        subscribe(person, word)
        best = recommended_rfqs(person, limit=1, wait_for_activity=False)
        if best:
            r = best[0]
            price = r.target_price or "12.50"
            send_quote(
                person,
                r.id,
                {"price": price, "currency": r.currency or "USD", "moq": "100", "lead_days": "20", "incoterm": "FOB"},
            )


def seed_synthetic(
    ctx: Ctx, inquiries: int, seed: int, *, rfqs: int | None = None, visitors: int = 0
) -> tuple[CompanySetup, SeedResult]:
    ctx.require_admin("seed the store")
    setup = set_up_company(ctx, load_json("company.json"))
    return setup, generate(ctx, inquiries, seed, rfqs=rfqs, visitors=visitors)
