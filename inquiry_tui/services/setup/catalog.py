"""Products (SKU with an owner) and country ownership (one owner per country)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from inquiry_tui.domain.countries import country_name, normalize_country
from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx, account_by_login
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import Account, CountryOwner, Product


@dataclass(frozen=True)
class ProductInfo:
    id: int
    sku: str
    name: str
    category: str
    owner: str | None


@dataclass(frozen=True)
class RegionInfo:
    country: str
    country_name: str
    owner: str


MAX_SKU = 64
MAX_NAME = 200  # rules.MAX_LINE: a one-line name anywhere


def _line(field: str, value: str, max_len: int) -> str:
    from inquiry_tui.services.records import rules  # off the TUI's start-up path (test_import_hygiene)

    try:
        return rules.line(value, max_len)
    except rules.RuleError as exc:
        raise ValidationError(f"{field}: {exc.message}") from None


def add_product(
    ctx: Ctx, sku: str, name: str, owner: str | None = None, category: str = "", keywords: str = ""
) -> ProductInfo:
    ctx.require_admin("add products")
    # One line each, by the rules every way in uses (services.records.rules); a SKU is what files name.
    sku, name, category = (
        _line("SKU", sku, MAX_SKU),
        _line("--name", name, MAX_NAME),
        _line("--category", category, 100),
    )
    if not sku:
        raise ValidationError("SKU must not be empty")
    with ctx.write() as session:
        if session.exec(select(Product).where(Product.sku == sku)).one_or_none():
            raise ValidationError(f"SKU {sku!r} already exists")
        owner_id = account_by_login(session, owner, active_only=True).id if owner else None
        product = Product(sku=sku, name=name, category=category, keywords=keywords, owner_id=owner_id)
        session.add(product)
        session.flush()
        audit(session, ctx, "product_add", "product", sku, after={"sku": sku, "name": name, "owner": owner})
        assert product.id is not None
        return ProductInfo(product.id, sku, name, category, owner)


def set_product_owner(ctx: Ctx, sku: str, owner: str | None) -> ProductInfo:
    ctx.require_admin("change product owners")
    with ctx.write() as session:
        product = session.exec(select(Product).where(Product.sku == sku)).one_or_none()
        if product is None:
            raise NotFound(f"unknown SKU {sku!r}")
        before = session.get_one(Account, product.owner_id).login if product.owner_id else None
        product.owner_id = account_by_login(session, owner, active_only=True).id if owner else None
        audit(session, ctx, "product_owner", "product", sku, before={"owner": before}, after={"owner": owner})
        assert product.id is not None
        return ProductInfo(product.id, product.sku, product.name, product.category, owner)


def list_products(ctx: Ctx) -> list[ProductInfo]:
    with ctx.read() as session:
        rows = session.exec(
            select(Product, Account.login)
            .join(Account, col(Product.owner_id) == Account.id, isouter=True)
            .order_by(col(Product.sku))
        ).all()
        return [ProductInfo(id_of(p), p.sku, p.name, p.category, login) for p, login in rows]


def assign_region(ctx: Ctx, country: str, login: str) -> RegionInfo:
    """Give COUNTRY to LOGIN; a country that already has an owner moves (audited)."""
    ctx.require_admin("assign regions")
    code = normalize_country(country)
    with ctx.write() as session:
        account = account_by_login(session, login, active_only=True)
        current = session.get(CountryOwner, code)
        before = session.get_one(Account, current.account_id).login if current else None
        if current is None:
            session.add(CountryOwner(country=code, account_id=id_of(account)))
        else:
            current.account_id = id_of(account)
        audit(session, ctx, "region_assign", "country", code, before={"owner": before}, after={"owner": login})
        return RegionInfo(code, country_name(code) or code, login)


def unassign_region(ctx: Ctx, country: str) -> str | None:
    ctx.require_admin("unassign regions")
    code = normalize_country(country)
    with ctx.write() as session:
        current = session.get(CountryOwner, code)
        if current is None:
            raise NotFound(f"country {code} has no owner")
        before = session.get_one(Account, current.account_id).login
        session.delete(current)
        audit(session, ctx, "region_unassign", "country", code, before={"owner": before}, after={"owner": None})
        return before


def list_regions(ctx: Ctx) -> list[RegionInfo]:
    with ctx.read() as session:
        rows = session.exec(
            select(CountryOwner.country, Account.login)
            .join(Account, col(CountryOwner.account_id) == Account.id)
            .order_by(col(CountryOwner.country))
        ).all()
        return [RegionInfo(code, country_name(code) or code, login) for code, login in rows]
