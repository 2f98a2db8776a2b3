"""Who owns what, for the admin screens: every country with its owner, product owners in bulk by category,
and what an account would hand to a successor. Changes are audited; they take effect for the next arrival.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import col, select

from inquiry_tui.domain.countries import all_countries, normalize_country
from inquiry_tui.domain.due import OPEN_FOLDER
from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx, account_by_login
from inquiry_tui.services.setup.catalog import assign_region, unassign_region
from inquiry_tui.store.models import Account, Buyer, CountryOwner, Inquiry, Product


@dataclass(frozen=True)
class CountryRow:
    code: str  # ISO 3166-1 alpha-2
    name: str
    owner: str | None


@dataclass(frozen=True)
class Holdings:
    """What LOGIN holds and a successor would take over on deactivation."""

    login: str
    open_inquiries: int  # open as everywhere else: in the inbox, not answered yet (domain.due.is_open)
    buyers: int
    products: int
    countries: int
    unanswered_elsewhere: int = 0  # not answered, in Junk or Deleted: they move too (a restore finds the successor)


def country_owners(ctx: Ctx) -> list[CountryRow]:
    """Every country (pycountry's list, by name) with its owner, if any."""
    ctx.require_admin("see country owners")
    with ctx.read() as session:
        owners = dict(
            session.exec(
                select(CountryOwner.country, Account.login).join(Account, col(CountryOwner.account_id) == Account.id)
            ).all()
        )
    return [CountryRow(code, name, owners.get(code)) for code, name in all_countries()]


def set_country_owner(ctx: Ctx, code: str, login: str | None) -> CountryRow:
    """Give a country to LOGIN (one owner per country), or take it from its owner (None)."""
    ctx.require_admin("change country owners")
    code = normalize_country(code)
    if login is None:
        with contextlib.suppress(NotFound):  # already without an owner: nothing to do
            unassign_region(ctx, code)
        return CountryRow(code, dict(all_countries_by_code()).get(code, code), None)
    info = assign_region(ctx, code, login)
    return CountryRow(info.country, info.country_name, info.owner)


def all_countries_by_code() -> dict[str, str]:
    return dict(all_countries())


def set_category_owner(ctx: Ctx, category: str, login: str | None) -> int:
    """Give every product of CATEGORY to LOGIN (None: no owner); one transaction, one audit row.

    Returns how many products changed owner.
    """
    ctx.require_admin("change product owners")
    with ctx.write() as session:
        products = session.exec(select(Product).where(Product.category == category)).all()
        if not products:
            raise ValidationError(f"no products in category {category!r}")
        owner_id = account_by_login(session, login, active_only=True).id if login else None
        logins = dict(session.exec(select(Account.id, Account.login)).all())
        before = {p.sku: logins.get(p.owner_id) if p.owner_id else None for p in products}
        changed = [p.id for p in products if p.owner_id != owner_id]
        if changed:
            session.execute(update(Product).where(col(Product.id).in_(changed)).values(owner_id=owner_id))
        audit(
            session,
            ctx,
            "product_owner_bulk",
            "category",
            category,
            before={"owners": before},
            after={"owner": login, "products": sorted(before)},
        )
        return len(changed)


def holdings(ctx: Ctx, login: str) -> Holdings:
    """Counts of what deactivating LOGIN would move (the same rules as accounts.deactivate)."""
    ctx.require_admin("see what an account holds")
    with ctx.read() as session:
        account = account_by_login(session, login)
        unanswered = dict(
            session.exec(
                select(Inquiry.folder, func.count())
                .where(Inquiry.owner_id == account.id, col(Inquiry.first_response_at).is_(None))
                .group_by(Inquiry.folder)
            ).all()
        )
        open_inquiries = unanswered.pop(OPEN_FOLDER.value, 0)
        buyers = session.exec(select(func.count()).select_from(Buyer).where(Buyer.owner_id == account.id)).one()
        products = session.exec(select(func.count()).select_from(Product).where(Product.owner_id == account.id)).one()
        countries = session.exec(
            select(func.count()).select_from(CountryOwner).where(CountryOwner.account_id == account.id)
        ).one()
    return Holdings(login, open_inquiries, buyers, products, countries, sum(unanswered.values()))
