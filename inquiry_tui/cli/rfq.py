"""`rfq list|show|quote|quota|quotes|won|subscribe|unsubscribe|subscriptions` and `import rfqs FILE` (docs/cli.md)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import typer

from inquiry_tui.cli.common import FileArg, QuietOpt, echo_rows, fail, require_file, state
from inquiry_tui.cli.progress import import_progress
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.rfq import importing, quotes, subscriptions
from inquiry_tui.services.rfq.market import RfqQuery, rfq_detail, rfq_id_of, rfq_page
from inquiry_tui.services.rfq.recommend import recommended_rfqs
from inquiry_tui.services.rfq.rows import RfqRow

rfq_app = typer.Typer(help="The RFQ market: find, quote, follow keywords; the monthly quota.", no_args_is_help=True)
imports = typer.Typer()

JsonOpt = Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")]


def _json(value: Any) -> str:
    # ensure_ascii: buyer text can carry control characters; escaped, they never reach a terminal raw.
    return json.dumps(value, indent=2, sort_keys=True, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def row_dict(r: RfqRow, *, recommended: bool = False) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": r.id,
        "external_id": r.external_id,
        "title": r.title,
        "category": r.category,
        "quantity": r.quantity,
        "unit": r.unit,
        "destination": r.destination,
        "target_price": r.target_price,
        "currency": r.currency,
        "posted_at": r.posted_at,
        "expires_at": r.expires_at,
        "status": str(r.status),
        "buyer": {
            "name": r.buyer_name,
            "company": r.buyer_company,
            "country": r.buyer_country,
            "verified": r.verified,
            "tier": r.tier,
        },
        "quoted_by": r.quoted_by,
    }
    if recommended:
        d["reason"] = r.reason
        d["score"] = r.score
    return d


def _quantity(r: RfqRow) -> str:
    if r.quantity is None:
        return "-"
    return f"{r.quantity:,.0f} {safe_line(r.unit)}".strip() if r.quantity == int(r.quantity) else f"{r.quantity:,g}"


@rfq_app.command("list")
def rfq_list(
    keyword: Annotated[
        list[str] | None,
        typer.Option("--keyword", help="Words in the title or description (repeatable; all must occur)."),
    ] = None,
    category: Annotated[str | None, typer.Option("--category", help="The RFQ's category, e.g. Downlights.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Destination, ISO 3166-1 alpha-2.")] = None,
    min_qty: Annotated[float | None, typer.Option("--min-qty", help="At least this quantity.")] = None,
    max_qty: Annotated[float | None, typer.Option("--max-qty", help="At most this quantity.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Open RFQs only (not expired).")] = False,
    recommended: Annotated[
        bool, typer.Option("--recommended", help="Ranked by fit to our catalogue and the buyer, with the reason.")
    ] = False,
    junk: Annotated[bool, typer.Option("--junk", help="The junk RFQs instead, with why.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=5000, help="At most this many.")] = 200,
    as_json: JsonOpt = False,
) -> None:
    """List the RFQ market, newest posted first (or best fit first with --recommended)."""
    if recommended and junk:
        fail("--recommended and --junk exclude each other")
    query = RfqQuery(
        words=tuple(keyword or ()),
        category=category,
        destination=country,
        min_quantity=min_qty,
        max_quantity=max_qty,
        open_only=open_only,
        junk=junk,
    )
    ctx = state.ctx()
    rows = recommended_rfqs(ctx, query, limit=limit) if recommended else list(rfq_page(ctx, query, limit=limit).rows)
    if as_json:
        typer.echo(_json([row_dict(r, recommended=recommended) for r in rows]))
        return
    table = [
        [
            str(r.id),
            r.posted_at.strftime("%Y-%m-%d"),
            r.time_left,
            truncate(safe_line(r.title), 44),
            _quantity(r),
            r.destination or "",
            (f"{r.tier or '--'} {'verified' if r.verified else ''}").strip(),
            truncate(safe_line(r.category), 14),
            r.quoted_by or "",
            *([truncate(safe_line(r.reason), 70)] if recommended else []),
        ]
        for r in rows
    ]
    headers = ["ID", "POSTED", "LEFT", "TITLE", "QUANTITY", "TO", "BUYER", "CATEGORY", "QUOTED BY"]
    echo_rows(table, headers + (["WHY"] if recommended else []))
    typer.echo(f"{len(rows)} RFQ{'s' if len(rows) != 1 else ''}")


@rfq_app.command("show")
def rfq_show(
    rfq: Annotated[str, typer.Argument(help="The RFQ's id or external id.")], as_json: JsonOpt = False
) -> None:
    """One RFQ in full: the request, the buyer, why it fits (or is junk), our quote."""
    ctx = state.ctx()
    detail = rfq_detail(ctx, rfq_id_of(ctx, rfq))
    quote = quotes.quote_of(ctx, detail.row.id)
    if as_json:
        d = row_dict(detail.row, recommended=True)
        d.update(
            description=detail.description,
            buyer_email=detail.buyer_email,
            junk_reasons=list(detail.junk_reasons),
            fit=detail.row.fit,
            quote=_quote_dict(quote) if quote else None,
        )
        typer.echo(_json(d))
        return
    r, s = detail.row, safe_line
    lines = [
        f"RFQ {r.id} ({s(r.external_id)})  {r.status}  posted {r.posted_at:%Y-%m-%d %H:%M} UTC, "
        f"expires {r.expires_at:%Y-%m-%d %H:%M} UTC ({r.time_left})",
        s(r.title),
        f"quantity {_quantity(r)}  destination {r.destination or '-'}  category {s(r.category) or '-'}"
        + (f"  target {s(r.target_price)} {r.currency}" if r.target_price else ""),
        f"buyer: {s(r.buyer_name) or '-'} <{s(detail.buyer_email)}>  {s(r.buyer_company) or '-'}  "
        f"{r.buyer_country or '??'}  {'verified' if r.verified else 'not verified'}  tier {r.tier or '-'}",
    ]
    if r.reason:
        lines.append(f"recommended: {s(r.reason)}")
    for why in detail.junk_reasons:
        lines.append(f"junk: {s(why)}")
    if r.quoted_by:
        lines.append(f"quoted by {r.quoted_by}")
    if quote is not None:
        lines.append(
            f"our quote: {quote.terms_text}, MOQ {quote.moq:,}, lead time {quote.lead_days} days, sent "
            f"{quote.sent_at:%Y-%m-%d}, {quote.status}"
            + (f", edited {quote.edits}x" if quote.edits else "")
            + f", thread #{quote.inquiry_id}"
        )
    lines += ["", s(detail.description).replace("⏎", "\n") if detail.description else "(no description)"]
    typer.echo("\n".join(lines))


def _quote_dict(q: quotes.QuoteRow) -> dict[str, Any]:
    return {
        "rfq_id": q.rfq_id,
        "external_id": q.external_id,
        "title": q.title,
        "by": q.by,
        "price": q.price,
        "currency": q.currency,
        "moq": q.moq,
        "lead_days": q.lead_days,
        "incoterm": q.incoterm,
        "message": q.message,
        "sent_at": q.sent_at,
        "edits": q.edits,
        "status": str(q.status),
        "inquiry_id": q.inquiry_id,
        "order": q.order_ref or None,
    }


@rfq_app.command("quote")
def rfq_quote(
    rfq: Annotated[str, typer.Argument(help="The RFQ's id or external id.")],
    price: Annotated[str, typer.Option("--price", help="Unit price, e.g. 6.45.")],
    currency: Annotated[str, typer.Option("--currency", help="ISO 4217, e.g. USD.")],
    moq: Annotated[str, typer.Option("--moq", help="Minimum order quantity.")],
    lead_days: Annotated[str, typer.Option("--lead-days", help="Lead time in days.")],
    incoterm: Annotated[str | None, typer.Option("--incoterm", help="EXW, FOB, CIF, DDP, ...")] = None,
    message: Annotated[str, typer.Option("--message", help="Your words to the buyer.")] = "",
    edit: Annotated[bool, typer.Option("--edit", help="Change your quote (once).")] = False,
) -> None:
    """Quote an open RFQ (one quote per RFQ, within the monthly quota), or change your quote once (--edit)."""
    ctx = state.ctx()
    rfq_id = rfq_id_of(ctx, rfq)
    data = {
        "price": price,
        "currency": currency,
        "moq": moq,
        "lead_days": lead_days,
        "incoterm": incoterm,
        "message": message,
    }
    result = quotes.edit_quote(ctx, rfq_id, data) if edit else quotes.send_quote(ctx, rfq_id, data)
    verb = "changed the quote on" if result.edited else "quoted"
    typer.echo(f"{verb} RFQ {result.rfq_id}: thread #{result.inquiry_id}; {result.quota.describe()}")


@rfq_app.command("quota")
def rfq_quota(as_json: JsonOpt = False) -> None:
    """The company's quotes this month (months of reception.timezone) against rfq.monthly_quota."""
    q = quotes.quota(state.ctx())
    if as_json:
        typer.echo(_json({"month": q.month, "used": q.used, "limit": q.limit, "left": q.left}))
        return
    typer.echo(q.describe())


@rfq_app.command("quotes")
def rfq_quotes(
    everyone: Annotated[bool, typer.Option("--all", help="Admin: everyone's quotes.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Your quotes, newest first, with their status (sent, answered, won, expired)."""
    rows = quotes.my_quotes(state.ctx(), everyone=everyone)
    if as_json:
        typer.echo(_json([_quote_dict(q) for q in rows]))
        return
    echo_rows(
        [
            [
                str(q.rfq_id),
                q.sent_at.strftime("%Y-%m-%d"),
                truncate(safe_line(q.title), 40),
                q.terms_text,
                f"{q.moq:,}",
                f"{q.lead_days}d",
                str(q.status),
                q.by,
                f"#{q.inquiry_id}",
            ]
            for q in rows
        ],
        ["RFQ", "SENT", "TITLE", "PRICE", "MOQ", "LEAD", "STATUS", "BY", "THREAD"],
    )
    typer.echo(f"{len(rows)} quote{'s' if len(rows) != 1 else ''}")


@rfq_app.command("won")
def rfq_won(
    rfq: Annotated[str, typer.Argument(help="The RFQ's id or external id.")],
    order: Annotated[str, typer.Option("--order", help="The order's number or reference.")],
) -> None:
    """Record that your quote on an RFQ was won by an order."""
    ctx = state.ctx()
    row = quotes.mark_won(ctx, rfq_id_of(ctx, rfq), order)
    typer.echo(f"RFQ {row.rfq_id}: won by order {safe_line(row.order_ref)}")


@rfq_app.command("subscribe")
def rfq_subscribe(word: str) -> None:
    """Follow a keyword: new RFQs with all its words raise a notice."""
    s = subscriptions.subscribe(state.ctx(), word)
    typer.echo(f"following {safe_line(s.word)!r}")


@rfq_app.command("unsubscribe")
def rfq_unsubscribe(word: str) -> None:
    """Stop following a keyword."""
    gone = subscriptions.unsubscribe(state.ctx(), word)
    typer.echo(f"no longer following {safe_line(gone)!r}")


@rfq_app.command("subscriptions")
def rfq_subscriptions(as_json: JsonOpt = False) -> None:
    """The keywords you follow."""
    rows = subscriptions.subscriptions(state.ctx())
    if as_json:
        typer.echo(_json([{"word": s.word, "since": s.created_at} for s in rows]))
        return
    for s in rows:
        typer.echo(safe_line(s.word))
    typer.echo(f"{len(rows)} keyword{'s' if len(rows) != 1 else ''}")


@imports.command("rfqs")
def import_rfqs(file: FileArg, quiet: QuietOpt = False) -> None:
    """Import RFQs posted on the marketplace (admin; all or nothing); junk is judged, subscribers told."""
    require_file(file)
    with import_progress(quiet=quiet):  # on a terminal: the file read, rate and time left
        r = importing.import_rfqs(state.ctx(), file)
    typer.echo(
        f"imported {r.rfqs} RFQs ({r.open} open, {r.junk} junk), {r.buyers_added} new buyers, "
        f"{r.notices} keyword notices"
    )
