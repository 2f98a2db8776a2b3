"""What the market's lists show per row: columns and cells for RFQs (market, recommended, junk) and quotes.

Cells are plain strings; the list makes them safe and cuts them to their column (never markup).
"""

from __future__ import annotations

from rich.style import Style

from inquiry_tui.domain.vocabulary import QuoteStatus, RfqStatus
from inquiry_tui.services.rfq.quotes import QuoteRow
from inquiry_tui.services.rfq.rows import RfqRow
from inquiry_tui.tui.common.paged_list import Columns

MARKET: Columns = (
    ("Date", 5),
    ("Left", 7),
    ("Title", 0),
    ("Quantity", 11),
    ("To", 2),
    ("Buyer", 7),
    ("Quoted", 7),
)
RECOMMENDED: Columns = (("Score", 5), ("Left", 4), ("Title", 26), ("To", 2), ("Why", 0))
JUNK: Columns = (("Date", 5), ("Title", 30), ("Why it is junk", 0))
QUOTES: Columns = (
    ("Sent", 5),
    ("Status", 8),
    ("Title", 0),
    ("Price", 16),
    ("MOQ", 7),
    ("Lead", 4),
    ("By", 6),
    ("Thread", 6),
)
_DIM = Style(dim=True)
_WON = Style(color="green")


def quantity(r: RfqRow) -> str:
    if r.quantity is None:
        return "-"
    number = f"{r.quantity:,.0f}" if r.quantity == int(r.quantity) else f"{r.quantity:,g}"
    return f"{number} {r.unit}".strip()


def buyer(r: RfqRow) -> str:
    return f"{r.tier or '--'}{' ✓' if r.verified else ''}"


def market_cells(r: RfqRow) -> list[str]:
    return [
        f"{r.posted_at:%m-%d}",
        r.time_left,
        r.title,
        quantity(r),
        r.destination or "",
        buyer(r),
        r.quoted_by or "",
    ]


def recommended_cells(r: RfqRow) -> list[str]:
    return [str(r.score), r.time_left, r.title, r.destination or "", r.reason]


def junk_cells(r: RfqRow) -> list[str]:
    return [f"{r.posted_at:%m-%d}", r.title, "; ".join(r.junk_reasons)]


def rfq_style(r: RfqRow) -> Style | None:
    """Expired RFQs are dimmed: shown as such, never quotable."""
    return _DIM if r.status is not RfqStatus.OPEN else None


def quote_cells(q: QuoteRow) -> list[str]:
    return [
        f"{q.sent_at:%m-%d}",
        str(q.status),
        q.title,
        q.terms_text,
        f"{q.moq:,}",
        f"{q.lead_days}d",
        q.by,
        f"#{q.inquiry_id}",
    ]


def quote_style(q: QuoteRow) -> Style | None:
    if q.status is QuoteStatus.WON:
        return _WON
    return _DIM if q.status is QuoteStatus.EXPIRED else None
