"""What the market's reads return: frozen rows built from store.queries.rfq's columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inquiry_tui.domain.rfq.market import status_of, time_left
from inquiry_tui.domain.vocabulary import RfqStatus


@dataclass(frozen=True)
class RfqRow:
    """One RFQ of the market list. Title, buyer name and company are buyer text: show them through safe_text."""

    id: int
    external_id: str
    posted_at: datetime
    expires_at: datetime
    title: str
    category: str
    quantity: float | None
    unit: str
    destination: str | None
    target_price: str | None
    currency: str | None
    status: RfqStatus
    time_left: str  # "12d", "5h", "expired"
    junk_reasons: tuple[str, ...]  # why it is junk (empty when it is not)
    fit: int
    fit_terms: tuple[str, ...]
    fit_category: str
    buyer_id: int
    buyer_name: str
    buyer_company: str
    buyer_country: str | None
    verified: bool
    tier: str | None
    quoted_by: str | None  # the login of whoever quoted it (one quote per RFQ), else None
    reason: str = ""  # why it is recommended (the recommended list only)
    score: int = 0  # its rank there

    @property
    def quotable(self) -> bool:
        return self.status is RfqStatus.OPEN and self.quoted_by is None

    @property
    def key(self) -> tuple[datetime, int]:
        return (self.posted_at, self.id)


@dataclass(frozen=True)
class RfqDetail:
    """An RFQ in full: the row, its description, the buyer's e-mail, the junk score."""

    row: RfqRow
    description: str
    buyer_email: str
    junk_score: int

    @property
    def junk_reasons(self) -> tuple[str, ...]:
        return self.row.junk_reasons


def _lines(value: Any) -> tuple[str, ...]:
    return tuple(line for line in str(value or "").split("\n") if line)


def row_from(r: Any, now: datetime, *, reason: str = "", score: int = 0) -> RfqRow:
    """A row of store.queries.rfq.ROW_COLUMNS (by name)."""
    m = r._mapping
    return RfqRow(
        id=m["id"],
        external_id=m["external_id"],
        posted_at=m["posted_at"],
        expires_at=m["expires_at"],
        title=m["title"] or "",
        category=m["category"] or "",
        quantity=m["quantity"],
        unit=m["unit"] or "",
        destination=m["destination"],
        target_price=m["target_price"],
        currency=m["currency"],
        status=status_of(m["expires_at"], bool(m["is_junk"]), now),
        time_left=time_left(m["expires_at"], now),
        junk_reasons=_lines(m["junk_reasons"]),
        fit=m["fit"],
        fit_terms=_lines(m["fit_terms"]),
        fit_category=m["fit_category"] or "",
        buyer_id=m["buyer_id"],
        buyer_name=m["buyer_name"] or "",
        buyer_company=m["buyer_company"] or "",
        buyer_country=m["buyer_country"],
        verified=bool(m["verified"]),
        tier=m["tier"],
        quoted_by=m["quoted_by"],
        reason=reason,
        score=score,
    )


def detail_from(r: Any, now: datetime, *, reason: str = "") -> RfqDetail:
    m = r._mapping
    return RfqDetail(
        row=row_from(r, now, reason=reason),
        description=m["description"] or "",
        buyer_email=m["buyer_email"],
        junk_score=m["junk_score"],
    )
