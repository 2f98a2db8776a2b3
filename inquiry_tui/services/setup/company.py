"""Set up a company from a description (the packaged `data/company.json`): staff, catalogue, regions, settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from sqlmodel import Session, select

from inquiry_tui.domain.settings import settings_from_dict, settings_to_dict
from inquiry_tui.domain.vocabulary import Role
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx, main_account
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import Account, BlockEntry, CountryOwner, Product, ReplyTemplate, Setting


@dataclass(frozen=True)
class CompanySetup:
    accounts: int
    products: int
    countries: int


def load_json(name: str) -> dict[str, Any]:
    """One of the packaged set-up files (`company.json`, `vocab.json`): shipped in the wheel."""
    data: dict[str, Any] = json.loads(files(__package__).joinpath("data", name).read_text(encoding="utf-8"))
    return data


def set_up_company(ctx: Ctx, description: dict[str, Any]) -> CompanySetup:
    """Add what is missing (idempotent): salespeople, products, country owners, templates, settings."""
    with ctx.write() as session:
        return _set_up(session, ctx, description)


def set_up_in(session: Session, ctx: Ctx, d: dict[str, Any]) -> CompanySetup:
    """`set_up_company` inside the caller's session (the seed's one transaction)."""
    return _set_up(session, ctx, d)


def _set_up(session: Session, ctx: Ctx, d: dict[str, Any]) -> CompanySetup:
    admin = main_account(session)
    now = ctx.now()
    by_login = {a.login: a for a in session.exec(select(Account)).all()}
    added = 0
    for person in d.get("salespeople", []):
        if person["login"] not in by_login:
            account = Account(login=person["login"], name=person["name"], role=Role.SALES.value, created_at=now)
            session.add(account)
            by_login[account.login] = account
            added += 1
    session.flush()
    skus = set(session.exec(select(Product.sku)).all())
    products = 0
    for p in d.get("products", []):
        if p["sku"] in skus:
            continue
        owner = by_login.get(p["owner"]) if p.get("owner") else None
        session.add(
            Product(
                sku=p["sku"],
                name=p["name"],
                category=p.get("category", ""),
                keywords=p.get("keywords", ""),
                owner_id=owner.id if owner else None,
            )
        )
        products += 1
    owned = set(session.exec(select(CountryOwner.country)).all())
    countries = 0
    for login, codes in d.get("regions", {}).items():
        for code in codes:
            if code not in owned and login in by_login:
                session.add(CountryOwner(country=code, account_id=id_of(by_login[login])))
                countries += 1
    names = set(session.exec(select(ReplyTemplate.name)).all())
    for t in d.get("templates", []):
        if t["name"] not in names:
            session.add(ReplyTemplate(name=t["name"], body=t["body"]))
    existing_blocks = set(session.exec(select(BlockEntry.kind, BlockEntry.value)).all())
    for b in d.get("block_list", []):
        if (b["kind"], b["value"]) not in existing_blocks:
            session.add(BlockEntry(kind=b["kind"], value=b["value"], note=b.get("note", ""), created_at=now))
    if "settings" in d:
        settings = settings_to_dict(settings_from_dict(d["settings"]))  # validates
        for key, value in settings.items():
            row = session.get(Setting, key) or Setting(key=key)
            row.value = json.dumps(value, sort_keys=True)
            session.add(row)
    if d.get("admin", {}).get("name") and admin.name == "Main account":
        admin.name = d["admin"]["name"]
    audit(
        session,
        ctx,
        "company_setup",
        "company",
        d.get("company", ""),
        after={"accounts": added, "products": products, "countries": countries},
    )
    return CompanySetup(added, products, countries)
