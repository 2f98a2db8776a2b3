"""Buyers' answers arriving in a thread, kept as structured terms on the inquiry (domain.terms_text).

Whatever adds a buyer's message to an existing thread (a chat line today; an e-mail reply
joining its thread) calls `absorb_answers` in its own transaction with the new buyer lines:
each is read with what smart reception asked (`inquiry.asked`), so a short "500" is the
quantity it answers, and what it states replaces what was stated before (newest wins).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import Connection, text

from inquiry_tui.domain.questions import asked_from_text
from inquiry_tui.domain.terms import terms_from_json, terms_to_json
from inquiry_tui.domain.terms_text import Catalogue, catalogue, read_answer

_READ = "SELECT id, terms, asked FROM inquiry WHERE id IN ({})"
_WRITE = text("UPDATE inquiry SET terms = :terms WHERE id = :id")


def catalogue_of(conn: Connection) -> Catalogue:
    """The catalogue's SKUs and names, for reading which product a message names."""
    return catalogue((sku, name or "") for sku, name in conn.execute(text("SELECT sku, name FROM product")))


def answered(
    terms_json: str, asked_text: str, lines: Iterable[tuple[datetime, str]], products: Catalogue | None
) -> str:
    """The terms JSON after the buyer's LINES (oldest first), read as answers to what was asked."""
    asked = asked_from_text(asked_text)
    terms = terms_from_json(terms_json)
    for at, body in lines:
        terms = terms.merged(read_answer(body, asked, today=at.date(), products=products))
    return terms_to_json(terms)


def absorb_answers(
    conn: Connection, lines: Mapping[int, Sequence[tuple[datetime, str]]], products: Catalogue | None = None
) -> int:
    """Read the buyer LINES added to each inquiry (id -> [(sent_at, text)], oldest first) into its terms;
    returns how many inquiries' terms changed. Runs in the caller's transaction."""
    if not lines:
        return 0
    products = catalogue_of(conn) if products is None else products
    ids = sorted(lines)
    changed = []
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        rows = conn.exec_driver_sql(_READ.format(", ".join("?" * len(part))), tuple(part)).all()
        for iid, terms_json, asked_text in rows:
            new = answered(terms_json or "", asked_text or "", lines[iid], products)
            if new != (terms_json or ""):
                changed.append({"terms": new, "id": iid})
    if changed:
        conn.execute(_WRITE, changed)
    return len(changed)
