"""`customer list|add|show|transfer` and `import customers|activity FILE`."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

import typer

from inquiry_tui.cli.common import FileArg, QuietOpt, echo_rows, fail, require_file, state
from inquiry_tui.cli.progress import import_progress
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.customers import importing as customer_import
from inquiry_tui.services.customers import manage as customers
from inquiry_tui.services.customers.input import CustomerInput
from inquiry_tui.services.customers.listing import SORTS, CustomerQuery, CustomerRow, customer_page
from inquiry_tui.services.customers.profile import BuyerProfile, buyer_profile

customer_app = typer.Typer(help="Customers: list, add, show the profile, transfer.", no_args_is_help=True)
imports = typer.Typer()


def _json(value: Any) -> str:
    # ensure_ascii: buyer text can carry control characters; escaped, they never reach a terminal raw.
    return json.dumps(value, indent=2, sort_keys=True, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def row_dict(r: CustomerRow) -> dict[str, Any]:
    return {
        "email": r.email,
        "name": r.name,
        "company": r.company,
        "country": r.country,
        "group": r.group,
        "type": r.type,
        "source": r.source,
        "stars": r.stars,
        "tags": list(r.tags),
        "owner": r.owner_login,
        "last_contact_at": r.last_contact_at,
        "verified": r.verified,
        "tier": r.tier,
        "activity": r.activity,
    }


@customer_app.command("list")
def customer_list(
    search: Annotated[str, typer.Option("--search", help="Part of the name, company or e-mail.")] = "",
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="KEY=VALUE filter: group, type, source, stars, tag (repeatable).")
    ] = None,
    sort: Annotated[str, typer.Option("--sort", help=f"One of {', '.join(SORTS)}.")] = "last_contact",
    owner: Annotated[str | None, typer.Option("--owner", help="Admin: one salesperson's customers.")] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help="inquiry, sample, first_order or repeat (from their orders).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many rows.")] = 10_000,
    as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False,
) -> None:
    """List your customers (the admin: everyone's), newest contact first."""
    if sort not in SORTS:
        fail(f"--sort {sort!r} is not allowed; allowed: {', '.join(SORTS)}")
    query = CustomerQuery(search=search, owner=owner, sort=sort, stage=stage)
    for spec in tag or []:
        query = query.with_tag_filter(spec)
    ctx = state.ctx()
    rows: list[CustomerRow] = []
    key = None
    while len(rows) < limit:
        page = customer_page(ctx, query, key, min(1000, limit - len(rows)))
        rows.extend(page.rows)
        key = page.next_key
        if key is None:
            break
    if as_json:
        typer.echo(_json([row_dict(r) for r in rows]))
        return
    table = [
        [
            safe_line(r.email),
            truncate(safe_line(r.name), 24),
            truncate(safe_line(r.company), 28),
            r.country or "",
            str(r.stars),
            truncate(safe_line(r.group), 16),
            truncate(safe_line(r.type), 16),
            truncate(safe_line(r.source), 12),
            truncate(safe_line(",".join(r.tags)), 24),
            r.owner_login or "-",
            r.last_contact_at.strftime("%Y-%m-%d") if r.last_contact_at else "never",
        ]
        for r in rows
    ]
    echo_rows(
        table, ["EMAIL", "NAME", "COMPANY", "CC", "STARS", "GROUP", "TYPE", "SOURCE", "TAGS", "OWNER", "LAST CONTACT"]
    )
    typer.echo(f"{len(rows)} customer{'s' if len(rows) != 1 else ''}")


@customer_app.command("add")
def customer_add(
    email: str,
    name: Annotated[str, typer.Option("--name", help="Contact person.")],
    company: Annotated[str, typer.Option("--company")] = "",
    country: Annotated[str, typer.Option("--country", help="ISO 3166-1 alpha-2, e.g. DE.")] = "",
    phone: Annotated[str, typer.Option("--phone")] = "",
    website: Annotated[str, typer.Option("--website")] = "",
    group: Annotated[str, typer.Option("--group")] = "",
    type_: Annotated[str, typer.Option("--type", help="e.g. distributor, retailer, trading company.")] = "",
    source: Annotated[str, typer.Option("--source", help="Default: manual.")] = "",
    stars: Annotated[str, typer.Option("--stars", help="0-5.")] = "0",
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A free tag (repeatable).")] = None,
) -> None:
    """Add a customer by hand; an existing buyer with this e-mail becomes the customer (merged)."""
    data = CustomerInput(
        email=email,
        name=name,
        company=company,
        country=country,
        phone=phone,
        website=website,
        group=group,
        type=type_,
        source=source,
        stars=stars,
        tags=tuple(tag or ()),
    )
    row = customers.add_customer(state.ctx(), data)
    typer.echo(f"customer {safe_line(row.email)} ({safe_line(row.name) or '-'}) owner {row.owner_login or '-'}")


def profile_dict(p: BuyerProfile) -> dict[str, Any]:
    """The profile figures for scripts (stable keys)."""
    d = asdict(p)
    d["activity"] = {
        "level": p.activity.level,
        "label": p.activity.label,
        "window_days": p.activity.window_days,
        "dimensions": {
            x.name: {"count": x.count, "share": round(x.share, 4), "score": round(x.score, 4)}
            for x in p.activity.dimensions
        },
        "daily": list(p.activity.daily),
    }
    d["authenticity"] = {
        "score": p.authenticity.score,
        "verdict": p.authenticity.verdict,
        "reasons": list(p.authenticity.texts),
        "reason_signs": [r.sign for r in p.authenticity.reasons],  # +1 raised the score, -1 lowered it
    }
    d["tags"]["free"] = list(p.tags.free)
    return d


@customer_app.command("show")
def customer_show(
    email: str,
    window: Annotated[int, typer.Option("--window", min=1, max=365, help="Days of activity to look at.")] = 90,
    as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False,
) -> None:
    """Show a buyer's profile: behaviour, activity level, authenticity, visitor details."""
    ctx = state.ctx()
    p = buyer_profile(ctx, customers.buyer_id_by_email(ctx, email), window_days=window)
    if as_json:
        typer.echo(_json(profile_dict(p)))
        return
    s = safe_line
    b, a, v = p.behaviour, p.activity, p.visitor
    lines = [
        f"{s(p.name) or '-'} <{s(p.email)}>  {s(p.company) or '-'}  {p.country or '??'} {p.country_name or ''}",
        f"verified: {'yes' if p.verified else 'no'}  tier: {p.tier or '-'}  owner: {p.owner_login or '-'}  customer: {'yes' if p.is_customer else 'no'}"
        + (
            f"  stars: {p.tags.stars}  group: {s(p.tags.group) or '-'}  type: {s(p.tags.type) or '-'}  source: {s(p.tags.source) or '-'}  tags: {s(', '.join(p.tags.free)) or '-'}"
            if p.is_customer
            else ""
        ),
        f"last {p.window_days} days: product views {b.product_views}, valid inquiries {b.valid_inquiries}, replied {b.replies}, "
        f"valid RFQs {b.valid_rfqs}, login days {b.login_days}, junk inquiries {b.junk_inquiries}, blacklisted {b.times_blacklisted}",
        f"activity: {a.label} {a.level}/100 ("
        + ", ".join(f"{d.name} {round(d.share * 100)}%" for d in a.dimensions)
        + ")",
        f"authenticity: {p.authenticity.verdict} {p.authenticity.score}/100",
        *(f"  {'+' if r.sign > 0 else '-' if r.sign < 0 else '·'} {s(r.text)}" for r in p.authenticity.reasons),
        "intended products: "
        + (", ".join(f"{s(i.sku)} ({i.views} views, {i.inquiries} inquiries)" for i in p.intended_products) or "-"),
        f"visitor: {v.sessions} visits, {v.page_views} page views, regions {', '.join(v.regions) or '-'}, store pages {v.store_pages}, "
        f"site products {v.site_products}, site sellers {v.site_sellers}",
        "common searches: " + (s(", ".join(f"{t.term} ({t.count})" for t in v.search_terms)) or "-"),
    ]
    if p.trading_company_note:
        lines.append(f"note: {s(p.trading_company_note)}")
    for m in p.latest_messages:
        lines.append(
            f"{m.sent_at:%Y-%m-%d %H:%M} {m.direction:<4} #{m.inquiry_id} {truncate(s(m.subject), 50)}: {truncate(s(m.preview), 70)}"
        )
    typer.echo("\n".join(lines))


@customer_app.command("transfer")
def customer_transfer(email: str, login: str) -> None:
    """Give a customer to another salesperson (admin only; recorded)."""
    ctx = state.ctx()
    result = customers.transfer_customer(ctx, customers.buyer_id_by_email(ctx, email), login)
    typer.echo(f"{safe_line(result.email)}: {result.from_login or 'nobody'} -> {result.to_login}")


@imports.command("customers")
def import_customers(file: FileArg, quiet: QuietOpt = False) -> None:
    """Import customers (email, name, company, country, phone, group, type, source, stars, tags); same e-mail merges."""
    require_file(file)
    with import_progress(quiet=quiet):  # on a terminal: the file read, rate and time left
        r = customer_import.import_customers(state.ctx(), file)
    typer.echo(f"imported {r.rows} customers: {r.added} added, {r.merged} merged into existing customers")


@imports.command("activity")
def import_activity(file: FileArg, quiet: QuietOpt = False) -> None:
    """Import on-site activity (email, at, kind, detail) into the profiles' daily aggregates (admin)."""
    require_file(file)
    with import_progress(quiet=quiet):  # on a terminal: the file read, rate and time left
        r = customer_import.import_activity(state.ctx(), file)
    typer.echo(f"imported {r.events} activity events ({r.days} buyer-days, {r.buyers_created} new buyers)")
