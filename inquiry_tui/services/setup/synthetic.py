"""A deterministic synthetic store: N inquiries (~3 messages each), buyers and their activity, RFQs and visitors.

Used by `seed --sample` (2,000 inquiries) and `seed --inquiries N --seed S` (benchmarks up to
1M). RFQs and visitor-only buyers come from synthetic_market.py, drawn from a random stream of
their own, so adding them changes nothing else of a store made with the same seed. Rows are built as tuples beside the
load (a thread, or from BUILD_PROCESS_FROM inquiries a process of its own: services/setup/producer.py) and
written with raw executemany in chunks, in one transaction; the same seed and the same `now` give the same store.
"""

from __future__ import annotations

import gc
import random
import sys
import time
from bisect import bisect
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import Connection

from inquiry_tui.domain.due import RESPONSE_LIMIT
from inquiry_tui.domain.vocabulary import SYSTEM_LOGIN, ActivityKind, Channel, Direction, Folder, Role, Rule
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.company import load_json
from inquiry_tui.services.setup.producer import produced
from inquiry_tui.services.setup.synthetic_market import (
    RfqPlan,
    generate_visitors,
    plan_rfqs,
    rfq_rows,
    write_rfqs,
)
from inquiry_tui.services.visitors import summary as visitor_summary
from inquiry_tui.store import bulk, dialect, index_build, search_side
from inquiry_tui.store.types import db_text

# Plain strings for the rows: sqlite3 binds a str subclass (an enum member) by a slower path.
_INQUIRY, _TM, _EMAIL, _RFQ = (c.value for c in (Channel.INQUIRY, Channel.TM, Channel.EMAIL, Channel.RFQ))
_KIND_JUNK, _KIND_BLACKLIST = ActivityKind.JUNK.value, ActivityKind.BLACKLIST.value
_IN, _OUT, _AUTO = Direction.IN.value, Direction.OUT.value, Direction.AUTO.value
_INBOX, _JUNK, _DELETED = Folder.INBOX.value, Folder.JUNK.value, Folder.DELETED.value
_STICKY, _PRODUCT, _ROTATION, _COMPANY_CONTACT = (
    r.value for r in (Rule.STICKY, Rule.PRODUCT, Rule.ROTATION, Rule.COMPANY_CONTACT)
)
_KINDS = tuple(
    k.value
    for k in (
        ActivityKind.VISIT,
        ActivityKind.PRODUCT_VIEW,
        ActivityKind.SEARCH,
        ActivityKind.LOGIN,
        ActivityKind.RFQ,
        ActivityKind.TRADE,
    )
)


CHUNK = 20_000
_RECEIVED = bulk.INQUIRY_COLUMNS.index("received_at")
HISTORY_DAYS = 120
JUNK_REASONS = {
    "Rank your website #1 on Google": "offers SEO / web-design services\nbody has 3 links",
    "Your account will be suspended": "looks like phishing (asks to verify an account or password)",
    "Invitation letter request": "asks for a visa invitation letter",
    "hi": "body is empty",
    "Cheap web development services": "offers SEO / web-design services",
    "Business proposal": "body has 6 links",
}


@dataclass(frozen=True)
class SeedResult:
    inquiries: int
    messages: int
    buyers: int
    activity_days: int
    seconds: float
    rfqs: int = 0
    visitors: int = 0  # buyers known only from visits
    warm_seconds: float = 0.0  # seed_synthetic: the team's caches warmed after the load (not in `seconds`)


def default_rfqs(inquiries: int) -> int:
    """RFQs a store of INQUIRIES gets unless told: a tenth, at most MAX_DEFAULT_RFQS."""
    return min(MAX_DEFAULT_RFQS, max(20, inquiries // 10))


MAX_DEFAULT_RFQS = 2_000


@dataclass
class _Company:
    admin_id: int
    sales: list[tuple[int, str]]  # (id, name)
    products: list[tuple[int, str, str, int | None]]  # (id, sku, name, owner_id)
    country_owner: dict[str, int]


def _company(conn: Connection) -> _Company:
    admin_id = conn.exec_driver_sql("SELECT id FROM account WHERE role = ?", (Role.ADMIN.value,)).scalar_one()
    sales = [
        tuple(r)
        for r in conn.exec_driver_sql(
            "SELECT id, name FROM account WHERE role = ? AND active = ? ORDER BY id", (Role.SALES.value, True)
        )
    ]
    products = [tuple(r) for r in conn.exec_driver_sql("SELECT id, sku, name, owner_id FROM product ORDER BY id")]
    owners: dict[str, int] = dict(conn.exec_driver_sql("SELECT country, account_id FROM country_owner").all())
    return _Company(admin_id, sales, products, owners)


class _Generator:
    def __init__(self, seed: int, now: datetime, company: _Company, vocab: dict[str, Any] | None = None) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.now_naive = now.astimezone(UTC).replace(tzinfo=None)
        self.v = vocab if vocab is not None else load_json("vocab.json")
        self.c = company
        codes, weights = zip(*self.v["countries"])
        self.country_codes: tuple[str, ...] = codes
        self.country_cum = list(accumulate(weights))
        self.rotation = 0

    def pick(self, items: list[Any]) -> Any:
        return items[int(self.rng.random() * len(items))]

    def country(self) -> str:
        return self.country_codes[bisect(self.country_cum, self.rng.random() * self.country_cum[-1])]

    def buyer(self, buyer_id: int) -> tuple[Any, ...]:
        r, v = self.rng, self.v
        first, last = self.pick(v["first_names"]), self.pick(v["last_names"])
        company = f"{self.pick(v['company_prefix'])} {self.pick(v['company_core'])} {self.pick(v['company_suffix'])}"
        free = r.random() < 0.3
        domain = (
            self.pick(v["free_mail"])
            if free
            else company.split()[0].lower() + company.split()[1].lower()[:5] + ".example"
        )
        email = f"{first.lower()}.{last.lower().replace('-', '')}{buyer_id}@{domain}"
        verified = r.random() < 0.45
        tier = f"L{min(4, int(r.random() * 5))}" if verified or r.random() < 0.5 else None
        is_customer = r.random() < 0.35
        first_seen = self.now - timedelta(days=HISTORY_DAYS + r.random() * 300)
        complete = r.random() < 0.7
        return (
            buyer_id,
            email,
            f"m{buyer_id:08d}",
            f"{first} {last}",
            company,
            self.country(),
            f"+{r.randint(1, 99)} {r.randint(100, 999)} {r.randint(1000000, 9999999)}" if complete else "",
            f"https://www.{domain}" if complete and not free else "",
            "",
            self.pick(v["business_types"]),
            self.pick(["1-10", "11-50", "51-200", "201-500", "500+"]) if complete else "",
            r.randint(1990, 2022) if complete else None,
            verified,
            tier,
            None,
            is_customer,
            db_text(first_seen) if is_customer else None,
            self.pick(v["groups"]) if is_customer else "",
            self.pick(v["business_types"]) if is_customer else "",
            self.pick(v["sources"]) if is_customer else "",
            r.randint(0, 5) if is_customer else 0,
            "",
            db_text(first_seen),
            None,
            1,
        )

    def owner_for(self, buyer_owner: int | None, product: tuple[Any, ...] | None, country: str) -> tuple[int, str]:
        if buyer_owner is not None:
            return buyer_owner, _STICKY
        if product is not None and product[3] is not None:
            return product[3], _PRODUCT
        if self.c.sales:
            self.rotation = (self.rotation + 1) % len(self.c.sales)
            return self.c.sales[self.rotation][0], _ROTATION
        return self.c.admin_id, _COMPANY_CONTACT


Progress = Callable[[str, int, int], None]  # (part, done, total), as cli/progress.py draws it
_SEEDING: ContextVar[Progress | None] = ContextVar("inquiry_tui_seeding_progress", default=None)


@contextmanager
def seeding_progress(report: Progress | None) -> Iterator[None]:
    """While inside, `generate` reports ("inquiries", written, total) to REPORT after each chunk (`seed` on a terminal)."""
    token = _SEEDING.set(report)
    try:
        yield
    finally:
        _SEEDING.reset(token)


# sqlite3 lets go of the GIL for every row it steps; with the builder thread busy, taking it back
# waited for the interpreter's switch interval (5 ms): executemany beside a busy Python thread ran
# at about half its speed. A shorter interval for the load gives it back sooner.
LOAD_SWITCH_INTERVAL = 0.0005


# The load makes tens of millions of tuples and strings and no cycles: the cyclic collector walked the
# young ones hundreds of times per chunk, in both processes (docs/performance.md, session 14).
@contextmanager
def _no_collection() -> Iterator[None]:
    """No cyclic garbage collection for the block (gc.disable), then as it was."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@contextmanager
def _quick_gil() -> Iterator[None]:
    """The interpreter's switch interval at LOAD_SWITCH_INTERVAL for the block, then as it was."""
    usual = sys.getswitchinterval()
    sys.setswitchinterval(min(usual, LOAD_SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(usual)


def generate(
    ctx: Ctx,
    inquiries: int,
    seed: int = 1,
    *,
    buyers: int | None = None,
    activity_per_buyer: int = 20,
    rfqs: int | None = None,
    visitors: int = 0,
    set_up: Callable[[Connection], object] | None = None,
) -> SeedResult:
    """Write N inquiries with threads, their buyers and activity, RFQS RFQs (default_rfqs) and VISITORS
    visitor-only buyers into an initialised store, in one transaction: all or nothing.

    SET_UP, when given, runs first in that same transaction (the seed's company set-up and its
    check that the store holds no inquiries), so a seed killed at any point leaves the store as it was.
    """
    started = time.perf_counter()
    now = ctx.now()
    # One transaction for the whole load: all or nothing, and big loads rebuild indexes once.
    # The scratch search index (SQLite) is held around the transaction: the connection that copied
    # it in is closed when it goes back to the pool, after the commit (store/search_side.py).
    with _no_collection(), _quick_gil(), search_side.scratch(ctx.engine) as scratch, ctx.begin() as conn:
        dialect.serialize(conn)
        if set_up is not None:
            set_up(conn)
        company = _company(conn)
        gen = _Generator(seed, now, company)
        n_buyers = buyers or max(300 if inquiries <= 5000 else 50, inquiries // 20)
        buyer_rows = [gen.buyer(i) for i in bulk.IdPool(conn, "buyer").take_many(n_buyers)]
        # SQLite: message ids count on from max(id) here (the generator is the only writer of a new
        # store's threads). PostgreSQL: each chunk's messages are numbered from 0 and given ids from
        # the sequence when written, so a reply elsewhere meanwhile cannot take one of them.
        sqlite = dialect.is_sqlite(conn)
        next_message = bulk.next_id(conn, "message") if sqlite else 0
        result = _load(
            conn, scratch, gen, inquiries, seed, buyer_rows, next_message, activity_per_buyer, rfqs, visitors
        )
    messages_total, days, n_rfqs = result
    return SeedResult(
        inquiries, messages_total, n_buyers, days, time.perf_counter() - started, rfqs=n_rfqs, visitors=visitors
    )


# From this many inquiries the rows are built in a process of their own (services/setup/producer.py):
# a thread would share the interpreter's lock with the loader's binding; a process costs some
# 0.5 s to start and the pickling of every chunk, which a small load does not win back.
BUILD_PROCESS_FROM = 50_000


@dataclass(frozen=True)
class _Plan:
    """Everything `_build` needs, as plain data: it may run in a process of its own."""

    seed: int
    now: datetime
    company: _Company
    vocab: dict[str, Any]
    rng: tuple[Any, ...]  # the generator's random state after the buyers
    buyers: list[tuple[int, str, str, str]]  # (id, country, first name, company)
    inquiry_ids: list[int]
    next_message: int
    sqlite: bool
    chunk: int
    activity_per_buyer: int
    rfq_plan: RfqPlan | None
    market: tuple[Any, ...]  # the market stream's random state
    side: search_side.Place | None  # SQLite with an empty search index: where the documents are indexed


@dataclass(frozen=True)
class _Rest:
    """What `_build` yields after the chunks: the buyers' owners and latest contacts, the activity, the RFQs,
    and both random streams' states after them (the visitors go on with them)."""

    buyer_owner: dict[int, int]
    last_contact: dict[int, str]
    activity: ActivityRows
    rfqs: list[tuple[Any, ...]] | None
    rng: tuple[Any, ...]
    market: tuple[Any, ...]


def _load(
    conn: Connection,
    scratch: search_side.Scratch,
    gen: _Generator,
    inquiries: int,
    seed: int,
    buyer_rows: list[tuple[Any, ...]],
    next_message: int,
    activity_per_buyer: int,
    rfqs: int | None,
    visitors: int,
) -> tuple[int, int, int]:
    """The body of `generate`'s transaction: (messages written, activity days, RFQs)."""
    now = gen.now
    sqlite = dialect.is_sqlite(conn)
    buyer_ids = [row[0] for row in buyer_rows]
    messages_total = 0
    existing = conn.exec_driver_sql("SELECT count(*) FROM inquiry").scalar_one()
    big = inquiries >= bulk.DEFER_INDEXES_FROM and inquiries >= existing
    message_ids = bulk.IdPool(conn, "message")
    market = random.Random(seed * 7919 + 17)  # a stream of its own: the rest of the store stays as it was
    n_rfqs = default_rfqs(inquiries) if rfqs is None else rfqs
    rfq_buyers = [(row[0], row[5]) for row in buyer_rows]
    # SQLite with an empty search index: the index is built beside the load on another core from
    # documents the builder makes (store/search_side.py), and copied in at the end.
    place = scratch.open(conn) if sqlite else None
    plan = _Plan(
        seed,
        now,
        gen.c,
        gen.v,
        gen.rng.getstate(),
        [(row[0], row[5], row[3].split()[0], row[4]) for row in buyer_rows],
        bulk.IdPool(conn, "inquiry").take_many(inquiries),
        next_message,
        sqlite,
        CHUNK,
        activity_per_buyer,
        plan_rfqs(conn, n_rfqs, rfq_buyers),
        market.getstate(),
        place,
    )
    report = _SEEDING.get()
    first: tuple[Any, ...] | None = None  # the first and last inquiry written (ids and arrivals ascend together)
    last: tuple[Any, ...] = ()
    # SQLite: the per-row triggers of new inquiries and messages are set aside for the load (their
    # work is done once after it: the search documents, the reply-rate days), and for a big load the
    # secondary indexes too (docs/store.md, Bulk loads). PostgreSQL: COPY with the triggers paused.
    loading = (
        index_build.deferred(
            conn, bulk.THREAD_TABLES, keep=bulk.KEEP_INDEXES, triggers=index_build.THREAD_INSERT_TRIGGERS, indexes=big
        )
        if sqlite
        else bulk.indexes_deferred(conn, enabled=big)
    )
    # The rows are built beside the store's writes, chunk by chunk in order (deterministic), then the
    # activity and the RFQs while the store creates its indexes again.
    in_process = inquiries >= BUILD_PROCESS_FROM
    with produced(
        _build, plan, process=in_process, ahead=2, switch_interval=LOAD_SWITCH_INTERVAL, collect=False
    ) as built:
        with index_build.load_cache(conn), loading:
            bulk.insert_rows(conn, "buyer", bulk.BUYER_COLUMNS, buyer_rows)
            for chunk_start in range(0, inquiries, CHUNK):
                inq_rows, msg_rows, alloc_rows = next(built)
                if not sqlite:
                    ids = message_ids.take_many(len(msg_rows))
                    msg_rows = [(ids[m[0]], *m[1:]) for m in msg_rows]
                messages_total += len(msg_rows)
                if sqlite:
                    bulk.insert_rows(conn, "inquiry", bulk.INQUIRY_COLUMNS, inq_rows)
                    bulk.insert_rows(conn, "message", bulk.MESSAGE_COLUMNS, msg_rows)
                    first, last = first or inq_rows[0], inq_rows[-1]
                else:
                    bulk.write_threads(conn, inq_rows, msg_rows)
                bulk.insert_rows(conn, "allocation_record", bulk.ALLOCATION_COLUMNS, alloc_rows)
                del inq_rows, msg_rows, alloc_rows  # not held through the next chunk's wait
                if report is not None:
                    report("inquiries", min(inquiries, chunk_start + CHUNK), inquiries)
            if sqlite and first is not None:
                assert last[0] - first[0] + 1 == inquiries  # IdPool: contiguous on SQLite
                if place is None:
                    indexed = (lambda n, total: report("search index", n, total)) if report is not None else None
                    index_build.build_search(conn, first[0], last[0], progress=indexed)
                index_build.drop_reply_days(conn, first[_RECEIVED], last[_RECEIVED])
        rest: _Rest = next(built)
        gen.rng.setstate(rest.rng)
        market.setstate(rest.market)
        conn.exec_driver_sql(
            "UPDATE buyer SET owner_id = ?, last_contact_at = ? WHERE id = ?",
            [(rest.buyer_owner.get(b), rest.last_contact.get(b), b) for b in buyer_ids],
        )
        days = _write_activity(conn, *rest.activity)
        visitor_summary.refresh(conn, buyer_ids)
        if rest.rfqs is not None:
            write_rfqs(conn, rest.rfqs)
        generate_visitors(conn, market, now, visitors, gen.v, gen.country)
        if report is not None and place is not None:
            report("search index", 0, inquiries)
        for _ in built:  # the end: the side index finished (last: it had the indexes' and the activity's time)
            raise AssertionError("the builder yields nothing after the rest")
    if place is not None:
        scratch.copy_in(conn, place)
        if report is not None:
            report("search index", inquiries, inquiries)
    # Both engines: the planner needs the new row counts. SQLite: the store only, not the scratch
    # search database still attached (a plain ANALYZE covers every attached database).
    conn.exec_driver_sql("ANALYZE main" if sqlite else "ANALYZE")
    return messages_total, days, n_rfqs


def _build(plan: _Plan) -> Generator[Chunk | _Rest, None, None]:
    """The rows of PLAN's inquiries chunk by chunk (their search documents to the side index, if any), then
    the `_Rest`; returns when the side index has finished. No store access: runs beside the loader."""
    gen = _Generator(plan.seed, plan.now, plan.company, plan.vocab)
    gen.rng.setstate(plan.rng)
    now_naive = gen.now_naive
    start = now_naive - timedelta(days=HISTORY_DAYS)
    span = (now_naive - start).total_seconds()
    inquiries = len(plan.inquiry_ids)
    # Arrival times ascending so that ids follow time (FTS newest-first is a rowid scan).
    times = sorted(gen.rng.random() * span for _ in range(inquiries))
    buyer_ids = [b[0] for b in plan.buyers]
    n_buyers = len(buyer_ids)
    buyer_country = {b[0]: b[1] for b in plan.buyers}
    buyer_names = {b[0]: b[2] for b in plan.buyers}
    buyer_company = {b[0]: b[3] for b in plan.buyers}
    buyer_owner: dict[int, int] = {}
    last_contact: dict[int, str] = {}  # the buyer's latest message by them or a person, as stored text
    next_message = plan.next_message
    month = timedelta(days=30)
    side = search_side.SideSearch(plan.side) if plan.side is not None else None
    try:
        for chunk_start in range(0, inquiries, plan.chunk):
            if not plan.sqlite:
                next_message = 0
            inq_rows: list[tuple[Any, ...]] = []
            msg_rows: list[tuple[Any, ...]] = []
            alloc_rows: list[tuple[Any, ...]] = []
            docs: list[search_side.Doc] = []
            ids = plan.inquiry_ids[chunk_start : chunk_start + plan.chunk]
            for offset, inquiry_id in zip(times[chunk_start : chunk_start + plan.chunk], ids):
                received = start + timedelta(seconds=offset)
                buyer_id = buyer_ids[int(gen.rng.random() ** 2 * n_buyers)]  # a few buyers write a lot
                row, msgs = _thread(
                    gen,
                    inquiry_id,
                    buyer_id,
                    received,
                    buyer_owner,
                    buyer_country[buyer_id],
                    buyer_names[buyer_id],
                    next_message,
                )
                next_message += len(msgs)
                inq_rows.append(row)
                if side is not None:  # the document the search triggers make: subject, bodies but auto-replies, company
                    body = "\n".join([m[5] for m in msgs if m[2] != _AUTO])
                    docs.append((inquiry_id, row[5], body, buyer_company[buyer_id]))
                msg_rows.extend(msgs)
                # docs/domain.md, Buyers: the latest message either way, auto-replies not counted (the
                # texts compare as times: one fixed format). A thread's messages ascend in time and only
                # the second can be an auto-reply.
                latest = msgs[-1][4] if msgs[-1][2] != _AUTO else msgs[0][4]
                if latest > last_contact.get(buyer_id, ""):
                    last_contact[buyer_id] = latest
                if now_naive - received <= month:
                    alloc_rows.append(
                        (row[8], inquiry_id, None, row[9], row[10], SYSTEM_LOGIN, f"allocated by {row[10]}")
                    )
            if side is not None:
                side.add(docs)
            yield inq_rows, msg_rows, alloc_rows
        # the same stream goes on with the activity, built while the store indexes
        activity = _activity_rows(gen, buyer_ids, plan.activity_per_buyer, inquiries <= 20_000)
        market = random.Random()
        market.setstate(plan.market)
        rfqs = (
            rfq_rows(plan.rfq_plan, market, plan.now, [(b[0], b[1]) for b in plan.buyers], gen.v)
            if plan.rfq_plan
            else None
        )
        yield _Rest(buyer_owner, last_contact, activity, rfqs, gen.rng.getstate(), market.getstate())
        if side is not None:
            side.finish()
    finally:
        if side is not None:
            side.close()


# A chunk's rows of inquiry, message and allocation_record.
Chunk = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]


# _thread's constants. Its random draws are the store: every change below keeps their number and order
# (gen.pick inlined as items[int(random() * len(items))], uniform(a, b) as a + (b - a) * random()).
_QUANTITIES = (50, 100, 200, 300, 500, 1000, 2000, 5000)
_DELAYS = [0.2, 0.5, 1, 2, 3, 5, 8, 12, 20, 26, 40]
_AUTO_REPLY = (
    "Hello, thank you for your interest in Brightway LED Lighting! Our sales team will answer within 24 hours."
)
_FIVE_SECONDS, _SIX_HOURS, _ONE_DAY = timedelta(seconds=5), timedelta(hours=6), timedelta(days=1)
_ISO = datetime.isoformat  # _ts without its call: _ISO(t, " ", "microseconds")


def _thread(
    gen: _Generator,
    inquiry_id: int,
    buyer_id: int,
    received: datetime,
    buyer_owner: dict[int, int],
    country: str,
    buyer_name: str,
    message_id: int,
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    r, v, now = gen.rng, gen.v, gen.now_naive
    rnd = r.random
    roll = rnd()
    channel = _INQUIRY if roll < 0.6 else _TM if roll < 0.85 else _EMAIL if roll < 0.95 else _RFQ
    products = gen.c.products
    product = products[int(rnd() * len(products))] if rnd() < 0.82 and products else None
    qty = _QUANTITIES[int(rnd() * 8)]
    ports, btypes = v["ports"], v["business_types"]
    port = ports[int(rnd() * len(ports))]
    price = f"{2 + (80 - 2) * rnd():.2f}"
    fill = {
        "product": product[2] if product else "LED lighting",
        "qty": qty,
        "qty2": qty * 2,
        "port": port,
        "price": price,
        "btype": btypes[int(rnd() * len(btypes))],
        "country": country,
        "buyer": buyer_name,
    }
    junk = rnd() < 0.04
    if junk:
        spams = v["junk"]
        spam = spams[int(rnd() * len(spams))]
        subject, body, reasons = spam["subject"], spam["body"], JUNK_REASONS.get(spam["subject"], "suspicious content")
        product = None
    else:
        subjects = v["subjects"] if product else v["company_subjects"]
        subject = subjects[int(rnd() * len(subjects))].format_map(fill)
        openings, asks, closings = v["openings"], v["asks"], v["closings"]
        opening = openings[int(rnd() * len(openings))]
        ask = asks[int(rnd() * len(asks))].format_map(fill)
        body = f"{opening}\n\n{ask}\n\n{closings[int(rnd() * len(closings))]}\n{buyer_name}"
        reasons = ""
    owner, rule = gen.owner_for(buyer_owner.get(buyer_id), product, country)
    buyer_owner.setdefault(buyer_id, owner)
    # rows of bulk.MESSAGE_COLUMNS: (id, inquiry_id, direction, author_id, sent_at, body)
    sent = _ISO(received, " ", "microseconds")
    msgs: list[tuple[int, int, str, int | None, str, str]] = [(message_id, inquiry_id, _IN, None, sent, body)]
    auto = 0
    if not junk and rnd() < 0.2:
        auto = 1
        auto_sent = _ISO(received + _FIVE_SECONDS, " ", "microseconds")
        msgs.append((message_id + 1, inquiry_id, _AUTO, None, auto_sent, _AUTO_REPLY))
    last, last_sent = received, sent  # the thread's last time and its stored text (formatted once)
    first_response, first_sent = None, None
    age_h = (now - received).total_seconds() / 3600
    if not junk and rnd() < (0.88 if age_h > 48 else 0.5):
        delay = timedelta(hours=r.choice(_DELAYS) * (0.5 + (1.2 - 0.5) * rnd()))
        if received + delay < now:
            first_response = received + delay
            last, last_sent = first_response, _ISO(first_response, " ", "microseconds")
            first_sent = last_sent
            replies = v["replies"]
            reply = replies[int(rnd() * len(replies))].format_map(fill)
            msgs.append((message_id + len(msgs), inquiry_id, _OUT, owner, last_sent, reply))
            if rnd() < 0.7 and last + _SIX_HOURS < now:
                last = last + timedelta(hours=1 + (30 - 1) * rnd())
                last_sent = _ISO(last, " ", "microseconds")
                if last < now:
                    followups = v["followups"]
                    followup = followups[int(rnd() * len(followups))].format_map(fill)
                    msgs.append((message_id + len(msgs), inquiry_id, _IN, None, last_sent, followup))
                    answer = last + timedelta(hours=0.3 + (20 - 0.3) * rnd())
                    if rnd() < 0.75 and answer < now:
                        last, last_sent = answer, _ISO(answer, " ", "microseconds")
                        reply = replies[int(rnd() * len(replies))].format_map(fill)
                        msgs.append((message_id + len(msgs), inquiry_id, _OUT, owner, last_sent, reply))
    folder = _JUNK if junk else _INBOX
    deleted = rnd() < 0.03
    if deleted:
        folder = _DELETED
    unread = first_response is None and (age_h < 72 or rnd() < 0.3)
    row = (
        inquiry_id,
        f"syn-{inquiry_id}",
        channel,
        buyer_id,
        product[0] if product else None,
        subject,
        float(qty) if product else None,
        "pcs" if product else None,
        sent,
        owner,
        rule,
        folder,
        junk,
        60 if junk else 0,
        reasons,
        unread,
        rnd() < 0.08,
        first_response is not None,
        first_sent,
        last_sent,
        _ISO(received + RESPONSE_LIMIT, " ", "microseconds"),  # due_at of a naive (UTC) time
        auto,
        _ISO(received + _ONE_DAY, " ", "microseconds") if deleted else None,
        1,
    )
    return row, msgs


ActivityRows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]


def _activity_rows(gen: _Generator, buyer_ids: list[int], per_buyer: int, raw: bool) -> ActivityRows:
    """Daily activity aggregates for every buyer (raw events too for small stores), visitor sessions: the rows of
    activity_daily, activity_detail, activity_event and visitor_session (no store access: built in a worker)."""
    r, v, today = gen.rng, gen.v, gen.now.date()
    kinds = _KINDS
    weights = (30, 30, 20, 15, 3, 2)
    cum = list(accumulate(weights))
    daily: dict[tuple[int, str, str], int] = {}
    details: dict[tuple[int, str, str], list[Any]] = {}
    events: list[tuple[Any, ...]] = []
    visits: list[tuple[Any, ...]] = []
    skus = [p[1] for p in gen.c.products] or ["-"]
    for buyer_id in buyer_ids:
        unrelated = r.random() < 0.2
        terms = v["search_terms_unrelated"] if unrelated else v["search_terms_related"]
        for _ in range(int(r.random() * per_buyer * 2)):
            at = gen.now - timedelta(days=r.random() * 100)
            kind = kinds[bisect(cum, r.random() * cum[-1])]
            detail = (
                gen.pick(terms)
                if kind == ActivityKind.SEARCH
                else gen.pick(skus)
                if kind == ActivityKind.PRODUCT_VIEW
                else ""
            )
            key = (buyer_id, at.date().isoformat(), kind)
            daily[key] = daily.get(key, 0) + 1
            if detail:
                d = details.setdefault((buyer_id, kind, detail), [0, at])
                d[0] += 1
                d[1] = max(d[1], at)
            if raw:
                events.append((buyer_id, db_text(at), kind, detail))
        if r.random() < 0.15:  # a little junk / blacklist history
            day = (today - timedelta(days=int(r.random() * 80))).isoformat()
            daily[(buyer_id, day, _KIND_JUNK if r.random() < 0.8 else _KIND_BLACKLIST)] = 1 + int(r.random() * 2)
        for _ in range(int(r.random() * 4)):
            at = gen.now - timedelta(days=r.random() * 90)
            visits.append(
                (
                    buyer_id,
                    db_text(at),
                    gen.country(),
                    r.randint(1, 40),
                    r.randint(1, 15),
                    r.randint(2, 120),
                    r.randint(1, 30),
                    tuple(gen.pick(terms) for _ in range(3)),  # the search terms: joined by _write_activity
                )
            )
    return (
        [(b, d, k, c) for (b, d, k), c in daily.items()],
        [(b, k, d, c, db_text(at)) for (b, k, d), (c, at) in details.items()],
        events,
        visits,
    )


def _write_activity(
    conn: Connection,
    daily: list[tuple[Any, ...]],
    details: list[tuple[Any, ...]],
    events: list[tuple[Any, ...]],
    visits: list[tuple[Any, ...]],
) -> int:
    """Write what _activity_rows built; how many buyer-days of activity."""
    bulk.add_daily(conn, daily)
    bulk.add_details(conn, details)
    bulk.insert_rows(conn, "activity_event", bulk.ACTIVITY_COLUMNS, events)
    # The visit's search terms as a set, distinct, in the set's order: that order follows the strings'
    # hashes (PYTHONHASHSEED), so the set is made here, in the loading process, whichever built the rows.
    visits = [(*v[:-1], ",".join({*v[-1]})) for v in visits]
    bulk.insert_rows(conn, "visitor_session", bulk.VISITOR_COLUMNS, visits)
    return len(daily)
