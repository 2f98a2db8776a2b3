"""`visitor list`: every visitor of the store, customer or not, sorted and filtered (docs/cli.md)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer

from inquiry_tui.cli.common import echo_rows, state
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.visitors.listing import SORTS, VisitorQuery, VisitorRow, visitor_page

visitor_app = typer.Typer(help="Visitor details: who visited the store, what they looked at.", no_args_is_help=True)


def row_dict(r: VisitorRow) -> dict[str, Any]:
    return {
        "email": r.email,
        "name": r.name,
        "company": r.company,
        "customer": r.customer,
        "owner": r.owner_login,
        "visits": r.visits,
        "page_views": r.page_views,
        "region": r.region or None,
        "search_terms": list(r.search_terms),
        "store_pages": r.store_pages,
        "site_products": r.site_products,
        "site_sellers": r.site_sellers,
        "last_visit": r.last_visit.isoformat(),
    }


@visitor_app.command("list")
def visitor_list(
    sort: Annotated[str, typer.Option("--sort", help=f"One of {', '.join(SORTS)}.")] = "views",
    country: Annotated[str | None, typer.Option("--country", help="Region of the visits, ISO alpha-2.")] = None,
    term: Annotated[str | None, typer.Option("--term", help="Part of one of their common searches.")] = None,
    customers: Annotated[
        bool | None, typer.Option("--customers/--not-customers", help="Only customers / only those who are not.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000, help="At most this many.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False,
) -> None:
    """List visitors, most page views (or the latest visit) first."""
    query = VisitorQuery(sort=sort, country=country, term=term, customer=customers)
    ctx = state.ctx()
    rows: list[VisitorRow] = []
    key = None
    while len(rows) < limit:
        page = visitor_page(ctx, query, key, min(1000, limit - len(rows)))
        rows.extend(page.rows)
        key = page.next_key
        if key is None:
            break
    if as_json:
        typer.echo(json.dumps([row_dict(r) for r in rows], indent=2, sort_keys=True))
        return
    echo_rows(
        [
            [
                safe_line(r.email),
                truncate(safe_line(r.name), 20),
                "yes" if r.customer else "",
                str(r.page_views),
                r.region or "-",
                truncate(safe_line(", ".join(r.search_terms)), 36),
                str(r.store_pages),
                str(r.site_products),
                str(r.site_sellers),
                _day(r.last_visit),
            ]
            for r in rows
        ],
        ["EMAIL", "NAME", "CUSTOMER", "VIEWS", "REGION", "SEARCHES", "STORE", "SITE PRODUCTS", "SELLERS", "LAST VISIT"],
    )
    typer.echo(f"{len(rows)} visitor{'s' if len(rows) != 1 else ''}")


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")
