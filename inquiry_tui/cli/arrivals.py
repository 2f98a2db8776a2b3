"""`import inquiries|chats FILE`, `export inquiries|allocations`, `inquiry assign ID LOGIN`, `allocate`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from inquiry_tui.cli.common import FileArg, QuietOpt, require_file, state
from inquiry_tui.cli.progress import import_progress, progress_bar
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.allocation import assignment, reroute
from inquiry_tui.services.allocation import record as allocation_record
from inquiry_tui.services.arrivals import chats
from inquiry_tui.services.arrivals import importing as arrivals
from inquiry_tui.services.arrivals.pipeline import ArrivalReport
from inquiry_tui.services.inbox import export

top_level = typer.Typer()
imports = typer.Typer()
exports = typer.Typer()
inquiry_app = typer.Typer(help="Act on one inquiry.", no_args_is_help=True)

FormatOpt = Annotated[str, typer.Option("--format", help="csv | jsonl")]
OutOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write to this file (default: stdout).", dir_okay=False)
]


def _summary(r: ArrivalReport) -> str:
    rules = ", ".join(f"{rule} {n}" for rule, n in r.by_rule) or "none"
    answers = f", {r.rfq_answers} answers to our RFQ quotes" if r.rfq_answers else ""
    swept = f"; {r.escalated} unanswered escalated" if r.escalated else ""
    swept += f"; {r.returned} returned from away" if r.returned else ""
    return (
        f"{r.received} inquiries (rules: {rules}); {r.junk} to Junk, {r.deleted} blocked to Deleted, "
        f"{r.auto_replies} auto-replies, {r.buyers_added} new buyers{answers}{swept}"
    )


@imports.command("inquiries")
def import_inquiries(file: FileArg, quiet: QuietOpt = False) -> None:
    """Import inquiries; each one runs junk filter, allocation and auto-reply (all or nothing)."""
    require_file(file)
    with import_progress(quiet=quiet, read=False) as report:  # checking, then importing: a bar each, on a terminal
        result = arrivals.import_inquiries(state.ctx(), file, progress=report)
    typer.echo(f"imported {_summary(result)}")


@imports.command("chats")
def import_chats(
    file: FileArg,
    quiet: QuietOpt = False,
    customers: Annotated[
        bool,
        typer.Option(
            "--customers",
            help="Make every chat buyer a customer (default: choose in the chat manager or `chat customers`).",
        ),
    ] = False,
) -> None:
    """Import chat (TM) lines as tm threads, with their attachments; `--customers` makes every chat buyer a customer."""
    require_file(file)
    with import_progress(quiet=quiet):
        r = chats.import_chats(state.ctx(), file, make_customers=customers)
    extra = f"; {r.skipped_seller_lines} seller lines without a buyer line skipped" if r.skipped_seller_lines else ""
    extra += f"; {r.already_imported} lines were already imported" if r.already_imported else ""
    extra += f"; {r.attachments} attachments" if r.attachments else ""
    who = (
        f"{r.customers} customers" if customers else f"{r.buyers} chat buyers (choose customers with `chat customers`)"
    )
    typer.echo(
        f"imported {r.lines} chat lines: {r.threads.received} new threads, {r.extended} threads continued, "
        f"{who}{extra}; new threads: {_summary(r.threads)}"
    )


@exports.command("inquiries")
def export_inquiries(
    folder: Annotated[
        str | None,
        typer.Option(
            "--folder",
            help="inbox | junk | deleted, or the views unread | sent | tagged | email (default: every folder)",
        ),
    ] = None,
    fmt: FormatOpt = "csv",
    output: OutOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Export inquiries (yours, or all for the admin); CSV cells are safe to open in a spreadsheet."""
    ctx = state.ctx()
    if output is None:
        export.write_inquiries(ctx, sys.stdout, folder, fmt)
        return
    with progress_bar(quiet=quiet) as report:  # on a terminal: rows written and rows per second
        count = export.export_inquiries(ctx, output, folder, fmt, report)
    typer.echo(f"exported {count} inquiries to {output}", err=True)


@exports.command("allocations")
def export_allocations(
    days: Annotated[int, typer.Option("--days", min=1, max=3650, help="How many days back.")] = 30,
    fmt: FormatOpt = "csv",
    output: OutOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Export the allocation record of the past DAYS (who got which inquiry, by which rule, why)."""
    ctx = state.ctx()
    if output is None:
        allocation_record.export_allocations(ctx, sys.stdout, days, fmt)
        return
    with progress_bar(quiet=quiet) as report:  # on a terminal: rows written of the total, rate, time left
        count = allocation_record.export_allocations(ctx, output, days, fmt, progress=report)
    typer.echo(f"exported {count} allocation records to {output}", err=True)


@inquiry_app.command("assign")
def assign(inquiry_id: int, login: str) -> None:
    """Admin: reassign any inquiry. Salesperson: hand over your own to another salesperson."""
    r = assignment.assign_inquiry(state.ctx(), inquiry_id, login)
    typer.echo(f"inquiry {r.inquiry_id}: {r.from_login} -> {r.to_login} ({r.rule})")


@top_level.command("allocate")
def allocate(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what would move and why; change nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False,
) -> None:
    """Do now what the rules would do: escalate what nobody answered in time, return away accounts' buyers,
    and re-route what the main account holds (admin only). Safe to run from cron."""
    report = reroute.allocate(state.ctx(), dry_run=dry_run)
    if as_json:
        typer.echo(json.dumps(reroute.report_to_dict(report), indent=2, sort_keys=True))
        return
    verb = "would move" if dry_run else "moved"
    for kind, moves in (("escalated", report.escalated), ("returned", report.returned), ("allocated", report.moves)):
        for m in moves:
            typer.echo(f"{kind} #{m.inquiry_id}: {m.from_login} -> {m.to_login} ({m.rule}): {safe_line(m.reason)}")
    head = "dry run: " if dry_run else ""
    typer.echo(
        f"{head}allocated {report.moved} waiting inquiries; {len(report.escalated)} escalated, "
        f"{len(report.returned)} returned from away ({verb} {report.moved + len(report.escalated) + len(report.returned)})"
    )
