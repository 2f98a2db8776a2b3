"""Synthetic RFQs and visitors for `seed` and the benchmarks: deterministic for a seed and a `now`.

RFQs are posted over the last RFQ_DAYS days (ids follow the posting time), mostly for products
of the catalogue, some for other trades and some junk; each is judged and fitted with the same
domain rules an import uses, so the market and its recommendation show what they would. Visitors
are extra buyers known only from their visits (no inquiries, not customers), each with visit
sessions; the visitors' summaries are built for them as an import would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from inquiry_tui.domain.junk import BlockList
from inquiry_tui.domain.rfq.fit import Catalogue, fit
from inquiry_tui.domain.rfq.junk import RfqJunkInput, judge_rfq
from inquiry_tui.domain.rfq.market import LIFETIME
from inquiry_tui.services.rfq.catalogue import load_catalogue
from inquiry_tui.services.visitors import summary as visitor_summary
from inquiry_tui.store import bulk
from inquiry_tui.store.types import db_text

RFQ_DAYS = 45
CHUNK = 20_000
RFQ_COLUMNS = (
    "id",
    "external_id",
    "buyer_id",
    "posted_at",
    "expires_at",
    "title",
    "description",
    "category",
    "quantity",
    "unit",
    "destination",
    "target_price",
    "currency",
    "is_junk",
    "junk_score",
    "junk_reasons",
    "fit",
    "fit_terms",
    "fit_category",
    "imported_at",
)
_TITLES = (
    "{product}, {qty} pcs",
    "Need {qty} {product} for a {project}",
    "RFQ: {product} - {qty} pcs {incoterm} {port}",
    "Looking for {product} supplier",
    "{qty} units of {product}, urgent",
)
_DESCRIPTIONS = (
    "We need {qty} pcs of {product} ({keyword}) for a {project} in {country}. Please quote {incoterm} {port} "
    "with lead time and warranty.",
    "Our company is a {btype}. Looking for {keyword}: {qty} pcs, CE and RoHS, 3-year warranty. Price {incoterm} {port}.",
    "Project: {project}. Product: {product}. Quantity: {qty}. Certificates required. Send datasheet and best price.",
)
_PROJECTS = ("warehouse", "parking lot", "stadium", "hotel", "office building", "road project", "factory", "school")
_OTHER = (
    ("Stainless steel cookware sets", "Kitchenware"),
    ("Cotton T-shirts with printed logo", "Apparel"),
    ("Office chairs, mesh back", "Furniture"),
    ("PVC pipes 110mm", "Building materials"),
    ("Car tyres 205/55 R16", "Auto parts"),
    ("Yoga mats, eco TPE", "Sports"),
)
_OTHER_TEXT = "We need {qty} pieces. Please quote {incoterm} {port} with your best price and delivery time."
_JUNK = (
    (
        "Full price list of all your products",
        "For market research only: send the complete price list. Not a real order.",
    ),
    ("Urgent order, payment after delivery", "Ship the goods first, we pay 100% after delivery by Western Union."),
    ("Grow your sales", "We are a leading agency. We offer SEO services to rank your website on Google."),
)
_INCOTERMS = ("FOB", "CIF", "EXW", "DDP", "CFR")
_UNITS = ("pcs", "pcs", "pcs", "sets", "units")


def generate_rfqs(
    conn: Connection, rng: random.Random, now: datetime, n: int, buyers: list[tuple[int, str]], vocab: dict[str, Any]
) -> int:
    """N RFQs by BUYERS ((id, country)); returns how many were written."""
    plan = plan_rfqs(conn, n, buyers)
    if plan is None:
        return 0
    write_rfqs(conn, rfq_rows(plan, rng, now, buyers, vocab))
    return n


@dataclass(frozen=True)
class RfqPlan:
    """What RFQ rows are built from besides the random stream: their ids and today's catalogue."""

    ids: list[int]
    catalogue: Catalogue


def plan_rfqs(conn: Connection, n: int, buyers: list[tuple[int, str]]) -> RfqPlan | None:
    """The ids (PostgreSQL: from the sequence, so later inserts never collide) and catalogue for N RFQs, or None."""
    if n <= 0 or not buyers:
        return None
    catalogue, _ = load_catalogue(conn)
    return RfqPlan(bulk.IdPool(conn, "rfq").take_many(n), catalogue)


def write_rfqs(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Write rows of RFQ_COLUMNS in chunks and stamp the catalogue their fits follow."""
    for start in range(0, len(rows), CHUNK):
        bulk.insert_rows(conn, "rfq", RFQ_COLUMNS, rows[start : start + CHUNK])
    _stamp_catalogue(conn)


def rfq_rows(
    plan: RfqPlan, rng: random.Random, now: datetime, buyers: list[tuple[int, str]], vocab: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """The rows of the planned RFQs by BUYERS ((id, country)), judged and fitted (no store access: runs in a
    worker thread while the store is busy with the inquiries)."""
    ids, catalogue = plan.ids, plan.catalogue
    n = len(ids)
    products = list(catalogue.products)
    block = BlockList()
    times = sorted(rng.random() * RFQ_DAYS * 86400 for _ in range(n))
    start = now - timedelta(days=RFQ_DAYS)
    now_text = db_text(now)
    rows: list[tuple[Any, ...]] = []
    for offset, seconds in enumerate(times):
        posted = start + timedelta(seconds=seconds)
        buyer_id, country = buyers[int(rng.random() ** 2 * len(buyers))]
        qty = rng.choice([1, 50, 100, 200, 300, 500, 1000, 2000, 5000])
        fill = {
            "qty": qty,
            "project": rng.choice(_PROJECTS),
            "incoterm": rng.choice(_INCOTERMS),
            "port": rng.choice(vocab["ports"]),
            "country": country,
            "btype": rng.choice(vocab["business_types"]),
        }
        roll = rng.random()
        if roll < 0.05:
            title, description = rng.choice(_JUNK)
            category = "Lighting"
        elif roll < 0.2 or not products:
            title, category = rng.choice(_OTHER)
            description = _OTHER_TEXT.format(**fill)
        else:
            p = rng.choice(products)
            fill["product"] = p.name
            fill["keyword"] = rng.choice(p.keywords) if p.keywords else p.name
            title = rng.choice(_TITLES).format(**fill)
            description = rng.choice(_DESCRIPTIONS).format(**fill)
            category = p.category
        verdict = judge_rfq(RfqJunkInput("", None, country, title, description, float(qty), None), block)
        fitted = fit(title, description, category, catalogue) if not verdict.is_junk else None
        price = f"{rng.uniform(1.5, 90):.2f}" if rng.random() < 0.4 else None
        rows.append(
            (
                ids[offset],
                f"syn-rfq-{ids[offset]}",
                buyer_id,
                db_text(posted),
                db_text(posted + LIFETIME),
                title,
                description,
                category,
                float(qty),
                rng.choice(_UNITS),
                country,
                price,
                "USD" if price else None,
                bool(verdict.is_junk),  # a bool, not 0/1: psycopg binds no integer to a boolean column
                verdict.score,
                "\n".join(verdict.reasons),
                fitted.score if fitted else 0,
                "\n".join(fitted.terms) if fitted else "",
                fitted.category if fitted else "",
                now_text,
            )
        )
    return rows


def _stamp_catalogue(conn: Connection) -> None:
    """The fits just written follow today's catalogue."""
    _, digest = load_catalogue(conn)
    conn.exec_driver_sql("DELETE FROM rfq_fit_state")
    conn.exec_driver_sql("INSERT INTO rfq_fit_state (id, catalogue) VALUES (1, ?)", (digest,))


def generate_visitors(
    conn: Connection, rng: random.Random, now: datetime, n: int, vocab: dict[str, Any], country: Any
) -> int:
    """N buyers known only from visits (no inquiries, not customers), with 1-8 visits each; returns N."""
    if n <= 0:
        return 0
    ids = bulk.IdPool(conn, "buyer").take_many(n)
    now_text = db_text(now)
    related, unrelated = vocab["search_terms_related"], vocab["search_terms_unrelated"]
    buyers: list[tuple[Any, ...]] = []
    visits: list[tuple[Any, ...]] = []
    for offset in range(n):
        buyer_id = ids[offset]
        home = country()
        row: dict[str, Any] = dict.fromkeys(bulk.BUYER_COLUMNS, "")
        row.update(
            id=buyer_id,
            email=f"visitor{buyer_id}@{rng.choice(vocab['free_mail'])}",
            member_id=None,
            country=home,
            year_established=None,
            verified=False,
            tier=None,
            owner_id=None,
            is_customer=False,
            customer_since=None,
            stars=0,
            first_seen_at=now_text,
            last_contact_at=None,
            version=1,
        )
        buyers.append(tuple(row[c] for c in bulk.BUYER_COLUMNS))
        terms = related if rng.random() < 0.7 else unrelated
        for _ in range(1 + int(rng.random() ** 2 * 8)):
            at = now - timedelta(days=rng.random() * 90)
            pages = rng.randint(1, 30)
            visits.append(
                (
                    buyer_id,
                    db_text(at),
                    home if rng.random() < 0.9 else country(),
                    pages,
                    pages,
                    rng.randint(0, 80),
                    rng.randint(0, 20),
                    ",".join({rng.choice(terms) for _ in range(2)}),
                )
            )
        if len(buyers) >= CHUNK:
            _write_visitors(conn, buyers, visits)
            buyers, visits = [], []
    _write_visitors(conn, buyers, visits)
    return n


def _write_visitors(conn: Connection, buyers: list[tuple[Any, ...]], visits: list[tuple[Any, ...]]) -> None:
    bulk.insert_rows(conn, "buyer", bulk.BUYER_COLUMNS, buyers)
    bulk.insert_rows(conn, "visitor_session", bulk.VISITOR_COLUMNS, visits)
    visitor_summary.refresh(conn, [b[0] for b in buyers])
