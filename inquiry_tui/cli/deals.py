"""`template add|list|show`, `loi new|list|show|edit|send|confirm|withdraw|versions|export`,
`order from-loi|list|show|status|export` and `import orders FILE` (docs/cli.md, Deals)."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from inquiry_tui.cli.common import FileArg, QuietOpt, date_option, echo_rows, require_file, state
from inquiry_tui.cli.progress import import_progress
from inquiry_tui.domain import money
from inquiry_tui.domain.deals import LoiStatus, OrderStatus, doc_to_dict
from inquiry_tui.domain.text import safe_line, safe_text, truncate
from inquiry_tui.services.deals import importing, lois, orders, templates
from inquiry_tui.services.deals.views import LoiView, OrderKey, OrderQuery, OrderRow, OrderView, TemplateInfo
from inquiry_tui.services.records.deals import read_deal_file

template_app = typer.Typer(help="Contract templates: add, list, show.", no_args_is_help=True)
loi_app = typer.Typer(help="Letters of intent: draft, edit, send, confirm, withdraw, export.", no_args_is_help=True)
order_app = typer.Typer(help="All orders: from a confirmed LOI, list, show, move the status.", no_args_is_help=True)
imports = typer.Typer()

JsonOpt = Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")]
DocFile = Annotated[Path, typer.Option("--file", help="A JSON document (docs/cli.md, Deals).", dir_okay=False)]
PdfOut = Annotated[Path, typer.Option("-o", "--output", help="The PDF file to write.", dir_okay=False)]


def _json(value: Any) -> str:
    # ensure_ascii: buyer text can carry control characters; escaped, they never reach a terminal raw.
    return json.dumps(value, indent=2, sort_keys=True, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _doc_file(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    require_file(path)
    return read_deal_file(path)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- templates ------------------------------------------------------------------------------------


def template_dict(t: TemplateInfo) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "owner": t.owner_login,
        "updated_at": t.updated_at,
        "version": t.version,
        **doc_to_dict(t.doc),
    }


@template_app.command("add")
def template_add(name: str, file: DocFile) -> None:
    """Add a contract template from a JSON document (placeholders such as {buyer.company} allowed)."""
    data = _doc_file(file) or {}
    t = templates.add_template(state.ctx(), name, data, path=file)
    typer.echo(f"template {safe_line(t.name)} added (id {t.id})")


@template_app.command("list")
def template_list(as_json: JsonOpt = False) -> None:
    """The team's contract templates, by name."""
    rows = templates.list_templates(state.ctx())
    if as_json:
        typer.echo(
            _json(
                [
                    {
                        k: v
                        for k, v in template_dict(t).items()
                        if k in ("id", "name", "owner", "updated_at", "version", "currency", "subject")
                    }
                    for t in rows
                ]
            )
        )
        return
    echo_rows(
        [
            [
                str(t.id),
                truncate(safe_line(t.name), 30),
                t.owner_login or "-",
                t.doc.currency,
                truncate(safe_line(t.doc.subject), 40),
            ]
            for t in rows
        ],
        ["ID", "NAME", "OWNER", "CUR", "SUBJECT"],
    )
    typer.echo(f"{len(rows)} template{'s' if len(rows) != 1 else ''}")


@template_app.command("show")
def template_show(name: str, as_json: JsonOpt = False) -> None:
    """One template's sections."""
    t = templates.get_template(state.ctx(), name)
    if as_json:
        typer.echo(_json(template_dict(t)))
        return
    typer.echo(f"Template {safe_line(t.name)} (id {t.id}, by {t.owner_login or '-'}, version {t.version})")
    typer.echo(safe_text(json.dumps(doc_to_dict(t.doc), indent=2, ensure_ascii=False)))


# --- letters of intent ----------------------------------------------------------------------------


def loi_dict(v: LoiView) -> dict[str, Any]:
    """`loi show --json`: decimals as strings (docs/cli.md)."""
    return {
        "id": v.id,
        "status": v.status,
        "customer": v.buyer.email,
        "buyer": {"name": v.buyer.name, "company": v.buyer.company, "country": v.buyer.country},
        "owner": v.owner_login,
        "inquiry": v.inquiry_id,
        "template": v.template_name,
        "version": v.version,
        "created_at": v.created_at,
        "updated_at": v.updated_at,
        "sent_at": v.sent_at,
        "closed_at": v.closed_at,
        "order": v.order_number,
        **doc_to_dict(v.doc, amounts=True),
    }


@loi_app.command("new")
def loi_new(
    customer: Annotated[str | None, typer.Option("--customer", help="The buyer's e-mail.")] = None,
    inquiry: Annotated[int | None, typer.Option("--inquiry", help="Pre-fill from this inquiry (its buyer).")] = None,
    template: Annotated[str | None, typer.Option("--template", help="Start from this contract template.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="A JSON document overriding fields.", dir_okay=False)
    ] = None,
) -> None:
    """Draft a letter of intent; prints its id."""
    data = _doc_file(file)
    view = lois.draft_loi(state.ctx(), customer=customer, inquiry_id=inquiry, template=template, data=data, path=file)
    typer.echo(str(view.id))


@loi_app.command("edit")
def loi_edit(loi_id: Annotated[int, typer.Argument(metavar="ID")], file: DocFile) -> None:
    """Change the fields the file gives (a new version); refused once confirmed."""
    data = _doc_file(file) or {}
    v = lois.edit_loi(state.ctx(), loi_id, data, path=file)
    typer.echo(f"LOI {v.id} saved, version {v.version}, total {money.shown(v.total, v.doc.currency)}")


@loi_app.command("list")
def loi_list(
    status: Annotated[str | None, typer.Option("--status", help=f"One of {', '.join(LoiStatus)}.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Your LOIs (the admin: everyone's), newest first."""
    ctx = state.ctx()
    rows = []
    before: int | None = None
    while True:
        page = lois.list_lois(ctx, status=status, before_id=before)
        rows.extend(page)
        if len(page) < lois.PAGE:
            break
        before = page[-1].id
    if as_json:
        typer.echo(
            _json(
                [
                    {
                        "id": r.id,
                        "status": r.status,
                        "customer": r.email,
                        "subject": r.subject,
                        "currency": r.currency,
                        "total": money.text(r.total, r.currency),
                        "owner": r.owner_login,
                        "updated_at": r.updated_at,
                        "version": r.version,
                    }
                    for r in rows
                ]
            )
        )
        return
    echo_rows(
        [
            [
                str(r.id),
                r.status,
                safe_line(r.email),
                truncate(safe_line(r.subject), 36),
                money.shown(r.total, r.currency),
                r.owner_login or "-",
                f"{r.updated_at:%Y-%m-%d}",
            ]
            for r in rows
        ],
        ["ID", "STATUS", "CUSTOMER", "SUBJECT", "TOTAL", "OWNER", "UPDATED (UTC)"],
    )
    typer.echo(f"{len(rows)} LOI{'s' if len(rows) != 1 else ''}")


@loi_app.command("show")
def loi_show(loi_id: Annotated[int, typer.Argument(metavar="ID")], as_json: JsonOpt = False) -> None:
    """One LOI: as text, or JSON with its lines, amounts and total."""
    ctx = state.ctx()
    if as_json:
        typer.echo(_json(loi_dict(lois.loi_detail(ctx, loi_id))))
        return
    typer.echo(lois.loi_text(ctx, loi_id), nl=False)


@loi_app.command("versions")
def loi_versions(loi_id: Annotated[int, typer.Argument(metavar="ID")], as_json: JsonOpt = False) -> None:
    """Every saved version of an LOI: when, who, what changed."""
    rows = lois.loi_versions(state.ctx(), loi_id)
    if as_json:
        typer.echo(
            _json(
                [
                    {
                        "version": v.version,
                        "at": v.at,
                        "actor": v.actor,
                        "status": v.status,
                        "change": v.change,
                        **doc_to_dict(v.doc, amounts=True),
                    }
                    for v in rows
                ]
            )
        )
        return
    echo_rows(
        [
            [str(v.version), f"{v.at:%Y-%m-%d %H:%M}", v.actor, v.change, money.shown(v.doc.total(), v.doc.currency)]
            for v in rows
        ],
        ["VERSION", "AT (UTC)", "BY", "CHANGE", "TOTAL"],
    )


@loi_app.command("send")
def loi_send(loi_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Send the LOI: an outgoing message on its thread with the PDF attached."""
    v = lois.send_loi(state.ctx(), loi_id)
    typer.echo(f"LOI {v.id} sent on inquiry {v.message_inquiry_id} (version {v.version})")


@loi_app.command("confirm")
def loi_confirm(loi_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """The buyer agreed: confirm (the LOI is frozen from now on)."""
    v = lois.confirm_loi(state.ctx(), loi_id)
    typer.echo(f"LOI {v.id} confirmed; make the order with `inquiry-tui order from-loi {v.id}`")


@loi_app.command("withdraw")
def loi_withdraw(loi_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Withdraw a draft or sent LOI."""
    v = lois.withdraw_loi(state.ctx(), loi_id)
    typer.echo(f"LOI {v.id} withdrawn")


@loi_app.command("export")
def loi_export(loi_id: Annotated[int, typer.Argument(metavar="ID")], output: PdfOut) -> None:
    """Write the LOI as a PDF."""
    data = lois.loi_pdf(state.ctx(), loi_id)
    _write_atomically(output, data)
    typer.echo(f"wrote {output} ({len(data):,} bytes)")


# --- orders ---------------------------------------------------------------------------------------


def order_dict(v: OrderView) -> dict[str, Any]:
    """`order show --json`: decimals as strings (docs/cli.md)."""
    return {
        "id": v.id,
        "number": v.number,
        "status": v.status,
        "kind": v.kind,
        "source": v.source,
        "customer": v.buyer.email,
        "buyer": {"name": v.buyer.name, "company": v.buyer.company, "country": v.buyer.country},
        "owner": v.owner_login,
        "loi": v.loi_id,
        "placed_at": v.placed_at,
        "updated_at": v.updated_at,
        "version": v.version,
        "history": [
            {"at": e.at, "actor": e.actor, "from": e.from_status, "to": e.to_status, "note": e.note} for e in v.events
        ],
        **doc_to_dict(v.doc, amounts=True),
    }


def order_row_dict(r: OrderRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "number": r.number,
        "status": r.status,
        "kind": r.kind,
        "source": r.source,
        "customer": r.email,
        "currency": r.currency,
        "total": money.text(r.total, r.currency),
        "owner": r.owner_login,
        "placed_at": r.placed_at,
    }


@order_app.command("from-loi")
def order_from_loi(loi_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Make the order of a confirmed LOI; prints its number."""
    v = orders.order_from_loi(state.ctx(), loi_id)
    typer.echo(v.number)


@order_app.command("list")
def order_list(
    status: Annotated[str | None, typer.Option("--status", help=f"One of {', '.join(OrderStatus)}.")] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="The buyer's e-mail.")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Admin: one salesperson's customers.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Placed on or after YYYY-MM-DD (UTC).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Placed on or before YYYY-MM-DD (UTC).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many rows.")] = 1_000,
    as_json: JsonOpt = False,
) -> None:
    """Orders newest first, with the totals per currency of everything the filters match."""
    date_option(since, "--since")
    date_option(until, "--until")
    start, end = orders.period(since, until)
    query = OrderQuery(status=status, customer=customer, owner=owner, since=start, until=end)
    ctx = state.ctx()
    rows: list[OrderRow] = []
    key: OrderKey | None = None
    while len(rows) < limit:
        page = orders.order_page(ctx, query, key, min(1_000, limit - len(rows)))
        rows.extend(page.rows)
        key = page.next_key
        if key is None:
            break
    totals = orders.order_totals(ctx, query)
    if as_json:
        typer.echo(
            _json(
                {
                    "orders": [order_row_dict(r) for r in rows],
                    "count": totals.orders,
                    "totals": [
                        {"currency": t.currency, "orders": t.orders, "total": money.text(t.total, t.currency)}
                        for t in totals.by_currency
                    ],
                }
            )
        )
        return
    echo_rows(
        [
            [
                r.number,
                f"{r.placed_at:%Y-%m-%d}",
                r.status,
                r.kind,
                safe_line(r.email),
                truncate(safe_line(r.buyer_company or r.buyer_name), 28),
                money.shown(r.total, r.currency),
                r.owner_login or "-",
            ]
            for r in rows
        ],
        ["NUMBER", "PLACED (UTC)", "STATUS", "KIND", "CUSTOMER", "COMPANY", "TOTAL", "OWNER"],
    )
    sums = "; ".join(f"{money.shown(t.total, t.currency)} ({t.orders})" for t in totals.by_currency) or "none"
    typer.echo(f"{totals.orders} order{'s' if totals.orders != 1 else ''}; totals: {sums}")


@order_app.command("show")
def order_show(
    order: Annotated[str, typer.Argument(metavar="ID", help="The order's id or number.")], as_json: JsonOpt = False
) -> None:
    """One order: as text with its history, or JSON with its lines, amounts and total."""
    ctx = state.ctx()
    view = orders.order_detail(ctx, order)
    if as_json:
        typer.echo(_json(order_dict(view)))
        return
    typer.echo(orders.order_text(ctx, view.id), nl=False)
    typer.echo("\nHistory (UTC):")
    for e in view.events:
        change = f"{e.from_status} -> {e.to_status}" if e.from_status else f"placed ({e.to_status})"
        typer.echo(f"  {e.at:%Y-%m-%d %H:%M}  {change}  by {e.actor}" + (f"  {safe_line(e.note)}" if e.note else ""))


@order_app.command("status")
def order_status(
    order: Annotated[str, typer.Argument(metavar="ID", help="The order's id or number.")],
    status: Annotated[str, typer.Argument(metavar="STATUS", help="paid, shipped, completed or cancelled.")],
) -> None:
    """Move an order forward (confirmed -> paid -> shipped -> completed) or cancel it."""
    v = orders.set_order_status(state.ctx(), order, status)
    typer.echo(f"order {v.number} is {v.status}")


@order_app.command("export")
def order_export(order: Annotated[str, typer.Argument(metavar="ID")], output: PdfOut) -> None:
    """Write the order as a PDF."""
    data = orders.order_pdf(state.ctx(), order)
    _write_atomically(output, data)
    typer.echo(f"wrote {output} ({len(data):,} bytes)")


@imports.command("orders")
def import_orders(file: FileArg, quiet: QuietOpt = False) -> None:
    """Import orders placed on the marketplace (all or nothing)."""
    require_file(file)
    with import_progress(quiet=quiet):  # on a terminal: the file read, rate and time left
        r = importing.import_orders(state.ctx(), file)
    statuses = ", ".join(f"{s} {n}" for s, n in r.by_status) or "none"
    typer.echo(f"imported {r.orders} orders ({statuses}); {r.buyers_created} new customers")
