"""What the Visitors list shows per row, in a wide and a narrow set of columns."""

from __future__ import annotations

from inquiry_tui.services.visitors.listing import VisitorRow
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.paged_list import Columns

WIDE: Columns = (
    ("Visitor", 26),
    ("Cust", 4),
    ("Views", 5),
    ("Visits", 6),
    ("Region", 6),
    ("Common searches", 0),
    ("Store", 5),
    ("Site products", 13),
    ("Sellers", 7),
    ("Last visit", 10),
)
NARROW: Columns = (
    ("Visitor", 20),
    ("Cust", 4),
    ("Views", 5),
    ("Reg", 3),
    ("Common searches", 0),
    ("Prod", 4),
    ("Sell", 4),
    ("Last", 5),
)
NARROW_BELOW = 120  # list columns: the narrow set below this width


def who(r: VisitorRow) -> str:
    return r.name or r.email


def wide_cells(r: VisitorRow) -> list[str]:
    return [
        who(r),
        "✓" if r.customer else "",
        str(r.page_views),
        str(r.visits),
        r.region or "-",
        ", ".join(r.search_terms),
        str(r.store_pages),
        str(r.site_products),
        str(r.site_sellers),
        clock.day(r.last_visit),
    ]


def narrow_cells(r: VisitorRow) -> list[str]:
    return [
        who(r),
        "✓" if r.customer else "",
        str(r.page_views),
        r.region or "-",
        ", ".join(r.search_terms),
        str(r.site_products),
        str(r.site_sellers),
        f"{r.last_visit:%m-%d}",
    ]
