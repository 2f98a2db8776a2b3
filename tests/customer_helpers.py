"""Test helpers for customer/profile tests: write buyers, threads and activity aggregates directly."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from inquiry_tui.services.context import Ctx
from inquiry_tui.store import bulk
from inquiry_tui.store.models import Account, Buyer, Inquiry, Message, Product, VisitorSession
from inquiry_tui.store.queries.contact import contacted
from inquiry_tui.store.types import db_text


def account_id(ctx: Ctx, login: str) -> int:
    with ctx.read() as session:
        return session.exec(select(Account).where(Account.login == login)).one().id  # type: ignore[return-value]


def make_buyer(ctx: Ctx, email: str, *, owner: str | None = None, **fields: object) -> int:
    with ctx.write() as session:
        owner_id = session.exec(select(Account).where(Account.login == owner)).one().id if owner else None
        buyer = Buyer(email=email, first_seen_at=ctx.now() - timedelta(days=200), owner_id=owner_id, **fields)  # type: ignore[arg-type]
        session.add(buyer)
        session.flush()
        return buyer.id  # type: ignore[return-value]


def make_product(ctx: Ctx, sku: str, name: str, keywords: str = "", owner: str | None = None) -> int:
    with ctx.write() as session:
        owner_id = session.exec(select(Account).where(Account.login == owner)).one().id if owner else None
        product = Product(sku=sku, name=name, keywords=keywords, owner_id=owner_id)
        session.add(product)
        session.flush()
        return product.id  # type: ignore[return-value]


def make_thread(
    ctx: Ctx,
    buyer_id: int,
    owner: str,
    at: datetime,
    *,
    junk: bool = False,
    replied: bool = False,
    product_id: int | None = None,
    subject: str = "Quote please",
    body: str = "Please quote 100 pcs.",
) -> int:
    with ctx.write() as session:
        owner_id = session.exec(select(Account).where(Account.login == owner)).one().id
        inquiry = Inquiry(
            channel="inquiry",
            buyer_id=buyer_id,
            product_id=product_id,
            subject=subject,
            received_at=at,
            owner_id=owner_id,
            folder="junk" if junk else "inbox",
            is_junk=junk,
            replied=replied,  # type: ignore[arg-type]
            first_response_at=at + timedelta(hours=1) if replied else None,
            last_message_at=at,
        )
        session.add(inquiry)
        session.flush()
        session.add(Message(inquiry_id=inquiry.id, direction="in", sent_at=at, body=body))  # type: ignore[arg-type]
        if replied:
            session.add(
                Message(
                    inquiry_id=inquiry.id,
                    direction="out",
                    author_id=owner_id,
                    sent_at=at + timedelta(hours=1),
                    body="Thanks, here is our offer.",
                )
            )  # type: ignore[arg-type]
        # As the app's writes do (docs/domain.md, Buyers): the buyer's last contact is the newest message.
        contacted(session, buyer_id, at + timedelta(hours=1) if replied else at)
        return inquiry.id  # type: ignore[return-value]


def add_daily(ctx: Ctx, buyer_id: int, rows: list[tuple[str, str, int]]) -> None:
    """rows: (ISO day, kind, count)."""
    with ctx.engine.begin() as conn:
        bulk.add_daily(conn, [(buyer_id, day, kind, n) for day, kind, n in rows])


def add_detail(ctx: Ctx, buyer_id: int, kind: str, detail: str, count: int, last_at: datetime) -> None:
    with ctx.engine.begin() as conn:
        bulk.add_details(conn, [(buyer_id, kind, detail, count, db_text(last_at))])


def add_visit(
    ctx: Ctx,
    buyer_id: int,
    at: datetime,
    *,
    region: str = "DZ",
    page_views: int = 5,
    store_pages: int = 3,
    site_products: int = 10,
    site_sellers: int = 4,
    search_terms: str = "",
) -> None:
    with ctx.write() as session:
        session.add(
            VisitorSession(
                buyer_id=buyer_id,
                at=at,
                region=region,
                page_views=page_views,
                store_pages=store_pages,
                site_products=site_products,
                site_sellers=site_sellers,
                search_terms=search_terms,
            )
        )
