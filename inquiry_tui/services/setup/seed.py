"""`seed --sample` (the LED exporter sample company) and `seed --inquiries N --seed S [--rfqs R] [--visitors V]`."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session, select

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.context import Ctx, actor_from
from inquiry_tui.services.deals.sample import seed_deals
from inquiry_tui.services.files import blobs
from inquiry_tui.services.files.purge import drop_unreferenced
from inquiry_tui.services.files.sample import seed_files
from inquiry_tui.services.setup.channels import seed_channels
from inquiry_tui.services.setup.company import CompanySetup, load_json, set_up_in
from inquiry_tui.services.setup.routing_sample import add_routing_sample
from inquiry_tui.services.setup.synthetic import SeedResult, generate
from inquiry_tui.store.models import Account

SAMPLE_INQUIRIES = 2_000
SAMPLE_SEED = 20261123
SAMPLE_VISITORS = 40  # visitors known only from their visits, beside the buyers of the inquiries
# The sample's salespeople follow a keyword each and have quoted one recommended RFQ each.
SAMPLE_MARKET = (("ana", "flood light"), ("ben", "street light"))
# Bounds of `seed --inquiries N [--rfqs R] [--visitors V]`: far past any benchmark (1M), short of
# a run that would fill a disk or never end.
MAX_INQUIRIES = 10_000_000
MAX_RFQS = 1_000_000
MAX_VISITORS = 1_000_000
# The sample seed's steps, in order ("done" last, before its one transaction commits); a synthetic seed's are the
# first two.
SAMPLE_STEPS = ("company", "inquiries", "market", "deals", "files", "channels", "routing", "done")

# Told the name of each step as it starts (tests make one fail: the store must be left as it was).
on_step: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if on_step is not None:
        on_step(name)


def check_bounds(inquiries: int, rfqs: int | None, visitors: int) -> None:
    """Refuse a count out of bounds before anything is opened or written."""
    for name, value, high in (
        ("--inquiries", inquiries, MAX_INQUIRIES),
        ("--rfqs", rfqs, MAX_RFQS),
        ("--visitors", visitors, MAX_VISITORS),
    ):
        if value is not None and not 0 <= value <= high:
            raise ValidationError(f"{name}: {value:,} is outside 0 to {high:,}")
    if inquiries < 1:
        raise ValidationError("--inquiries must be at least 1")


def _refuse_populated(conn: Connection) -> None:
    """Seed is for an empty store: one that holds inquiries is refused (inside the seed's transaction)."""
    count = conn.exec_driver_sql("SELECT count(*) FROM inquiry").scalar_one()
    if count:
        raise ValidationError(
            f"this store already holds {count:,} inquiries; seed is for a new, empty store (it would add to them "
            "and reset the company's settings). Make one with `inquiry-tui --db NEW.db init` and seed that; "
            "nothing was changed"
        )


def _company_set_up(ctx: Ctx, done: list[CompanySetup]) -> Any:
    """The first step of the seed's one transaction: the store is empty of inquiries, then the company is set up."""

    def run(conn: Connection) -> None:
        _step("company")
        _refuse_populated(conn)
        # Joins conn's transaction (a savepoint of the seed's one transaction); closing it leaves that alone.
        with Session(bind=conn, expire_on_commit=False, join_transaction_mode="rollback_only") as session:
            done.append(set_up_in(session, ctx, load_json("company.json")))
            session.flush()
        _step("inquiries")

    return run


@contextmanager
def _all_or_none(ctx: Ctx) -> Iterator[None]:
    """The whole seed as one write transaction (Ctx.one_transaction): stopped or failing at any step, even by
    kill -9, it leaves the store as it was. Files it moved into the file store are removed again when it
    fails (no row names them after the rollback; after a kill -9, `disk purge` removes them)."""
    with blobs.noting_placed() as placed:
        try:
            with ctx.one_transaction():
                yield
                _step("done")
        except BaseException:
            with contextlib.suppress(Exception):  # best effort: the seed's own error is the one to tell
                drop_unreferenced(ctx, placed)
            raise


def seed_sample(ctx: Ctx) -> tuple[CompanySetup, SeedResult]:
    """The sample company with ~2,000 inquiries over 120 days (deterministic but relative to now), and a
    little e-mail, a call log with appointment requests, and platform notices (setup/channels.py).
    All in one transaction (SAMPLE_STEPS)."""
    ctx.require_admin("seed the store")
    done: list[CompanySetup] = []
    with _all_or_none(ctx):
        result = generate(
            ctx, SAMPLE_INQUIRIES, SAMPLE_SEED, visitors=SAMPLE_VISITORS, set_up=_company_set_up(ctx, done)
        )
        setup = done[0]
        _step("market")
        _sample_market(ctx)
        _step("deals")
        seed_deals(ctx)  # a few templates, letters of intent and orders (Deals, `3`)
        _step("files")
        seed_files(ctx)  # a small cloud disk library and a few attachments
        _step("channels")
        seed_channels(ctx)  # e-mail threads, calls and notices
        _step("routing")
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
    """N synthetic inquiries and the sample company's set-up, in one transaction (a killed seed changes nothing);
    then the team's caches are warmed, as after a big import (services/team/warming.py): the first
    dashboard and recommendations on the new store read them instead of computing every day."""
    from inquiry_tui.services.team.warming import warm_caches

    check_bounds(inquiries, rfqs, visitors)
    ctx.require_admin("seed the store")
    done: list[CompanySetup] = []
    # generate's own transaction is the seed's one (no files, no other step): no savepoint to pay for at 1M rows.
    result = generate(ctx, inquiries, seed, rfqs=rfqs, visitors=visitors, set_up=_company_set_up(ctx, done))
    started = time.perf_counter()
    warm_caches(ctx)  # after the commit, in transactions of its own: a cache it cannot write is skipped
    return done[0], replace(result, warm_seconds=time.perf_counter() - started)
