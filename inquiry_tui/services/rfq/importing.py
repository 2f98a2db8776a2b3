"""`import rfqs FILE`: buyers' requests for quotation from the marketplace (docs/cli.md, File formats).

All or nothing: every record is checked (records/rfq.py) before anything is written, and the
file is written in one transaction; the first bad line is one error naming file, line and
field. In that transaction each RFQ's buyer is found by e-mail or added (not a customer, no
owner: a visitor of the market), the RFQ is judged for junk (domain/rfq/junk.py, with the
buyer's 90-day junk history and the block list) and fitted to the catalogue, and every open,
non-junk RFQ raises one RFQ-match notice for each salesperson with a keyword subscription it
matches (deduplicated per RFQ and account).

Choices where the contract is silent: an existing buyer keeps their name, company, country and
member id unless blank, and takes the file's verified and tier (the marketplace knows best);
an `external_id` already in the store is an error, as for inquiries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, text
from sqlmodel import Session, col

from inquiry_tui.domain.junk import BlockList
from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.domain.rfq.fit import Catalogue, fit, matching_subscriptions
from inquiry_tui.domain.rfq.junk import RfqJunkInput, judge_rfq
from inquiry_tui.domain.rfq.market import expiry_of, is_open
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.domain.vocabulary import ActivityKind, BlockKind
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.feed import notify
from inquiry_tui.services.records.errors import FileFormatError
from inquiry_tui.services.records.inquiries import BuyerRecord
from inquiry_tui.services.records.reader import iter_records
from inquiry_tui.services.records.rfq import RfqRecord
from inquiry_tui.services.records.validate import check_record
from inquiry_tui.services.rfq.catalogue import fit_values, refit_if_changed
from inquiry_tui.store.core import id_of, table_of
from inquiry_tui.store.models import Buyer, Rfq
from inquiry_tui.store.types import UTCDateTime

JUNK_HISTORY = timedelta(days=90)
CHUNK = 500  # values per IN (...) lookup
NOTICE_TITLE_CHARS = 120

_rfq = table_of(Rfq)
_Q_EXISTING = text("SELECT external_id, id FROM rfq WHERE external_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_Q_DAILY_HISTORY = text(
    f"SELECT buyer_id, kind, sum(count) FROM activity_daily WHERE buyer_id IN :ids "
    f"AND kind IN ('{ActivityKind.JUNK}', '{ActivityKind.BLACKLIST}') AND day >= :day GROUP BY buyer_id, kind"
).bindparams(bindparam("ids", expanding=True))
_Q_JUNK_THREADS = text(
    "SELECT buyer_id, count(*) FROM inquiry WHERE buyer_id IN :ids AND received_at >= :since AND is_junk "
    "GROUP BY buyer_id"
).bindparams(bindparam("ids", expanding=True), bindparam("since", type_=UTCDateTime()))
_Q_SUBSCRIPTIONS = text(
    "SELECT s.account_id, s.word FROM rfq_subscription s JOIN account a ON a.id = s.account_id "
    "WHERE a.active ORDER BY s.account_id, s.word"
)


@dataclass(frozen=True)
class RfqImport:
    rfqs: int
    junk: int
    open: int
    buyers_added: int
    notices: int  # RFQ-match notices raised
    first_id: int | None
    last_id: int | None


def _read(path: Path) -> list[tuple[int, RfqRecord]]:
    records: list[tuple[int, RfqRecord]] = []
    seen: dict[str, int] = {}
    for raw in iter_records(path):
        record = check_record(RfqRecord, path, raw)
        if record.external_id in seen:
            raise FileFormatError(
                path,
                raw.line,
                "external_id",
                f"{record.external_id!r} appears twice (first on line {seen[record.external_id]})",
            )
        seen[record.external_id] = raw.line
        records.append((raw.line, record))
    return records


def import_rfqs(ctx: Ctx, path: str | Path) -> RfqImport:
    """Add the file's RFQs (admin; all or nothing)."""
    ctx.require_admin("import RFQs")
    path = Path(path)
    records = _read(path)
    with ctx.write() as session:
        result = _write(session, ctx, path, records)
        audit(
            session,
            ctx,
            "rfq_import",
            "rfq",
            f"{result.first_id}-{result.last_id}" if result.rfqs else "",
            after={"source": path.name, **result.__dict__},
        )
    return result


def _write(session: Session, ctx: Ctx, path: Path, records: Sequence[tuple[int, RfqRecord]]) -> RfqImport:
    conn = session.connection()
    now = ctx.now()
    ids = [r.external_id for _, r in records]
    for start in range(0, len(ids), CHUNK):
        for ext, rid in conn.execute(_Q_EXISTING, {"ids": ids[start : start + CHUNK]}):
            line = next(n for n, r in records if r.external_id == ext)
            raise FileFormatError(
                path, line, "external_id", f"{ext!r} is already in the store (RFQ {rid}); nothing was imported"
            )
    buyers, added = _buyers(session, ctx, [r.buyer for _, r in records])
    history = _junk_history(conn, [b.id for b in buyers.values() if b.id is not None], now)
    block = _block_list(conn)
    catalogue, _ = refit_if_changed(conn, now)  # stored fits follow today's catalogue before new ones join them
    rows = [_row(r, buyers[r.buyer.email], history, block, catalogue, now) for _, r in records]
    new_ids: list[int] = []
    if rows:
        inserted = conn.execute(insert(_rfq).returning(_rfq.c.id, sort_by_parameter_order=True), rows)
        new_ids = [row[0] for row in inserted]
    notices = _notify(conn, [(rid, row) for rid, row in zip(new_ids, rows)], now)
    junk = sum(1 for row in rows if row["is_junk"])
    still_open = sum(1 for row in rows if not row["is_junk"] and is_open(row["expires_at"], now))
    return RfqImport(
        len(rows), junk, still_open, added, notices, new_ids[0] if new_ids else None, new_ids[-1] if new_ids else None
    )


def _buyers(session: Session, ctx: Ctx, found: Iterable[BuyerRecord]) -> tuple[dict[str, Buyer], int]:
    """E-mail -> the buyer row, added when new, blanks filled and verified / tier taken from the file."""
    given: dict[str, BuyerRecord] = {}
    for b in found:
        given.setdefault(b.email, b)  # the first line naming a buyer describes them
    emails = sorted(given)
    rows: dict[str, Buyer] = {}
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        rows.update((b.email, b) for b in session.execute(select(Buyer).where(col(Buyer.email).in_(chunk))).scalars())
    added = 0
    now = ctx.now()
    for email in emails:
        b, buyer = given[email], rows.get(email)
        if buyer is None:
            buyer = Buyer(email=email, first_seen_at=now)
            session.add(buyer)
            rows[email] = buyer
            added += 1
        if b.name and not buyer.name:
            buyer.name = b.name
        if b.company and not buyer.company:
            buyer.company = b.company
        if b.country and not buyer.country:
            buyer.country = b.country
        if b.member_id and not buyer.member_id:
            buyer.member_id = b.member_id
        if b.verified is not None:
            buyer.verified = b.verified
        if b.tier:
            buyer.tier = b.tier
    session.flush()
    return rows, added


def _junk_history(conn: Connection, buyer_ids: list[int], now: datetime) -> dict[int, tuple[int, int]]:
    """Buyer -> (junk inquiries, times blacklisted) over the last 90 days: the marketplace's and ours."""
    junk: dict[int, int] = {}
    black: dict[int, int] = {}
    day = (now - JUNK_HISTORY).date().isoformat()
    for start in range(0, len(buyer_ids), CHUNK):
        chunk = buyer_ids[start : start + CHUNK]
        for bid, kind, n in conn.execute(_Q_DAILY_HISTORY, {"ids": chunk, "day": day}):
            target = junk if kind == ActivityKind.JUNK else black
            target[bid] = target.get(bid, 0) + int(n)
        for bid, n in conn.execute(_Q_JUNK_THREADS, {"ids": chunk, "since": now - JUNK_HISTORY}):
            junk[bid] = junk.get(bid, 0) + int(n)
    return {b: (junk.get(b, 0), black.get(b, 0)) for b in buyer_ids}


def _block_list(conn: Connection) -> BlockList:
    blocks: dict[str, set[str]] = {kind: set() for kind in BlockKind}
    for kind, value in conn.execute(text("SELECT kind, value FROM block_entry")):
        if kind in blocks:
            v = str(value).strip()
            blocks[kind].add(v.lower() if kind == BlockKind.EMAIL else v.upper() if kind == BlockKind.COUNTRY else v)
    return BlockList(
        frozenset(blocks[BlockKind.EMAIL]), frozenset(blocks[BlockKind.MEMBER_ID]), frozenset(blocks[BlockKind.COUNTRY])
    )


def _row(
    r: RfqRecord,
    buyer: Buyer,
    history: dict[int, tuple[int, int]],
    block: BlockList,
    catalogue: Catalogue,
    now: datetime,
) -> dict[str, Any]:
    junk_count, black_count = history.get(id_of(buyer), (0, 0))
    target = str(r.target_price) if r.target_price is not None else None
    verdict = judge_rfq(
        RfqJunkInput(
            buyer.email,
            buyer.member_id,
            buyer.country,
            r.title,
            r.description,
            r.quantity,
            target,
            junk_count,
            black_count,
        ),
        block,
    )
    fitted = fit(r.title, r.description, r.category, catalogue) if not verdict.is_junk else None
    return {
        "external_id": r.external_id,
        "buyer_id": id_of(buyer),
        "posted_at": r.posted_at,
        "expires_at": expiry_of(r.posted_at, r.expires_at),
        "title": r.title,
        "description": r.description,
        "category": r.category,
        "quantity": r.quantity,
        "unit": r.unit,
        "destination": r.destination,
        "target_price": target,
        "currency": r.currency,
        "is_junk": verdict.is_junk,
        "junk_score": verdict.score,
        "junk_reasons": "\n".join(verdict.reasons),
        **(fit_values(fitted) if fitted is not None else {"fit": 0, "fit_terms": "", "fit_category": ""}),
        "imported_at": now,
    }


def _notify(conn: Connection, new: list[tuple[int, dict[str, Any]]], now: datetime) -> int:
    """One RFQ-match notice per open, non-junk new RFQ and subscriber, naming the words it matched."""
    words: dict[int, list[str]] = {}
    for account_id, word in conn.execute(_Q_SUBSCRIPTIONS):
        words.setdefault(account_id, []).append(word)
    if not words:
        return 0
    sent = 0
    for rid, row in new:
        if row["is_junk"] or not is_open(row["expires_at"], now):
            continue
        title = truncate(safe_line(row["title"]), NOTICE_TITLE_CHARS)
        for account_id, subscribed in words.items():
            hits = matching_subscriptions(row["title"], row["description"], subscribed)
            if hits:
                sent += notify(
                    conn,
                    account_id,
                    NoticeKind.RFQ_MATCH,
                    f"New RFQ matches {', '.join(repr(h) for h in hits)}: {title}",
                    at=now,
                    ref_kind="rfq",
                    ref_id=rid,
                    dedupe=f"rfq:{rid}",
                )
    return sent
